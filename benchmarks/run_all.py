"""Measure acl-async against OpenVINO's own tools, in one run on one machine, and write RESULTS.md.

    python benchmarks/run_all.py [--repeats 5] [--seconds 10] [--out benchmarks/RESULTS.md] [--quick]

(P1) async throughput on ResNet-50 (``bench_models.make_resnet50``: the ResNet-50 v1.5 graph with random
     weights of the real shapes, generated locally) -- ``acl-async bench -api async`` vs ``benchmark_app -hint
     throughput``, both with their default number of requests (OpenVINO's optimal number); and (P1')
     vs plain OpenVINO executed the way the host runtime executes it (``ov_threads.py``).
(P2) requests/s with a trivial model and a Python callback -- acl-async ``InferQueue`` vs OpenVINO
     ``AsyncInferQueue`` (pure runtime overhead; goal >= 3x).
(P4) end to end on real JPEGs (decode + preprocess in the loop, the embedded EfficientNet-Lite0) --
     ``acl-async bench --full-pipeline --compare``: sync vs async (and the queue API).

Every figure is the median of ``--repeats`` runs; the two sides of a comparison alternate run by run,
each run in a fresh process.  Needs acl-async installed (``pip install .``) and ``benchmark_app`` (from
the ``openvino`` wheel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_models  # noqa: E402

ACL_ASYNC = [sys.executable, "-m", "acl_async.cli"]


def _run(cmd: Sequence[str], timeout: float = 900) -> str:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        tail = f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{tail}")
    return proc.stdout


def _benchmark_app() -> str:
    beside = Path(sys.executable).parent / "benchmark_app"
    found = str(beside) if beside.is_file() else shutil.which("benchmark_app")
    if not found:
        raise SystemExit("benchmark_app not found: pip install openvino")
    return found


def _acl_bench(args: Sequence[str], tmp: Path) -> list[dict[str, Any]]:
    report = tmp / "report.json"
    _run([*ACL_ASYNC, "bench", "-q", *args, "--report-json", str(report)])
    return json.loads(report.read_text())["runs"]


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


# -- P1 -------------------------------------------------------------------------------------------


def p1(repeats: int, seconds: float, tmp: Path) -> dict[str, Any]:
    model = bench_models.make_resnet50(tmp / "resnet50.onnx")
    app = _benchmark_app()
    ours: list[float] = []
    theirs: list[float] = []
    threads: list[float] = []
    ours_req: set[int] = set()
    theirs_req: set[str] = set()
    for n in range(repeats):
        run = _acl_bench(["-m", str(model), "-api", "async", "-t", f"{seconds:g}"], tmp)[0]
        ours.append(run["throughput_fps"])
        ours_req.add(run["requests"])
        out = _run([app, "-m", str(model), "-d", "CPU", "-hint", "throughput", "-t", f"{seconds:g}"])
        fps = re.search(r"Throughput:\s+([\d.]+)\s+FPS", out)
        if not fps:
            raise RuntimeError(f"no throughput in benchmark_app output:\n{out[-2000:]}")
        theirs.append(float(fps.group(1)))
        nireq = re.search(r"(\d+) inference requests", out)
        theirs_req.add(nireq.group(1) if nireq else "?")
        out = _run([sys.executable, str(HERE / "ov_threads.py"), str(model), "--seconds", f"{seconds:g}"])
        threads.append(json.loads(out.strip().splitlines()[-1])["fps"])
        print(
            f"P1 run {n + 1}/{repeats}: acl-async {ours[-1]:.2f} FPS, benchmark_app {theirs[-1]:.2f} FPS, "
            f"OpenVINO threads + sync infer {threads[-1]:.2f} FPS",
            flush=True,
        )
    return {
        "model": f"{model.name} (ResNet-50 v1.5, random weights of the real shapes, seed 0, "
        f"{bench_models.parameters(model) / 1e6:.1f} M parameters, 4.1 GMAC/picture; bench_models.py)",
        "ours": ours, "theirs": theirs, "ov_threads": threads,
        "ours_requests": sorted(ours_req), "theirs_requests": sorted(theirs_req),
    }  # fmt: skip


# -- P2 -------------------------------------------------------------------------------------------


def p2(repeats: int, requests: int, tmp: Path) -> dict[str, Any]:
    model = bench_models.make_trivial(tmp / "trivial.onnx")
    worker = [sys.executable, str(HERE / "p2_worker.py")]
    ours: list[float] = []
    theirs: list[float] = []
    jobs: dict[str, int] = {}
    for n in range(repeats):
        for side, values in (("acl-async", ours), ("openvino", theirs)):
            stdout = _run([*worker, side, str(model), "--requests", str(requests)])
            out = json.loads(stdout.strip().splitlines()[-1])
            values.append(out["requests_per_s"])
            jobs[side] = out["jobs"]
        print(
            f"P2 run {n + 1}/{repeats}: acl-async {ours[-1]:.0f} req/s, "
            f"AsyncInferQueue {theirs[-1]:.0f} req/s",
            flush=True,
        )
    return {"ours": ours, "theirs": theirs, "jobs": jobs, "requests": requests}


# -- P4 -------------------------------------------------------------------------------------------


def p4(repeats: int, seconds: float, tmp: Path) -> dict[str, Any]:
    from acl_async import zoo

    pictures = zoo.default_pictures()
    by_api: dict[str, list[float]] = {"sync": [], "async": [], "queue": []}
    requests: dict[str, int] = {}
    for n in range(repeats):
        args = ["--compare", "--full-pipeline", "-t", f"{seconds:g}", "-i", *map(str, pictures)]
        runs = _acl_bench(args, tmp)
        for run in runs:
            by_api[run["api"]].append(run["throughput_fps"])
            requests[run["api"]] = run["requests"]
        print(f"P4 run {n + 1}/{repeats}: " + ", ".join(f"{k} {v[-1]:.2f} FPS" for k, v in by_api.items()),
              flush=True)  # fmt: skip
    return {"fps": by_api, "requests": requests, "pictures": [p.name for p in pictures]}


# -- report ---------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    flags = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        name = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
        cpu = name.group(1).strip() if name else cpu
        flag_line = re.search(r"^flags\s*:\s*(.+)$", info, re.M)
        if flag_line:
            have = set(flag_line.group(1).split())
            wanted = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")
            flags = " ".join(f for f in wanted if f in have)
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    import numpy
    import openvino

    try:
        from importlib.metadata import version

        ours = version("acl-async")
    except Exception:  # noqa: BLE001
        ours = "?"
    try:
        hint = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT")
        precision = hint.get_type_name() if hasattr(hint, "get_type_name") else str(hint)
    except Exception:  # noqa: BLE001
        precision = "?"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical CPUs ({flags})",
        "OpenVINO CPU inference precision (default, both sides)": precision,
        "Memory": mem,
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
        "OpenVINO": openvino.__version__,
        "numpy": numpy.__version__,
        "acl-async": ours,
    }


def _fmt(values: Sequence[float], digits: int = 2) -> str:
    return ", ".join(f"{v:.{digits}f}" for v in values)


def load_average() -> str:
    try:
        return " / ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def write_results(path: Path, data: dict[str, Any], settings: dict[str, Any]) -> str:
    rows = []
    if "p1" in data:
        d = data["p1"]
        a, b = _median(d["ours"]), _median(d["theirs"])
        rows.append(
            (
                "P1",
                f"async throughput, ResNet-50 ({d['model'].split(' ')[0]}), FPS",
                f"{a:.2f}",
                f"{b:.2f} (`benchmark_app -hint throughput`)",
                f"{a / b:.2f}x",
                ">= ~1x (no overhead)",
            )
        )
        c = _median(d["ov_threads"])
        rows.append(
            (
                "P1'",
                "the same vs plain OpenVINO run the host runtime's way (threads, sync `infer()`)",
                f"{a:.2f}",
                f"{c:.2f} (`benchmarks/ov_threads.py`)",
                f"{a / c:.2f}x",
                ">= ~1x (no overhead)",
            )
        )
    if "p2" in data:
        d = data["p2"]
        a, b = _median(d["ours"]), _median(d["theirs"])
        rows.append(
            (
                "P2",
                "requests/s, trivial model + Python callback",
                f"{a:.0f}",
                f"{b:.0f} (`AsyncInferQueue`)",
                f"{a / b:.2f}x",
                ">= 3x",
            )
        )
    if "p4" in data:
        d = data["p4"]["fps"]
        s, a = _median(d["sync"]), _median(d["async"])
        rows.append(
            (
                "P4",
                "end to end on JPEGs (EfficientNet-Lite0, decode + preprocess in the loop), FPS",
                f"{a:.2f} async",
                f"{s:.2f} sync (acl-async)",
                f"{a / s:.2f}x",
                "> 1x",
            )
        )
    lines = [
        "# acl-async benchmark results",
        "",
        f"Measured {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by "
        "`python benchmarks/run_all.py`, all figures in one run on one machine. Each figure is the "
        f"median of {settings['repeats']} runs (the two sides alternating, each run a fresh process).",
        "",
        "| # | Measure | acl-async | Peer | Ratio | Goal |",
        "|---|---|---|---|---|---|",
        *(f"| {' | '.join(r)} |" for r in rows),
        "",
        "## Machine",
        "",
        *(f"- {k}: {v}" for k, v in machine().items()),
        f"- Load average (1/5/15 min) at start: {settings['load_start']}; at end: {load_average()} "
        f"(on {os.cpu_count()} CPUs: anything else running shows up as noise in the per-run values)",
        "",
        "## Details",
        "",
    ]
    if "p1" in data:
        d = data["p1"]
        lines += [
            f"- P1 model: {d['model']}. Inference only, batch 1, {settings['seconds']:g} s per run. "
            f"acl-async: `acl-async bench -m resnet50.onnx -api async -t {settings['seconds']:g}` "
            f"({'/'.join(map(str, d['ours_requests']))} requests, each on its own stream and model load); "
            f"benchmark_app: `-d CPU -hint throughput -t {settings['seconds']:g}` "
            f"({'/'.join(d['theirs_requests'])} requests).",
            f"  - acl-async FPS per run: {_fmt(d['ours'])}",
            f"  - benchmark_app FPS per run: {_fmt(d['theirs'])}",
            f"  - OpenVINO, {'/'.join(d['theirs_requests'])} threads each calling sync `infer()` on the same "
            f"compiled model, FPS per run: {_fmt(d['ov_threads'])}",
            "  - The host runtime executes each ACL stream's requests with OpenVINO's synchronous `infer()` "
            "on that stream's worker thread; `benchmark_app` uses `AsyncInferQueue` (OpenVINO's own stream "
            "executors, pinned to cores). Row P1' runs plain OpenVINO the host runtime's way, so P1' "
            "isolates acl-async's own overhead, and P1 also contains the difference between the two "
            "OpenVINO execution patterns.",
        ]
    if "p2" in data:
        d = data["p2"]
        lines += [
            f"- P2 model: `y = x + 1` on float32 [1,16]; {d['requests']} requests per run after 200 warm-up; "
            f"jobs: acl-async {d['jobs'].get('acl-async')}, OpenVINO {d['jobs'].get('openvino')} (both: the "
            "device's suggested number); the callback counts and reads one output value "
            "(`benchmarks/p2_worker.py`).",
            f"  - acl-async InferQueue req/s per run: {_fmt(d['ours'], 0)}",
            f"  - OpenVINO AsyncInferQueue req/s per run: {_fmt(d['theirs'], 0)}",
        ]
    if "p4" in data:
        d = data["p4"]
        q = _median(d["fps"]["queue"])
        lines += [
            f"- P4: `acl-async bench --compare --full-pipeline -t {settings['p4_seconds']:g} -i "
            f"{' '.join(d['pictures'])}` (the shipped JPEGs, embedded EfficientNet-Lite0); requests: "
            f"{d['requests']}. Queue API median: {q:.2f} FPS.",
            *(f"  - {api} FPS per run: {_fmt(v)}" for api, v in d["fps"].items()),
        ]
    text = "\n".join(lines) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return text


def main() -> None:
    p = argparse.ArgumentParser(description="acl-async vs OpenVINO, one run, one machine.")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seconds", type=float, default=10.0, help="P1 seconds per run (default 10)")
    p.add_argument("--p4-seconds", type=float, default=4.0, help="P4 seconds per API per run (default 4)")
    p.add_argument("--requests", type=int, default=20000, help="P2 requests per run (default 20000)")
    p.add_argument("--only", nargs="+", choices=("p1", "p2", "p4"), default=["p1", "p2", "p4"])
    p.add_argument("--quick", action="store_true", help="1 run each, short (a smoke test)")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = p.parse_args()
    if args.quick:
        args.repeats, args.seconds, args.p4_seconds, args.requests = 1, 2.0, 1.0, 2000
    data: dict[str, Any] = {}
    load_start = load_average()
    with tempfile.TemporaryDirectory(prefix="acl-async-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "p1" in args.only:
            data["p1"] = p1(args.repeats, args.seconds, tmp)
        if "p2" in args.only:
            data["p2"] = p2(args.repeats, args.requests, tmp)
        if "p4" in args.only:
            data["p4"] = p4(args.repeats, args.p4_seconds, tmp)
    settings = {
        "repeats": args.repeats,
        "seconds": args.seconds,
        "p4_seconds": args.p4_seconds,
        "load_start": load_start,
    }
    print(write_results(args.out, data, settings))
    raw = args.out.with_suffix(".json")
    raw.write_text(json.dumps({"settings": settings, "data": data}, indent=2) + "\n")


if __name__ == "__main__":
    main()
