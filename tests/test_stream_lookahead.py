"""The host runtime's look-ahead (README "Execution policy"): while one execution runs, the next queued
execution of the same model on the same stream may run beside it, but only when nothing but NO_BLOCK
callbacks comes between them and neither writes memory the other touches. Observed through
``acl_host_ext_executions_started_ahead`` (a counter of libascendcl) and the results, with the stream
held by a gate so that every execution is queued before the first one runs."""

from __future__ import annotations

import ctypes
import threading

import numpy as np
import pytest
from models import make_add_model

acl = pytest.importorskip("acl")

SUCCESS = 0
H2D, D2H = 1, 2
BLOCK, NO_BLOCK = 1, 0
#: Elements of the y = x + 1 model's input: its 1.2 MB constant is above the runtime's "tiny" size, so
#: the model is compiled LATENCY and THROUGHPUT, the executions the look-ahead may start early.
ELEMS = 300_000
NBYTES = ELEMS * 4


def _started_ahead() -> int:
    from acl_async import sdk

    lib = ctypes.CDLL(str(sdk.lib_dir() / "libascendcl.so"))
    fn = lib.acl_host_ext_executions_started_ahead
    fn.restype = ctypes.c_uint64
    return int(fn())


@pytest.fixture(scope="module")
def env(tmp_path_factory, pyacl_stream):
    if acl.__backend__ != "host":  # the counter is the host runtime's
        pytest.skip("host runtime only")
    context, stream = pyacl_stream
    path = make_add_model(tmp_path_factory.mktemp("lookahead") / "add.onnx", (1, ELEMS), np.float32, 1.0)
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    yield {"context": context, "stream": stream, "model_id": model_id}
    acl.rt.set_context(context)
    assert acl.mdl.unload(model_id) == SUCCESS


class Buffers:
    """Device buffers of one model input each, filled with small integers (exact in bf16 too)."""

    def __init__(self, count: int) -> None:
        self.ptrs = []
        for _ in range(count):
            ptr, ret = acl.rt.malloc(NBYTES, 0)
            assert ret == SUCCESS
            self.ptrs.append(ptr)

    def write(self, i: int, values: np.ndarray) -> None:
        assert acl.rt.memcpy(self.ptrs[i], NBYTES, acl.util.numpy_to_ptr(values), NBYTES, H2D) == SUCCESS

    def read(self, i: int) -> np.ndarray:
        out = np.empty(ELEMS, np.float32)
        assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), NBYTES, self.ptrs[i], NBYTES, D2H) == SUCCESS
        return out

    def free(self) -> None:
        for p in self.ptrs:
            assert acl.rt.free(p) == SUCCESS


def _values(seed: int) -> np.ndarray:
    return (np.arange(ELEMS) % 64 + seed).astype(np.float32)


class GatedStream:
    """A report thread on the stream and a BLOCK callback at its front that waits for :meth:`open`:
    everything queued after it is in the queue when the first execution is taken."""

    def __init__(self, env) -> None:
        self.env, self.stop, self.gate = env, False, threading.Event()
        self.tid, ret = acl.util.start_thread(self._loop, env["context"])
        assert ret == SUCCESS
        assert acl.rt.subscribe_report(self.tid, env["stream"]) == SUCCESS
        self.callback(lambda _: self.gate.wait(60), BLOCK)

    def _loop(self, context) -> None:
        acl.rt.set_context(context)
        while not self.stop:
            acl.rt.process_report(20)

    def callback(self, fn, kind: int) -> None:
        assert acl.rt.launch_callback(fn, None, kind, self.env["stream"]) == SUCCESS

    def execute(self, buffers: Buffers, src: int, dst: int, keep: list) -> None:
        """Queues y(buffers[dst]) = x(buffers[src]) + 1."""
        sets = []
        for i in (src, dst):
            ds = acl.mdl.create_dataset()
            _, ret = acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(buffers.ptrs[i], NBYTES))
            assert ret == SUCCESS
            sets.append(ds)
        keep += sets
        assert acl.mdl.execute_async(self.env["model_id"], sets[0], sets[1], self.env["stream"]) == SUCCESS

    def open_and_finish(self, keep: list) -> None:
        self.callback(lambda _: None, BLOCK)  # after every callback before it: then synchronize returns
        self.gate.set()
        assert acl.rt.synchronize_stream(self.env["stream"]) == SUCCESS
        assert acl.rt.unsubscribe_report(self.tid, self.env["stream"]) == SUCCESS
        self.stop = True
        assert acl.util.stop_thread(self.tid) == SUCCESS
        for ds in keep:
            assert acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, 0)) == SUCCESS
            assert acl.mdl.destroy_dataset(ds) == SUCCESS


def test_independent_executions_run_two_at_a_time_with_the_same_results(env):
    count = 6
    buffers, keep, seen = Buffers(2 * count), [], []
    for i in range(count):
        buffers.write(2 * i, _values(i))
    before = _started_ahead()
    stream = GatedStream(env)
    for i in range(count):
        stream.execute(buffers, 2 * i, 2 * i + 1, keep)
        stream.callback(seen.append, NO_BLOCK)  # as AsyncRunner's: passed over by the look-ahead
    stream.open_and_finish(keep)
    # Every execution but the first was started while the one before it ran.
    assert _started_ahead() - before == count - 1
    for i in range(count):
        np.testing.assert_array_equal(buffers.read(2 * i + 1), _values(i) + 1)
    assert len(seen) == count
    buffers.free()


def test_an_execution_reading_the_previous_output_waits_for_it(env):
    """A chain: execution i reads what execution i - 1 wrote. Started early, it would read the buffer
    before it was written."""
    count = 6
    buffers, keep = Buffers(count + 1), []
    buffers.write(0, _values(0))
    for i in range(1, count + 1):
        buffers.write(i, np.zeros(ELEMS, np.float32))
    before = _started_ahead()
    stream = GatedStream(env)
    for i in range(count):
        stream.execute(buffers, i, i + 1, keep)
    stream.open_and_finish(keep)
    assert _started_ahead() == before
    np.testing.assert_array_equal(buffers.read(count), _values(0) + count)
    buffers.free()


def test_an_execution_writing_what_the_previous_one_reads_waits_for_it(env):
    """A writes buffer 1 from buffer 0, then B writes buffer 0 (from buffer 2): B early would change A's
    input under it."""
    buffers, keep = Buffers(3), []
    buffers.write(0, _values(0))
    buffers.write(2, _values(20))
    before = _started_ahead()
    stream = GatedStream(env)
    stream.execute(buffers, 0, 1, keep)
    stream.execute(buffers, 2, 0, keep)
    stream.open_and_finish(keep)
    assert _started_ahead() == before
    np.testing.assert_array_equal(buffers.read(1), _values(0) + 1)
    np.testing.assert_array_equal(buffers.read(0), _values(20) + 1)
    buffers.free()


@pytest.mark.parametrize("between", ["block callback", "memcpy"])
def test_other_tasks_between_two_executions_keep_them_in_turn(env, between):
    """Only NO_BLOCK callbacks are passed over: a BLOCK callback (the stream waits for it, and it may
    write the next input) or a copy stops the look-ahead."""
    buffers, keep = Buffers(5), []
    buffers.write(0, _values(0))
    buffers.write(2, _values(1))
    before = _started_ahead()
    stream = GatedStream(env)
    stream.execute(buffers, 0, 1, keep)
    if between == "memcpy":
        d2d, ptrs = 3, buffers.ptrs
        assert acl.rt.memcpy_async(ptrs[4], NBYTES, ptrs[3], NBYTES, d2d, env["stream"]) == SUCCESS
    else:
        stream.callback(lambda _: buffers.write(2, _values(7)), BLOCK)
    stream.execute(buffers, 2, 3, keep)
    stream.open_and_finish(keep)
    assert _started_ahead() == before
    assert buffers.read(1)[5] == _values(0)[5] + 1
    expected = _values(1 if between == "memcpy" else 7) + 1
    np.testing.assert_array_equal(buffers.read(3), expected)
    buffers.free()
