"""The DVPP preprocessing path (``--preprocess dvpp``): pictures reach an AIPP model the way Huawei's
``vpc_jpeg_resnet50_imagenet_classification`` sample brings them, through DVPP.

Per picture, on a stream of the decoding thread: the JPEG goes into DVPP memory, JPEGD decodes it to
YUV420SP (NV12, EXIF orientation applied), then one VPC crop (``acldvppVpcCropAsync``: crop a box and
resize it to the output size) cuts the box the spec's resize and center crop keep and scales it to the
model's input size; the NV12 result is copied into the tensor (a pool block's host input). The model's
static AIPP (``input_format: YUV420SP_U8``, ``csc_switch: true``) converts the colours and normalises.
Pictures JPEGD cannot take (PNG, BMP, progressive JPEGs) go through Pillow, with a warning once.

Everything goes through pyACL's ``acl.media`` and ``acl.rt`` (the same libascendcl as the session): a
picture costs about 15 calls of a few microseconds against milliseconds of decoding, so a C++ path would
save well under 5% (benchmarks/DVPP_RESULTS.md). Each decoding thread gets its own channel, stream and
buffers, made on first use and reused; :func:`dvpp_decoding` (entered in the thread of the session's
context) lends that context to the decoding threads and frees every thread's resources at exit.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import acl
import numpy as np

from .preprocess import PictureError, PreprocessSpec, _hw, load_picture, resize_target

__all__ = [
    "DECODERS",
    "AippInput",
    "aipp_input",
    "crop_box",
    "decoding",
    "dvpp_decoding",
    "load_picture_dvpp",
    "model_aipp",
    "resize_nv12_dvpp",
    "with_decoder",
]

#: The ``--preprocess`` choices: Pillow (the default) or DVPP.
DECODERS = ("pillow", "dvpp")

log = logging.getLogger(__name__)

_NV12 = 1  # PIXEL_FORMAT_YUV_SEMIPLANAR_420
# aclrtMemcpyKind. The tensor is a pool block's input (device memory) or a host array: the runtime
# tells which (ACL_MEMCPY_DEFAULT).
_HOST_TO_DEVICE, _TO_TENSOR = 1, 4
_JPEG_MAGIC = b"\xff\xd8"
# aclmdlInputAippType's ACL_DATA_WITH_STATIC_AIPP and aclAippInputFormat's names (acl_mdl.h).
_STATIC_AIPP = 1
_AIPP_FORMATS = {1: "YUV420SP_U8", 2: "XRGB8888_U8", 3: "RGB888_U8", 4: "YUV400_U8", 7: "ARGB8888_U8",
                 8: "YUYV_U8", 9: "YUV422SP_U8", 10: "AYUV444_U8"}  # fmt: skip


def _align(value: int, to: int) -> int:
    return (value + to - 1) // to * to


def crop_box(spec: PreprocessSpec, width: int, height: int) -> tuple[int, int, int, int]:
    """The inclusive (left, right, top, bottom) box of a ``width`` x ``height`` picture that ``spec``'s
    resize and center crop keep (the box Pillow's path resizes, see ``preprocess_image``), rounded to
    what VPC takes: left and top even, right and bottom odd (acldvppVpcCropAsync's ROI rules)."""
    target = resize_target(spec, width, height)
    x0, y0, x1, y1 = 0.0, 0.0, float(width), float(height)
    if spec.crop is not None:
        ch, cw = _hw(spec.crop)
        tw, th = target if target is not None else (width, height)
        if ch > th or cw > tw:
            raise ValueError(f"picture of {width}x{height} is smaller than the {cw}x{ch} crop")
        sx, sy = width / tw, height / th
        left, top = (tw - cw) // 2, (th - ch) // 2
        x0, y0, x1, y1 = left * sx, top * sy, (left + cw) * sx, (top + ch) * sy
    left, right = _vpc_span(x0, x1, width)
    top, bottom = _vpc_span(y0, y1, height)
    return left, right, top, bottom


def _vpc_span(a: float, b: float, size: int) -> tuple[int, int]:
    """The inclusive span [first, last] (first even, last odd, inside ``size``) whose resize samples the
    source nearest to where Pillow's exact span [a, b) does: of the even starts and ends around a and b,
    the pair with the smallest mean distance between the two mappings of the output pixels (the
    distance grows linearly from (first - a) to (last + 1 - b)); ties go to the wider span."""
    lo = max(0, math.floor(a) & ~1)
    hi = min(math.floor(b) & ~1, _last_odd(size) + 1)
    best: tuple[float, int, int, int] | None = None
    for first in (lo, lo + 2):
        for end in (hi, hi + 2):
            if end - first < 2 or end > _last_odd(size) + 1:
                continue
            d0, d1 = first - a, end - b
            # mean |d| of a linear function from d0 to d1
            if d0 * d1 >= 0:
                cost = (abs(d0) + abs(d1)) / 2
            else:
                cost = (d0 * d0 + d1 * d1) / (2 * (abs(d0) + abs(d1)))
            key = (round(cost, 9), -(end - first), first, end)
            if best is None or key < best:
                best = key
    if best is None:  # narrower than two pixels: the smallest span VPC takes
        first = min(lo, max(0, _last_odd(size) - 1))
        return first, first + 1
    return best[2], best[3] - 1


def _last_odd(size: int) -> int:
    """The last odd index inside ``size`` pixels."""
    return size - 1 if (size - 1) % 2 else size - 2


@dataclass(frozen=True)
class AippInput:
    """A model input's static AIPP as the ACL API reports it (aclmdlGetAippType,
    aclmdlGetFirstAippInfo, aclmdlGetInputDims)."""

    #: CANN's ``input_format`` name (``YUV420SP_U8``, ``RGB888_U8``, ...).
    input_format: str
    #: The source picture size AIPP takes (``src_image_size_h``/``_w``).
    height: int
    width: int
    #: The input's dims as aclmdlGetInputDims gives them (their first is the batch).
    dims: tuple[int, ...]


def aipp_input(model_id: int, index: int = 0) -> AippInput | None:
    """Input ``index`` of the loaded model ``model_id``'s static AIPP, read through the ACL API (works
    for a CANN .om on an Ascend host and for ``acl-async atc`` models on the host runtime alike), or
    None when that input has no static AIPP."""
    kind, _, ret = acl.mdl.get_aipp_type(model_id, index)
    _check(ret, "aclmdlGetAippType")
    if kind != _STATIC_AIPP:
        return None
    info, ret = acl.mdl.get_first_aipp_info(model_id, index)
    _check(ret, "aclmdlGetFirstAippInfo")
    desc = acl.mdl.create_desc()
    try:
        _check(acl.mdl.get_desc(desc, model_id), "aclmdlGetDesc")
        dims, ret = acl.mdl.get_input_dims(desc, index)
        _check(ret, "aclmdlGetInputDims")
    finally:
        acl.mdl.destroy_desc(desc)
    fmt = int(info["inputFormat"])
    return AippInput(_AIPP_FORMATS.get(fmt, f"format {fmt}"), int(info["srcImageSizeH"]),
                     int(info["srcImageSizeW"]), tuple(int(d) for d in dims["dims"]))  # fmt: skip


def model_aipp(model_id: int) -> AippInput | None:
    """:func:`aipp_input` of the model's first input, None also when the runtime cannot tell (the
    commands then read the model file)."""
    try:
        return aipp_input(model_id, 0)
    except _Failed as exc:
        log.debug("no AIPP info through the ACL API: %s", exc)
        return None


class _Failed(Exception):
    """A DVPP call failed: ``str()`` names it, its code and the runtime's message."""


def _check(ret: int, what: str) -> None:
    if ret != 0:
        raise _Failed(f"{what} failed ({ret}): {acl.get_recent_err_msg() or 'no message'}")


class _Buffer:
    """DVPP memory grown on demand."""

    def __init__(self) -> None:
        self.ptr = 0
        self.size = 0

    def reserve(self, size: int) -> int:
        if size > self.size:
            self.free()
            ptr, ret = acl.media.dvpp_malloc(size)
            _check(ret, f"acldvppMalloc({size})")
            self.ptr, self.size = ptr, size
        return self.ptr

    def free(self) -> None:
        if self.ptr:
            acl.media.dvpp_free(self.ptr)
            self.ptr, self.size = 0, 0


class _Worker:
    """One thread's DVPP channel, stream, descriptions and buffers."""

    def __init__(self, context: Any) -> None:
        self.context = context
        # Held while a picture is processed: close() (another thread, at the end of dvpp_decoding)
        # waits for a decoder still busy instead of freeing its resources under it.
        self.busy = threading.Lock()
        self.source, self.decoded, self.resized = _Buffer(), _Buffer(), _Buffer()
        self.channel = acl.media.dvpp_create_channel_desc()
        self.stream = None
        self.pics: list[Any] = []
        self.roi = None
        try:
            _check(acl.media.dvpp_create_channel(self.channel), "acldvppCreateChannel")
            self.stream, ret = acl.rt.create_stream()
            _check(ret, "aclrtCreateStream")
            self.pics = [acl.media.dvpp_create_pic_desc() for _ in range(3)]
            self.roi = acl.media.dvpp_create_roi_config(0, 1, 0, 1)
        except BaseException:
            self._release()
            raise

    def close(self) -> None:
        with self.busy:
            self._release()

    def _release(self) -> None:
        acl.rt.set_context(self.context)
        if self.roi is not None:
            acl.media.dvpp_destroy_roi_config(self.roi)
        for pic in self.pics:
            acl.media.dvpp_destroy_pic_desc(pic)
        if self.stream is not None:
            acl.rt.destroy_stream(self.stream)
        for buf in (self.source, self.decoded, self.resized):
            buf.free()
        if self.channel:
            acl.media.dvpp_destroy_channel(self.channel)
            acl.media.dvpp_destroy_channel_desc(self.channel)
        self.roi, self.pics, self.stream, self.channel = None, [], None, None

    def run(self, data: bytes, spec: PreprocessSpec, out: np.ndarray) -> None:
        """Decode ``data`` (a JPEG) and crop/resize it into ``out`` (uint8 NV12 ``[1, h*3/2, w, 1]``)."""
        with self.busy:
            if self.channel is None:
                raise _Failed("DVPP preprocessing has ended (dvpp_decoding closed)")
            self._run(data, spec, out)

    def _run(self, data: bytes, spec: PreprocessSpec, out: np.ndarray) -> None:
        media = acl.media
        n = len(data)
        src = self.source.reserve(n)
        _check(acl.rt.memcpy(src, n, acl.util.bytes_to_ptr(data), n, _HOST_TO_DEVICE), "aclrtMemcpy")
        dec_size, ret = media.dvpp_jpeg_predict_dec_size(src, n, _NV12)
        _check(ret, "acldvppJpegPredictDecSize")
        decoded = self.pics[0]
        dec = self.decoded.reserve(dec_size)
        media.dvpp_set_pic_desc_data(decoded, dec)
        media.dvpp_set_pic_desc_size(decoded, dec_size)
        media.dvpp_set_pic_desc_format(decoded, _NV12)
        ret = media.dvpp_jpeg_decode_async(self.channel, src, n, decoded, self.stream)
        _check(ret, "acldvppJpegDecodeAsync")
        _check(acl.rt.synchronize_stream(self.stream), "acldvppJpegDecodeAsync")
        w, h = media.dvpp_get_pic_desc_width(decoded), media.dvpp_get_pic_desc_height(decoded)
        # VPC takes even YUV420SP sizes: an odd last column or row (4:2:0 chroma covers it) is left out.
        w, h = w & ~1, h & ~1
        ws, hs = media.dvpp_get_pic_desc_width_stride(decoded), media.dvpp_get_pic_desc_height_stride(decoded)
        self._resize(dec, w, h, ws, hs, spec, out)

    def resize(self, src: int, w: int, h: int, ws: int, hs: int, spec: PreprocessSpec,
               out: np.ndarray) -> None:  # fmt: skip
        """VPC crop/resize of the NV12 picture at ``src`` (DVPP memory, ``w`` x ``h``, strides ``ws`` x
        ``hs``; a VDEC output) into ``out`` as :meth:`run` does with a decoded JPEG."""
        with self.busy:
            if self.channel is None:
                raise _Failed("DVPP preprocessing has ended (dvpp_decoding closed)")
            self._resize(src, w & ~1, h & ~1, ws, hs, spec, out)

    def _resize(self, dec: int, w: int, h: int, ws: int, hs: int, spec: PreprocessSpec,
                out: np.ndarray) -> None:  # fmt: skip
        media = acl.media
        _, vpc_in, vpc_out = self.pics
        for setter, value in ((media.dvpp_set_pic_desc_data, dec), (media.dvpp_set_pic_desc_format, _NV12),
                              (media.dvpp_set_pic_desc_width, w), (media.dvpp_set_pic_desc_height, h),
                              (media.dvpp_set_pic_desc_width_stride, ws),
                              (media.dvpp_set_pic_desc_height_stride, hs),
                              (media.dvpp_set_pic_desc_size, ws * hs * 3 // 2)):  # fmt: skip
            setter(vpc_in, value)
        oh, ow = (out.shape[1] * 2 // 3, out.shape[2])
        ows, ohs = _align(ow, 16), _align(oh, 2)  # VPC output strides: 16 and 2 (aclcppdevg)
        out_size = ows * ohs * 3 // 2
        res = self.resized.reserve(out_size)
        for setter, value in ((media.dvpp_set_pic_desc_data, res), (media.dvpp_set_pic_desc_format, _NV12),
                              (media.dvpp_set_pic_desc_width, ow), (media.dvpp_set_pic_desc_height, oh),
                              (media.dvpp_set_pic_desc_width_stride, ows),
                              (media.dvpp_set_pic_desc_height_stride, ohs),
                              (media.dvpp_set_pic_desc_size, out_size)):  # fmt: skip
            setter(vpc_out, value)
        left, right, top, bottom = crop_box(spec, w, h)
        _check(media.dvpp_set_roi_config(self.roi, left, right, top, bottom), "acldvppSetRoiConfig")
        ret = media.dvpp_vpc_crop_async(self.channel, vpc_in, vpc_out, self.roi, self.stream)
        _check(ret, "acldvppVpcCropAsync")
        _check(acl.rt.synchronize_stream(self.stream), "acldvppVpcCropAsync")
        plane = out[0, :, :, 0]
        if ows == ow and ohs == oh and plane.flags.c_contiguous:
            _check(acl.rt.memcpy(acl.util.numpy_to_ptr(plane), plane.nbytes, res, plane.nbytes, _TO_TENSOR),
                   "aclrtMemcpy")  # fmt: skip
            return
        strided = np.empty((ohs * 3 // 2, ows), dtype=np.uint8)
        _check(acl.rt.memcpy(acl.util.numpy_to_ptr(strided), out_size, res, out_size, _TO_TENSOR),
               "aclrtMemcpy")  # fmt: skip
        plane[:oh] = strided[:oh, :ow]
        plane[oh:] = strided[ohs : ohs + oh // 2, :ow]


class _Workers:
    """The context lent to decoding threads and every thread's :class:`_Worker`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.context: Any = None
        self.all: list[_Worker] = []
        self.local = threading.local()
        self.warned: set[str] = set()

    def mine(self) -> _Worker:
        worker = getattr(self.local, "worker", None)
        if worker is not None:
            return worker
        with self.lock:
            context = self.context
        if context is None:
            context, ret = acl.rt.get_context()
            _check(ret, "aclrtGetCurrentContext (DVPP preprocessing needs an open session)")
        else:
            _check(acl.rt.set_context(context), "aclrtSetCurrentContext")
        worker = _Worker(context)
        with self.lock:
            self.all.append(worker)
        self.local.worker = worker
        return worker

    def close(self) -> None:
        with self.lock:
            workers, self.all = self.all, []
            self.local = threading.local()
        for worker in workers:
            worker.close()


_WORKERS = _Workers()


@contextmanager
def dvpp_decoding() -> Iterator[None]:
    """Lend the calling thread's ACL context (the session's) to the threads that decode through DVPP,
    and free their channels, streams and DVPP memory at exit (before the session closes)."""
    context, ret = acl.rt.get_context()
    _check(ret, "aclrtGetCurrentContext (DVPP preprocessing needs an open session)")
    with _WORKERS.lock:
        _WORKERS.context = context
    try:
        yield
    finally:
        _WORKERS.close()
        with _WORKERS.lock:
            _WORKERS.context = None


def _fallback(path: Path, spec: PreprocessSpec, out: np.ndarray | None, why: str) -> np.ndarray:
    if why not in _WORKERS.warned:
        _WORKERS.warned.add(why)
        log.warning("%s: %s; decoded by Pillow instead (and any other such picture)", path, why)
    return load_picture(path, spec.replace(decoder="pillow"), out=out)


def load_picture_dvpp(
    path: str | os.PathLike[str], spec: PreprocessSpec, out: np.ndarray | None = None
) -> np.ndarray:
    """:func:`~acl_async.preprocess.load_picture` through DVPP (``spec.layout`` must be ``NV12``);
    raises :class:`~acl_async.preprocess.PictureError`."""
    path = Path(path)
    if spec.layout != "NV12" or spec.output_hw is None:
        raise ValueError("DVPP preprocessing feeds a YUV420SP (NV12) AIPP model input of a known size")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PictureError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise PictureError(path, "is a folder, not a picture") from exc
    except OSError as exc:
        raise PictureError(path, f"cannot read: {exc.strerror or exc}") from exc
    if not data.startswith(_JPEG_MAGIC):
        return _fallback(path, spec, out, "not a JPEG (DVPP's JPEGD decodes JPEG only)")
    shape = spec.input_shape
    assert shape is not None
    if out is None:
        out = np.empty(shape, dtype=np.uint8)
    elif out.shape != shape or out.dtype != np.uint8:
        raise ValueError(f"preprocessing gives uint8 {list(shape)} (NV12) but the destination is "
                         f"{out.dtype.name} {list(out.shape)}")  # fmt: skip
    try:
        _WORKERS.mine().run(data, spec, out)
    except _Failed as exc:
        if "progressive" in str(exc) or "arithmetic" in str(exc):
            return _fallback(path, spec, out, "a JPEG that JPEGD refuses (progressive or arithmetic coding)")
        raise PictureError(path, f"DVPP: {exc}") from None
    except ValueError as exc:
        raise PictureError(path, str(exc)) from None
    return out


def resize_nv12_dvpp(
    src: int, width: int, height: int, strides: tuple[int, int], spec: PreprocessSpec, out: np.ndarray
) -> np.ndarray:
    """An NV12 picture already in DVPP memory (a VDEC output: ``width`` x ``height``, ``strides`` (width,
    height)) cropped and resized by VPC into ``out`` (uint8 NV12 of ``spec``), on the calling thread's
    channel and stream; raises :class:`_Failed` (one line) when a DVPP call fails."""
    if spec.layout != "NV12" or spec.output_hw is None:
        raise ValueError("DVPP preprocessing feeds a YUV420SP (NV12) AIPP model input of a known size")
    _WORKERS.mine().resize(src, width, height, strides[0], strides[1], spec, out)
    return out


def with_decoder(spec: PreprocessSpec, decoder: str) -> PreprocessSpec:
    """``spec`` decoded by ``decoder`` (``pillow`` or ``dvpp``); ValueError (one line) when DVPP cannot
    feed the model."""
    if decoder == "dvpp" and (spec.layout != "NV12" or spec.output_hw is None):
        raise ValueError("--preprocess dvpp needs a model whose input is YUV420SP with static AIPP "
                         "(acl-async atc --insert_op_conf with input_format: YUV420SP_U8, "
                         "csc_switch: true)")  # fmt: skip
    return spec.replace(decoder=decoder)


def decoding(decoder: str) -> AbstractContextManager[None]:
    """:func:`dvpp_decoding` for ``dvpp``, else nothing."""
    return dvpp_decoding() if decoder == "dvpp" else nullcontext()
