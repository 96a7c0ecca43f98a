"""Resource limits are checked before allocating (acl_async.LimitError, naming the limit), and a long
set-up step stays interruptible."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest
from models import make_add_model

import acl_async
from acl_async import AsyncRunner, InferQueue, LimitError, MemoryPool

TIMEOUT = 60


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    return make_add_model(tmp_path_factory.mktemp("limits") / "add.onnx", (1, 8), np.float32, const=1.0)


@pytest.fixture(scope="module")
def model(session, model_path):
    return session.load_model(model_path)


def test_limit_error_is_a_value_error_exported_by_the_package():
    assert issubclass(LimitError, ValueError)
    assert acl_async.LimitError is acl_async.errors.LimitError is acl_async._acl.LimitError


@pytest.mark.parametrize("make", [lambda m: MemoryPool(m, 10**9), lambda m: AsyncRunner(m, pool_size=10**9)])
def test_a_pool_beyond_the_device_memory_is_refused_at_once(model, make):
    with pytest.raises(LimitError, match=r"1000000000 blocks needs .* device memory.*aclrtGetMemInfo"):
        make(model)


def test_a_queue_beyond_the_thread_limits_is_refused_at_once(model):
    with pytest.raises(LimitError, match=r"InferQueue of 10000000 jobs needs 10000001 threads"):
        InferQueue(model, 10**7)
    with InferQueue(model, 2) as queue:  # and the model still works
        queue.start_async(np.zeros((1, 8), np.float32))


CHILD = """
import sys
from acl_async import LimitError, MemoryPool, Session
session = Session()
model = session.load_model(sys.argv[1])
try:
    print("building", flush=True)
    pool = MemoryPool(model, 4_000_000)
except KeyboardInterrupt:
    print("interrupted", flush=True)
except LimitError as exc:
    print("limit", exc, flush=True)
else:
    print("built", flush=True)
"""


def test_ctrl_c_stops_building_a_big_pool(model_path):
    """4 million blocks take well over a minute to build: Ctrl-C stops it (it used to be ignored until
    the whole pool was made)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, model_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "building"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("Ctrl-C did not stop the pool build")
    if out.startswith("limit"):
        pytest.skip(f"not enough memory here for a long pool build: {out.strip()}")
    assert out.strip() == "interrupted", out + err
    assert proc.returncode == 0, err
