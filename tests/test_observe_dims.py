"""Dynamic-dims models, dump and profiling of the host runtime (issue 21), driven through pyACL in a
fresh process each (acl.json is read by aclInit, once per process).

- A ``dynamic=dims`` .om (two inputs with -1 dims, profiles ``1,3;2,5``): aclmdlGetInputDynamicGearCount
  is the number of profiles, aclmdlGetInputDynamicDims the full dims of each, aclmdlSetInputDynamicDims
  picks one (outputs equal numpy's at that shape; aclmdlGetCurOutputDims follows), dims of no profile
  and batch/HW setters are refused (ACL_ERROR_INVALID_PARAM).
- acl.json ``dump``: one folder per execution, in CANN's layout
  ``<dump_path>/<time>/<device>/<model_name>/<model_id>/<index>/``, whose output files equal the outputs
  the application got; an unwritable dump_path fails aclInit with ACL_ERROR_INVALID_DUMP_CONFIG.
- acl.json ``profiler``: a Chrome trace-event JSON with one ModelExecute task per execution (sync and
  stream), the stream's copies, and per-layer events from OpenVINO's counters.
- aclprof* (libmsprofiler.so through ctypes): start twice / stop unstarted give the documented errors; the
  trace written by aclprofStop counts the executions made between start and stop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("acl")
from acl_async import sdk  # noqa: E402
from acl_async.atc.container import OmContainer, write_container  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux"),
    pytest.mark.skipif(sdk.backend() != "host", reason="host runtime behaviour"),
]
TIMEOUT = 300


def make_dims_om(path: Path) -> Path:
    """a [-1, 4] and b [2, -1] float32 -> sum_a = a.sum(1) [-1], twice_b = 2 b [2, -1]; gears 1,3 and 2,5."""
    import openvino as ov
    import openvino.opset13 as ops

    a = ops.parameter([-1, 4], ov.Type.f32, name="a")
    b = ops.parameter([2, -1], ov.Type.f32, name="b")
    sum_a = ops.reduce_sum(a, ops.constant(np.array([1], np.int64)), keep_dims=False)
    twice_b = ops.multiply(b, ops.constant(np.float32(2.0)))
    sum_a.output(0).get_tensor().set_names({"sum_a"})
    twice_b.output(0).get_tensor().set_names({"twice_b"})
    model = ov.Model([sum_a, twice_b], [a, b], "dims_net")
    ov.save_model(model, str(path.with_suffix(".xml")), compress_to_fp16=False)
    meta = {"format": "acl-async-om", "version": "1", "dynamic": "dims", "gears": "1,3;2,5",
            "dynamic_inputs": "a:-1,4;b:2,-1"}  # fmt: skip
    c = OmContainer(meta, path.with_suffix(".xml").read_bytes(), path.with_suffix(".bin").read_bytes())
    return write_container(c, path)


DRIVER = r"""
import json, sys
import numpy as np
import acl

om, cfg, what = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
ret = acl.init(cfg) if cfg else acl.init()
out["init"] = ret
if ret != 0:
    print(json.dumps(out)); sys.exit(0)
assert acl.rt.set_device(0) == 0
ctx, _ = acl.rt.create_context(0)
stream, _ = acl.rt.create_stream()
if what == "prof_api":
    import ctypes, os
    prof = ctypes.CDLL(os.path.join(sys.argv[4], "libmsprofiler.so"))
    prof.aclprofCreateConfig.restype = ctypes.c_void_p
    for fn in (prof.aclprofStart, prof.aclprofStop, prof.aclprofDestroyConfig):
        fn.argtypes = [ctypes.c_void_p]
    path = sys.argv[5].encode()
    out["prof_init"] = prof.aclprofInit(path, len(path))
    devs = (ctypes.c_uint32 * 1)(0)
    config = prof.aclprofCreateConfig(devs, 1, 0, None, 0x2)
    out["stop_unstarted"] = prof.aclprofStop(config)
model_id, ret = acl.mdl.load_from_file(om)
assert ret == 0, ret
desc = acl.mdl.create_desc()
assert acl.mdl.get_desc(desc, model_id) == 0
rng = np.random.default_rng(0)
a_host = rng.standard_normal((2, 4)).astype(np.float32)
b_host = rng.standard_normal((2, 5)).astype(np.float32)
dyn_index, ret = acl.mdl.get_input_index_by_name(desc, "ascend_mbatch_shape_data")

def device_copy(arr, size):
    ptr, ret = acl.rt.malloc(size, 0)
    assert ret == 0
    data = np.ascontiguousarray(arr)
    assert acl.rt.memcpy(ptr, size, acl.util.numpy_to_ptr(data), data.nbytes, 1) == 0
    return ptr

def dataset(ptrs_sizes):
    ds = acl.mdl.create_dataset()
    for p, s in ptrs_sizes:
        _, ret = acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, s))
        assert ret == 0
    return ds

n_in = acl.mdl.get_num_inputs(desc)
sizes_in = [acl.mdl.get_input_size_by_index(desc, i) for i in range(n_in)]
sizes_out = [acl.mdl.get_output_size_by_index(desc, i) for i in range(acl.mdl.get_num_outputs(desc))]
out["dyn_index"] = dyn_index
out["sizes_in"] = sizes_in
out["sizes_out"] = sizes_out
count, ret = acl.mdl.get_input_dynamic_gear_count(desc, -1)
out["gear_count"] = [count, ret]
dims, ret = acl.mdl.get_input_dynamic_dims(desc, -1, count)
out["gear_dims"] = [d["dims"][: d["dimCount"]] for d in dims] if ret == 0 else ret
inp = dataset([(device_copy(a_host, sizes_in[0]), sizes_in[0]),
               (device_copy(b_host, sizes_in[1]), sizes_in[1]),
               (acl.rt.malloc(sizes_in[2], 0)[0], sizes_in[2])])
outs = [acl.rt.malloc(s, 0)[0] for s in sizes_out]
outp = dataset(list(zip(outs, sizes_out)))
out["bad_dims"] = acl.mdl.set_input_dynamic_dims(model_id, inp, dyn_index, {"dims": [1, 4, 2, 5]})
out["batch_on_dims"] = acl.mdl.set_dynamic_batch_size(model_id, inp, dyn_index, 1)
results = {}
runs = [[1, 4, 2, 3], [2, 4, 2, 5]]
if what == "prof_api":
    out["start"] = prof.aclprofStart(config)
    out["start_twice"] = prof.aclprofStart(config)
for full in runs:
    assert acl.mdl.set_input_dynamic_dims(model_id, inp, dyn_index, {"dims": full}) == 0
    assert acl.mdl.execute(model_id, inp, outp) == 0
    assert acl.mdl.execute_async(model_id, inp, outp, stream) == 0
    assert acl.rt.synchronize_stream(stream) == 0
    cur = [acl.mdl.get_cur_output_dims(desc, i)[0] for i in range(2)]
    shapes = [c["dims"][: c["dimCount"]] for c in cur]
    got = []
    for ptr, shape in zip(outs, shapes):
        n = int(np.prod(shape)) * 4
        buf = np.zeros(int(np.prod(shape)), np.float32)
        assert acl.rt.memcpy(acl.util.numpy_to_ptr(buf), n, ptr, n, 2) == 0
        got.append(buf.reshape(shape).tolist())
    results[str(full)] = {"shapes": shapes, "outputs": got}
scratch, _ = acl.rt.malloc(16, 0)  # one copy task on the stream (traced as MemcpyAsync)
assert acl.rt.memcpy_async(scratch, 16, outs[1], 16, 3, stream) == 0
assert acl.rt.synchronize_stream(stream) == 0
if what == "prof_api":
    out["stop"] = prof.aclprofStop(config)
    out["destroy"] = prof.aclprofDestroyConfig(config)
    out["finalize"] = prof.aclprofFinalize()
out["results"] = results
out["a"] = a_host.tolist()
out["b"] = b_host.tolist()
acl.mdl.unload(model_id)
acl.rt.destroy_stream(stream)
acl.rt.destroy_context(ctx)
acl.rt.reset_device(0)
acl.finalize()
print(json.dumps(out))
"""


def _drive(tmp_path: Path, om: Path, config: dict | None, what: str = "plain", *extra: str) -> dict:
    cfg = ""
    if config is not None:
        cfg_path = tmp_path / "acl.json"
        cfg_path.write_text(json.dumps(config))
        cfg = str(cfg_path)
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    env = {**os.environ, "ACL_HOST_STRICT": "1"}
    result = subprocess.run(
        [sys.executable, str(script), str(om), cfg, what, *extra],
        capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["stderr"] = result.stderr
    return out


@pytest.fixture(scope="module")
def dims_om(tmp_path_factory) -> Path:
    return make_dims_om(tmp_path_factory.mktemp("dims") / "dims_net.om")


def _check_outputs(out: dict) -> None:
    a, b = np.array(out["a"], np.float32), np.array(out["b"], np.float32)
    r1 = out["results"]["[1, 4, 2, 3]"]
    assert r1["shapes"] == [[1], [2, 3]]
    np.testing.assert_allclose(r1["outputs"][0], a[:1].sum(1), rtol=1e-5)
    # The b buffer is read as [2, 3] at this profile: its first 6 floats.
    np.testing.assert_allclose(r1["outputs"][1], 2 * b.reshape(-1)[:6].reshape(2, 3), rtol=1e-6)
    r2 = out["results"]["[2, 4, 2, 5]"]
    assert r2["shapes"] == [[2], [2, 5]]
    np.testing.assert_allclose(r2["outputs"][0], a.sum(1), rtol=1e-5)
    np.testing.assert_allclose(r2["outputs"][1], 2 * b, rtol=1e-6)


def test_dims_model_profiles_and_execution(tmp_path, dims_om):
    out = _drive(tmp_path, dims_om, None)
    assert out["gear_count"] == [2, 0]
    assert out["gear_dims"] == [[1, 4, 2, 3], [2, 4, 2, 5]]
    assert out["dyn_index"] == 2
    # Sized for the largest profile; the dynamic tensor holds one int64 per -1 dim.
    assert out["sizes_in"] == [2 * 4 * 4, 2 * 5 * 4, 2 * 8]
    assert out["bad_dims"] == 100000 and out["batch_on_dims"] == 100000
    _check_outputs(out)


def test_dump_writes_each_execution_in_canns_layout(tmp_path, dims_om):
    dump = tmp_path / "dump"
    out = _drive(tmp_path, dims_om, {"dump": {"dump_path": str(dump), "dump_mode": "all",
                                              "dump_list": [{"model_name": "dims_net"}]}})  # fmt: skip
    assert out["init"] == 0
    _check_outputs(out)
    (stamp,) = dump.iterdir()
    assert stamp.name.isdigit() and len(stamp.name) == 14  # YYYYMMDDhhmmss
    model_dirs = list(stamp.glob("0/dims_net/*"))
    assert len(model_dirs) == 1
    runs = sorted(model_dirs[0].iterdir(), key=lambda p: int(p.name))
    assert [p.name for p in runs] == ["0", "1", "2", "3"]  # 2 profiles x (sync + async)
    for run, full in zip(runs, ["[1, 4, 2, 3]"] * 2 + ["[2, 4, 2, 5]"] * 2, strict=True):
        expect = out["results"][full]["outputs"]
        for k, want in enumerate(expect):
            got = np.fromfile(run / f"output.{k}.bin", np.float32)
            want = np.array(want, np.float32).reshape(-1)
            np.testing.assert_array_equal(got[: want.size], want)
        assert (run / "input.0.bin").is_file() and (run / "input.2.bin").is_file()
    assert not list(dump.rglob("*.tmp*"))


def test_dump_to_an_unwritable_path_fails_acl_init(tmp_path, dims_om):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = _drive(tmp_path, dims_om, {"dump": {"dump_path": str(blocker / "sub"), "dump_list": []}})
    assert out["init"] == 100009  # ACL_ERROR_INVALID_DUMP_CONFIG


def _trace(path: Path) -> list[dict]:
    doc = json.loads(path.read_text())
    events = doc["traceEvents"]
    for e in events:  # the trace-event format: complete events and metadata
        assert e["ph"] in ("X", "M") and isinstance(e["pid"], int) and isinstance(e["name"], str)
        if e["ph"] == "X":
            assert isinstance(e["tid"], int) and e["ts"] >= 0 and e["dur"] >= 0 and e["cat"]
    return events


def test_profiler_section_writes_a_trace_of_every_task(tmp_path, dims_om):
    out_dir = tmp_path / "prof"
    out = _drive(tmp_path, dims_om, {"profiler": {"switch": "on", "output": str(out_dir), "aicpu": "on"}})
    assert out["init"] == 0
    assert "aicpu have no host equivalent" in out["stderr"]
    (trace,) = out_dir.glob("PROF_*/timeline.json")
    events = _trace(trace)
    executes = [e for e in events if e["ph"] == "X" and e["name"] == "ModelExecute"]
    assert len(executes) == 4  # 2 sync + 2 stream executions
    assert sum(e["tid"] == 1000000 for e in executes) == 2  # the synchronous ones
    assert all(e["args"]["model"] == "dims_net" for e in executes)
    (copy,) = [e for e in events if e["ph"] == "X" and e["name"] == "MemcpyAsync"]
    assert copy["tid"] == next(e["tid"] for e in executes if e["tid"] != 1000000)  # the stream's track
    layers = [e for e in events if e["ph"] == "X" and e.get("cat") == "layer"]
    assert layers and {e["args"]["model_id"] for e in layers} == {executes[0]["args"]["model_id"]}


def test_aclprof_functions(tmp_path, dims_om):
    prof_dir = tmp_path / "aclprof"
    out = _drive(tmp_path, dims_om, None, "prof_api", str(sdk.lib_dir()), str(prof_dir))
    assert out["prof_init"] == 0
    assert out["stop_unstarted"] == 100043  # ACL_ERROR_PROF_NOT_RUN
    assert out["start"] == 0 and out["start_twice"] == 100042  # ACL_ERROR_PROF_ALREADY_RUN
    assert out["stop"] == 0 and out["destroy"] == 0 and out["finalize"] == 0
    (trace,) = prof_dir.glob("PROF_*/timeline.json")
    executes = [e for e in _trace(trace) if e["ph"] == "X" and e["name"] == "ModelExecute"]
    assert len(executes) == 4


SHAPE_DRIVER = r"""
import json, sys
import numpy as np
import acl

om = sys.argv[1]
assert acl.init() == 0 and acl.rt.set_device(0) == 0
ctx, _ = acl.rt.create_context(0)
model_id, ret = acl.mdl.load_from_file(om)
assert ret == 0, ret
desc = acl.mdl.create_desc()
assert acl.mdl.get_desc(desc, model_id) == 0
out = {"out_size": acl.mdl.get_output_size_by_index(desc, 0)}
out["in_size"] = acl.mdl.get_input_size_by_index(desc, 0)
x = np.random.default_rng(5).standard_normal((2, 3, 6)).astype(np.float32)
cap = 4 * 3 * 8 * 4
src, _ = acl.rt.malloc(cap, 0)
dst, _ = acl.rt.malloc(cap, 0)
assert acl.rt.memcpy(src, cap, acl.util.numpy_to_ptr(x), x.nbytes, 1) == 0
inp, outp = acl.mdl.create_dataset(), acl.mdl.create_dataset()
acl.mdl.add_dataset_buffer(inp, acl.create_data_buffer(src, cap))
acl.mdl.add_dataset_buffer(outp, acl.create_data_buffer(dst, cap))
td = acl.create_tensor_desc(0, [2, 3, 6], 2)
assert acl.mdl.set_dataset_tensor_desc(inp, td, 0)[1] == 0
out["execute"] = acl.mdl.execute(model_id, inp, outp)
od = acl.mdl.get_dataset_tensor_desc(outp, 0)
n = acl.get_tensor_desc_num_dims(od)
out["out_dims"] = [acl.get_tensor_desc_dim_v2(od, i)[0] for i in range(n)]
got = np.zeros(x.size, np.float32)
assert acl.rt.memcpy(acl.util.numpy_to_ptr(got), got.nbytes, dst, got.nbytes, 2) == 0
out["ok"] = bool(np.allclose(got.reshape(x.shape), x * 3))
bad = acl.create_tensor_desc(0, [2, 4, 6], 2)  # dim 1 is static 3
assert acl.mdl.set_dataset_tensor_desc(inp, bad, 0)[1] == 0
out["bad"] = acl.mdl.execute(model_id, inp, outp)
big = acl.create_tensor_desc(0, [4, 3, 9], 2)  # more than the buffer holds
assert acl.mdl.set_dataset_tensor_desc(inp, big, 0)[1] == 0
out["big"] = acl.mdl.execute(model_id, inp, outp)
out["batch_on_static"] = acl.mdl.set_dynamic_batch_size(model_id, inp, 0, 1)
out["hw_on_static"] = acl.mdl.set_dynamic_hw_size(model_id, inp, 0, 8, 8)
out["gear_count"] = acl.mdl.get_input_dynamic_gear_count(desc, -1)[0]
print(json.dumps(out))
"""


def test_dynamic_shape_model_takes_the_dataset_tensor_desc(tmp_path):
    """x [-1, 3, -1] -> 3 x: the input dims come from aclmdlSetDatasetTensorDesc, the real output dims go
    to the output dataset's tensor desc, the dynamic output's size is 0; dims the model does not take or
    the buffer cannot hold fail with ACL_ERROR_MODEL_INPUT_NOT_MATCH."""
    import openvino as ov
    import openvino.opset13 as ops

    x = ops.parameter([-1, 3, -1], ov.Type.f32, name="x")
    y = ops.multiply(x, ops.constant(np.float32(3.0)))
    ov.save_model(ov.Model([y], [x], "shape_net"), str(tmp_path / "s.xml"), compress_to_fp16=False)
    meta = {"format": "acl-async-om", "version": "1", "input_shape_range": "x:[1~4,3,1~8]"}
    om = write_container(
        OmContainer(meta, (tmp_path / "s.xml").read_bytes(), (tmp_path / "s.bin").read_bytes()),
        tmp_path / "s.om",
    )
    script = tmp_path / "shape_driver.py"
    script.write_text(SHAPE_DRIVER)
    env = {**os.environ, "ACL_HOST_STRICT": "1"}
    res = subprocess.run([sys.executable, str(script), str(om)], capture_output=True, text=True, env=env,
                         timeout=TIMEOUT)  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["out_size"] == 0 and out["in_size"] == 0
    assert out["execute"] == 0 and out["out_dims"] == [2, 3, 6] and out["ok"]
    assert out["bad"] == 100017 and out["big"] == 100017
    # No profiles: choosing one is refused, and there are no dims profiles.
    assert out["batch_on_static"] == 100000 and out["hw_on_static"] == 100000 and out["gear_count"] == 0
