"""pyACL (`import acl`): return shapes, strict-mode safety, callbacks, threads, the GIL, bad input."""

from __future__ import annotations

import gc
import os
import re
import sys
import threading
import warnings
import weakref

import numpy as np
import pytest
from models import make_add_model

acl = pytest.importorskip("acl")

SUCCESS = 0
INVALID_PARAM = 100000
REPEAT_INITIALIZE = 100002
RT_PARAM_INVALID = 107000
INVALID_RESOURCE_HANDLE = 200005
RT_INVALID_MEMORY_TYPE = 107016
H2D, D2H = 1, 2
BLOCK, NO_BLOCK = 1, 0
NPY_FLOAT32 = 11

strict_only = pytest.mark.skipif(
    not acl._strict(), reason="strict mode checks (host runtime, ACL_HOST_STRICT=1)"
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """acl.init, device 0, a context and a stream, and a loaded y = x + 1 model on [1, 4] float32."""
    ret = acl.init()
    assert ret in (SUCCESS, REPEAT_INITIALIZE)
    assert acl.rt.set_device(0) == SUCCESS
    context, ret = acl.rt.create_context(0)
    assert ret == SUCCESS and isinstance(context, int) and context
    stream, ret = acl.rt.create_stream()
    assert ret == SUCCESS and isinstance(stream, int) and stream
    path = make_add_model(tmp_path_factory.mktemp("pyacl") / "add.onnx", (1, 4), np.float32, const=1.0)
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    yield {"context": context, "stream": stream, "model_id": model_id, "path": path}
    acl.rt.set_context(context)
    assert acl.mdl.unload(model_id) == SUCCESS
    assert acl.rt.destroy_stream(stream) == SUCCESS
    assert acl.rt.destroy_context(context) == SUCCESS


class ReportThread:
    """acl.util.start_thread running process_report until stopped, subscribed to the stream."""

    def __init__(self, env):
        self.env = env
        self.stop = False
        self.loops = 0
        self.tid, ret = acl.util.start_thread(self._loop, [env["context"], 20])
        assert ret == SUCCESS and isinstance(self.tid, int)
        assert acl.rt.subscribe_report(self.tid, env["stream"]) == SUCCESS

    def _loop(self, args_list):
        context, timeout = args_list
        acl.rt.set_context(context)
        while not self.stop:
            acl.rt.process_report(timeout)
            self.loops += 1

    def close(self):
        assert acl.rt.synchronize_stream(self.env["stream"]) == SUCCESS
        assert acl.rt.unsubscribe_report(self.tid, self.env["stream"]) == SUCCESS
        self.stop = True
        assert acl.util.stop_thread(self.tid) == SUCCESS


def dropped_count(w: warnings.WarningMessage) -> int:
    """The number of callbacks a pyACL RuntimeWarning says were dropped (0 for other warnings)."""
    m = re.search(r"(\d+) callback\(s\) launched with acl.rt.launch_callback had not run", str(w.message))
    return int(m.group(1)) if m and issubclass(w.category, RuntimeWarning) else 0


def io_datasets(size: int):
    """Input and output datasets of one device buffer each; returns (input, output, pointers)."""
    pointers, datasets = [], []
    for _ in range(2):
        ptr, ret = acl.rt.malloc(size, 0)
        assert ret == SUCCESS
        buf = acl.create_data_buffer(ptr, size)
        ds = acl.mdl.create_dataset()
        ds_back, ret = acl.mdl.add_dataset_buffer(ds, buf)
        assert (ds_back, ret) == (ds, SUCCESS)
        pointers.append(ptr)
        datasets.append(ds)
    return datasets[0], datasets[1], pointers


def release(*datasets, pointers=()):
    for ds in datasets:
        for i in range(acl.mdl.get_dataset_num_buffers(ds)):
            assert acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, i)) == SUCCESS
        assert acl.mdl.destroy_dataset(ds) == SUCCESS
    for p in pointers:
        assert acl.rt.free(p) == SUCCESS


# ---------------------------------------------------------------- modules and return shapes


def test_submodules_import_by_dotted_name():
    import acl.mdl
    import acl.rt
    import acl.util

    assert acl.rt.set_device and acl.mdl.execute_async and acl.util.start_thread
    assert sys.modules["acl.rt"] is acl.rt


def test_acl_namespace_return_shapes(env):
    major, minor, patch, ret = acl.get_version()
    assert ret == SUCCESS and major >= 1 and isinstance(minor, int) and isinstance(patch, int)
    assert isinstance(acl.get_soc_name(), str)
    ptr, ret = acl.rt.malloc(64, 0)
    buf = acl.create_data_buffer(ptr, 64)
    assert isinstance(buf, int) and buf
    assert acl.get_data_buffer_addr(buf) == ptr
    assert acl.get_data_buffer_size_v2(buf) == 64 and acl.get_data_buffer_size(buf) == 64
    assert acl.update_data_buffer(buf, ptr, 32) == SUCCESS and acl.get_data_buffer_size_v2(buf) == 32
    assert acl.destroy_data_buffer(buf) == SUCCESS
    assert acl.rt.free(ptr) == SUCCESS
    assert acl.data_type_size(0) == 4 and acl.data_type_size(1) == 2
    assert acl.float16_to_float(acl.float_to_float16(1.5)) == 1.5


def test_rt_namespace_return_shapes(env):
    assert acl.rt.get_device() == (0, SUCCESS)
    count, ret = acl.rt.get_device_count()
    assert ret == SUCCESS and count >= 1
    mode, ret = acl.rt.get_run_mode()
    assert ret == SUCCESS and mode in (0, 1)
    assert acl.rt.get_context() == (env["context"], SUCCESS)
    free, total, ret = acl.rt.get_mem_info(0)
    assert ret == SUCCESS and 0 < free <= total
    start, ret = acl.rt.create_event()
    end, _ = acl.rt.create_event()
    assert ret == SUCCESS and start
    assert acl.rt.record_event(start, env["stream"]) == SUCCESS
    assert acl.rt.record_event(end, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_event(end) == SUCCESS
    assert acl.rt.query_event_status(end) == (1, SUCCESS)
    ms, ret = acl.rt.event_elapsed_time(start, end)
    assert ret == SUCCESS and ms >= 0.0
    assert acl.rt.stream_wait_event(env["stream"], end) == SUCCESS
    assert acl.rt.synchronize_stream_with_timeout(env["stream"], -1) == SUCCESS
    for e in (start, end):
        assert acl.rt.destroy_event(e) == SUCCESS
    host, ret = acl.rt.malloc_host(16)
    dev, _ = acl.rt.malloc(16, 0)
    assert acl.rt.memset(dev, 16, 7, 16) == SUCCESS
    assert acl.rt.memcpy(host, 16, dev, 16, D2H) == SUCCESS
    assert acl.util.ptr_to_bytes(host, 16) == bytes([7]) * 16
    assert acl.rt.free(dev) == SUCCESS and acl.rt.free_host(host) == SUCCESS


def test_mdl_namespace_return_shapes_and_execute(env):
    desc = acl.mdl.create_desc()
    assert isinstance(desc, int) and desc
    assert acl.mdl.get_desc(desc, env["model_id"]) == SUCCESS
    assert (acl.mdl.get_num_inputs(desc), acl.mdl.get_num_outputs(desc)) == (1, 1)
    assert acl.mdl.get_input_size_by_index(desc, 0) == 16
    dims, ret = acl.mdl.get_input_dims(desc, 0)
    assert ret == SUCCESS and dims == {"name": "x", "dimCount": 2, "dims": [1, 4]}
    dims, ret = acl.mdl.get_cur_output_dims(desc, 0)
    assert ret == SUCCESS and dims["dims"] == [1, 4] and dims["name"] == "y"
    assert acl.mdl.get_input_name_by_index(desc, 0) == "x"
    assert acl.mdl.get_output_index_by_name(desc, "y") == (0, SUCCESS)
    assert acl.mdl.get_input_data_type(desc, 0) == 0
    work, weight, ret = acl.mdl.query_size(env["path"])
    assert ret == SUCCESS and isinstance(work, int) and isinstance(weight, int)

    inp, out, (pin, pout) = io_datasets(16)
    x = np.arange(4, dtype=np.float32).reshape(1, 4)
    data = x.tobytes()
    assert acl.rt.memcpy(pin, 16, acl.util.bytes_to_ptr(data), 16, H2D) == SUCCESS
    assert acl.mdl.execute(env["model_id"], inp, out) == SUCCESS
    host = np.zeros((1, 4), np.float32)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(host), 16, pout, 16, D2H) == SUCCESS
    np.testing.assert_array_equal(host, x + 1)
    # ptr_to_numpy: pyACL's numpy type codes, a view of host memory.
    hptr, _ = acl.rt.malloc_host(16)
    assert acl.rt.memcpy(hptr, 16, pout, 16, D2H) == SUCCESS
    np.testing.assert_array_equal(acl.util.ptr_to_numpy(hptr, (1, 4), NPY_FLOAT32), x + 1)
    assert acl.rt.free_host(hptr) == SUCCESS
    release(inp, out, pointers=(pin, pout))
    assert acl.mdl.destroy_desc(desc) == SUCCESS


# ---------------------------------------------------------------- strict mode: bad handles, stale pointers


@strict_only
def test_strict_unknown_and_freed_pointers_return_error_codes(env):
    """Pointers the C runtime can judge go to it (its codes: tests/test_pyacl_strict.py compares them);
    host pointers it would take on trust are refused by pyACL before any C code touches them."""
    assert acl.rt.free(0xDEAD000) == RT_PARAM_INVALID  # the C runtime's verdict
    dev, _ = acl.rt.malloc(64, 0)
    assert acl.rt.free(dev) == SUCCESS
    assert acl.rt.free(dev) == RT_PARAM_INVALID  # double free
    host = bytes(64)
    assert acl.rt.memcpy(dev, 64, acl.util.bytes_to_ptr(host), 64, H2D) == INVALID_PARAM  # freed dst
    assert "freed" in acl.get_recent_err_msg()
    assert acl.rt.memcpy(0x1000, 64, acl.util.bytes_to_ptr(host), 64, H2D) == INVALID_PARAM
    assert "0x1000 is not memory an ACL call handed out" in acl.get_recent_err_msg()
    dev, _ = acl.rt.malloc(64, 0)
    # Past the end of its allocation.
    assert acl.rt.memcpy(dev, 128, acl.util.bytes_to_ptr(bytes(128)), 128, H2D) == RT_PARAM_INVALID
    assert "overruns its allocation" in acl.get_recent_err_msg()
    assert acl.rt.memcpy(dev + 32, 64, acl.util.bytes_to_ptr(host), 64, H2D) == RT_PARAM_INVALID
    assert acl.rt.memset(dev, 65, 0, 65) == RT_PARAM_INVALID
    # A Python buffer is host memory the C runtime cannot see: pyACL checks its end.
    small = bytes(16)
    assert acl.rt.memcpy(dev, 64, acl.util.bytes_to_ptr(small), 32, H2D) == RT_PARAM_INVALID
    assert "runs past the end" in acl.get_recent_err_msg()
    # Device memory is not host-readable.
    with pytest.raises(ValueError, match="device memory"):
        acl.util.ptr_to_bytes(dev, 8)
    assert acl.rt.free(dev) == SUCCESS


@strict_only
def test_strict_released_python_memory_is_stale(env):
    dev, _ = acl.rt.malloc(16, 0)
    ptr = acl.util.bytes_to_ptr(np.ones(4, np.float32).tobytes())  # the bytes object dies here
    assert acl.rt.memcpy(dev, 16, ptr, 16, H2D) == INVALID_PARAM
    assert "no longer exists" in acl.get_recent_err_msg()
    kept = np.ones(4, np.float32)
    assert acl.rt.memcpy(dev, 16, acl.util.numpy_to_ptr(kept), 16, H2D) == SUCCESS
    assert acl.rt.free(dev) == SUCCESS


def test_destroyed_and_foreign_handles_return_error_codes(env):
    """Handles are judged by the C runtime (its registries): error codes, never a crash."""
    stream, _ = acl.rt.create_stream()
    assert acl.rt.destroy_stream(stream) == SUCCESS
    assert acl.rt.destroy_stream(stream) == INVALID_RESOURCE_HANDLE
    assert acl.rt.synchronize_stream(stream) == INVALID_RESOURCE_HANDLE
    assert f"stream {stream:#x} does not exist" in acl.get_recent_err_msg()
    ds = acl.mdl.create_dataset()
    assert acl.mdl.destroy_dataset(ds) == SUCCESS
    assert acl.mdl.execute(env["model_id"], ds, ds) == INVALID_PARAM
    assert acl.mdl.add_dataset_buffer(ds, 0x1234)[1] == INVALID_PARAM
    assert acl.rt.set_context(0xBAD0) != SUCCESS
    assert acl.rt.destroy_event(env["stream"]) != SUCCESS  # a stream is not an event
    assert acl.destroy_data_buffer(0x42) == INVALID_PARAM
    assert acl.get_data_buffer_addr(0x42) == 0
    assert acl.mdl.get_num_inputs(0x42) == 0
    assert acl.mdl.unload(987654) != SUCCESS
    assert acl.util.stop_thread(12345) == INVALID_PARAM


# ---------------------------------------------------------------- callbacks and report threads


def test_callbacks_run_on_the_subscribed_thread_in_order(env):
    report = ReportThread(env)
    seen = []
    try:
        for i in range(5):
            assert (
                acl.rt.launch_callback(
                    lambda d: seen.append((d, threading.get_ident())), i, BLOCK, env["stream"]
                )
                == SUCCESS
            )
    finally:
        report.close()
    assert [d for d, _ in seen] == list(range(5))
    assert len({t for _, t in seen}) == 1 and seen[0][1] != threading.get_ident()


def test_callbacks_run_only_after_the_thread_function_started(env):
    """A callback queued right after start_thread waits for thr_func's process_report: it must not run
    before thr_func has set the thread's context (it did, in a wait before thr_func; VENC's first
    callback then found no context for its output)."""
    for _ in range(5):
        stream, ret = acl.rt.create_stream()
        assert ret == SUCCESS
        started, done, stop = threading.Event(), threading.Event(), threading.Event()
        seen = []

        def loop(context, started=started, stop=stop):
            started.set()
            acl.rt.set_context(context)
            while not stop.is_set():
                acl.rt.process_report(20)

        def on_report(_, started=started, done=done, seen=seen):
            seen.append((started.is_set(), acl.rt.get_context()[0]))
            done.set()

        tid, ret = acl.util.start_thread(loop, env["context"])
        assert ret == SUCCESS
        assert acl.rt.subscribe_report(tid, stream) == SUCCESS
        assert acl.rt.launch_callback(on_report, None, NO_BLOCK, stream) == SUCCESS
        assert done.wait(30)
        stop.set()
        assert acl.rt.unsubscribe_report(tid, stream) == SUCCESS
        assert acl.util.stop_thread(tid) == SUCCESS
        assert acl.rt.destroy_stream(stream) == SUCCESS
        assert seen == [(True, env["context"])]


def test_callback_raising_is_reported_and_the_thread_keeps_working(env, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))
    report = ReportThread(env)
    ran = []

    def boom(user_data):
        raise RuntimeError(f"boom {user_data}")

    try:
        assert acl.rt.launch_callback(boom, 1, BLOCK, env["stream"]) == SUCCESS
        assert acl.rt.launch_callback(ran.append, "after", BLOCK, env["stream"]) == SUCCESS
    finally:
        report.close()
    assert [str(e) for e in reported] == ["boom 1"]
    assert ran == ["after"]


def test_stop_thread_with_callbacks_pending(env):
    stopped = threading.Event()
    ran = []

    def loop(args_list):
        acl.rt.set_context(args_list[0])
        while not stopped.is_set():
            acl.rt.process_report(10)

    tid, ret = acl.util.start_thread(loop, [env["context"]])
    assert ret == SUCCESS
    assert acl.rt.subscribe_report(tid, env["stream"]) == SUCCESS
    gate, holding = threading.Event(), threading.Event()

    def hold(_):
        holding.set()
        gate.wait()

    # Hold the stream so the next callbacks are still pending when the thread stops (the holder itself
    # has started on the thread before it is told to stop, so only the three can be dropped).
    assert acl.rt.launch_callback(hold, None, BLOCK, env["stream"]) == SUCCESS
    for i in range(3):
        assert acl.rt.launch_callback(ran.append, i, NO_BLOCK, env["stream"]) == SUCCESS
    assert holding.wait(60)
    stopped.set()
    gate.set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert acl.util.stop_thread(tid) == SUCCESS  # joins: returns once the thread function returned
    assert acl.util.stop_thread(tid) == INVALID_PARAM
    # What was still pending is dropped, never run on a dead thread, and said so; the stream keeps working.
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    assert acl.rt.unsubscribe_report(tid, env["stream"]) == SUCCESS
    assert ran == sorted(ran) and set(ran) <= {0, 1, 2}
    dropped = sum(dropped_count(w) for w in caught)
    assert len(ran) + dropped == 3
    report = ReportThread(env)
    after = []
    try:
        assert acl.rt.launch_callback(after.append, "ok", BLOCK, env["stream"]) == SUCCESS
    finally:
        report.close()
    assert after == ["ok"]


class Token:
    """A user_data object whose release a weak reference sees."""


@pytest.mark.parametrize("gate_block", [BLOCK, NO_BLOCK], ids=["in-stream", "in-report-queue"])
def test_unsubscribe_with_callbacks_queued_drops_them_visibly_and_releases_them(env, gate_block):
    """CANN: after aclrtUnSubscribeReport the stream's callbacks are no longer processed by that thread (and
    unsubscribing is meant for after the asynchronous work). Callbacks still queued then are dropped, said so
    in a RuntimeWarning with their count, and their Python objects released (issue #18: 1976 of 2000
    dropped silently, leaked). A BLOCK gate keeps them in the stream; a NO_BLOCK one in the report queue."""
    report = ReportThread(env)
    started, gate = threading.Event(), threading.Event()
    ran: list[Token] = []

    def held(_):
        started.set()
        gate.wait()

    assert acl.rt.launch_callback(held, None, gate_block, env["stream"]) == SUCCESS
    assert started.wait(30)
    refs = []
    for _ in range(1999):
        token = Token()
        refs.append(weakref.ref(token))
        assert acl.rt.launch_callback(ran.append, token, NO_BLOCK, env["stream"]) == SUCCESS
    del token
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert acl.rt.unsubscribe_report(report.tid, env["stream"]) == SUCCESS
    gate.set()
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    report.stop = True
    assert acl.util.stop_thread(report.tid) == SUCCESS
    assert [dropped_count(w) for w in caught] == [1999]
    assert "the stream was unsubscribed" in str(caught[0].message)
    assert ran == []
    gc.collect()
    assert sum(r() is not None for r in refs) == 0  # released, not leaked


def test_destroying_a_stream_with_callbacks_queued_releases_them(env):
    stream, ret = acl.rt.create_stream()
    assert ret == SUCCESS
    tid, ret = acl.util.start_thread(lambda _: None, [])  # ends at once: nothing will run the callbacks
    assert acl.util.stop_thread(tid) == SUCCESS
    assert acl.rt.subscribe_report(tid, stream) == SUCCESS
    token = Token()
    ref = weakref.ref(token)
    assert acl.rt.launch_callback(lambda _: None, token, NO_BLOCK, stream) == SUCCESS
    del token
    with pytest.warns(RuntimeWarning, match=r"1 callback\(s\) .* \(the stream was destroyed\)"):
        assert acl.rt.destroy_stream(stream) == SUCCESS
    gc.collect()
    assert ref() is None


# A child process whose threads call acl.rt.process_report in a loop while the interpreter exits: the
# exit's garbage collection runs for a while with the GIL held, and Python < 3.14 ends each thread that
# comes back from the C call with pthread_exit.
EXIT_WHILE_POLLING = """
import sys, threading, acl
assert acl.init() in (0, 100002) and acl.rt.set_device(0) == 0
context, _ = acl.rt.create_context(0)
polling = threading.Barrier(17)
def poll(args):
    acl.rt.set_context(context)
    polling.wait()
    while True:
        acl.rt.process_report(1)
for _ in range(16):
    stream, _ = acl.rt.create_stream()
    tid, ret = acl.util.start_thread(poll, [])
    assert ret == 0 and acl.rt.subscribe_report(tid, stream) == 0
polling.wait(60)
junk = []
for _ in range(300000):
    cycle = []
    cycle.append(cycle)
    junk.append(cycle)
print("exiting", flush=True)
"""


def test_threads_ended_by_the_interpreter_exit_touch_no_python_object():
    """A thread that takes the GIL back as the interpreter finalizes hangs there (as Python 3.14 does)
    instead of unwinding with pthread_exit through pybind11's dispatcher and ours without the GIL: first
    the call's argument tuple and result list were freed on the way out, racing the exit's collection (a
    crash in about 6 of 10 such exits; acllite's VideoCapture crashed at exit that way); then, with those
    kept, the unwind still tripped the sanitizers (UBSan's null check on every `catch
    (abi::__forced_unwind&)`, ASan's stale stack poison, TSan's reports of pybind11's reference counts) in
    about 1 of 40 exits. Ten exits, each clean (under ASan+UBSan and TSan in CI too)."""
    import subprocess

    for _ in range(10):
        r = subprocess.run([sys.executable, "-c", EXIT_WHILE_POLLING], capture_output=True, text=True,
                           timeout=120)  # fmt: skip
        assert r.returncode == 0 and r.stdout == "exiting\n", (r.returncode, r.stderr[-2000:])


def test_finalize_releases_the_callbacks_that_never_ran():
    """aclFinalize drops every report queue: pyACL releases what was still queued and says so (a child
    process: finalize ends this process's ACL state)."""
    import subprocess

    code = (
        "import gc, warnings, weakref, acl\n"
        "class Token: pass\n"
        "acl.init(); acl.rt.set_device(0)\n"
        "stream, _ = acl.rt.create_stream()\n"
        "tid, _ = acl.util.start_thread(lambda _: None, [])\n"
        "acl.util.stop_thread(tid)\n"
        "assert acl.rt.subscribe_report(tid, stream) == 0\n"
        "token = Token(); ref = weakref.ref(token)\n"
        "assert acl.rt.launch_callback(lambda _: None, token, 0, stream) == 0\n"
        "del token\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    assert acl.finalize() == 0\n"
        "gc.collect()\n"
        "print([str(w.message).split(' had ')[0] for w in caught], ref() is None)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['acl.finalize: 1 callback(s) launched with acl.rt.launch_callback'] True"


def test_thread_function_exception_is_reported(monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))
    tid, ret = acl.util.start_thread(lambda args: 1 / 0, [])
    assert ret == SUCCESS
    assert acl.util.stop_thread(tid) == SUCCESS
    assert len(reported) == 1 and isinstance(reported[0], ZeroDivisionError)


# ---------------------------------------------------------------- the GIL


def test_gil_released_while_process_report_waits(env):
    """The main thread waits in process_report; another Python thread must run to launch the callback it waits
    for (a held GIL would leave process_report to time out)."""
    tid = threading.get_native_id  # noqa: F841 - documentation: pthread ids come from acl.util.start_thread
    ran = []
    waiting = threading.Event()
    result = {}

    def report_side(args_list):
        acl.rt.set_context(args_list[0])
        waiting.set()
        result["ret"] = acl.rt.process_report(10_000)

    thread_id, ret = acl.util.start_thread(report_side, [env["context"]])
    assert ret == SUCCESS
    assert acl.rt.subscribe_report(thread_id, env["stream"]) == SUCCESS

    def launcher():
        waiting.wait()
        acl.rt.set_context(env["context"])
        acl.rt.launch_callback(ran.append, "progress", NO_BLOCK, env["stream"])

    t = threading.Thread(target=launcher)
    t.start()
    t.join()
    assert acl.util.stop_thread(thread_id) == SUCCESS
    assert acl.rt.unsubscribe_report(thread_id, env["stream"]) == SUCCESS
    assert result["ret"] == SUCCESS and ran == ["progress"]


def test_gil_released_while_synchronize_waits(env):
    """A BLOCK callback holds the stream until another Python thread sets an event; synchronize_stream on the
    main thread returns only if both the report thread and that thread could run meanwhile."""
    report = ReportThread(env)
    started, release_it = threading.Event(), threading.Event()

    def held(_):
        started.set()
        release_it.wait()

    def releaser():
        started.wait()
        release_it.set()

    assert acl.rt.launch_callback(held, None, BLOCK, env["stream"]) == SUCCESS
    t = threading.Thread(target=releaser)
    t.start()
    assert acl.rt.synchronize_stream_with_timeout(env["stream"], 10_000) == SUCCESS
    t.join()
    report.close()
    assert release_it.is_set()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: acl.rt.malloc("64", 0), "acl.rt.malloc(): argument 'size' must be int, not str"),
        (lambda: acl.rt.malloc(64), "acl.rt.malloc() missing required argument 'policy'"),
        (lambda: acl.rt.set_device(0, 1), "acl.rt.set_device() takes 1 positional argument but 2 were given"),
        (lambda: acl.mdl.load_from_file(3), "acl.mdl.load_from_file(): argument 'model_path' must be str"),
        (
            lambda: acl.rt.memcpy(1, 2.5, 3, 4, 1),
            "acl.rt.memcpy(): argument 'dest_max' must be int, not float",
        ),
        (
            lambda: acl.util.start_thread(42, []),
            "acl.util.start_thread(): argument 'thr_func' must be callable",
        ),
        (
            lambda: acl.util.numpy_to_ptr([1, 2]),
            "acl.util.numpy_to_ptr(): argument 'data' must be numpy.ndarray",
        ),
        (lambda: acl.init(config_path=1), "acl.init(): argument 'config_path' must be str"),
        (lambda: acl.rt.free(nope=1), "acl.rt.free() got an unexpected keyword argument 'nope'"),
    ],
)
def test_wrong_argument_types_and_counts_raise_type_error(call, fragment):
    with pytest.raises(TypeError) as info:
        call()
    assert fragment in str(info.value)


def test_non_callable_callback_fails_at_launch_and_queues_nothing(env, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))
    report = ReportThread(env)
    ran = []
    try:
        with pytest.raises(TypeError, match=r"acl.rt.launch_callback\(\): argument 'fn' must be callable"):
            acl.rt.launch_callback("not callable", None, BLOCK, env["stream"])
        assert acl.rt.launch_callback(ran.append, "only", BLOCK, env["stream"]) == SUCCESS
    finally:
        report.close()
    assert ran == ["only"] and reported == []


def test_without_strict_mode_calls_go_straight_through(tmp_path):
    """ACL_HOST_STRICT=0: no binding registries (pyACL's behaviour); the runtime alone judges the call."""
    import subprocess

    code = (
        "import acl\n"
        "assert not acl._strict()\n"
        "acl.init(); acl.rt.set_device(0)\n"
        "ret = acl.rt.free(0xDEAD000)\n"
        "msg = acl.get_recent_err_msg()\n"
        "print(ret, 'not the start of live device memory' in msg)\n"
    )
    env = dict(os.environ, ACL_HOST_STRICT="0")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    _, binding_message = r.stdout.split()
    assert binding_message == "False"  # whatever the runtime says, the binding did not refuse the call
