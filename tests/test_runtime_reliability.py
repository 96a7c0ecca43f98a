"""Reliability of the host runtime (issue 18, 21): exported functions guarded against C++
exceptions, model bytes from memory that never read a file, `.om` metadata caps shared by
the C++ and Python readers, fork, and exit in any order from Python.

The C side of these items (free while queued, ranges from outside, thread-start failure,
fork, static destructors) is in csrc/host/tests (test_runtime_faults.c, test_exit_order.cpp),
run by tests/test_host_runtime.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from models import make_add_model, make_dynamic_batch_model

ROOT = Path(__file__).resolve().parents[1]
HOST_SRC = ROOT / "csrc" / "host" / "src"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")

SUCCESS = 0
PARSE_MODEL = 100013
REPEAT_INITIALIZE = 100002


def _libascendcl() -> Path:
    from acl_async import sdk

    return Path(sdk.lib_dir()) / "libascendcl.so"


# ---- every exported function is guarded (ACL_API_TRY ... ACL_API_CATCH) ----------------------


def _exported_functions(lib: Path) -> list[str]:
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) is not installed")
    out = subprocess.run([nm, "-D", "--defined-only", str(lib)], capture_output=True, text=True, check=True)
    names = []
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ("T", "W") and parts[2].startswith("acl"):
            names.append(parts[2])
    return sorted(set(names))


def _guarded_names(sources: list[Path]) -> set[str]:
    """Names whose definition goes through the guard: `name(...) ACL_API_TRY {`, directly or in a
    macro whose body uses ACL_API_TRY and which is invoked with the name as first argument."""
    guarded: set[str] = set()
    macros: set[str] = set()
    texts = [p.read_text() for p in sources]
    for text in texts:
        for m in re.finditer(r"\b(acl\w+)\s*\(([^;{}()]*)\)\s*ACL_API_TRY\s*\{", text):
            guarded.add(m.group(1))
        for m in re.finditer(r"#define\s+(\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)", text):
            if "ACL_API_TRY" in m.group(3):
                macros.add(m.group(1))
    for text in texts:
        for macro in macros:
            for m in re.finditer(rf"^\s*{macro}\(\s*(acl\w+)\s*,", text, re.M):
                guarded.add(m.group(1))
    return guarded


def test_every_exported_function_uses_the_guard():
    lib = _libascendcl()
    exported = _exported_functions(lib)
    assert len(exported) > 100, exported
    guarded = _guarded_names(sorted(HOST_SRC.glob("*.cpp")))
    missing = [name for name in exported if name not in guarded]
    assert not missing, (
        f"exported without ACL_API_TRY/ACL_API_CATCH (python scripts/add_api_guard.py adds it): {missing}"
    )


def test_guard_check_sees_an_unguarded_function(tmp_path):
    # The check itself: a definition without the guard is not counted.
    src = tmp_path / "x.cpp"
    src.write_text(
        "aclError aclA(int x) ACL_API_TRY {\n  return 0;\n} ACL_API_CATCH\n"
        "aclError aclB(int x) {\n  return 0;\n}\n"
        "#define G(fn, f) \\\n  int fn(int) ACL_API_TRY { return 0; } \\\n  ACL_API_CATCH\nG(aclC, x)\n"
    )
    assert _guarded_names([src]) == {"aclA", "aclC"}


# ---- pyACL / Session fixtures -----------------------------------------------------------------


@pytest.fixture
def acl_env():
    acl = pytest.importorskip("acl")
    ret = acl.init()
    assert ret in (SUCCESS, REPEAT_INITIALIZE)
    assert acl.rt.set_device(0) == SUCCESS
    context, ret = acl.rt.create_context(0)
    assert ret == SUCCESS
    yield acl
    acl.rt.set_context(context)
    assert acl.rt.destroy_context(context) == SUCCESS


def _load_from_mem(acl, data: bytes) -> tuple[int, int, str]:
    ptr = acl.util.bytes_to_ptr(data)
    model_id, ret = acl.mdl.load_from_mem(ptr, len(data))
    msg = acl.get_recent_err_msg() or "" if ret != SUCCESS else ""
    return model_id, ret, msg


def _external_data_model(folder: Path, location: str) -> Path:
    """y = Identity(w), w: 4 uint8 bytes stored in the external file `location`."""
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    w = helper.make_tensor("w", TensorProto.UINT8, [4], vals=b"\0\0\0\0", raw=True)
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", "0"), ("length", "4")):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph(
        [helper.make_node("Identity", ["w"], ["y"])],
        "external",
        [],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [4])],
        [w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path = folder / "external.onnx"
    path.write_bytes(model.SerializeToString())
    return path


# ---- item 3: model bytes from memory never read a file ---------------------------------------


def test_load_from_mem_reads_no_external_file(acl_env, tmp_path, monkeypatch):
    acl = acl_env
    (tmp_path / "secret.bin").write_bytes(b"SECR")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "secret.bin").write_bytes(b"SECR")
    monkeypatch.chdir(tmp_path)  # before the fix, relative locations resolved here
    for location in ("secret.bin", "sub/secret.bin", str(tmp_path / "secret.bin"), "../secret.bin"):
        data = _external_data_model(tmp_path, location).read_bytes()
        model_id, ret, msg = _load_from_mem(acl, data)
        assert ret == PARSE_MODEL, (location, model_id, ret)
        assert "external data" in msg and "memory" in msg, msg


def test_load_from_file_reads_external_data_from_its_folder(acl_env, tmp_path, monkeypatch):
    acl = acl_env
    (tmp_path / "weights.bin").write_bytes(b"ABCD")
    path = _external_data_model(tmp_path, "weights.bin")
    monkeypatch.chdir("/")
    model_id, ret = acl.mdl.load_from_file(str(path))
    assert ret == SUCCESS, acl.get_recent_err_msg()
    assert acl.mdl.unload(model_id) == SUCCESS


def test_session_load_model_bytes_reads_no_file(tmp_path, monkeypatch):
    from acl_async import AclError, Session

    (tmp_path / "secret.bin").write_bytes(b"SECR")
    data = _external_data_model(tmp_path, "secret.bin").read_bytes()
    monkeypatch.chdir(tmp_path)
    with Session() as session:
        with pytest.raises(AclError) as info:
            session.load_model(data)
    assert info.value.code == PARSE_MODEL
    assert "external data" in str(info.value)


# ---- item 6: .om metadata caps, one set of rules in C++ and Python ---------------------------


def _container(tmp_path: Path, meta: dict[str, str], name: str = "m.om") -> Path:
    ov = pytest.importorskip("openvino")
    from acl_async.atc.container import OmContainer, write_container

    onnx_path = make_dynamic_batch_model(tmp_path / "dyn.onnx", feature=4)
    xml = tmp_path / "dyn.xml"
    ov.save_model(ov.Core().read_model(onnx_path), str(xml), compress_to_fp16=False)
    return write_container(
        OmContainer(meta, xml.read_bytes(), xml.with_suffix(".bin").read_bytes()), tmp_path / name
    )


GOOD_META = {"format": "acl-async-om", "dynamic": "batch", "gears": "1;2;4", "inputs": "x:-1,4:f32"}

BAD_META = [
    ({"gears": "200000000"}, "gears"),
    ({"gears": "-1"}, "gears"),
    ({"gears": "abc"}, "gears"),
    ({"gears": "18446744073709551615"}, "gears"),
    ({"gears": ";".join(str(i) for i in range(1, 102))}, "gears"),
    ({"gears": "1;1"}, "gears"),
    ({"gears": "1,2"}, "gears"),
    ({"dynamic": "hw", "gears": "224,100000"}, "gears"),
    ({"dynamic": "sideways"}, "dynamic"),
    ({"gears": ""}, "gears"),
    ({"inputs": "x:-2,4:f32"}, "inputs"),
    ({"inputs": "x:1,x:f32"}, "inputs"),
    ({"inputs": "x:" + ",".join(["1"] * 33) + ":f32"}, "inputs"),
    ({"dynamic_inputs": "x:99999999999,4"}, "dynamic_inputs"),
]


@pytest.mark.parametrize(("change", "field"), BAD_META, ids=[f"{k}" for k, _ in enumerate(BAD_META)])
def test_om_metadata_over_the_caps_is_refused_by_both_readers(acl_env, tmp_path, change, field):
    acl = acl_env
    from acl_async.atc.container import read_container

    path = _container(tmp_path, {**GOOD_META, **change})
    model_id, ret = acl.mdl.load_from_file(str(path))
    msg = acl.get_recent_err_msg() or ""
    assert ret == PARSE_MODEL, (ret, msg)
    assert str(path) in msg and f"field '{field}'" in msg, msg
    with pytest.raises(ValueError, match=rf"{re.escape(str(path))}.*field '{field}'"):
        read_container(path)


def test_om_metadata_lines_follow_one_rule(acl_env, tmp_path):
    acl = acl_env
    from acl_async.atc.container import read_container, unpack

    good = _container(tmp_path, GOOD_META)
    model_id, ret = acl.mdl.load_from_file(str(good))
    assert ret == SUCCESS, acl.get_recent_err_msg()
    assert acl.mdl.unload(model_id) == SUCCESS
    assert read_container(good).meta["gears"] == "1;2;4"
    # A line without '=' and non-UTF-8 text: refused by both (the Python reader used to fail
    # with "dictionary update sequence ...", the C++ one skipped the line).
    data = good.read_bytes()
    meta_len = int.from_bytes(data[8:12], "little")
    for bad, why in ((b"no equals sign\n", "line 1 is not key=value"), (b"k=\xff\xfe\n", "not UTF-8")):
        patched = data[:8] + (meta_len + len(bad)).to_bytes(4, "little") + data[12:28] + bad + data[28:]
        path = tmp_path / "patched.om"
        path.write_bytes(patched)
        model_id, ret = acl.mdl.load_from_file(str(path))
        msg = acl.get_recent_err_msg() or ""
        assert ret == PARSE_MODEL and why in msg and str(path) in msg, msg
        with pytest.raises(ValueError, match=why):
            unpack(patched, str(path))


# ---- item 4: fork from Python ----------------------------------------------------------------


def _run_python(code: str, tmp_path: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)}
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp_path
    )


def test_fork_child_gets_acl_errors_and_exits(tmp_path):
    """A Session with a report thread and queued work, then fork(): the child's calls on the
    parent's objects fail at once, the child can start over with aclInit, and it exits (before
    the fix the child hung on the parent's stream threads)."""
    make_add_model(tmp_path / "add.onnx", (1, 4), np.float32, const=1.0)
    result = _run_python(
        """
        import os, sys
        import acl
        from acl_async import Session, ClosedError
        s = Session()
        model = s.load_model("add.onnx")
        s.report_thread
        stream = s.stream
        pid = os.fork()
        if pid == 0:
            try:
                s.stream
                sys.exit(3)
            except ClosedError:
                pass
            if acl.rt.synchronize_stream(0) == 0:   # the parent's context is not current here
                os._exit(4)
            if acl.init() != 0:                      # starting over
                os._exit(5)
            if acl.rt.set_device(0) != 0 or acl.rt.reset_device(0) != 0 or acl.finalize() != 0:
                os._exit(6)
            sys.exit(0)                              # normal exit: interpreter teardown runs
        _, status = os.waitpid(pid, 0)
        s.close()
        print("child", os.waitstatus_to_exitcode(status))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "child 0" in result.stdout, result.stdout + result.stderr


# ---- issue 21: exit in any order from Python -------------------------------------------------

EXIT_ORDERS = {
    "no_cleanup": "",
    "context_first": "acl.rt.destroy_context(ctx); acl.rt.destroy_stream(stream); acl.rt.reset_device(0)",
    "finalize_first": "acl.finalize(); acl.mdl.unload(mid); acl.rt.destroy_stream(stream); "
    "acl.rt.destroy_context(ctx)",
    "device_first": "acl.rt.reset_device(0); acl.rt.destroy_stream(stream); acl.mdl.unload(mid); "
    "acl.finalize()",
}


@pytest.mark.parametrize("where", ["atexit", "module"])
@pytest.mark.parametrize("order", sorted(EXIT_ORDERS))
def test_exit_in_any_order(tmp_path, where, order):
    make_add_model(tmp_path / "add.onnx", (1, 4), np.float32, const=1.0)
    release = EXIT_ORDERS[order] or "pass"
    result = _run_python(
        f"""
        import atexit
        import acl
        import numpy as np
        acl.init(); acl.rt.set_device(0)
        ctx, _ = acl.rt.create_context(0)
        stream, _ = acl.rt.create_stream()
        mid, ret = acl.mdl.load_from_file("add.onnx")
        assert ret == 0
        desc = acl.mdl.create_desc(); acl.mdl.get_desc(desc, mid)
        n = acl.mdl.get_input_size_by_index(desc, 0)
        x, _ = acl.rt.malloc(n, 0); y, _ = acl.rt.malloc(n, 0)
        inp = acl.mdl.create_dataset(); out = acl.mdl.create_dataset()
        acl.mdl.add_dataset_buffer(inp, acl.create_data_buffer(x, n))
        acl.mdl.add_dataset_buffer(out, acl.create_data_buffer(y, n))
        assert acl.mdl.execute(mid, inp, out) == 0
        assert acl.mdl.execute_async(mid, inp, out, stream) == 0   # left queued
        def release():
            {release}
        class Holder:                                     # released at module teardown
            def __del__(self):
                release()
        if "{where}" == "atexit":
            atexit.register(release)
        else:
            holder = Holder()
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]


# ---- item 8: threads end after unload and finalize ------------------------------------------


def test_models_leave_no_threads_after_finalize(tmp_path):
    for i in range(10):
        make_add_model(tmp_path / f"m{i}.onnx", (1, 3, 8 + i, 8), np.float32, const=1.0 + i)
    result = _run_python(
        """
        import os
        import acl
        def threads():
            return len(os.listdir("/proc/self/task"))
        start = threads()
        acl.init(); acl.rt.set_device(0)
        ctx, _ = acl.rt.create_context(0)
        ids = []
        for i in range(10):
            mid, ret = acl.mdl.load_from_file(f"m{i}.onnx")
            assert ret == 0, acl.get_recent_err_msg()
            ids.append(mid)
        loaded = threads()
        for mid in ids:
            assert acl.mdl.unload(mid) == 0
        assert acl.rt.destroy_context(ctx) == 0 and acl.rt.reset_device(0) == 0 and acl.finalize() == 0
        print(start, loaded, threads())
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    start, loaded, end = map(int, result.stdout.split())
    assert loaded > start  # the models did start threads
    assert end <= start, (start, loaded, end)


# ---- item 8: the application log never follows a planted symlink ----------------------------

LOG_SCRIPT = """
import os
import acl
acl.app_log(3, "hello from the test")
print(os.getpid())
"""


def test_app_log_does_not_follow_a_planted_symlink(tmp_path):
    """The file name is predictable (plog-<pid>_<time>.log): a symlink planted there, to a file
    of the victim's, must not be followed."""
    plog = tmp_path / "logs" / "debug" / "plog"
    plog.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, time
            now = time.time()
            for dt in range(10):  # this process's name for the next seconds
                stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now + dt))
                name = f"plog-{{os.getpid()}}_{{stamp}}.log"
                os.symlink({str(victim)!r}, os.path.join({str(plog)!r}, name))
            import acl
            acl.app_log(3, "hello from the test")
            """
        )
    )
    env = {**os.environ, "ASCEND_PROCESS_LOG_PATH": str(tmp_path / "logs")}
    env.pop("ASCEND_SLOG_PRINT_TO_STDOUT", None)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious\n"
    written = [p for p in plog.iterdir() if not p.is_symlink()]
    assert len(written) == 1 and "hello from the test" in written[0].read_text(), result.stderr
    assert (written[0].stat().st_mode & 0o037) == 0  # no group write, nothing for others


def test_app_log_without_home_uses_a_private_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "ASCEND_PROCESS_LOG_PATH")}
    env.pop("ASCEND_SLOG_PRINT_TO_STDOUT", None)
    script = tmp_path / "script.py"
    script.write_text(LOG_SCRIPT)
    started = time.time() - 1  # a log left by an earlier process with the same pid is older
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    pid = result.stdout.split()[0]
    import pwd

    home = pwd.getpwuid(os.getuid()).pw_dir
    logs = [p for p in Path(home, "ascend", "log", "debug", "plog").glob(f"plog-{pid}_*.log")
            if p.stat().st_mtime >= started]  # fmt: skip
    assert not Path("/tmp/ascend/log/debug/plog").exists() or not list(
        Path("/tmp/ascend/log/debug/plog").glob(f"plog-{pid}_*.log")
    )
    assert len(logs) == 1, "the log goes to the home of the password database"
    logs[0].unlink()
