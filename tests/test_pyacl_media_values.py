# ruff: noqa: F811  (tests take the imported fixture `env` as an argument)
"""Every `acl.media` function in a test that checks a real value: set-then-get for each description field,
pictures built with numpy/Pillow and compared after the DVPP call (crop: exact; resize: within 4 grey levels
of Pillow's bilinear; decode: within 0.5 of Pillow's luma). A binding wired to the wrong C function (a
getter to its twin, crop to crop-and-paste) gives another value here. Each test names the functions it
checks with @covers; COVERED joins test_pyacl_values.COVERED in its completeness test and
test_pyacl_coverage.py's check of libacl_dvpp's exports.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dvpp_pictures import jpeg_bytes, luma, scene
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The module fixture `env` and the copy helpers are test_pyacl_media's (pytest takes an imported fixture).
from test_pyacl_media import env, fill_pic_desc, to_device, to_host  # noqa: E402,F401

acl = pytest.importorskip("acl")
HAS_MEDIA = hasattr(acl, "media") and hasattr(acl.media, "dvpp_malloc")
pytestmark = pytest.mark.skipif(not HAS_MEDIA, reason="acl.media needs the host runtime's libacl_dvpp")

SUCCESS, INVALID_PARAM, REPEAT_INITIALIZE, FEATURE_UNSUPPORTED = 0, 100000, 100002, 200006
H2D, D2H = 1, 2
NV12, NV21, RGB888 = 1, 2, 12
BORDER_CONSTANT, BORDER_REPLICATE = 0, 1
CSC_MATRIX_UINT32, BT709_WIDE = 0, 2
H264_MAIN_LEVEL = 2

COVERED: dict[str, str] = {}


def covers(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            COVERED[f"acl.media.{name}"] = fn.__name__
        return fn

    return mark


def describe(desc: int, data: int, w: int, h: int, fmt: int = NV12) -> int:
    """Fills `desc` for a w x h picture at `data` (strides = w, h) and returns it."""
    return fill_pic_desc(desc, data, w * h * 3 // 2, w, h, w, h, fmt)


class Picture:
    """An NV12 picture in DVPP memory with its description (numpy planes for reference)."""

    def __init__(self, w: int, h: int, y: np.ndarray | None = None, desc: int | None = None):
        self.w, self.h = w, h
        self.y = y if y is not None else np.zeros((h, w), np.uint8)
        uv = np.full((h // 2, w), 128, np.uint8)
        uv[:, 0::2] = 90  # U
        uv[:, 1::2] = 170  # V
        self.uv = uv
        self.mem = to_device(np.concatenate([self.y, uv]).tobytes())
        self.own_desc = desc is None
        self.desc = describe(acl.media.dvpp_create_pic_desc() if desc is None else desc, self.mem, w, h)

    def luma(self) -> np.ndarray:
        return to_host(self.mem, self.w * self.h).reshape(self.h, self.w)

    def chroma(self) -> np.ndarray:
        n = self.w * self.h
        return to_host(self.mem, n * 3 // 2)[n:].reshape(self.h // 2, self.w)

    def close(self) -> None:
        if self.own_desc:
            assert acl.media.dvpp_destroy_pic_desc(self.desc) == SUCCESS
        assert acl.media.dvpp_free(self.mem) == SUCCESS


def ramp(w: int, h: int, seed: int = 1) -> np.ndarray:
    y = luma(jpeg_bytes(scene(w, h, seed=seed), quality=95))
    return np.ascontiguousarray(y)


def sync(env: dict[str, int]) -> None:
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS


# ---------------------------------------------------------------- descriptions and configurations


@covers(
    "dvpp_create_pic_desc",
    "dvpp_destroy_pic_desc",
    "dvpp_set_pic_desc_data",
    "dvpp_set_pic_desc_size",
    "dvpp_set_pic_desc_format",
    "dvpp_set_pic_desc_width",
    "dvpp_set_pic_desc_height",
    "dvpp_set_pic_desc_width_stride",
    "dvpp_set_pic_desc_height_stride",
    "dvpp_set_pic_desc_ret_code",
    "dvpp_get_pic_desc_data",
    "dvpp_get_pic_desc_size",
    "dvpp_get_pic_desc_format",
    "dvpp_get_pic_desc_width",
    "dvpp_get_pic_desc_height",
    "dvpp_get_pic_desc_width_stride",
    "dvpp_get_pic_desc_height_stride",
    "dvpp_get_pic_desc_ret_code",
)
def test_pic_desc_fields_read_back():
    m = acl.media
    desc = m.dvpp_create_pic_desc()
    assert desc != 0
    values = {"data": 0x1234_5670, "size": 777, "format": NV21, "width": 33, "height": 44}
    values |= {"width_stride": 48, "height_stride": 46, "ret_code": 7}
    for field, value in values.items():
        assert getattr(m, f"dvpp_set_pic_desc_{field}")(desc, value) == SUCCESS
    assert {field: getattr(m, f"dvpp_get_pic_desc_{field}")(desc) for field in values} == values
    assert m.dvpp_destroy_pic_desc(desc) == SUCCESS
    assert m.dvpp_set_pic_desc_width(0, 1) == INVALID_PARAM


@covers(
    "dvpp_create_channel_desc",
    "dvpp_destroy_channel_desc",
    "dvpp_create_channel",
    "dvpp_destroy_channel",
    "dvpp_set_channel_desc_mode",
    "dvpp_get_channel_desc_channel_id",
    "dvpp_set_channel_desc_param",
    "dvpp_get_channel_desc_param",
)
def test_channels_have_distinct_ids_and_keep_their_parameters(env):
    m = acl.media
    a, b = m.dvpp_create_channel_desc(), m.dvpp_create_channel_desc()
    assert m.dvpp_set_channel_desc_mode(a, 1) == SUCCESS  # DVPP_CHNMODE_VPC
    assert m.dvpp_set_channel_desc_mode(a, 1 << 20) == INVALID_PARAM
    assert m.dvpp_create_channel(a) == SUCCESS and m.dvpp_create_channel(b) == SUCCESS
    assert m.dvpp_set_channel_desc_mode(a, 1) == INVALID_PARAM  # after creation
    ids = {m.dvpp_get_channel_desc_channel_id(c) for c in (a, b, env["channel"])}
    assert len(ids) == 3
    matrix = np.array([BT709_WIDE], np.uint32)
    assert m.dvpp_set_channel_desc_param(a, CSC_MATRIX_UINT32, 4, acl.util.numpy_to_ptr(matrix)) == SUCCESS
    out = np.zeros(2, np.uint32)
    size, ret = m.dvpp_get_channel_desc_param(a, CSC_MATRIX_UINT32, 8, acl.util.numpy_to_ptr(out))
    assert (size, ret, int(out[0])) == (4, SUCCESS, BT709_WIDE)
    for c in (a, b):
        assert m.dvpp_destroy_channel(c) == SUCCESS and m.dvpp_destroy_channel_desc(c) == SUCCESS


@covers(
    "dvpp_create_resize_config",
    "dvpp_destroy_resize_config",
    "dvpp_set_resize_config_interpolation",
    "dvpp_get_resize_config_interpolation",
    "dvpp_create_jpege_config",
    "dvpp_destroy_jpege_config",
    "dvpp_set_jpege_config_level",
    "dvpp_get_jpege_config_level",
)
def test_config_fields_read_back():
    m = acl.media
    resize = m.dvpp_create_resize_config()
    assert m.dvpp_get_resize_config_interpolation(resize) == 0
    assert m.dvpp_set_resize_config_interpolation(resize, 2) == SUCCESS
    assert m.dvpp_get_resize_config_interpolation(resize) == 2
    jpege = m.dvpp_create_jpege_config()
    assert m.dvpp_set_jpege_config_level(jpege, 42) == SUCCESS
    assert m.dvpp_get_jpege_config_level(jpege) == 42
    assert m.dvpp_destroy_resize_config(resize) == SUCCESS and m.dvpp_destroy_jpege_config(jpege) == SUCCESS


@covers(
    "dvpp_create_border_config",
    "dvpp_destroy_border_config",
    "dvpp_set_border_config_value",
    "dvpp_set_border_config_border_type",
    "dvpp_set_border_config_top",
    "dvpp_set_border_config_bottom",
    "dvpp_set_border_config_left",
    "dvpp_set_border_config_right",
    "dvpp_get_border_config_value",
    "dvpp_get_border_config_border_type",
    "dvpp_get_border_config_top",
    "dvpp_get_border_config_bottom",
    "dvpp_get_border_config_left",
    "dvpp_get_border_config_right",
)
def test_border_config_fields_read_back():
    m = acl.media
    cfg = m.dvpp_create_border_config()
    sides = {"top": 2, "bottom": 4, "left": 6, "right": 8}
    for side, v in sides.items():
        assert getattr(m, f"dvpp_set_border_config_{side}")(cfg, v) == SUCCESS
    assert {side: getattr(m, f"dvpp_get_border_config_{side}")(cfg) for side in sides} == sides
    assert m.dvpp_set_border_config_border_type(cfg, BORDER_REPLICATE) == SUCCESS
    assert m.dvpp_get_border_config_border_type(cfg) == BORDER_REPLICATE
    assert m.dvpp_set_border_config_value(cfg, 1, 12.5) == SUCCESS
    assert m.dvpp_get_border_config_value(cfg, 1) == 12.5 and m.dvpp_get_border_config_value(cfg, 0) == 0.0
    assert m.dvpp_destroy_border_config(cfg) == SUCCESS


@covers(
    "dvpp_create_stream_desc",
    "dvpp_destroy_stream_desc",
    "dvpp_set_stream_desc_data",
    "dvpp_set_stream_desc_size",
    "dvpp_set_stream_desc_format",
    "dvpp_set_stream_desc_timestamp",
    "dvpp_set_stream_desc_ret_code",
    "dvpp_set_stream_desc_eos",
    "dvpp_get_stream_desc_data",
    "dvpp_get_stream_desc_size",
    "dvpp_get_stream_desc_format",
    "dvpp_get_stream_desc_timestamp",
    "dvpp_get_stream_desc_ret_code",
    "dvpp_get_stream_desc_eos",
)
def test_stream_desc_fields_read_back():
    m = acl.media
    desc = m.dvpp_create_stream_desc()
    values = {"data": 0xABC0, "size": 4096, "format": H264_MAIN_LEVEL, "timestamp": 2**40 + 3}
    values |= {"ret_code": 5, "eos": 1}
    for field, value in values.items():
        assert getattr(m, f"dvpp_set_stream_desc_{field}")(desc, value) == SUCCESS
    assert {field: getattr(m, f"dvpp_get_stream_desc_{field}")(desc) for field in values} == values
    assert m.dvpp_destroy_stream_desc(desc) == SUCCESS


@covers("dvpp_create_batch_pic_desc", "dvpp_get_pic_desc", "dvpp_destroy_batch_pic_desc")
def test_batch_pic_desc_holds_distinct_descriptions():
    m = acl.media
    batch = m.dvpp_create_batch_pic_desc(3)
    descs = [m.dvpp_get_pic_desc(batch, i) for i in range(3)]
    assert all(descs) and len(set(descs)) == 3
    assert m.dvpp_get_pic_desc(batch, 3) == 0
    assert m.dvpp_set_pic_desc_width(descs[1], 64) == SUCCESS
    assert [m.dvpp_get_pic_desc_width(d) for d in descs] == [0, 64, 0]
    assert m.dvpp_destroy_batch_pic_desc(batch) == SUCCESS


# ---------------------------------------------------------------- memory and codecs


@covers("dvpp_malloc", "dvpp_free")
def test_dvpp_memory_round_trips_through_memcpy(env):
    data = bytes(range(256)) * 3
    dev = to_device(data)
    assert to_host(dev, len(data)).tobytes() == data
    assert acl.media.dvpp_free(dev) == SUCCESS
    assert acl.media.dvpp_free(0) == INVALID_PARAM


@covers(
    "dvpp_jpeg_get_image_info",
    "dvpp_jpeg_get_image_info_v2",
    "dvpp_jpeg_predict_dec_size",
    "dvpp_jpeg_decode_async",
)
def test_jpeg_decode_matches_pillow(env):
    data = jpeg_bytes(scene(160, 96), quality=90)
    host = acl.util.bytes_to_ptr(data)
    assert acl.media.dvpp_jpeg_get_image_info(host, len(data)) == (160, 96, 3, SUCCESS)
    assert acl.media.dvpp_jpeg_get_image_info_v2(host, len(data)) == (
        160,
        96,
        3,
        2,
        SUCCESS,
    )  # ACL_JPEG_CSS_420
    size, ret = acl.media.dvpp_jpeg_predict_dec_size(host, len(data), NV12)
    assert ret == SUCCESS
    out, _ = acl.media.dvpp_malloc(size)
    desc = acl.media.dvpp_create_pic_desc()
    acl.media.dvpp_set_pic_desc_data(desc, out)
    acl.media.dvpp_set_pic_desc_size(desc, size)
    acl.media.dvpp_set_pic_desc_format(desc, NV12)
    dev = to_device(data)
    assert acl.media.dvpp_jpeg_decode_async(env["channel"], dev, len(data), desc, env["stream"]) == SUCCESS
    sync(env)
    ws, hs = acl.media.dvpp_get_pic_desc_width_stride(desc), acl.media.dvpp_get_pic_desc_height_stride(desc)
    assert size == ws * hs * 3 // 2 and ws >= 160 and hs >= 96  # the predicted size is the aligned picture's
    y = to_host(out, ws * hs).reshape(hs, ws)[:96, :160]
    assert np.abs(y.astype(int) - luma(data)).mean() < 0.5
    for r in (acl.media.dvpp_destroy_pic_desc(desc), acl.media.dvpp_free(out), acl.media.dvpp_free(dev)):
        assert r == SUCCESS


@covers("dvpp_jpeg_predict_enc_size", "dvpp_jpeg_encode_async")
def test_jpeg_encode_decodes_back_with_pillow(env):
    y = ramp(96, 64)
    pic = Picture(96, 64, y)
    cfg = acl.media.dvpp_create_jpege_config()
    acl.media.dvpp_set_jpege_config_level(cfg, 95)
    predicted, ret = acl.media.dvpp_jpeg_predict_enc_size(pic.desc, cfg)
    assert ret == SUCCESS and predicted >= 96 * 64
    out, _ = acl.media.dvpp_malloc(predicted)
    size = np.array([predicted], np.uint32)
    ret = acl.media.dvpp_jpeg_encode_async(
        env["channel"], pic.desc, out, acl.util.numpy_to_ptr(size), cfg, env["stream"]
    )
    assert ret == SUCCESS
    sync(env)
    jpeg = to_host(out, int(size[0])).tobytes()
    back = np.asarray(Image.open(io.BytesIO(jpeg)).convert("YCbCr"))[:, :, 0]
    assert back.shape == (64, 96) and np.abs(back.astype(int) - y).mean() < 2.0
    assert (
        acl.media.dvpp_jpeg_encode_async(env["channel"], pic.desc, out, 0, cfg, env["stream"])
        == INVALID_PARAM
    )
    assert acl.media.dvpp_destroy_jpege_config(cfg) == SUCCESS and acl.media.dvpp_free(out) == SUCCESS
    pic.close()


@covers("dvpp_png_get_image_info", "dvpp_png_predict_dec_size", "dvpp_png_decode_async")
def test_png_decode_equals_pillow(env):
    rgb = scene(70, 40, seed=2)
    buf = io.BytesIO()
    rgb.save(buf, "PNG")
    data = buf.getvalue()
    host = acl.util.bytes_to_ptr(data)
    assert acl.media.dvpp_png_get_image_info(host, len(data)) == (70, 40, 3, SUCCESS)
    size, ret = acl.media.dvpp_png_predict_dec_size(host, len(data), RGB888)
    assert ret == SUCCESS and size >= 70 * 3 * 40
    out, _ = acl.media.dvpp_malloc(size)
    desc = acl.media.dvpp_create_pic_desc()
    acl.media.dvpp_set_pic_desc_data(desc, out)
    acl.media.dvpp_set_pic_desc_size(desc, size)
    acl.media.dvpp_set_pic_desc_format(desc, RGB888)
    dev = to_device(data)
    assert acl.media.dvpp_png_decode_async(env["channel"], dev, len(data), desc, env["stream"]) == SUCCESS
    sync(env)
    stride = acl.media.dvpp_get_pic_desc_width_stride(desc)
    rows = size // stride
    pixels = to_host(out, size).reshape(rows, stride)[:40, : 70 * 3].reshape(40, 70, 3)
    assert np.array_equal(pixels, np.asarray(rgb))
    for r in (acl.media.dvpp_destroy_pic_desc(desc), acl.media.dvpp_free(out), acl.media.dvpp_free(dev)):
        assert r == SUCCESS


# ---------------------------------------------------------------- VPC


def bilinear(y: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.asarray(Image.fromarray(y).resize((w, h), Image.Resampling.BILINEAR)).astype(int)


@covers(
    "dvpp_vpc_resize_async",
    "dvpp_vpc_crop_async",
    "dvpp_create_roi_config",
    "dvpp_destroy_roi_config",
    "dvpp_set_roi_config",
    "dvpp_set_roi_config_left",
    "dvpp_set_roi_config_right",
    "dvpp_set_roi_config_top",
    "dvpp_set_roi_config_bottom",
)
def test_resize_matches_pillow_and_crop_is_exact(env):
    src = Picture(320, 240, ramp(320, 240))
    dst = Picture(64, 64)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(env["channel"], src.desc, dst.desc, cfg, env["stream"]) == SUCCESS
    sync(env)
    assert np.abs(dst.luma().astype(int) - bilinear(src.y, 64, 64)).mean() < 4.0
    roi = acl.media.dvpp_create_roi_config(0, 1, 0, 1)
    assert acl.media.dvpp_set_roi_config(roi, 10, 73, 20, 83) == SUCCESS
    assert acl.media.dvpp_vpc_crop_async(env["channel"], src.desc, dst.desc, roi, env["stream"]) == SUCCESS
    sync(env)
    assert np.array_equal(dst.luma(), src.y[20:84, 10:74])
    for setter, v in (("left", 100), ("right", 163), ("top", 50), ("bottom", 113)):
        assert getattr(acl.media, f"dvpp_set_roi_config_{setter}")(roi, v) == SUCCESS
    assert acl.media.dvpp_vpc_crop_async(env["channel"], src.desc, dst.desc, roi, env["stream"]) == SUCCESS
    sync(env)
    assert np.array_equal(dst.luma(), src.y[50:114, 100:164])
    assert (
        acl.media.dvpp_destroy_roi_config(roi) == SUCCESS
        and acl.media.dvpp_destroy_resize_config(cfg) == SUCCESS
    )
    src.close()
    dst.close()


@covers("dvpp_vpc_crop_resize_async", "dvpp_vpc_crop_and_paste_async", "dvpp_vpc_crop_resize_paste_async")
def test_crop_resize_and_paste_match_numpy_and_pillow(env):
    src = Picture(320, 240, ramp(320, 240))
    dst = Picture(128, 64)
    crop = acl.media.dvpp_create_roi_config(32, 159, 16, 79)  # 128 x 64
    cfg = acl.media.dvpp_create_resize_config()
    m, ch, s = acl.media, env["channel"], env["stream"]
    small = acl.media.dvpp_create_roi_config(0, 63, 0, 31)  # 64 x 32
    assert m.dvpp_vpc_crop_resize_async(ch, src.desc, dst.desc, small, cfg, s) == SUCCESS
    sync(env)
    assert np.abs(dst.luma().astype(int) - bilinear(src.y[0:32, 0:64], 128, 64)).mean() < 4.0
    paste = acl.media.dvpp_create_roi_config(64, 127, 32, 63)  # 64 x 32 at (64, 32)
    before = dst.luma()
    half = acl.media.dvpp_create_roi_config(32, 95, 16, 47)  # 64 x 32: a copy
    assert m.dvpp_vpc_crop_and_paste_async(ch, src.desc, dst.desc, half, paste, s) == SUCCESS
    sync(env)
    after = dst.luma()
    assert np.array_equal(after[32:64, 64:128], src.y[16:48, 32:96])
    assert np.array_equal(after[:32], before[:32])  # outside the paste area: unchanged
    assert m.dvpp_vpc_crop_resize_paste_async(ch, src.desc, dst.desc, crop, paste, cfg, s) == SUCCESS
    sync(env)
    pasted = dst.luma()[32:64, 64:128].astype(int)
    assert np.abs(pasted - bilinear(src.y[16:80, 32:160], 64, 32)).mean() < 4.0
    for roi in (crop, small, paste, half):
        assert m.dvpp_destroy_roi_config(roi) == SUCCESS
    assert m.dvpp_destroy_resize_config(cfg) == SUCCESS
    src.close()
    dst.close()


@covers("dvpp_vpc_convert_color_async")
def test_convert_color_swaps_chroma_for_nv21(env):
    src = Picture(64, 32, ramp(64, 32))
    dst = Picture(64, 32)
    assert acl.media.dvpp_set_pic_desc_format(dst.desc, NV21) == SUCCESS
    assert (
        acl.media.dvpp_vpc_convert_color_async(env["channel"], src.desc, dst.desc, env["stream"]) == SUCCESS
    )
    sync(env)
    assert np.array_equal(dst.luma(), src.y)
    uv = dst.chroma()
    assert (uv[:, 0::2] == 170).all() and (uv[:, 1::2] == 90).all()  # V first
    src.close()
    dst.close()


@covers("dvpp_vpc_make_border_async")
def test_make_border_constant_matches_numpy_pad(env):
    src = Picture(64, 32, ramp(64, 32))
    dst = Picture(64 + 16 + 32, 32 + 2 + 4)
    cfg = acl.media.dvpp_create_border_config()
    for side, v in (("left", 16), ("right", 32), ("top", 2), ("bottom", 4)):
        getattr(acl.media, f"dvpp_set_border_config_{side}")(cfg, v)
    acl.media.dvpp_set_border_config_value(cfg, 0, 7.0)
    ret = acl.media.dvpp_vpc_make_border_async(env["channel"], src.desc, dst.desc, cfg, env["stream"])
    assert ret == SUCCESS
    sync(env)
    assert np.array_equal(dst.luma(), np.pad(src.y, ((2, 4), (16, 32)), constant_values=7))
    assert acl.media.dvpp_destroy_border_config(cfg) == SUCCESS
    src.close()
    dst.close()


class Batch:
    def __init__(self, pictures: list[tuple[int, int, np.ndarray | None]]):
        self.desc = acl.media.dvpp_create_batch_pic_desc(len(pictures))
        self.pictures = [
            Picture(w, h, y, desc=acl.media.dvpp_get_pic_desc(self.desc, i))
            for i, (w, h, y) in enumerate(pictures)
        ]

    def close(self) -> None:
        for p in self.pictures:
            p.close()
        assert acl.media.dvpp_destroy_batch_pic_desc(self.desc) == SUCCESS


@covers("dvpp_vpc_batch_crop_async", "dvpp_vpc_batch_crop_resize_async")
def test_batch_crop_cuts_each_roi_from_its_picture(env):
    a, b = ramp(128, 64, seed=1), ramp(128, 64, seed=2)
    src = Batch([(128, 64, a), (128, 64, b)])
    dst = Batch([(64, 32, None)] * 3)
    rois = [
        acl.media.dvpp_create_roi_config(*box) for box in ((0, 63, 0, 31), (64, 127, 32, 63), (16, 79, 8, 39))
    ]
    m, ch, s = acl.media, env["channel"], env["stream"]
    out, ret = m.dvpp_vpc_batch_crop_async(ch, src.desc, [2, 1], dst.desc, rois, s)
    assert (out, ret) == (dst.desc, SUCCESS)
    sync(env)
    got = [p.luma() for p in dst.pictures]
    assert np.array_equal(got[0], a[0:32, 0:64]) and np.array_equal(got[1], a[32:64, 64:128])
    assert np.array_equal(got[2], b[8:40, 16:80])
    _, ret = m.dvpp_vpc_batch_crop_async(ch, src.desc, [2, 1], dst.desc, rois[:2], s)
    assert ret == INVALID_PARAM  # fewer crop areas than ROIs: refused before C reads past the list
    big = m.dvpp_create_roi_config(0, 127, 0, 63)
    cfg = m.dvpp_create_resize_config()
    assert m.dvpp_vpc_batch_crop_resize_async(ch, src.desc, [1, 1], dst.desc, [big, big], cfg, s) == SUCCESS
    sync(env)
    assert np.abs(dst.pictures[1].luma().astype(int) - bilinear(b, 64, 32)).mean() < 4.0
    for roi in (*rois, big):
        assert m.dvpp_destroy_roi_config(roi) == SUCCESS
    assert m.dvpp_destroy_resize_config(cfg) == SUCCESS
    src.close()
    dst.close()


def test_batch_lists_refuse_what_is_not_a_list_of_ints():
    crop = acl.media.dvpp_vpc_batch_crop_async
    with pytest.raises(TypeError, match="roi_nums_list' must be a list of ints"):
        crop(0, 0, "12", 0, [], 0)
    with pytest.raises(TypeError, match="crop_area_list' must be a list of ints"):
        crop(0, 0, [1], 0, [1.5], 0)
    with pytest.raises(ValueError, match="roi_nums_list' is out of range"):
        crop(0, 0, [-1], 0, [], 0)


@covers(
    "dvpp_vpc_batch_crop_and_paste_async",
    "dvpp_vpc_batch_crop_resize_paste_async",
    "dvpp_vpc_batch_crop_resize_make_border_async",
)
def test_batch_crop_and_paste_places_each_roi(env):
    a = ramp(128, 64, seed=3)
    src = Batch([(128, 64, a)])
    dst = Batch([(128, 64, None), (128, 64, None)])
    m, ch, s = acl.media, env["channel"], env["stream"]
    crops = [m.dvpp_create_roi_config(0, 63, 0, 31), m.dvpp_create_roi_config(64, 127, 32, 63)]
    pastes = [m.dvpp_create_roi_config(64, 127, 32, 63), m.dvpp_create_roi_config(0, 63, 0, 31)]
    out, ret = m.dvpp_vpc_batch_crop_and_paste_async(ch, src.desc, [2], dst.desc, crops, pastes, s)
    assert (out, ret) == (dst.desc, SUCCESS)
    sync(env)
    assert np.array_equal(dst.pictures[0].luma()[32:64, 64:128], a[0:32, 0:64])
    assert np.array_equal(dst.pictures[1].luma()[0:32, 0:64], a[32:64, 64:128])
    whole = m.dvpp_create_roi_config(0, 127, 0, 63)
    cfg = m.dvpp_create_resize_config()
    ret = m.dvpp_vpc_batch_crop_resize_paste_async(
        ch, src.desc, [2], dst.desc, [whole, whole], pastes, cfg, s
    )
    assert ret == SUCCESS
    sync(env)
    assert np.abs(dst.pictures[1].luma()[0:32, 0:64].astype(int) - bilinear(a, 64, 32)).mean() < 4.0
    border = m.dvpp_create_border_config()
    ret = m.dvpp_vpc_batch_crop_resize_make_border_async(
        ch, src.desc, [1], dst.desc, [whole], [border], cfg, s
    )
    assert ret == FEATURE_UNSUPPORTED  # the host runtime has no batch crop-resize-border
    for roi in (*crops, *pastes, whole):
        assert m.dvpp_destroy_roi_config(roi) == SUCCESS
    assert m.dvpp_destroy_resize_config(cfg) == SUCCESS and m.dvpp_destroy_border_config(border) == SUCCESS
    src.close()
    dst.close()


@covers(
    "dvpp_vpc_pyr_down_async",
    "dvpp_create_hist",
    "dvpp_destroy_hist",
    "dvpp_get_hist_dims",
    "dvpp_get_hist_data",
    "dvpp_get_hist_ret_code",
    "dvpp_clear_hist",
    "dvpp_vpc_calc_hist_async",
    "dvpp_create_lut_map",
    "dvpp_destroy_lut_map",
    "dvpp_get_lut_map_dims",
    "dvpp_get_lut_map_data",
    "dvpp_vpc_equalize_hist_async",
)
def test_unsupported_features_answer_their_documented_results(env):
    """The host runtime lacks pyramids, histograms and LUT equalisation (csrc/dvpp/src/unsupported.cpp):
    aclError calls say FEATURE_UNSUPPORTED, handle makers NULL, number getters 0, outs stay 0."""
    m, ch, s = acl.media, env["channel"], env["stream"]
    pic = Picture(64, 32)
    assert m.dvpp_vpc_pyr_down_async(ch, pic.desc, pic.desc, 0, s) == FEATURE_UNSUPPORTED
    assert m.dvpp_create_hist() == 0 and m.dvpp_create_lut_map() == 0
    assert (
        m.dvpp_get_hist_dims(0) == 0 and m.dvpp_get_hist_ret_code(0) == 0 and m.dvpp_get_lut_map_dims(0) == 0
    )
    assert m.dvpp_get_hist_data(0, 0) == (0, 0, FEATURE_UNSUPPORTED)
    assert m.dvpp_get_lut_map_data(0, 0) == (0, 0, FEATURE_UNSUPPORTED)
    for ret in (
        m.dvpp_destroy_hist(0),
        m.dvpp_clear_hist(0),
        m.dvpp_destroy_lut_map(0),
        m.dvpp_vpc_calc_hist_async(ch, pic.desc, 0, 0, s),
        m.dvpp_vpc_equalize_hist_async(ch, pic.desc, pic.desc, 0, s),
    ):
        assert ret == FEATURE_UNSUPPORTED
    pic.close()


import test_pyacl_video  # noqa: E402,F401  (its @covers join COVERED: acl.media.vdec_*)


def test_every_media_function_is_covered():
    functions = {name for name in acl._signatures() if name.startswith("acl.media.")}
    assert len(functions) > 90
    assert sorted(functions - set(COVERED)) == [], "acl.media functions no test checks a value of"
    assert sorted(set(COVERED) - functions) == [], "covered names that are not acl.media functions"
