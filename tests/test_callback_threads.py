"""Where InferQueue callbacks run, and the idle-spin heuristic of its waits (README, "Where callbacks
run"): on the Python thread inside start_async/wait_all/get_idle_request_id; on the report thread when
no thread is in the queue (after 2 ms). A waiter spins before sleeping only when the last request was
fast.

The requests run a model heavy enough (a chain of 256x256 matrix products, milliseconds of work) that
the thread calling wait_all is inside the queue long before its request completes; gates are events.
"""

from __future__ import annotations

import threading

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from acl_async import InferQueue

TIMEOUT = 60
N = 256


@pytest.fixture(scope="module")
def heavy(session, tmp_path_factory):
    """x [N, N] -> x @ x @ ... (16 products): milliseconds per request, far above the spin bound."""
    nodes, prev = [], "x"
    for i in range(16):
        nodes.append(helper.make_node("MatMul", [prev, "x"], [f"m{i}"]))
        prev = f"m{i}"
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    graph = helper.make_graph(
        nodes,
        "heavy",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N, N])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [N, N])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = tmp_path_factory.mktemp("heavy") / "heavy.onnx"
    onnx.save(model, path)
    return session.load_model(str(path))


def x() -> np.ndarray:
    return np.full((N, N), 1e-3, np.float32)


def test_callbacks_run_on_the_thread_waiting_in_the_queue(heavy):
    with InferQueue(heavy, 1) as queue:
        threads: list[int] = []
        queue.set_callback(lambda outputs, userdata: threads.append(threading.get_ident()))
        for i in range(3):
            queue.start_async(x(), i)  # waits for the busy job: runs the previous callback here
        queue.wait_all(TIMEOUT)
        assert threads == [threading.get_ident()] * 3

        # Another Python thread waiting in wait_all runs them, not the report thread.
        waiter_ident: list[int] = []

        def waiter():
            waiter_ident.append(threading.get_ident())
            queue.wait_all(TIMEOUT)

        threads.clear()
        queue.start_async(x(), 3)
        thread = threading.Thread(target=waiter)
        thread.start()
        thread.join(TIMEOUT)
        assert threads == waiter_ident


def test_callbacks_move_to_the_report_thread_when_nobody_is_in_the_queue(heavy):
    with InferQueue(heavy, 2) as queue:
        ran = threading.Event()
        where: list[int] = []
        queue.set_callback(lambda outputs, userdata: (where.append(threading.get_ident()), ran.set()))
        queue.start_async(x(), 0)
        assert ran.wait(TIMEOUT)  # nobody calls into the queue: the report thread takes over
        python_threads = {t.ident for t in threading.enumerate()}
        assert where[0] not in python_threads  # a C++ report thread, not a Python one


def test_waits_spin_only_after_fast_requests(heavy):
    with InferQueue(heavy, 1) as queue:
        queue.set_callback(lambda outputs, userdata: None)
        for i in range(4):
            queue.start_async(x(), i)  # one job, busy for milliseconds: each start waits
        queue.wait_all(TIMEOUT)
        spins, sleeps = queue._wait_stats
        assert sleeps >= 3 and spins == 0  # heavy requests: the default bound (200 us) never spins

        queue._set_spin_latency(10**12)  # every request counts as fast now
        for i in range(4):
            queue.start_async(x(), i)
        queue.wait_all(TIMEOUT)
        spins2, sleeps2 = queue._wait_stats
        assert spins2 >= 3 and sleeps2 == sleeps  # each wait spun first

        queue._set_spin_latency(-1)  # nothing is fast
        for i in range(4):
            queue.start_async(x(), i)
        queue.wait_all(TIMEOUT)
        assert queue._wait_stats[0] == spins2
