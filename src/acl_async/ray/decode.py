"""Decoding of picture bytes that Ray's binary reader read (URIs such as ``s3://...``), in the actors.

Local files are decoded by the actors through :class:`acl_async.pipeline.DecodeStage`, as the local
``classify`` does; a picture that cannot be decoded does not fail the batch: its row gets an ``error``
(the reason) and goes to the errors output.
"""

from __future__ import annotations

import io

import numpy as np

from ..preprocess import PreprocessSpec, preprocess_image

__all__ = ["ERROR", "PATH", "decode_picture"]

PATH, ERROR = "path", "error"


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
