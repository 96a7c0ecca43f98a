"""pyACL for the newer C functions (tensor descriptions, event flags, stream configuration, 2-D copies,
config handles and ExecuteV2, dynamic shapes, AIPP): return shapes and strict-mode errors. Skipped
where the library's headers do not declare them."""

from __future__ import annotations

import numpy as np
import pytest
from models import make_add_model

acl = pytest.importorskip("acl")

SUCCESS = 0
INVALID_PARAM = 100000
REPEAT_INITIALIZE = 100002
H2D, D2H = 1, 2
ACL_FLOAT, ACL_FORMAT_ND = 0, 2

needs = pytest.mark.skipif(not hasattr(acl, "create_tensor_desc"), reason="acl.h of this build lacks them")
pytestmark = needs


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    assert acl.init() in (SUCCESS, REPEAT_INITIALIZE)
    assert acl.rt.set_device(0) == SUCCESS
    context, ret = acl.rt.create_context(0)
    assert ret == SUCCESS
    path = make_add_model(tmp_path_factory.mktemp("pyacl_ext") / "add.onnx", (1, 4), np.float32, const=1.0)
    model_id, ret = acl.mdl.load_from_file(path)
    assert ret == SUCCESS
    desc = acl.mdl.create_desc()
    assert acl.mdl.get_desc(desc, model_id) == SUCCESS
    yield {"context": context, "model_id": model_id, "desc": desc, "path": path}
    acl.rt.set_context(context)
    assert acl.mdl.destroy_desc(desc) == SUCCESS
    assert acl.mdl.unload(model_id) == SUCCESS
    assert acl.rt.destroy_context(context) == SUCCESS


def test_tensor_desc_round_trip(env):
    td = acl.create_tensor_desc(ACL_FLOAT, [2, 3], ACL_FORMAT_ND)
    assert isinstance(td, int) and td
    assert acl.get_tensor_desc_type(td) == ACL_FLOAT
    assert acl.get_tensor_desc_format(td) == ACL_FORMAT_ND
    assert acl.get_tensor_desc_num_dims(td) == 2
    assert acl.get_tensor_desc_element_count(td) == 6
    assert acl.get_tensor_desc_size(td) == 24
    assert acl.get_tensor_desc_dim_v2(td, 1) == (3, SUCCESS)
    acl.set_tensor_desc_name(td, "t")
    assert acl.get_tensor_desc_name(td) == "t"
    assert acl.set_tensor_shape(td, [4, 5]) == SUCCESS
    assert acl.get_tensor_desc_dim_v2(td, 0) == (4, SUCCESS)
    assert acl.destroy_tensor_desc(td) is None
    if acl._strict():
        assert acl.get_tensor_desc_dim_v2(td, 0)[1] == INVALID_PARAM  # destroyed


def test_events_and_streams_with_flags(env):
    stream, ret = acl.rt.create_stream_with_config(0, 0)
    assert ret == SUCCESS and stream
    event, ret = acl.rt.create_event_with_flag(1)  # ACL_EVENT_SYNC
    assert ret == SUCCESS and event
    assert acl.rt.record_event(event, stream) == SUCCESS
    assert acl.rt.synchronize_event_with_timeout(event, -1) == SUCCESS
    status, ret = acl.rt.stream_query(stream)
    assert ret == SUCCESS and status in (0, 1)
    priority, ret = acl.rt.stream_get_priority(stream)
    assert ret == SUCCESS and isinstance(priority, int)
    assert acl.rt.destroy_event(event) == SUCCESS
    assert acl.rt.destroy_stream(stream) == SUCCESS


def test_memcpy_2d_and_its_strict_range_check(env):
    src = np.arange(12, dtype=np.uint8).reshape(3, 4)
    dev, ret = acl.rt.malloc(12, 0)
    assert ret == SUCCESS
    assert acl.rt.memcpy_2d(dev, 4, acl.util.numpy_to_ptr(src), 4, 4, 3, H2D) == SUCCESS
    out = np.zeros((3, 2), np.uint8)
    assert acl.rt.memcpy_2d(acl.util.numpy_to_ptr(out), 2, dev, 4, 2, 3, D2H) == SUCCESS
    np.testing.assert_array_equal(out, src[:, :2])
    if acl._strict():
        assert acl.rt.memcpy_2d(dev, 8, acl.util.numpy_to_ptr(src), 4, 4, 3, H2D) != SUCCESS  # past the end
    assert acl.rt.free(dev) == SUCCESS


def test_execute_v2_with_exec_config(env):
    handle = acl.mdl.create_exec_config_handle()
    assert handle
    stream, _ = acl.rt.create_stream()
    ptrs, sets = [], []
    for _ in range(2):
        p, _ = acl.rt.malloc(16, 0)
        ds = acl.mdl.create_dataset()
        acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, 16))
        ptrs.append(p)
        sets.append(ds)
    x = np.arange(4, dtype=np.float32)
    assert acl.rt.memcpy(ptrs[0], 16, acl.util.numpy_to_ptr(x), 16, H2D) == SUCCESS
    assert acl.mdl.execute_async_v2(env["model_id"], sets[0], sets[1], stream, handle) == SUCCESS
    assert acl.rt.synchronize_stream(stream) == SUCCESS
    y = np.zeros(4, np.float32)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(y), 16, ptrs[1], 16, D2H) == SUCCESS
    np.testing.assert_array_equal(y, x + 1)
    for ds in sets:
        acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, 0))
        acl.mdl.destroy_dataset(ds)
    for p in ptrs:
        acl.rt.free(p)
    assert acl.mdl.destroy_exec_config_handle(handle) == SUCCESS
    assert acl.rt.destroy_stream(stream) == SUCCESS


def test_load_with_config(env):
    handle = acl.mdl.create_config_handle()
    assert acl.mdl.set_config_opt(handle, 1, 1) == SUCCESS  # ACL_MDL_LOAD_TYPE_SIZET = ACL_MDL_LOAD_FROM_FILE
    assert acl.mdl.set_config_opt(handle, 2, env["path"]) == SUCCESS  # ACL_MDL_PATH_PTR
    model_id, ret = acl.mdl.load_with_config(handle)
    assert ret == SUCCESS
    assert acl.mdl.unload(model_id) == SUCCESS
    assert acl.mdl.destroy_config_handle(handle) == SUCCESS


def test_dynamic_and_aipp_queries_on_a_static_model(env):
    batch, ret = acl.mdl.get_dynamic_batch(env["desc"])
    assert set(batch) == {"batchCount", "batch"} and isinstance(ret, int)
    hw, ret = acl.mdl.get_dynamic_hw(env["desc"], 0)
    assert set(hw) == {"hwCount", "hw"}
    count, ret = acl.mdl.get_input_dynamic_gear_count(env["desc"], -1)
    assert isinstance(count, int) and isinstance(ret, int)
    aipp_type, index, ret = acl.mdl.get_aipp_type(env["model_id"], 0)
    assert (aipp_type, ret) == (0, SUCCESS) and isinstance(index, int)  # ACL_DATA_WITHOUT_AIPP
    dims, ret = acl.mdl.get_cur_output_dims(env["desc"], 0)
    assert ret == SUCCESS and dims["dims"] == [1, 4]
