"""C/C++ tests of the host runtime (our libascendcl.so), built the way an
unmodified ACL application is built:

    gcc -I$DDK/runtime/include test.c -L$DDK/runtime/lib64 -lascendcl -lpthread \
        -Wl,-rpath,$DDK/runtime/lib64

The DDK comes from, in order: the ACL_ASYNC_DDK_PATH environment variable, the
installed package (``python -m acl_async --ddk-path``), or a CMake build of
csrc/host from this checkout into a temporary directory (session fixture).
The test programs live in csrc/host/tests: its CMakeLists.txt, configured on its
own against the DDK, builds them once and registers each case of each program
with CTest; this module runs CTest once and reports one result per case.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEST_SRC = ROOT / "csrc" / "host" / "tests"
HOST_SRC = ROOT / "csrc" / "host"
RUN_TIMEOUT = 300

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")


def _is_ddk(path: Path) -> bool:
    return (path / "runtime" / "include" / "acl" / "acl.h").is_file() and (
        path / "runtime" / "lib64" / "libascendcl.so"
    ).exists()


def _ddk_from_package() -> Path | None:
    try:
        out = subprocess.run(
            [sys.executable, "-m", "acl_async", "--ddk-path"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(Path.home()),
        )
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
    cfg = [
        "cmake",
        "-S",
        str(ROOT),
        "-B",
        str(build),
        "-DACL_ASYNC_BUILD_PYTHON=OFF",
        "-DACL_ASYNC_BACKEND=host",
        "-DCMAKE_BUILD_TYPE=Release",
        f"-DPython3_EXECUTABLE={sys.executable}",
    ]
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
            pytest.fail(
                f"ACL_ASYNC_DDK_PATH={env} does not hold runtime/include/acl/acl.h and "
                "runtime/lib64/libascendcl.so"
            )
        return path
    path = _ddk_from_package()
    if path is not None:
        return path
    return _build_ddk(tmp_path_factory.mktemp("acl_host_ddk"))


def _cmake_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is needed to build and run the C tests")
    return path


def _registered_cases() -> list[str]:
    """The CTest names csrc/host/tests/CMakeLists.txt registers, read from the same lines it
    reads: its acl_host_test(...) calls (program, NO_TEST, VARIANTs) and each program's
    ACL_TEST_CASE lines. test_ctest_registers_every_case checks the two agree."""
    text = (TEST_SRC / "CMakeLists.txt").read_text()
    names = []
    for call in re.findall(r"^acl_host_test\((.*?)\)$", text, re.M | re.S):
        words = call.split()
        if "NO_TEST" in words:
            continue
        src = TEST_SRC / words[0]
        short = src.stem.removeprefix("test_")
        prefixes = [short] + [f"{short}.{words[i + 1]}" for i, w in enumerate(words) if w == "VARIANT"]
        cases = re.findall(r'ACL_TEST_CASE\("([^"]+)"', src.read_text())
        names += [f"{p}.{c}" for p in prefixes for c in cases] if cases else prefixes
    return names


@pytest.fixture(scope="session")
def ctest_build(ddk, tmp_path_factory) -> Path:
    """csrc/host/tests configured on its own against the DDK (-I<ddk>/runtime/include
    -L<ddk>/runtime/lib64 -lascendcl, as an application builds), built once, with its models."""
    tmp = tmp_path_factory.mktemp("acl_host_ctest")
    build = tmp / "build"
    data = models.write_host_test_data(tmp / "data")
    cfg = [
        _cmake_program("cmake"),
        "-S",
        str(TEST_SRC),
        "-B",
        str(build),
        f"-DACL_DDK={ddk}",
        f"-DACL_HOST_TEST_DATA={data}",
        f"-DACL_HOST_TEST_TIMEOUT={RUN_TIMEOUT}",
        "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
    ]
    # ACL_ASYNC_TEST_EXEC runs the programs through a launcher (CI: qemu-aarch64 for cross builds);
    # CC/CXX choose the compilers (cross compilers there).
    launcher = shlex.split(os.environ.get("ACL_ASYNC_TEST_EXEC", ""))
    if launcher:
        cfg.append("-DACL_HOST_TEST_LAUNCHER=" + ";".join(launcher))
    jobs = str(os.cpu_count() or 2)
    # The sanitizer job preloads its runtime for the programs (they load an instrumented libascendcl);
    # cmake and the compilers it tries must run without it.
    build_env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    for cmd in (cfg, [_cmake_program("cmake"), "--build", str(build), "-j", jobs]):
        res = subprocess.run(cmd, capture_output=True, text=True, env=build_env)
        if res.returncode != 0:
            pytest.fail(f"{' '.join(cmd)} failed:\n{res.stdout[-4000:]}\n{res.stderr[-4000:]}")
    return build


@pytest.fixture(scope="session")
def ctest_results(ctest_build) -> dict[str, tuple[str, str]]:
    """Runs every case once (ctest -j); maps test name -> (status, output)."""
    env = dict(os.environ)
    for k in (
        "ACL_HOST_STRICT",
        "ACL_HOST_DEVICE_COUNT",
        "ACL_HOST_DEVICE_MEMORY_MB",
        "ACL_HOST_PERFORMANCE_HINT",
    ):
        env.pop(k, None)
    junit = ctest_build / "results.xml"
    cmd = [
        _cmake_program("ctest"),
        "--test-dir",
        str(ctest_build),
        "-j",
        str(os.cpu_count() or 2),
        "--output-junit",
        str(junit),
    ]
    subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT * 6)
    results = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        out = case.find("system-out")
        results[case.get("name")] = (case.get("status", ""), (out.text or "") if out is not None else "")
    return results


@pytest.fixture(scope="session")
def programs(ctest_build) -> dict[str, Path]:
    """The test programs of the CTest build (built once), by name, for tests that drive one
    themselves (test_app_log, test_acl_dynamic in test_atc_runtime.py)."""
    return {p.name: p for p in ctest_build.iterdir() if p.name.startswith("test_") and p.is_file()}


def _run(exe: Path, args, env_extra=None, timeout=RUN_TIMEOUT, cwd=None):
    """Runs one test program; it must exit 0 with a last line "N passed, 0 failed" (N > 0)."""
    env = dict(os.environ)
    for k in ("ACL_HOST_STRICT", "ACL_HOST_DEVICE_COUNT", "ACL_HOST_DEVICE_MEMORY_MB"):
        env.pop(k, None)
    env.update(env_extra or {})
    # ACL_ASYNC_TEST_EXEC runs the programs through a launcher (CI: qemu-aarch64 for cross builds).
    launcher = shlex.split(os.environ.get("ACL_ASYNC_TEST_EXEC", ""))
    try:
        res = subprocess.run(
            [*launcher, str(exe), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{exe.name} hung (> {timeout} s)\nstdout:\n{exc.stdout}\nstderr:\n{exc.stderr}")
    report = (
        f"{exe.name} {' '.join(map(str, args))} (rc={res.returncode})\n"
        f"stdout:\n{res.stdout[-6000:]}\nstderr:\n{res.stderr[-6000:]}"
    )
    lines = res.stdout.strip().splitlines()
    assert lines and res.returncode == 0, report
    m = re.fullmatch(r"(\d+) passed, 0 failed", lines[-1])
    assert m and int(m.group(1)) > 0, report
    return res


def test_ctest_registers_every_case(ctest_build):
    out = subprocess.run(
        [_cmake_program("ctest"), "--test-dir", str(ctest_build), "-N"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = re.findall(r"Test +#\d+: (\S+)", out)
    assert listed and sorted(listed) == sorted(_registered_cases()), out


@pytest.mark.parametrize("name", _registered_cases())
def test_c_case(ctest_results, name):
    """One CTest case of the C test programs (e.g. acl_rt.relaxed.memory): it ran and passed."""
    if name.endswith(".fork") and os.environ.get("ACL_ASYNC_TEST_EXEC"):
        # qemu-user (Debian 12's 7.2) aborts in a forked child of a threaded program with its own
        # assertion (cpu-exec.c: cpu == current_cpu): the case runs natively in every other job.
        pytest.skip("fork of a threaded program under an emulator (qemu-user asserts in the child)")
    assert name in ctest_results, f"{name} did not run (registered: {sorted(ctest_results)})"
    status, output = ctest_results[name]
    lines = [line for line in output.splitlines() if re.fullmatch(r"\d+ passed, \d+ failed", line)]
    assert status == "run" and lines and lines[-1].endswith(" 0 failed"), (
        f"{name}: {status}\n{output[-6000:]}"
    )


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
    for required in (
        "aclInit",
        "aclFinalize",
        "aclrtSetDevice",
        "aclrtProcessReport",
        "aclmdlExecuteAsync",
        "aclmdlLoadFromFileWithMem",
        "aclGetRecentErrMsg",
    ):
        assert required in c_names


# ---- Runtime breadth (issue 12): tensor descs, rt/mdl extensions, memory matrix, app log, stub link ----


# test_acl_tensor_desc, test_acl_rt_ext, test_memset_matrix and test_acl_mdl_ext run as CTest
# cases (test_c_case); test_app_log is driven here, with its environment and output checks.


_LOG_MARKERS = ("marker-debug 7", "marker-info text", "marker-warning", "marker-error 100%")


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_app_log_levels_to_stdout(programs, tmp_path, level):
    """ACL_APP_LOG writes the levels >= ASCEND_GLOBAL_LOG_LEVEL to stdout when asked to, nothing else."""
    env = {
        "ASCEND_GLOBAL_LOG_LEVEL": str(level),
        "ASCEND_SLOG_PRINT_TO_STDOUT": "1",
        "ASCEND_PROCESS_LOG_PATH": str(tmp_path),
    }
    res = _run(programs["test_app_log"], [], env)
    for i, marker in enumerate(_LOG_MARKERS):
        assert (marker in res.stdout) == (i >= level), res.stdout
    assert "marker-bad-level" not in res.stdout
    if level < 4:
        line = next(x for x in res.stdout.splitlines() if "marker-error" in x)
        assert line.startswith("[ERROR] APP(") and "[test_app_log.c:" in line
        assert "]main: marker-error" in line
    # The runtime's own errors: CANN's ASCENDCL lines, at the error level; a poll's timeout is not one.
    errors = [x for x in res.stdout.splitlines() if x.startswith("[ERROR] ASCENDCL(")]
    assert len(errors) == (1 if level < 4 else 0), res.stdout
    if errors:
        assert "aclmdlLoadFromFile: " in errors[0] and "marker-model.om" in errors[0], errors
        assert errors[0].endswith(")") and "(error 1000" in errors[0], errors  # with its code
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
    assert "ASCENDCL" not in text and "ASCENDCL" not in res.stdout  # runtime errors: stdout only, when asked


def test_stub_links_and_real_library_runs(ddk, tmp_path):
    """A program linked against runtime/lib64/stub (no RPATH, as the samples build) runs on the real
    library found through LD_LIBRARY_PATH; against the stub alone every call fails."""
    stub = ddk / "runtime" / "lib64" / "stub" / "libascendcl.so"
    assert stub.is_file() and not stub.is_symlink()
    if shutil.which("readelf"):
        dyn = subprocess.run(
            ["readelf", "-d", str(stub.resolve())], capture_output=True, text=True, check=True
        ).stdout
        assert "NEEDED" not in dyn, dyn  # no dependencies
        assert "libascendcl.so" in dyn  # SONAME: programs record the runtime's name
    exe = tmp_path / "test_stub_link"
    cmd = [
        os.environ.get("CC", "gcc"),
        "-std=c99",
        "-Wall",
        "-Wextra",
        f"-I{ddk / 'runtime' / 'include'}",
        f"-I{TEST_SRC}",
        str(TEST_SRC / "test_stub_link.c"),
        "-o",
        str(exe),
        f"-L{stub.parent}",
        "-lascendcl",
    ]
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

    # acl_prof.h and acl_op_compiler.h belong to libmsprofiler / libacl_op_compiler (tests/test_sdk_tools.py).
    companions = {"acl_prof.h", "acl_op_compiler.h"}
    headers = sorted(h for h in (HOST_SRC / "include" / "acl").glob("*.h") if h.name not in companions)
    declared = {name for _, name, _ in gen_stub.declarations(headers)}
    assert {"aclCreateTensorDesc", "aclrtMemcpy2dAsync", "aclFinalizeReference", "aclAppLog"} <= declared

    def exports(lib: Path) -> set[str]:
        cmd = ["nm", "-D", "--defined-only", str(lib.resolve())]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return {line.split()[-1] for line in out.splitlines() if line.strip()}

    lib64 = ddk / "runtime" / "lib64"
    assert declared <= exports(lib64 / "libascendcl.so"), sorted(declared - exports(lib64 / "libascendcl.so"))
    assert declared == exports(lib64 / "stub" / "libascendcl.so")
