"""acl_async._acl: runtime reference counting, devices, contexts, streams, events, errors, teardown."""

from __future__ import annotations

import ctypes
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from helpers import when_called
from models import make_add_model

from acl_async import _acl
from acl_async.errors import (
    AclError,
    AclModelError,
    AclParamError,
    AclTimeoutError,
    ClosedError,
    InputError,
)

TIMEOUT = 60


@pytest.fixture
def chain():
    """Runtime -> Device -> Context, closed newest first."""
    runtime = _acl.Runtime()
    device = _acl.Device(0, runtime)
    context = _acl.Context(device)
    yield runtime, device, context
    for obj in (context, device, runtime):
        obj.close()


def test_runtime_is_reference_counted():
    before = _acl.Runtime.refcount()
    a = _acl.Runtime()
    b = _acl.Runtime()
    assert _acl.Runtime.refcount() == before + 2
    assert _acl.Runtime.is_initialized()
    a.close()
    a.close()  # idempotent: no double decrement
    assert _acl.Runtime.refcount() == before + 1
    b.close()
    assert _acl.Runtime.refcount() == before
    with _acl.Runtime() as c:
        assert _acl.Runtime.refcount() == before + 1
        assert not c.closed
    assert c.closed
    assert _acl.Runtime.refcount() == before


def test_runtime_reinitializes_after_finalize():
    """aclFinalize at the last release; a new reference initializes again and works."""
    for _ in range(2):
        with _acl.Runtime() as runtime:
            assert runtime.device_count() >= 1
            assert len(runtime.version) == 3
            with _acl.Device(0, runtime) as device, _acl.Context(device) as context:
                stream = _acl.Stream(context)
                stream.synchronize()
    assert _acl.Runtime.refcount() == 0


def test_runtime_config_file(tmp_path):
    """aclInit reads the config file it is given. Run in a fresh interpreter: in this one, pyACL tests may
    have initialised ACL already (aclInit is once per process), and then no config would be read."""
    bad = tmp_path / "bad.json"
    bad.write_text('{ "dump": ')
    config = tmp_path / "acl.json"
    config.write_text("{}")
    script = textwrap.dedent(
        """
        import sys
        from acl_async import _acl
        from acl_async.errors import AclError
        assert _acl.Runtime.refcount() == 0  # so the next Runtime calls aclInit with its config
        try:
            _acl.Runtime(sys.argv[1])
        except AclError as e:
            print(e.code, e.function)
        assert _acl.Runtime.refcount() == 0 and not _acl.Runtime.is_initialized()
        with _acl.Runtime(sys.argv[2]) as runtime:
            print(runtime.soc_name)  # aclrtGetSocName of the host runtime
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(bad), str(config)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["100006 aclInit", "HostCPU"]  # ACL_ERROR_PARSE_FILE


def test_device_and_context(chain):
    runtime, device, context = chain
    assert device.id == 0
    assert device.run_mode in ("host", "device")
    assert device.runtime is runtime
    assert context.device is device
    assert context.run_mode == device.run_mode


def _libascendcl() -> ctypes.CDLL:
    """The libascendcl.so the extension loaded (the same instance: dlopen of a loaded path)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if line.rstrip().endswith("/libascendcl.so")}
    if len(paths) != 1:
        pytest.skip(f"libascendcl.so not found once in /proc/self/maps: {paths}")
    lib = ctypes.CDLL(paths.pop())
    lib.aclrtGetCurrentContext.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return lib


def test_make_current_sets_the_threads_acl_context(chain):
    _, device, context = chain
    other = _acl.Context(device)
    acl = _libascendcl()

    def current() -> tuple[int, int | None]:
        handle = ctypes.c_void_p()
        return acl.aclrtGetCurrentContext(ctypes.byref(handle)), handle.value

    seen = {}

    def thread():  # a new thread: no current context until make_current
        seen["before"] = current()
        context.make_current()
        seen["context"] = current()
        other.make_current()
        seen["other"] = current()
        context.make_current()
        seen["again"] = current()

    worker = threading.Thread(target=thread)
    worker.start()
    worker.join(TIMEOUT)
    assert seen["before"][0] == 107002  # ACL_ERROR_RT_CONTEXT_NULL
    assert seen["context"][0] == 0 and seen["context"][1]
    assert seen["other"][0] == 0 and seen["other"][1] not in (None, seen["context"][1])
    assert seen["again"] == seen["context"]
    other.close()
    with pytest.raises(ClosedError):
        other.make_current()


def test_device_without_runtime_holds_its_own_reference():
    before = _acl.Runtime.refcount()
    with _acl.Device(0) as device:
        assert _acl.Runtime.refcount() == before + 1
        assert device.run_mode in ("host", "device")
    del device
    import gc

    gc.collect()
    assert _acl.Runtime.refcount() == before


def test_invalid_device_raises_acl_error():
    with _acl.Runtime() as runtime:
        with pytest.raises(AclError) as info:
            _acl.Device(1000, runtime)
        assert info.value.code != 0
        assert info.value.function == "aclrtSetDevice"


def test_closing_a_parent_closes_its_children(chain):
    runtime, device, context = chain
    stream = _acl.Stream(context)
    event = _acl.Event(context)
    report = _acl.ReportThread(context)
    device.close()
    for obj in (context, stream, event, report):
        assert obj.closed
    with pytest.raises(ClosedError):
        stream.synchronize()
    with pytest.raises(ClosedError):
        _acl.Stream(context)
    with pytest.raises(ClosedError):
        event.record(stream)
    assert not runtime.closed


def test_stream_synchronize_and_timeout_validation(chain):
    _, _, context = chain
    stream = _acl.Stream(context)
    stream.synchronize()
    stream.synchronize(timeout=1.0)
    stream.synchronize(0)
    with pytest.raises(ValueError):
        stream.synchronize(-1)
    stream.close()
    stream.close()
    with pytest.raises(ClosedError):
        stream.synchronize()


def test_stream_synchronize_timeout_expires(chain):
    """A callback that blocks the stream makes synchronize(timeout) raise AclTimeoutError (a TimeoutError)."""
    _, _, context = chain
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    gate = threading.Event()
    report.launch_callback(lambda: gate.wait(TIMEOUT), stream)
    try:
        with pytest.raises(AclTimeoutError) as info:
            stream.synchronize(0.05)
        assert isinstance(info.value, TimeoutError)
        assert info.value.code == 507046
    finally:
        gate.set()
    stream.synchronize(TIMEOUT)
    report.close()


def test_events_record_query_elapsed(chain, tmp_path):
    _, _, context = chain
    path = make_add_model(tmp_path / "add.onnx", (1, 64), np.float32)
    model = _acl.Model(context, path)
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    block.set_inputs(np.zeros((1, 64), np.float32))
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    start, end = _acl.Event(context), _acl.Event(context)
    assert not start.query()  # never recorded
    entered, release = threading.Event(), threading.Event()
    t0 = time.monotonic()
    start.record(stream)
    report.launch_callback(lambda: (entered.set(), release.wait(TIMEOUT)), stream)
    model.execute_async(block, stream)
    end.record(stream)
    assert entered.wait(TIMEOUT)
    t_held = time.monotonic()
    assert start.query() and not end.query()  # recorded before / behind the held callback
    # Hold the stream for a measured span (at least 20 ms) so the lower bound below says something:
    # an elapsed time that leaves out the held callback fails it.
    while time.monotonic() - t_held < 0.02:
        assert not end.query()
    t_release = time.monotonic()
    release.set()
    end.synchronize()
    t1 = time.monotonic()
    assert start.query() and end.query()
    np.testing.assert_array_equal(block.outputs[0], 1.0)  # the execution ran before `end`
    # start..end spans the time the callback was held and lies within what this thread saw.
    assert (t_release - t_held) * 1e3 - 1.0 <= start.elapsed_ms(end) <= (t1 - t0) * 1e3 + 1.0
    report.close()


def test_stream_waits_for_an_event_of_another_stream(chain, tmp_path):
    _, _, context = chain
    first, second = _acl.Stream(context), _acl.Stream(context)
    report = _acl.ReportThread(context)
    mark, behind = _acl.Event(context), _acl.Event(context)
    entered, release = threading.Event(), threading.Event()
    report.launch_callback(lambda: (entered.set(), release.wait(TIMEOUT)), first)
    mark.record(first)
    second.wait_event(mark)
    behind.record(second)  # second's work behind the wait
    assert entered.wait(TIMEOUT)
    try:
        with pytest.raises(AclTimeoutError):
            second.synchronize(0.3)  # first is held, so second waits
        assert not mark.query() and not behind.query()
    finally:
        release.set()
    second.synchronize(TIMEOUT)
    assert mark.query() and behind.query()
    first.synchronize(TIMEOUT)
    report.close()


def test_strict_mode_errors_reach_python_as_acl_error(chain, tmp_path):
    """The host runtime's strict rule "a model executes on one stream at a time" (as on the NPU)
    comes back from the extension as AclError with the ACL code and the failing function."""
    _, _, context = chain
    model = _acl.Model(context, make_add_model(tmp_path / "add.onnx", (1, 8), np.float32))
    pool = _acl.MemoryPool(model, 2)
    a, b = pool.acquire(), pool.acquire()
    first, second = _acl.Stream(context), _acl.Stream(context)
    report = _acl.ReportThread(context)
    release = threading.Event()
    report.launch_callback(lambda: release.wait(TIMEOUT), first)
    model.execute_async(a, first)  # pending on `first` behind the held callback
    try:
        with pytest.raises(AclError) as info:
            model.execute_async(b, second)
        assert (info.value.code, info.value.function) == (
            107005,
            "aclmdlExecuteAsync",
        )  # ACL_ERROR_RT_STREAM_MODEL
        assert "one stream" in info.value.message
        with pytest.raises(AclError) as info:
            model.execute(b)
        assert (info.value.code, info.value.function) == (107005, "aclmdlExecute")
    finally:
        release.set()
    first.synchronize(TIMEOUT)
    model.execute_async(b, second)  # `first` is idle now
    second.synchronize(TIMEOUT)
    report.close()


def test_strict_mode_off_allows_what_strict_refuses(tmp_path):
    """ACL_HOST_STRICT=0: the same two-stream use runs (so the error above is the strict rule)."""
    path = make_add_model(tmp_path / "add.onnx", (1, 8), np.float32)
    result = _run_python(
        f"""
        import threading
        from acl_async import _acl
        runtime = _acl.Runtime(); device = _acl.Device(0, runtime); context = _acl.Context(device)
        model = _acl.Model(context, {path!r}); pool = _acl.MemoryPool(model, 2)
        first, second = _acl.Stream(context), _acl.Stream(context)
        report = _acl.ReportThread(context); release = threading.Event()
        report.launch_callback(lambda: release.wait(60), first)
        model.execute_async(pool.acquire(), first)
        model.execute_async(pool.acquire(), second)
        second.synchronize(60); release.set(); first.synchronize(60)
        print("ran on both streams")
        """,
        env={"ACL_HOST_STRICT": "0"},
    )
    assert result.returncode == 0 and "ran on both streams" in result.stdout, result.stderr


def test_acl_error_attributes_and_families():
    error = AclError.from_code(100000, "aclrtMalloc", "size is 0")
    assert isinstance(error, AclParamError) and isinstance(error, ValueError)
    assert (error.code, error.function, error.message) == (100000, "aclrtMalloc", "size is 0")
    assert "ACL_ERROR_INVALID_PARAM" in str(error) and "aclrtMalloc" in str(error)
    assert isinstance(AclError.from_code(507046, "f"), TimeoutError)
    assert isinstance(AclError.from_code(200000, "f"), MemoryError)
    assert isinstance(AclError.from_code(100013, "f"), AclModelError)
    assert type(AclError.from_code(123, "f")) is AclError
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is AclParamError and copy.code == 100000 and copy.message == "size is 0"
    assert issubclass(ClosedError, RuntimeError) and issubclass(InputError, ValueError)
    assert _acl.AclError is AclError and _acl.ClosedError is ClosedError


def test_acl_error_carries_the_runtime_message(chain, tmp_path):
    _, _, context = chain
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model at all" * 10)
    with pytest.raises(AclError) as info:
        _acl.Model(context, bad)
    assert info.value.function == "aclmdlLoadFromFile"
    assert info.value.message  # aclGetRecentErrMsg() said something


def _run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
    )


def test_exit_with_everything_open_and_callbacks_pending(tmp_path):
    """Interpreter exit with a live session, a report thread and pending callbacks: no crash, no hang."""
    path = make_add_model(tmp_path / "add.onnx", (1, 8), np.float32)
    result = _run_python(f"""
        import threading, numpy as np
        from acl_async import _acl
        runtime = _acl.Runtime(); device = _acl.Device(0, runtime); context = _acl.Context(device)
        model = _acl.Model(context, {path!r}); pool = _acl.MemoryPool(model, 20)  # never waits
        stream = _acl.Stream(context); report = _acl.ReportThread(context)
        ran, reached, hold = [], threading.Event(), threading.Event()

        def callback(i):
            ran.append(i)
            if i == 5:  # the gate: callbacks 6.. stay pending until the interpreter is leaving
                reached.set()
                hold.wait(60)

        for i in range(20):
            block = pool.acquire()
            block.set_inputs(np.zeros((1, 8), np.float32))
            model.execute_async(block, stream)
            report.launch_callback(lambda i=i: callback(i), stream)
            report.launch_callback(block.release, stream)
        assert reached.wait(60)
        print("leaving after", ran, flush=True)
        hold.set()
    """)
    assert result.returncode == 0, result.stderr
    assert "leaving after [0, 1, 2, 3, 4, 5]" in result.stdout  # in order, the rest still pending


def test_exit_inside_callback_heavy_queue(tmp_path):
    path = make_add_model(tmp_path / "add.onnx", (1, 8), np.float32)
    result = _run_python(f"""
        import numpy as np
        from acl_async import Session, InferQueue
        session = Session()
        queue = InferQueue(session.load_model({path!r}), 3)
        queue.set_callback(lambda outputs, userdata: None)
        for i in range(50):
            queue.start_async(np.zeros((1, 8), np.float32), i)
        print("leaving")
    """)
    assert result.returncode == 0, result.stderr
    assert "leaving" in result.stdout


def _resource_chain(path) -> dict:
    """Runtime -> device -> context -> model, pool, stream and report thread, by name."""
    objs = {"runtime": _acl.Runtime()}
    objs["device"] = _acl.Device(0, objs["runtime"])
    objs["context"] = _acl.Context(objs["device"])
    objs["model"] = _acl.Model(objs["context"], path)
    objs["pool"] = _acl.MemoryPool(objs["model"], 2)
    objs["stream"] = _acl.Stream(objs["context"])
    objs["report"] = _acl.ReportThread(objs["context"])
    return objs


def test_teardown_any_order(tmp_path):
    """Dropping or closing objects in any order never crashes or hangs."""
    path = make_add_model(tmp_path / "add.onnx", (1, 8), np.float32)
    orders = [
        ("runtime", "device", "context", "model", "pool", "stream", "report"),
        ("pool", "model", "stream", "report", "context", "device", "runtime"),
        ("model", "runtime", "pool", "report", "device", "stream", "context"),
        ("report", "stream", "pool", "context", "model", "runtime", "device"),
    ]
    for order in orders:
        objs = _resource_chain(path)
        block = objs["pool"].acquire()
        view = block.outputs[0]
        objs["model"].execute_async(block, objs["stream"])
        held, release = threading.Event(), threading.Event()
        objs["report"].launch_callback(lambda h=held, r=release: (h.set(), r.wait(TIMEOUT)), objs["stream"])
        assert held.wait(TIMEOUT)  # a callback is running when the first close() begins
        with when_called("close", release.set):
            for name in order:  # explicit close in this order
                objs[name].close()
        assert view.shape == (1, 8)  # the numpy view keeps its memory
        view[...] = 1.0
        block = None
        # and by reference count in the same order
        objs = _resource_chain(path)
        block = objs["pool"].acquire()
        objs["model"].execute_async(block, objs["stream"])
        objs["report"].launch_callback(lambda: None, objs["stream"])
        block = None
        for name in order:
            del objs[name]
    assert _acl.Runtime.refcount() == 0
