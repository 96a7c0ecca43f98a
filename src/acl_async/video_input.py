"""Video inputs (``-i clip.mp4`` / ``.h264`` / ``.h265``) for the driver and ``classify``: PyAV demuxes,
our VDEC decodes through pyACL (``acl.media.vdec_*``, a report thread looping ``acl.rt.process_report``
as acllite's ``VideoCapture`` does), every ``interval``-th NV12 frame is converted to RGB (BT.601, video
range) and written as a lossless PNG, so the pictures' own preprocessing (Pillow or DVPP) takes it.

:func:`expand` replaces each video among the inputs by its frames' PNGs; :func:`frame_name` gives the name
a frame's result is reported under, ``clip.mp4#frame=12``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["VIDEO_SUFFIXES", "VideoError", "expand", "frame_name", "frame_path", "is_video", "nv12_to_rgb"]

VIDEO_SUFFIXES = frozenset({".mp4", ".h264", ".264", ".h265", ".265", ".hevc", ".mkv", ".mov"})
_ENTYPE = {"h264": 3, "hevc": 0}  # H264_HIGH_PROFILE (decodes main/baseline too), H265_MAIN_PROFILE
_NV12, _H2D, _D2H, _SUCCESS, _REPEAT_INIT = 1, 1, 2, 0, 100002
#: frame PNG file name -> (the video, the frame index)
_FRAMES: dict[str, tuple[Path, int]] = {}


class VideoError(ValueError):
    """A video that cannot be read or decoded (one line)."""


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def frame_name(name: str) -> str:
    """``clip.mp4#frame=12`` for the file name of a frame PNG written by :func:`expand`, else ``name``."""
    video, index = _FRAMES.get(name, (None, 0))
    return name if video is None else f"{video.name}#frame={index}"


def frame_path(path: Path) -> Path:
    """``path/to/clip.mp4#frame=12`` for a frame PNG written by :func:`expand`, else ``path``."""
    video, index = _FRAMES.get(path.name, (None, 0))
    return path if video is None else Path(f"{video}#frame={index}")


def nv12_to_rgb(nv12: np.ndarray, width: int, height: int) -> np.ndarray:
    """An NV12 picture (``height*3/2`` rows of ``width`` bytes) to RGB, BT.601 video range."""
    y = nv12[:height].astype(np.float32) - 16.0
    uv = nv12[height : height + height // 2].reshape(height // 2, width // 2, 2).astype(np.float32) - 128.0
    uv = uv.repeat(2, axis=0).repeat(2, axis=1)
    u, v = uv[..., 0], uv[..., 1]
    yy = 1.164 * y
    rgb = np.stack([yy + 1.596 * v, yy - 0.392 * u - 0.813 * v, yy + 2.017 * u], axis=-1)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def _packets(path: Path) -> tuple[str, int, int, list[bytes]]:
    """The codec name, picture size and Annex B access units of the first video stream."""
    import av
    from av.bitstream import BitStreamFilterContext

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError(f"{path}: no video stream")
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            width, height = stream.codec_context.width, stream.codec_context.height
            if codec not in _ENTYPE:
                raise VideoError(f"{path}: codec {codec} (VDEC decodes h264 and hevc)")
            bsf = None
            if container.format.name not in ("h264", "hevc"):  # length-prefixed (mp4/mkv): to Annex B
                bsf = BitStreamFilterContext(f"{codec}_mp4toannexb", stream)
            out: list[bytes] = []
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                out += [bytes(p) for p in (bsf.filter(packet) if bsf else [packet])]
            if bsf is not None:
                out += [bytes(p) for p in bsf.filter(None)]
    except av.FFmpegError as exc:
        raise VideoError(f"{path}: unreadable video ({exc})") from None
    if not out or not width or not height:
        raise VideoError(f"{path}: no video frames")
    return codec, width, height, out


class _Vdec:
    """One VDEC channel and its report thread; :meth:`decode` returns the NV12 pictures in output order."""

    def __init__(self, path: Path, codec: str, width: int, height: int) -> None:
        import acl

        self.acl, self.m, self.path = acl, acl.media, path
        self.width, self.height = width, height
        self.ws, self.hs = -(-width // 16) * 16, -(-height // 2) * 2
        self.size = self.ws * self.hs * 3 // 2
        self.frames: list[tuple[int, np.ndarray | None]] = []
        self.lock = threading.Lock()
        self.run = True
        self.context, ret = acl.rt.get_context()
        _check(ret, "aclrtGetCurrentContext")
        self.tid, ret = acl.util.start_thread(self._loop, [])
        _check(ret, "start_thread")
        try:
            self._open(codec)
        except BaseException:
            self.run = False  # no channel: the report thread is stopped before the error goes on
            acl.util.stop_thread(self.tid)
            raise

    def _open(self, codec: str) -> None:
        m = self.m
        self.desc = m.vdec_create_channel_desc()
        for call, value in ((m.vdec_set_channel_desc_channel_id, 0),
                            (m.vdec_set_channel_desc_thread_id, self.tid),
                            (m.vdec_set_channel_desc_callback, self._callback),
                            (m.vdec_set_channel_desc_entype, _ENTYPE[codec]),
                            (m.vdec_set_channel_desc_out_pic_format, _NV12)):  # fmt: skip
            _check(call(self.desc, value), call.__name__)
        _check(m.vdec_create_channel(self.desc), "aclvdecCreateChannel")
        self.config = self.m.vdec_create_frame_config()

    def _loop(self, _args: list[Any]) -> None:
        self.acl.rt.set_context(self.context)
        while self.run:
            self.acl.rt.process_report(50)

    def _callback(self, input_desc: int, output_desc: int, user_data: Any) -> None:
        m = self.m
        m.dvpp_free(m.dvpp_get_stream_desc_data(input_desc))
        m.dvpp_destroy_stream_desc(input_desc)
        if not output_desc:
            return
        pic = m.dvpp_get_pic_desc_data(output_desc)
        code = m.dvpp_get_pic_desc_ret_code(output_desc)
        nv12 = None
        if code == 0:
            ws = m.dvpp_get_pic_desc_width_stride(output_desc)
            hs = m.dvpp_get_pic_desc_height_stride(output_desc)
            host = np.empty(ws * hs * 3 // 2, np.uint8)
            if self.acl.rt.memcpy(self.acl.util.numpy_to_ptr(host), host.nbytes, pic, host.nbytes, _D2H) == 0:
                planes = host.reshape(hs * 3 // 2, ws)
                nv12 = np.concatenate([planes[: self.height, : self.width],
                                       planes[hs : hs + self.height // 2, : self.width]])  # fmt: skip
        with self.lock:
            self.frames.append((code, nv12))
        m.dvpp_free(pic)
        m.dvpp_destroy_pic_desc(output_desc)

    def send(self, data: bytes, index: int) -> None:
        acl, m = self.acl, self.m
        dev, ret = m.dvpp_malloc(len(data))
        _check(ret, "acldvppMalloc")
        _check(acl.rt.memcpy(dev, len(data), acl.util.bytes_to_ptr(data), len(data), _H2D), "aclrtMemcpy")
        stream = m.dvpp_create_stream_desc()
        m.dvpp_set_stream_desc_data(stream, dev)
        m.dvpp_set_stream_desc_size(stream, len(data))
        out, ret = m.dvpp_malloc(self.size)
        _check(ret, "acldvppMalloc")
        pic = m.dvpp_create_pic_desc()
        m.dvpp_set_pic_desc_data(pic, out)
        m.dvpp_set_pic_desc_size(pic, self.size)
        m.dvpp_set_pic_desc_format(pic, _NV12)
        _check(m.vdec_send_frame(self.desc, stream, pic, self.config, index), "aclvdecSendFrame")

    def close(self) -> None:
        m = self.m
        eos = m.dvpp_create_stream_desc()
        m.dvpp_set_stream_desc_eos(eos, 1)
        m.vdec_send_frame(self.desc, eos, 0, self.config, None)
        m.dvpp_destroy_stream_desc(eos)
        m.vdec_destroy_channel(self.desc)  # returns after every callback ran
        m.vdec_destroy_channel_desc(self.desc)
        m.vdec_destroy_frame_config(self.config)
        self.run = False
        self.acl.util.stop_thread(self.tid)


def _check(ret: int, what: str) -> None:
    if ret != _SUCCESS:
        raise VideoError(f"{what} failed with ACL error {ret}")


def _decode(path: Path, device: int) -> list[np.ndarray]:
    """Every frame of ``path`` decoded by VDEC (pyACL), NV12; VideoError for an unreadable clip or a frame
    VDEC could not decode."""
    import acl

    codec, width, height, packets = _packets(path)

    init = acl.init()
    if init not in (_SUCCESS, _REPEAT_INIT):
        raise VideoError(f"aclInit failed with ACL error {init}")
    _check(acl.rt.set_device(device), "aclrtSetDevice")
    context, ret = acl.rt.create_context(device)
    _check(ret, "aclrtCreateContext")
    try:
        vdec = _Vdec(path, codec, width, height)
        try:
            for i, data in enumerate(packets):
                vdec.send(data, i)
        finally:
            vdec.close()
    finally:
        acl.rt.destroy_context(context)
        acl.rt.reset_device(device)
        if init != _REPEAT_INIT:  # ACL initialized here (the commands' Session initializes it again)
            acl.finalize()
    bad = [n for n, (code, nv12) in enumerate(vdec.frames) if code != 0 or nv12 is None]
    if bad or not vdec.frames:
        where = f"frame {bad[0]}" if bad else "every frame"
        raise VideoError(f"{path}: corrupt or truncated video (VDEC could not decode {where})")
    return [nv12 for _, nv12 in vdec.frames if nv12 is not None]


def expand(paths: Sequence[Path], interval: int, device: int) -> list[Path]:
    """``paths`` with each video replaced by every ``interval``-th of its frames (frame 0, interval,
    2*interval, ...) as PNG files in a temporary folder removed at exit; other paths are kept."""
    if not any(is_video(p) for p in paths):
        return list(paths)
    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="acl-async-video-"))
    atexit.register(shutil.rmtree, folder, True)
    out: list[Path] = []
    for n, path in enumerate(paths):
        if not is_video(path):
            out.append(path)
            continue
        frames = _decode(path, device)
        for index in range(0, len(frames), interval):
            nv12 = frames[index]
            png = folder / f"{folder.name}-{n}-{path.name}#frame={index}.png"  # a name no other input has
            rgb = nv12_to_rgb(nv12, nv12.shape[1], nv12.shape[0] * 2 // 3)
            Image.fromarray(rgb).save(png, compress_level=1)
            _FRAMES[png.name] = (path, index)
            out.append(png)
    return out
