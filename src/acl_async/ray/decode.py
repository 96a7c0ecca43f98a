"""CPU side of the pipeline: read and decode pictures, preprocess them into model input tensors.

Runs in Ray Data tasks.  A picture that cannot be read or decoded does not fail the task: its row gets
an ``error`` (the reason) and a zero tensor, and goes on to the errors output.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..preprocess import PreprocessSpec, preprocess_image

__all__ = ["PATH", "TENSOR", "ERROR", "decode_batch", "decode_picture", "read_file"]

PATH, TENSOR, ERROR = "path", "tensor", "error"


def read_file(path: str) -> bytes:
    """The bytes of a local file or of a URI pyarrow's filesystems know (``s3://``, ``gs://``, ...)."""
    if "://" in path and not path.startswith("local://"):
        import pyarrow.fs

        fs, inner = pyarrow.fs.FileSystem.from_uri(path)
        with fs.open_input_stream(inner) as stream:
            return bytes(stream.read())
    with open(path.removeprefix("local://"), "rb") as f:
        return f.read()


def decode_picture(data: bytes, spec: PreprocessSpec) -> np.ndarray:
    """Decode picture bytes (EXIF orientation applied, as :func:`acl_async.preprocess.load_picture`) and
    preprocess them; the tensor keeps its batch dimension of 1.  Raises ValueError with the reason."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return preprocess_image(ImageOps.exif_transpose(image), spec)
    except UnidentifiedImageError:
        raise ValueError("not a picture Pillow can read") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(f"cannot decode picture: {exc}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a picture"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc) or type(exc).__name__


def decode_batch(
    batch: dict[str, Any], spec: PreprocessSpec, shape: Sequence[int], dtype: str
) -> dict[str, Any]:
    """One Ray Data batch of ``path`` (and ``bytes`` when a Ray reader read them) -> ``path``, ``tensor``
    (one picture per row, ``shape`` without the batch dimension) and ``error`` ("" when decoded)."""
    paths = [str(p) for p in batch[PATH]]
    contents = batch.get("bytes")
    tensors = np.zeros((len(paths), *shape), dtype=dtype)
    errors: list[str] = []
    for i, path in enumerate(paths):
        try:
            data = contents[i] if contents is not None else read_file(path)
            tensor = decode_picture(data, spec)
            tensors[i] = tensor.reshape(shape)
            errors.append("")
        except (OSError, ValueError) as exc:
            errors.append(_reason(exc))
    return {PATH: np.array(paths, dtype=object), TENSOR: tensors, ERROR: np.array(errors, dtype=object)}
