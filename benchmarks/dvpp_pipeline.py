"""End to end, pictures to classes: the DVPP path (``--preprocess dvpp``: JPEGD + VPC crop/resize into
a YUV420SP AIPP model) vs the Pillow path, with ``acl-async bench --full-pipeline`` (decoding inside
the measured loop), on the shipped JPEGs and on a 12 MP photo.

    python benchmarks/dvpp_pipeline.py [--repeats 3] [--niter 60] [--photo PATH] [--out FILE.md]

Three pipelines, run in turn within every repeat (interleaved), the median of their throughputs kept:
  pillow-onnx  Pillow -> float preprocessing in numpy -> the float ONNX model (the default path today)
  pillow-nv12  Pillow -> NV12 (JFIF) -> the YUV420SP AIPP .om (AIPP converts and normalises)
  dvpp-nv12    JPEGD -> VPC crop/resize -> the same .om
  dvpp-graph   the same, into the .om with the AIPP as graph operations (what atc wrote before #20/#23:
               aipp_host.in_graph_om), for the before/after of the host-run static AIPP
The .om is EfficientNet-Lite0 converted by ``acl-async atc --insert_op_conf`` with the JPEG YUV->RGB
matrix (as Huawei's vpc_jpeg_resnet50 sample). ``--photo``: a 12 MP JPEG; without it one is made
(a synthetic 4000x3000 scene, quality 90) in the work folder. Speed depends on the machine and its
load: compare ratios only. Needs acl-async installed (``pip install .``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

AIPP = """aipp_op {
    aipp_mode: static
    input_format: YUV420SP_U8
    src_image_size_w: 224
    src_image_size_h: 224
    csc_switch: true
    matrix_r0c0: 256
    matrix_r0c1: 0
    matrix_r0c2: 359
    matrix_r1c0: 256
    matrix_r1c1: -88
    matrix_r1c2: -183
    matrix_r2c0: 256
    matrix_r2c1: 454
    matrix_r2c2: 0
    input_bias_0: 0
    input_bias_1: 128
    input_bias_2: 128
    min_chn_0: 127.5
    min_chn_1: 127.5
    min_chn_2: 127.5
    var_reci_chn_0: 0.0078431372549
    var_reci_chn_1: 0.0078431372549
    var_reci_chn_2: 0.0078431372549
}
"""


def acl_async(*args: str) -> None:
    res = subprocess.run([sys.executable, "-m", "acl_async", *args], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"acl-async {' '.join(args)} failed:\n{res.stdout}{res.stderr}")


def throughput(model: Path, pictures: list[Path], preprocess: str, niter: int, work: Path) -> float:
    report = work / "report.json"
    acl_async("bench", "-m", str(model), "--full-pipeline", "--preprocess", preprocess, "-api", "async",
              "-niter", str(niter), "--report-json", str(report), "-i", *map(str, pictures))  # fmt: skip
    return float(json.loads(report.read_text())["runs"][0]["throughput_fps"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--niter", type=int, default=60, help="pictures per run (12 MP: a fifth of it)")
    parser.add_argument("--photo", type=Path, help="a 12 MP JPEG (default: a synthetic one)")
    parser.add_argument("--out", type=Path, help="write the table (Markdown) here")
    args = parser.parse_args(argv)
    from acl_async import zoo

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        onnx = zoo.default_model_path()
        (work / "yuv.cfg").write_text(AIPP)
        acl_async("atc", f"--model={onnx}", "--framework=5", f"--output={work / 'nv12'}",
                  f"--insert_op_conf={work / 'yuv.cfg'}", "--soc_version=Ascend310")  # fmt: skip
        om = work / "nv12.om"
        from aipp_host import in_graph_om

        om_graph = in_graph_om(om, work / "nv12_graph.om")
        photo = args.photo
        if photo is None:
            from dvpp_pictures import scene

            photo = work / "photo_12mp.jpg"
            scene(4000, 3000).save(photo, quality=90)
        sets = {"shipped JPEGs (3)": (zoo.default_pictures(), args.niter),
                "12 MP photo (4000x3000)": ([photo], max(6, args.niter // 5))}  # fmt: skip
        pipelines = {"pillow-onnx": (onnx, "pillow"), "pillow-nv12": (om, "pillow"),
                     "dvpp-nv12": (om, "dvpp"), "dvpp-graph": (om_graph, "dvpp")}  # fmt: skip
        rows = []
        for name, (pictures, niter) in sets.items():
            runs: dict[str, list[float]] = {k: [] for k in pipelines}
            for _ in range(args.repeats):
                for key, (model, pre) in pipelines.items():
                    runs[key].append(throughput(Path(model), pictures, pre, niter, work))
            med = {k: statistics.median(v) for k, v in runs.items()}
            row = {"pictures": name, **{f"{k} FPS": round(v, 1) for k, v in med.items()},
                   "dvpp / pillow-onnx": round(med["dvpp-nv12"] / med["pillow-onnx"], 2),
                   "dvpp / pillow-nv12": round(med["dvpp-nv12"] / med["pillow-nv12"], 2),
                   "dvpp-graph / pillow-onnx": round(med["dvpp-graph"] / med["pillow-onnx"], 2)}  # fmt: skip
            print(row, flush=True)
            rows.append(row)
    if args.out:
        keys = list(rows[0])
        lines = ["| " + " | ".join(keys) + " |", "|---|" + "---:|" * (len(keys) - 1)]
        lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
        args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
