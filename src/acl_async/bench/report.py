"""How benchmark results are shown and saved: the ``benchmark_app``-like text block, the ``--compare``
table, and the JSON / CSV report files (written atomically: a report file is whole or absent).

JSON (``--report-json``)::

    {"schema": "acl-async-bench/1", "tool": "acl-async", "version": "0.1.0",
     "percentiles": [50, 90, 95, 99],
     "runs": [{"api": "async", "mode": "inference-only", "model": "...", "device": 0, "batch": 1,
               "requests": 2, "iterations_requested": 100, "time_requested_s": null, "count": 100,
               "duration_ms": ..., "throughput_fps": ..., "load_ms": ..., "first_inference_ms": ...,
               "latency_ms": {"count": 100, "median": ..., "average": ..., "min": ..., "max": ...,
                              "percentiles": {"p50": ..., "p90": ..., "p95": ..., "p99": ...}}}]}

CSV (``--report-csv``): a header row, then one row per run, with the columns of :data:`CSV_BASE_COLUMNS`
followed by ``latency_p<P>_ms`` for each requested percentile.  ``--compare`` gives three runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from ..fileio import write_atomic
from .result import MODE_FULL, BenchResult
from .stats import format_percentile

__all__ = [
    "CSV_BASE_COLUMNS",
    "JSON_SCHEMA",
    "csv_columns",
    "format_compare",
    "format_latency",
    "format_report",
    "mode_sentence",
    "to_csv",
    "to_json",
    "write_csv",
    "write_json",
]

JSON_SCHEMA = "acl-async-bench/1"
CSV_BASE_COLUMNS = (
    "api",
    "mode",
    "model",
    "device",
    "batch",
    "requests",
    "count",
    "duration_ms",
    "throughput_fps",
    "load_ms",
    "first_inference_ms",
    "latency_median_ms",
    "latency_average_ms",
    "latency_min_ms",
    "latency_max_ms",
)
PREFIX = "[ INFO ] "


# -- text -----------------------------------------------------------------------------------------


def format_latency(value_ms: float, average_ms: float) -> str:
    """Like ``benchmark_app``: microseconds when the average latency is under 1 ms, else milliseconds."""
    if average_ms < 1.0:
        return f"{value_ms * 1000.0:.2f} us"
    return f"{value_ms:.2f} ms"


def mode_sentence(mode: str) -> str:
    if mode == MODE_FULL:
        return "Benchmarking in full-pipeline mode (decode + preprocess of pictures in the measured loop)."
    return "Benchmarking in inference-only mode (inputs prepared once, outside the measured loop)."


def _api_sentence(result: BenchResult) -> str:
    if result.api == "sync":
        return "API: sync (one request, aclmdlExecute)"
    if result.api == "async":
        how = "aclmdlExecuteAsync + a completion callback per request through the report thread"
    else:
        how = "InferQueue.start_async + a Python callback per request"
    return (
        f"API: {result.api} ({result.requests} requests in flight on {result.requests} streams, one model "
        f"load per stream; {how})"
    )


def format_report(result: BenchResult) -> list[str]:
    """The result block, in ``benchmark_app``'s words and order (lines without trailing newline)."""
    lat = result.latency
    avg = lat.average
    lines = [
        _api_sentence(result),
        f"Mode: {result.mode}",
        f"Batch: {result.batch}",
        f"Load model took {result.load_ms:.2f} ms",
        f"First inference took {result.first_inference_ms:.2f} ms",
        f"Count:            {result.count} iterations",
        f"Duration:         {result.duration_ms:.2f} ms",
        "Latency:",
        f"   Median:        {format_latency(lat.median, avg)}",
        f"   Average:       {format_latency(lat.average, avg)}",
        f"   Min:           {format_latency(lat.min, avg)}",
        f"   Max:           {format_latency(lat.max, avg)}",
    ]
    for p, value in sorted(lat.percentiles.items()):
        label = f"{format_percentile(p)} percentile:"
        lines.append(f"   {label:<15}{format_latency(value, avg)}")
    lines.append(f"Throughput:   {result.throughput:.2f} FPS")
    return [PREFIX + line for line in lines]


def format_compare(results: Sequence[BenchResult]) -> str:
    """The ``--compare`` table: one row per API, throughput relative to the first (sync) row."""
    base = results[0].throughput if results else 0.0
    header = (
        "API", "Requests", "Count", "Duration ms", "FPS", "Median ms", "Average ms", "Max ms", "vs sync",
    )  # fmt: skip
    rows = [header]
    for r in results:
        lat = r.latency
        ratio = f"{r.throughput / base:.2f}x" if base > 0 else "-"
        rows.append((
            r.api, str(r.requests), str(r.count), f"{r.duration_ms:.2f}", f"{r.throughput:.2f}",
            f"{lat.median:.3f}", f"{lat.average:.3f}", f"{lat.max:.3f}", ratio,
        ))  # fmt: skip
    return tabulate(rows[1:], headers=rows[0], tablefmt="simple", disable_numparse=True,
                    colalign=("left",) + ("right",) * (len(header) - 1))  # fmt: skip


# -- files ----------------------------------------------------------------------------------------


def to_json(results: Sequence[BenchResult], percentiles: Sequence[float], version: str = "") -> str:
    doc = {
        "schema": JSON_SCHEMA,
        "tool": "acl-async",
        "version": version,
        "percentiles": [float(p) for p in percentiles],
        "runs": [r.to_dict() for r in results],
    }
    return json.dumps(doc, indent=2) + "\n"


def csv_columns(percentiles: Sequence[float]) -> list[str]:
    return [*CSV_BASE_COLUMNS, *(f"latency_p{format_percentile(p)}_ms" for p in percentiles)]


def to_csv(results: Sequence[BenchResult], percentiles: Sequence[float]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_columns(percentiles))
    for r in results:
        lat = r.latency
        row: list[object] = [
            r.api, r.mode, r.model, r.device, r.batch, r.requests, r.count,
            f"{r.duration_ms:.6f}", f"{r.throughput:.6f}", f"{r.load_ms:.6f}", f"{r.first_inference_ms:.6f}",
            f"{lat.median:.6f}", f"{lat.average:.6f}", f"{lat.min:.6f}", f"{lat.max:.6f}",
        ]  # fmt: skip
        row += [f"{lat.percentiles[float(p)]:.6f}" for p in percentiles]
        writer.writerow(row)
    return buffer.getvalue()


def write_json(
    path: str | os.PathLike[str],
    results: Sequence[BenchResult],
    percentiles: Sequence[float],
    version: str = "",
) -> Path:
    return write_atomic(path, to_json(results, percentiles, version).encode())


def write_csv(
    path: str | os.PathLike[str], results: Sequence[BenchResult], percentiles: Sequence[float]
) -> Path:
    return write_atomic(path, to_csv(results, percentiles).encode())
