"""``acl-async classify --ray local`` (1 actor) against the local ``acl-async classify``, as a user runs
them: two commands, the same pictures, wall time and Ray's own Throughput line, rounds alternating.

    python benchmarks/ray_cli.py [--pictures 3000] [--repeats 3] [--baseline BIN]

Pictures: ``--pictures`` JPEGs (400x300, cut from the shipped photos, as ``ray_pipeline.py``); model:
the embedded EfficientNet-Lite0.  Local: ``classify -i DIR --output l.parquet``; Ray: ``classify -i DIR
--ray local --devices 1 --output r.parquet`` (a new local cluster each time: its start is in the wall
time, not in the Throughput line).  ``--baseline BIN``: also run another install's ``acl-async --ray``
(e.g. the previous release's venv) in the same rounds.  Prints medians and ratios as JSON, with how
many pictures the driver classified while Ray started (its head start, ``acl_async.ray.head_start``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ray_pipeline import make_pictures  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pictures", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", help="another install's acl-async executable (its --ray side)")
    args = ap.parse_args()
    acl = shutil.which("acl-async") or "acl-async"
    work = Path(tempfile.mkdtemp(prefix="acl-async-ray-cli-"))
    try:
        folder = work / "pictures"
        folder.mkdir()
        make_pictures(folder, args.pictures)
        ray = ["classify", "-i", str(folder), "--ray", "local", "--devices", "1", "--overwrite"]
        sides = {
            "local classify": [
                acl,
                "classify",
                "-i",
                str(folder),
                "--output",
                str(work / "l.parquet"),
                "--overwrite",
            ],  # fmt: skip
            "classify --ray local": [acl, *ray, "--output", str(work / "r.parquet")],
        }
        if args.baseline:
            sides["baseline --ray local"] = [args.baseline, *ray, "--output", str(work / "b.parquet")]
        wall: dict[str, list[float]] = {name: [] for name in sides}
        rate: dict[str, list[float]] = {name: [] for name in sides}
        head: dict[str, list[int]] = {name: [] for name in sides}  # pictures the driver classified
        names = list(sides)
        for r in range(args.repeats):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                start = time.perf_counter()
                proc = subprocess.run(sides[name], capture_output=True, text=True, check=False)
                seconds = time.perf_counter() - start
                if proc.returncode != 0:
                    print(proc.stderr[-2000:], file=sys.stderr)
                    return 1
                wall[name].append(seconds)
                early = re.search(r"in the driver \(head start[^:]*: (\d+)", proc.stdout)
                if early:
                    head[name].append(int(early.group(1)))
                found = re.search(r"Throughput: ([\d.]+)", proc.stdout)
                rate[name].append(float(found.group(1)) if found else args.pictures / seconds)
                print(
                    f"repeat {r + 1}: {name}: {seconds:.2f} s, {rate[name][-1]:.1f} pictures/s",
                    file=sys.stderr,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    local = args.pictures / statistics.median(wall["local classify"])
    report = {
        "pictures": args.pictures,
        "repeats": args.repeats,
        "median wall s": {k: round(statistics.median(v), 2) for k, v in wall.items()},
        "median pictures/s (Ray: its Throughput line; local: wall)": {
            k: round(statistics.median(v), 1) for k, v in rate.items()
        },
        "vs local (Throughput line)": {k: round(statistics.median(v) / local, 2) for k, v in rate.items()},
        "vs local (wall)": {
            k: round(statistics.median(wall["local classify"]) / statistics.median(v), 2)
            for k, v in wall.items()
        },
        "all wall s": {k: [round(x, 2) for x in v] for k, v in wall.items()},
        "per-round vs local (wall)": {
            k: [round(a / b, 2) for a, b in zip(wall["local classify"], v, strict=True)]
            for k, v in wall.items()
        },
        "pictures classified by the driver's head start": {k: v for k, v in head.items() if v},
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
