"""Ctrl-C inside each blocking wait of the Python API and the CLI's loops: KeyboardInterrupt comes out
of the wait, and what was accepted before is still completed and cleaned up afterwards.

The SIGINT is sent when the wait is entered (a profile hook sees the call), never after a delay."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers import TIMEOUT, interrupt_when_called

from acl_async import AsyncRunner, InferQueue
from acl_async.bench.loops import AsyncLoop, StopRule

X = np.zeros((1, 4), np.float32)


def blocked_runner(session, paths, gate: threading.Event) -> AsyncRunner:
    """A runner whose (blocking) callbacks wait for ``gate``: its stream, and so its pool, stays busy."""
    model = session.load_model(paths["add"])
    return AsyncRunner(model, pool_size=1, callback_interval=1, callback=lambda o, ud: gate.wait(TIMEOUT))


def test_ctrl_c_while_submit_waits_for_a_free_block(session, paths) -> None:
    gate = threading.Event()
    runner = blocked_runner(session, paths, gate)
    runner.submit(X, 0)  # its callback holds the stream (the block comes back when execution 0 ends)
    runner.submit(X, 1)  # takes the only block; execution 1 waits behind the held callback
    with pytest.raises(KeyboardInterrupt), interrupt_when_called("acquire"):
        runner.submit(X, 2, timeout=TIMEOUT)  # a wait blind to signals would fail with TimeoutError
    gate.set()
    runner.close()  # the accepted executions complete; nothing is left running
    assert runner.submitted == 2 and runner.processed == 2


def test_ctrl_c_while_runner_waits(session, paths) -> None:
    gate = threading.Event()
    runner = blocked_runner(session, paths, gate)
    runner.submit(X, 0)
    with pytest.raises(KeyboardInterrupt), interrupt_when_called("synchronize"):
        runner.wait(TIMEOUT)
    gate.set()
    runner.wait(TIMEOUT)  # still usable after the interruption
    assert runner.processed == 1
    runner.close()


def test_ctrl_c_while_infer_queue_waits(session, paths) -> None:
    model = session.load_model(paths["add"])
    gate, entered = threading.Event(), threading.Event()
    with InferQueue(model, 1) as queue:
        queue.set_callback(lambda outputs, userdata: (entered.set(), gate.wait(TIMEOUT)))
        queue.start_async(X, 0)
        assert entered.wait(TIMEOUT)  # the callback blocks on the report thread
        with pytest.raises(KeyboardInterrupt), interrupt_when_called("wait_all"):
            queue.wait_all(TIMEOUT)
        gate.set()
        queue.wait_all(TIMEOUT)
        assert queue.completed == 1 and queue.in_flight == 0


def test_ctrl_c_while_the_bench_loop_waits() -> None:
    """bench's async loop waits on a condition for a free request; nothing completes here."""
    loop = AsyncLoop(1, timeout_s=TIMEOUT)
    submitted: list[int] = []
    with pytest.raises(KeyboardInterrupt), interrupt_when_called("wait"):  # Condition.wait: nothing idle
        loop.run(lambda rid, i: submitted.append(i), StopRule(iterations=5))
    assert submitted == [0]  # the first request went out; the loop stopped waiting for it
