"""Every `acl` function in a test that checks a real value, not only `ret`.

The model has two inputs and two outputs whose names, sizes, types and dims all differ (a, b: fp32 [2, 5];
sum: fp32 [2, 5]; argmax: int64 [2]), so a binding wired to the wrong C function (get_output_dims to
aclmdlGetInputDims, an input getter to its output twin, index 0 for index 1) returns a wrong value here.
Each test names the functions it checks with @covers; test_every_function_is_covered fails when a function
of the module (acl._signatures()) is in none.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from models import make_dynamic_batch_model, make_reshape_model, make_two_output_model

acl = pytest.importorskip("acl")

SUCCESS = 0
INVALID_PARAM = 100000
H2D, D2H, D2D = 1, 2, 3
ACL_FLOAT, ACL_FLOAT16, ACL_INT64 = 0, 1, 9
ACL_FORMAT_NCHW, ACL_FORMAT_ND, ACL_FORMAT_NHWC = 0, 2, 1
BLOCK = 1

COVERED: dict[str, str] = {}


def covers(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            COVERED[name] = fn.__name__
        return fn

    return mark


@pytest.fixture(scope="module")
def env(tmp_path_factory, pyacl_stream):
    context, stream = pyacl_stream
    folder = tmp_path_factory.mktemp("pyacl_values")
    path = make_two_output_model(folder / "two.onnx", (2, 5))
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    desc = acl.mdl.create_desc()
    assert acl.mdl.get_desc(desc, model_id) == SUCCESS
    yield {
        "context": context,
        "stream": stream,
        "path": path,
        "model_id": model_id,
        "desc": desc,
        "dir": folder,
    }
    acl.rt.set_context(context)
    assert acl.mdl.destroy_desc(desc) == SUCCESS
    assert acl.mdl.unload(model_id) == SUCCESS


def run_child(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, **env), timeout=300
    )


# ---------------------------------------------------------------- acl


@covers("acl.init", "acl.finalize", "acl.finalize_reference")
def test_init_and_finalize_reference_counts():
    code = (
        "import acl\n"
        "print(acl.init(), acl.init(), acl.finalize_reference(), acl.finalize_reference(), acl.finalize())\n"
    )
    r = run_child(code)
    assert r.returncode == 0, r.stderr
    # second init counts a reference; the references go 1 -> 0 (finalized); finalize again: 100037
    assert r.stdout.split("(")[0].split() == ["0", "100002"]
    assert "(1, 0) (0, 0) 100037" in r.stdout


@covers("acl.app_log")
def test_app_log_writes_the_line_with_the_python_caller():
    code = "import acl\ndef where():\n    acl.app_log(2, 'hello from pyacl')\nwhere()\n"
    r = run_child(code, ASCEND_SLOG_PRINT_TO_STDOUT="1", ASCEND_GLOBAL_LOG_LEVEL="0")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "hello from pyacl" in x)
    assert "where" in line and "WARN" in line.upper()


@covers("acl.get_version", "acl.get_soc_name", "acl.get_recent_err_msg", "acl.data_type_size")
def test_versions_messages_and_type_sizes(env):
    major, minor, patch, ret = acl.get_version()
    assert ret == SUCCESS and (major, minor, patch) >= (1, 0, 0)
    assert acl.get_soc_name()
    assert acl.rt.free(0xDEAD000) != SUCCESS
    assert "0xdead000" in acl.get_recent_err_msg().lower()
    assert acl.get_recent_err_msg() == ""  # read and cleared
    assert [acl.data_type_size(t) for t in (ACL_FLOAT, ACL_FLOAT16, ACL_INT64)] == [4, 2, 8]


@covers("acl.float16_to_float", "acl.float_to_float16")
def test_float16_conversions():
    assert acl.float_to_float16(1.0) == 0x3C00 and acl.float_to_float16(-2.0) == 0xC000
    assert acl.float16_to_float(0x3555) == pytest.approx(1 / 3, abs=1e-3)
    assert acl.float16_to_float(int(np.float16(0.1).view(np.uint16))) == float(np.float16(0.1))


@covers(
    "acl.create_data_buffer",
    "acl.destroy_data_buffer",
    "acl.update_data_buffer",
    "acl.get_data_buffer_addr",
    "acl.get_data_buffer_size",
    "acl.get_data_buffer_size_v2",
)
def test_data_buffers(env):
    p, _ = acl.rt.malloc(64, 0)
    buf = acl.create_data_buffer(p, (1 << 32) + 8)
    assert acl.get_data_buffer_addr(buf) == p
    assert acl.get_data_buffer_size_v2(buf) == (1 << 32) + 8
    assert acl.get_data_buffer_size(buf) == 8  # the deprecated 32-bit size
    assert acl.update_data_buffer(buf, p + 16, 48) == SUCCESS
    assert (acl.get_data_buffer_addr(buf), acl.get_data_buffer_size_v2(buf)) == (p + 16, 48)
    assert acl.destroy_data_buffer(buf) == SUCCESS
    assert acl.destroy_data_buffer(buf) == INVALID_PARAM
    assert acl.get_data_buffer_addr(buf) == 0
    assert acl.rt.free(p) == SUCCESS


# ---------------------------------------------------------------- acl: tensor descriptions


@covers(
    "acl.create_tensor_desc",
    "acl.destroy_tensor_desc",
    "acl.get_tensor_desc_type",
    "acl.get_tensor_desc_format",
    "acl.get_tensor_desc_size",
    "acl.get_tensor_desc_element_count",
    "acl.get_tensor_desc_num_dims",
    "acl.get_tensor_desc_dim",
    "acl.get_tensor_desc_dim_v2",
    "acl.set_tensor_desc_name",
    "acl.get_tensor_desc_name",
    "acl.set_tensor_shape",
    "acl.set_tensor_format",
    "acl.get_tensor_desc_by_index",
)
def test_tensor_desc_getters_and_setters():
    td = acl.create_tensor_desc(ACL_FLOAT16, [2, 3, 4], ACL_FORMAT_NCHW)
    assert (acl.get_tensor_desc_type(td), acl.get_tensor_desc_format(td)) == (ACL_FLOAT16, ACL_FORMAT_NCHW)
    assert acl.get_tensor_desc_num_dims(td) == 3 and acl.get_tensor_desc_element_count(td) == 24
    assert acl.get_tensor_desc_size(td) == 48
    assert acl.get_tensor_desc_dim(td, 2) == 4 and acl.get_tensor_desc_dim_v2(td, 1) == (3, SUCCESS)
    assert acl.get_tensor_desc_dim_v2(td, 3)[1] == INVALID_PARAM
    assert acl.get_tensor_desc_name(td) == ""
    assert acl.set_tensor_desc_name(td, "weights") is None and acl.get_tensor_desc_name(td) == "weights"
    assert acl.set_tensor_shape(td, [5, 6]) == SUCCESS
    assert acl.get_tensor_desc_num_dims(td) == 2 and acl.get_tensor_desc_dim_v2(td, 1) == (6, SUCCESS)
    assert acl.set_tensor_format(td, ACL_FORMAT_NHWC) == SUCCESS
    assert acl.get_tensor_desc_format(td) == ACL_FORMAT_NHWC
    assert acl.get_tensor_desc_by_index(td, 0) == td and acl.get_tensor_desc_by_index(td, 1) == 0
    assert acl.destroy_tensor_desc(td) is None
    assert acl.get_tensor_desc_num_dims(td) == 0  # destroyed


@covers(
    "acl.set_tensor_shape_range",
    "acl.get_tensor_desc_dim_range",
    "acl.set_tensor_value_range",
    "acl.set_tensor_const",
    "acl.get_tensor_desc_address",
    "acl.set_tensor_dynamic_input",
    "acl.set_tensor_place_ment",
    "acl.trans_tensor_desc_format",
    "acl.set_tensor_storage_format",
    "acl.set_tensor_storage_shape",
    "acl.set_tensor_origin_format",
    "acl.set_tensor_origin_shape",
)
def test_tensor_desc_ranges_constants_and_formats():
    td = acl.create_tensor_desc(ACL_FLOAT, [-1, 4], ACL_FORMAT_ND)
    assert acl.set_tensor_shape_range(td, [[1, 8], [4, 4]]) == SUCCESS
    assert acl.get_tensor_desc_dim_range(td, 0, 2) == ([1, 8], SUCCESS)
    assert acl.get_tensor_desc_dim_range(td, 1, 2) == ([4, 4], SUCCESS)
    assert acl.set_tensor_value_range(td, [[0, 255]]) == SUCCESS
    assert acl.get_tensor_desc_address(td) == 0
    value = np.arange(4, dtype=np.float32)
    assert acl.set_tensor_const(td, acl.util.numpy_to_ptr(value), value.nbytes) == SUCCESS
    assert acl.get_tensor_desc_address(td) not in (0, acl.util.numpy_to_ptr(value))  # a copy
    assert acl.set_tensor_const(td, 0, 4) == INVALID_PARAM
    assert acl.set_tensor_dynamic_input(td, "x") == SUCCESS
    assert acl.set_tensor_place_ment(td, 1) == SUCCESS and acl.set_tensor_place_ment(td, 99) == INVALID_PARAM
    for setter in (acl.set_tensor_storage_format, acl.set_tensor_origin_format):
        assert setter(td, ACL_FORMAT_NCHW) == SUCCESS and setter(0x42, ACL_FORMAT_NCHW) == INVALID_PARAM
    for setter in (acl.set_tensor_storage_shape, acl.set_tensor_origin_shape):
        assert setter(td, [1, 4]) == SUCCESS and setter(0x42, [1, 4]) == INVALID_PARAM
    assert acl.get_tensor_desc_format(td) == ACL_FORMAT_ND  # storage/origin formats are separate
    nchw = acl.create_tensor_desc(ACL_FLOAT, [1, 3, 8, 8], ACL_FORMAT_NCHW)
    nhwc, ret = acl.trans_tensor_desc_format(nchw, ACL_FORMAT_NHWC)
    assert ret == SUCCESS and nhwc not in (0, nchw)
    assert acl.get_tensor_desc_format(nhwc) == ACL_FORMAT_NHWC
    assert [acl.get_tensor_desc_dim_v2(nhwc, i)[0] for i in range(4)] == [1, 8, 8, 3]
    for d in (td, nchw, nhwc):
        acl.destroy_tensor_desc(d)


# ---------------------------------------------------------------- acl.rt: devices, contexts, streams


@covers(
    "acl.rt.set_device",
    "acl.rt.get_device",
    "acl.rt.get_device_count",
    "acl.rt.get_run_mode",
    "acl.rt.synchronize_device",
    "acl.rt.synchronize_device_with_timeout",
    "acl.rt.device_can_access_peer",
    "acl.rt.get_device_utilization_rate",
    "acl.rt.get_mem_info",
    "acl.rt.set_op_wait_timeout",
)
def test_device_queries(env):
    count, ret = acl.rt.get_device_count()
    assert ret == SUCCESS and count >= 1
    assert acl.rt.set_device(count) != SUCCESS  # one past the last device
    assert acl.rt.get_device() == (0, SUCCESS)
    assert acl.rt.get_run_mode() == (1, SUCCESS)  # ACL_HOST: copies are needed
    assert acl.rt.synchronize_device() == SUCCESS
    assert acl.rt.synchronize_device_with_timeout(-1) == SUCCESS
    assert acl.rt.synchronize_device_with_timeout(-2) != SUCCESS
    assert acl.rt.device_can_access_peer(0, 0) == (0, INVALID_PARAM)  # a device is not its own peer
    info, ret = acl.rt.get_device_utilization_rate(0)
    assert ret == SUCCESS and set(info) == {
        "cubeUtilization",
        "vectorUtilization",
        "aicpuUtilization",
        "memoryUtilization",
    }
    free, total, ret = acl.rt.get_mem_info(0)
    p, _ = acl.rt.malloc(1 << 20, 0)
    free2, total2, _ = acl.rt.get_mem_info(0)
    assert ret == SUCCESS and total2 == total and free - free2 >= 1 << 20
    assert acl.rt.free(p) == SUCCESS
    assert acl.rt.set_op_wait_timeout(5) == SUCCESS


@covers("acl.rt.reset_device", "acl.rt.reset_device_force")
def test_reset_device_in_a_child():
    """reset_device releases the implicit context; with two devices, device 0 reaches device 1 as a peer."""
    code = (
        "import acl\n"
        "acl.init()\n"
        "print(acl.rt.set_device(0), acl.rt.get_context()[1] == 0, acl.rt.reset_device(0),"
        " acl.rt.get_context()[1] != 0, acl.rt.set_device(0), acl.rt.reset_device_force(0),"
        " acl.rt.reset_device(7) != 0, acl.rt.set_device(0), acl.rt.device_can_access_peer(0, 1))\n"
    )
    r = run_child(code, ACL_HOST_DEVICE_COUNT="2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "True", "0", "True", "0", "0", "True", "0", "(1,", "0)"]


@covers("acl.rt.create_context", "acl.rt.destroy_context", "acl.rt.set_context", "acl.rt.get_context")
def test_contexts(env):
    ctx, ret = acl.rt.create_context(0)
    assert ret == SUCCESS and ctx not in (0, env["context"])
    assert acl.rt.get_context() == (ctx, SUCCESS)  # the new context is current
    assert acl.rt.set_context(env["context"]) == SUCCESS
    assert acl.rt.get_context() == (env["context"], SUCCESS)
    assert acl.rt.destroy_context(ctx) == SUCCESS
    assert acl.rt.set_context(ctx) != SUCCESS
    assert acl.rt.get_context() == (env["context"], SUCCESS)


@covers(
    "acl.rt.create_stream",
    "acl.rt.destroy_stream",
    "acl.rt.create_stream_with_config",
    "acl.rt.stream_get_priority",
    "acl.rt.stream_get_flags",
    "acl.rt.stream_get_id",
    "acl.rt.stream_query",
    "acl.rt.destroy_stream_force",
    "acl.rt.synchronize_stream",
    "acl.rt.synchronize_stream_with_timeout",
)
def test_streams(env):
    s, ret = acl.rt.create_stream_with_config(3, 0)
    assert ret == SUCCESS
    assert acl.rt.stream_get_priority(s) == (3, SUCCESS) and acl.rt.stream_get_flags(s) == (0, SUCCESS)
    s2, _ = acl.rt.create_stream()
    (id1, r1), (id2, r2) = acl.rt.stream_get_id(s), acl.rt.stream_get_id(s2)
    assert r1 == r2 == SUCCESS and id1 != id2
    # A BLOCK callback holds s until a gate opens: the stream is busy, then complete.
    gate, stopped = threading.Event(), threading.Event()

    def loop(_):
        while not stopped.is_set():
            acl.rt.process_report(20)

    tid, _ = acl.util.start_thread(loop, [])
    assert acl.rt.subscribe_report(tid, s) == SUCCESS
    assert acl.rt.launch_callback(lambda _: gate.wait(), None, BLOCK, s) == SUCCESS
    assert acl.rt.stream_query(s) == (1, SUCCESS)  # ACL_STREAM_STATUS_NOT_READY
    assert acl.rt.synchronize_stream_with_timeout(s, 50) == 507046  # ACL_ERROR_RT_STREAM_SYNC_TIMEOUT
    gate.set()
    assert acl.rt.synchronize_stream(s) == SUCCESS
    assert acl.rt.stream_query(s) == (0, SUCCESS)
    assert acl.rt.unsubscribe_report(tid, s) == SUCCESS
    stopped.set()
    assert acl.util.stop_thread(tid) == SUCCESS
    assert acl.rt.destroy_stream_force(s) == SUCCESS
    assert acl.rt.destroy_stream(s2) == SUCCESS
    assert acl.rt.stream_get_priority(s)[1] != SUCCESS


# ---------------------------------------------------------------- acl.rt: events


@covers(
    "acl.rt.create_event",
    "acl.rt.destroy_event",
    "acl.rt.record_event",
    "acl.rt.query_event",
    "acl.rt.query_event_status",
    "acl.rt.synchronize_event",
    "acl.rt.synchronize_event_with_timeout",
    "acl.rt.event_elapsed_time",
    "acl.rt.event_get_timestamp",
    "acl.rt.stream_wait_event",
    "acl.rt.reset_event",
    "acl.rt.query_event_wait_status",
    "acl.rt.create_event_with_flag",
    "acl.rt.create_event_ex_with_flag",
)
def test_events(env):
    stream = env["stream"]
    e, ret = acl.rt.create_event()
    assert ret == SUCCESS
    assert acl.rt.query_event_status(e) == (0, SUCCESS)  # not recorded: not ready
    start, _ = acl.rt.create_event()
    assert acl.rt.record_event(start, stream) == SUCCESS
    assert acl.rt.record_event(e, stream) == SUCCESS
    assert acl.rt.synchronize_event(e) == SUCCESS
    assert acl.rt.synchronize_event_with_timeout(e, 1000) == SUCCESS
    assert acl.rt.query_event(e) == (0, SUCCESS)  # ACL_EVENT_STATUS_COMPLETE
    assert acl.rt.query_event_status(e) == (1, SUCCESS)  # ACL_EVENT_RECORDED_STATUS_COMPLETE
    ms, ret = acl.rt.event_elapsed_time(start, e)
    assert ret == SUCCESS and 0.0 <= ms < 10_000
    (t0, r0), (t1, r1) = acl.rt.event_get_timestamp(start), acl.rt.event_get_timestamp(e)
    assert r0 == r1 == SUCCESS and 0 < t0 <= t1
    sync_event, ret = acl.rt.create_event_with_flag(1)  # ACL_EVENT_SYNC
    assert ret == SUCCESS
    assert acl.rt.record_event(sync_event, stream) == SUCCESS
    assert acl.rt.stream_wait_event(stream, sync_event) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    assert acl.rt.query_event_wait_status(sync_event) == (0, SUCCESS)  # ACL_EVENT_WAIT_STATUS_COMPLETE
    assert acl.rt.reset_event(sync_event, stream) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    assert acl.rt.query_event_status(sync_event) == (0, SUCCESS)  # reset: not recorded again
    assert acl.rt.reset_event(0x42, stream) != SUCCESS
    ex, ret = acl.rt.create_event_ex_with_flag(1)
    assert ret == SUCCESS and ex
    assert acl.rt.query_event(ex)[1] == INVALID_PARAM  # Ex events are not queried (strict rule)
    for ev in (e, start, sync_event, ex):
        assert acl.rt.destroy_event(ev) == SUCCESS
    assert acl.rt.destroy_event(e) != SUCCESS


# ---------------------------------------------------------------- acl.rt: memory


@covers(
    "acl.rt.malloc",
    "acl.rt.free",
    "acl.rt.malloc_host",
    "acl.rt.free_host",
    "acl.rt.malloc_cached",
    "acl.rt.memcpy",
    "acl.rt.memcpy_async",
    "acl.rt.memset",
    "acl.rt.memset_async",
    "acl.rt.mem_flush",
    "acl.rt.mem_invalidate",
)
def test_memory_round_trips(env):
    data = np.arange(16, dtype=np.uint8)
    dev, ret = acl.rt.malloc(16, 0)
    cached, ret2 = acl.rt.malloc_cached(16, 0)
    host, ret3 = acl.rt.malloc_host(16)
    assert ret == ret2 == ret3 == SUCCESS and len({dev, cached, host}) == 3
    assert acl.rt.memcpy(dev, 16, acl.util.numpy_to_ptr(data), 16, H2D) == SUCCESS
    assert acl.rt.memcpy_async(cached, 16, dev, 16, D2D, env["stream"]) == SUCCESS
    assert acl.rt.memset_async(dev, 16, 0xAB, 8, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    assert acl.rt.memcpy(host, 16, cached, 16, D2H) == SUCCESS
    assert acl.util.ptr_to_bytes(host, 16) == data.tobytes()
    assert acl.rt.memcpy(host, 16, dev, 16, D2H) == SUCCESS
    assert acl.util.ptr_to_bytes(host, 16) == bytes([0xAB] * 8) + data[8:].tobytes()
    assert acl.rt.memset(host, 16, 7, 16) == SUCCESS and acl.util.ptr_to_bytes(host, 16) == bytes([7] * 16)
    assert acl.rt.mem_flush(cached, 16) == SUCCESS and acl.rt.mem_invalidate(cached, 16) == SUCCESS
    assert acl.rt.mem_flush(cached, 17) != SUCCESS and acl.rt.mem_invalidate(cached, 17) != SUCCESS
    assert acl.rt.free(dev) == SUCCESS and acl.rt.free(cached) == SUCCESS
    assert acl.rt.free_host(host) == SUCCESS and acl.rt.free_host(host) != SUCCESS


@covers("acl.rt.memcpy_2d", "acl.rt.memcpy2d", "acl.rt.memcpy_2d_async", "acl.rt.memcpy2d_async")
def test_2d_copies(env):
    src = np.arange(24, dtype=np.uint8).reshape(4, 6)
    for copy_2d in (acl.rt.memcpy_2d, acl.rt.memcpy2d):
        dev, _ = acl.rt.malloc(24, 0)
        assert copy_2d(dev, 6, acl.util.numpy_to_ptr(src), 6, 6, 4, H2D) == SUCCESS
        out = np.zeros((4, 3), np.uint8)
        assert copy_2d(acl.util.numpy_to_ptr(out), 3, dev + 2, 6, 3, 4, D2H) == SUCCESS
        np.testing.assert_array_equal(out, src[:, 2:5])
        assert acl.rt.free(dev) == SUCCESS
    for copy_2d_async in (acl.rt.memcpy_2d_async, acl.rt.memcpy2d_async):
        dev, _ = acl.rt.malloc(24, 0)
        assert copy_2d_async(dev, 6, acl.util.numpy_to_ptr(src), 6, 6, 4, H2D, env["stream"]) == SUCCESS
        out = np.zeros((2, 6), np.uint8)
        assert copy_2d_async(acl.util.numpy_to_ptr(out), 6, dev + 12, 6, 6, 2, D2H, env["stream"]) == SUCCESS
        assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
        np.testing.assert_array_equal(out, src[2:])
        assert acl.rt.free(dev) == SUCCESS


# ---------------------------------------------------------------- acl.rt: errors and exception info


@covers(
    "acl.rt.get_last_error",
    "acl.rt.peek_at_last_error",
    "acl.rt.set_exception_info_callback",
    "acl.rt.get_task_id_from_exception_info",
    "acl.rt.get_stream_id_from_exception_info",
    "acl.rt.get_thread_id_from_exception_info",
    "acl.rt.get_device_id_from_exception_info",
    "acl.rt.get_error_code_from_exception_info",
)
def test_errors_and_exception_info(env):
    acl.rt.get_last_error(0)
    assert acl.rt.set_device(12345) != SUCCESS
    code = acl.rt.peek_at_last_error(0)
    assert code != SUCCESS and acl.rt.peek_at_last_error(0) == code  # peek keeps it
    assert acl.rt.get_last_error(0) == code and acl.rt.get_last_error(0) == SUCCESS  # get clears it
    # A model that fails while it runs (Reshape to 4 rows of an input of 2): the callback sees the task.
    path = make_reshape_model(env["dir"] / "reshape.onnx", feature=4, rows=4)
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    seen = []

    def on_exception(info):
        seen.append(
            (
                acl.rt.get_task_id_from_exception_info(info),
                acl.rt.get_stream_id_from_exception_info(info),
                acl.rt.get_thread_id_from_exception_info(info),
                acl.rt.get_device_id_from_exception_info(info),
                acl.rt.get_error_code_from_exception_info(info),
            )
        )

    assert acl.rt.set_exception_info_callback(on_exception) == SUCCESS
    x = np.ones((2, 4), np.float32)
    ins, outs, ptrs = [], [], []
    for size, target in ((32, ins), (64, outs)):
        p, _ = acl.rt.malloc(size, 0)
        ptrs.append(p)
        ds = acl.mdl.create_dataset()
        acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, size))
        target.append(ds)
    assert acl.rt.memcpy(ptrs[0], 32, acl.util.numpy_to_ptr(x), 32, H2D) == SUCCESS
    assert acl.mdl.execute_async(model_id, ins[0], outs[0], env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) != SUCCESS
    assert acl.rt.set_exception_info_callback(None) == SUCCESS
    assert len(seen) == 1
    task, stream_id, _thread, device, error = seen[0]
    assert stream_id == acl.rt.stream_get_id(env["stream"])[0] and device == 0 and error != SUCCESS
    assert task >= 1
    assert acl.rt.get_error_code_from_exception_info(12345) == 0  # outside the callback: no info
    for ds in ins + outs:
        acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, 0))
        acl.mdl.destroy_dataset(ds)
    for p in ptrs:
        acl.rt.free(p)
    assert acl.mdl.unload(model_id) == SUCCESS


# ---------------------------------------------------------------- acl.rt: report threads; acl.util threads


@covers(
    "acl.rt.subscribe_report",
    "acl.rt.unsubscribe_report",
    "acl.rt.process_report",
    "acl.rt.launch_callback",
    "acl.util.start_thread",
    "acl.util.stop_thread",
)
def test_report_thread_runs_callbacks_in_order(env):
    stream, results, done = env["stream"], [], threading.Event()

    def loop(args_list):
        acl.rt.set_context(args_list[0])
        while not done.is_set():
            results.append(("report", acl.rt.process_report(args_list[1])))

    assert acl.rt.process_report(10) == 107012  # this thread is subscribed to nothing
    tid, ret = acl.util.start_thread(loop, [env["context"], 20])
    assert ret == SUCCESS and tid
    assert acl.rt.subscribe_report(tid, stream) == SUCCESS
    assert acl.rt.subscribe_report(tid, stream) == 107011  # one thread per stream
    got = []
    for i in range(5):
        assert acl.rt.launch_callback(lambda d: got.append((d, threading.get_ident())), i, BLOCK, stream) == 0
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    assert acl.rt.unsubscribe_report(tid, stream) == SUCCESS
    assert acl.rt.unsubscribe_report(tid, stream) == 107011
    assert acl.rt.launch_callback(got.append, 99, BLOCK, stream) == 107015  # no report thread any more
    done.set()
    assert acl.util.stop_thread(tid) == SUCCESS
    assert [d for d, _ in got] == list(range(5)) and len({t for _, t in got}) == 1
    assert got[0][1] != threading.get_ident()
    assert ("report", SUCCESS) in results


# ---------------------------------------------------------------- acl.util


@covers(
    "acl.util.bytes_to_ptr",
    "acl.util.ptr_to_bytes",
    "acl.util.numpy_to_ptr",
    "acl.util.numpy_contiguous_to_ptr",
    "acl.util.ptr_to_numpy",
)
def test_util_pointer_conversions():
    data = b"pyacl-bytes"
    assert acl.util.ptr_to_bytes(acl.util.bytes_to_ptr(data), len(data)) == data
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    p = acl.util.numpy_to_ptr(arr)
    assert p == arr.ctypes.data
    np.testing.assert_array_equal(acl.util.ptr_to_numpy(p, (2, 3), 11), arr)
    view = acl.util.ptr_to_numpy(p, (6,), 11)
    view[0] = 42.0
    assert arr[0, 0] == 42.0  # a view, not a copy
    strided = np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2]
    q, contiguous = acl.util.numpy_contiguous_to_ptr(strided)
    assert q == contiguous.ctypes.data and contiguous.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(acl.util.ptr_to_numpy(q, (3, 2), 5), strided)  # 5 = NPY_INT32
    same, back = acl.util.numpy_contiguous_to_ptr(arr)
    assert back is arr and same == p


# ---------------------------------------------------------------- acl.mdl: descriptions


@covers(
    "acl.mdl.create_desc",
    "acl.mdl.get_desc",
    "acl.mdl.destroy_desc",
    "acl.mdl.get_num_inputs",
    "acl.mdl.get_num_outputs",
    "acl.mdl.get_input_size_by_index",
    "acl.mdl.get_output_size_by_index",
    "acl.mdl.get_input_data_type",
    "acl.mdl.get_output_data_type",
    "acl.mdl.get_input_format",
    "acl.mdl.get_output_format",
    "acl.mdl.get_input_name_by_index",
    "acl.mdl.get_output_name_by_index",
    "acl.mdl.get_input_index_by_name",
    "acl.mdl.get_output_index_by_name",
)
def test_description_getters_tell_inputs_from_outputs(env):
    d = env["desc"]
    assert (acl.mdl.get_num_inputs(d), acl.mdl.get_num_outputs(d)) == (2, 2)
    assert [acl.mdl.get_input_size_by_index(d, i) for i in (0, 1)] == [40, 40]
    assert [acl.mdl.get_output_size_by_index(d, i) for i in (0, 1)] == [40, 16]
    assert [acl.mdl.get_input_data_type(d, i) for i in (0, 1)] == [ACL_FLOAT, ACL_FLOAT]
    assert [acl.mdl.get_output_data_type(d, i) for i in (0, 1)] == [ACL_FLOAT, ACL_INT64]
    assert acl.mdl.get_input_format(d, 0) == acl.mdl.get_output_format(d, 1) == ACL_FORMAT_ND
    assert acl.mdl.get_input_format(d, 5) == acl.mdl.get_output_format(d, 5) != ACL_FORMAT_ND  # bad index
    assert [acl.mdl.get_input_name_by_index(d, i) for i in (0, 1)] == ["a", "b"]
    assert [acl.mdl.get_output_name_by_index(d, i) for i in (0, 1)] == ["sum", "argmax"]
    assert acl.mdl.get_input_index_by_name(d, "b") == (1, SUCCESS)
    assert acl.mdl.get_output_index_by_name(d, "argmax") == (1, SUCCESS)
    assert acl.mdl.get_input_index_by_name(d, "argmax")[1] != SUCCESS
    other = acl.mdl.create_desc()
    assert acl.mdl.get_num_inputs(other) == 0  # not filled yet
    assert acl.mdl.get_desc(other, env["model_id"]) == SUCCESS and acl.mdl.get_num_outputs(other) == 2
    assert acl.mdl.get_desc(other, 987654) != SUCCESS
    assert acl.mdl.destroy_desc(other) == SUCCESS and acl.mdl.destroy_desc(other) != SUCCESS


@covers(
    "acl.mdl.get_input_dims",
    "acl.mdl.get_input_dims_v2",
    "acl.mdl.get_output_dims",
    "acl.mdl.get_cur_output_dims",
)
def test_dims_of_inputs_and_outputs(env):
    d = env["desc"]
    assert acl.mdl.get_input_dims(d, 1) == ({"name": "b", "dimCount": 2, "dims": [2, 5]}, SUCCESS)
    assert acl.mdl.get_input_dims_v2(d, 0) == ({"name": "a", "dimCount": 2, "dims": [2, 5]}, SUCCESS)
    assert acl.mdl.get_output_dims(d, 1) == ({"name": "argmax", "dimCount": 1, "dims": [2]}, SUCCESS)
    assert acl.mdl.get_output_dims(d, 0)[0]["name"] == "sum"
    dims, ret = acl.mdl.get_cur_output_dims(d, 1)
    assert ret == SUCCESS and dims["dims"] == [2]
    assert acl.mdl.get_output_dims(d, 2)[1] != SUCCESS


@covers(
    "acl.mdl.get_dynamic_batch",
    "acl.mdl.get_dynamic_hw",
    "acl.mdl.get_input_dynamic_gear_count",
    "acl.mdl.get_input_dynamic_dims",
    "acl.mdl.get_aipp_type",
    "acl.mdl.get_first_aipp_info",
)
def test_static_model_has_no_profiles_and_no_aipp(env):
    d = env["desc"]
    assert acl.mdl.get_dynamic_batch(d) == ({"batchCount": 0, "batch": []}, SUCCESS)
    assert acl.mdl.get_dynamic_hw(d, -1 & 0xFFFFFFFFFFFFFFFF)[0] == {"hwCount": 0, "hw": []}
    assert acl.mdl.get_input_dynamic_gear_count(d, -1) == (0, SUCCESS)
    dims_list, ret = acl.mdl.get_input_dynamic_dims(d, -1, 0)
    assert dims_list == []
    assert acl.mdl.get_aipp_type(env["model_id"], 0)[::2] == (0, SUCCESS)  # ACL_DATA_WITHOUT_AIPP
    info, ret = acl.mdl.get_first_aipp_info(env["model_id"], 0)
    assert ret != SUCCESS and "srcImageSizeW" in info  # no AIPP on this input


# ---------------------------------------------------------------- acl.mdl: loading, datasets, execution


def load_variants(env) -> dict[str, tuple[int, int]]:
    path = env["path"]
    with open(path, "rb") as f:
        blob = f.read()
    ptr = acl.util.bytes_to_ptr(blob)
    work, weight, ret = acl.mdl.query_size(path)
    assert ret == SUCCESS
    assert acl.mdl.query_size_from_mem(ptr, len(blob)) == (work, weight, SUCCESS)
    wp, _ = acl.rt.malloc(max(work, 1), 0)
    gp, _ = acl.rt.malloc(max(weight, 1), 0)
    out = {
        "file": acl.mdl.load_from_file(path),
        "file_with_mem": acl.mdl.load_from_file_with_mem(path, wp, max(work, 1), gp, max(weight, 1)),
        "mem": acl.mdl.load_from_mem(ptr, len(blob)),
        "mem_with_mem": acl.mdl.load_from_mem_with_mem(ptr, len(blob), 0, 0, 0, 0),
    }
    handle = acl.mdl.create_config_handle()
    assert acl.mdl.set_config_opt(handle, 1, 1) == SUCCESS  # ACL_MDL_LOAD_TYPE_SIZET: from file
    assert acl.mdl.set_config_opt(handle, 2, path) == SUCCESS  # ACL_MDL_PATH_PTR
    out["config"] = acl.mdl.load_with_config(handle)
    assert acl.mdl.destroy_config_handle(handle) == SUCCESS
    assert acl.mdl.destroy_config_handle(handle) != SUCCESS
    out["pointers"] = (wp, gp)
    return out


def run_two(model_id: int, env, how: str) -> tuple[np.ndarray, np.ndarray]:
    """Executes the two-output model once on fixed inputs; returns (sum, argmax)."""
    a = np.array([[1, 5, 2, 0, 3], [9, 1, 1, 1, 8]], np.float32)
    b = np.full((2, 5), 0.5, np.float32)
    ins, outs, ptrs = acl.mdl.create_dataset(), acl.mdl.create_dataset(), []
    for arr in (a, b):
        p, _ = acl.rt.malloc(arr.nbytes, 0)
        assert acl.rt.memcpy(p, arr.nbytes, acl.util.numpy_to_ptr(arr), arr.nbytes, H2D) == SUCCESS
        assert acl.mdl.add_dataset_buffer(ins, acl.create_data_buffer(p, arr.nbytes)) == (ins, SUCCESS)
        ptrs.append(p)
    for size in (40, 16):
        p, _ = acl.rt.malloc(size, 0)
        assert acl.mdl.add_dataset_buffer(outs, acl.create_data_buffer(p, size))[1] == SUCCESS
        ptrs.append(p)
    assert acl.mdl.get_dataset_num_buffers(ins) == 2
    assert acl.get_data_buffer_addr(acl.mdl.get_dataset_buffer(outs, 1)) == ptrs[3]
    assert acl.mdl.get_dataset_buffer(outs, 2) == 0
    stream = env["stream"]
    if how == "execute":
        assert acl.mdl.execute(model_id, ins, outs) == SUCCESS
    elif how == "execute_async":
        assert acl.mdl.execute_async(model_id, ins, outs, stream) == SUCCESS
    else:
        handle = acl.mdl.create_exec_config_handle()
        assert acl.mdl.set_exec_config_opt(handle, 0, 1000) == SUCCESS  # ACL_MDL_STREAM_SYNC_TIMEOUT
        run = acl.mdl.execute_v2 if how == "execute_v2" else acl.mdl.execute_async_v2
        assert run(model_id, ins, outs, stream, handle) == SUCCESS
        assert acl.rt.synchronize_stream(stream) == SUCCESS
        assert acl.mdl.destroy_exec_config_handle(handle) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    total = np.zeros((2, 5), np.float32)
    arg = np.zeros(2, np.int64)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(total), 40, ptrs[2], 40, D2H) == SUCCESS
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(arg), 16, ptrs[3], 16, D2H) == SUCCESS
    for ds in (ins, outs):
        for i in range(acl.mdl.get_dataset_num_buffers(ds)):
            assert acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, i)) == SUCCESS
        assert acl.mdl.destroy_dataset(ds) == SUCCESS
    for p in ptrs:
        assert acl.rt.free(p) == SUCCESS
    np.testing.assert_array_equal(total, a + b)
    return total, arg


@covers(
    "acl.mdl.query_size",
    "acl.mdl.query_size_from_mem",
    "acl.mdl.load_from_file",
    "acl.mdl.load_from_file_with_mem",
    "acl.mdl.load_from_mem",
    "acl.mdl.load_from_mem_with_mem",
    "acl.mdl.create_config_handle",
    "acl.mdl.set_config_opt",
    "acl.mdl.load_with_config",
    "acl.mdl.destroy_config_handle",
    "acl.mdl.unload",
    "acl.mdl.execute",
    "acl.mdl.execute_async",
    "acl.mdl.execute_v2",
    "acl.mdl.execute_async_v2",
    "acl.mdl.create_exec_config_handle",
    "acl.mdl.set_exec_config_opt",
    "acl.mdl.destroy_exec_config_handle",
    "acl.mdl.create_dataset",
    "acl.mdl.destroy_dataset",
    "acl.mdl.add_dataset_buffer",
    "acl.mdl.get_dataset_num_buffers",
    "acl.mdl.get_dataset_buffer",
)
def test_every_loader_and_every_execute_compute_the_model(env):
    loaded = load_variants(env)
    wp, gp = loaded.pop("pointers")
    ids = []
    for how, (model_id, ret) in loaded.items():
        assert ret == SUCCESS, how
        ids.append(model_id)
    assert len(set(ids)) == len(ids)
    for how in ("execute", "execute_async", "execute_v2", "execute_async_v2"):
        _, arg = run_two(ids[0], env, how)
        np.testing.assert_array_equal(arg, [1, 0])
    for model_id, how in zip(ids[1:], ("execute", "execute_async", "execute", "execute_async"), strict=True):
        np.testing.assert_array_equal(run_two(model_id, env, how)[1], [1, 0])
    for model_id in ids:
        assert acl.mdl.unload(model_id) == SUCCESS
    assert acl.mdl.unload(ids[0]) != SUCCESS
    assert acl.rt.free(wp) == SUCCESS and acl.rt.free(gp) == SUCCESS


@covers(
    "acl.mdl.set_dataset_tensor_desc",
    "acl.mdl.get_dataset_tensor_desc",
    "acl.mdl.set_dynamic_batch_size",
    "acl.mdl.set_dynamic_hw_size",
    "acl.mdl.set_input_dynamic_dims",
)
def test_dataset_tensor_descs_and_dynamic_setters(env, tmp_path):
    ds = acl.mdl.create_dataset()
    p, _ = acl.rt.malloc(40, 0)
    assert acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, 40))[1] == SUCCESS
    td = acl.create_tensor_desc(ACL_FLOAT, [2, 5], ACL_FORMAT_ND)
    assert acl.mdl.get_dataset_tensor_desc(ds, 0) == 0
    assert acl.mdl.set_dataset_tensor_desc(ds, td, 0) == (ds, SUCCESS)
    got = acl.mdl.get_dataset_tensor_desc(ds, 0)
    assert got and acl.get_tensor_desc_dim_v2(got, 1) == (5, SUCCESS)
    assert acl.mdl.set_dataset_tensor_desc(ds, td, 3)[1] != SUCCESS
    # A static model has no dynamic profiles: the setters refuse (the C API's codes); index 0 of a
    # one-buffer dataset is the only place a dynamic tensor could be.
    model_id = env["model_id"]
    assert acl.mdl.set_dynamic_batch_size(model_id, ds, 0, 2) != SUCCESS
    assert acl.mdl.set_dynamic_hw_size(model_id, ds, 0, 8, 8) != SUCCESS
    dims = {"name": "a", "dimCount": 2, "dims": [2, 5]}
    assert acl.mdl.set_input_dynamic_dims(model_id, ds, 0, dims) != SUCCESS
    acl.destroy_tensor_desc(td)
    assert acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, 0)) == SUCCESS
    assert acl.mdl.destroy_dataset(ds) == SUCCESS
    assert acl.rt.free(p) == SUCCESS


def test_dynamic_batch_model_dims_report_minus_one(env, tmp_path):
    path = make_dynamic_batch_model(tmp_path / "dyn.onnx", feature=4)
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    desc = acl.mdl.create_desc()
    assert acl.mdl.get_desc(desc, model_id) == SUCCESS
    assert acl.mdl.get_input_dims(desc, 0)[0]["dims"] == [-1, 4]
    assert acl.mdl.destroy_desc(desc) == SUCCESS
    assert acl.mdl.unload(model_id) == SUCCESS


# ---------------------------------------------------------------- coverage


def test_every_function_is_covered_by_a_value_test():
    """Each function of the module is named by a test of this file that checks what it returns (acl.media's
    by tests/test_pyacl_media_values.py, with its own @covers registry)."""
    import test_aipp_dynamic  # its @covers: the dynamic AIPP functions
    import test_pyacl_media_values as media
    import test_pyacl_op  # its @covers: acl.op

    functions = {name for name in acl._signatures() if not name.startswith("acl.media.")}
    assert len(functions) > 140
    media_functions = set(acl._signatures()) - functions
    assert sorted(media_functions - set(media.COVERED)) == [], "acl.media functions no test checks a value of"
    missing = sorted(functions - set(COVERED))
    assert missing == [], "acl functions no test checks a value of"
    unknown = sorted(set(COVERED) - functions)
    assert unknown == [], "covered names that are not acl functions"
    tests = {name for name, obj in globals().items() if name.startswith("test_") and callable(obj)}
    tests |= {name for name in vars(test_aipp_dynamic) if name.startswith("test_")}
    tests |= {name for name in vars(test_pyacl_op) if name.startswith("test_")}
    assert set(COVERED.values()) <= tests
