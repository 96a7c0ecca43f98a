"""No copy the hardware would not make: on the host runtime the pool blocks are the model's own buffers,
and the arrays a callback gets are views of its block (kept from reuse while a view lives)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from models import reference_add

from acl_async import AsyncRunner, _acl
from acl_async.errors import ClosedError

TIMEOUT = 120


def _block_of(pool: _acl.MemoryPool, array: np.ndarray) -> _acl.Block | None:
    hits = [b for b in pool.blocks if np.shares_memory(array, b.output(0))]
    assert len(hits) <= 1
    return hits[0] if hits else None


def test_host_runtime_blocks_make_no_staging_copies(session, paths):
    """Device memory is host memory: the views numpy writes are the buffers the model reads."""
    assert session.run_mode == "host"  # ACL_HOST: on an NPU card these copies would be needed
    model = session.load_model(paths["add"])
    pool = _acl.MemoryPool(model, 2)
    try:
        assert all(block.copies is False for block in pool.blocks)
        block = pool.acquire()
        block.input(0)[...] = np.arange(4, dtype=np.float32).reshape(1, 4)
        model.execute(block)  # no set_inputs, no copy: the model reads the view's memory
        np.testing.assert_array_equal(block.output(0), reference_add(block.input(0)))
        block.release()
    finally:
        pool.close()


def test_callback_outputs_are_views_of_the_block(session, paths):
    model = session.load_model(paths["add"])
    seen: list[tuple[int, bool, bool]] = []

    def callback(outputs: list, index: int) -> None:
        block = _block_of(runner.pool, outputs[0])
        seen.append((index, block is not None, bool(block is not None and block.in_use)))
        np.testing.assert_array_equal(outputs[0], np.full((1, 4), index + 1.0, np.float32))

    with AsyncRunner(model, pool_size=4, callback_interval=1, callback=callback) as runner:
        for i in range(12):
            runner.submit(np.full((1, 4), i, np.float32), i)
        runner.wait(TIMEOUT)
        assert [s[0] for s in seen] == list(range(12))
        assert all(shared and in_use for _, shared, in_use in seen)  # the block's memory, not yet reused
        assert runner.pool.leased == 0 and runner.pool.available == 4  # all back once the callbacks returned


def test_view_kept_past_its_callback_stays_intact(session, paths):
    model = session.load_model(paths["add"])
    kept: list[np.ndarray] = []

    def callback(outputs: list, index: int) -> None:
        if index == 0:
            kept.append(outputs[0])

    with AsyncRunner(model, pool_size=3, callback_interval=1, callback=callback) as runner:
        for i in range(30):  # later executions cycle through the other blocks
            runner.submit(np.full((1, 4), 100 + i, np.float32), i)
        runner.wait(TIMEOUT)
        np.testing.assert_array_equal(kept[0], np.full((1, 4), 101.0, np.float32))
        block = _block_of(runner.pool, kept[0])
        assert block is not None and block.in_use  # not reused while the view lives
        assert runner.pool.leased == 1
        del block
        kept.clear()  # the last view goes: the block goes back
        assert runner.pool.leased == 0 and runner.pool.available == 3


def test_leases_never_starve_the_pool(session, paths):
    """Views kept by every callback: the pool lends at most size - 1 blocks, the rest are copied."""
    model = session.load_model(paths["add"])
    kept: list[np.ndarray] = []
    with AsyncRunner(model, pool_size=2, callback_interval=5,
                     callback=lambda outputs, index: kept.append(outputs[0])) as runner:  # fmt: skip
        for i in range(20):
            runner.submit(np.full((1, 4), i, np.float32), i, timeout=TIMEOUT)
        runner.wait(TIMEOUT)
        assert runner.pool.leased == 1
    for i, array in enumerate(kept):
        np.testing.assert_array_equal(array, np.full((1, 4), i + 1.0, np.float32))


def test_runner_keeping_results_copies(session, paths):
    """Without a callback the runner keeps every result: they are copies, the pool stays whole."""
    model = session.load_model(paths["add"])
    with AsyncRunner(model, pool_size=2, callback_interval=1) as runner:
        for i in range(6):
            runner.submit(np.full((1, 4), i, np.float32), i)
        runner.wait(TIMEOUT)
        assert runner.pool.leased == 0 and runner.pool.available == 2
        assert all(_block_of(runner.pool, r.outputs[0]) is None for r in runner.results)


# -- AsyncRunner close/submit_block races (issue 18, item 8) --------------------------------------


def test_close_after_a_callback_closed_waits_for_every_accepted_result(session, paths):
    model = session.load_model(paths["add"])
    go, closed = threading.Event(), threading.Event()
    seen: list[int] = []

    def callback(outputs: list, index: int) -> None:
        seen.append(index)
        if index == 0:
            go.wait(TIMEOUT)  # the main thread has submitted all five by now
            runner.close()
            closed.set()

    runner = AsyncRunner(model, pool_size=8, callback_interval=1, callback=callback)
    for i in range(5):
        runner.submit(np.zeros((1, 4), np.float32), i)
    go.set()
    assert closed.wait(TIMEOUT)
    runner.close()  # already closed by the callback: returns once the accepted ones are delivered
    assert seen == [0, 1, 2, 3, 4]


def test_submit_block_accepted_when_its_callback_launch_meets_a_close(session, paths, monkeypatch):
    """The execution is queued and collected: a ClosedError from launching its callback (a close racing
    the submit) must not reach the caller, who would think it was not accepted."""
    model = session.load_model(paths["add"])
    seen: list[int] = []
    runner = AsyncRunner(model, pool_size=2, callback_interval=1, callback=lambda o, i: seen.append(i))

    def closing(self: AsyncRunner) -> None:
        raise ClosedError("closing under us")

    block = runner.acquire_block(TIMEOUT)
    block.input(0)[...] = 0
    monkeypatch.setattr(AsyncRunner, "_launch", closing)
    assert runner.submit_block(block, 7) == 0
    assert runner.submitted == 1
    monkeypatch.undo()
    runner.close()  # the collector's close delivers it
    assert seen == [7]


def test_submit_block_refused_after_close_gives_the_block_back(session, paths):
    model = session.load_model(paths["add"])
    runner = AsyncRunner(model, pool_size=2, callback_interval=1, callback=lambda o, i: None)
    block = runner.acquire_block(TIMEOUT)
    runner.close()
    with pytest.raises(ClosedError):
        runner.submit_block(block, 0)
    assert runner.submitted == 0
