"""Pictures and Pillow references for the DVPP C tests (csrc/host/tests/test_acl_dvpp.c).

write_dvpp_pictures(folder) writes, into the C tests' data folder:
  photo.jpg     640x480 baseline 4:2:0 (a smooth synthetic scene), photo.y its luma plane as
                Pillow/libjpeg decode it (YCbCr draft: no colour conversion), photo_224.y that plane
                resized to 224x224 by Pillow (bilinear)
  odd.jpg       203x151 4:4:4, gray.jpg 128x96 greyscale, exif6.jpg 160x96 tagged EXIF orientation 6,
                exif6.y its luma turned as the tag says (96x160)
  progressive.jpg, arith.jpg (SOF9: arithmetic coding), truncated.jpg, garbage.jpg, huge.jpg (a
                header claiming 60000 x 60000): refusals
  dvpp_ref.txt  one line per decodable picture: name width height components luma-mean
  rgb.png, rgba.png, gray.png (+ .raw: Pillow's pixels), truncated.png: PNGD
"""

from __future__ import annotations

import io
from os import PathLike
from pathlib import Path

import numpy as np
from PIL import Image


def scene(width: int, height: int, seed: int = 7) -> Image.Image:
    """A smooth colourful RGB picture with a few edges (deterministic)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = 128 + 100 * np.sin(x / 37.0) * np.cos(y / 53.0)
    g = 255 * x / max(width - 1, 1)
    b = 255 * y / max(height - 1, 1)
    rgb = np.stack([r, g, b], axis=-1)
    rng = np.random.default_rng(seed)
    for _ in range(6):  # rectangles: edges for the scalers
        x0, y0 = rng.integers(0, width // 2), rng.integers(0, height // 2)
        rgb[y0 : y0 + height // 4, x0 : x0 + width // 4] = rng.integers(0, 256, 3)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def jpeg_bytes(im: Image.Image, **options: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", **options)
    return buf.getvalue()


def luma(data: bytes) -> np.ndarray:
    """The Y plane libjpeg decodes (Pillow's YCbCr draft mode skips the colour conversion)."""
    im = Image.open(io.BytesIO(data))
    if im.mode != "L":
        im.draft("YCbCr", im.size)
        assert im.mode == "YCbCr", im.mode
        return np.asarray(im)[:, :, 0].copy()
    return np.asarray(im).copy()


def write_dvpp_pictures(folder: PathLike) -> Path:
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    photo = jpeg_bytes(scene(640, 480), quality=90, subsampling=2)
    pictures = {
        "photo.jpg": photo,
        "odd.jpg": jpeg_bytes(scene(203, 151, seed=3), quality=92, subsampling=0),
        "gray.jpg": jpeg_bytes(scene(128, 96, seed=5).convert("L"), quality=90),
    }
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    pictures["exif6.jpg"] = jpeg_bytes(scene(160, 96, seed=9), quality=90, exif=exif.tobytes())
    lines = []
    for name, data in pictures.items():
        (d / name).write_bytes(data)
        im = Image.open(io.BytesIO(data))
        y = luma(data)
        lines.append(f"{name} {im.width} {im.height} {len(im.getbands())} {y.mean():.4f}")
    (d / "dvpp_ref.txt").write_text("\n".join(lines) + "\n")
    # EXIF orientation 6 displays the coded picture turned 90 degrees clockwise (160x96 -> 96x160).
    np.ascontiguousarray(np.rot90(luma(pictures["exif6.jpg"]), -1)).tofile(d / "exif6.y")
    y = luma(photo)
    y.tofile(d / "photo.y")
    resized = Image.fromarray(y, "L").resize((224, 224), Image.Resampling.BILINEAR)
    np.asarray(resized).tofile(d / "photo_224.y")
    (d / "progressive.jpg").write_bytes(jpeg_bytes(scene(64, 64), quality=90, progressive=True))
    sof = photo.index(b"\xff\xc0")
    (d / "arith.jpg").write_bytes(photo[:sof] + b"\xff\xc9" + photo[sof + 2 :])
    (d / "truncated.jpg").write_bytes(photo[: len(photo) // 2])
    # A header that lies: SOF0 claims 60000 x 60000 over the 640 x 480 scan.
    (d / "huge.jpg").write_bytes(photo[: sof + 5] + (60000).to_bytes(2, "big") * 2 + photo[sof + 9 :])
    (d / "garbage.jpg").write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    write_png_pictures(d)
    return d


def write_png_pictures(d: Path) -> None:
    """rgb.png 203x151 (rgb.raw: its pixels as Pillow decodes them), rgba.png 64x48 with alpha
    (rgba.raw), gray.png 64x48 greyscale (gray.raw), truncated.png."""
    rgb = scene(203, 151, seed=11)
    rgba = scene(64, 48, seed=12).convert("RGBA")
    alpha = np.add.outer(np.arange(48), np.arange(64)).astype(np.uint8) * 2
    rgba.putalpha(Image.fromarray(alpha, "L"))
    gray = scene(64, 48, seed=13).convert("L")
    for name, im in (("rgb", rgb), ("rgba", rgba), ("gray", gray)):
        buf = io.BytesIO()
        im.save(buf, "PNG")
        (d / f"{name}.png").write_bytes(buf.getvalue())
        np.asarray(Image.open(io.BytesIO(buf.getvalue()))).tofile(d / f"{name}.raw")
        if name == "rgb":
            (d / "truncated.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
