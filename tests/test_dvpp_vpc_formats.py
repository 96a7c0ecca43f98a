"""VPC's other input formats (the Ascend 310's input table, aclcppdevg "Restrictions on Image Formats, Width
and Height Alignment, and Buffers"): YUV400, YUV/YVU422SP, YUV/YVU444SP, packed YUV422 in its four orders
and 32-bit RGB in its four orders, each laid out here from the same Y, U and V (or R, G, B) planes and
resized to an NV12 picture of the same size (a copy, so only the conversion shows): the luma exactly, the
chroma as the 4:2:0 average of the input's chroma (within a level of rounding), YUV400's chroma grey.
A layout read in the wrong order (U for V, rows for columns, A for R) moves values by tens of levels."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

H2D, D2H, NV12 = 1, 2, 1
W, H = 64, 32
YUV400, NV16, NV61, NV24, NV42 = 0, 3, 4, 5, 6
YUYV, UYVY, YVYU, VYUY = 7, 8, 9, 10
RGB888, ARGB, ABGR, RGBA, BGRA = 12, 14, 15, 16, 17


def field(w: int, h: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, 256, (h // 8 + 2, w // 8 + 2)).astype(np.uint8)
    return np.asarray(Image.fromarray(grid).resize((w, h), Image.Resampling.BILINEAR))


Y, U, V = field(W, H, 1), field(W, H, 2), field(W, H, 3)  # full-resolution planes


def semi_planar(chroma_rows: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Y rows, then rows of interleaved first/second chroma."""
    uv = np.empty((chroma_rows.shape[0], 2 * first.shape[1]), np.uint8)
    uv[:, 0::2], uv[:, 1::2] = first, second
    return np.concatenate([Y.reshape(-1), uv.reshape(-1)])


def packed_422(order: str) -> np.ndarray:
    """Two pixels in four bytes, in `order` (e.g. "YUYV": Y of the first pixel, U, Y of the second, V)."""
    planes = {"U": U[:, 0::2], "V": V[:, 0::2]}
    lumas = iter([Y[:, 0::2], Y[:, 1::2]])
    out = np.empty((H, W * 2), np.uint8)
    for k, c in enumerate(order):
        out[:, k::4] = next(lumas) if c == "Y" else planes[c]
    return out.reshape(-1)


RGB = np.stack([field(W, H, 4), field(W, H, 5), field(W, H, 6)], axis=-1)


def rgb32(order: str) -> np.ndarray:
    channels = {"R": RGB[..., 0], "G": RGB[..., 1], "B": RGB[..., 2], "A": np.full((H, W), 77, np.uint8)}
    return np.stack([channels[c] for c in order], axis=-1).reshape(-1)


def box_rows(p: np.ndarray) -> np.ndarray:
    return (p[0::2].astype(np.float64) + p[1::2]) / 2


def box_2x2(p: np.ndarray) -> np.ndarray:
    return box_rows(p)[:, 0::2] / 2 + box_rows(p)[:, 1::2] / 2


# format -> (input bytes, width stride in bytes, the U and V the NV12 output must hold)
CASES = {
    YUV400: (Y.reshape(-1), W, None),
    NV16: (semi_planar(Y, U[:, 0::2], V[:, 0::2]), W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
    NV61: (semi_planar(Y, V[:, 0::2], U[:, 0::2]), W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
    NV24: (semi_planar(Y, U, V), W, (box_2x2(U), box_2x2(V))),
    NV42: (semi_planar(Y, V, U), W, (box_2x2(U), box_2x2(V))),
    YUYV: (packed_422("YUYV"), 2 * W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
    UYVY: (packed_422("UYVY"), 2 * W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
    YVYU: (packed_422("YVYU"), 2 * W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
    VYUY: (packed_422("VYUY"), 2 * W, (box_rows(U[:, 0::2]), box_rows(V[:, 0::2]))),
}
RGB32 = {ARGB: "ARGB", ABGR: "ABGR", RGBA: "RGBA", BGRA: "BGRA"}


def picture(fmt: int, data: np.ndarray | None, w: int, h: int, stride: int, size: int) -> tuple[int, int]:
    mem, ret = acl.media.dvpp_malloc(size)
    assert ret == 0
    if data is not None:
        assert acl.rt.memcpy(mem, size, acl.util.numpy_to_ptr(data), data.nbytes, H2D) == 0
    desc = acl.media.dvpp_create_pic_desc()
    m = acl.media
    for setter, val in ((m.dvpp_set_pic_desc_data, mem), (m.dvpp_set_pic_desc_size, size),
                        (m.dvpp_set_pic_desc_format, fmt), (m.dvpp_set_pic_desc_width, w),
                        (m.dvpp_set_pic_desc_height, h), (m.dvpp_set_pic_desc_width_stride, stride),
                        (m.dvpp_set_pic_desc_height_stride, h)):  # fmt: skip
        assert setter(desc, val) == 0
    return desc, mem


def to_nv12(dvpp, fmt: int, data: np.ndarray, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """data (format fmt, W x H) resized by VPC to a W x H NV12 picture: its Y, U and V."""
    channel, stream = dvpp
    src, src_mem = picture(fmt, np.ascontiguousarray(data), W, H, stride, max(data.nbytes, stride * H))
    size = W * H * 3 // 2
    dst, dst_mem = picture(NV12, None, W, H, W, size)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(channel, src, dst, cfg, stream) == 0, acl.get_recent_err_msg()
    assert acl.rt.synchronize_stream(stream) == 0, acl.get_recent_err_msg()
    out = np.zeros(size, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, dst_mem, size, D2H) == 0
    for d in (src, dst):
        acl.media.dvpp_destroy_pic_desc(d)
    acl.media.dvpp_destroy_resize_config(cfg)
    for mem in (src_mem, dst_mem):
        acl.media.dvpp_free(mem)
    uv = out[W * H :].reshape(H // 2, W)
    return out[: W * H].reshape(H, W), uv[:, 0::2], uv[:, 1::2]


@pytest.mark.parametrize("fmt", list(CASES), ids=lambda f: f"format{f}")
def test_yuv_inputs_convert_to_nv12(dvpp, fmt):
    data, stride, chroma = CASES[fmt]
    y, u, v = to_nv12(dvpp, fmt, data, stride)
    np.testing.assert_array_equal(y, Y)
    if chroma is None:
        assert (u == 128).all() and (v == 128).all()
        return
    assert np.abs(u - chroma[0]).max() <= 1 and np.abs(v - chroma[1]).max() <= 1


@pytest.mark.parametrize("fmt", list(RGB32), ids=lambda f: RGB32[f])
def test_rgb32_inputs_equal_the_rgb888_path(dvpp, fmt):
    """Each byte order of 32-bit RGB gives the NV12 the same pixels give as RGB888 (R, G, B bytes)."""
    want = to_nv12(dvpp, RGB888, RGB.reshape(-1), 3 * W)
    got = to_nv12(dvpp, fmt, rgb32(RGB32[fmt]), 4 * W)
    for a, b in zip(got, want, strict=True):
        assert np.abs(a.astype(int) - b).max() <= 1


def test_odd_width_of_a_422_input_is_refused(dvpp):
    channel, stream = dvpp
    data = packed_422("YUYV")
    src, src_mem = picture(YUYV, data, W - 1, H, 2 * W, data.nbytes)
    dst, dst_mem = picture(NV12, None, W, H, W, W * H * 3 // 2)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(channel, src, dst, cfg, stream) == 100000
    assert "must be even for PIXEL_FORMAT_YUYV_PACKED_422" in acl.get_recent_err_msg()
    for d in (src, dst):
        acl.media.dvpp_destroy_pic_desc(d)
    acl.media.dvpp_destroy_resize_config(cfg)
    for mem in (src_mem, dst_mem):
        acl.media.dvpp_free(mem)
