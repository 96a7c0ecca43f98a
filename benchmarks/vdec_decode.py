"""VDEC on the CPU (libacl_dvpp's aclvdec* through pyACL's acl.media.vdec_*) vs PyAV (FFmpeg) decoding the
same H.264 clip, interleaved round by round.

    python benchmarks/vdec_decode.py [--size 1920x1080] [--frames 60] [--repeats 7]

The clip is made with PyAV's libx264 (veryfast, no B-frames), with ``--content``: ``pan`` (default) a
picture panned 8 pixels a frame, which motion compensation predicts exactly (tiny frames: decoding is
cheap and VDEC's write of every picture into the caller's buffer weighs most), or ``camera`` the same
pan with sensor-like noise (sigma 4) at ``--bitrate`` (default 8 Mbit/s, a 1080p camera stream's), whose
residuals the decoder must work through as in footage from a real camera.

VDEC: every access unit sent with its own output picture, EOS, callbacks on an acl.util.start_thread
report thread (the acllite flow), NV12 out;
PyAV: CodecContext.decode of the same packets to its own frames (no conversion), with VDEC's libavcodec
threading (slice threads, as many as CPUs: PyAV's default too). After one uncounted round of each, every
round runs VDEC then PyAV; each side's figures are per round: decoded frames per second (wall clock) and
the process's CPU milliseconds per frame (every thread: what a shared machine's load moves less). The
ratios printed are medians of the rounds' ratios. Needs acl-async installed (``pip install .``).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import acl
import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import video_clips  # noqa: E402

H264_HIGH, NV12 = 3, 1
#: libavcodec threading of both decoders: VDEC's (csrc/dvpp/src/avcodec.cpp), given to PyAV explicitly.
THREAD_TYPE, THREAD_COUNT = "SLICE", 0


def make_clip(width: int, height: int, frames: int, content: str = "pan",
              bitrate: int = 8_000_000) -> list[bytes]:  # fmt: skip
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "yuv420p"
    ctx.time_base = Fraction(1, 25)
    ctx.max_b_frames = 0
    ctx.options = {"preset": "veryfast"}
    if content == "camera":
        ctx.bit_rate = bitrate
    out: list[bytes] = []
    base = video_clips.frames_rgb(width, height, 1)[0]
    rng = np.random.default_rng(0)
    for i in range(frames):
        rgb = np.roll(base, 8 * i, axis=1)
        if content == "camera":
            noise = rng.normal(0.0, 4.0, rgb.shape).astype(np.int16)
            rgb = np.clip(rgb.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        f = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
        f.pts = i
        out += [bytes(p) for p in ctx.encode(f)]
    return out + [bytes(p) for p in ctx.encode(None)]


def pyav_fps(packets: list[bytes]) -> float:
    ctx = av.CodecContext.create("h264", "r")
    ctx.thread_type, ctx.thread_count = THREAD_TYPE, THREAD_COUNT
    t0 = time.perf_counter()
    n = sum(len(ctx.decode(av.Packet(p))) for p in packets) + len(ctx.decode(None))
    return n / (time.perf_counter() - t0)


class Vdec:
    def __init__(self, width: int, height: int, context: int):
        m = acl.media
        self.size = width * height * 3 // 2
        self.done = 0
        self.running = True
        self.context = context
        self.tid, ret = acl.util.start_thread(self._loop, [])
        assert ret == 0
        self.desc = m.vdec_create_channel_desc()
        for ret in (
            m.vdec_set_channel_desc_thread_id(self.desc, self.tid),
            m.vdec_set_channel_desc_callback(self.desc, self._callback),
            m.vdec_set_channel_desc_entype(self.desc, H264_HIGH),
            m.vdec_set_channel_desc_out_pic_format(self.desc, NV12),
            m.vdec_create_channel(self.desc),
        ):
            assert ret == 0, acl.get_recent_err_msg()

    def _loop(self, _args: list[object]) -> None:
        acl.rt.set_context(self.context)
        while self.running:
            acl.rt.process_report(50)

    def _callback(self, stream: int, pic: int, _user: object) -> None:
        m = acl.media
        self.done += m.dvpp_get_pic_desc_ret_code(pic) == 0
        m.dvpp_destroy_stream_desc(stream)
        m.dvpp_destroy_pic_desc(pic)

    def fps(self, inputs: list[tuple[int, int]], outputs: list[int]) -> float:
        m = acl.media
        self.done = 0
        t0 = time.perf_counter()
        for (data, size), out in zip(inputs, outputs, strict=True):
            s = m.dvpp_create_stream_desc()
            m.dvpp_set_stream_desc_data(s, data)
            m.dvpp_set_stream_desc_size(s, size)
            p = m.dvpp_create_pic_desc()
            m.dvpp_set_pic_desc_data(p, out)
            m.dvpp_set_pic_desc_size(p, self.size)
            m.dvpp_set_pic_desc_format(p, NV12)
            assert m.vdec_send_frame(self.desc, s, p, 0, None) == 0
        eos = m.dvpp_create_stream_desc()
        m.dvpp_set_stream_desc_eos(eos, 1)
        assert m.vdec_send_frame(self.desc, eos, 0, 0, None) == 0
        elapsed = time.perf_counter() - t0
        m.dvpp_destroy_stream_desc(eos)
        return self.done / elapsed

    def close(self) -> None:
        acl.media.vdec_destroy_channel(self.desc)
        acl.media.vdec_destroy_channel_desc(self.desc)
        self.running = False
        acl.util.stop_thread(self.tid)


def cpu_seconds() -> float:
    """CPU time of the whole process (every thread: VDEC's stream worker and report thread too)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@dataclass
class Rounds:
    """Per round: each side's decoded frames/s and process CPU ms per frame."""

    fps: dict[str, list[float]] = field(default_factory=lambda: {"VDEC": [], "PyAV": []})
    cpu_ms: dict[str, list[float]] = field(default_factory=lambda: {"VDEC": [], "PyAV": []})

    def wall_ratio(self) -> float:
        """Median over the rounds of VDEC's frames/s / PyAV's (above 1: VDEC faster)."""
        return statistics.median(o / t for o, t in zip(self.fps["VDEC"], self.fps["PyAV"], strict=True))

    def cpu_ratio(self) -> float:
        """Median over the rounds of PyAV's CPU per frame / VDEC's (above 1: VDEC cheaper)."""
        return statistics.median(t / o for o, t in zip(self.cpu_ms["VDEC"], self.cpu_ms["PyAV"], strict=True))

    def summary(self) -> str:
        med = {k: statistics.median(v) for k, v in self.fps.items()}
        cpu = {k: statistics.median(v) for k, v in self.cpu_ms.items()}
        n = len(self.fps["VDEC"])
        return (f"VDEC {med['VDEC']:.1f} frames/s, {cpu['VDEC']:.2f} CPU ms/frame; PyAV {med['PyAV']:.1f} "
                f"frames/s, {cpu['PyAV']:.2f} CPU ms/frame; ratios (median of {n} rounds): "
                f"wall {self.wall_ratio():.2f}x, CPU {self.cpu_ratio():.2f}x")  # fmt: skip


def decode_rates(packets: list[bytes], width: int, height: int, repeats: int, context: int) -> Rounds:
    """VDEC's and PyAV's figures for ``packets``: ``repeats`` interleaved rounds after one uncounted round of
    each (first touches of the output pages, codec set-up); VDEC's channel in ``context``."""
    inputs = []
    for p in packets:
        dev, _ = acl.media.dvpp_malloc(len(p))
        acl.rt.memcpy(dev, len(p), acl.util.bytes_to_ptr(p), len(p), 1)
        inputs.append((dev, len(p)))
    outputs = [acl.media.dvpp_malloc(width * height * 3 // 2)[0] for _ in packets]
    vdec = Vdec(width, height, context)
    vdec.fps(inputs, outputs), pyav_fps(packets)
    rounds = Rounds()
    for _ in range(repeats):
        for name, run in (("VDEC", lambda: vdec.fps(inputs, outputs)), ("PyAV", lambda: pyav_fps(packets))):
            start = cpu_seconds()
            rounds.fps[name].append(run())
            rounds.cpu_ms[name].append((cpu_seconds() - start) * 1e3 / len(packets))
    vdec.close()
    for ptr in [d for d, _ in inputs] + outputs:
        acl.media.dvpp_free(ptr)
    return rounds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--content", choices=("pan", "camera"), default="pan")
    ap.add_argument("--bitrate", type=int, default=8_000_000, help="bits/s of the camera clip")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    packets = make_clip(width, height, args.frames, args.content, args.bitrate)
    acl.init()
    acl.rt.set_device(0)
    context, _ = acl.rt.create_context(0)
    rounds = decode_rates(packets, width, height, args.repeats, context)
    mbits = sum(map(len, packets)) * 8 * 25 / len(packets) / 1e6
    print(
        f"{args.size} H.264 ({args.content}, {mbits:.1f} Mbit/s "
        f"at 25 frames/s), {len(packets)} frames, libavcodec threads {THREAD_TYPE.lower()} x "
        f"{THREAD_COUNT or 'auto'}: {rounds.summary()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
