"""Dynamic AIPP (``aipp_mode: dynamic``) and static AIPP with resize and padding, converted by `acl-async atc`
and run by the host runtime through pyACL.

The network is the identity (y = x + 0), so a model's output is exactly what AIPP fed it:
- dynamic AIPP's output equals, bit for bit, the static .om with the same configuration on the same
  picture (static AIPP, also run by the host; tests/test_aipp_host_static.py compares it with the
  in-graph AIPP of older .om files);
- both equal the numpy reference of the steps (tests/aipp_host_reference.py) to one float32 ulp;
- per-batch parameters, the model's queries (aclmdlGetAippType, the ACL_DYNAMIC_AIPP_NAME input's size
  = aclmdlGetAippDataSize), and the documented errors (out-of-range parameters, a crop outside the
  source, an execution without parameters, dynamic AIPP on a static model).
The functions' value tests register with test_pyacl_values' @covers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aipp_host_reference import FORMATS, Batch, Common, picture_bytes, reference  # noqa: E402
from models import make_add_model  # noqa: E402
from test_pyacl_values import covers  # noqa: E402

from acl_async.cli import main as cli_main  # noqa: E402

acl = pytest.importorskip("acl")
pytestmark = pytest.mark.skipif(acl.__backend__ != "host", reason="dynamic AIPP runs on the host runtime")

SUCCESS, INVALID_PARAM, AIPP_NOT_EXIST = 0, 100000, 145015
H2D, D2H = 1, 2
ACL_DATA_WITH_STATIC_AIPP, ACL_DATA_WITH_DYNAMIC_AIPP, ACL_DYNAMIC_AIPP_NODE = 1, 2, 3
RGB2YUV = (77, 150, 29, -43, -85, 128, 128, -107, -21)
YUV2RGB = (256, 0, 359, 256, -88, -183, 256, 454, 0)


@pytest.fixture(scope="module")
def ctx():
    assert acl.init() in (SUCCESS, 100002)
    assert acl.rt.set_device(0) == SUCCESS
    context, ret = acl.rt.create_context(0)
    assert ret == SUCCESS
    yield context
    acl.rt.set_context(context)
    assert acl.rt.destroy_context(context) == SUCCESS


def _atc(tmp: Path, name: str, shape: tuple[int, int, int, int], conf: str) -> str:
    net = make_add_model(tmp / f"{name}.onnx", shape, np.float32, const=0.0, input_name="data")
    (tmp / f"{name}.cfg").write_text(conf)
    argv = [
        "atc",
        "--framework=5",
        "--soc_version=Ascend310",
        f"--model={net}",
        f"--output={tmp / name}",
        f"--input_shape=data:{','.join(map(str, shape))}",
        f"--insert_op_conf={tmp / name}.cfg",
    ]
    assert cli_main(argv) == 0
    return str(tmp / f"{name}.om")


def dynamic_conf(max_src: int = 0) -> str:
    extra = f"\n    max_src_image_size: {max_src}" if max_src else ""
    return f"aipp_op {{\n    aipp_mode: dynamic\n    related_input_rank: 0{extra}\n}}\n"


def static_conf(c: Common) -> str:
    """The static ``aipp_op`` block of ``c`` (its first batch's parameters)."""
    b = c.batches[0]
    kv: dict[str, object] = {"input_format": c.fmt, "src_image_size_w": c.src_w, "src_image_size_h": c.src_h}
    if b.crop:
        kv.update(
            crop="true",
            load_start_pos_w=b.crop[0],
            load_start_pos_h=b.crop[1],
            crop_size_w=b.crop[2],
            crop_size_h=b.crop[3],
        )
    if b.scf:
        kv.update(resize="true", resize_output_w=b.scf[0], resize_output_h=b.scf[1])
    if b.pad:
        kv.update(
            padding="true",
            top_padding_size=b.pad[0],
            bottom_padding_size=b.pad[1],
            left_padding_size=b.pad[2],
            right_padding_size=b.pad[3],
            padding_value=c.pad_value,
        )
    if c.csc:
        kv["csc_switch"] = "true"
        kv.update({f"matrix_r{i // 3}c{i % 3}": v for i, v in enumerate(c.matrix)})
        kv.update({f"output_bias_{i}": v for i, v in enumerate(c.out_bias)})
        kv.update({f"input_bias_{i}": v for i, v in enumerate(c.in_bias)})
    kv.update(rbuv_swap_switch=str(c.rbuv_swap).lower(), ax_swap_switch=str(c.ax_swap).lower())
    for i in range(4):
        kv.update({f"mean_chn_{i}": b.mean[i], f"min_chn_{i}": b.min[i], f"var_reci_chn_{i}": b.var[i]})
    body = "\n".join(f"    {k}: {v}" for k, v in kv.items())
    return f"aipp_op {{\n    aipp_mode: static\n{body}\n}}\n"


def make_aipp(c: Common) -> int:
    a = acl.mdl.create_aipp(len(c.batches))
    assert a
    assert acl.mdl.set_aipp_input_format(a, FORMATS[c.fmt]) == SUCCESS
    assert acl.mdl.set_aipp_src_image_size(a, c.src_w, c.src_h) == SUCCESS
    assert acl.mdl.set_aipp_csc_params(a, int(c.csc), *c.matrix, *c.out_bias, *c.in_bias) == SUCCESS
    assert acl.mdl.set_aipp_rbuv_swap_switch(a, int(c.rbuv_swap)) == SUCCESS
    assert acl.mdl.set_aipp_ax_swap_switch(a, int(c.ax_swap)) == SUCCESS
    for i, b in enumerate(c.batches):
        assert acl.mdl.set_aipp_crop_params(a, int(bool(b.crop)), *(b.crop or (0, 0, 1, 1)), i) == SUCCESS
        if b.scf:
            in_w, in_h = (b.crop[2], b.crop[3]) if b.crop else (c.src_w, c.src_h)
            assert acl.mdl.set_aipp_scf_params(a, 1, in_w, in_h, *b.scf, i) == SUCCESS
        if b.pad:
            assert acl.mdl.set_aipp_padding_params(a, 1, *b.pad, i) == SUCCESS
        assert acl.mdl.set_aipp_dtc_pixel_mean(a, *b.mean, i) == SUCCESS
        assert acl.mdl.set_aipp_dtc_pixel_min(a, *b.min, i) == SUCCESS
        assert acl.mdl.set_aipp_pixel_var_reci(a, *b.var, i) == SUCCESS
    return a


class Loaded:
    """A loaded .om with device buffers for every input and output."""

    def __init__(self, om: str, sizes: dict[int, int] | None = None) -> None:
        self.id, ret = acl.mdl.load_from_file(om)
        assert ret == SUCCESS
        self.desc = acl.mdl.create_desc()
        assert acl.mdl.get_desc(self.desc, self.id) == SUCCESS
        self.ptrs: list[int] = []
        self.sizes: list[int] = []
        self.sets = []
        for count, size_of in (
            (acl.mdl.get_num_inputs, acl.mdl.get_input_size_by_index),
            (acl.mdl.get_num_outputs, acl.mdl.get_output_size_by_index),
        ):
            ds = acl.mdl.create_dataset()
            for i in range(count(self.desc)):
                size = size_of(self.desc, i)
                if sizes and not self.sets and i in sizes:  # an input buffer of another size
                    size = sizes[i]
                p, ret = acl.rt.malloc(size, 0)
                assert ret == SUCCESS and acl.rt.memset(p, size, 0, size) == SUCCESS
                self.ptrs.append(p)
                self.sizes.append(size)
                acl.mdl.add_dataset_buffer(ds, acl.create_data_buffer(p, size))
            self.sets.append(ds)
        self.inputs, self.outputs = self.sets

    def run(self, picture: np.ndarray) -> tuple[np.ndarray, int]:
        pic = np.ascontiguousarray(picture)
        dst = self.ptrs[0]
        assert (
            acl.rt.memcpy(
                dst,
                self.sizes[0],
                acl.util.numpy_to_ptr(pic),
                pic.nbytes,
                H2D,
            )
            == SUCCESS
        )
        ret = acl.mdl.execute(self.id, self.inputs, self.outputs)
        size = acl.mdl.get_output_size_by_index(self.desc, 0)
        out = np.zeros(size // 4, np.float32)
        buf = acl.mdl.get_dataset_buffer(self.outputs, 0)
        assert (
            acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, acl.get_data_buffer_addr(buf), size, D2H)
            == SUCCESS
        )
        return out, ret

    def close(self) -> None:
        for ds in self.sets:
            for i in range(acl.mdl.get_dataset_num_buffers(ds)):
                acl.destroy_data_buffer(acl.mdl.get_dataset_buffer(ds, i))
            acl.mdl.destroy_dataset(ds)
        for p in self.ptrs:
            acl.rt.free(p)
        assert acl.mdl.destroy_desc(self.desc) == SUCCESS
        assert acl.mdl.unload(self.id) == SUCCESS


def pictures(c: Common, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, picture_bytes(c) * len(c.batches), dtype=np.uint8)


def run_dynamic(om: str, c: Common, pic: np.ndarray, by_input_index: bool = False) -> np.ndarray:
    m = Loaded(om)
    a = make_aipp(c)
    try:
        if by_input_index:
            assert acl.mdl.set_aipp_by_input_index(m.id, m.inputs, 0, a) == SUCCESS
        else:
            assert acl.mdl.set_input_aipp(m.id, m.inputs, 1, a) == SUCCESS
        out, ret = m.run(pic)
        assert ret == SUCCESS
        return out
    finally:
        assert acl.mdl.destroy_aipp(a) == SUCCESS
        m.close()


def run_static(om: str, pic: np.ndarray) -> np.ndarray:
    m = Loaded(om)
    try:
        out, ret = m.run(pic)
        assert ret == SUCCESS
        return out
    finally:
        m.close()


CASES = {
    "RGB888-swap-csc": Common(
        "RGB888_U8",
        16,
        16,
        csc=True,
        matrix=RGB2YUV,
        out_bias=(0, 128, 128),
        rbuv_swap=True,
        batches=[Batch(mean=(104, 117, 123, 0), min=(0.5, 1.25, 0, 0), var=(0.0171, 0.0175, 0.0174, 1))],
    ),
    "YUV420SP-crop-csc": Common(
        "YUV420SP_U8",
        24,
        20,
        csc=True,
        matrix=YUV2RGB,
        in_bias=(0, 128, 128),
        batches=[Batch(crop=(4, 2, 16, 16), mean=(10, 20, 30, 0), var=(0.5, 2.0, 0.25, 1))],
    ),
    "XRGB8888-ax": Common(
        "XRGB8888_U8", 16, 16, ax_swap=True, batches=[Batch(mean=(1, 2, 3, 0), var=(3.0, 1, 1, 1))]
    ),
    "YUV400": Common(
        "YUV400_U8",
        20,
        18,
        batches=[Batch(crop=(2, 1, 16, 16), mean=(50, 0, 0, 0), min=(0.5, 0, 0, 0), var=(0.01, 1, 1, 1))],
    ),
}


@covers(
    "acl.mdl.create_aipp",
    "acl.mdl.destroy_aipp",
    "acl.mdl.set_input_aipp",
    "acl.mdl.set_aipp_input_format",
    "acl.mdl.set_aipp_src_image_size",
    "acl.mdl.set_aipp_csc_params",
    "acl.mdl.set_aipp_rbuv_swap_switch",
    "acl.mdl.set_aipp_ax_swap_switch",
    "acl.mdl.set_aipp_crop_params",
    "acl.mdl.set_aipp_dtc_pixel_mean",
    "acl.mdl.set_aipp_dtc_pixel_min",
    "acl.mdl.set_aipp_pixel_var_reci",
)
@pytest.mark.parametrize("case", sorted(CASES))
def test_dynamic_aipp_equals_static_aipp_and_the_reference(ctx, tmp_path, case):
    c = CASES[case]
    channels = 1 if c.fmt == "YUV400_U8" else 3
    shape = (1, channels, 16, 16)
    static = _atc(tmp_path, "static", shape, static_conf(c))
    dynamic = _atc(tmp_path, "dynamic", shape, dynamic_conf())
    pic = pictures(c, seed=len(case))
    got_static = run_static(static, pic)
    got_dynamic = run_dynamic(dynamic, c, pic)
    np.testing.assert_array_equal(got_dynamic, got_static)  # bit for bit
    np.testing.assert_array_max_ulp(got_dynamic, reference(c, pic).reshape(-1), maxulp=1)


@covers("acl.mdl.set_aipp_scf_params", "acl.mdl.set_aipp_padding_params", "acl.mdl.set_aipp_by_input_index")
@pytest.mark.parametrize("fmt", ["RGB888_U8", "YUV420SP_U8"])
def test_resize_and_padding_static_and_dynamic_agree_with_the_reference(ctx, tmp_path, fmt):
    c = Common(
        fmt,
        40,
        30,
        pad_value=7,
        batches=[
            Batch(
                crop=(4, 2, 32, 24),
                scf=(16, 18),
                pad=(2, 4, 1, 3),
                mean=(3, 4, 5, 0),
                var=(0.5, 0.25, 2.0, 1),
            )
        ],
    )
    shape = (1, 3, 24, 20)
    static = _atc(tmp_path, "static", shape, static_conf(c))
    dynamic = _atc(tmp_path, "dynamic", shape, dynamic_conf(40 * 30 * 3))
    pic = pictures(c, seed=3)
    expected = reference(c, pic).reshape(-1)
    np.testing.assert_array_max_ulp(run_static(static, pic), expected, maxulp=1)
    # Dynamic AIPP has no padding value (no aclmdlSetAIPP* takes one): it pads with 0, as padding_value 0.
    c.pad_value = 0
    got_static = run_static(_atc(tmp_path, "static0", shape, static_conf(c)), pic)
    np.testing.assert_array_max_ulp(got_static, reference(c, pic).reshape(-1), maxulp=1)
    np.testing.assert_array_equal(run_dynamic(dynamic, c, pic), got_static)
    np.testing.assert_array_equal(run_dynamic(dynamic, c, pic, by_input_index=True), got_static)
    # Upscaling (16x16 -> 20x24) through the same dynamic model.
    up = Common(fmt, 16, 16, batches=[Batch(scf=(20, 24))])
    up_pic = pictures(up, seed=4)
    np.testing.assert_array_max_ulp(
        run_dynamic(dynamic, up, up_pic), reference(up, up_pic).reshape(-1), maxulp=1
    )


def test_dynamic_aipp_takes_parameters_per_batch(ctx, tmp_path):
    c = Common(
        "RGB888_U8",
        20,
        20,
        batches=[
            Batch(crop=(0, 0, 16, 16), mean=(10, 0, 0, 0)),
            Batch(crop=(4, 4, 16, 16), var=(2.0, 2.0, 2.0, 1)),
        ],
    )
    dynamic = _atc(tmp_path, "dynamic", (2, 3, 16, 16), dynamic_conf(20 * 20 * 3))
    pic = pictures(c, seed=5)
    got = run_dynamic(dynamic, c, pic)
    np.testing.assert_array_max_ulp(got, reference(c, pic).reshape(-1), maxulp=1)


@covers("acl.mdl.get_aipp_data_size")
def test_dynamic_model_describes_its_aipp_inputs(ctx, tmp_path):
    dynamic = _atc(tmp_path, "dynamic", (1, 3, 16, 16), dynamic_conf(5000))
    m = Loaded(dynamic)
    try:
        assert acl.mdl.get_num_inputs(m.desc) == 2
        assert acl.mdl.get_input_name_by_index(m.desc, 1) == "ascend_dynamic_aipp_data"
        assert acl.mdl.get_input_index_by_name(m.desc, "ascend_dynamic_aipp_data") == (1, SUCCESS)
        size, ret = acl.mdl.get_aipp_data_size(1)
        assert ret == SUCCESS and size == acl.mdl.get_input_size_by_index(m.desc, 1)
        size2, _ = acl.mdl.get_aipp_data_size(2)
        assert size2 > size
        assert acl.mdl.get_aipp_data_size(0)[1] == INVALID_PARAM
        assert acl.mdl.get_input_size_by_index(m.desc, 0) == 5000  # max_src_image_size
        assert acl.mdl.get_aipp_type(m.id, 0) == (ACL_DATA_WITH_DYNAMIC_AIPP, 1, SUCCESS)
        assert acl.mdl.get_aipp_type(m.id, 1)[::2] == (ACL_DYNAMIC_AIPP_NODE, SUCCESS)
        assert acl.mdl.get_first_aipp_info(m.id, 0)[1] == AIPP_NOT_EXIST
    finally:
        m.close()


def test_static_resize_padding_model_reports_its_aipp(ctx, tmp_path):
    c = Common("RGB888_U8", 20, 20, batches=[Batch(scf=(16, 16), pad=(1, 1, 2, 2))])
    static = _atc(tmp_path, "static", (1, 3, 18, 20), static_conf(c))
    m = Loaded(static)
    try:
        assert acl.mdl.get_input_size_by_index(m.desc, 0) == 20 * 20 * 3
        assert acl.mdl.get_aipp_type(m.id, 0)[::2] == (ACL_DATA_WITH_STATIC_AIPP, SUCCESS)
        info, ret = acl.mdl.get_first_aipp_info(m.id, 0)
        assert ret == SUCCESS
        assert (info["resizeSwitch"], info["resizeOutputW"], info["resizeOutputH"]) == (1, 16, 16)
        assert (info["paddingSwitch"], info["leftPaddingSize"], info["topPaddingSize"]) == (1, 2, 1)
        assert info["outDims"][0]["aippOutdims"]["dims"] == [1, 3, 18, 20]  # what AIPP feeds the network
    finally:
        m.close()


def test_dynamic_aipp_errors(ctx, tmp_path):
    dynamic = _atc(tmp_path, "dynamic", (1, 3, 16, 16), dynamic_conf(16 * 16 * 3))
    m = Loaded(dynamic)
    good = Common("RGB888_U8", 16, 16)
    pic = pictures(good)
    try:
        # No parameters written yet: the execution fails, naming the call to make.
        assert m.run(pic)[1] != SUCCESS
        assert "aclmdlSetInputAIPP" in acl.get_recent_err_msg()
        a = make_aipp(good)
        # Out-of-range parameters: refused, the parameter named.
        assert acl.mdl.set_aipp_crop_params(a, 1, 0, 0, 0, 16, 0) == INVALID_PARAM
        assert "cropSizeW" in acl.get_recent_err_msg()
        assert acl.mdl.set_aipp_padding_params(a, 1, 0, 33, 0, 0, 0) == INVALID_PARAM
        assert "paddingSizeBottom" in acl.get_recent_err_msg()
        assert acl.mdl.set_aipp_dtc_pixel_mean(a, 0, 0, 0, 0, 1) == INVALID_PARAM  # batch index past batch 1
        # A crop outside the source picture: refused when set on the dataset.
        assert acl.mdl.set_aipp_crop_params(a, 1, 8, 8, 16, 16, 0) == SUCCESS
        assert acl.mdl.set_input_aipp(m.id, m.inputs, 1, a) == INVALID_PARAM
        assert "crop" in acl.get_recent_err_msg()
        # A valid crop whose result is not the network's size: the execution fails, naming the sizes.
        assert acl.mdl.set_aipp_crop_params(a, 1, 0, 0, 8, 8, 0) == SUCCESS
        assert acl.mdl.set_input_aipp(m.id, m.inputs, 1, a) == SUCCESS
        assert m.run(pic)[1] != SUCCESS
        assert "8x8" in acl.get_recent_err_msg()
        # Pictures larger than the picture buffer.
        assert acl.mdl.set_aipp_crop_params(a, 1, 0, 0, 16, 16, 0) == SUCCESS
        assert acl.mdl.set_aipp_src_image_size(a, 32, 32) == SUCCESS
        assert acl.mdl.set_input_aipp(m.id, m.inputs, 1, a) == SUCCESS
        assert m.run(pic)[1] != SUCCESS
        assert "the picture buffer holds 768 bytes" in acl.get_recent_err_msg()
        # A parameter buffer not written by aclmdlSetInputAIPP (its header kept, the rest 0x7f): every value
        # is checked again before use, so the execution fails cleanly.
        assert acl.mdl.set_input_aipp(m.id, m.inputs, 1, a) == SUCCESS
        size = acl.mdl.get_input_size_by_index(m.desc, 1)
        junk = np.full(size - 8, 0x7F, np.uint8)
        assert acl.rt.memcpy(m.ptrs[1] + 8, size - 8, acl.util.numpy_to_ptr(junk), size - 8, H2D) == SUCCESS
        assert m.run(pic)[1] != SUCCESS
        assert "out of range" in acl.get_recent_err_msg() or "not 0 or 1" in acl.get_recent_err_msg()
        # The picture input's index is not the parameter input's.
        assert acl.mdl.set_input_aipp(m.id, m.inputs, 0, a) == INVALID_PARAM
        # Wrong batch size.
        b = acl.mdl.create_aipp(2)
        assert acl.mdl.set_aipp_by_input_index(m.id, m.inputs, 0, b) == INVALID_PARAM
        assert acl.mdl.destroy_aipp(b) == SUCCESS
        assert acl.mdl.destroy_aipp(a) == SUCCESS
        assert acl.mdl.destroy_aipp(a) == INVALID_PARAM
    finally:
        m.close()


def test_huawei_sample_flow_picture_buffer_of_its_own_size(ctx, tmp_path):
    """As samples' YOLOV3_coco_detection_dynamic_AIPP: its configuration file (support_rotation included), the
    parameter input found by name, a DVPP-sized NV12 picture buffer smaller than max_src_image_size, the
    switched-off steps given as zeros, and var_reci 1/255."""
    conf = (
        "aipp_op { \naipp_mode : dynamic\nrelated_input_rank : 0\nmax_src_image_size: 1000\n"
        "support_rotation: false\n}\n"
    )
    om = _atc(tmp_path, "yolo", (1, 3, 16, 16), conf)
    reci = 0.003921568627451
    c = Common("YUV420SP_U8", 16, 16, csc=True, out_bias=(0, 0, 0), in_bias=(16, 128, 128),
               batches=[Batch(var=(reci, reci, reci, 1.0))])  # fmt: skip
    pic = pictures(c, seed=9)
    m = Loaded(om, sizes={0: pic.nbytes})
    a = acl.mdl.create_aipp(1)
    try:
        index, ret = acl.mdl.get_input_index_by_name(m.desc, "ascend_dynamic_aipp_data")
        assert (index, ret) == (1, SUCCESS)
        assert acl.mdl.set_aipp_input_format(a, FORMATS["YUV420SP_U8"]) == SUCCESS
        assert acl.mdl.set_aipp_csc_params(a, 1, *c.matrix, 0, 0, 0, 16, 128, 128) == SUCCESS
        assert acl.mdl.set_aipp_rbuv_swap_switch(a, 0) == SUCCESS
        assert acl.mdl.set_aipp_ax_swap_switch(a, 0) == SUCCESS
        assert acl.mdl.set_aipp_src_image_size(a, 16, 16) == SUCCESS
        assert acl.mdl.set_aipp_scf_params(a, 0, 0, 0, 0, 0, 0) == SUCCESS
        assert acl.mdl.set_aipp_crop_params(a, 0, 0, 0, 0, 0, 0) == SUCCESS
        assert acl.mdl.set_aipp_padding_params(a, 0, 0, 0, 0, 0, 0) == SUCCESS
        assert acl.mdl.set_aipp_dtc_pixel_mean(a, 0, 0, 0, 0, 0) == SUCCESS
        assert acl.mdl.set_aipp_dtc_pixel_min(a, 0.0, 0.0, 0.0, 0.0, 0) == SUCCESS
        assert acl.mdl.set_aipp_pixel_var_reci(a, *c.batches[0].var, 0) == SUCCESS
        assert acl.mdl.set_input_aipp(m.id, m.inputs, index, a) == SUCCESS
        out, ret = m.run(pic)
        assert ret == SUCCESS, acl.get_recent_err_msg()
        np.testing.assert_array_max_ulp(out, reference(c, pic).reshape(-1), maxulp=1)
    finally:
        assert acl.mdl.destroy_aipp(a) == SUCCESS
        m.close()
