"""acl_async._acl.ResultQueue: results are never dropped, and closing delivers what is left."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from acl_async import _acl
from acl_async.errors import ClosedError

TIMEOUT = 60


def test_pop_all_keeps_the_results_after_a_lost_one(ctx):
    """A result whose block memory went away raises ClosedError when it is first in line; the results
    before it are returned first and the ones after it stay queued (they used to be dropped)."""
    context, model = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    kept = _acl.MemoryPool(model, 2)
    doomed = _acl.MemoryPool(model, 1)
    results = _acl.ResultQueue(report)
    gate = threading.Event()
    report.launch_callback(lambda: gate.wait(TIMEOUT), stream)  # holds the stream: nothing is collected yet
    a, b, c = kept.acquire(), doomed.acquire(), kept.acquire()
    a.set_inputs(np.full((1, 16), 1, np.float32))
    c.set_inputs(np.full((1, 16), 3, np.float32))
    for block, tag in ((a, "a"), (b, "b"), (c, "c")):
        results.push_async(block, stream, tag)  # outputs = the blocks' current buffers
    doomed.close()  # b's memory is freed before its collection runs
    gate.set()
    stream.synchronize(TIMEOUT)
    assert results.ready == 3
    assert [tag for tag, _ in results.pop_all()] == ["a"]
    with pytest.raises(ClosedError, match="'b'"):
        results.pop_all()
    assert [tag for tag, _ in results.pop_all()] == ["c"]
    assert results.pop_all() == [] and results.ready == 0
    report.close()


def test_close_drains_then_calls_on_close(ctx):
    context, model = ctx
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    pool = _acl.MemoryPool(model, 4)
    seen: list = []
    results = _acl.ResultQueue(report, lambda: seen.extend(results.pop_all()))
    gate = threading.Event()
    report.launch_callback(lambda: gate.wait(TIMEOUT), stream)
    for i in range(4):
        block = pool.acquire()
        block.set_inputs(np.full((1, 16), i, np.float32))
        model.execute_async(block, stream)
        results.push_async(block, stream, i)
    threading.Timer(0, gate.set).start()  # opens while close() waits (GIL released)
    results.close()  # waits for the four collections, then on_close delivers them
    assert [tag for tag, _ in seen] == [0, 1, 2, 3]
    for i, (_, outputs) in enumerate(seen):
        np.testing.assert_array_equal(outputs[0], np.full((1, 16), i + 1.0, np.float32))
    with pytest.raises(ClosedError):
        results.push_async(pool.acquire(), stream, 4)
    report.close()
