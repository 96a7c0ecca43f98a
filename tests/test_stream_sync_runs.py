"""A thread in aclrtSynchronizeStream runs the queued memory work the stream's worker has not started
(host runtime, stream.cpp ``Stream::run_here``): copies, memsets and tasks launched with
``ACL_HOST_EXT_TASK_ANY_THREAD`` (DVPP's picture work), instead of sleeping until the worker wakes up
to run them. Observed through the thread each task runs on and ``acl_host_ext_tasks_run_by_synchronize``;
the queue's order, errors and the worker-only tasks must be as without it."""

from __future__ import annotations

import ctypes
import threading

import numpy as np
import pytest

acl = pytest.importorskip("acl")

SUCCESS = 0
H2D, D2H, D2D = 1, 2, 3
ANY_THREAD = 1  # ACL_HOST_EXT_TASK_ANY_THREAD (csrc/host/src/host_ext.h)
TASK_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)


class HostTasks:
    """libascendcl's acl_host_ext_launch_pinned with a Python task that records (index, thread)."""

    def __init__(self) -> None:
        from acl_async import sdk

        self.lib = ctypes.CDLL(str(sdk.lib_dir() / "libascendcl.so"))
        self.lib.acl_host_ext_launch_pinned.argtypes = [
            ctypes.c_char_p, ctypes.c_void_p, TASK_FN, ctypes.c_void_p, ctypes.c_void_p,
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint]  # fmt: skip
        self.lib.acl_host_ext_launch_pinned.restype = ctypes.c_int
        self.lib.acl_host_ext_tasks_run_by_synchronize.restype = ctypes.c_uint64
        self.ran: list[tuple[int, int]] = []
        self.fail_index = -1
        self.gate: threading.Event | None = None
        self.fn = TASK_FN(self._run)  # kept alive as long as the tasks

    def _run(self, user: int | None, message: int, size: int) -> int:
        index = user or 0
        if self.gate is not None and index == 0:
            self.gate.wait()
        self.ran.append((index, threading.get_ident()))
        if index == self.fail_index:
            text = b"task %d failed on purpose\0" % index
            ctypes.memmove(message, text, min(len(text), size))
            return 100000  # ACL_ERROR_INVALID_PARAM
        return SUCCESS

    def launch(self, stream: int, index: int, flags: int) -> None:
        ret = self.lib.acl_host_ext_launch_pinned(b"test", stream, self.fn, index, None, None, 0, flags)
        assert ret == SUCCESS, acl.get_recent_err_msg()

    def run_by_synchronize(self) -> int:
        return int(self.lib.acl_host_ext_tasks_run_by_synchronize())


@pytest.fixture
def tasks(pyacl_stream):
    if acl.__backend__ != "host":  # acl_host_ext_* is the host runtime's
        pytest.skip("host runtime only")
    acl.rt.set_context(pyacl_stream[0])
    return HostTasks()


def fresh_stream() -> int:
    stream, ret = acl.rt.create_stream()
    assert ret == SUCCESS
    return stream


#: Fresh streams tried until the synchronizing thread has run a task: its worker, asleep or starting,
#: may still wake up first and take it (under TSan often several times in a row).
TRIALS = 200


def test_synchronize_runs_any_thread_tasks_itself(tasks):
    """On a fresh stream (its worker asleep or not started) the synchronizing thread runs the task; the
    counter counts exactly those runs."""
    me = threading.get_ident()
    before = tasks.run_by_synchronize()
    for i in range(1, TRIALS + 1):
        stream = fresh_stream()
        tasks.launch(stream, i, ANY_THREAD)
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        assert acl.rt.destroy_stream(stream) == SUCCESS
        if tasks.ran[-1][1] == me:
            break
    assert [i for i, _ in tasks.ran] == list(range(1, len(tasks.ran) + 1))
    here = sum(t == me for _, t in tasks.ran)
    assert here > 0, "no task ran on the synchronizing thread"
    assert tasks.run_by_synchronize() - before == here


def test_worker_only_tasks_stay_on_the_worker(tasks):
    me = threading.get_ident()
    before = tasks.run_by_synchronize()
    for i in range(1, 11):
        stream = fresh_stream()
        tasks.launch(stream, i, 0)
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        assert acl.rt.destroy_stream(stream) == SUCCESS
    assert [i for i, _ in tasks.ran] == list(range(1, 11))
    assert all(t != me for _, t in tasks.ran)
    assert tasks.run_by_synchronize() == before


def test_order_kept_behind_a_busy_worker(tasks):
    """Task 0 (worker only) holds the worker on a gate while any-thread tasks and copies queue behind it
    and another thread synchronizes: nothing overtakes task 0, and the copies chain in queue order."""
    stream = fresh_stream()
    tasks.gate = threading.Event()
    n = 64
    bufs = []
    for _ in range(3):
        ptr, ret = acl.rt.malloc(n, 0)
        assert ret == SUCCESS
        bufs.append(ptr)
    src = np.arange(n, dtype=np.uint8)
    assert acl.rt.memcpy(bufs[0], n, acl.util.numpy_to_ptr(src), n, H2D) == SUCCESS
    tasks.launch(stream, 0, 0)
    for i in range(1, 31):
        tasks.launch(stream, i, ANY_THREAD)
        if i == 10:  # a -> b, then b -> c: c holds a only if the copies ran in order
            assert acl.rt.memcpy_async(bufs[1], n, bufs[0], n, D2D, stream) == SUCCESS
            assert acl.rt.memcpy_async(bufs[2], n, bufs[1], n, D2D, stream) == SUCCESS
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(acl.rt.synchronize_stream(stream)))
    waiter.start()
    tasks.gate.set()
    waiter.join()
    assert result == [SUCCESS]
    assert [i for i, _ in tasks.ran] == list(range(31))
    out = np.zeros(n, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), n, bufs[2], n, D2H) == SUCCESS
    np.testing.assert_array_equal(out, src)
    for ptr in bufs:
        assert acl.rt.free(ptr) == SUCCESS
    assert acl.rt.destroy_stream(stream) == SUCCESS


def test_error_of_a_task_run_by_synchronize(tasks):
    """A failing task run by the synchronizing thread fails that synchronize with its code and message,
    and the stream goes on: the next task still runs, the next synchronize succeeds."""
    me = threading.get_ident()
    tasks.fail_index = 2
    failed_here = False
    for _ in range(TRIALS):
        stream = fresh_stream()
        tasks.ran.clear()
        tasks.launch(stream, 2, ANY_THREAD)
        assert acl.rt.synchronize_stream(stream) == 100000
        assert "task 2 failed on purpose" in acl.get_recent_err_msg()
        failed_here = failed_here or tasks.ran[0][1] == me
        tasks.launch(stream, 3, ANY_THREAD)
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        assert [i for i, _ in tasks.ran] == [2, 3]
        assert acl.rt.destroy_stream(stream) == SUCCESS
        if failed_here:
            break
    assert failed_here, "the synchronizing thread never ran the failing task"
