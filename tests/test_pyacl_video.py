# ruff: noqa: F811  (tests take the imported fixture `env` as an argument)
"""`acl.media.vdec_*`: video decode through pyACL as acllite's dvpp_vdec.py drives it (a report thread from
acl.util.start_thread looping acl.rt.process_report, a Python callback per frame that reads and destroys the
descriptions), with values compared against FFmpeg's own decode (PyAV). Each test names the functions it
checks with test_pyacl_media_values' @covers (its completeness test imports this module)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_pyacl_media import env, to_device, to_host  # noqa: E402,F401
from test_pyacl_media_values import HAS_MEDIA, covers  # noqa: E402

acl = pytest.importorskip("acl")
av = pytest.importorskip("av")
pytestmark = pytest.mark.skipif(not HAS_MEDIA, reason="acl.media needs the host runtime's libacl_dvpp")
import video_clips  # noqa: E402

SUCCESS, INVALID_PARAM = 0, 100000
H265_MAIN, H264_MAIN, H264_HIGH = 0, 2, 3
NV12, NV21 = 1, 2
CSC_MATRIX_UINT32 = 0


@pytest.fixture(scope="module")
def clip() -> dict[str, Any]:
    frames = video_clips.frames_rgb()
    packets = video_clips.encode("libx264", frames)
    return {"packets": packets, "luma": video_clips.decode_luma("h264", packets)}


class Reporter:
    """acllite's callback thread: acl.util.start_thread looping acl.rt.process_report."""

    def __init__(self, context: int):
        self.run = True
        self.context = context
        self.seen_ident: set[int] = set()
        self.tid, ret = acl.util.start_thread(self._loop, [])
        assert ret == SUCCESS

    def _loop(self, _args: list[Any]) -> None:
        acl.rt.set_context(self.context)
        while self.run:
            acl.rt.process_report(50)

    def stop(self) -> None:
        self.run = False
        assert acl.util.stop_thread(self.tid) == SUCCESS


class Decoder:
    """A VDEC channel whose callback records (user_data, ret code, size, luma) and frees as acllite does."""

    def __init__(self, reporter: Reporter, en_type: int = H264_HIGH, fmt: int = NV12, out_mode: int = 0):
        m = acl.media
        self.m = m
        self.results: list[tuple[Any, int, int, int, np.ndarray | None]] = []
        self.arrived = threading.Condition()
        self.threads: set[int] = set()
        self.desc = m.vdec_create_channel_desc()
        assert self.desc
        assert m.vdec_set_channel_desc_channel_id(self.desc, 3) == SUCCESS
        assert m.vdec_set_channel_desc_thread_id(self.desc, reporter.tid) == SUCCESS
        assert m.vdec_set_channel_desc_callback(self.desc, self._callback) == SUCCESS
        assert m.vdec_set_channel_desc_entype(self.desc, en_type) == SUCCESS
        assert m.vdec_set_channel_desc_out_pic_format(self.desc, fmt) == SUCCESS
        assert m.vdec_set_channel_desc_out_mode(self.desc, out_mode) == SUCCESS
        assert m.vdec_create_channel(self.desc) == SUCCESS
        self.config = m.vdec_create_frame_config()
        assert self.config

    def _callback(self, input_desc: int, output_desc: int, user_data: Any) -> None:
        m = self.m
        self.threads.add(threading.get_ident())
        data = m.dvpp_get_stream_desc_data(input_desc)
        assert m.dvpp_destroy_stream_desc(input_desc) == SUCCESS
        assert m.dvpp_free(data) == SUCCESS
        if not output_desc:  # a skipped frame
            self.results.append((user_data, -1, 0, 0, None))
            return
        pic = m.dvpp_get_pic_desc_data(output_desc)
        code = m.dvpp_get_pic_desc_ret_code(output_desc)
        w, h = m.dvpp_get_pic_desc_width(output_desc), m.dvpp_get_pic_desc_height(output_desc)
        ws = m.dvpp_get_pic_desc_width_stride(output_desc)
        luma = None
        if code == 0:
            luma = to_host(pic, ws * h).reshape(h, ws)[:, :w]
        assert m.dvpp_free(pic) == SUCCESS
        assert m.dvpp_destroy_pic_desc(output_desc) == SUCCESS
        with self.arrived:
            self.results.append((user_data, code, w, h, luma))
            self.arrived.notify_all()

    def wait_for(self, count: int) -> int:
        """How many callbacks ran, once `count` have (or after 30 s)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.results) >= count, timeout=30)
            return len(self.results)

    def send(self, packet: bytes, user_data: Any, skipped: bool = False) -> int:
        m = self.m
        stream = m.dvpp_create_stream_desc()
        assert m.dvpp_set_stream_desc_data(stream, to_device(packet)) == SUCCESS
        assert m.dvpp_set_stream_desc_size(stream, len(packet)) == SUCCESS
        if skipped:
            return m.vdec_send_skipped_frame(self.desc, stream, self.config, user_data)
        size = video_clips.WIDTH * video_clips.HEIGHT * 3 // 2
        out, ret = m.dvpp_malloc(size)
        assert ret == SUCCESS
        pic = m.dvpp_create_pic_desc()
        assert m.dvpp_set_pic_desc_data(pic, out) == SUCCESS
        assert m.dvpp_set_pic_desc_size(pic, size) == SUCCESS
        assert m.dvpp_set_pic_desc_format(pic, NV12) == SUCCESS
        return m.vdec_send_frame(self.desc, stream, pic, self.config, user_data)

    def eos(self) -> int:
        m = self.m
        stream = m.dvpp_create_stream_desc()
        assert m.dvpp_set_stream_desc_eos(stream, 1) == SUCCESS
        ret = m.vdec_send_frame(self.desc, stream, 0, self.config, None)
        assert m.dvpp_destroy_stream_desc(stream) == SUCCESS
        return ret

    def close(self) -> None:
        assert self.m.vdec_destroy_channel(self.desc) == SUCCESS
        assert self.m.vdec_destroy_frame_config(self.config) == SUCCESS
        assert self.m.vdec_destroy_channel_desc(self.desc) == SUCCESS


@pytest.fixture
def reporter(env) -> Any:
    context, ret = acl.rt.get_context()
    assert ret == SUCCESS
    r = Reporter(context)
    yield r
    r.stop()


@covers(
    "vdec_create_channel_desc", "vdec_destroy_channel_desc", "vdec_set_channel_desc_channel_id",
    "vdec_get_channel_desc_channel_id", "vdec_set_channel_desc_thread_id", "vdec_get_channel_desc_thread_id",
    "vdec_set_channel_desc_callback", "vdec_get_channel_desc_callback", "vdec_set_channel_desc_entype",
    "vdec_get_channel_desc_entype", "vdec_set_channel_desc_out_pic_format",
    "vdec_get_channel_desc_out_pic_format",
    "vdec_set_channel_desc_out_pic_width", "vdec_get_channel_desc_out_pic_width",
    "vdec_set_channel_desc_out_pic_height", "vdec_get_channel_desc_out_pic_height",
    "vdec_set_channel_desc_ref_frame_num", "vdec_get_channel_desc_ref_frame_num",
    "vdec_set_channel_desc_bit_depth", "vdec_get_channel_desc_bit_depth", "vdec_set_channel_desc_out_mode",
    "vdec_get_channel_desc_out_mode", "vdec_create_frame_config", "vdec_destroy_frame_config",
)
def test_vdec_channel_desc_set_then_get(env):
    m = acl.media
    d = m.vdec_create_channel_desc()
    assert d and m.vdec_get_channel_desc_callback(d) is None
    values = {"channel_id": 5, "thread_id": 123456789, "entype": H264_MAIN, "out_pic_format": NV21,
              "out_pic_width": 640, "out_pic_height": 360, "ref_frame_num": 4, "bit_depth": 8, "out_mode": 1}
    for field, value in values.items():
        assert getattr(m, f"vdec_set_channel_desc_{field}")(d, value) == SUCCESS
    assert {f: getattr(m, f"vdec_get_channel_desc_{f}")(d) for f in values} == values

    def fn(_i: int, _o: int, _u: Any) -> None: ...

    assert m.vdec_set_channel_desc_callback(d, fn) == SUCCESS
    assert m.vdec_get_channel_desc_callback(d) is fn
    with pytest.raises(TypeError):
        m.vdec_set_channel_desc_callback(d, 3)
    config = m.vdec_create_frame_config()
    assert config and m.vdec_destroy_frame_config(config) == SUCCESS
    assert m.vdec_destroy_frame_config(config) == INVALID_PARAM
    assert m.vdec_destroy_channel_desc(d) == SUCCESS
    assert m.vdec_get_channel_desc_channel_id(d) == 0  # destroyed: the C getter's 0
    assert m.vdec_destroy_channel_desc(d) == INVALID_PARAM


@covers("vdec_create_channel", "vdec_send_frame", "vdec_destroy_channel")
def test_vdec_decodes_like_ffmpeg_on_the_named_thread(env, reporter, clip):
    dec = Decoder(reporter)
    for i, packet in enumerate(clip["packets"]):
        assert dec.send(packet, (3, i)) == SUCCESS
    assert dec.eos() == SUCCESS  # returns after every callback ran
    assert [r[0] for r in dec.results] == [(3, i) for i in range(len(clip["packets"]))]
    assert all(r[1] == 0 and (r[2], r[3]) == (video_clips.WIDTH, video_clips.HEIGHT) for r in dec.results)
    for (_, _, _, _, luma), ref in zip(dec.results, clip["luma"], strict=True):
        assert np.abs(luma.astype(np.int16) - ref).mean() <= 0.5
    assert dec.threads == {reporter.tid}
    dec.close()


def test_vdec_out_modes(env, reporter, clip):
    """CANN (aclvdecSetChannelDescOutMode): fast mode (1) gives each frame's picture as soon as the frame is
    decoded, the default mode (0) caches frames and gives pictures only once later frames came: here the
    newest two wait for later frames or EOS. An out mode other than 0 and 1 is refused at create."""
    fast = Decoder(reporter, out_mode=1)
    for i, packet in enumerate(clip["packets"][:6]):
        assert fast.send(packet, i) == SUCCESS
        assert fast.wait_for(i + 1) == i + 1  # frame i's picture, before frame i + 1 is sent
    assert fast.eos() == SUCCESS
    fast.close()
    cached = Decoder(reporter)
    for i, packet in enumerate(clip["packets"][:6]):
        assert cached.send(packet, i) == SUCCESS
        if i >= 2:
            assert cached.wait_for(i - 1) >= i - 1  # frame i - 2's picture came once frame i was sent
    assert [r[0] for r in cached.results] == [0, 1, 2, 3]  # frames 4 and 5 wait for more or EOS
    assert cached.eos() == SUCCESS
    assert [r[0] for r in cached.results] == list(range(6)) and all(r[1] == 0 for r in cached.results)
    cached.close()
    m = acl.media
    desc = m.vdec_create_channel_desc()
    assert m.vdec_set_channel_desc_thread_id(desc, reporter.tid) == SUCCESS
    assert m.vdec_set_channel_desc_callback(desc, lambda *_: None) == SUCCESS
    assert m.vdec_set_channel_desc_out_mode(desc, 2) == SUCCESS
    assert m.vdec_create_channel(desc) == INVALID_PARAM
    assert m.vdec_destroy_channel_desc(desc) == SUCCESS


@covers("vdec_send_skipped_frame")
def test_vdec_skipped_frames_and_destroy_with_frames_in_flight(env, reporter, clip):
    dec = Decoder(reporter)
    n = len(clip["packets"])
    for i, packet in enumerate(clip["packets"]):
        assert dec.send(packet, i, skipped=i % 2 == 1) == SUCCESS
    dec.close()  # no EOS: destroy decodes what is in flight and returns after the callbacks
    assert sorted(r[0] for r in dec.results) == list(range(n))
    assert [r[0] for r in dec.results if r[1] == -1] == list(range(1, n, 2))
    assert all(r[1] == 0 for r in dec.results if r[0] % 2 == 0)


def test_vdec_corrupt_frame_and_refusals(env, reporter, clip):
    m = acl.media
    d = m.vdec_create_channel_desc()
    assert m.vdec_create_channel(d) == INVALID_PARAM  # no callback, no thread
    assert "callback" in acl.get_recent_err_msg()
    assert m.vdec_destroy_channel_desc(d) == SUCCESS
    dec = Decoder(reporter)
    packets = list(clip["packets"])
    packets[4] = b"\x00\x00\x01" + bytes((k * 97 + 13) & 255 for k in range(len(packets[4])))
    for i, packet in enumerate(packets):
        assert dec.send(packet, i) == SUCCESS
    assert dec.eos() == SUCCESS
    codes = {r[0]: r[1] for r in dec.results}
    assert sorted(codes) == list(range(len(packets)))  # every frame once, errors included
    assert codes[4] != 0 and all(codes[i] == 0 for i in range(4))
    empty = m.dvpp_create_stream_desc()
    assert m.vdec_send_frame(dec.desc, empty, 0, 0, None) == INVALID_PARAM  # empty without EOS
    assert m.dvpp_destroy_stream_desc(empty) == SUCCESS
    dec.close()


# ---------------------------------------------------------------- VENC

VENC_W, VENC_H = 192, 128


@covers(
    "venc_create_channel_desc", "venc_destroy_channel_desc", "venc_set_channel_desc_callback",
    "venc_get_channel_desc_callback", "venc_set_channel_desc_thread_id", "venc_get_channel_desc_thread_id",
    "venc_set_channel_desc_entype", "venc_get_channel_desc_entype", "venc_set_channel_desc_pic_format",
    "venc_get_channel_desc_pic_format", "venc_set_channel_desc_pic_width", "venc_get_channel_desc_pic_width",
    "venc_set_channel_desc_pic_height", "venc_get_channel_desc_pic_height",
    "venc_set_channel_desc_key_frame_interval", "venc_get_channel_desc_key_frame_interval",
    "venc_set_channel_desc_buf_addr", "venc_get_channel_desc_buf_addr", "venc_set_channel_desc_buf_size",
    "venc_get_channel_desc_buf_size", "venc_set_channel_desc_rc_mode", "venc_get_channel_desc_rc_mode",
    "venc_set_channel_desc_src_rate", "venc_get_channel_desc_src_rate", "venc_set_channel_desc_max_bit_rate",
    "venc_get_channel_desc_max_bit_rate", "venc_get_channel_desc_channel_id", "venc_create_frame_config",
    "venc_destroy_frame_config", "venc_set_frame_config_force_i_frame", "venc_get_frame_config_force_i_frame",
    "venc_set_frame_config_eos", "venc_get_frame_config_eos",
)
def test_venc_channel_desc_and_frame_config_set_then_get(env):
    m = acl.media
    d = m.venc_create_channel_desc()
    assert d and m.venc_get_channel_desc_callback(d) is None
    values = {"thread_id": 987654321, "entype": H264_MAIN, "pic_format": NV21, "pic_width": 640,
              "pic_height": 480, "key_frame_interval": 30, "buf_addr": 4096, "buf_size": 8192, "rc_mode": 2,
              "src_rate": 25, "max_bit_rate": 3000}
    for field, value in values.items():
        assert getattr(m, f"venc_set_channel_desc_{field}")(d, value) == SUCCESS
    assert {f: getattr(m, f"venc_get_channel_desc_{f}")(d) for f in values} == values
    assert m.venc_get_channel_desc_channel_id(d) == 0  # given at create

    def fn(_i: int, _o: int, _u: Any) -> None: ...

    assert m.venc_set_channel_desc_callback(d, fn) == SUCCESS
    assert m.venc_get_channel_desc_callback(d) is fn
    config = m.venc_create_frame_config()
    assert m.venc_set_frame_config_force_i_frame(config, 1) == SUCCESS
    assert m.venc_set_frame_config_eos(config, 1) == SUCCESS
    assert (m.venc_get_frame_config_force_i_frame(config), m.venc_get_frame_config_eos(config)) == (1, 1)
    assert m.venc_set_frame_config_eos(config, 0) == SUCCESS
    assert (m.venc_get_frame_config_force_i_frame(config), m.venc_get_frame_config_eos(config)) == (1, 0)
    assert m.venc_destroy_frame_config(config) == SUCCESS
    assert m.venc_destroy_channel_desc(d) == SUCCESS
    assert m.venc_destroy_channel_desc(d) == INVALID_PARAM


@covers("venc_create_channel", "venc_send_frame", "venc_destroy_channel")
def test_venc_encodes_h264_that_ffmpeg_decodes(env, reporter):
    """The sample's flow: one picture description reused, its memory freed right after each send, EOS
    with input 0; the streams FFmpeg decodes back to the pictures (mean luma error <= 3)."""
    m = acl.media
    streams: list[tuple[Any, bytes]] = []
    threads: set[int] = set()

    def on_stream(_pic: int, out: int, user_data: Any) -> None:
        threads.add(threading.get_ident())
        n = m.dvpp_get_stream_desc_size(out)
        streams.append((user_data, to_host(m.dvpp_get_stream_desc_data(out), n).tobytes()))

    d = m.venc_create_channel_desc()
    for ret in (
        m.venc_set_channel_desc_thread_id(d, reporter.tid),
        m.venc_set_channel_desc_callback(d, on_stream),
        m.venc_set_channel_desc_entype(d, H264_MAIN),
        m.venc_set_channel_desc_pic_format(d, NV12),
        m.venc_set_channel_desc_pic_width(d, VENC_W),
        m.venc_set_channel_desc_pic_height(d, VENC_H),
        m.venc_set_channel_desc_key_frame_interval(d, 16),
        m.venc_create_channel(d),
    ):
        assert ret == SUCCESS
    config = m.venc_create_frame_config()
    pic = m.dvpp_create_pic_desc()
    for ret in (
        m.dvpp_set_pic_desc_format(pic, NV12),
        m.dvpp_set_pic_desc_width(pic, VENC_W),
        m.dvpp_set_pic_desc_height(pic, VENC_H),
        m.dvpp_set_pic_desc_width_stride(pic, VENC_W),
        m.dvpp_set_pic_desc_height_stride(pic, VENC_H),
        m.dvpp_set_pic_desc_size(pic, VENC_W * VENC_H * 3 // 2),
    ):
        assert ret == SUCCESS
    rng = np.random.default_rng(5)
    base = np.clip(np.add.outer(np.arange(VENC_H), np.arange(VENC_W)) // 2 + 30, 0, 255).astype(np.uint8)
    lumas = []
    for i in range(8):
        y = np.roll(base, 3 * i, axis=1)
        uv = 128 + rng.integers(0, 4, (VENC_H // 2, VENC_W), np.uint8)
        lumas.append(y)
        mem = to_device(np.concatenate([y, uv]).tobytes())
        assert m.dvpp_set_pic_desc_data(pic, mem) == SUCCESS
        assert m.venc_send_frame(d, pic, 0, config, ("frame", i)) == SUCCESS
        assert m.dvpp_free(mem) == SUCCESS
    assert m.venc_set_frame_config_eos(config, 1) == SUCCESS
    assert m.venc_send_frame(d, 0, 0, config, None) == SUCCESS  # returns after every callback
    assert [u for u, _ in streams] == [("frame", i) for i in range(8)]
    assert threads == {reporter.tid}
    assert m.venc_destroy_channel(d) == SUCCESS
    assert m.venc_destroy_frame_config(config) == SUCCESS
    assert m.venc_destroy_channel_desc(d) == SUCCESS
    assert m.dvpp_destroy_pic_desc(pic) == SUCCESS
    decoded = video_clips.decode_luma("h264", [s for _, s in streams])
    assert len(decoded) == 8
    for got, want in zip(decoded, lumas, strict=True):
        assert np.abs(got.astype(np.int16) - want).mean() <= 3
