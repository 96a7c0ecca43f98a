"""VPC bilinear resize, both planes against a bilinear reference computed here (csrc/dvpp/src/scale_nv12.cpp
filters both planes of a down-scale horizontally from a table of sample positions, on x86).

The source planes are smooth random fields (a coarse random grid upscaled), different for Y, U and V,
so a swapped U/V, a shifted pair or row, a missing band or a wrong stride all move samples by many
grey levels. Every output sample must be within 1.5 of the source sampled bilinearly at libyuv's
positions (a down-scale samples at output pixel centres, an up-scale maps the end pixels onto each
other): 8-bit vertical and 7-bit horizontal weights round by at most that much on these fields. That
holds for chroma up-scales too since they go through libyuv's plane scaler (scale_nv12.cpp): its
interleaved UV scaler weighed 127 - f and f, a gain of 127/128, and was 2-3.5 levels off here.
NV12 and NV21, strides wider than the rows, down-scales (the table path), a horizontal up-scale with a
vertical down-scale (table path too), a 2-D up-scale (libyuv's own path), odd sizes (relaxed mode
only, in a child process: strict mode wants even YUV420SP sizes), and big pictures whose columns do not
split exactly into two bands (vpc.cpp's split_columns: such bands sampled up to 0.6 pixel off)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

H2D, D2H, NV12, NV21 = 1, 2, 1, 2
TOLERANCE = 1.5


def field(w: int, h: int, seed: int) -> np.ndarray:
    """A smooth random uint8 plane (about 30 source pixels per grid cell)."""
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, 256, (h // 30 + 2, w // 30 + 2)).astype(np.uint8)
    return np.asarray(Image.fromarray(grid).resize((w, h), Image.Resampling.BILINEAR))


def positions(n_out: int, n_in: int) -> np.ndarray:
    """libyuv's bilinear sample positions along one axis (ScaleSlope)."""
    if n_out <= n_in:  # down: output pixel centres
        pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    else:  # up: first and last pixels on each other
        pos = np.arange(n_out) * (n_in - 1) / max(n_out - 1, 1)
    return np.clip(pos, 0, n_in - 1)


def bilinear(plane: np.ndarray, w: int, h: int) -> np.ndarray:
    src = plane.astype(np.float64)
    ys, xs = positions(h, src.shape[0]), positions(w, src.shape[1])
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, src.shape[0] - 1), np.minimum(x0 + 1, src.shape[1] - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = src[y0][:, x0] * (1 - fx) + src[y0][:, x1] * fx
    bottom = src[y1][:, x0] * (1 - fx) + src[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def nv_bytes(y: np.ndarray, u: np.ndarray, v: np.ndarray, stride: int, fmt: int) -> bytes:
    h, w = y.shape
    hs = h + h % 2  # the chroma starts after the (even) height stride
    buf = np.zeros((hs + (h + 1) // 2, stride), np.uint8)
    buf[:h, :w] = y
    first, second = (u, v) if fmt == NV12 else (v, u)
    buf[hs:, 0 : 2 * u.shape[1] : 2] = first
    buf[hs:, 1 : 2 * u.shape[1] : 2] = second
    return buf.tobytes()


def pic(w: int, h: int, stride: int, fmt: int, data: bytes | None = None) -> tuple[int, int, int]:
    hs = h + h % 2
    size = stride * hs * 3 // 2
    mem, ret = acl.media.dvpp_malloc(size)
    assert ret == 0
    if data is not None:
        assert acl.rt.memcpy(mem, size, acl.util.bytes_to_ptr(data), len(data), H2D) == 0
    desc = acl.media.dvpp_create_pic_desc()
    m = acl.media
    for setter, val in ((m.dvpp_set_pic_desc_data, mem), (m.dvpp_set_pic_desc_size, size),
                        (m.dvpp_set_pic_desc_format, fmt), (m.dvpp_set_pic_desc_width, w),
                        (m.dvpp_set_pic_desc_height, h), (m.dvpp_set_pic_desc_width_stride, stride),
                        (m.dvpp_set_pic_desc_height_stride, hs)):  # fmt: skip
        assert setter(desc, val) == 0
    return desc, mem, size


def resize_errors(case: tuple[int, ...], channel: int, stream: int) -> tuple[float, float, float]:
    """Resizes the fields through acldvppVpcResizeAsync; the largest error of Y, U and V."""
    sw, sh, sstride, dw, dh, dstride, fmt = case
    cw, ch, dcw, dch = (sw + 1) // 2, (sh + 1) // 2, (dw + 1) // 2, (dh + 1) // 2
    y, u, v = field(sw, sh, 1), field(cw, ch, 2), field(cw, ch, 3)
    src, src_mem, _ = pic(sw, sh, sstride, fmt, nv_bytes(y, u, v, sstride, fmt))
    dst, dst_mem, size = pic(dw, dh, dstride, fmt)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(channel, src, dst, cfg, stream) == 0
    assert acl.rt.synchronize_stream(stream) == 0, acl.get_recent_err_msg()
    out = np.zeros(size, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, dst_mem, size, D2H) == 0
    dhs = dh + dh % 2
    rows = out.reshape(-1, dstride)
    oy, ouv = rows[:dh, :dw], rows[dhs : dhs + dch, : 2 * dcw]
    ou, ov = (ouv[:, 0::2], ouv[:, 1::2]) if fmt == NV12 else (ouv[:, 1::2], ouv[:, 0::2])
    for h in (src, dst):
        acl.media.dvpp_destroy_pic_desc(h)
    acl.media.dvpp_destroy_resize_config(cfg)
    for mem in (src_mem, dst_mem):
        acl.media.dvpp_free(mem)
    # VPC reads an odd YUV420SP input "rounded down to 2-aligned (15 x 15 is processed as 14 x 14)"
    # (CANN aclcppdevg, acldvppVpcResizeAsync): the reference scales that picture.
    ew, eh = sw - sw % 2, sh - sh % 2
    y, u, v = y[:eh, :ew], u[: eh // 2, : ew // 2], v[: eh // 2, : ew // 2]
    return tuple(
        float(np.abs(o - bilinear(p, o.shape[1], o.shape[0])).max()) for o, p in ((oy, y), (ou, u), (ov, v))
    )


# (source w, h, width stride, output w, h, width stride, format)
CASES = [
    (1920, 1080, 1920, 224, 224, 224, NV12),  # the benchmark's resize (one call)
    (1920, 1080, 1920, 224, 224, 224, NV21),
    (1918, 1080, 1920, 302, 98, 304, NV12),  # no exact column split: one call (two bands were off)
    (500, 400, 512, 202, 150, 208, NV12),  # one band, strides wider than the rows
    (500, 400, 512, 202, 150, 208, NV21),
    (320, 480, 320, 500, 200, 512, NV12),  # wider, shorter: the table path up-scales columns
    (224, 224, 224, 640, 480, 640, NV21),  # up-scale: libyuv's own path
]


def _case_id(c: tuple[int, ...]) -> str:
    return f"{c[0]}x{c[1]}to{c[3]}x{c[4]}-{'NV12' if c[6] == NV12 else 'NV21'}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_resize_matches_bilinear_reference(dvpp, case):
    errors = resize_errors(case, *dvpp)
    assert max(errors) <= TOLERANCE, f"Y, U, V: {errors}"


# (source w, h, output w, h): 2-D up-scales, 2x across with another ratio down, exactly half across
# with the same height, a vertical-only up-scale, and the table path's down-scale.
FLAT_CASES = [
    (224, 224, 640, 480),
    (64, 64, 128, 100),
    (128, 64, 64, 64),
    (64, 64, 64, 96),
    (640, 480, 224, 224),
]


@pytest.mark.parametrize("case", FLAT_CASES, ids=lambda c: f"{c[0]}x{c[1]}to{c[2]}x{c[3]}")
def test_flat_chroma_stays_flat(dvpp, case):
    """A bilinear resize of flat planes gives the same flat planes: blends weigh 128 - f and f.
    libyuv's interleaved UV scaler weighs 127 - f and f (a gain of 127/128), which moved a flat U of 250
    to 248 and grey's 128 to 127 in every up-scale and in the down-scales off the table path."""
    sw, sh, dw, dh = case
    channel, stream = dvpp
    cw, ch, dcw, dch = sw // 2, sh // 2, dw // 2, dh // 2
    flat = {
        "y": np.full((sh, sw), 80, np.uint8),
        "u": np.full((ch, cw), 250, np.uint8),
        "v": np.full((ch, cw), 128, np.uint8),
    }
    src, src_mem, _ = pic(sw, sh, sw, NV12, nv_bytes(flat["y"], flat["u"], flat["v"], sw, NV12))
    dst, dst_mem, size = pic(dw, dh, dw, NV12)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(channel, src, dst, cfg, stream) == 0
    assert acl.rt.synchronize_stream(stream) == 0, acl.get_recent_err_msg()
    out = np.zeros(size, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, dst_mem, size, D2H) == 0
    rows = out.reshape(-1, dw)
    y, uv = rows[:dh], rows[dh : dh + dch, : 2 * dcw]
    for h in (src, dst):
        acl.media.dvpp_destroy_pic_desc(h)
    acl.media.dvpp_destroy_resize_config(cfg)
    for mem in (src_mem, dst_mem):
        acl.media.dvpp_free(mem)
    values = {
        "y": np.unique(y).tolist(),
        "u": np.unique(uv[:, 0::2]).tolist(),
        "v": np.unique(uv[:, 1::2]).tolist(),
    }
    assert values == {"y": [80], "u": [250], "v": [128]}


ODD_CASES = [(999, 777, 1008, 333, 221, 336, NV12), (1919, 1081, 1920, 301, 97, 304, NV21)]


def test_odd_sizes_relaxed(dvpp):
    """Odd sizes (relaxed mode: a child process with ACL_HOST_STRICT=0): the input is read rounded down to
    even sizes, the output is written at its own odd size."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import acl, test_dvpp_vpc_chroma as t\n"
        "assert acl.init() == 0 and acl.rt.set_device(0) == 0\n"
        "stream, _ = acl.rt.create_stream(); ch = acl.media.dvpp_create_channel_desc()\n"
        "assert acl.media.dvpp_create_channel(ch) == 0\n"
        "for case in t.ODD_CASES: print(max(t.resize_errors(case, ch, stream)))\n"
    )
    env = dict(os.environ, ACL_HOST_STRICT="0")
    r = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], env=env, capture_output=True,
                       text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    errors = [float(s) for s in r.stdout.split()]
    assert len(errors) == len(ODD_CASES) and max(errors) <= TOLERANCE, errors
