"""Video inputs (``-i clip.mp4`` / ``.h264`` / ``.h265``) for the driver and ``classify``, streamed into the
model: PyAV demuxes, our VDEC decodes through pyACL (``acl.media.vdec_*``, a report thread looping
``acl.rt.process_report`` as acllite's ``VideoCapture`` does), and every ``interval``-th NV12 picture goes
from VDEC's output (DVPP memory) into the model input, no file in between:

- ``--preprocess pillow``: NV12 -> RGB (BT.601, video range) -> the pictures' Pillow preprocessing,
  written into the pool block (the pixels the lossless PNG of the earlier path held: the same results);
- ``--preprocess dvpp``: VPC crops and resizes the VDEC output into the block of a YUV420SP AIPP model
  (:func:`acl_async.dvpp_preprocess.resize_nv12_dvpp`), as JPEGD's output is for a JPEG.

Memory is bounded: a sender thread feeds VDEC, and at most ``ahead`` frames per video are sent and not yet
consumed (each owns one DVPP output picture), so decoding waits for the model (back-pressure) and a clip
of any length takes the same memory.

:func:`check` reads each video's header before ACL starts (one line for an unreadable one); in a session,
:class:`Videos` turns each video into its frames, :class:`FramePath` items named ``clip.mp4#frame=12``
that :func:`acl_async.preprocess.load_input` loads through :meth:`Frame.load`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path, PosixPath
from typing import Any

import acl
import numpy as np

__all__ = ["AHEAD", "VIDEO_SUFFIXES", "Frame", "FramePath", "VideoError", "Videos", "check", "is_video",
           "nv12_to_rgb", "probe"]  # fmt: skip

VIDEO_SUFFIXES = frozenset({".mp4", ".h264", ".264", ".h265", ".265", ".hevc", ".mkv", ".mov"})
_ENTYPE = {"h264": 3, "hevc": 0}  # H264_HIGH_PROFILE (decodes main/baseline too), H265_MAIN_PROFILE
_NV12, _H2D, _D2H, _SUCCESS = 1, 1, 2, 0
#: Frames of one video sent to VDEC and not yet consumed: above H.264's deepest reorder delay (16
#: pictures held by the decoder) plus the frames a decode stage takes ahead of the model.
AHEAD = 40
_POLL_S = 0.1


class VideoError(ValueError):
    """A video that cannot be read or decoded (one line)."""


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def nv12_to_rgb(nv12: np.ndarray, width: int, height: int) -> np.ndarray:
    """An NV12 picture (``height*3/2`` rows of ``width`` bytes) to RGB, BT.601 video range."""
    y = nv12[:height].astype(np.float32) - 16.0
    uv = nv12[height : height + height // 2].reshape(height // 2, width // 2, 2).astype(np.float32) - 128.0
    uv = uv.repeat(2, axis=0).repeat(2, axis=1)
    u, v = uv[..., 0], uv[..., 1]
    yy = 1.164 * y
    rgb = np.stack([yy + 1.596 * v, yy - 0.392 * u - 0.813 * v, yy + 2.017 * u], axis=-1)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def _open(path: Path) -> tuple[Any, str, int, int]:
    """The opened container, the codec name and picture size of its first video stream; VideoError (one
    line) for a file PyAV cannot read or a codec VDEC does not decode."""
    import av

    try:
        container = av.open(str(path))
    except av.FFmpegError as exc:
        raise VideoError(f"{path}: unreadable video ({exc})") from None
    try:
        if not container.streams.video:
            raise VideoError(f"{path}: no video stream")
        context = container.streams.video[0].codec_context
        if context.name not in _ENTYPE:
            raise VideoError(f"{path}: codec {context.name} (VDEC decodes h264 and hevc)")
        if not context.width or not context.height:
            raise VideoError(f"{path}: no video frames")
    except BaseException:
        container.close()
        raise
    return container, context.name, context.width, context.height


def probe(path: Path) -> tuple[str, int, int]:
    """The codec name and picture size of the first video stream, its first packet demuxed; VideoError
    (one line) for a file PyAV cannot read or a codec VDEC does not decode."""
    import av

    container, codec, width, height = _open(path)
    with container:
        try:
            if next((p for p in container.demux(container.streams.video[0]) if p.size), None) is None:
                raise VideoError(f"{path}: no video frames")
        except av.FFmpegError as exc:
            raise VideoError(f"{path}: unreadable video ({exc})") from None
    return codec, width, height


def check(paths: Sequence[Path]) -> list[Path]:
    """``paths``, each video's header read (:func:`probe`) before the run; VideoError for a bad one."""
    for path in paths:
        if is_video(path):
            probe(path)
    return list(paths)


def _access_units(container: Any, codec: str) -> Iterator[bytes]:
    """The Annex B access units of the first video stream of ``container`` (closed at the end), demuxed as
    they are needed."""
    from av.bitstream import BitStreamFilterContext

    with container:
        stream = container.streams.video[0]
        bsf = None
        if container.format.name not in ("h264", "hevc"):  # length-prefixed (mp4/mkv): to Annex B
            bsf = BitStreamFilterContext(f"{codec}_mp4toannexb", stream)
        for packet in container.demux(stream):
            if packet.size:
                yield from (bytes(p) for p in (bsf.filter(packet) if bsf else [packet]))
        if bsf is not None:
            yield from (bytes(p) for p in bsf.filter(None))


class Frame:
    """One picture VDEC gave: NV12 in DVPP memory (``ptr``; strides ``ws`` x ``hs``) until it is loaded or
    its video closes, or the ``error`` that took its place."""

    def __init__(
        self,
        video: _Video | None,
        index: int,
        ptr: int = 0,
        size: tuple[int, int, int, int] = (0, 0, 0, 0),
        error: str | None = None,
    ) -> None:
        self.video, self.index, self.ptr, self.error = video, index, ptr, error
        self.width, self.height, self.ws, self.hs = size
        self._lock = threading.Lock()  # load() vs free() by the video's close() in another thread

    def load(self, path: Path, spec: Any, out: np.ndarray | None = None) -> np.ndarray:
        """The model input of this frame through ``spec`` (written into ``out`` when given); frees the
        picture. Raises :class:`~acl_async.preprocess.PictureError` naming ``path``."""
        from .preprocess import PictureError

        with self._lock:
            if self.error is not None:
                raise PictureError(path, self.error)
            if not self.ptr:
                raise PictureError(path, "the video was closed before this frame was used")
            try:
                acl.rt.set_context(self.video.context)  # type: ignore[union-attr]
                if spec.decoder == "dvpp":
                    return self._dvpp(path, spec, out)
                return self._pillow(spec, out)
            finally:
                self._free()

    def _pillow(self, spec: Any, out: np.ndarray | None) -> np.ndarray:
        from PIL import Image

        from .preprocess import preprocess_image

        w, h, ws, hs = self.width, self.height, self.ws, self.hs
        host = np.empty((hs * 3 // 2, ws), np.uint8)
        if acl.rt.memcpy(acl.util.numpy_to_ptr(host), host.nbytes, self.ptr, host.nbytes, _D2H) != _SUCCESS:
            raise ValueError(f"aclrtMemcpy of the decoded frame failed: {acl.get_recent_err_msg()}")
        nv12 = np.concatenate([host[:h, :w], host[hs : hs + h // 2, :w]])
        return preprocess_image(Image.fromarray(nv12_to_rgb(nv12, w, h)), spec, out=out)

    def _dvpp(self, path: Path, spec: Any, out: np.ndarray | None) -> np.ndarray:
        from . import dvpp_preprocess
        from .preprocess import PictureError

        shape = spec.input_shape
        if out is None:
            out = np.empty(shape, dtype=np.uint8)
        try:
            return dvpp_preprocess.resize_nv12_dvpp(self.ptr, self.width, self.height, (self.ws, self.hs),
                                                    spec, out)  # fmt: skip
        except (dvpp_preprocess._Failed, ValueError) as exc:
            raise PictureError(path, f"DVPP: {exc}") from None

    def free(self) -> None:
        with self._lock:
            self._free()

    def _free(self) -> None:
        if self.ptr and self.video is not None:
            ptr, self.ptr = self.ptr, 0
            self.video.give_back(self, ptr)


class FramePath(PosixPath):
    """``clip.mp4#frame=12``: the name of a video's frame, carrying its :class:`Frame`."""

    frame: Frame

    @property
    def error(self) -> str | None:
        frame = getattr(self, "frame", None)
        return None if frame is None else frame.error

    def load_frame(self, spec: Any, out: np.ndarray | None = None) -> np.ndarray:
        return self.frame.load(self, spec, out)


def _frame_path(video: Path, frame: Frame) -> FramePath:
    path = FramePath(f"{video}#frame={frame.index}")
    path.frame = frame
    return path


class _End:
    def __init__(self, error: str | None) -> None:
        self.error = error


class _Video:
    """One video on a VDEC channel of the current context: a sender thread demuxes and sends, the
    callbacks (on the report thread) queue the pictures in output order; iterate once for the frames."""

    def __init__(self, path: Path, interval: int, ahead: int) -> None:
        self.acl, self.m, self.path, self.interval = acl, acl.media, path, interval
        self.context, ret = acl.rt.get_context()
        _check(ret, "aclrtGetCurrentContext (videos are decoded in an open session)")
        # One open per video (PyAV's stream analysis decodes the first pictures): the sender demuxes it.
        self.container, self.codec, width, height = _open(path)
        self.ws, self.hs = -(-width // 16) * 16, -(-height // 2) * 2
        self.size = self.ws * self.hs * 3 // 2
        self.slots = threading.Semaphore(ahead)
        self.frames: queue.SimpleQueue[Frame | _End] = queue.SimpleQueue()
        self.live: set[Frame] = set()
        self.lock = threading.Lock()
        # Output pictures given back, sent again (at most ``ahead``): a fresh 3 MB DVPP block per 1080p frame
        # cost page faults and zeroing of new pages on every frame. None once the channel is gone.
        self.spare: list[int] | None = []
        self.stopping = threading.Event()
        self.finished = self.closed = False
        self.index = 0  # the next picture's number (report thread only)
        self.desc = self.config = None
        self.run = True
        self.tid, ret = acl.util.start_thread(self._loop, [])
        if ret != _SUCCESS:
            self.container.close()
            _check(ret, "start_thread")
        self.sender = threading.Thread(target=self._send_all, name="acl-async-vdec-send", daemon=True)
        try:
            self._create_channel()
        except BaseException:
            self.close()
            raise

    def _create_channel(self) -> None:
        m = self.m
        self.desc = m.vdec_create_channel_desc()
        for call, value in ((m.vdec_set_channel_desc_channel_id, 0),
                            (m.vdec_set_channel_desc_thread_id, self.tid),
                            (m.vdec_set_channel_desc_callback, self._callback),
                            (m.vdec_set_channel_desc_entype, _ENTYPE[self.codec]),
                            (m.vdec_set_channel_desc_out_pic_format, _NV12)):  # fmt: skip
            _check(call(self.desc, value), call.__name__)
        ret = m.vdec_create_channel(self.desc)
        if ret != _SUCCESS:
            m.vdec_destroy_channel_desc(self.desc)
            self.desc = None
            _check(ret, "aclvdecCreateChannel")
        self.config = m.vdec_create_frame_config()

    def _loop(self, _args: list[Any]) -> None:
        self.acl.rt.set_context(self.context)
        while self.run:
            self.acl.rt.process_report(50)

    def _callback(self, input_desc: int, output_desc: int, _user: Any) -> None:
        m = self.m
        m.dvpp_free(m.dvpp_get_stream_desc_data(input_desc))
        m.dvpp_destroy_stream_desc(input_desc)
        if not output_desc:
            return
        pic = m.dvpp_get_pic_desc_data(output_desc)
        code = m.dvpp_get_pic_desc_ret_code(output_desc)
        index, self.index = self.index, self.index + 1
        if code != 0 or self.stopping.is_set() or index % self.interval:
            m.dvpp_destroy_pic_desc(output_desc)
            self._recycle(pic)
            if code != 0 and not self.stopping.is_set():  # a frame VDEC could not decode: reported in turn
                why = self.acl.get_recent_err_msg() or f"error {code:#x}"
                self.frames.put(Frame(self, index, error=f"VDEC could not decode this frame ({why})"))
            return
        size = (
            m.dvpp_get_pic_desc_width(output_desc),
            m.dvpp_get_pic_desc_height(output_desc),
            m.dvpp_get_pic_desc_width_stride(output_desc),
            m.dvpp_get_pic_desc_height_stride(output_desc),
        )
        m.dvpp_destroy_pic_desc(output_desc)
        frame = Frame(self, index, pic, size)
        with self.lock:
            self.live.add(frame)
        self.frames.put(frame)

    def give_back(self, frame: Frame, ptr: int) -> None:
        """A consumed (or abandoned) frame's picture back: one more frame may be sent."""
        with self.lock:
            self.live.discard(frame)
        self._recycle(ptr)

    def _recycle(self, ptr: int) -> None:
        """``ptr`` (an output picture) kept for a later frame, or freed once the channel is gone."""
        with self.lock:
            if self.spare is not None:
                self.spare.append(ptr)
                ptr = 0
        if ptr:
            self.m.dvpp_free(ptr)
        self.slots.release()

    def _picture(self) -> int:
        with self.lock:
            if self.spare:
                return self.spare.pop()
        out, ret = self.m.dvpp_malloc(self.size)
        _check(ret, "acldvppMalloc")
        return out

    def _send_all(self) -> None:
        self.acl.rt.set_context(self.context)
        error = None
        try:
            for n, data in enumerate(_access_units(self.container, self.codec)):
                while not self.slots.acquire(timeout=_POLL_S):
                    if self.stopping.is_set():
                        return
                if self.stopping.is_set():
                    self.slots.release()
                    return
                try:
                    self._send(data, n)
                except BaseException:
                    self.slots.release()
                    raise
        except Exception as exc:  # noqa: BLE001 - reported as the next frame's error, one line
            error = f"unreadable video ({exc})"
        finally:
            eos = self.m.dvpp_create_stream_desc()
            self.m.dvpp_set_stream_desc_eos(eos, 1)
            self.m.vdec_send_frame(self.desc, eos, 0, self.config, None)  # returns after every callback ran
            self.m.dvpp_destroy_stream_desc(eos)
            self.frames.put(_End(error))

    def _send(self, data: bytes, index: int) -> None:
        acl, m = self.acl, self.m
        dev, ret = m.dvpp_malloc(len(data))
        _check(ret, "acldvppMalloc")
        out = 0
        try:
            _check(acl.rt.memcpy(dev, len(data), acl.util.bytes_to_ptr(data), len(data), _H2D), "aclrtMemcpy")
            out = self._picture()
        except BaseException:
            for ptr in (dev, out):
                if ptr:
                    m.dvpp_free(ptr)
            raise
        stream = m.dvpp_create_stream_desc()
        m.dvpp_set_stream_desc_data(stream, dev)
        m.dvpp_set_stream_desc_size(stream, len(data))
        pic = m.dvpp_create_pic_desc()
        m.dvpp_set_pic_desc_data(pic, out)
        m.dvpp_set_pic_desc_size(pic, self.size)
        m.dvpp_set_pic_desc_format(pic, _NV12)
        ret = m.vdec_send_frame(self.desc, stream, pic, self.config, index)
        if ret != _SUCCESS:
            for ptr in (dev, out):
                m.dvpp_free(ptr)
            m.dvpp_destroy_stream_desc(stream)
            m.dvpp_destroy_pic_desc(pic)
            _check(ret, "aclvdecSendFrame")

    def __iter__(self) -> Iterator[FramePath]:
        self.sender.start()
        given = 0
        while True:
            try:
                item = self.frames.get(timeout=_POLL_S)  # in slices: Ctrl-C is handled between them
            except queue.Empty:
                continue
            if isinstance(item, _End):
                self.finish()  # the frames handed out stay valid until loaded (or close())
                if item.error is not None or not given:
                    error = item.error or "no video frames (VDEC decoded none)"
                    yield _frame_path(self.path, Frame(self, self.index, error=error))
                return
            given += 1
            yield _frame_path(self.path, item)

    def finish(self) -> None:
        """Stop sending, flush and destroy the channel (every callback has run) and stop the report
        thread; the pictures already handed out stay until they are loaded (or :meth:`close`)."""
        if self.finished:
            return
        self.finished = True
        self.stopping.set()
        if self.sender.is_alive():
            self.sender.join()
        self.container.close()  # the sender's demuxer closed it, unless it never started (twice is harmless)
        m = self.m
        if self.desc is not None:
            m.vdec_destroy_channel(self.desc)
            m.vdec_destroy_channel_desc(self.desc)
        if self.config is not None:
            m.vdec_destroy_frame_config(self.config)
        with self.lock:
            spare, self.spare = self.spare or [], None
        for ptr in spare:
            m.dvpp_free(ptr)
        self.run = False
        self.acl.util.stop_thread(self.tid)

    def close(self) -> None:
        """:meth:`finish`, then free every picture not consumed (a frame being loaded first finishes).
        Idempotent."""
        self.finish()
        self.closed = True
        with self.lock:
            live = list(self.live)
        for frame in live:
            frame.free()


def _check(ret: int, what: str) -> None:
    if ret != _SUCCESS:
        raise VideoError(f"{what} failed with ACL error {ret}")


class Videos:
    """The frames of the videos among the inputs, decoded while the model runs, in a session (its
    context current in the calling thread); every VDEC channel is closed at exit."""

    def __init__(self, interval: int = 1, ahead: int = AHEAD) -> None:
        self.interval, self.ahead = interval, ahead
        self._open: list[_Video] = []
        self._decoded = 0  # pictures of the videos already closed

    @property
    def decoded(self) -> int:
        """Pictures VDEC gave so far, every frame counted (also those the interval leaves out)."""
        return self._decoded + sum(video.index for video in self._open)

    def frames(self, path: Path) -> Iterator[Path]:
        """``path`` itself, or for a video every ``interval``-th of its frames (0, interval, ...) as
        :class:`FramePath` items, decoded as they are taken."""
        if not is_video(path):
            yield path
            return
        try:
            video = _Video(path, self.interval, self.ahead)
        except VideoError as exc:
            yield _frame_path(path, Frame(None, 0, error=str(exc)))
            return
        self._open.append(video)
        yield from video
        if not video.live:  # every frame handed out was consumed: nothing left to free at close
            self._open.remove(video)
            self._decoded += video.index

    def close(self) -> None:
        videos, self._open = self._open, []
        for video in videos:
            video.close()
            self._decoded += video.index

    def __enter__(self) -> Videos:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
