"""Turn pictures (or ready-made tensor files) into model input tensors: the one place for preprocessing.

A :class:`PreprocessSpec` says how: resize (exactly, or the shorter side), center crop, channel order,
``(x - mean) / std`` per *output* channel (i.e. after any RGB->BGR swap), element type and layout
(``NV12``: the YUV420SP input of an AIPP model, see :mod:`acl_async.yuv`), and the decoder (``pillow``,
or ``dvpp``: JPEG decode and VPC crop/resize through DVPP, :mod:`acl_async.dvpp_preprocess`).
:data:`SAMPLE_SPEC` reproduces Huawei's ``transferPic.py`` from the ResNet-50 async sample; models
built by :mod:`acl_async.zoo` carry their own spec in their metadata (see
:meth:`PreprocessSpec.from_metadata`).

Nothing here needs the C++ extension.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .yuv import YUV420SP, nv12_hw, nv12_shape, rgb_to_nv12

__all__ = [
    "INPUT_SUFFIXES",
    "METADATA_KEY",
    "PICTURE_SUFFIXES",
    "SAMPLE_SPEC",
    "TENSOR_SUFFIXES",
    "InputFileError",
    "PictureError",
    "PreprocessSpec",
    "TransferResult",
    "check_input",
    "collect_inputs",
    "draft_size",
    "infer_layout",
    "is_uint8_image_input",
    "load_input",
    "load_picture",
    "load_tensor_file",
    "normalize_dtype",
    "open_picture",
    "preprocess_image",
    "resize_target",
    "save_tensor",
    "spec_for_model",
    "transfer_pictures",
]

log = logging.getLogger(__name__)

#: Model metadata key holding the preprocessing as JSON (see :meth:`PreprocessSpec.to_json`).
METADATA_KEY = "acl_async.preprocess"
PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
TENSOR_SUFFIXES = frozenset({".bin", ".npy"})
INPUT_SUFFIXES = PICTURE_SUFFIXES | TENSOR_SUFFIXES

_DTYPE_ALIASES = {
    "float16": "float16", "fp16": "float16", "f16": "float16", "half": "float16",
    "float32": "float32", "fp32": "float32", "f32": "float32", "float": "float32",
    "uint8": "uint8", "u8": "uint8",
}  # fmt: skip
_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming")
_RESIZE_MODES = ("exact", "shorter")
_CHANNEL_ORDERS = ("RGB", "BGR")
_LAYOUTS = ("NCHW", "NHWC", "NV12")  # NV12: YUV420SP [1, H*3/2, W, 1] uint8 (acl_async.yuv)
_DECODERS = ("pillow", "dvpp")


class InputFileError(ValueError):
    """An input file that cannot be used; ``str()`` is a one-line ``"<path>: <reason>"``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class PictureError(InputFileError):
    """A picture that cannot be read or decoded (missing, not an image, corrupt, too small)."""


def normalize_dtype(dtype: object) -> str:
    """Canonical element type name (``"float16"``, ``"float32"`` or ``"uint8"``) for many spellings."""
    if isinstance(dtype, str):
        key = dtype.strip().lower()
    else:
        try:
            key = np.dtype(dtype).name  # type: ignore[call-overload]
        except TypeError as exc:
            raise ValueError(f"unsupported element type {dtype!r}") from exc
    if key not in _DTYPE_ALIASES:
        raise ValueError(f"unsupported element type {dtype!r} (float16, float32 or uint8)")
    return _DTYPE_ALIASES[key]


def _size_pair(value: object, what: str) -> int | tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{what} must be one size or (height, width), got {value!r}")
        pair = (int(value[0]), int(value[1]))
        if min(pair) <= 0:
            raise ValueError(f"{what} must be positive, got {value!r}")
        return pair if pair[0] != pair[1] else pair[0]
    size = int(value)  # type: ignore[call-overload]
    if size <= 0:
        raise ValueError(f"{what} must be positive, got {value!r}")
    return size


def _triple(value: object, what: str) -> tuple[float, float, float]:
    if isinstance(value, (int, float)):
        values = [float(value)] * 3
    elif isinstance(value, (list, tuple)) and len(value) in (1, 3):
        values = [float(v) for v in value] * (3 // len(value))
    else:
        raise ValueError(f"{what} must be one number or three, got {value!r}")
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return (values[0], values[1], values[2])


def _hw(size: int | tuple[int, int]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else size


@dataclass(frozen=True)
class PreprocessSpec:
    """How to turn a picture into a model input tensor.

    Sizes are one int (square) or ``(height, width)``.  ``resize_mode="exact"`` resizes to ``resize``
    ignoring the aspect ratio; ``"shorter"`` scales the shorter side to ``resize`` (an int) and the
    longer one to ``int(resize * long / short)``.  ``crop`` is a center crop (offset rounded down).
    ``mean`` and ``std`` apply per output channel, after the channel order is applied; they must be
    0 and 1 for ``uint8``.  The tensor always has a batch dimension of 1.
    """

    resize: int | tuple[int, int] | None = None
    resize_mode: str = "exact"
    crop: int | tuple[int, int] | None = None
    channel_order: str = "RGB"
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    dtype: str = "float32"
    layout: str = "NCHW"
    interpolation: str = "bilinear"
    decoder: str = "pillow"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "resize", _size_pair(self.resize, "resize"))
        set_(self, "crop", _size_pair(self.crop, "crop"))
        set_(self, "mean", _triple(self.mean, "mean"))
        set_(self, "std", _triple(self.std, "std"))
        set_(self, "dtype", normalize_dtype(self.dtype))
        set_(self, "channel_order", str(self.channel_order).upper())
        set_(self, "layout", str(self.layout).upper())
        set_(self, "interpolation", str(self.interpolation).lower())
        set_(self, "resize_mode", str(self.resize_mode).lower())
        set_(self, "decoder", str(self.decoder).lower())
        if self.decoder not in _DECODERS:
            raise ValueError(f"decoder must be one of {_DECODERS}, got {self.decoder!r}")
        if self.resize_mode not in _RESIZE_MODES:
            raise ValueError(f"resize_mode must be one of {_RESIZE_MODES}, got {self.resize_mode!r}")
        if self.resize_mode == "shorter" and not isinstance(self.resize, int):
            raise ValueError("resize_mode 'shorter' needs one size, not (height, width)")
        if self.channel_order not in _CHANNEL_ORDERS:
            raise ValueError(f"channel_order must be RGB or BGR, got {self.channel_order!r}")
        if self.layout not in _LAYOUTS:
            raise ValueError(f"layout must be NCHW, NHWC or NV12, got {self.layout!r}")
        if self.layout == "NV12" and (self.dtype != "uint8" or self.channel_order != "RGB"):
            raise ValueError("NV12 input takes uint8 pictures (the model's AIPP converts the colours)")
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(f"interpolation must be one of {_INTERPOLATIONS}, got {self.interpolation!r}")
        if any(s == 0.0 for s in self.std):
            raise ValueError("std must not be 0")
        if self.dtype == "uint8" and (self.mean != (0.0, 0.0, 0.0) or self.std != (1.0, 1.0, 1.0)):
            raise ValueError("uint8 input takes raw pixels: mean must be 0 and std 1")

    # -- derived facts -------------------------------------------------------------------------

    @property
    def output_hw(self) -> tuple[int, int] | None:
        """(height, width) of the tensor, or None when it depends on the picture."""
        if self.crop is not None:
            return _hw(self.crop)
        if self.resize is not None and self.resize_mode == "exact":
            return _hw(self.resize)
        return None

    @property
    def input_shape(self) -> tuple[int, int, int, int] | None:
        """Tensor shape including the batch dimension of 1, or None when it depends on the picture."""
        hw = self.output_hw
        if hw is None:
            return None
        if self.layout == "NV12":
            return nv12_shape(*hw)
        return (1, 3, *hw) if self.layout == "NCHW" else (1, *hw, 3)

    @property
    def nbytes(self) -> int | None:
        shape = self.input_shape
        return None if shape is None else math.prod(shape) * np.dtype(self.dtype).itemsize

    # -- (de)serialization ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("resize", "crop", "mean", "std"):
            if isinstance(d[key], tuple):
                d[key] = list(d[key])
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PreprocessSpec:
        """Build from a JSON-like mapping; unknown keys are ignored (logged), missing ones default."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(d) - known)
        if unknown:
            log.debug("ignoring unknown preprocessing keys %s", unknown)
        return cls(**{k: v for k, v in d.items() if k in known})

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any] | None) -> PreprocessSpec | None:
        """The spec stored under ``acl_async.preprocess`` in model metadata, or None if absent.

        The value may be the JSON text (as stored in ONNX ``metadata_props``) or an already parsed dict.
        """
        if not metadata or METADATA_KEY not in metadata:
            return None
        raw = metadata[METADATA_KEY]
        try:
            d = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        except json.JSONDecodeError as exc:
            raise ValueError(f"model metadata {METADATA_KEY} is not valid JSON: {exc}") from exc
        if not isinstance(d, Mapping):
            raise ValueError(f"model metadata {METADATA_KEY} must be a JSON object")
        return cls.from_dict(d)

    def replace(self, **changes: Any) -> PreprocessSpec:
        return replace(self, **changes)


#: Huawei's ``transferPic.py``: 256x256 exact resize, 224 center crop, RGB->BGR, minus B/G/R means
#: 104/117/123, float16 NCHW ``[1,3,224,224]`` (301,056 bytes).  The script called
#: ``Image.resize((256, 256))`` without a filter; Pillow's default there has been BICUBIC since
#: Pillow 7.0 (January 2020, before the sample), so BICUBIC is named explicitly here.
SAMPLE_SPEC = PreprocessSpec(
    resize=256,
    resize_mode="exact",
    crop=224,
    channel_order="BGR",
    mean=(104.0, 117.0, 123.0),
    std=(1.0, 1.0, 1.0),
    dtype="float16",
    layout="NCHW",
    interpolation="bicubic",
)


def infer_layout(dims: Sequence[int]) -> tuple[str, tuple[int, int] | None]:
    """Layout and (height, width) from 4-D input dims: ``[N,3,H,W]`` -> NCHW, ``[N,H,W,3]`` -> NHWC.

    Dynamic dims (<= 0) give ``None`` for the size.
    """
    dims = [int(d) for d in dims]
    if len(dims) != 4:
        raise ValueError(f"expected a 4-D picture input [N,C,H,W] or [N,H,W,C], got dims {dims}")
    if dims[1] == 3:
        layout, h, w = "NCHW", dims[2], dims[3]
    elif dims[3] == 3:
        layout, h, w = "NHWC", dims[1], dims[2]
    else:
        raise ValueError(f"cannot tell the layout of input dims {dims}: no dimension of 3 channels")
    return layout, ((h, w) if h > 0 and w > 0 else None)


def is_uint8_image_input(input_dims: Sequence[int] | None, dtype: object) -> bool:
    """True for a uint8 NHWC picture input ``[N,H,W,3]``: a model converted by ``acl-async atc`` with
    static AIPP, which does its own colour conversion and normalisation, so decoded pixels go in as
    they are (RGB, no float preprocessing)."""
    if input_dims is None or dtype is None or len(input_dims) != 4:
        return False
    try:
        return normalize_dtype(dtype) == "uint8" and int(input_dims[3]) == 3
    except (TypeError, ValueError):
        return False


def spec_for_model(
    input_dims: Sequence[int] | None,
    dtype: object = None,
    metadata: Mapping[str, Any] | None = None,
    aipp_format: str | None = None,
) -> PreprocessSpec:
    """The spec for a model input: metadata first, then the input description.

    With ``acl_async.preprocess`` metadata, its resize/crop/order/mean/std are used and the input's
    layout and element type (when given) override the stored ones.  Without it, :data:`SAMPLE_SPEC`
    is used, scaled to the input size (resize = size * 256/224) and set to the input's layout and type
    (mean 0, std 1 for uint8 inputs).  ``aipp_format`` (the input's static AIPP ``input_format``, from
    the model's AIPP info): ``YUV420SP_U8`` makes an ``NV12`` spec of the AIPP source size.  Raises
    ValueError if the metadata size and the dims disagree.
    """
    layout: str | None
    if aipp_format == YUV420SP and input_dims is not None:
        layout, hw = "NV12", nv12_hw(input_dims)
        dtype = "uint8"
    else:
        layout, hw = infer_layout(input_dims) if input_dims is not None else (None, None)
    dtype_name = normalize_dtype(dtype) if dtype is not None else None
    spec = PreprocessSpec.from_metadata(metadata)
    if spec is None:
        spec = SAMPLE_SPEC
        if hw is not None and hw != (224, 224):
            spec = spec.replace(resize=(round(hw[0] * 256 / 224), round(hw[1] * 256 / 224)), crop=hw)
        if dtype_name == "uint8":
            spec = spec.replace(mean=0.0, std=1.0)
        if is_uint8_image_input(input_dims, dtype_name):
            spec = spec.replace(channel_order="RGB")  # AIPP's RGB888_U8 takes R, G, B
    elif hw is not None:
        if spec.output_hw is None:
            spec = spec.replace(crop=hw)
        elif spec.output_hw != hw:
            raise ValueError(f"model metadata gives {spec.output_hw} pictures but the input is {hw}")
    if is_uint8_image_input(input_dims, dtype_name) or layout == "NV12":
        # The model normalises (static AIPP): keep the metadata's resize and crop, hand pixels over.
        spec = spec.replace(mean=0.0, std=1.0, channel_order="RGB")
    changes: dict[str, Any] = {}
    if layout is not None:
        changes["layout"] = layout
    if dtype_name is not None:
        changes["dtype"] = dtype_name
    if dtype_name == "uint8":
        # A uint8 input takes the decoded pixels (an AIPP .om, or a model that normalizes inside): no
        # float preprocessing; the stored mean/std are the model's business.
        changes.update(mean=0.0, std=1.0)
    return spec.replace(**changes) if changes else spec


# -- pictures -------------------------------------------------------------------------------------


def _resample(name: str) -> Any:
    from PIL import Image

    filters = getattr(Image, "Resampling", Image)  # Pillow < 9.1 has the constants on Image itself
    return getattr(filters, name.upper())


def resize_target(spec: PreprocessSpec, width: int, height: int) -> tuple[int, int] | None:
    """(width, height) a ``width`` x ``height`` picture is resized to by ``spec`` (None: no resize)."""
    if spec.resize is None:
        return None
    if spec.resize_mode == "exact":
        th, tw = _hw(spec.resize)
        return tw, th
    assert isinstance(spec.resize, int)
    short = spec.resize
    return (short, int(short * height / width)) if width <= height else (int(short * width / height), short)


def preprocess_image(
    image: Any,
    spec: PreprocessSpec,
    *,
    source_size: tuple[int, int] | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Apply ``spec`` to a Pillow image; returns a C-contiguous tensor with a batch dimension of 1.

    ``source_size`` (width, height) is the size the resize target is computed from when ``image`` was
    decoded at a reduced DCT scale (see :func:`load_picture`); default: ``image.size``.  With ``out``
    (a writable array of the tensor's exact shape and type, e.g. a pool block's host input view) the
    tensor is written there and ``out`` is returned.
    """
    image = image.convert("RGB")
    w, h = source_size if source_size is not None else image.size
    target = resize_target(spec, w, h)
    cropped = False
    if target is not None and spec.crop is not None and target != image.size:
        ch, cw = _hw(spec.crop)
        tw, th = target
        if ch <= th and cw <= tw:
            # Resize only the part the center crop keeps: the same pixels (the same filter taps around the
            # same source positions) for a fraction of the work.
            top, left = (th - ch) // 2, (tw - cw) // 2
            sx, sy = image.width / tw, image.height / th
            box = (left * sx, top * sy, (left + cw) * sx, (top + ch) * sy)
            image = image.resize((cw, ch), resample=_resample(spec.interpolation), box=box)
            cropped = True
    if not cropped and target is not None and target != image.size:
        image = image.resize(target, resample=_resample(spec.interpolation))
    pixels = np.asarray(image, dtype=np.uint8)
    if spec.crop is not None and not cropped:
        ch, cw = _hw(spec.crop)
        h, w = pixels.shape[:2]
        if ch > h or cw > w:
            raise ValueError(f"picture of {w}x{h} is smaller than the {cw}x{ch} crop")
        top, left = (h - ch) // 2, (w - cw) // 2
        pixels = pixels[top : top + ch, left : left + cw]
    if spec.layout == "NV12":
        return _write_nv12(pixels, out)
    if spec.channel_order == "BGR":
        pixels = pixels[:, :, ::-1]
    if spec.layout == "NCHW":
        pixels = pixels.transpose(2, 0, 1)
    shape = (1, *pixels.shape)
    if out is None:
        out = np.empty(shape, dtype=spec.dtype)
    elif out.shape != shape or out.dtype != np.dtype(spec.dtype):
        raise ValueError(
            f"preprocessing gives {spec.dtype} {list(shape)} but the destination is "
            f"{out.dtype.name} {list(out.shape)}"
        )
    if spec.dtype == "uint8":
        out[0] = pixels  # raw pixels: no float work at all
        return out
    # (x - mean) / std in float32, written once into the destination (cast there for float16).
    at = (slice(None), None, None) if spec.layout == "NCHW" else (None, None, slice(None))
    mean = np.asarray(spec.mean, dtype=np.float32)[at]
    std = np.asarray(spec.std, dtype=np.float32)[at]
    if out.dtype == np.float32:
        np.subtract(pixels, mean, out=out[0])
        np.divide(out[0], std, out=out[0])
    else:
        out[0] = (pixels - mean) / std
    return out


def _write_nv12(rgb: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    shape = nv12_shape(*rgb.shape[:2])
    if out is None:
        out = np.empty(shape, dtype=np.uint8)
    elif out.shape != shape or out.dtype != np.uint8:
        raise ValueError(f"preprocessing gives uint8 {list(shape)} (NV12) but the destination is "
                         f"{out.dtype.name} {list(out.shape)}")  # fmt: skip
    rgb_to_nv12(rgb, out=out[0, :, :, 0])
    return out


def draft_size(spec: PreprocessSpec, width: int, height: int) -> tuple[int, int] | None:
    """The smallest (width, height) a ``width`` x ``height`` picture may be decoded at for ``spec``: its
    resize target (never smaller), or None when the picture is needed at full size (no resize)."""
    return resize_target(spec, width, height)


_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})  # EXIF orientations that transpose width and height
_EXIF_ORIENTATION = 0x0112


def open_picture(image: Any, spec: PreprocessSpec, draft: bool = True) -> tuple[Any, tuple[int, int]]:
    """Decode an opened Pillow ``image`` (JPEG: at the smallest DCT scale, 1/1 to 1/8, whose size still
    covers the resize target, when ``draft``), apply its EXIF orientation, and return it with the
    oriented full-size (width, height) that the resize target is computed from."""
    from PIL import ImageOps

    width, height = image.size
    try:
        swap = image.getexif().get(_EXIF_ORIENTATION) in _SWAPPING_ORIENTATIONS
    except Exception:  # noqa: BLE001 - a broken EXIF block: no orientation, like exif_transpose
        swap = False
    full = (height, width) if swap else (width, height)
    if draft and getattr(image, "format", None) == "JPEG":
        need = draft_size(spec, *full)
        if need is not None:
            image.draft("RGB", (need[1], need[0]) if swap else need)
    image.load()
    return ImageOps.exif_transpose(image), full


def load_picture(
    path: str | os.PathLike[str],
    spec: PreprocessSpec,
    *,
    draft: bool = True,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Read a picture (EXIF orientation applied) and preprocess it; raises :class:`PictureError`.

    ``draft`` (default) decodes JPEGs at the smallest DCT scale that still covers the resize target
    (libjpeg's 1/2, 1/4, 1/8 scaling: a fraction of the cost for pictures much larger than the model
    input); ``draft=False`` decodes at full size.  ``out``: see :func:`preprocess_image`.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if spec.decoder == "dvpp":
        from .dvpp_preprocess import load_picture_dvpp

        return load_picture_dvpp(path, spec, out=out)
    try:
        with Image.open(path) as opened:
            image, full = open_picture(opened, spec, draft)
            return preprocess_image(image, spec, source_size=full, out=out)
    except FileNotFoundError as exc:
        raise PictureError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise PictureError(path, "is a folder, not a picture") from exc
    except PermissionError as exc:
        raise PictureError(path, "permission denied") from exc
    except UnidentifiedImageError as exc:
        raise PictureError(path, "not a picture Pillow can read") from exc
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PictureError(path, f"cannot decode picture: {exc}") from exc


# -- tensor files ---------------------------------------------------------------------------------


def load_tensor_file(
    path: str | os.PathLike[str], expected_shape: Sequence[int], dtype: object
) -> np.ndarray:
    """Read a ready-made input: ``.bin`` (raw bytes, as ``transferPic.py`` writes) or ``.npy``.

    The result has exactly ``expected_shape`` and ``dtype``; ``.npy`` arrays may lack the leading batch
    dimension of 1.  Raises :class:`InputFileError` for a missing file or a wrong size/shape/type.
    """
    path = Path(path)
    shape = tuple(int(d) for d in expected_shape)
    if any(d <= 0 for d in shape):
        raise ValueError(f"expected shape must be fully known, got {list(shape)}")
    np_dtype = np.dtype(normalize_dtype(dtype))
    expected_bytes = math.prod(shape) * np_dtype.itemsize
    suffix = path.suffix.lower()
    try:
        if suffix == ".bin":
            actual = path.stat().st_size
            if actual != expected_bytes:
                raise InputFileError(
                    path,
                    f"holds {actual} bytes, but the model input needs {expected_bytes} bytes "
                    f"({np_dtype.name} {list(shape)})",
                )
            return np.fromfile(path, dtype=np_dtype).reshape(shape)
        if suffix == ".npy":
            array = np.load(path, allow_pickle=False)
            if array.shape == shape[1:] and shape[:1] == (1,):
                array = array[np.newaxis]
            if array.shape != shape:
                raise InputFileError(path, f"has shape {list(array.shape)}, the model input is {list(shape)}")
            if array.dtype != np_dtype:
                raise InputFileError(path, f"holds {array.dtype.name}, the model input is {np_dtype.name}")
            return np.ascontiguousarray(array)
    except FileNotFoundError as exc:
        raise InputFileError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputFileError(path, "is a folder, not a tensor file") from exc
    except InputFileError:
        raise
    except (OSError, ValueError) as exc:
        raise InputFileError(path, f"cannot read: {exc}") from exc
    raise InputFileError(path, f"unknown tensor file type {path.suffix!r} (.bin or .npy)")


def load_input(
    path: str | os.PathLike[str],
    spec: PreprocessSpec,
    *,
    draft: bool = True,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """A picture through ``spec``, or a ``.bin``/``.npy`` tensor checked against ``spec.input_shape``;
    ``draft`` and ``out`` as for :func:`load_picture`."""
    load_frame = getattr(path, "load_frame", None)  # a video's decoded frame (video_input.FramePath)
    if load_frame is not None:
        return load_frame(spec, out)  # type: ignore[no-any-return]
    path = Path(path)
    if path.suffix.lower() in TENSOR_SUFFIXES:
        shape = spec.input_shape
        if shape is None:
            raise InputFileError(path, "tensor files need a model input of known size")
        tensor = load_tensor_file(path, shape, spec.dtype)
        if out is None:
            return tensor
        out[...] = tensor
        return out
    return load_picture(path, spec, draft=draft, out=out)


def _check_tensor_header(path: Path, shape: tuple[int, ...], dtype: np.dtype) -> None:
    """:func:`load_tensor_file`'s checks without reading the data (.bin: its size, .npy: its header)."""
    try:
        if path.suffix.lower() == ".bin":
            actual, expected = path.stat().st_size, math.prod(shape) * dtype.itemsize
            if actual != expected:
                raise InputFileError(path, f"holds {actual} bytes, but the model input needs {expected} "
                                     f"bytes ({dtype.name} {list(shape)})")  # fmt: skip
            return
        header = np.load(path, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError as exc:
        raise InputFileError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise InputFileError(path, "is a folder, not a tensor file") from exc
    except (OSError, ValueError):
        load_tensor_file(path, shape, dtype)  # not a plain .npy (or empty): the full reader says why
        return
    dims = tuple(header.shape)
    if dims != shape and not (shape[:1] == (1,) and dims == shape[1:]):
        raise InputFileError(path, f"has shape {list(dims)}, the model input is {list(shape)}")
    if header.dtype != dtype:
        raise InputFileError(path, f"holds {header.dtype.name}, the model input is {dtype.name}")


def check_input(path: str | os.PathLike[str], spec: PreprocessSpec | None) -> None:
    """What can be told of an input file without decoding it (before the device is set up): a tensor's
    size, shape and type against ``spec`` (``.npy``: its header only; not checked without a spec or an
    input shape), a picture's header readable by Pillow.  Raises the :class:`InputFileError` that
    :func:`load_input` would raise later."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if path.suffix.lower() in TENSOR_SUFFIXES:
        if spec is not None and spec.input_shape is not None:
            _check_tensor_header(
                path, tuple(int(d) for d in spec.input_shape), np.dtype(normalize_dtype(spec.dtype))
            )
        return
    try:
        with Image.open(path):
            pass
    except FileNotFoundError as exc:
        raise PictureError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise PictureError(path, "is a folder, not a picture") from exc
    except PermissionError as exc:
        raise PictureError(path, "permission denied") from exc
    except UnidentifiedImageError as exc:
        raise PictureError(path, "not a picture Pillow can read") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise PictureError(path, f"cannot decode picture: {exc}") from exc


def collect_inputs(
    paths: Iterable[str | os.PathLike[str]], suffixes: Iterable[str] = INPUT_SUFFIXES
) -> list[Path]:
    """Expand folders (not recursively) into their files with one of ``suffixes`` (any case), sorted
    by name; files named directly are kept whatever their suffix.  Duplicates are dropped.

    Raises :class:`InputFileError` for a path that does not exist.
    """
    wanted = {s.lower() for s in suffixes}
    out: list[Path] = []
    seen: set[Path] = set()
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.suffix.lower() in wanted and p.is_file()),
                key=lambda p: p.name,
            )
        elif path.exists():
            found = [path]
        else:
            raise InputFileError(path, "no such file or folder")
        for p in found:
            if p not in seen:
                seen.add(p)
                out.append(p)
    return out


# -- writing --------------------------------------------------------------------------------------


def save_tensor(array: np.ndarray, path: str | os.PathLike[str]) -> Path:
    """Write the raw bytes of ``array`` (C order) to ``path`` atomically (temp file + rename)."""
    from .fileio import write_atomic

    return write_atomic(path, np.ascontiguousarray(array).tobytes())


@dataclass(frozen=True)
class TransferResult:
    source: Path
    target: Path
    error: str | None = None


def transfer_pictures(
    inputs: Iterable[str | os.PathLike[str]],
    spec: PreprocessSpec,
    output_dir: str | os.PathLike[str] | None = None,
) -> list[TransferResult]:
    """Convert pictures (folders expanded) to ``<stem>.bin`` beside them or in ``output_dir``.

    Raises :class:`InputFileError` before writing anything for a missing input or two inputs that would
    write the same ``.bin``; a picture that fails to load is reported in its result, the rest go on.
    """
    sources = collect_inputs(inputs, PICTURE_SUFFIXES)
    out_dir = Path(output_dir) if output_dir is not None else None
    targets: dict[Path, Path] = {}
    for src in sources:
        target = (out_dir if out_dir is not None else src.parent) / f"{src.stem}.bin"
        if target in targets:
            raise InputFileError(src, f"would overwrite {target}, also written for {targets[target]}")
        targets[target] = src
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    results: list[TransferResult] = []
    for target, src in targets.items():
        try:
            save_tensor(load_picture(src, spec), target)
        except InputFileError as exc:
            results.append(TransferResult(src, target, exc.reason))
        except OSError as exc:
            results.append(TransferResult(src, target, f"cannot write {target}: {exc.strerror or exc}"))
        else:
            log.info("%s -> %s", src, target)
            results.append(TransferResult(src, target))
    return results
