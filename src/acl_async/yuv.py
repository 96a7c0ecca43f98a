"""YUV420SP (NV12) model inputs: the picture format DVPP's JPEG decoder and VPC produce, which an AIPP
model made with ``input_format: YUV420SP_U8`` takes (its AIPP converts the colours inside the model).

An NV12 picture of ``h`` x ``w`` (both even) is one uint8 plane of ``h * 3 / 2`` rows of ``w`` bytes: the
luma rows, then ``h / 2`` rows of interleaved U, V samples, each for a 2 x 2 block of pixels. As a model
input it is ``[N, h * 3 / 2, w, 1]`` (what ``acl-async atc`` gives such an input).

The Pillow path makes it from RGB with JPEG's (JFIF) full-range BT.601 conversion, the YUV that a JPEG
holds and JPEGD returns, so both paths feed the model the same colours.

Nothing here needs the C++ extension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["YUV420SP", "aipp_input_format", "nv12_hw", "nv12_shape", "rgb_to_nv12"]

#: CANN's AIPP ``input_format`` name of NV12 input.
YUV420SP = "YUV420SP_U8"


def nv12_shape(height: int, width: int) -> tuple[int, int, int, int]:
    """The model input shape of one ``height`` x ``width`` NV12 picture."""
    return (1, height * 3 // 2, width, 1)


def nv12_hw(dims: Sequence[int]) -> tuple[int, int]:
    """(height, width) of the pictures an NV12 input ``[N, h * 3 / 2, w, 1]`` takes; ValueError otherwise."""
    dims = [int(d) for d in dims]
    if len(dims) != 4 or dims[3] != 1 or dims[1] <= 0 or dims[2] <= 0 or dims[1] % 3 or dims[2] % 2:
        raise ValueError(f"a YUV420SP input is [N, H*3/2, W, 1] with H and W even, not {dims}")
    h = dims[1] * 2 // 3
    if h % 2:
        raise ValueError(f"a YUV420SP input is [N, H*3/2, W, 1] with H and W even, not {dims}")
    return h, dims[2]


def aipp_input_format(meta: Mapping[str, str], rank: int = 0) -> str | None:
    """The static AIPP ``input_format`` of model input ``rank`` from an ``acl-async atc`` .om's metadata
    (``aipp<i>.*`` entries, one block per AIPP input), or None when that input has no AIPP."""
    i = 0
    while f"aipp{i}.input_format" in meta:
        if meta.get(f"aipp{i}.related_input_rank", "0") == str(rank):
            return meta[f"aipp{i}.input_format"]
        i += 1
    return None


def rgb_to_nv12(rgb: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """An ``h`` x ``w`` x 3 uint8 RGB picture (h, w even) as NV12 (``h * 3 / 2`` x ``w``), JFIF full
    range (Pillow's ``YCbCr``), chroma the rounded mean of each 2 x 2 block. ``out``: a writable
    ``(h * 3 / 2, w)`` uint8 array to fill."""
    from PIL import Image

    h, w = rgb.shape[:2]
    if h % 2 or w % 2:
        raise ValueError(f"NV12 needs an even width and height, not {w}x{h}")
    image = Image.fromarray(np.ascontiguousarray(rgb), "RGB").convert("YCbCr")
    if out is None:
        out = np.empty((h * 3 // 2, w), dtype=np.uint8)
    out[:h] = np.asarray(image.getchannel(0))
    out[h:] = np.asarray(image.reduce(2))[:, :, 1:].reshape(h // 2, w)  # 2x2 means, rounded
    return out
