"""Static AIPP run by the host runtime's C++ AIPP in front of the network (issues #20, #23).

`acl-async atc` writes the network without AIPP operations for a static AIPP feeding a static float32
input (``aipp<i>.mode=host`` and the parameters in the container); the runtime applies them to each
execution's picture. The network is the identity (y = x + 0), so the output is what AIPP fed it:
- the converted IR holds no AIPP operation (its input is the network's float32 one);
- the runtime's result equals, bit for bit, the numpy reference (tests/aipp_host_reference.py) and the
  in-graph AIPP earlier versions of atc wrote (aipp_graph.build_aipp run by OpenVINO), on random
  pictures: the one-pass row loop (no scf/padding, aipp_fast.cpp) for every input format, swap, crop,
  CSC, NCHW and NHWC, and the generic path (padding);
- an old .om with in-graph AIPP still loads and gives the same outputs and the same ACL description
  (sizes, dims, V2 dims, formats, AIPP type and info) as the new one;
- static AIPP in front of a dynamic batch stays in the graph.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_aipp_dynamic  # noqa: E402
from aipp_host_reference import Batch, Common, reference  # noqa: E402
from models import make_add_model  # noqa: E402
from test_aipp_dynamic import (  # noqa: E402
    CASES,
    RGB2YUV,
    YUV2RGB,
    Loaded,
    pictures,
    run_static,
    static_conf,
)

from acl_async.atc.aipp import parse_aipp_text  # noqa: E402
from acl_async.atc.aipp_graph import insert_aipp  # noqa: E402
from acl_async.atc.container import OmContainer, read_container, write_container  # noqa: E402
from acl_async.cli import main as cli_main  # noqa: E402

acl = pytest.importorskip("acl")
ctx = test_aipp_dynamic.ctx  # the module-scoped pyACL context fixture
ov = pytest.importorskip("openvino")
pytestmark = pytest.mark.skipif(acl.__backend__ != "host", reason="the host runtime runs AIPP")

SUCCESS = 0
BT601 = (298, 516, 0, 298, -100, -208, 298, 0, 409)
FULL = dict(mean=(104, 117, 123, 0), min=(0.5, 0.25, 0, 0), var=(0.0171, 0.0175, 0.0174, 1))

# The cases of test_aipp_dynamic (run by the row loop) and more: NV12/NV21 at the network's size, YUV
# crops from a larger picture (DVPP's aligned output), XRGB without ax_swap, RGB with csc and no swap.
HOST_CASES = {
    **CASES,
    "NV12-bt601": Common("YUV420SP_U8", 32, 24, csc=True, matrix=BT601, batches=[Batch(**FULL)]),
    "NV21-swap-crop": Common(
        "YUV420SP_U8", 40, 30, csc=True, rbuv_swap=True, batches=[Batch(crop=(6, 4, 32, 24), **FULL)]
    ),
    "NV12-odd-crop": Common(  # an odd width and height: the chroma pair of the last column
        "YUV420SP_U8", 34, 26, csc=True, batches=[Batch(crop=(2, 2, 31, 21), **FULL)]
    ),
    "NV12-no-csc": Common("YUV420SP_U8", 32, 24, batches=[Batch(crop=(2, 2, 30, 20), mean=(1, 2, 3, 0))]),
    "XRGB-csc-crop": Common(
        "XRGB8888_U8", 36, 28, csc=True, matrix=RGB2YUV, batches=[Batch(crop=(3, 1, 32, 24), **FULL)]
    ),
    "RGB-csc": Common("RGB888_U8", 32, 24, csc=True, matrix=YUV2RGB, out_bias=(1, 2, 3), batches=[Batch()]),
    # DTC where double(v) * var + add, rounded to float, is not fma's value for every v (var 1 + 2^-23:
    # 3 * var is a tie in float that only fma's tiny add breaks): the row loop's table.
    "RGB-dtc-table": Common(
        "RGB888_U8", 32, 24, batches=[Batch(min=(1e-30, 0, 0, 0), var=(1.0000001192092896, 1, 1, 1))]
    ),
    "RGB-padding": Common(  # the generic path (padding): still in the host's AIPP before and after
        "RGB888_U8", 30, 22, pad_value=9, rbuv_swap=True, batches=[Batch(pad=(1, 1, 1, 1), **FULL)]
    ),
}


def _net_hw(c: Common) -> tuple[int, int, int]:
    b = c.batches[0]
    w, h = (b.crop[2], b.crop[3]) if b.crop else (c.src_w, c.src_h)
    if b.pad:
        h, w = h + b.pad[0] + b.pad[1], w + b.pad[2] + b.pad[3]
    return (1 if c.fmt == "YUV400_U8" else 3), h, w


def _convert(tmp: Path, name: str, c: Common, nhwc: bool, *extra: str) -> Path:
    ch, h, w = _net_hw(c)
    shape = (1, h, w, ch) if nhwc else (1, ch, h, w)
    net = make_add_model(tmp / f"{name}.onnx", shape, np.float32, const=0.0, input_name="data")
    (tmp / f"{name}.cfg").write_text(static_conf(c))
    argv = ["atc", "--framework=5", "--soc_version=Ascend310", f"--model={net}", f"--output={tmp / name}",
            f"--insert_op_conf={tmp / name}.cfg", *extra]  # fmt: skip
    if nhwc:
        argv.append("--input_format=NHWC")
    if not any(a.startswith("--input_shape") for a in extra):
        argv.append(f"--input_shape=data:{','.join(map(str, shape))}")
    assert cli_main(argv) == 0
    return tmp / f"{name}.om"


def _ops(om: Path) -> list[str]:
    c = read_container(om)
    model = ov.Core().read_model(c.xml, ov.Tensor(np.frombuffer(c.weights, np.uint8).copy()))
    return sorted(op.get_type_name() for op in model.get_ops())


def _in_graph(om: Path, c: Common, nhwc: bool) -> tuple[Path, object]:
    """The .om an earlier atc wrote for the same network and configuration (AIPP operations in the IR, no
    ``aipp0.mode``), and the compiled in-graph model itself."""
    old = read_container(om)
    core = ov.Core()
    net = core.read_model(old.xml, ov.Tensor(np.frombuffer(old.weights, np.uint8).copy()))
    [cfg] = parse_aipp_text(static_conf(c))
    model = insert_aipp(net, cfg, "NHWC" if nhwc else "NCHW", host=False)
    assert "FloorMod" in {op.get_type_name() for op in model.get_ops()} or not c.csc
    xml = om.with_suffix(".graph.xml")
    ov.save_model(model, str(xml), compress_to_fp16=False)
    meta = {k: v for k, v in old.meta.items() if k != "aipp0.mode"}
    path = om.with_name(om.stem + "_graph.om")
    write_container(OmContainer(meta, xml.read_bytes(), xml.with_suffix(".bin").read_bytes()), path)
    return path, core.compile_model(model, "CPU")


@pytest.mark.parametrize("nhwc", [False, True], ids=["NCHW", "NHWC"])
@pytest.mark.parametrize("case", sorted(HOST_CASES))
def test_static_aipp_runs_on_the_host_bit_for_bit(ctx, tmp_path, case, nhwc):
    c = HOST_CASES[case]
    om = _convert(tmp_path, "static", c, nhwc)
    meta = read_container(om).meta
    assert meta["aipp0.mode"] == "host"
    # The network alone: its float32 input, no AIPP operation (Convert, Slice, FloorMod, ...).
    assert _ops(om) == ["Add", "Constant", "Parameter", "Result"]
    pic = pictures(c, seed=len(case) + nhwc)
    got = run_static(str(om), pic)
    expected = reference(c, pic, nchw=not nhwc)
    np.testing.assert_array_equal(got, expected.reshape(-1))
    if c.batches[0].pad:
        return  # padding and resize were never in the graph
    # What the in-graph AIPP of earlier versions computes (OpenVINO's kernels), bit for bit.
    old, compiled = _in_graph(om, c, nhwc)
    shape = compiled.input(0).get_shape()
    in_graph = compiled(pic.reshape(tuple(shape)))[0].reshape(-1)
    np.testing.assert_array_equal(got, in_graph)
    np.testing.assert_array_equal(run_static(str(old), pic), got)  # the old .om still runs


def _describe(om: Path) -> dict[str, object]:
    m = Loaded(str(om))
    try:
        d, i = m.desc, 0
        dims, ret = acl.mdl.get_input_dims(d, i)
        assert ret == SUCCESS
        dims2, ret = acl.mdl.get_input_dims_v2(d, i)
        assert ret == SUCCESS
        kind, attached, ret = acl.mdl.get_aipp_type(m.id, i)
        assert ret == SUCCESS
        info, ret = acl.mdl.get_first_aipp_info(m.id, i)
        assert ret == SUCCESS
        return {
            "size": acl.mdl.get_input_size_by_index(d, i),
            "dims": dims,
            "dims2": dims2,
            "format": acl.mdl.get_input_format(d, i),
            "dtype": acl.mdl.get_input_data_type(d, i),
            "aipp": (kind, attached),
            "info": info,
            "outputs": acl.mdl.get_output_size_by_index(d, 0),
        }
    finally:
        m.close()


@pytest.mark.parametrize("case", ["NV21-swap-crop", "NV12-bt601", "XRGB-csc-crop"])
def test_host_aipp_model_describes_itself_as_the_in_graph_one(ctx, tmp_path, case):
    c = HOST_CASES[case]
    om = _convert(tmp_path, "static", c, False)
    old, _ = _in_graph(om, c, False)
    new_desc, old_desc = _describe(om), _describe(old)
    assert new_desc == old_desc
    assert new_desc["aipp"][0] == 1  # ACL_DATA_WITH_STATIC_AIPP
    if c.fmt == "YUV420SP_U8":  # picture NHWC dims; V2: the buffer's (n, h*3/2, w, 1)
        assert new_desc["dims"]["dims"] == [1, c.src_h, c.src_w, 3]
        assert new_desc["dims2"]["dims"] == [1, c.src_h * 3 // 2, c.src_w, 1]
        assert new_desc["size"] == c.src_w * c.src_h * 3 // 2
    # The container's input list names the picture input callers feed (acl_async.zoo reads it).
    assert read_container(om).meta["inputs"] == read_container(old).meta["inputs"]


def test_dynamic_batch_keeps_static_aipp_in_the_graph(ctx, tmp_path):
    c = HOST_CASES["NV12-bt601"]
    om = _convert(tmp_path, "dyn", c, False, "--input_shape=data:-1,3,24,32", "--dynamic_batch_size=1,2")
    assert "aipp0.mode" not in read_container(om).meta
    assert "FloorMod" in _ops(om)
    pic = pictures(c, seed=1)
    expected = reference(c, pic).reshape(-1)  # the largest profile runs (batch 2): the first picture's
    np.testing.assert_array_equal(run_static(str(om), pic)[: expected.size], expected)


@pytest.mark.parametrize("nhwc", [False, True], ids=["NCHW", "NHWC"])
@pytest.mark.parametrize("fmt", ["RGB888_U8", "XRGB8888_U8"])
def test_csc_to_a_one_channel_network_keeps_row_0(ctx, tmp_path, fmt, nhwc):
    """CANN's CSC guide converts RGB pictures to a GRAY (one-channel) network input: CSC's row 0 (Y, with
    output_bias_0), then row 0's DTC (Huawei's DeRain sample). On the host and in the graph alike."""
    c = Common(fmt, 32, 24, csc=True, matrix=RGB2YUV, out_bias=(5, 128, 128), batches=[Batch(**FULL)])
    shape = (1, 24, 32, 1) if nhwc else (1, 1, 24, 32)
    net = make_add_model(tmp_path / "gray.onnx", shape, np.float32, const=0.0, input_name="data")
    (tmp_path / "gray.cfg").write_text(static_conf(c))
    dims = ",".join(map(str, shape))
    argv = ["atc", "--framework=5", "--soc_version=Ascend310", f"--model={net}",
            f"--output={tmp_path / 'gray'}", f"--insert_op_conf={tmp_path / 'gray.cfg'}",
            f"--input_shape=data:{dims}"]  # fmt: skip
    if nhwc:
        argv.append("--input_format=NHWC")
    assert cli_main(argv) == 0
    om = tmp_path / "gray.om"
    assert read_container(om).meta["aipp0.mode"] == "host"
    pic = pictures(c, seed=3)
    got = run_static(str(om), pic)
    three = reference(c, pic, nchw=True).reshape(1, 3, 24, 32)
    np.testing.assert_array_equal(got, three[:, 0].reshape(-1))
    _, compiled = _in_graph(om, c, nhwc)
    in_graph = compiled(pic.reshape(tuple(compiled.input(0).get_shape())))[0].reshape(-1)
    np.testing.assert_array_equal(got, in_graph)
