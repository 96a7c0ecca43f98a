"""DVPP operations on the CPU (libacl_dvpp through pyACL's acl.media) vs Pillow and OpenCV
(``opencv-python-headless``, a benchmark-only dependency, left out when not installed) doing the same
operation on the same pictures, interleaved run by run.

    python benchmarks/dvpp_ops.py [--repeats 5] [--iterations 20] [--out benchmarks/DVPP_RESULTS.md]

(D1) full-size JPEG decode: acldvppJpegDecodeAsync + synchronize (to NV12) vs PIL.Image.open + load
     and cv2.imdecode (to RGB/BGR, libjpeg-turbo all three), a 640x480 and a 4000x3000 (12 MP) picture;
(D2) NV12 1920x1080 -> 224x224 bilinear: acldvppVpcResizeAsync vs Pillow and cv2.resize on the Y and
     UV planes;
(D3) crop of the central 960x540 box of that NV12 picture: acldvppVpcCropAsync (box = output size) vs
     Pillow's crop and a numpy copy of the slices (what OpenCV code does), Y and UV planes;
(D4) JPEG encode of a 1920x1080 picture at quality 95: acldvppJpegEncodeAsync (NV12 4:2:0) vs Pillow's
     save and cv2.imencode (4:2:0).
Each figure is the median over --repeats of the mean time per operation of --iterations calls; the two
sides alternate within every repeat. Wall time and CPU time (time.process_time: every thread of the
process, so DVPP's stream worker and VPC's helper thread count, idle spins included) are both given: on
a shared machine the CPU time is the steadier figure. Compare ratios only.
Needs acl-async installed (``pip install .``).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from dvpp_pictures import jpeg_bytes, scene  # noqa: E402

NV12 = 1
H2D, D2H = 1, 2


def timed(fn: Callable[[], object], iterations: int) -> tuple[float, float]:
    """Mean wall and CPU (whole process) seconds per call."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - t0) / iterations, (time.process_time() - c0) / iterations


class Dvpp:
    """acl.init, a stream and a channel; DVPP memory helpers."""

    def __init__(self) -> None:
        import acl

        self.acl = acl
        acl.init()
        acl.rt.set_device(0)
        self.stream, _ = acl.rt.create_stream()
        self.channel = acl.media.dvpp_create_channel_desc()
        acl.media.dvpp_create_channel(self.channel)

    def device(self, data: bytes) -> int:
        dev, _ = self.acl.media.dvpp_malloc(len(data))
        self.acl.rt.memcpy(dev, len(data), self.acl.util.bytes_to_ptr(data), len(data), H2D)
        return dev

    def pic(self, size: int, w: int, h: int, ws: int, hs: int, data: int | None = None) -> tuple[int, int]:
        m = self.acl.media
        mem = data or m.dvpp_malloc(size)[0]
        desc = m.dvpp_create_pic_desc()
        m.dvpp_set_pic_desc_data(desc, mem)
        m.dvpp_set_pic_desc_size(desc, size)
        m.dvpp_set_pic_desc_format(desc, NV12)
        for setter, v in (("width", w), ("height", h), ("width_stride", ws), ("height_stride", hs)):
            getattr(m, f"dvpp_set_pic_desc_{setter}")(desc, v)
        return desc, mem

    def sync(self) -> None:
        assert self.acl.rt.synchronize_stream(self.stream) == 0


def bench_decode(d: Dvpp, w: int, h: int, args: argparse.Namespace) -> dict:
    data = jpeg_bytes(scene(w, h), quality=90)
    m = d.acl.media
    size, _ = m.dvpp_jpeg_predict_dec_size(d.acl.util.bytes_to_ptr(data), len(data), NV12)
    out, _ = d.pic(size, 0, 0, 0, 0)
    src = d.device(data)

    def dvpp() -> None:
        m.dvpp_jpeg_decode_async(d.channel, src, len(data), out, d.stream)
        d.sync()

    def pillow() -> None:
        Image.open(io.BytesIO(data)).load()

    sides = {"DVPP JPEGD": dvpp, "Pillow": pillow}
    cv2 = _cv2()
    if cv2 is not None:
        buf = np.frombuffer(data, dtype=np.uint8)
        sides["OpenCV"] = lambda: cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return compare(f"JPEG decode {w}x{h}", sides, args)


def _cv2():  # noqa: ANN202 - the module or None
    try:
        import cv2
    except ImportError:
        return None
    return cv2


def _nv12_1080p(d: Dvpp) -> tuple[np.ndarray, np.ndarray, int]:
    im = np.asarray(scene(1920, 1080).convert("YCbCr"))
    y = np.ascontiguousarray(im[:, :, 0])
    uv = np.ascontiguousarray(im[::2, ::2, 1:])
    nv12 = np.concatenate([y.reshape(-1), uv.reshape(-1)]).tobytes()
    src, _ = d.pic(len(nv12), 1920, 1080, 1920, 1080, d.device(nv12))
    return y, uv, src


def bench_crop(d: Dvpp, args: argparse.Namespace) -> dict:
    y, uv, src = _nv12_1080p(d)
    dst, _ = d.pic(960 * 540 * 3 // 2, 960, 540, 960, 540)
    m = d.acl.media
    roi = m.dvpp_create_roi_config(480, 1439, 270, 809)

    def dvpp() -> None:
        m.dvpp_vpc_crop_async(d.channel, src, dst, roi, d.stream)
        d.sync()

    y_im, uv_im = Image.fromarray(y), Image.fromarray(uv.reshape(540, 1920))  # UV: interleaved bytes

    def pillow() -> None:
        y_im.crop((480, 270, 1440, 810)).load()
        uv_im.crop((480, 135, 1440, 405)).load()

    def numpy_copy() -> None:
        y[270:810, 480:1440].copy()
        uv[135:405, 240:720].copy()

    sides = {"DVPP VPC": dvpp, "Pillow": pillow, "OpenCV (numpy slices)": numpy_copy}
    return compare("crop 960x540 of NV12 1920x1080", sides, args)


def bench_resize(d: Dvpp, args: argparse.Namespace) -> dict:
    y, uv, src = _nv12_1080p(d)
    dst, _ = d.pic(224 * 224 * 3 // 2, 224, 224, 224, 224)
    cfg = d.acl.media.dvpp_create_resize_config()

    def dvpp() -> None:
        d.acl.media.dvpp_vpc_resize_async(d.channel, src, dst, cfg, d.stream)
        d.sync()

    y_im, u_im, v_im = (
        Image.fromarray(p) for p in (y, np.ascontiguousarray(uv[:, :, 0]), uv[:, :, 1].copy())
    )

    def pillow() -> None:
        y_im.resize((224, 224), Image.Resampling.BILINEAR)
        u_im.resize((112, 112), Image.Resampling.BILINEAR)
        v_im.resize((112, 112), Image.Resampling.BILINEAR)

    sides = {"DVPP VPC": dvpp, "Pillow": pillow}
    cv2 = _cv2()
    if cv2 is not None:

        def opencv() -> None:
            cv2.resize(y, (224, 224), interpolation=cv2.INTER_LINEAR)
            cv2.resize(uv, (112, 112), interpolation=cv2.INTER_LINEAR)

        sides["OpenCV"] = opencv
    return compare("NV12 1920x1080 -> 224x224", sides, args)


def bench_encode(d: Dvpp, args: argparse.Namespace) -> dict:
    rgb = scene(1920, 1080)
    im = np.asarray(rgb.convert("YCbCr"))
    nv12 = np.concatenate([im[:, :, 0].reshape(-1), im[::2, ::2, 1:].reshape(-1)]).tobytes()
    src, _ = d.pic(len(nv12), 1920, 1080, 1920, 1080, d.device(nv12))
    m = d.acl.media
    cfg = m.dvpp_create_jpege_config()
    m.dvpp_set_jpege_config_level(cfg, 95)
    cap, _ = m.dvpp_jpeg_predict_enc_size(src, cfg)
    out, _ = m.dvpp_malloc(cap)
    size = np.array([cap], dtype=np.uint32)

    def dvpp() -> None:
        size[0] = cap
        m.dvpp_jpeg_encode_async(d.channel, src, out, d.acl.util.numpy_to_ptr(size), cfg, d.stream)
        d.sync()

    def pillow() -> None:
        rgb.save(io.BytesIO(), "JPEG", quality=95, subsampling=2)

    sides = {"DVPP JPEGE": dvpp, "Pillow": pillow}
    cv2 = _cv2()
    if cv2 is not None:
        bgr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        params = [cv2.IMWRITE_JPEG_QUALITY, 95,
                  cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]  # fmt: skip
        sides["OpenCV"] = lambda: cv2.imencode(".jpg", bgr, params)
    return compare("JPEG encode 1920x1080 q95", sides, args)


def compare(name: str, sides: dict[str, Callable[[], None]], args: argparse.Namespace) -> dict:
    for fn in sides.values():
        fn()  # warm up
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in sides}
    for _ in range(args.repeats):
        for k, fn in sides.items():
            times[k].append(timed(fn, args.iterations))
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    first = next(iter(med))
    row = {"operation": name, **{f"{k} ms": round(v * 1000, 3) for k, v in med.items()}}
    for k in list(med)[1:]:
        row[f"{first} speed / {k}"] = round(med[k] / med[first], 2)
    row.update({f"{k} cpu ms": round(v * 1000, 3) for k, v in cpu.items()})
    for k in list(cpu)[1:]:
        row[f"{first} cpu speed / {k}"] = round(cpu[k] / cpu[first], 2) if cpu[first] > 0 else "-"
    print(row, flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--out", type=Path, help="write the table (Markdown) here")
    args = parser.parse_args(argv)
    d = Dvpp()
    rows = [
        bench_decode(d, 640, 480, args),
        bench_decode(
            d, 4000, 3000, argparse.Namespace(repeats=args.repeats, iterations=max(1, args.iterations // 10))
        ),
        bench_resize(d, args),
        bench_crop(d, args),
        bench_encode(d, args),
    ]
    if args.out:
        lines = ["| operation | DVPP ms | Pillow ms | OpenCV ms | DVPP speed / Pillow | "
                 "DVPP speed / OpenCV | DVPP CPU speed / Pillow | DVPP CPU speed / OpenCV |",
                 "|---|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for r in rows:
            ms = [v for k, v in r.items() if k.endswith(" ms") and not k.endswith(" cpu ms")]
            speed = [v for k, v in r.items() if " speed / " in k and " cpu speed / " not in k]
            cpu_speed = [v for k, v in r.items() if " cpu speed / " in k]
            ms += ["-"] * (3 - len(ms))
            speed += ["-"] * (2 - len(speed))
            cpu_speed += ["-"] * (2 - len(cpu_speed))
            lines.append("| " + " | ".join(map(str, [r["operation"], *ms, *speed, *cpu_speed])) + " |")
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
