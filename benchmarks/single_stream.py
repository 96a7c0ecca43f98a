"""One stream against OpenVINO's best single request, side by side in one interleaved run.

    python benchmarks/single_stream.py [--repeats 5] [--seconds 4] [--out benchmarks/SINGLE_STREAM.md]

Rows, per model (the embedded EfficientNet-Lite0 and the real-shaped ResNet-50 of ``bench_models.py``):

* ``sample``: ``acl-async N 1 P`` (Huawei's sample: one stream, a callback per execution, the shipped
  pictures round-robin), its own ``executions/s`` line; ``sample --dump``: the same with every output
  written to a file, as Huawei's sample does (``--sample-baseline PYTHON``: that row run by another
  venv's interpreter too, e.g. main's);
* ``bench sync`` / ``bench async``: ``acl-async bench -api sync|async`` (inference only);
* ``OpenVINO LATENCY``: one infer request, ``PERFORMANCE_HINT=LATENCY``, synchronous ``infer()`` in a loop
  (``ov_single.py``): the reference of the ratios;
* ``OpenVINO THROUGHPUT``: ``benchmark_app -hint throughput`` (its optimal number of requests);
* Ray (issue 24's per-node efficiency, embedded model, ``--pictures`` JPEGs made by ``ray_pipeline.py``):
  ``acl-async classify`` and ``acl-async classify --ray local --devices 1``, pictures per second of wall
  time (start-up included), the ratio Ray / local (``--pictures 0`` leaves them out).

Every round runs each row once, in a fresh process, rows in turn (so load drifts hit every row alike);
a figure is the median of ``--repeats`` rounds; ratios are against OpenVINO LATENCY of the same model.
The machine, its load average at start and end, and the versions are printed with the table.
``--readme README.md`` also rewrites the README's table between its ``single-stream-table`` markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_models  # noqa: E402
import run_all  # noqa: E402

ACL_ASYNC = [sys.executable, "-m", "acl_async.cli"]
REFERENCE = "OpenVINO LATENCY"


def _rate(pattern: str, out: str, what: str) -> float:
    found = re.search(pattern, out)
    if not found:
        raise RuntimeError(f"no rate in the output of {what}:\n{out[-2000:]}")
    return float(found.group(1))


def sample(model: Path, executions: int, pool: int, dump: Path | None = None,
           python: str = sys.executable) -> float:  # fmt: skip
    extra = ["--dump", str(dump), "--overwrite"] if dump else []
    out = run_all._run([python, *ACL_ASYNC[1:], str(executions), "1", str(pool), "-m", str(model), *extra])
    return _rate(r"([\d.]+) executions/s", out, "acl-async N 1 P")


def bench(model: Path, api: str, seconds: float, tmp: Path) -> float:
    run = run_all._acl_bench(["-m", str(model), "-api", api, "-t", f"{seconds:g}"], tmp)[0]
    return float(run["throughput_fps"])


def ov_single(model: Path, hint: str, seconds: float) -> float:
    out = run_all._run([sys.executable, str(HERE / "ov_single.py"), str(model), "--hint", hint,
                        "--seconds", f"{seconds:g}"])  # fmt: skip
    return float(json.loads(out.strip().splitlines()[-1])["fps"])


def benchmark_app(model: Path, seconds: float) -> float:
    out = run_all._run([run_all._benchmark_app(), "-m", str(model), "-d", "CPU", "-hint", "throughput",
                        "-t", f"{seconds:g}"])  # fmt: skip
    return _rate(r"Throughput:\s+([\d.]+)\s+FPS", out, "benchmark_app")


def classify_rate(folder: Path, pictures: int, out: Path, ray: bool, python: str = sys.executable) -> float:
    """Pictures per second of wall time of ``acl-async classify`` on ``folder`` (locally or on a new
    local Ray cluster with one actor), start-up included; ``python``: the interpreter (another venv's for
    a baseline)."""
    cmd = [python, *ACL_ASYNC[1:], "classify", "-i", str(folder), "--output", str(out), "--overwrite"]
    if ray:
        cmd += ["--ray", "local", "--devices", "1"]
    start = time.perf_counter()
    run_all._run(cmd)
    return pictures / (time.perf_counter() - start)


def rows(model: Path, seconds: float, executions: int, tmp: Path,
         baseline: str | None = None) -> dict[str, Callable[[], float]]:  # fmt: skip
    dump = tmp / f"dump-{model.stem}"
    found = {
        "sample `acl-async N 1 P`": lambda: sample(model, executions, 100),
        "sample `acl-async N 1 P --dump DIR`": lambda: sample(model, executions, 100, dump),
    }
    if baseline:
        found[f"sample `--dump DIR`, {BASELINE} `{baseline}`"] = lambda: sample(
            model, executions, 100, dump, baseline
        )
    return found | {
        "`acl-async bench -api sync`": lambda: bench(model, "sync", seconds, tmp),
        "`acl-async bench -api async`": lambda: bench(model, "async", seconds, tmp),
        REFERENCE: lambda: ov_single(model, "LATENCY", seconds),
        "OpenVINO THROUGHPUT (`benchmark_app`)": lambda: benchmark_app(model, seconds),
    }


RAY_MODEL = "Ray (EfficientNet-Lite0)"
LOCAL_CLASSIFY = "local `acl-async classify`"
RAY_CLASSIFY = "`classify --ray local` (1 actor)"
BASELINE = "baseline"  # in the name of the --ray-baseline row (left out of the README's table)


def ray_rows(pictures: int, tmp: Path, baseline: str | None = None) -> dict[str, Callable[[], float]]:
    from ray_pipeline import make_pictures

    folder = tmp / "pictures"
    folder.mkdir()
    make_pictures(folder, pictures)
    found = {
        LOCAL_CLASSIFY: lambda: classify_rate(folder, pictures, tmp / "l.parquet", ray=False),
        RAY_CLASSIFY: lambda: classify_rate(folder, pictures, tmp / "r.parquet", ray=True),
    }
    if baseline:
        found[f"{RAY_CLASSIFY}, {BASELINE} `{baseline}`"] = lambda: classify_rate(
            folder, pictures, tmp / "b.parquet", ray=True, python=baseline
        )
    return found


def measure(repeats: int, seconds: float, tmp: Path, pictures: int = 0, ray_only: bool = False,
            baseline: str | None = None, sample_baseline: str | None = None,
            ) -> dict[str, dict[str, list[float]]]:  # fmt: skip
    from acl_async import zoo

    models = {
        "EfficientNet-Lite0 (embedded)": (zoo.default_model_path(), 1000),
        "ResNet-50 (real shapes)": (bench_models.make_resnet50(tmp / "resnet50.onnx"), 300),
    }
    table = {} if ray_only else {name: rows(path, seconds, n, tmp, sample_baseline)
                                 for name, (path, n) in models.items()}  # fmt: skip
    if pictures:
        table[RAY_MODEL] = ray_rows(pictures, tmp, baseline)
    values: dict[str, dict[str, list[float]]] = {m: {r: [] for r in rs} for m, rs in table.items()}
    for n in range(repeats):
        for model, measures in table.items():
            for row, fn in measures.items():
                values[model][row].append(fn())
            line = ", ".join(f"{row.split('`')[1] if '`' in row else row} {v[-1]:.1f}"
                             for row, v in values[model].items())  # fmt: skip
            print(f"round {n + 1}/{repeats} {model}: {line}", flush=True)
    return values


def tables(values: dict[str, dict[str, list[float]]]) -> list[str]:
    """The markdown tables: one stream per model (ratios to OpenVINO LATENCY), then Ray vs local."""
    models = [m for m in values if m != RAY_MODEL]
    lines = ["| run | " + " | ".join(models) + " |", "|---|" + "---|" * len(models)] if models else []
    for row in values[models[0]] if models else []:
        cells = []
        for m in models:
            # The median of the rounds' ratios: a round's rows follow each other, so a swing of the machine's
            # speed between rounds (OpenVINO LATENCY alone ran 544-797/s in one run) cancels out.
            ratios = [a / b for a, b in zip(values[m][row], values[m][REFERENCE], strict=True)]
            cells.append(f"{statistics.median(values[m][row]):.1f} ({statistics.median(ratios):.2f}x)")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    if RAY_MODEL in values:
        # Ray's ratio: the median of each round's ratio (the two runs of a round follow each other, so a
        # load swing between rounds, which a ratio of medians would carry over, cancels out).
        ray = values[RAY_MODEL]
        head = "| run (EfficientNet-Lite0, pictures/s, wall time incl. start-up) | rate | vs local (rounds) |"
        lines += ["", head, "|---|---|---|"] if lines else [head, "|---|---|---|"]
        for row, v in ray.items():
            ratios = [a / b for a, b in zip(v, ray[LOCAL_CLASSIFY], strict=True)]
            each = ", ".join(f"{r:.2f}" for r in ratios)
            ratio = statistics.median(ratios)
            lines.append(f"| {row} | {statistics.median(v):.1f} | {ratio:.2f}x ({each}) |")
    return lines


def caption(repeats: int, pictures: int) -> str:
    ray = f"; Ray rows: {pictures} JPEGs (400x300)" if pictures else ""
    return (
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC by "
        "`python benchmarks/single_stream.py`: rows interleaved in one run, each run a fresh process, "
        f"medians of {repeats} rounds; executions (pictures) per second, and the median over the rounds of "
        f"the ratio to OpenVINO's one-request synchronous LATENCY rate of the same model in that round{ray}."
    )


def report(values: dict[str, dict[str, list[float]]], start_load: str, end_load: str, repeats: int,
           pictures: int = 0) -> str:  # fmt: skip
    lines = ["# One stream vs OpenVINO's single request", "", caption(repeats, pictures), "", *tables(values)]
    lines += ["", "## Machine", ""]
    lines += [f"- {k}: {v}" for k, v in run_all.machine().items()]
    lines += [
        f"- Load average (1/5/15 min) at start: {start_load}; at end: {end_load} (2 logical CPUs shared with "
        "other work show up as noise in the per-run values below)",
        "",
        "## Per run",
        "",
    ]
    for m in values:
        for row, v in values[m].items():
            lines.append(f"- {m}, {row}: {run_all._fmt(v, 1)}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=4.0, help="seconds per bench / OpenVINO run")
    p.add_argument("--out", type=Path, default=HERE / "SINGLE_STREAM.md")
    p.add_argument("--pictures", type=int, default=3000, help="pictures of the Ray rows (0: no Ray rows)")
    p.add_argument("--readme", type=Path, help="also rewrite this README's table between its markers")
    p.add_argument("--ray-only", action="store_true", help="only the Ray rows (local vs Ray classify)")
    p.add_argument(
        "--ray-baseline",
        metavar="PYTHON",
        help="also a `classify --ray local` row run by this interpreter (a baseline venv)",
    )
    p.add_argument(
        "--sample-baseline",
        metavar="PYTHON",
        help="also a `acl-async N 1 P --dump DIR` row run by this interpreter (a baseline venv)",
    )
    args = p.parse_args(argv)
    if args.ray_only and not args.pictures:
        p.error("--ray-only needs --pictures > 0")
    if args.readme and args.ray_only:
        p.error("--readme takes the full table (no --ray-only)")
    start = run_all.load_average()
    with tempfile.TemporaryDirectory() as tmp:
        values = measure(args.repeats, args.seconds, Path(tmp), args.pictures, args.ray_only,
                         args.ray_baseline, args.sample_baseline)  # fmt: skip
    end = run_all.load_average()
    text = report(values, start, end, args.repeats, args.pictures)
    print(text)
    from acl_async.fileio import write_atomic

    write_atomic(args.out, text.encode())
    if args.readme:
        block = readme_block(values, start, end, args.repeats, args.pictures)
        write_atomic(args.readme, replace_block(args.readme.read_text(), block).encode())


README_BEGIN = "<!-- single-stream-table: generated by benchmarks/single_stream.py --readme -->"
README_END = "<!-- /single-stream-table -->"


def readme_block(values: dict[str, dict[str, list[float]]], start_load: str, end_load: str, repeats: int,
                 pictures: int) -> str:  # fmt: skip
    m = run_all.machine()
    where = (
        f"{m.get('CPU', '?')}; OpenVINO {m.get('OpenVINO', '?')}; Python {m.get('Python', '?')}; "
        f"acl-async {m.get('acl-async', '?')}; load average {start_load} at start, {end_load} at end"
    )
    kept = {m: {r: v for r, v in rows.items() if BASELINE not in r} for m, rows in values.items()}
    return "\n".join([caption(repeats, pictures), "", f"Machine: {where}.", "", *tables(kept)])


def replace_block(text: str, block: str) -> str:
    """``text`` with what lies between the README markers replaced by ``block``."""
    head, begin, rest = text.partition(README_BEGIN)
    _, end, tail = rest.partition(README_END)
    if not begin or not end:
        raise SystemExit(f"single_stream: the README has no {README_BEGIN} ... {README_END} block")
    return f"{head}{begin}\n{block}\n{end}{tail}"


if __name__ == "__main__":
    main()
