"""Video clips and FFmpeg (PyAV) references for the VDEC tests (csrc/host/tests/test_acl_vdec.c,
tests/test_pyacl_video.py).

write_video_clips(folder) writes, into the C tests' data folder:
  clip.h264     24 frames 160x120 H.264 (libx264, no B-frames: pictures come out in input order),
                Annex B, the access units one after another; clip.h264.sizes their sizes, one a line
  clip.y        the luma planes of FFmpeg's own decode of clip.h264 (24 x 160 x 120 bytes)
  clip.h265     the same frames as H.265 (libx265) with clip.h265.sizes: another codec's stream
"""

from __future__ import annotations

from fractions import Fraction
from os import PathLike
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT, FRAMES = 160, 120, 24


def frames_rgb(width: int = WIDTH, height: int = HEIGHT, count: int = FRAMES) -> list[np.ndarray]:
    """A moving gradient with a moving square (deterministic)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    out = []
    for i in range(count):
        r = 128 + 100 * np.sin((x + 4 * i) / 17.0)
        g = 255 * ((x + 3 * i) % width) / width
        b = 255 * y / max(height - 1, 1)
        rgb = np.stack([r, g, b], axis=-1)
        s = (5 * i) % (width - 32)
        rgb[40:72, s : s + 32] = (250, 30, 30)
        out.append(np.clip(rgb, 0, 255).astype(np.uint8))
    return out


def encode(codec: str, frames: list[np.ndarray]) -> list[bytes]:
    """The access units of `frames` encoded with FFmpeg's `codec` (libx264/libx265), Annex B."""
    ctx = av.CodecContext.create(codec, "w")
    ctx.width, ctx.height = frames[0].shape[1], frames[0].shape[0]
    ctx.pix_fmt = "yuv420p"
    ctx.time_base = Fraction(1, 25)
    ctx.gop_size = 12
    ctx.max_b_frames = 0
    if codec == "libx265":
        ctx.options = {"x265-params": "log-level=error:bframes=0"}
    packets: list[bytes] = []
    for i, rgb in enumerate(frames):
        f = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
        f.pts = i
        packets += [bytes(p) for p in ctx.encode(f)]
    packets += [bytes(p) for p in ctx.encode(None)]
    return packets


def decode_luma(codec: str, packets: list[bytes]) -> list[np.ndarray]:
    """FFmpeg's own decode of `packets` (h264/hevc): the luma plane of each picture."""
    ctx = av.CodecContext.create(codec, "r")
    frames = [f for p in packets for f in ctx.decode(av.Packet(p))] + list(ctx.decode(None))
    # The Y plane as decoded (format="gray" would let swscale stretch video range to full range).
    return [f.to_ndarray(format="yuv420p")[: f.height].copy() for f in frames]


def write_video_clips(folder: PathLike) -> Path:
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    frames = frames_rgb()
    for codec, dec, name in (("libx264", "h264", "clip.h264"), ("libx265", "hevc", "clip.h265")):
        packets = encode(codec, frames)
        (d / name).write_bytes(b"".join(packets))
        (d / f"{name}.sizes").write_text("".join(f"{len(p)}\n" for p in packets))
        if dec == "h264":
            lumas = decode_luma(dec, packets)
            assert len(lumas) == FRAMES, len(lumas)
            np.stack(lumas).tofile(d / "clip.y")
    return d
