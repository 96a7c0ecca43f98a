"""Models converted by ``acl-async atc``: what AIPP and dynamic batch gears buy, in one run.

    python benchmarks/atc_bench.py [--repeats 5] [--seconds 5] [--out benchmarks/ATC_RESULTS.md]

(A1) End to end on the shipped JPEGs (decode + resize in the loop, EfficientNet-Lite0):
     ``acl-async bench --full-pipeline -api async`` on the plain ONNX (float preprocessing in Python)
     vs the .om with RGB888_U8 static AIPP (uint8 pixels go in; normalisation runs inside the model).
(A2) Dynamic batch: the same network converted with ``--dynamic_batch_size=1,2,4,8``; images/s of
     each gear, ``acl-async bench -m gears.om -b N -api async`` (random inputs, batch x count / duration).

Every figure is the median of ``--repeats`` runs, the sides alternating run by run, each in a fresh
process. Needs acl-async installed (``pip install .``).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
AIPP = """aipp_op {
    aipp_mode: static
    input_format : RGB888_U8
    src_image_size_w : 224
    src_image_size_h : 224
    min_chn_0 : 127.5
    min_chn_1 : 127.5
    min_chn_2 : 127.5
    var_reci_chn_0 : 0.0078431372549
    var_reci_chn_1 : 0.0078431372549
    var_reci_chn_2 : 0.0078431372549
}
"""


def sh(cmd: list[str], **kw) -> str:
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return res.stdout


def fps(out: str) -> float:
    m = re.search(r"Throughput:\s+([\d.]+)", out)
    if not m:
        sys.exit(f"no throughput in:\n{out[-2000:]}")
    return float(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--out", default=str(HERE / "ATC_RESULTS.md"))
    args = ap.parse_args()
    cli = [sys.executable, "-m", "acl_async"]
    onnx = sh([*cli, "model", "path"]).strip().splitlines()[-1]
    import acl_async.zoo as zoo

    pictures = [str(p) for p in zoo.default_pictures()]
    with tempfile.TemporaryDirectory(prefix="atc-bench-") as tmp:
        t = Path(tmp)
        (t / "rgb.cfg").write_text(AIPP)
        base = [
            *cli,
            "atc",
            f"--model={onnx}",
            "--framework=5",
            "--soc_version=Ascend310",
            "--output_type=FP32",
        ]
        sh([*base, f"--output={t / 'aipp'}", f"--insert_op_conf={t / 'rgb.cfg'}"])
        sh(
            [
                *base,
                f"--output={t / 'gears'}",
                "--input_shape=data:-1,3,224,224",
                "--dynamic_batch_size=1,2,4,8",
            ]
        )
        e2e: dict[str, list[float]] = {"onnx": [], "aipp": []}
        gears: dict[int, list[float]] = {1: [], 2: [], 4: [], 8: []}
        for r in range(args.repeats):
            for name, model in (("onnx", onnx), ("aipp", str(t / "aipp.om"))):
                out = sh([*cli, "bench", "-m", model, "--full-pipeline", "-api", "async", "-i", *pictures,
                          "-t", str(args.seconds)])  # fmt: skip
                e2e[name].append(fps(out))
            for b in gears:
                out = sh([*cli, "bench", "-m", str(t / "gears.om"), "-b", str(b), "-api", "async",
                          "-t", str(args.seconds)])  # fmt: skip
                gears[b].append(fps(out))
            print(f"run {r + 1}: e2e onnx {e2e['onnx'][-1]:.1f} aipp {e2e['aipp'][-1]:.1f}; gears "
                  + " ".join(f"{b}:{v[-1]:.1f}" for b, v in gears.items()), flush=True)  # fmt: skip

    med = {k: statistics.median(v) for k, v in e2e.items()}
    lines = [
        "# atc benchmarks (`python benchmarks/atc_bench.py`)",
        "",
        f"Median of {args.repeats} runs, {args.seconds:g} s each, sides alternating; EfficientNet-Lite0.",
        "",
        "| Measure | Value | Per-run values |",
        "|---|---|---|",
        f"| A1 end to end on JPEGs, plain ONNX (float preprocessing in Python), FPS | {med['onnx']:.1f} | "
        + ", ".join(f"{v:.1f}" for v in e2e["onnx"])
        + " |",
        f"| A1 end to end on JPEGs, .om with static AIPP (uint8 pixels in), FPS | {med['aipp']:.1f} | "
        + ", ".join(f"{v:.1f}" for v in e2e["aipp"])
        + " |",
        f"| A1 ratio AIPP / ONNX | {med['aipp'] / med['onnx']:.2f}x | |",
    ]
    for b, v in gears.items():
        values = ", ".join(f"{x:.1f}" for x in v)
        lines.append(
            f"| A2 dynamic batch gear {b}, images/s (bench -api async) | {statistics.median(v):.1f} "
            f"| {values} |"
        )
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
