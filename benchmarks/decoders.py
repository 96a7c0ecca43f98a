"""Which decoder and resizer for the picture pipeline: time and quality per picture, one thread.

Candidates (each optional: skipped when not installed):

* ``pillow-full``  -- Pillow decode at full size, Pillow resize (the reference for quality)
* ``pillow-draft`` -- Pillow with ``Image.draft`` (libjpeg 1/2, 1/4, 1/8 DCT scaling), Pillow resize
* ``simplejpeg``   -- simplejpeg decode at the smallest libjpeg-turbo M/8 scale >= target, Pillow resize
* ``opencv``       -- ``cv2.imdecode`` with ``IMREAD_REDUCED_COLOR_{2,4,8}``, ``cv2.resize`` INTER_AREA

Every candidate produces the model's uint8 224x224 center crop (EfficientNet-Lite0's preprocessing:
shorter side to 256, bilinear, 224 crop); quality is the largest and mean absolute pixel difference
against ``pillow-full``.  Run: ``python benchmarks/decoders.py [--repeat N] [--extra-path DIR]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pictures import large, shipped  # noqa: E402

from acl_async import preprocess  # noqa: E402
from acl_async.zoo import default_model_path, model_preprocess_spec  # noqa: E402

SPEC = model_preprocess_spec(default_model_path()).replace(dtype="uint8", mean=0.0, std=1.0, layout="NHWC")
CROP = 224


def _crop_box(w: int, h: int) -> tuple[tuple[int, int], tuple[int, int]]:
    target = preprocess.resize_target(SPEC, w, h)
    assert target is not None
    tw, th = target
    return (tw, th), ((tw - CROP) // 2, (th - CROP) // 2)


def pillow(draft: bool) -> Callable[[bytes], np.ndarray]:
    def run(data: bytes) -> np.ndarray:
        with Image.open(io.BytesIO(data)) as opened:
            image, full = preprocess.open_picture(opened, SPEC, draft)
            return preprocess.preprocess_image(image, SPEC, source_size=full)[0]

    return run


def simplejpeg_run() -> Callable[[bytes], np.ndarray] | None:
    try:
        import simplejpeg
    except ImportError:
        return None

    def run(data: bytes) -> np.ndarray:
        h, w, _, _ = simplejpeg.decode_jpeg_header(data)
        (tw, th), _ = _crop_box(w, h)
        pixels = simplejpeg.decode_jpeg(data, "RGB", min_height=th, min_width=tw)
        image = Image.fromarray(pixels)
        return preprocess.preprocess_image(image, SPEC, source_size=(w, h))[0]

    return run


def opencv_run() -> Callable[[bytes], np.ndarray] | None:
    try:
        import cv2
    except ImportError:
        return None
    cv2.setNumThreads(1)
    flags = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
             8: cv2.IMREAD_REDUCED_COLOR_8}  # fmt: skip

    def run(data: bytes) -> np.ndarray:
        with Image.open(io.BytesIO(data)) as opened:
            w, h = opened.size
        (tw, th), (left, top) = _crop_box(w, h)
        scale = max([s for s in (1, 2, 4, 8) if -(-w // s) >= tw and -(-h // s) >= th])
        buf = np.frombuffer(data, np.uint8)
        bgr = cv2.imdecode(buf, flags[scale])
        resized = cv2.resize(bgr, (tw, th), interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(resized[top : top + CROP, left : left + CROP, ::-1])

    return run


def measure(fn: Callable[[bytes], np.ndarray], data: bytes, repeat: int) -> float:
    fn(data)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--large-dir", type=Path, default=Path(tempfile.gettempdir()) / "acl-async-12mp")
    ap.add_argument("--extra-path", action="append", default=[], help="sys.path entry for optional decoders")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    sys.path += args.extra_path
    candidates: dict[str, Callable[[bytes], np.ndarray] | None] = {
        "pillow-full": pillow(False),
        "pillow-draft": pillow(True),
        "simplejpeg": simplejpeg_run(),
        "opencv": opencv_run(),
    }
    rows = []
    for group, paths in (("shipped", shipped()), ("12MP", large(args.large_dir))):
        for path in paths:
            data = path.read_bytes()
            reference = candidates["pillow-full"](data).astype(np.int16)  # type: ignore[misc]
            for name, fn in candidates.items():
                if fn is None:
                    continue
                out = fn(data).astype(np.int16)
                diff = np.abs(out - reference)
                ms = measure(fn, data, args.repeat if group == "shipped" else max(3, args.repeat // 4))
                row = {"group": group, "picture": path.name, "decoder": name, "ms": round(ms, 2)}
                row.update(max_diff=int(diff.max()), mean_diff=round(float(diff.mean()), 3))
                rows.append(row)
                print(f"{group:8} {path.name:28} {name:13} {ms:8.2f} ms  max|d| {diff.max():3d}  "
                      f"mean|d| {diff.mean():.3f}", flush=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
