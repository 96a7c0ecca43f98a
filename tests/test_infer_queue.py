"""acl_async.InferQueue: OpenVINO AsyncInferQueue semantics on ACL (jobs, userdata, callbacks, errors)."""

from __future__ import annotations

import sys
import threading
import time
import warnings

import numpy as np
import openvino as ov
import pytest
from helpers import call_in_thread_and_release

from acl_async import InferQueue, suggested_jobs
from acl_async.errors import ClosedError, InputError
from acl_async.infer_queue import CANN_SUGGESTED_JOBS

TIMEOUT = 120


def test_userdata_and_outputs_match_openvino(session, paths):
    model = session.load_model(paths["cls"])
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((1, 3, 8, 8)).astype(np.float32) for _ in range(40)]
    compiled = ov.Core().compile_model(paths["cls"], "CPU")
    request = compiled.create_infer_request()
    expected = [np.array(request.infer([x])[0]) for x in xs]
    results = {}
    with InferQueue(model, 3) as queue:
        assert len(queue) == queue.jobs == 3
        queue.set_callback(lambda outputs, userdata: results.setdefault(userdata, outputs))
        for i, x in enumerate(xs):
            queue.start_async(x, i)
        queue.wait_all(TIMEOUT)
        assert queue.completed == 40 and queue.in_flight == 0
    assert sorted(results) == list(range(40))  # every userdata exactly once
    for i, want in enumerate(expected):
        np.testing.assert_allclose(results[i][0], want, rtol=1e-5, atol=1e-7)


def test_userdata_is_any_object_and_kept_per_job(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    seen = []
    marker = object()
    queue.set_callback(lambda outputs, userdata: seen.append(userdata))
    gate = threading.Event()
    queue.start_async(np.zeros((1, 4), np.float32), {"k": [1, 2]})
    queue.start_async(np.zeros((1, 4), np.float32), marker)
    queue.wait_all(TIMEOUT)
    assert seen[0] == {"k": [1, 2]} or seen[1] == {"k": [1, 2]}
    assert marker in seen
    assert queue.userdata == [None, None]  # released once the callback ran
    queue.start_async(np.zeros((1, 4), np.float32))  # userdata defaults to None
    queue.wait_all(TIMEOUT)
    assert seen[-1] is None
    gate.set()
    queue.close()


def test_ordering_of_completions_with_one_job(session, paths):
    model = session.load_model(paths["add"])
    order = []
    with InferQueue(model, 1) as queue:
        queue.set_callback(lambda outputs, userdata: order.append((userdata, float(outputs[0][0, 0]))))
        for i in range(200):
            queue.start_async(np.full((1, 4), i, np.float32), i)
    assert order == [(i, i + 1.0) for i in range(200)]


def test_two_outputs_and_dict_inputs(session, paths):
    model = session.load_model(paths["two"])
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.ones((2, 3), np.float32)
    got = []
    with InferQueue(model, 2) as queue:
        queue.set_callback(lambda outputs, userdata: got.append(outputs))
        queue.start_async({"a": a, "b": b}, 0)
        queue.start_async([a, b], 1)
    for outputs in got:
        np.testing.assert_array_equal(outputs[0], a + b)
        np.testing.assert_array_equal(outputs[1], [2, 2])


def test_jobs_zero_uses_the_suggested_number(session, paths):
    model = session.load_model(paths["add"])
    n = suggested_jobs(model)
    assert n >= 1 and n == suggested_jobs(paths["add"]) == suggested_jobs(open(paths["add"], "rb").read())
    from acl_async.infer_queue import _backend

    if _backend() == "host":
        compiled = ov.Core().compile_model(paths["add"], "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
        assert n == compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
    else:
        assert n == CANN_SUGGESTED_JOBS
    queue = InferQueue(model)
    assert len(queue) == n
    queue.close()
    with pytest.raises(ValueError):
        InferQueue(model, -1)
    with pytest.raises(TypeError):
        InferQueue(model, 1.0)


def test_callback_error_raised_once_at_next_call(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    calls = []

    def callback(outputs, userdata):
        calls.append(userdata)
        if userdata == 5:
            raise KeyError("five")

    queue.set_callback(callback)
    started, raised = [], 0
    for i in range(10):
        try:
            queue.start_async(np.zeros((1, 4), np.float32), i)
            started.append(i)
        except KeyError:  # the failed callback ran meanwhile: reported here, request i not started
            raised += 1
    try:
        queue.wait_all(TIMEOUT)
    except KeyError as exc:
        assert "five" in str(exc)
        raised += 1
    assert raised == 1  # once
    queue.wait_all(TIMEOUT)  # not sticky
    assert sorted(calls) == started  # every started request completed, the failing one included
    # an error pending at start_async is raised there, and that request is not started
    queue.start_async(np.zeros((1, 4), np.float32), 5)
    deadline = time.monotonic() + TIMEOUT
    while queue.in_flight and time.monotonic() < deadline:  # the gate: its callback has finished
        queue.is_ready()  # runs the finished callback here
    assert queue.in_flight == 0
    with pytest.raises(KeyError):
        queue.start_async(np.zeros((1, 4), np.float32), 99)
    queue.wait_all(TIMEOUT)
    assert 99 not in calls
    assert queue.in_flight == 0 and queue.is_ready()
    queue.close()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the dropped-error count is an exception note (3.11)")
def test_callback_errors_on_every_request(session, paths):
    """Every failing callback is accounted for exactly once: the error raised, or counted in its note
    ("N more callback error(s) dropped"); requests refused at start_async are not started."""
    model = session.load_model(paths["add"])
    calls = []

    def callback(outputs, userdata):
        calls.append(userdata)
        raise ZeroDivisionError(userdata)

    with InferQueue(model, 2) as queue:
        queue.set_callback(callback)
        started, raised = [], []
        for i in range(20):
            try:
                queue.start_async(np.zeros((1, 4), np.float32), i)
                started.append(i)
            except ZeroDivisionError as exc:
                raised.append(exc)
        try:
            queue.wait_all(TIMEOUT)
        except ZeroDivisionError as exc:
            raised.append(exc)
        queue.wait_all(TIMEOUT)  # reported, so not again
        assert sorted(calls) == started
        reported = [exc.args[0] for exc in raised]
        dropped = sum(_dropped(exc) for exc in raised)
        assert len(set(reported)) == len(reported) and set(reported) <= set(started)
        assert len(reported) + dropped == len(started)
        queue.set_callback(None)
        assert queue.callback is None


def _dropped(exc: BaseException) -> int:
    notes = getattr(exc, "__notes__", [])
    return sum(int(n.split()[0]) for n in notes if "more callback error(s) dropped" in n)


def test_bad_input_and_callback(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    with pytest.raises(TypeError, match="callable"):
        queue.set_callback(42)
    for bad in (
        np.zeros((1, 4), np.float64),
        np.zeros((2, 4), np.float32),
        [np.zeros((1, 4), np.float32)] * 2,
    ):
        with pytest.raises(InputError):
            queue.start_async(bad, 0)
    assert queue.in_flight == 0 and queue.is_ready()  # the job went back
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    queue.wait_all(TIMEOUT)
    queue.close()
    queue.close()
    for call in (
        lambda: queue.start_async(np.zeros((1, 4), np.float32), 0),
        queue.wait_all,
        queue.is_ready,
        lambda: queue.set_callback(None),
    ):
        with pytest.raises(ClosedError):
            call()


def test_wait_all_timeout(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 1)
    gate, entered = threading.Event(), threading.Event()
    queue.set_callback(lambda outputs, userdata: (entered.set(), gate.wait(TIMEOUT)))
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    # the callback runs on the report thread (nobody waits) and blocks there
    assert entered.wait(TIMEOUT)
    with pytest.raises(TimeoutError):
        queue.wait_all(0.1)
    gate.set()
    queue.wait_all(TIMEOUT)
    queue.close()


def test_callbacks_run_without_a_waiting_thread(session, paths):
    """Nobody calls into the queue: the report thread runs the callbacks on its own."""
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    done = threading.Event()
    threads = []
    queue.set_callback(lambda outputs, userdata: (threads.append(threading.get_ident()), done.set()))
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    assert done.wait(10)
    assert threads[0] != threading.get_ident()
    queue.close()


def test_start_async_from_a_callback(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    seen = []

    def callback(outputs, userdata):
        seen.append(userdata)
        if userdata < 20:
            queue.start_async(np.zeros((1, 4), np.float32), userdata + 10)

    queue.set_callback(callback)
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    queue.start_async(np.zeros((1, 4), np.float32), 1)
    deadline = time.monotonic() + TIMEOUT
    while len(seen) < 6 and time.monotonic() < deadline:
        queue.wait_all(TIMEOUT)
    assert sorted(seen) == [0, 1, 10, 11, 20, 21]
    with pytest.raises(RuntimeError):
        queue.set_callback(lambda outputs, userdata: queue.wait_all())
        queue.start_async(np.zeros((1, 4), np.float32), 0)
        queue.wait_all(TIMEOUT)
    queue.close()


def test_idle_ids_and_is_ready(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 2)
    assert queue.is_ready()
    assert queue.get_idle_request_id() in (0, 1)
    gate, entered = threading.Event(), threading.Event()
    try:
        queue.set_callback(lambda outputs, userdata: (entered.set(), gate.wait(TIMEOUT)))
        queue.start_async(np.zeros((1, 4), np.float32))
        queue.start_async(np.zeros((1, 4), np.float32))
        assert entered.wait(TIMEOUT)  # a callback is running (on the report thread) and blocks
        # A job is idle again before its callback runs (so callbacks may start requests): the queue
        # is ready while the callback still blocks, and the request still counts as in flight.
        assert queue.in_flight >= 1
        assert queue.get_idle_request_id() in (0, 1)
    finally:
        gate.set()
    queue.wait_all(TIMEOUT)
    assert queue.in_flight == 0 and queue.is_ready()
    queue.close()


def test_gil_released_while_waiting(session, paths):
    """wait_all() releases the GIL: while it waits for a callback blocked on the report thread, another
    thread runs the Python code that unblocks it."""
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 1)
    gate, entered = threading.Event(), threading.Event()
    queue.set_callback(lambda outputs, userdata: (entered.set(), gate.wait(TIMEOUT)))
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    assert entered.wait(TIMEOUT)  # on the report thread: wait_all has nothing to run itself
    call_in_thread_and_release(lambda: queue.wait_all(TIMEOUT), "wait_all", gate.set)
    assert queue.completed == 1
    queue.close()


def test_timings(session, paths):
    model = session.load_model(paths["add"])
    with InferQueue(model, 2) as queue:
        assert not queue.timing and queue.pop_timings().shape == (0, 2)
        queue.timing = True
        before = time.perf_counter_ns()
        for i in range(10):
            queue.start_async(np.zeros((1, 4), np.float32), i)
        queue.wait_all(TIMEOUT)
        after = time.perf_counter_ns()
        timings = queue.pop_timings()
    assert timings.shape == (10, 2) and timings.dtype == np.int64
    assert (timings[:, 0] >= before).all() and (timings[:, 1] <= after).all()
    assert (timings[:, 1] >= timings[:, 0]).all()


def test_close_warns_about_unreported_errors(session, paths):
    model = session.load_model(paths["add"])
    queue = InferQueue(model, 1)
    queue.set_callback(lambda outputs, userdata: 1 / 0)
    queue.start_async(np.zeros((1, 4), np.float32), 0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        queue.close()
    assert any("ZeroDivisionError" in str(w.message) for w in caught)
    assert queue.closed
