"""Soak: many requests through InferQueue and AsyncRunner on a trivial model, watching for leaks.

    python benchmarks/soak.py [--requests 1000000] [--jobs 2] [--pool 8] [--interval 4] [--cycles 20]

Runs ``--requests`` requests through an ``InferQueue`` (Python callback per request), then as many
through an ``AsyncRunner`` (callback every ``--interval`` executions), then ``--cycles`` full session
cycles (session, model, queue, runner, a few requests, close). RSS and the thread count are sampled
(``/proc/self/status``) every ``--sample`` requests; after a warm-up phase (the first 10% of each run),
growth is reported per million requests (least-squares slope of the samples), plus the thread count
before and after. Prints a table and, with ``--json FILE``, writes the figures. Every accepted request
must reach its callback: a mismatch is reported and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_models import make_trivial  # noqa: E402

WIDTHS = (16, 10, 11, 9, 16, 12, 10)


def status() -> tuple[float, int]:
    """(RSS in MiB, threads) of this process."""
    rss = threads = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss / 1024, threads


def slope_per_million(samples: list[tuple[int, float]]) -> float:
    """Least-squares slope of (requests, MiB) after the first 10% of the run, in MiB per million."""
    if len(samples) < 3:
        return float("nan")
    start = samples[-1][0] // 10
    pts = [(n, v) for n, v in samples if n >= start] or samples
    xs = np.array([p[0] for p in pts], float)
    ys = np.array([p[1] for p in pts], float)
    if np.ptp(xs) == 0:
        return float("nan")
    return float(np.polyfit(xs, ys, 1)[0] * 1e6)


def soak_queue(model: Any, requests: int, jobs: int, sample: int) -> dict[str, Any]:
    import acl_async

    x = np.zeros((1, 16), np.float32)
    done = [0]

    def callback(outputs: Any, userdata: Any) -> None:
        done[0] += 1

    samples = []
    rss0, threads0 = status()
    start = time.perf_counter()
    with acl_async.InferQueue(model, jobs) as queue:
        queue.set_callback(callback)
        for i in range(requests):
            queue.start_async(x, i)
            if i % sample == 0:
                samples.append((i, status()[0]))
        queue.wait_all()
    seconds = time.perf_counter() - start
    rss1, threads1 = status()
    return _figures("InferQueue", requests, done[0], seconds, samples, rss0, rss1, threads0, threads1)


def soak_runner(model: Any, requests: int, pool: int, interval: int, sample: int) -> dict[str, Any]:
    import acl_async

    x = np.zeros((1, 16), np.float32)
    done = [0]

    def callback(outputs: Any, userdata: Any) -> None:
        done[0] += 1

    samples = []
    rss0, threads0 = status()
    start = time.perf_counter()
    with acl_async.AsyncRunner(
        model, pool_size=pool, callback_interval=interval, callback=callback
    ) as runner:
        for i in range(requests):
            runner.submit(x, i)
            if i % sample == 0:
                samples.append((i, status()[0]))
    seconds = time.perf_counter() - start
    rss1, threads1 = status()
    return _figures("AsyncRunner", requests, done[0], seconds, samples, rss0, rss1, threads0, threads1)


def soak_cycles(path: str, cycles: int) -> dict[str, Any]:
    import acl_async

    x = np.zeros((1, 16), np.float32)
    rss0, threads0 = status()
    start = time.perf_counter()
    done = [0]
    for _ in range(cycles):
        with acl_async.Session() as session:
            model = session.load_model(path)
            queue = acl_async.InferQueue(model, 2)
            queue.set_callback(lambda o, u: done.__setitem__(0, done[0] + 1))
            runner = acl_async.AsyncRunner(
                model, pool_size=2, callback=lambda o, u: done.__setitem__(0, done[0] + 1)
            )
            for i in range(10):
                queue.start_async(x, i)
                runner.submit(x, i)
        # closing the session closes the queue and the runner: every request still completes
    seconds = time.perf_counter() - start
    rss1, threads1 = status()
    return {
        "what": "session cycles",
        "requests": cycles * 20,
        "callbacks": done[0],
        "seconds": round(seconds, 2),
        "rss_mib": [round(rss0, 1), round(rss1, 1)],
        "threads": [threads0, threads1],
        "rss_growth_mib_per_million": float("nan"),
    }


def _figures(what, requests, callbacks, seconds, samples, rss0, rss1, threads0, threads1) -> dict[str, Any]:
    return {
        "what": what,
        "requests": requests,
        "callbacks": callbacks,
        "seconds": round(seconds, 2),
        "requests_per_s": round(requests / seconds),
        "rss_mib": [round(rss0, 1), round(rss1, 1)],
        "threads": [threads0, threads1],
        "rss_growth_mib_per_million": round(slope_per_million(samples), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="per API (default 1000000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pool", type=int, default=8)
    parser.add_argument("--interval", type=int, default=4)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--sample", type=int, default=10_000, help="requests between samples")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    import acl_async

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = str(make_trivial(Path(tmp) / "trivial.onnx"))
        with acl_async.Session() as session:
            model = session.load_model(path)
            rows.append(soak_queue(model, args.requests, args.jobs, args.sample))
            rows.append(soak_runner(model, args.requests, args.pool, args.interval, args.sample))
        rows.append(soak_cycles(path, args.cycles))
    header = ("what", "requests", "callbacks", "req/s", "RSS MiB", "MiB/1M req", "threads")
    print(
        "".join(
            f"{h:<16}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, WIDTHS, strict=True))
        )
    )
    for r in rows:
        rss = f"{r['rss_mib'][0]:.0f} -> {r['rss_mib'][1]:.0f}"
        print(
            f"{r['what']:<16}{r['requests']:>10}{r['callbacks']:>11}{r.get('requests_per_s', ''):>9}{rss:>16}"
            f"{r['rss_growth_mib_per_million']:>12}{r['threads'][0]:>5} -> {r['threads'][1]}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    lost = [r["what"] for r in rows if r["callbacks"] != r["requests"]]
    if lost:
        print(f"soak: accepted requests without a callback in: {', '.join(lost)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
