"""The Ray pipeline (``acl_async.ray.classify_dataset``) against the local ``classify``, same pictures,
same run, and the per-picture overhead Ray adds.

    python benchmarks/ray_pipeline.py [--pictures 192] [--repeats 5] [--out benchmarks/RAY_RESULTS.md]

Pictures: ``--pictures`` JPEGs (about 400x300) cut from the three shipped photos; model: the embedded
EfficientNet-Lite0.  One local Ray cluster for the whole run (4 logical CPUs, 2 custom ``NPU`` so each
actor takes the NPU path and runs on the host runtime).  Each repeat runs, in turn: the local
``classify`` (load the model, decode everything, infer through an InferQueue), the Ray pipeline with 1
actor, and with 2 actors (the order rotates from repeat to repeat).  Times are wall-clock of the whole
call, as a user sees it (Ray: planning, actor start and model load, decode tasks, inference, writing
Parquet); the Ray rows also give the pipeline time alone (``materialize``).  Medians of ``--repeats``.
Needs ``pip install '.[ray]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def make_pictures(folder: Path, count: int) -> list[Path]:
    import numpy as np
    from PIL import Image

    from acl_async import zoo

    sources = [Image.open(p).convert("RGB") for p in zoo.default_pictures()]
    rng = np.random.default_rng(0)
    out = []
    for i in range(count):
        src = sources[i % len(sources)]
        w, h = src.size
        cw, ch = int(w * rng.uniform(0.6, 1.0)), int(h * rng.uniform(0.6, 1.0))
        left, top = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        picture = src.crop((left, top, left + cw, top + ch)).resize((400, 300), Image.Resampling.BILINEAR)
        path = folder / f"pic{i:04d}.jpg"
        picture.save(path, quality=90)
        out.append(path)
    return out


def run_local(model: Path, pictures: list[Path]) -> float:
    from acl_async import Session
    from acl_async.classify import classify

    start = time.perf_counter()
    with Session() as session:
        results, _ = classify(session, model, pictures, 5, None)
    seconds = time.perf_counter() - start
    assert len(results) == len(pictures)
    return seconds


def run_ray(model: Path, folder: Path, out: Path, actors: int) -> tuple[float, float]:
    from acl_async.ray import classify_dataset

    start = time.perf_counter()
    summary = classify_dataset([folder], model, output=out, devices=actors, overwrite=True, progress=False)
    seconds = time.perf_counter() - start
    assert summary.failures == 0
    return seconds, summary.seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pictures", type=int, default=192)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "RAY_RESULTS.md")
    args = ap.parse_args()

    import ray

    from acl_async import zoo

    model = zoo.default_model_path()
    work = Path(tempfile.mkdtemp(prefix="acl-async-ray-bench-"))
    try:
        folder = work / "pictures"
        folder.mkdir()
        pictures = make_pictures(folder, args.pictures)
        ray.init(
            address="local",  # a new cluster, whatever runs on this machine
            num_cpus=4,
            resources={"NPU": 2},
            object_store_memory=256 * 2**20,
            include_dashboard=False,
            logging_level="WARNING",
        )
        sides = {
            "local classify": lambda: (run_local(model, pictures), None),
            "Ray, 1 actor": lambda: run_ray(model, folder, work / "r1.parquet", 1),
            "Ray, 2 actors": lambda: run_ray(model, folder, work / "r2.parquet", 2),
        }
        for fn in sides.values():  # warm-up: caches, worker processes
            fn()
        times: dict[str, list[float]] = {name: [] for name in sides}
        pipeline: dict[str, list[float]] = {name: [] for name in sides}
        names = list(sides)
        for r in range(args.repeats):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                total, inner = sides[name]()
                times[name].append(total)
                if inner is not None:
                    pipeline[name].append(inner)
                print(f"repeat {r + 1}: {name}: {total:.2f} s", file=sys.stderr)
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = args.pictures
    med = {name: statistics.median(v) for name, v in times.items()}
    local = med["local classify"]
    lines = [
        "# Ray pipeline vs local classify",
        "",
        f"`python benchmarks/ray_pipeline.py --pictures {n} --repeats {args.repeats}` on "
        f"{platform.machine()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}; {n} JPEGs (400x300), "
        "embedded EfficientNet-Lite0, host runtime; medians of "
        f"{args.repeats} runs, the three sides rotating in one process and one Ray cluster.",
        "",
        "| side | wall s (median) | pictures/s | vs local | pipeline s (materialize) |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        inner = f"{statistics.median(pipeline[name]):.2f}" if pipeline[name] else "-"
        lines.append(
            f"| {name} | {med[name]:.2f} | {n / med[name]:.1f} | {local / med[name]:.2f}x | {inner} |"
        )
    overhead_ms = (med["Ray, 1 actor"] - local) / n * 1000
    lines += [
        "",
        f"Per-picture overhead Ray adds (1 actor, wall time): {overhead_ms:.1f} ms "
        f"(({med['Ray, 1 actor']:.2f} s - {local:.2f} s) / {n}).",
        "",
        "All runs: " + json.dumps({k: [round(x, 3) for x in v] for k, v in times.items()}),
        "",
    ]
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
