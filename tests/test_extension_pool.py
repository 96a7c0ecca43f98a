"""acl_async._acl: models, memory pools and blocks (zero-copy views, input checks, back-pressure)."""

from __future__ import annotations

import gc
import threading
import time

import numpy as np
import openvino as ov
import pytest
from helpers import call_in_thread_and_release
from models import (
    make_add_model,
    make_classifier_model,
    make_corrupt_file,
    make_dynamic_batch_model,
    make_fp16_model,
    make_om_file,
    make_two_output_model,
    reference_classifier,
)

from acl_async import _acl
from acl_async.errors import AclError, ClosedError, InputError


@pytest.fixture(scope="module")
def context():
    runtime = _acl.Runtime()
    device = _acl.Device(0, runtime)
    ctx = _acl.Context(device)
    yield ctx
    for obj in (ctx, device, runtime):
        obj.close()


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    return {
        "add": make_add_model(d / "add.onnx", (1, 3, 8, 8), np.float32, const=1.5),
        "fp16": make_fp16_model(d / "fp16.onnx", (1, 3, 8, 8), scale=2.0),
        "two": make_two_output_model(d / "two.onnx", (2, 5)),
        "cls": make_classifier_model(d / "cls.onnx"),
        "cls16": make_classifier_model(d / "cls16.onnx", dtype=np.float16),
        "dyn": make_dynamic_batch_model(d / "dyn.onnx"),
        "om": make_om_file(d / "model.om"),
        "corrupt": make_corrupt_file(d / "corrupt.onnx"),
    }


def openvino_outputs(path: str, inputs: list[np.ndarray]) -> list[np.ndarray]:
    compiled = ov.Core().compile_model(path, "CPU")
    result = compiled.create_infer_request().infer(inputs)
    return [np.array(result[port]) for port in compiled.outputs]


def test_model_description(context, paths):
    model = _acl.Model(context, paths["two"])
    assert [d.name for d in model.inputs] == ["a", "b"]
    assert [d.name for d in model.outputs] == ["sum", "argmax"]
    a, b = model.inputs
    assert a.shape == (2, 5) and a.dtype == np.float32 and a.size == 40 and a.index == 0 and b.index == 1
    s, arg = model.outputs
    assert s.dtype == np.float32 and arg.dtype == np.int64 and arg.shape == (2,) and arg.size == 16
    assert a.dtype_name == "float32" and isinstance(a.format, str) and isinstance(a.acl_dtype, int)
    assert "a" in repr(a)
    assert model.path == paths["two"] and model.source_bytes() is None
    assert model.context is context
    model.close()
    with pytest.raises(ClosedError):
        _ = model.id


def test_fp16_input_is_float16(context, paths):
    model = _acl.Model(context, paths["fp16"])
    assert model.inputs[0].dtype == np.float16 and model.inputs[0].size == 1 * 3 * 8 * 8 * 2
    x = (np.arange(192, dtype=np.float32).reshape(1, 3, 8, 8) / 7).astype(np.float16)
    (out,) = model.infer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, openvino_outputs(paths["fp16"], [x])[0], rtol=1e-6)


def test_load_from_bytes_and_copy(context, paths):
    data = open(paths["cls"], "rb").read()
    model = _acl.Model(context, data)
    assert model.path is None and model.source_bytes() == data
    copy = model.load_copy()
    assert copy.id != model.id and copy.inputs[0].shape == model.inputs[0].shape
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(copy.infer(x)[0], model.infer(x)[0])
    np.testing.assert_allclose(
        model.infer(x)[0], openvino_outputs(paths["cls"], [x])[0], rtol=1e-5, atol=1e-7
    )
    # OpenVINO's CPU plugin may compute in bf16: numpy is only a sanity check
    np.testing.assert_allclose(model.infer(x)[0], reference_classifier(x), atol=5e-3)


def test_model_load_errors(context, paths, tmp_path):
    with pytest.raises(FileNotFoundError):
        _acl.Model(context, tmp_path / "missing.onnx")
    with pytest.raises(IsADirectoryError):
        _acl.Model(context, tmp_path)
    for name in ("corrupt", "om"):
        with pytest.raises(AclError) as info:
            _acl.Model(context, paths[name])
        assert info.value.function == "aclmdlLoadFromFile"
    with pytest.raises(AclError):
        _acl.Model(context, b"\x00" * 64)
    with pytest.raises(ValueError):
        _acl.Model(context, b"")
    with pytest.raises(TypeError):
        _acl.Model(context, 42)


def test_every_execution_path_matches_openvino(context, paths):
    model = _acl.Model(context, paths["cls"])
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal((1, 3, 8, 8)).astype(np.float32) for _ in range(5)]
    expected = [openvino_outputs(paths["cls"], [x])[0] for x in xs]
    # infer
    for x, want in zip(xs, expected):  # noqa: B905 - same length by construction (py3.9)
        np.testing.assert_allclose(model.infer(x)[0], want, rtol=1e-5, atol=1e-7)
    # execute (sync) through a block
    pool = _acl.MemoryPool(model, len(xs))
    with pool.acquire() as block:
        for x, want in zip(xs, expected):  # noqa: B905
            block.set_inputs(x)
            model.execute(block)
            np.testing.assert_allclose(block.outputs[0], want, rtol=1e-5, atol=1e-7)
    # execute_async, every block in flight at once
    stream = _acl.Stream(context)
    blocks = [pool.acquire() for _ in xs]
    for block, x in zip(blocks, xs):  # noqa: B905
        block.inputs[0][...] = x  # zero-copy write
        model.execute_async(block, stream)
    stream.synchronize()
    for block, want in zip(blocks, expected):  # noqa: B905
        np.testing.assert_allclose(block.output(0), want, rtol=1e-5, atol=1e-7)
        block.release()
    assert pool.available == len(xs)


def test_two_outputs_and_input_forms(context, paths):
    model = _acl.Model(context, paths["two"])
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 5)).astype(np.float32)
    b = rng.standard_normal((2, 5)).astype(np.float32)
    want = openvino_outputs(paths["two"], [a, b])
    for inputs in ([a, b], (a, b), {"a": a, "b": b}, {0: a, 1: b}, {"b": b, 0: a}):
        got = model.infer(inputs)
        assert len(got) == 2
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
        assert got[1].dtype == np.int64


def test_block_views_are_zero_copy(context, paths):
    model = _acl.Model(context, paths["add"])
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    view = block.inputs[0]
    assert view.shape == (1, 3, 8, 8) and view.dtype == np.float32 and view.flags.writeable
    again = block.input(0)
    assert np.shares_memory(view, again)
    assert isinstance(view.base, _acl.HostBuffer) and len(view.base) == view.nbytes
    assert memoryview(view.base).nbytes == 768
    view[...] = 2.0
    np.testing.assert_array_equal(again, 2.0)
    model.execute(block)
    out = block.outputs[0]
    np.testing.assert_array_equal(out, 3.5)
    copies = block.copy_outputs()
    assert not np.shares_memory(copies[0], out)
    block.set_inputs(np.full((1, 3, 8, 8), 4.0, np.float32))
    np.testing.assert_array_equal(view, 4.0)  # set_inputs copies into the same host buffer
    block.release()


def test_views_outlive_the_pool(context, paths):
    model = _acl.Model(context, paths["add"])
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    view = block.outputs[0]
    pool.close()
    view[...] = 7.0  # still valid memory
    assert float(view.sum()) == 7.0 * view.size
    with pytest.raises(ClosedError):
        model.execute(block)
    with pytest.raises(ClosedError):
        _ = block.inputs
    with pytest.raises(ClosedError):
        pool.acquire()
    block.release()  # returning a block to a closed pool is a no-op


def test_bad_inputs_raise_input_error(context, paths):
    model = _acl.Model(context, paths["two"])
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    good = np.zeros((2, 5), np.float32)
    bad_cases = [
        [good.astype(np.float64), good],  # wrong dtype
        [np.zeros((5, 2), np.float32), good],  # wrong shape
        [good],  # too few
        [good, good, good],  # too many
        {"a": good},  # missing
        {"a": good, "c": good},  # unknown name
        {"a": good, 0: good, "b": good},  # given twice
        {0: good, 5: good},  # index out of range
        {1.5: good},  # bad key
        good,  # one array for a two-input model
        [b"\0" * 39, good],  # raw bytes of the wrong size
        [[["x"] * 5] * 2, good],  # not convertible
    ]
    for inputs in bad_cases:
        with pytest.raises(InputError):
            block.set_inputs(inputs)
    assert issubclass(InputError, ValueError) and issubclass(InputError, TypeError)
    block.set_inputs([b"\0" * 40, good])  # raw bytes of the right size
    block.set_inputs([[[1, 2, 3, 4, 5]] * 2, good])  # nested lists convert to the model dtype
    np.testing.assert_array_equal(block.input(0)[1], [1, 2, 3, 4, 5])
    block.set_inputs([np.asfortranarray(np.arange(10, dtype=np.float32).reshape(2, 5)), good])
    np.testing.assert_array_equal(block.input(0), np.arange(10).reshape(2, 5))
    block.release()


def test_single_input_forms(context, paths):
    model = _acl.Model(context, paths["add"])
    x = np.ones((1, 3, 8, 8), np.float32)
    for inputs in (x, [x], (x,), {"x": x}, {0: x}, x.tolist(), x.tobytes()):
        np.testing.assert_array_equal(model.infer(inputs)[0], 2.5)
    with pytest.raises(InputError):
        model.infer(x[0])  # shape (3, 8, 8)


def test_pool_acquire_release_and_back_pressure(context, paths):
    model = _acl.Model(context, paths["add"])
    pool = _acl.MemoryPool(model, 2)
    assert len(pool) == pool.size == 2 and pool.available == 2 and pool.in_use == 0
    a, b = pool.acquire(), pool.acquire()
    assert a.in_use and b.in_use and a.index != b.index and pool.available == 0
    assert pool.try_acquire() is None
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        pool.acquire(timeout=0.1)
    assert time.monotonic() - start >= 0.09
    with pytest.raises(TimeoutError):
        pool.acquire(timeout=0)
    # another thread releases: acquire() waits for it (GIL released while waiting)
    threading.Timer(0.1, a.release).start()
    c = pool.acquire(timeout=10)
    assert c is a and c.in_use
    pool.release(c)
    with pytest.raises(ValueError, match="already released"):
        pool.release(c)
    with pytest.raises(ValueError, match="already released"):
        c.release()
    other = _acl.MemoryPool(model, 1)
    with pytest.raises(ValueError, match="another"):
        other.release(b)
    with pytest.raises(ValueError):
        model.execute(c)  # not acquired
    b.release()
    with pool.acquire() as d:
        assert d.in_use
    assert not d.in_use and pool.available == 2


def test_pool_argument_errors(context, paths):
    model = _acl.Model(context, paths["add"])
    with pytest.raises(ValueError):
        _acl.MemoryPool(model, 0)
    with pytest.raises(TypeError):
        _acl.MemoryPool(model, -1)
    with pytest.raises(ValueError, match="dynamic"):
        _acl.MemoryPool(_acl.Model(context, paths["dyn"]), 1)
    pool = _acl.MemoryPool(model, 1)
    with pytest.raises(ValueError):
        pool.acquire(timeout=-1)
    wrong = _acl.MemoryPool(_acl.Model(context, paths["two"]), 1)
    with pytest.raises(ValueError, match="different model"):
        model.execute(wrong.acquire())


def test_pool_close_wakes_waiters(context, paths):
    model = _acl.Model(context, paths["add"])
    pool = _acl.MemoryPool(model, 1)
    pool.acquire()
    errors = []

    def wait():
        try:
            pool.acquire(timeout=30)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    # The gate: close() once the waiter has called acquire() (waiting with the GIL released).
    call_in_thread_and_release(wait, "acquire", pool.close)
    assert len(errors) == 1 and isinstance(errors[0], ClosedError)


def test_pool_close_waits_for_work_in_flight(context, paths):
    """Closing a pool whose blocks are still queued on a stream waits for that work first:
    the executions complete into the blocks (whose views outlive the pool)."""
    model = _acl.Model(context, paths["add"])
    pool = _acl.MemoryPool(model, 4)
    stream = _acl.Stream(context)
    report = _acl.ReportThread(context)
    release = threading.Event()
    report.launch_callback(lambda: release.wait(60), stream)  # holds the stream
    outputs = []
    for i in range(4):
        block = pool.acquire()
        block.set_inputs(np.full((1, 3, 8, 8), i, np.float32))
        block.outputs[0][...] = -1.0
        outputs.append(block.outputs[0])
        model.execute_async(block, stream)
    del block
    assert pool.available == 0 and all((out == -1.0).all() for out in outputs)  # held behind the callback
    at_return: list[np.ndarray] = []

    def close() -> None:
        pool.close()
        at_return.extend(out.copy() for out in outputs)  # what close() had waited for

    # The gate: the held stream is let go once close() has begun; close() must then wait for the work.
    call_in_thread_and_release(close, "close", release.set)
    assert pool.closed
    for i, out in enumerate(at_return):  # every queued execution ran before close returned
        np.testing.assert_array_equal(out, i + 1.5)
    stream.synchronize()
    report.close()
    gc.collect()


def test_float16_classifier_block(context, paths):
    model = _acl.Model(context, paths["cls16"])
    pool = _acl.MemoryPool(model, 1)
    block = pool.acquire()
    assert block.inputs[0].dtype == np.float16
    x = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype(np.float16)
    block.set_inputs(x)
    model.execute(block)
    np.testing.assert_allclose(
        block.outputs[0], openvino_outputs(paths["cls16"], [x])[0], rtol=1e-5, atol=1e-6
    )
    with pytest.raises(InputError):
        block.set_inputs(x.astype(np.float32))
