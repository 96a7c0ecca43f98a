"""Test pictures for the pipeline benchmarks: the shipped JPEGs and camera-sized (12 MP) versions of them.

The large versions are made deterministically (Pillow BICUBIC upscaling to ~12 megapixels, aspect kept,
JPEG quality 90, 4:2:0) and cached in a folder: the same bytes on every run and machine with the same
Pillow/libjpeg-turbo.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image

from acl_async import zoo


def shipped() -> list[Path]:
    return list(zoo.default_pictures())


def large_version(src: Path, folder: Path, megapixels: float = 12.0) -> Path:
    """``src`` upscaled to about ``megapixels`` million pixels, written once into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(src) as image:
        w, h = image.size
        k = math.sqrt(megapixels * 1e6 / (w * h))
        size = (round(w * k), round(h * k))
        target = folder / f"{src.stem}-{size[0]}x{size[1]}.jpg"
        if not target.is_file():
            tmp = target.with_suffix(".tmp")
            image.convert("RGB").resize(size, Image.Resampling.BICUBIC).save(tmp, "JPEG", quality=90)
            tmp.replace(target)
    return target


def large(folder: Path, megapixels: float = 12.0) -> list[Path]:
    return [large_version(p, folder, megapixels) for p in shipped()]
