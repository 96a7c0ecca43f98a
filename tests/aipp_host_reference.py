"""AIPP in numpy, step by step as the host runtime runs it (csrc/host/src/aipp_apply.cpp): decode, R/B or
U/V swap, crop, scf (bilinear, half-pixel centres, 11-bit integer weights, rounded), padding, CSC
(integer, floor division by 256, clamped), DTC ``(x - mean - min) * var_reci`` in float32 as one fused
multiply-add. Everything before DTC is integer arithmetic, and DTC is one correctly rounded fma
(:func:`fma32`), so the reference is exact."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FORMATS = {"YUV420SP_U8": 1, "XRGB8888_U8": 2, "RGB888_U8": 3, "YUV400_U8": 4}


@dataclass
class Batch:
    crop: tuple[int, int, int, int] | None = None  # x, y, w, h
    scf: tuple[int, int] | None = None  # output w, h
    pad: tuple[int, int, int, int] | None = None  # top, bottom, left, right
    mean: tuple[int, int, int, int] = (0, 0, 0, 0)
    min: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    var: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)


@dataclass
class Common:
    fmt: str
    src_w: int
    src_h: int
    csc: bool = False
    matrix: tuple[int, ...] = (298, 516, 0, 298, -100, -208, 298, 0, 409)
    out_bias: tuple[int, int, int] = (16, 128, 128)
    in_bias: tuple[int, int, int] = (16, 128, 128)
    rbuv_swap: bool = False
    ax_swap: bool = False
    pad_value: int = 0
    batches: list[Batch] = field(default_factory=lambda: [Batch()])


def picture_bytes(c: Common) -> int:
    n = c.src_w * c.src_h
    return {"YUV420SP_U8": n * 3 // 2, "XRGB8888_U8": n * 4, "RGB888_U8": n * 3, "YUV400_U8": n}[c.fmt]


def _decode(c: Common, raw: np.ndarray) -> np.ndarray:
    h, w = c.src_h, c.src_w
    if c.fmt == "YUV420SP_U8":
        y = raw[: h * w].reshape(h, w)
        uv = raw[h * w : h * w * 3 // 2].reshape(h // 2, w // 2, 2).repeat(2, axis=0).repeat(2, axis=1)
        return np.concatenate([y[..., None], uv], axis=2).astype(np.int64)
    if c.fmt == "XRGB8888_U8":
        x = raw[: h * w * 4].reshape(h, w, 4)
        return (x[..., 0:3] if c.ax_swap else x[..., 1:4]).astype(np.int64)
    channels = 3 if c.fmt == "RGB888_U8" else 1
    return raw[: h * w * channels].reshape(h, w, channels).astype(np.int64)


def _coords(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    o = np.arange(n_out, dtype=np.int64)
    num = np.maximum((2 * o + 1) * n_in - n_out, 0)
    den = 2 * n_out
    i0 = num // den
    f = (num - i0 * den) * 2048 // den
    last = i0 >= n_in - 1
    i0 = np.where(last, n_in - 1, i0)
    f = np.where(last, 0, f)
    return i0, np.minimum(i0 + 1, n_in - 1), f


def _resize(x: np.ndarray, w: int, h: int) -> np.ndarray:
    y0, y1, fy = _coords(h, x.shape[0])
    x0, x1, fx = _coords(w, x.shape[1])
    fy, fx = fy[:, None, None], fx[None, :, None]
    v = (
        x[y0][:, x0] * (2048 - fx) * (2048 - fy)
        + x[y0][:, x1] * fx * (2048 - fy)
        + x[y1][:, x0] * (2048 - fx) * fy
        + x[y1][:, x1] * fx * fy
    )
    return (v + (1 << 21)) >> 22


def fma32(x: np.ndarray, mul: np.ndarray, add: np.ndarray) -> np.ndarray:
    """float32 ``fma(x, mul, add)`` (one rounding) for integers ``x`` in 0..255: ``x * mul`` is exact in
    float64; the float64 sum's rounding error (TwoSum) breaks the float32 ties the sum alone would not."""
    p = x.astype(np.float64) * mul.astype(np.float64)
    a = np.broadcast_to(add.astype(np.float64), p.shape)
    s = p + a
    bb = s - p
    err = (p - (s - bb)) + (a - bb)
    r = s.astype(np.float32)
    lo = np.where(r.astype(np.float64) > s, np.nextafter(r, np.float32(-np.inf)), r)
    hi = np.nextafter(lo, np.float32(np.inf))
    tie = (s - lo.astype(np.float64)) == (hi.astype(np.float64) - s)
    return np.where(tie & (err > 0), hi, np.where(tie & (err < 0), lo, r))


def reference(c: Common, pictures: np.ndarray, nchw: bool = True) -> np.ndarray:
    """``pictures``: the picture input's bytes (the images packed one after another) -> float32 [N, ...]."""
    raw = np.ascontiguousarray(pictures).reshape(-1)
    one = picture_bytes(c)
    yuv = c.fmt in ("YUV420SP_U8", "YUV400_U8")
    out = []
    for i, b in enumerate(c.batches):
        x = _decode(c, raw[i * one : (i + 1) * one])
        if c.rbuv_swap and x.shape[2] == 3:
            x = x[..., [0, 2, 1]] if c.fmt == "YUV420SP_U8" else x[..., [2, 1, 0]]
        if b.crop:
            cx, cy, cw, ch = b.crop
            x = x[cy : cy + ch, cx : cx + cw]
        if b.scf:
            x = _resize(x, *b.scf)
        if b.pad:
            t, bo, le, r = b.pad
            x = np.pad(x, ((t, bo), (le, r), (0, 0)), constant_values=c.pad_value)
        if c.csc and x.shape[2] == 3:
            m = np.array(c.matrix, np.int64).reshape(3, 3)
            if yuv:
                x = (x - np.array(c.in_bias, np.int64)) @ m.T // 256
            else:
                x = (x @ m.T) // 256 + np.array(c.out_bias, np.int64)
            x = np.clip(x, 0, 255)
        ch = x.shape[2]
        mean = np.float32(np.array(b.mean[:ch], np.float32) + np.array(b.min[:ch], np.float32))
        var = np.array(b.var[:ch], np.float32)
        add = (-mean * var).astype(np.float32)
        y = fma32(x, var, add)
        out.append(y.transpose(2, 0, 1) if nchw else y)
    return np.stack(out)
