"""C/C++ tests of the host runtime (our libascendcl.so), built the way an
unmodified ACL application is built:

    gcc -I$DDK/runtime/include test.c -L$DDK/runtime/lib64 -lascendcl -lpthread \
        -Wl,-rpath,$DDK/runtime/lib64

The DDK comes from, in order: the ACL_ASYNC_DDK_PATH environment variable, the
installed package (``python -m acl_async --ddk-path``), or a CMake build of
csrc/host from this checkout into a temporary directory (session fixture).
The test programs live in csrc/host/tests; they take the generated model
files (tests/models.py) on their command line and print "N passed, M failed".
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEST_SRC = ROOT / "csrc" / "host" / "tests"
HOST_SRC = ROOT / "csrc" / "host"
RUN_TIMEOUT = 300

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")


def _is_ddk(path: Path) -> bool:
    return (path / "runtime" / "include" / "acl" / "acl.h").is_file() and \
        (path / "runtime" / "lib64" / "libascendcl.so").exists()


def _ddk_from_package() -> Path | None:
    try:
        out = subprocess.run([sys.executable, "-m", "acl_async", "--ddk-path"], capture_output=True,
                             text=True, timeout=120, cwd=str(Path.home()))
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    lines = out.stdout.strip().splitlines()
    if not lines:
        return None
    path = Path(lines[-1].strip())
    return path if _is_ddk(path) else None


def _build_ddk(tmp: Path) -> Path:
    """Builds csrc/host with CMake and lays the result out as a DDK (symlinks)."""
    if shutil.which("cmake") is None:
        pytest.skip("cmake is needed to build the host runtime (or set ACL_ASYNC_DDK_PATH)")
    build = tmp / "build"
    cfg = ["cmake", "-S", str(ROOT), "-B", str(build), "-DACL_ASYNC_BUILD_PYTHON=OFF",
           "-DACL_ASYNC_BACKEND=host", "-DCMAKE_BUILD_TYPE=Release",
           f"-DPython3_EXECUTABLE={sys.executable}"]
    jobs = str(os.cpu_count() or 2)
    for cmd in (cfg, ["cmake", "--build", str(build), "--target", "ascendcl", "-j", jobs]):
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            pytest.fail(f"{' '.join(cmd)} failed:\n{res.stdout[-4000:]}\n{res.stderr[-4000:]}")
    libs = list(build.rglob("libascendcl.so"))
    if not libs:
        pytest.fail(f"libascendcl.so not found under {build}")
    ddk = tmp / "ddk"
    (ddk / "runtime").mkdir(parents=True)
    os.symlink(HOST_SRC / "include", ddk / "runtime" / "include")
    os.symlink(libs[0].parent, ddk / "runtime" / "lib64")
    return ddk


@pytest.fixture(scope="session")
def ddk(tmp_path_factory) -> Path:
    env = os.environ.get("ACL_ASYNC_DDK_PATH")
    if env:
        path = Path(env)
        if not _is_ddk(path):
            pytest.fail(f"ACL_ASYNC_DDK_PATH={env} does not hold runtime/include/acl/acl.h and "
                        "runtime/lib64/libascendcl.so")
        return path
    path = _ddk_from_package()
    if path is not None:
        return path
    return _build_ddk(tmp_path_factory.mktemp("acl_host_ddk"))


@pytest.fixture(scope="session")
def programs(ddk, tmp_path_factory) -> dict:
    """Compiles every test program against the DDK; maps name -> executable."""
    out_dir = tmp_path_factory.mktemp("acl_host_bin")
    inc = ddk / "runtime" / "include"
    lib = ddk / "runtime" / "lib64"
    built = {}
    for src in sorted(TEST_SRC.glob("test_*.c*")):
        exe = out_dir / src.stem
        if src.suffix == ".c":
            cmd = [os.environ.get("CC", "gcc"), "-std=c99", "-Wall", "-Wextra", "-O1"]
        else:
            cmd = [os.environ.get("CXX", "g++"), "-std=c++11", "-Wall", "-Wextra", "-O1"]
        cmd += [f"-I{inc}", f"-I{TEST_SRC}", str(src), "-o", str(exe), f"-L{lib}", "-lascendcl", "-lpthread",
                f"-Wl,-rpath,{lib}"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            pytest.fail(f"compiling {src.name} failed:\n{' '.join(cmd)}\n{res.stdout}\n{res.stderr}")
        built[src.stem] = exe
    return built


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("acl_host_models")
    models.make_add_model(d / "add.onnx", (1, 3, 8, 8), np.float32, const=1.5)
    models.make_fp16_model(d / "fp16.onnx", (1, 3, 8, 8), scale=2.0)
    models.make_two_output_model(d / "two.onnx", (2, 5))
    models.make_classifier_model(d / "classifier.onnx")
    models.make_dynamic_batch_model(d / "dynamic.onnx", feature=4)
    models.make_reshape_model(d / "reshape.onnx", feature=4, rows=4)
    models.make_om_file(d / "resnet50.om")
    models.make_corrupt_file(d / "corrupt.onnx")
    # An ONNX model under the sample's .om name: recognised by content.
    shutil.copy(d / "add.onnx", d / "add_named.om")
    models.make_ir_model(d / "add_ir.xml", d / "add.onnx")
    # Classifier reference: input and OpenVINO's own output (run directly).
    import openvino as ov

    x = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype(np.float32)
    compiled = ov.Core().compile_model(str(d / "classifier.onnx"), "CPU")
    y = compiled(x)[0].astype(np.float32)
    assert np.allclose(y, models.reference_classifier(x), atol=2e-2)
    x.tofile(d / "classifier_in.bin")
    y.tofile(d / "classifier_out.bin")
    (d / "acl.json").write_text("{}\n")
    return d


def _run(exe: Path, args, env_extra=None, timeout=RUN_TIMEOUT, cwd=None):
    env = dict(os.environ)
    for k in ("ACL_HOST_STRICT", "ACL_HOST_DEVICE_COUNT", "ACL_HOST_DEVICE_MEMORY_MB"):
        env.pop(k, None)
    env.update(env_extra or {})
    start = time.monotonic()
    try:
        # ACL_ASYNC_TEST_EXEC runs the programs through a launcher (CI: qemu-aarch64 for cross builds).
        launcher = shlex.split(os.environ.get("ACL_ASYNC_TEST_EXEC", ""))
        res = subprocess.run([*launcher, str(exe), *map(str, args)], capture_output=True, text=True,
                             timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{exe.name} hung (> {timeout} s)\nstdout:\n{exc.stdout}\nstderr:\n{exc.stderr}")
    elapsed = time.monotonic() - start
    report = f"{exe.name} {' '.join(map(str, args))} ({elapsed:.1f} s, rc={res.returncode})\n" \
             f"stdout:\n{res.stdout[-6000:]}\nstderr:\n{res.stderr[-6000:]}"
    lines = res.stdout.strip().splitlines()
    assert lines, report
    last = lines[-1]
    assert last.endswith(" 0 failed") and res.returncode == 0, report
    passed = int(last.split()[0])
    assert passed > 0, report
    return res


def test_pipeline(programs, model_dir):
    _run(programs["test_pipeline"], [model_dir / "add.onnx", 1.5, model_dir / "acl.json"])


def test_pipeline_model_named_om(programs, model_dir):
    # Huawei's sample hard-codes ../model/resnet50.om: an ONNX file under that name loads.
    _run(programs["test_pipeline"], [model_dir / "add_named.om", 1.5, model_dir / "acl.json"])


def test_exit_without_finalize(programs, model_dir):
    """Returning from main with work queued, a BLOCK callback pending and no aclFinalize exits cleanly."""
    args = [model_dir / "add.onnx", 1.5, model_dir / "acl.json", "exit-live"]
    _run(programs["test_pipeline"], args, timeout=60)


def test_acl_base(programs):
    _run(programs["test_acl_base"], [])


@pytest.mark.parametrize("strict", ["1", "0"])
def test_acl_rt(programs, tmp_path, strict):
    _run(programs["test_acl_rt"], [tmp_path], {"ACL_HOST_STRICT": strict})


def test_acl_rt_small_arena_two_devices(programs, tmp_path):
    env = {"ACL_HOST_DEVICE_MEMORY_MB": "64", "ACL_HOST_DEVICE_COUNT": "2"}
    _run(programs["test_acl_rt"], [tmp_path], env)


def _mdl_args(d: Path):
    return [d / "add.onnx", 1.5, d / "fp16.onnx", d / "two.onnx", d / "classifier.onnx",
            d / "classifier_in.bin", d / "classifier_out.bin", d / "dynamic.onnx", d / "resnet50.om",
            d / "corrupt.onnx", d / "add_ir.xml", d / "does_not_exist.onnx", d / "reshape.onnx"]


@pytest.mark.parametrize("strict", ["1", "0"])
def test_acl_mdl(programs, model_dir, strict):
    _run(programs["test_acl_mdl"], _mdl_args(model_dir), {"ACL_HOST_STRICT": strict})


def test_acl_mdl_latency_hint(programs, model_dir):
    _run(programs["test_acl_mdl"], _mdl_args(model_dir), {"ACL_HOST_PERFORMANCE_HINT": "LATENCY"})


def test_exports_only_acl(ddk):
    """The library exports the ACL entry points (plus unavoidable C++ vague-linkage symbols)."""
    if shutil.which("nm") is None:
        pytest.skip("nm not available")
    lib = (ddk / "runtime" / "lib64" / "libascendcl.so").resolve()
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True, check=True)
    names = [line.split()[-1] for line in out.stdout.splitlines() if line.strip()]
    c_names = [n for n in names if not n.startswith("_Z")]
    assert c_names, out.stdout
    assert all(n.startswith("acl") for n in c_names), [n for n in c_names if not n.startswith("acl")]
    for required in ("aclInit", "aclFinalize", "aclrtSetDevice", "aclrtProcessReport", "aclmdlExecuteAsync",
                     "aclmdlLoadFromFileWithMem", "aclGetRecentErrMsg"):
        assert required in c_names


# ---- Runtime breadth (issue 12): tensor descs, rt/mdl extensions, memory matrix, app log, stub link ----


def test_acl_tensor_desc(programs):
    _run(programs["test_acl_tensor_desc"], [])


@pytest.mark.parametrize("strict", ["1", "0"])
def test_acl_rt_ext(programs, strict):
    _run(programs["test_acl_rt_ext"], [], {"ACL_HOST_STRICT": strict, "ACL_HOST_DEVICE_COUNT": "2"})


@pytest.mark.parametrize("strict", ["1", "0"])
def test_memset_memcpy_matrix(programs, strict):
    _run(programs["test_memset_matrix"], [], {"ACL_HOST_STRICT": strict})


@pytest.mark.parametrize("strict", ["1", "0"])
def test_acl_mdl_ext(programs, model_dir, strict):
    _run(programs["test_acl_mdl_ext"], [model_dir / "add.onnx", 1.5], {"ACL_HOST_STRICT": strict})


_LOG_MARKERS = ("marker-debug 7", "marker-info text", "marker-warning", "marker-error 100%")


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_app_log_levels_to_stdout(programs, tmp_path, level):
    """ACL_APP_LOG writes the levels >= ASCEND_GLOBAL_LOG_LEVEL to stdout when asked to, nothing else."""
    env = {"ASCEND_GLOBAL_LOG_LEVEL": str(level), "ASCEND_SLOG_PRINT_TO_STDOUT": "1",
           "ASCEND_PROCESS_LOG_PATH": str(tmp_path)}
    res = _run(programs["test_app_log"], [], env)
    for i, marker in enumerate(_LOG_MARKERS):
        assert (marker in res.stdout) == (i >= level), res.stdout
    assert "marker-bad-level" not in res.stdout
    if level < 4:
        line = next(x for x in res.stdout.splitlines() if "marker-error" in x)
        assert line.startswith("[ERROR] APP(") and "[test_app_log.c:" in line
        assert "]main: marker-error" in line
    assert not list(tmp_path.rglob("*.log"))  # stdout only


def test_app_log_default_goes_to_plog_file(programs, tmp_path):
    """Without ASCEND_SLOG_PRINT_TO_STDOUT, errors (the default level) go to the process's plog file."""
    env = {"ASCEND_PROCESS_LOG_PATH": str(tmp_path)}
    for k in ("ASCEND_GLOBAL_LOG_LEVEL", "ASCEND_SLOG_PRINT_TO_STDOUT"):
        env[k] = ""
    res = _run(programs["test_app_log"], [], env)
    assert "marker" not in res.stdout
    logs = list((tmp_path / "debug" / "plog").glob("plog-*.log"))
    assert len(logs) == 1, list(tmp_path.rglob("*"))
    text = logs[0].read_text()
    assert "marker-error 100%" in text and "marker-no-location" in text
    assert "marker-warning" not in text and "marker-info" not in text


def test_stub_links_and_real_library_runs(ddk, tmp_path):
    """A program linked against runtime/lib64/stub (no RPATH, as the samples build) runs on the real
    library found through LD_LIBRARY_PATH; against the stub alone every call fails."""
    stub = ddk / "runtime" / "lib64" / "stub" / "libascendcl.so"
    assert stub.is_file() and not stub.is_symlink()
    if shutil.which("readelf"):
        dyn = subprocess.run(["readelf", "-d", str(stub.resolve())], capture_output=True, text=True,
                             check=True).stdout
        assert "NEEDED" not in dyn, dyn  # no dependencies
        assert "libascendcl.so" in dyn  # SONAME: programs record the runtime's name
    exe = tmp_path / "test_stub_link"
    cmd = [os.environ.get("CC", "gcc"), "-std=c99", "-Wall", "-Wextra", f"-I{ddk / 'runtime' / 'include'}",
           f"-I{TEST_SRC}", str(TEST_SRC / "test_stub_link.c"), "-o", str(exe), f"-L{stub.parent}",
           "-lascendcl"]
    real = ddk / "runtime" / "lib64"
    emulated = bool(os.environ.get("ACL_ASYNC_TEST_EXEC"))
    if emulated:  # the launcher (qemu -E) sets the guest's LD_LIBRARY_PATH: find the real one by RUNPATH
        cmd.append(f"-Wl,-rpath,{real}")
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    _run(exe, [], {"LD_LIBRARY_PATH": str(real)})
    if emulated:
        return
    env = dict(os.environ, LD_LIBRARY_PATH=str(stub.parent))
    res = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode != 0 and "link-time stub" in res.stderr, res.stderr


def test_every_declared_function_is_exported_and_stubbed(ddk):
    """The public headers, the runtime and the stub agree: each declared function is exported by both."""
    if shutil.which("nm") is None:
        pytest.skip("nm not available")
    sys.path.insert(0, str(HOST_SRC / "stub"))
    import gen_stub  # noqa: E402

    headers = sorted((HOST_SRC / "include" / "acl").glob("*.h"))
    declared = {name for _, name, _ in gen_stub.declarations(headers)}
    assert {"aclCreateTensorDesc", "aclrtMemcpy2dAsync", "aclFinalizeReference", "aclAppLog"} <= declared

    def exports(lib: Path) -> set[str]:
        cmd = ["nm", "-D", "--defined-only", str(lib.resolve())]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return {line.split()[-1] for line in out.splitlines() if line.strip()}

    lib64 = ddk / "runtime" / "lib64"
    assert declared <= exports(lib64 / "libascendcl.so"), sorted(declared - exports(lib64 / "libascendcl.so"))
    assert declared == exports(lib64 / "stub" / "libascendcl.so")
