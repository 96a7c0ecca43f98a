# ruff: noqa: F811  (tests take the imported fixtures `env` and `reporter` as arguments)
"""VDEC's output pictures, every byte: the Y plane and the interleaved chroma of each NV12/NV21 picture equal
FFmpeg's own decode of the same clip (PyAV), for a width whose rows and chroma rows end in a partial 16-byte
block (the copy's vector loop and its tail), and while the callback thread lags behind the decoder (the
stream's worker runs ahead, writing later frames' outputs while earlier callbacks have not run)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_pyacl_media import env, to_device, to_host  # noqa: E402,F401
from test_pyacl_media_values import HAS_MEDIA  # noqa: E402
from test_pyacl_video import H264_HIGH, NV12, NV21, SUCCESS, reporter  # noqa: E402,F401

acl = pytest.importorskip("acl")
av = pytest.importorskip("av")
pytestmark = pytest.mark.skipif(not HAS_MEDIA, reason="acl.media needs the host runtime's libacl_dvpp")
import video_clips  # noqa: E402

# 200 = 12 * 16 + 8 luma bytes a row, 100 = 6 * 16 + 4 chroma pairs: every row ends in a partial block.
WIDTH, HEIGHT, FRAMES = 200, 120, 30
WIDTH_STRIDE = 208  # VDEC's default: the width 16-aligned


@pytest.fixture(scope="module")
def clip() -> dict[str, Any]:
    packets = video_clips.encode("libx264", video_clips.frames_rgb(WIDTH, HEIGHT, FRAMES))
    ctx = av.CodecContext.create("h264", "r")
    frames = [f for p in packets for f in ctx.decode(av.Packet(p))] + list(ctx.decode(None))
    return {"packets": packets, "i420": [f.to_ndarray(format="yuv420p") for f in frames]}


def expected(i420: np.ndarray, nv21: bool) -> tuple[np.ndarray, np.ndarray]:
    """FFmpeg's I420 picture as VDEC's Y plane and interleaved chroma rows."""
    h, w = HEIGHT, WIDTH
    u = i420[h : h + h // 4].reshape(h // 2, w // 2)
    v = i420[h + h // 4 :].reshape(h // 2, w // 2)
    pairs = (v, u) if nv21 else (u, v)
    return i420[:h], np.stack(pairs, axis=-1).reshape(h // 2, w)


class Channel:
    """A VDEC channel whose callback keeps each picture's Y and chroma rows; the first callback waits for
    `gate` (the callback thread lagging behind the decoder)."""

    def __init__(self, tid: int, fmt: int, gate: threading.Event):
        m = acl.media
        self.gate = gate
        self.fmt = fmt
        self.pictures: list[tuple[Any, int, np.ndarray | None, np.ndarray | None]] = []
        self.desc = m.vdec_create_channel_desc()
        for ret in (
            m.vdec_set_channel_desc_thread_id(self.desc, tid),
            m.vdec_set_channel_desc_callback(self.desc, self._callback),
            m.vdec_set_channel_desc_entype(self.desc, H264_HIGH),
            m.vdec_set_channel_desc_out_pic_format(self.desc, fmt),
            m.vdec_create_channel(self.desc),
        ):
            assert ret == SUCCESS, acl.get_recent_err_msg()

    def _callback(self, input_desc: int, output_desc: int, user_data: Any) -> None:
        m = acl.media
        self.gate.wait()
        assert m.dvpp_free(m.dvpp_get_stream_desc_data(input_desc)) == SUCCESS
        assert m.dvpp_destroy_stream_desc(input_desc) == SUCCESS
        data = m.dvpp_get_pic_desc_data(output_desc)
        code = m.dvpp_get_pic_desc_ret_code(output_desc)
        y = uv = None
        if code == 0:
            ws = m.dvpp_get_pic_desc_width_stride(output_desc)
            hs = m.dvpp_get_pic_desc_height_stride(output_desc)
            assert (ws, hs, m.dvpp_get_pic_desc_format(output_desc)) == (WIDTH_STRIDE, HEIGHT, self.fmt)
            pic = to_host(data, ws * hs * 3 // 2).reshape(hs * 3 // 2, ws)
            y, uv = pic[:HEIGHT, :WIDTH], pic[hs : hs + HEIGHT // 2, :WIDTH]
        self.pictures.append((user_data, code, y, uv))
        assert m.dvpp_free(data) == SUCCESS
        assert m.dvpp_destroy_pic_desc(output_desc) == SUCCESS

    def send(self, packet: bytes, user_data: Any) -> int:
        m = acl.media
        stream = m.dvpp_create_stream_desc()
        assert m.dvpp_set_stream_desc_data(stream, to_device(packet)) == SUCCESS
        assert m.dvpp_set_stream_desc_size(stream, len(packet)) == SUCCESS
        size = WIDTH_STRIDE * HEIGHT * 3 // 2
        out, ret = m.dvpp_malloc(size)
        assert ret == SUCCESS
        pic = m.dvpp_create_pic_desc()
        assert m.dvpp_set_pic_desc_data(pic, out) == SUCCESS
        assert m.dvpp_set_pic_desc_size(pic, size) == SUCCESS
        assert m.dvpp_set_pic_desc_format(pic, self.fmt) == SUCCESS
        return m.vdec_send_frame(self.desc, stream, pic, 0, user_data)

    def eos(self) -> int:
        m = acl.media
        stream = m.dvpp_create_stream_desc()
        assert m.dvpp_set_stream_desc_eos(stream, 1) == SUCCESS
        ret = m.vdec_send_frame(self.desc, stream, 0, 0, None)
        assert m.dvpp_destroy_stream_desc(stream) == SUCCESS
        return ret

    def close(self) -> None:
        assert acl.media.vdec_destroy_channel(self.desc) == SUCCESS
        assert acl.media.vdec_destroy_channel_desc(self.desc) == SUCCESS


@pytest.mark.parametrize("fmt", [NV12, NV21], ids=["nv12", "nv21"])
@pytest.mark.parametrize("lagging", [False, True], ids=["prompt", "lagging_callbacks"])
def test_vdec_pictures_equal_ffmpeg_byte_for_byte(env, reporter, clip, fmt, lagging):
    gate = threading.Event()
    if not lagging:
        gate.set()
    chan = Channel(reporter.tid, fmt, gate)
    for i, packet in enumerate(clip["packets"]):
        assert chan.send(packet, i) == SUCCESS
    gate.set()  # lagging: the decoder has run ahead of the first callback while the frames were sent
    assert chan.eos() == SUCCESS  # returns after every callback ran
    chan.close()
    assert [(p[0], p[1]) for p in chan.pictures] == [(i, 0) for i in range(FRAMES)]
    for (i, _, y, uv), i420 in zip(chan.pictures, clip["i420"], strict=True):
        want_y, want_uv = expected(i420, fmt == NV21)
        assert np.array_equal(y, want_y), f"frame {i}: Y differs from FFmpeg's"
        assert np.array_equal(uv, want_uv), f"frame {i}: chroma differs from FFmpeg's"
