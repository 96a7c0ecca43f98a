"""pyACL `acl.media` (DVPP v1) over libacl_dvpp.so: return shapes and real pictures, compared with
Pillow doing the same (luma planes: decode within 0.5 grey levels mean absolute difference, both being
libjpeg-turbo; resize within 4). A binding that called the wrong C function would give other pictures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from dvpp_pictures import jpeg_bytes, luma, scene
from PIL import Image

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

SUCCESS, INVALID_PARAM = 0, 100000
H2D, D2H = 1, 2
NV12 = 1  # PIXEL_FORMAT_YUV_SEMIPLANAR_420
RGB888 = 12  # PIXEL_FORMAT_RGB_888


@pytest.fixture(scope="module")
def env(pyacl_stream):
    channel = acl.media.dvpp_create_channel_desc()
    assert channel and acl.media.dvpp_create_channel(channel) == SUCCESS
    yield {"stream": pyacl_stream[1], "channel": channel}
    assert acl.media.dvpp_destroy_channel(channel) == SUCCESS
    assert acl.media.dvpp_destroy_channel_desc(channel) == SUCCESS


def to_device(data: bytes) -> int:
    dev, ret = acl.media.dvpp_malloc(len(data))
    assert ret == SUCCESS and dev
    assert acl.rt.memcpy(dev, len(data), acl.util.bytes_to_ptr(data), len(data), H2D) == SUCCESS
    return dev


def to_host(dev: int, size: int) -> np.ndarray:
    out = np.zeros(size, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, dev, size, D2H) == SUCCESS
    return out


def fill_pic_desc(desc: int, data: int, size: int, w: int, h: int, ws: int, hs: int, fmt: int = NV12) -> int:
    """Sets every field of picture description `desc` and returns it."""
    m = acl.media
    for ret in (
        m.dvpp_set_pic_desc_data(desc, data),
        m.dvpp_set_pic_desc_size(desc, size),
        m.dvpp_set_pic_desc_format(desc, fmt),
        m.dvpp_set_pic_desc_width(desc, w),
        m.dvpp_set_pic_desc_height(desc, h),
        m.dvpp_set_pic_desc_width_stride(desc, ws),
        m.dvpp_set_pic_desc_height_stride(desc, hs),
    ):
        assert ret == SUCCESS
    return desc


def pic_desc(data: int, size: int, w: int, h: int, ws: int, hs: int) -> int:
    return fill_pic_desc(acl.media.dvpp_create_pic_desc(), data, size, w, h, ws, hs)


def decode(env, data: bytes) -> tuple[int, int]:
    """Decodes to NV12: (output description, its buffer)."""
    host = acl.util.bytes_to_ptr(data)
    size, ret = acl.media.dvpp_jpeg_predict_dec_size(host, len(data), NV12)
    assert ret == SUCCESS
    out, ret = acl.media.dvpp_malloc(size)
    assert ret == SUCCESS
    desc = acl.media.dvpp_create_pic_desc()
    acl.media.dvpp_set_pic_desc_data(desc, out)
    acl.media.dvpp_set_pic_desc_size(desc, size)
    acl.media.dvpp_set_pic_desc_format(desc, NV12)
    dev = to_device(data)
    assert acl.media.dvpp_jpeg_decode_async(env["channel"], dev, len(data), desc, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    assert acl.media.dvpp_free(dev) == SUCCESS
    return desc, out


def test_image_info_and_predicted_size():
    data = jpeg_bytes(scene(203, 151), quality=90, subsampling=0)
    w, h, c, ret = acl.media.dvpp_jpeg_get_image_info(acl.util.bytes_to_ptr(data), len(data))
    assert (w, h, c, ret) == (203, 151, 3, SUCCESS)
    w, h, c, fmt, ret = acl.media.dvpp_jpeg_get_image_info_v2(acl.util.bytes_to_ptr(data), len(data))
    assert (w, h, fmt, ret) == (203, 151, 0, SUCCESS)  # ACL_JPEG_CSS_444
    size, ret = acl.media.dvpp_jpeg_predict_dec_size(acl.util.bytes_to_ptr(data), len(data), NV12)
    assert ret == SUCCESS and size == 256 * 160 * 3 // 2
    garbage = bytes(range(256)) * 4
    *_, ret = acl.media.dvpp_jpeg_get_image_info(acl.util.bytes_to_ptr(garbage), len(garbage))
    assert ret == INVALID_PARAM


def test_decode_matches_pillow_and_fills_the_description(env):
    data = jpeg_bytes(scene(640, 480), quality=90)
    desc, out = decode(env, data)
    m = acl.media
    assert (m.dvpp_get_pic_desc_width(desc), m.dvpp_get_pic_desc_height(desc)) == (640, 480)
    assert (m.dvpp_get_pic_desc_width_stride(desc), m.dvpp_get_pic_desc_height_stride(desc)) == (640, 480)
    assert m.dvpp_get_pic_desc_ret_code(desc) == 0 and m.dvpp_get_pic_desc_data(desc) == out
    y = to_host(out, 640 * 480).reshape(480, 640)
    assert np.abs(y.astype(int) - luma(data)).mean() < 0.5
    assert m.dvpp_destroy_pic_desc(desc) == SUCCESS and m.dvpp_free(out) == SUCCESS


def test_resize_and_crop_match_pillow(env):
    data = jpeg_bytes(scene(640, 480), quality=90)
    src, src_mem = decode(env, data)
    ref = luma(data)
    size = 224 * 224 * 3 // 2
    dst_mem, _ = acl.media.dvpp_malloc(size)
    dst = pic_desc(dst_mem, size, 224, 224, 224, 224)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(env["channel"], src, dst, cfg, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    y = to_host(dst_mem, 224 * 224).reshape(224, 224)
    pil = np.asarray(Image.fromarray(ref).resize((224, 224), Image.Resampling.BILINEAR))
    assert np.abs(y.astype(int) - pil).mean() < 4.0
    roi = acl.media.dvpp_create_roi_config(100, 323, 50, 273)  # 224 x 224 at (100, 50): a copy
    assert acl.media.dvpp_vpc_crop_async(env["channel"], src, dst, roi, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    y = to_host(dst_mem, 224 * 224).reshape(224, 224)
    assert np.array_equal(y, ref[50:274, 100:324])
    assert acl.media.dvpp_set_roi_config(roi, 100, 700, 50, 273) == SUCCESS  # outside the picture
    assert acl.media.dvpp_vpc_crop_async(env["channel"], src, dst, roi, env["stream"]) == INVALID_PARAM
    for ret in (
        acl.media.dvpp_destroy_roi_config(roi),
        acl.media.dvpp_destroy_resize_config(cfg),
        acl.media.dvpp_destroy_pic_desc(dst),
        acl.media.dvpp_destroy_pic_desc(src),
        acl.media.dvpp_free(dst_mem),
        acl.media.dvpp_free(src_mem),
    ):
        assert ret == SUCCESS


def test_encode_decodes_back_with_pillow(env):
    w, h = 96, 64
    ramp = (np.add.outer(np.arange(h), np.arange(w)) % 256).astype(np.uint8)
    nv12 = np.concatenate([ramp, np.full((h // 2, w), 128, np.uint8)]).tobytes()
    src_mem = to_device(nv12)
    src = pic_desc(src_mem, len(nv12), w, h, w, h)
    cfg = acl.media.dvpp_create_jpege_config()
    assert acl.media.dvpp_set_jpege_config_level(cfg, 95) == SUCCESS
    assert acl.media.dvpp_get_jpege_config_level(cfg) == 95
    predicted, ret = acl.media.dvpp_jpeg_predict_enc_size(src, cfg)
    assert ret == SUCCESS and predicted >= len(nv12)
    out, _ = acl.media.dvpp_malloc(predicted)
    size = np.array([predicted], dtype=np.uint32)
    ret = acl.media.dvpp_jpeg_encode_async(
        env["channel"], src, out, acl.util.numpy_to_ptr(size), cfg, env["stream"]
    )
    assert ret == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    n = int(size[0])
    assert 100 < n < predicted
    jpeg = to_host(out, n).tobytes()
    back = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"))
    assert back.shape == (h, w) and np.abs(back.astype(int) - ramp).mean() < 2.0
    for r in (
        acl.media.dvpp_destroy_jpege_config(cfg),
        acl.media.dvpp_destroy_pic_desc(src),
        acl.media.dvpp_free(out),
        acl.media.dvpp_free(src_mem),
    ):
        assert r == SUCCESS


def test_png_decode_equals_pillow(env):
    rgb = scene(70, 40, seed=4)
    buf = io.BytesIO()
    rgb.save(buf, "PNG")
    data = buf.getvalue()
    w, h, c, ret = acl.media.dvpp_png_get_image_info(acl.util.bytes_to_ptr(data), len(data))
    assert (w, h, c, ret) == (70, 40, 3, SUCCESS)
    size, ret = acl.media.dvpp_png_predict_dec_size(acl.util.bytes_to_ptr(data), len(data), RGB888)
    assert ret == SUCCESS and size == 128 * 3 * 48
    out, _ = acl.media.dvpp_malloc(size)
    desc = acl.media.dvpp_create_pic_desc()
    acl.media.dvpp_set_pic_desc_data(desc, out)
    acl.media.dvpp_set_pic_desc_size(desc, size)
    acl.media.dvpp_set_pic_desc_format(desc, RGB888)
    dev = to_device(data)
    assert acl.media.dvpp_png_decode_async(env["channel"], dev, len(data), desc, env["stream"]) == SUCCESS
    assert acl.rt.synchronize_stream(env["stream"]) == SUCCESS
    assert acl.media.dvpp_get_pic_desc_width_stride(desc) == 128 * 3
    pixels = to_host(out, size).reshape(48, 128 * 3)[:40, : 70 * 3].reshape(40, 70, 3)
    assert np.array_equal(pixels, np.asarray(rgb))
    for r in (acl.media.dvpp_destroy_pic_desc(desc), acl.media.dvpp_free(out), acl.media.dvpp_free(dev)):
        assert r == SUCCESS


def test_bad_input_codes(env):
    assert acl.media.dvpp_free(0) == INVALID_PARAM
    _, ret = acl.media.dvpp_malloc(0)
    assert ret == INVALID_PARAM
    assert acl.media.dvpp_create_channel(0) == INVALID_PARAM
    assert acl.media.dvpp_jpeg_decode_async(env["channel"], 0, 10, 0, env["stream"]) == INVALID_PARAM


@pytest.mark.skipif(acl.__backend__ != "host" or not acl._strict(), reason="strict mode of the host runtime")
def test_bad_handles_and_pointers_are_refused(env):
    """Handles are judged by libacl_dvpp's registry, host pointers by pyACL: 100000 naming the argument,
    never a dereference of a wrong int (the fuzz test's SIGSEGV in check_channel and JPEG info)."""
    pic = acl.media.dvpp_create_pic_desc()
    resize = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_set_pic_desc_width(pic, 64) == SUCCESS
    assert acl.media.dvpp_get_pic_desc_width(pic) == 64
    assert acl.media.dvpp_destroy_pic_desc(pic) == SUCCESS
    assert acl.media.dvpp_set_pic_desc_width(pic, 4) == INVALID_PARAM  # destroyed
    assert "picDesc" in acl.get_recent_err_msg()
    assert acl.media.dvpp_get_pic_desc_width(0xDEAD000) == 0  # never created
    assert "picDesc" in acl.get_recent_err_msg()
    assert acl.media.dvpp_destroy_pic_desc(resize) == INVALID_PARAM  # another kind
    assert "acldvppResizeConfig" in acl.get_recent_err_msg()
    assert acl.media.dvpp_vpc_resize_async(0xDEAD000, 0, 0, resize, env["stream"]) == INVALID_PARAM
    assert "channelDesc" in acl.get_recent_err_msg()
    assert acl.media.dvpp_vpc_resize_async(env["channel"], pic, 0, resize, env["stream"]) == INVALID_PARAM
    assert "inputDesc" in acl.get_recent_err_msg()
    *_, ret = acl.media.dvpp_jpeg_get_image_info(0xDEAD000, 100)  # an address no ACL call handed out
    assert ret == INVALID_PARAM
    assert acl.media.dvpp_destroy_resize_config(resize) == SUCCESS
