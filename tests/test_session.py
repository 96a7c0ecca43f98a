"""acl_async.Session: lifecycle, factories, closed-session errors, teardown in any order."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading

import numpy as np
import pytest
from helpers import when_called
from models import make_add_model

import acl_async
from acl_async import AsyncRunner, InferQueue, Session
from acl_async.errors import ClosedError

TIMEOUT = 60


@pytest.fixture(scope="module")
def add_path(tmp_path_factory):
    return make_add_model(tmp_path_factory.mktemp("m") / "add.onnx", (1, 8), np.float32, const=2.0)


def test_session_lifecycle(add_path):
    before = acl_async.Runtime.refcount()
    with Session() as session:
        assert acl_async.Runtime.refcount() == before + 1
        assert session.device_id == 0 and session.run_mode in ("host", "device")
        assert not session.closed and "device=0" in repr(session)
        assert session.stream is session.stream  # one default stream
        assert session.report_thread is session.report_thread
        model = session.load_model(add_path)
        assert isinstance(model, acl_async.Model)
        np.testing.assert_array_equal(model.infer(np.ones((1, 8), np.float32))[0], 3.0)
        session.synchronize()
    assert session.closed and model.closed and repr(session) == "<Session closed>"
    assert acl_async.Runtime.refcount() == before
    session.close()  # idempotent


def test_closed_session_raises_closed_error(add_path):
    session = Session()
    model = session.load_model(add_path)
    pool = session.create_pool(model, 1)
    session.close()
    for call in (
        lambda: session.load_model(add_path),
        lambda: session.stream,
        lambda: session.report_thread,
        lambda: session.create_stream(),
        lambda: session.create_event(),
        lambda: session.create_pool(model, 1),
        lambda: session.create_runner(model),
        lambda: session.create_infer_queue(model, 1),
        lambda: session.run_mode,
        lambda: model.infer(np.ones((1, 8), np.float32)),
        lambda: pool.acquire(),
        lambda: AsyncRunner(model),
        lambda: InferQueue(model, 1),
    ):
        with pytest.raises(ClosedError):
            call()
    with pytest.raises(ClosedError):
        with session:
            pass


def test_session_argument_errors(tmp_path):
    with pytest.raises(TypeError):
        Session(device_id="0")
    with pytest.raises(TypeError):
        Session(device_id=True)
    with pytest.raises(ValueError):
        Session(device_id=-1)
    with pytest.raises(FileNotFoundError):
        Session(config=tmp_path / "missing.json")
    with pytest.raises(acl_async.AclError):
        Session(device_id=1000)
    config = tmp_path / "acl.json"
    config.write_text("{}")
    with Session(config=config) as session:
        assert not session.closed
    with Session() as session:
        with pytest.raises(FileNotFoundError):
            session.load_model(tmp_path / "missing.onnx")


def test_session_load_model_from_bytes(add_path):
    with Session() as session:
        model = session.load_model(open(add_path, "rb").read())
        assert model.path is None
        np.testing.assert_array_equal(model.infer(np.zeros((1, 8), np.float32))[0], 2.0)


def test_close_session_with_callbacks_pending(add_path):
    """Session.close() while runners, queues and raw callbacks are busy: no crash, no hang."""
    session = Session()
    model = session.load_model(add_path)
    seen, queued = [], []
    runner = session.create_runner(
        model, pool_size=2, callback_interval=3, callback=lambda outputs, ud: seen.append(ud)
    )
    queue = session.create_infer_queue(model, 2)
    queue.set_callback(lambda outputs, ud: queued.append(ud))
    for i in range(30):
        runner.submit(np.zeros((1, 8), np.float32), i)
        queue.start_async(np.zeros((1, 8), np.float32), i)
    held, release = threading.Event(), threading.Event()
    session.report_thread.launch_callback(lambda: (held.set(), release.wait(TIMEOUT)), session.stream)
    assert held.wait(TIMEOUT)  # the gate: a callback is running (held) when close() begins
    with when_called("close", release.set):  # ... and is let go once close() has started
        session.close()
    assert release.is_set() and runner.closed and queue.closed and model.closed
    assert seen == list(range(30))  # close() let the runner's work finish
    assert sorted(queued) == list(range(30))  # and the queue's


def test_teardown_in_any_order(add_path):
    for order in (("pool", "model", "session"), ("session", "pool", "model"), ("model", "session", "pool")):
        session = Session()
        model = session.load_model(add_path)
        pool = session.create_pool(model, 2)
        block = pool.acquire()
        model.execute_async(block, session.stream)
        objs = {"session": session, "model": model, "pool": pool}
        for n, name in enumerate(order):
            objs[name].close()
            assert objs[name].closed
            if name == "session":  # closing the session closes what was made through it
                assert all(objs[later].closed for later in order[n:])
        assert all(obj.closed for obj in objs.values())
        del block, objs, session, model, pool
        gc.collect()

    # and by garbage collection only, from another thread
    def make_and_drop():
        s = Session()
        m = s.load_model(add_path)
        q = InferQueue(m, 2)
        q.start_async(np.zeros((1, 8), np.float32), 0)

    thread = threading.Thread(target=make_and_drop)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    gc.collect()


def test_package_imports_without_loading_the_extension():
    code = (
        "import sys, acl_async, acl_async.errors, acl_async.labels, acl_async.preprocess\n"
        "assert 'acl_async._acl' not in sys.modules, 'extension imported eagerly'\n"
        "acl_async.AclError, acl_async.ClosedError\n"
        "assert 'acl_async._acl' not in sys.modules\n"
        "acl_async.Session\n"
        "assert 'acl_async._acl' in sys.modules\n"
        "assert set(acl_async.__all__) <= set(dir(acl_async))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    with pytest.raises(AttributeError):
        acl_async.does_not_exist  # noqa: B018
