"""``acl-async bench``: measure throughput and latency the way OpenVINO's ``benchmark_app`` does.

    acl-async bench -m MODEL [-i INPUTS] [-api sync|async|queue] [-nireq N] [-niter N | -t SECONDS]
                    [-b BATCH] [--percentiles 50,90,95,99] [--report-json PATH] [--report-csv PATH]
                    [--plot PNG] [--full-pipeline] [--compare]

Everything that can be checked without the device is checked first (exit 2); then the runs, the
result blocks, and the report files and plot. The work is in :mod:`acl_async.bench`.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .options import (
    OneLineParser,
    add_config,
    add_decode_threads,
    add_device,
    add_inputs,
    add_model,
    collect_inputs,
    count,
    positive_seconds,
    resolve_device,
    resolve_model,
)

if TYPE_CHECKING:
    from ..bench.run import BenchOptions

__all__ = ["DEFAULT_TIME_S", "build_parser", "main"]

log = logging.getLogger("acl_async")

DEFAULT_TIME_S = 10.0


def _percentiles(text: str) -> tuple[float, ...]:
    from ..bench.stats import parse_percentiles

    try:
        return parse_percentiles(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async bench",
        description="Measure throughput and latency the way OpenVINO's benchmark_app does.",
        epilog="Latency percentiles are nearest-rank: rank ceil(p/100 x count) of the sorted latencies "
        "(p=100 is the maximum). Throughput = batch x count / (last completion - first start).",
    )
    add_model(p)
    add_device(p)
    add_config(p)
    add_inputs(p, "pictures, .bin/.npy tensors or folders (default: random values; with "
               "--full-pipeline: the shipped pictures)")  # fmt: skip
    p.add_argument(
        "-api",
        "--api",
        choices=("sync", "async", "queue"),
        default="async",
        help="sync: one request, aclmdlExecute; async: N requests on N streams with callbacks "
        "through the report thread (default); queue: the same through InferQueue",
    )
    p.add_argument(
        "-nireq",
        "--nireq",
        type=count(1, "-nireq"),
        default=None,
        help="requests in flight (async/queue; default: the device's suggested number)",
    )
    stop = p.add_mutually_exclusive_group()
    stop.add_argument(
        "-niter",
        "--niter",
        type=count(1, "-niter"),
        default=None,
        help="iterations (rounded up to a multiple of -nireq)",
    )
    stop.add_argument(
        "-t",
        "--time",
        type=positive_seconds,
        default=None,
        help=f"seconds to run (default {DEFAULT_TIME_S:g} when -niter is not given)",
    )
    p.add_argument(
        "-b",
        "--batch",
        type=count(1, "-b"),
        default=None,
        help="batch size; must be the model's own (default: the model's)",
    )
    p.add_argument(
        "--percentiles",
        type=_percentiles,
        default=(50.0, 90.0, 95.0, 99.0),
        metavar="P,P,...",
        help="latency percentiles to report (default 50,90,95,99)",
    )
    p.add_argument("--report-json", metavar="PATH", help="write the results as JSON (atomically)")
    p.add_argument("--report-csv", metavar="PATH", help="write the results as CSV (atomically)")
    p.add_argument("--plot", metavar="PNG", help="draw throughput bars and a latency histogram (matplotlib)")
    p.add_argument("--full-pipeline", action="store_true",
                   help="decode + preprocess the pictures inside the measured loop (what applications do)")
    add_decode_threads(p, 0, "; 0: on the loop's thread. With --full-pipeline")
    p.add_argument("--compare", action="store_true",
                   help="run sync, async and the queue API back to back and print a table")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result block")
    return p  # fmt: skip


def _check_outputs(args: argparse.Namespace) -> None:
    from ..fileio import check_file_writable

    for option, value in (("--report-json", args.report_json), ("--report-csv", args.report_csv),
                          ("--plot", args.plot)):  # fmt: skip
        if value is not None:
            try:
                check_file_writable(value)
            except ValueError as exc:
                raise UsageError(f"{option}: {exc}") from None
    if args.plot is not None:
        from ..bench.plot import matplotlib_available

        if not matplotlib_available():
            raise UsageError("--plot needs matplotlib: pip install 'acl-async[plot]'")


def _paths(given: list[str], full_pipeline: bool) -> list[Path]:
    from .. import zoo

    return collect_inputs(given, zoo.default_pictures if full_pipeline else list)


def _check_model(opts: BenchOptions) -> None:
    """``-b`` and ``-i`` against the inputs the model file declares (ONNX), before ACL is initialized;
    other formats (an ``acl-async atc`` .om, whose profiles only the runtime knows) are checked once
    loaded."""
    from .. import zoo
    from ..atc.container import is_container

    if is_container(opts.model):
        return
    from ..bench.run import check_inputs
    from ..model_io import BatchError, InputDesc

    descs = [InputDesc(i.name, i.dims, i.dtype) for i in zoo.read_model_inputs(opts.model)]
    if descs:
        try:
            check_inputs(opts, descs)
        except BatchError as exc:
            raise UsageError(str(exc)) from None


def _print(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(f"[ INFO ] {line}", flush=True)


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    from ..bench.report import format_compare, format_report, mode_sentence
    from ..bench.result import MODE_FULL, MODE_INFERENCE, BenchResult
    from ..bench.run import BenchOptions, run_one
    from ..model_io import BatchError

    _check_outputs(args)
    device = resolve_device(args.device)
    model = resolve_model(args.model)
    paths = _paths(args.input, args.full_pipeline)
    opts = BenchOptions(
        model=model, device=device, config=args.config, nireq=args.nireq, niter=args.niter,
        time_s=args.time if args.niter is None else None, batch=args.batch,
        percentiles=args.percentiles, full_pipeline=args.full_pipeline, paths=paths,
        decode_threads=args.decode_threads,
    )  # fmt: skip
    _check_model(opts)
    if opts.niter is None and opts.time_s is None:
        opts.time_s = DEFAULT_TIME_S
    apis = ["sync", "async", "queue"] if args.compare else [args.api]
    if args.api == "sync" and args.nireq is not None and not args.compare:
        log.warning("-nireq is ignored with -api sync (one request)")

    results: list[BenchResult] = []
    from ..session import Session

    _print(args, f"Model: {model}")
    _print(args, mode_sentence(MODE_FULL if opts.full_pipeline else MODE_INFERENCE))
    stop = f"{opts.niter} iterations" if opts.niter is not None else f"{opts.time_s:g} s"
    _print(args, f"Measuring {', '.join(apis)} for {stop}{' each' if len(apis) > 1 else ''}")
    try:
        with Session(device_id=device, config=args.config) as session:
            for api in apis:
                result = run_one(api, opts, session, announce=lambda line: _print(args, line))
                results.append(result)
                for line in format_report(result):
                    print(line, flush=True)
    except BatchError as exc:
        raise UsageError(str(exc)) from None

    if args.compare:
        print()
        print(format_compare(results))
    _write_outputs(args, results)
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("acl-async")
    except PackageNotFoundError:
        return ""


def _write_outputs(args: argparse.Namespace, results: list) -> None:
    from ..bench.report import write_csv, write_json

    if args.report_json:
        write_json(args.report_json, results, args.percentiles, _version())
        _print(args, f"Report written to {args.report_json}")
    if args.report_csv:
        write_csv(args.report_csv, results, args.percentiles)
        _print(args, f"Report written to {args.report_csv}")
    if args.plot:
        from ..bench.plot import plot_results

        plot_results(args.plot, results, title=Path(results[0].model).name)
        _print(args, f"Plot written to {args.plot}")
