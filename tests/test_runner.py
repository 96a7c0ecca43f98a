"""acl_async.AsyncRunner: the sample's pipeline (pool, execute_async, a callback every N executions)."""

from __future__ import annotations

import threading

import numpy as np
import openvino as ov
import pytest
from helpers import call_in_thread_and_release

from acl_async import AsyncRunner, Result
from acl_async.errors import ClosedError, InputError

TIMEOUT = 120


def openvino_run(path: str, inputs: list) -> list[list[np.ndarray]]:
    compiled = ov.Core().compile_model(path, "CPU")
    request = compiled.create_infer_request()
    out = []
    for x in inputs:
        result = request.infer(x if isinstance(x, list) else [x])
        out.append([np.array(result[port]) for port in compiled.outputs])
    return out


@pytest.mark.parametrize("interval", [1, 3, 0])
def test_outputs_equal_openvino_for_every_execution_in_order(session, paths, interval):
    model = session.load_model(paths["cls"])
    rng = np.random.default_rng(interval)
    xs = [rng.standard_normal((1, 3, 8, 8)).astype(np.float32) for _ in range(25)]
    expected = openvino_run(paths["cls"], xs)
    got = []
    with AsyncRunner(
        model,
        pool_size=4,
        callback_interval=interval,
        callback=lambda outputs, userdata: got.append((userdata, outputs)),
    ) as runner:
        for i, x in enumerate(xs):
            assert runner.submit(x, userdata=i) == i
    assert [ud for ud, _ in got] == list(range(25))
    for (_, outputs), want in zip(got, expected):  # noqa: B905
        assert len(outputs) == 1
        np.testing.assert_allclose(outputs[0], want[0], rtol=1e-5, atol=1e-7)
    assert runner.closed


def test_ten_thousand_executions_four_blocks_callback_every_seven(session, paths):
    model = session.load_model(paths["add"])
    batches = []
    threads = set()
    values = []

    def on_batch(results):
        threads.add(threading.get_ident())
        batches.append(len(results))

    def callback(outputs, userdata):
        values.append((userdata, float(outputs[0][0, 0])))

    runner = AsyncRunner(model, pool_size=4, callback_interval=7, callback=callback, on_batch=on_batch)
    n = 10_000
    x = np.zeros((1, 4), np.float32)
    for i in range(n):
        x[...] = i
        runner.submit(x, userdata=i)
    runner.wait(TIMEOUT)
    assert runner.submitted == runner.processed == n
    assert runner.callbacks == len(batches) == -(-n // 7)  # 1429: the tail of 4 is processed too
    assert batches[:-1] == [7] * (len(batches) - 1) and batches[-1] == n % 7
    assert values == [(i, i + 1.0) for i in range(n)]
    assert threading.get_ident() not in threads  # callbacks ran on the report thread
    assert runner.pool.available == 4
    runner.close()


def test_pool_size_one(session, paths):
    model = session.load_model(paths["add"])
    with AsyncRunner(model, pool_size=1, callback_interval=5) as runner:
        runner.run((np.full((1, 4), i, np.float32) for i in range(101)), userdata=range(101))
        results = runner.results
    assert [r.index for r in results] == list(range(101))
    assert [r.userdata for r in results] == list(range(101))
    assert all(float(r.outputs[0][0, 0]) == r.index + 1 for r in results)
    assert isinstance(results[0], Result) and runner.callbacks == 21


def test_interval_zero_processes_after_synchronize(session, paths):
    model = session.load_model(paths["two"])
    rng = np.random.default_rng(5)
    inputs = [[rng.standard_normal((2, 3)).astype(np.float32) for _ in range(2)] for _ in range(20)]
    expected = openvino_run(paths["two"], inputs)
    seen = []
    runner = AsyncRunner(
        model,
        pool_size=3,
        callback_interval=0,
        callback=lambda outputs, ud: seen.append((ud, threading.get_ident(), outputs)),
    )
    for i, item in enumerate(inputs):
        runner.submit({"a": item[0], "b": item[1]}, i)
    # every execution done; a callback launched on the stream (blocking) would have run by now
    runner.stream.synchronize(TIMEOUT)
    assert seen == []  # nothing before wait(): interval 0 launches no callbacks
    runner.wait(TIMEOUT)
    assert runner.callbacks == 0
    assert [ud for ud, _, _ in seen] == list(range(20))
    assert {tid for _, tid, _ in seen} == {threading.get_ident()}
    for (_, _, outputs), want in zip(seen, expected):  # noqa: B905
        np.testing.assert_allclose(outputs[0], want[0])
        np.testing.assert_array_equal(outputs[1], want[1])
    runner.close()


def test_raising_callbacks(session, paths):
    model = session.load_model(paths["add"])
    calls = []

    class Bad(Exception):
        pass

    def callback(outputs, userdata):
        calls.append(userdata)
        if userdata % 10 == 3:
            raise Bad(f"bad result {userdata}")

    runner = AsyncRunner(model, pool_size=2, callback_interval=4, callback=callback)
    for i in range(50):
        runner.submit(np.zeros((1, 4), np.float32), i)
    with pytest.raises(Bad, match=r"^bad result 3(\n|$)"):
        runner.wait(TIMEOUT)
    assert calls == list(range(50))  # everything else completed
    assert runner.processed == 50 and runner.pool.available == 2  # every block is back
    runner.wait(TIMEOUT)  # surfaced once
    for i in range(50, 60):  # and the runner keeps working
        runner.submit(np.zeros((1, 4), np.float32), i)
    with pytest.raises(Bad, match=r"^bad result 53(\n|$)"):
        runner.wait(TIMEOUT)
    assert calls == list(range(60))
    runner.close()


def test_interval_zero_raising_callback(session, paths):
    model = session.load_model(paths["add"])
    runner = AsyncRunner(model, pool_size=2, callback_interval=0, callback=lambda o, ud: 1 / ud)
    for i in (1, 0, 2):
        runner.submit(np.zeros((1, 4), np.float32), i)
    with pytest.raises(ZeroDivisionError):
        runner.wait(TIMEOUT)
    assert runner.processed == 3
    runner.wait(TIMEOUT)
    runner.close()


def test_main_thread_is_free_while_waiting(session, paths):
    """wait() releases the GIL: while one thread waits for blocked callbacks, another runs Python code
    (the code that unblocks them)."""
    model = session.load_model(paths["add"])
    gate = threading.Event()
    runner = AsyncRunner(model, pool_size=2, callback_interval=1, callback=lambda o, ud: gate.wait(TIMEOUT))
    for i in range(2):  # = pool_size: the blocked callbacks hold the stream, so no block comes back
        runner.submit(np.zeros((1, 4), np.float32), i)
    call_in_thread_and_release(lambda: runner.wait(TIMEOUT), "synchronize", gate.set)
    assert runner.processed == 2
    runner.close()


def test_bad_arguments_and_inputs(session, paths):
    model = session.load_model(paths["add"])
    for kwargs, error in (
        ({"pool_size": 0}, ValueError),
        ({"pool_size": 1.5}, TypeError),
        ({"callback_interval": -1}, ValueError),
        ({"callback_interval": True}, TypeError),
        ({"callback": 42}, TypeError),
        ({"on_batch": "x"}, TypeError),
    ):
        with pytest.raises(error):
            AsyncRunner(model, **kwargs)
    runner = AsyncRunner(model, pool_size=2, callback_interval=1)
    with pytest.raises(InputError):
        runner.submit(np.zeros((1, 4), np.float64))
    with pytest.raises(InputError):
        runner.submit(np.zeros((4,), np.float32))
    assert runner.pool.available == 2 and runner.submitted == 0  # the block went back
    runner.close()
    runner.close()
    with pytest.raises(ClosedError):
        runner.submit(np.zeros((1, 4), np.float32))
    with pytest.raises(ClosedError):
        runner.wait()


def test_submit_timeout_when_the_pool_stays_busy(session, paths):
    model = session.load_model(paths["add"])
    gate = threading.Event()
    runner = AsyncRunner(model, pool_size=1, callback_interval=1)
    runner.report_thread.launch_callback(lambda: gate.wait(TIMEOUT), runner.stream)  # holds the stream
    runner.submit(np.zeros((1, 4), np.float32))
    with pytest.raises(TimeoutError):
        runner.submit(np.zeros((1, 4), np.float32), timeout=0.1)
    gate.set()
    runner.wait(TIMEOUT)
    assert runner.processed == 1
    runner.close()
