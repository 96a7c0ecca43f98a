"""Video end to end: (a) decoded frames/s of a 1080p H.264 clip through VDEC vs PyAV, (b) every frame of the
clip classified: VDEC + VPC crop/resize + a YUV420SP AIPP model (acl-async's streamed video path, what
``acl-async bench -i clip.h264 --preprocess dvpp`` runs: on one stream, and with ``-api queue`` through an
InferQueue) vs PyAV decoding + Pillow or OpenCV preprocessing + acl-async's InferQueue on the same network
without AIPP. Rounds interleaved, medians.

    python benchmarks/video_e2e.py [--size 1920x1080] [--frames 60] [--repeats 3] [--threads 2]

(a) is benchmarks/vdec_decode.py's measurement (both decoders with libavcodec's slice threads, PyAV's
default; wall-clock and CPU time ratios, medians of interleaved rounds). In (b) both sides preprocess on
``--threads`` threads while the model runs; the baseline's frames come from PyAV's ``to_ndarray`` (swscale
to RGB), resized to 256 on the short side and centre-cropped to 224 (Pillow: acl-async's picture
preprocessing; OpenCV: cv2.resize INTER_LINEAR). The machine's load moves every figure: compare the ratios
of one run. Needs acl-async installed (``pip install .``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import acl
import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vdec_decode import Rounds, decode_rates, make_clip  # noqa: E402

#: The static AIPP of the model VPC feeds: YUV420SP in, BT.601 video range YUV -> RGB (x256, bias 16/128/128),
#: then EfficientNet-Lite0's (x - 127.5) / 127.5.
AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 224, "src_image_size_h": 224, "csc_switch": "true",
    **dict(zip([f"matrix_r{r}c{c}" for r in range(3) for c in range(3)],
               (298, 0, 409, 298, -100, -208, 298, 516, 0), strict=True)),
    **{f"input_bias_{i}": b for i, b in enumerate((16, 128, 128))},
    **{f"min_chn_{i}": 127.5 for i in range(3)}, **{f"var_reci_chn_{i}": 1 / 127.5 for i in range(3)},
}  # fmt: skip


def decode_ratio(packets: list[bytes], width: int, height: int, repeats: int) -> Rounds:
    """(a): VDEC's and PyAV's rounds (vdec_decode.decode_rates) in an open session; its context is current
    again at the end."""
    session_context, _ = acl.rt.get_context()
    context, _ = acl.rt.create_context(0)
    rounds = decode_rates(packets, width, height, repeats, context)
    acl.rt.destroy_context(context)
    acl.rt.set_context(session_context)
    return rounds


def build_nv12_model(onnx: Path, folder: Path) -> Path:
    cfg = folder / "yuv.cfg"
    entries = "".join(f"    {k}: {v}\n" for k, v in AIPP.items())
    cfg.write_text(f"aipp_op {{\n    aipp_mode: static\n{entries}}}\n")
    out = folder / "eff_nv12"
    subprocess.run([sys.executable, "-m", "acl_async", "atc", f"--model={onnx}", f"--output={out}",
                    f"--insert_op_conf={cfg}", "--framework=5", "--soc_version=Ascend310"],
                   check=True, capture_output=True)  # fmt: skip
    return out.with_suffix(".om")


def ours_fps(session: object, model: Path, clip: Path, threads: int, api: str = "async") -> float:
    from acl_async.bench.video import run_video

    result = run_video(session, model, [clip], decoder="dvpp", threads=threads, api=api)
    return result.inference_fps


def baseline_fps(session: object, model: Path, clip: Path, threads: int, resize: Callable) -> float:
    """PyAV decode (to RGB) -> ``resize(rgb, spec)`` on ``threads`` threads -> InferQueue, in order."""
    from acl_async.model_io import open_queue
    from acl_async.sample_run import model_spec

    loaded = session.load_model(model)  # type: ignore[attr-defined]
    spec = model_spec(model, loaded)
    queue = open_queue(loaded)
    done = [0]
    lock = threading.Lock()

    def count(_results: object, _user: object) -> None:
        with lock:
            done[0] += 1

    queue.set_callback(count)
    pending: deque[Future[np.ndarray]] = deque()
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool, av.open(str(clip)) as container:
        n = 0
        for frame in container.decode(video=0):
            pending.append(pool.submit(resize, frame.to_ndarray(format="rgb24"), spec))
            while len(pending) > 2 * threads:
                queue.start_async([pending.popleft().result()], n)
                n += 1
        while pending:
            queue.start_async([pending.popleft().result()], n)
            n += 1
        queue.wait_all()
    seconds = time.perf_counter() - start
    queue.close()
    return done[0] / seconds


def pillow_resize(rgb: np.ndarray, spec: object) -> np.ndarray:
    from PIL import Image

    from acl_async.preprocess import preprocess_image

    return preprocess_image(Image.fromarray(rgb), spec)  # type: ignore[arg-type]


def opencv_resize(rgb: np.ndarray, spec: object) -> np.ndarray:
    import cv2

    from acl_async.preprocess import resize_target

    h, w = rgb.shape[:2]
    tw, th = resize_target(spec, w, h)  # type: ignore[arg-type, misc]
    small = cv2.resize(rgb, (tw, th), interpolation=cv2.INTER_LINEAR)
    top, left = (th - 224) // 2, (tw - 224) // 2
    pixels = small[top : top + 224, left : left + 224].astype(np.float32)
    out = ((pixels - 127.5) / 127.5)[np.newaxis]
    return out.transpose(0, 3, 1, 2).copy() if spec.layout == "NCHW" else out  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    packets = make_clip(width, height, args.frames)
    from acl_async import Session, zoo
    from acl_async.dvpp_preprocess import decoding

    try:
        import cv2  # noqa: F401

        baselines = {"Pillow": pillow_resize, "OpenCV": opencv_resize}
    except ImportError:
        baselines = {"Pillow": pillow_resize}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = folder / "clip.h264"
        clip.write_bytes(b"".join(packets))
        onnx = zoo.default_model_path()
        nv12 = build_nv12_model(onnx, folder)
        from aipp_host import in_graph_om

        nv12_graph = in_graph_om(nv12, folder / "eff_nv12_graph.om")  # the AIPP in the graph: before #20/#23
        rates: dict[str, list[float]] = {name: [] for name in ("VDEC+VPC", "queue", "graph", *baselines)}
        with Session() as session:
            rounds = decode_ratio(packets, width, height, args.repeats)
            print(f"(a) {args.size} H.264, {len(packets)} frames: {rounds.summary()}", flush=True)
            for n in range(args.repeats + 1):  # round 0: warm-up (model compilation, first allocations)
                if n == 1:
                    rates = {name: [] for name in rates}
                rates["VDEC+VPC"].append(ours_fps(session, nv12, clip, args.threads))
                rates["queue"].append(ours_fps(session, nv12, clip, args.threads, api="queue"))
                rates["graph"].append(ours_fps(session, nv12_graph, clip, args.threads))
                with decoding("pillow"):
                    for name, resize in baselines.items():
                        rates[name].append(baseline_fps(session, onnx, clip, args.threads, resize))
    ours = statistics.median(rates["VDEC+VPC"])
    line = f"(b) every frame classified, median of {args.repeats}: VDEC + VPC + model {ours:.1f} frames/s"
    queued = statistics.median(rates["queue"])
    graph = statistics.median(rates["graph"])
    line += (f" on one stream (AsyncRunner), {queued:.1f} through InferQueue (AIPP in the graph, as before "
             f"#20/#23, one stream: {graph:.1f} frames/s)")  # fmt: skip
    for name in baselines:
        theirs = statistics.median(rates[name])
        line += (f"; PyAV + {name} + InferQueue {theirs:.1f} frames/s (one stream {ours / theirs:.2f}x, "
                 f"InferQueue {queued / theirs:.2f}x, in-graph {graph / theirs:.2f}x)")  # fmt: skip
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
