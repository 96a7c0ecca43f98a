"""acl_async._acl: the report thread (callbacks, errors, GIL) and the result queue."""

from __future__ import annotations

import threading
import traceback

import numpy as np
import pytest

from acl_async import _acl
from acl_async.errors import AclTimeoutError, ClosedError

TIMEOUT = 60


def test_callbacks_run_in_order_on_the_report_thread(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context, poll_ms=5)
    assert report.thread_id != 0 and report.poll_ms == 5
    seen = []
    for i in range(100):
        report.launch_callback(
            lambda i=i: seen.append((i, threading.get_ident(), report.is_current())), stream, block=i % 2 == 0
        )
    assert stream.report_thread is report and report.streams == [stream]
    stream.synchronize(TIMEOUT)
    assert [i for i, _, _ in seen] == list(range(100))
    assert {tid for _, tid, _ in seen} != {threading.get_ident()} and len({tid for _, tid, _ in seen}) == 1
    assert all(current for _, _, current in seen) and not report.is_current()
    report.close()
    assert stream.report_thread is None


def test_close_does_not_wait_for_the_poll(ctx):
    """Closing unsubscribes the streams first, so a thread waiting in aclrtProcessReport returns at once:
    with a ten-minute poll, close() still returns (it waited for the poll to end before)."""
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context, poll_ms=600_000)
    ran = threading.Event()
    report.launch_callback(ran.set, stream, block=False)
    stream.synchronize(TIMEOUT)
    assert ran.is_set()  # the thread is subscribed and back in aclrtProcessReport(600000)
    closed = threading.Event()
    closer = threading.Thread(target=lambda: (report.close(), closed.set()), daemon=True)
    closer.start()
    assert closed.wait(TIMEOUT), "close() waited for the report thread's ten-minute poll"
    assert stream.report_thread is None and report.closed


@pytest.mark.parametrize("blocking", [True, False], ids=["BLOCK", "NO_BLOCK"])
def test_blocking_callback_holds_later_tasks(ctx, blocking):
    """BLOCK: the work queued after the callback waits until it returns; NO_BLOCK: it does not."""
    context, model = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    block.set_inputs(np.zeros((1, 16), np.float32))
    block.outputs[0][...] = -7.0  # not written yet
    entered, release = threading.Event(), threading.Event()
    report.launch_callback(lambda: (entered.set(), release.wait(TIMEOUT)), stream, block=blocking)
    model.execute_async(block, stream)
    after = _acl.Event(context)
    after.record(stream)
    watcher = _acl.Stream(context)  # a stream that waits for `after`, and has no callback of its own
    watcher.wait_event(after)
    assert entered.wait(TIMEOUT)
    try:
        if blocking:
            with pytest.raises(AclTimeoutError):
                watcher.synchronize(0.3)  # the callback is held: the execution behind it cannot run
            assert not after.query() and block.outputs[0][0, 0] == -7.0
        else:
            watcher.synchronize(TIMEOUT)  # the stream went on past the held callback
            assert after.query() and block.outputs[0][0, 0] == 1.0
    finally:
        release.set()
    stream.synchronize(TIMEOUT)
    assert after.query() and block.outputs[0][0, 0] == 1.0
    report.close()


def test_callback_error_is_raised_once_at_synchronize(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    ran = []

    class Boom(Exception):
        pass

    def fail():
        raise Boom("callback failed")

    report.launch_callback(lambda: ran.append(1), stream)
    report.launch_callback(fail, stream)
    report.launch_callback(lambda: ran.append(2), stream)
    report.launch_callback(lambda: 1 / 0, stream)
    report.launch_callback(lambda: ran.append(3), stream)
    with pytest.raises(Boom, match="callback failed") as info:
        stream.synchronize(TIMEOUT)
    assert ran == [1, 2, 3]  # everything else ran
    assert "fail" in "".join(traceback.format_tb(info.value.__traceback__))  # the original traceback
    notes = getattr(info.value, "__notes__", [])
    assert any("ZeroDivisionError" in note for note in notes)
    stream.synchronize(TIMEOUT)  # surfaced once: not raised again
    report.close()


def test_callback_must_be_callable(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    with pytest.raises(TypeError, match="callable"):
        report.launch_callback(42, stream)
    with pytest.raises(TypeError):
        report.launch_callback(None, stream)
    with pytest.raises(ValueError):
        _acl.ReportThread(context, poll_ms=0)
    report.close()
    with pytest.raises(ClosedError):
        report.launch_callback(lambda: None, stream)


def test_one_report_thread_per_stream(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    first, second = _acl.ReportThread(context), _acl.ReportThread(context)
    first.subscribe(stream)
    first.subscribe(stream)  # idempotent
    with pytest.raises(ValueError, match="another"):
        second.subscribe(stream)
    with pytest.raises(ValueError):
        second.launch_callback(lambda: None, stream)
    with pytest.raises(ValueError):
        second.unsubscribe(stream)
    first.unsubscribe(stream)
    second.launch_callback(lambda: None, stream)  # subscribes it
    assert stream.report_thread is second
    stream.synchronize(TIMEOUT)
    for t in (first, second):
        t.close()


def test_gil_is_released_while_synchronizing(ctx):
    """A Python thread runs while the main thread waits in synchronize: the stream is held by a callback
    that only another Python thread can release (gates, no timing)."""
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    held = threading.Event()  # the callback is running, the main thread is (about to be) in synchronize
    release = threading.Event()  # set by the helper thread: needs the GIL while synchronize waits
    released_in_time = []

    def hold():
        held.set()
        released_in_time.append(release.wait(TIMEOUT))

    def helper():
        held.wait(TIMEOUT)
        release.set()

    report.launch_callback(hold, stream)
    thread = threading.Thread(target=helper)
    thread.start()
    stream.synchronize(TIMEOUT)
    thread.join()
    assert released_in_time == [True]  # False: the helper could not run while synchronize held the GIL
    report.close()


def test_close_with_callbacks_pending(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    ran = []
    release = threading.Event()
    report.launch_callback(lambda: release.wait(TIMEOUT), stream)
    for i in range(20):
        report.launch_callback(lambda i=i: ran.append(i), stream)
    closer = threading.Thread(target=report.close)  # drains: pending callbacks still run, then joins
    closer.start()
    closer.join(0.2)
    assert closer.is_alive() and ran == []  # held by the first callback, nothing dropped
    release.set()
    closer.join(TIMEOUT)
    assert not closer.is_alive() and report.closed
    assert ran == list(range(20))
    stream.close()


def test_closing_in_a_callback_does_not_deadlock(ctx):
    context, _ = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    done = threading.Event()
    report.launch_callback(lambda: (report.close(), stream.close(), done.set()), stream)
    assert done.wait(TIMEOUT)
    assert report.closed and stream.closed
    with pytest.raises(RuntimeError, match="callback"):
        # blocking waits are refused on a report thread
        other_stream = _acl.Stream(context)
        other = _acl.ReportThread(context)
        errors = []
        other.launch_callback(lambda: _record(errors, other_stream.synchronize), other_stream)
        other_stream.synchronize(TIMEOUT)
        other.close()
        raise errors[0]


def _record(errors, fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)


def test_result_queue_collects_outputs_and_returns_blocks(ctx):
    context, model = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    pool = _acl.MemoryPool(model, 2)
    results = _acl.ResultQueue(report)
    for i in range(50):
        block = pool.acquire(timeout=TIMEOUT)  # 2 blocks for 50 executions: blocks come back in callbacks
        block.set_inputs(np.full((1, 16), i, np.float32))
        model.execute_async(block, stream)
        results.push_async(block, stream, ("tag", i))
    stream.synchronize(TIMEOUT)
    assert results.in_flight == 0 and results.ready == 50
    items = results.pop_all()
    assert [tag for tag, _ in items] == [("tag", i) for i in range(50)]
    for (_, i), outputs in items:
        assert len(outputs) == 1
        np.testing.assert_array_equal(outputs[0], np.full((1, 16), i + 1.0, np.float32))
    del items, outputs  # zero-copy views of the blocks: dropping the last one returns its block
    assert pool.available == 2 and results.pop_all() == []
    with pytest.raises(ValueError):
        results.push_async(pool.blocks[0], stream, None)  # not acquired
    report.close()
