"""End-to-end FPS of the picture pipeline (decode + preprocess + infer) against inference-only FPS and
against OpenVINO's own way of doing the same job, in one run on one machine.

    python benchmarks/pipeline_e2e.py [--repeats 5] [--seconds 3] [--out benchmarks/PIPELINE.md]

Model: the embedded EfficientNet-Lite0 (fp32 NCHW [1,3,224,224]; shorter side to 256, 224 crop).
Pictures: (a) the three shipped JPEGs (451x300 to 640x427), (b) 12 MP versions of them (made once,
deterministically, by ``pictures.py``), used round-robin.  Rows:

* ``acl infer-only sync|async`` -- ``acl-async bench`` (``run_one``) with pictures decoded once, before
  the loop (what ``benchmark_app`` measures);
* ``acl e2e sync inline`` -- ``bench --full-pipeline -api sync`` decoding on the loop's thread;
* ``acl e2e sync|async`` -- the same with the decode threads (the default);
* ``acl e2e async uint8`` -- the same model with its normalization fused in (uint8 NHWC input, the AIPP
  situation): the pipeline hands the decoded pixels over, no float work in Python;
* ``ov infer-only async`` -- OpenVINO ``AsyncInferQueue`` on the same model, THROUGHPUT hint, one tensor;
* ``ov e2e async`` -- OpenVINO's way: an ``AsyncInferQueue`` loop on the model with PrePostProcessor-fused
  preprocessing (u8 NHWC -> f32, mean/scale, NCHW), each picture decoded on the loop's thread by the
  same decoder (Pillow with DCT scaling, resize and crop) before ``start_async``.

Each figure is the median of ``--repeats`` runs; within a repeat the configurations run one after the
other, each in a fresh process, so both sides see the same machine state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ACL_ROWS = {
    # name: (api, full_pipeline, decode_threads, uint8 model)
    "acl infer-only sync": ("sync", False, None, False),
    "acl infer-only async": ("async", False, None, False),
    "acl e2e sync inline": ("sync", True, 0, False),
    "acl e2e sync": ("sync", True, None, False),
    "acl e2e async": ("async", True, None, False),
    "acl e2e async uint8": ("async", True, None, True),
}
OV_ROWS = ("ov infer-only async", "ov e2e async")
INFER_ONLY = ("acl infer-only sync", "acl infer-only async", "ov infer-only async")


def _model() -> Path:
    from acl_async.zoo import default_model_path

    return default_model_path()


def _spec() -> Any:
    from acl_async.zoo import model_preprocess_spec

    return model_preprocess_spec(_model())


def uint8_model(src: Path, dst: Path) -> Path:
    """``src`` with its normalization fused in: input ``image`` uint8 NHWC [1,H,W,3] -> Cast -> (x - mean)
    / std -> NHWC->NCHW -> the original graph.  Keeps the metadata (the preprocessing spec)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    if dst.is_file():
        return dst
    spec = _spec()
    model = onnx.load(str(src))
    graph = model.graph
    old = graph.input[0]
    dims = [d.dim_value for d in old.type.tensor_type.shape.dim]
    n, c, h, w = dims
    mean = numpy_helper.from_array(np.asarray(spec.mean, np.float32).reshape(1, 1, 1, 3), "pp_mean")
    std = numpy_helper.from_array(np.asarray(spec.std, np.float32).reshape(1, 1, 1, 3), "pp_std")
    nodes = [
        helper.make_node("Cast", ["image"], ["pp_f"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["pp_f", "pp_mean"], ["pp_c"]),
        helper.make_node("Div", ["pp_c", "pp_std"], ["pp_n"]),
        helper.make_node("Transpose", ["pp_n"], [old.name], perm=[0, 3, 1, 2]),
    ]
    new_input = helper.make_tensor_value_info("image", TensorProto.UINT8, [n, h, w, c])
    graph.initializer.extend([mean, std])
    for node in reversed(nodes):
        graph.node.insert(0, node)
    graph.input.remove(old)
    graph.input.insert(0, new_input)
    tmp = dst.with_suffix(".tmp")
    onnx.save(model, str(tmp))
    tmp.replace(dst)
    return dst


def _pictures(group: str, workdir: Path) -> list[Path]:
    import pictures

    return pictures.shipped() if group == "a" else pictures.large(workdir / "12mp")


# -- workers (one configuration, one process) -------------------------------------------------------


def _acl_worker(row: str, group: str, seconds: float, workdir: Path) -> float:
    from acl_async.bench.run import BenchOptions, run_one
    from acl_async.session import Session

    api, full, threads, u8 = ACL_ROWS[row]
    model = uint8_model(_model(), workdir / "efficientnet-lite0-u8.onnx") if u8 else _model()
    opts = BenchOptions(model=model, time_s=seconds, full_pipeline=full, paths=_pictures(group, workdir),
                        decode_threads=threads, progress=False)  # fmt: skip
    with Session() as session:
        result = run_one(api, opts, session)
    return float(result.count / result.duration_s)


def _ov_worker(row: str, group: str, seconds: float, workdir: Path) -> float:
    import numpy as np
    import openvino as ov
    from openvino.preprocess import PrePostProcessor

    from acl_async.preprocess import load_picture

    spec = _spec()
    core = ov.Core()
    model = core.read_model(str(_model()))
    paths = _pictures(group, workdir)
    if row == "ov infer-only async":
        tensor = load_picture(paths[0], spec)
        decode = None
    else:
        ppp = PrePostProcessor(model)
        ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")).set_shape(
            [1, 224, 224, 3]
        )
        ppp.input().model().set_layout(ov.Layout("NCHW"))
        ppp.input().preprocess().convert_element_type(ov.Type.f32).mean(list(spec.mean)).scale(list(spec.std))
        model = ppp.build()
        u8 = spec.replace(dtype="uint8", mean=0.0, std=1.0, layout="NHWC")
        decode = lambda p: load_picture(p, u8)  # noqa: E731 - the same decoder as acl-async
        tensor = decode(paths[0])
    compiled = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    queue = ov.AsyncInferQueue(compiled)
    done = [0]

    def callback(request: Any, userdata: Any) -> None:
        done[0] += 1

    queue.set_callback(callback)
    for _ in range(len(queue)):  # warm-up
        queue.start_async({0: tensor})
    queue.wait_all()
    done[0] = 0
    i = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        data = tensor if decode is None else decode(paths[i % len(paths)])
        queue.start_async({0: np.asarray(data)})
        i += 1
    queue.wait_all()
    return done[0] / (time.perf_counter() - start)


def worker(row: str, group: str, seconds: float, workdir: Path) -> float:
    if row in ACL_ROWS:
        return _acl_worker(row, group, seconds, workdir)
    return _ov_worker(row, group, seconds, workdir)


# -- driver -----------------------------------------------------------------------------------------


def _configs() -> list[tuple[str, str]]:
    configs = [(row, "a") for row in INFER_ONLY]
    for group in ("a", "b"):
        configs += [(row, group) for row in (*ACL_ROWS, *OV_ROWS) if row not in INFER_ONLY]
    return configs


def _spawn(row: str, group: str, seconds: float, workdir: Path) -> float:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        row,
        group,
        "--seconds",
        str(seconds),
        "--workdir",
        str(workdir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{row} ({group}) failed:\n{proc.stderr[-3000:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["fps"])


def _table(fps: dict[str, list[float]], repeats: int, loaded: str) -> str:
    med = {k: statistics.median(v) for k, v in fps.items()}
    infer = med["acl infer-only async|a"]
    ov_infer = med["ov infer-only async|a"]
    when = dt.datetime.now(dt.timezone.utc)
    lines = [
        "# Picture pipeline: end-to-end FPS (decode + preprocess + infer)",
        "",
        f"Generated by `benchmarks/pipeline_e2e.py` on {when:%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}. "
        f"Median of {repeats} runs per row, every row in a fresh process, the rows interleaved per repeat. "
        f"Model: embedded EfficientNet-Lite0 (fp32 [1,3,224,224]). {loaded}",
        "",
        "(a) = the 3 shipped JPEGs (451x300..640x427), (b) = 12 MP versions of them (~4240x2828). "
        "e2e / infer-only = the row's FPS over `acl infer-only async` (for ov rows: over `ov infer-only "
        "async`).",
        "",
        "| row | pictures | FPS (median) | runs | e2e / infer-only |",
        "|---|---|---:|---|---:|",
    ]
    for key, values in fps.items():
        row, group = key.split("|")
        base = ov_infer if row.startswith("ov") else infer
        ratio = "" if row in INFER_ONLY else f"{100 * med[key] / base:.0f}%"
        runs = ", ".join(f"{v:.0f}" for v in values)
        lines.append(f"| {row} | {'-' if row in INFER_ONLY else group} | {med[key]:.1f} | {runs} | {ratio} |")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--out", type=Path, default=HERE / "PIPELINE.md")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "acl-async-pipeline-bench")
    ap.add_argument("--loaded", default="", help="a sentence on the machine's load, for the report")
    ap.add_argument("--worker", nargs=2, metavar=("ROW", "GROUP"))
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.worker:
        fps = worker(args.worker[0], args.worker[1], args.seconds, args.workdir)
        print(json.dumps({"fps": fps}))
        return 0
    _pictures("b", args.workdir)
    uint8_model(_model(), args.workdir / "efficientnet-lite0-u8.onnx")
    fps: dict[str, list[float]] = {f"{row}|{group}": [] for row, group in _configs()}
    for r in range(args.repeats):
        for row, group in _configs():
            value = _spawn(row, group, args.seconds, args.workdir)
            fps[f"{row}|{group}"].append(value)
            print(f"[{r + 1}/{args.repeats}] {row:24} ({group}) {value:8.1f} FPS", flush=True)
    load = args.loaded or f"Load average at the end: {os.getloadavg()[0]:.1f} (1 min)."
    text = _table(fps, args.repeats, load)
    args.out.write_text(text)
    args.out.with_suffix(".json").write_text(json.dumps(fps, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
