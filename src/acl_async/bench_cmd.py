"""``acl-async bench`` and ``acl-async classify``: argument parsing and dispatch (the work is in
:mod:`acl_async.bench` and :mod:`acl_async.classify`).

    acl-async bench -m MODEL [-i INPUTS] [-api sync|async|queue] [-nireq N] [-niter N | -t SECONDS]
                    [-b BATCH] [--percentiles 50,90,95,99] [--report-json PATH] [--report-csv PATH]
                    [--plot PNG] [--full-pipeline] [--compare]
    acl-async classify -m MODEL -i FILES_OR_FOLDER [-nt 10] [--labels FILE]

Bad input ends with one line on stderr (``acl-async: error: ...``) and exit status 2; a failure while
running (a model the runtime refuses, an unreadable picture) with one line and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Sequence

from .cli_util import OneLineParser, count

__all__ = ["build_bench_parser", "build_classify_parser", "main_bench", "main_classify"]

log = logging.getLogger("acl_async")

DEFAULT_TIME_S = 10.0


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _percentiles(text: str) -> tuple[float, ...]:
    from .bench.stats import parse_percentiles

    try:
        return parse_percentiles(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--model", help="ONNX / OpenVINO IR model (host runtime) or .om (NPU); "
                   "default: the embedded EfficientNet-Lite0")
    p.add_argument("-d", "--device", type=count(0, "device id"), default=None,
                   help="device id (default $ASCEND_DEVICE_ID or 0)")
    p.add_argument("-c", "--config", help="acl.json passed to aclInit")


def build_bench_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async bench", allow_abbrev=False,
        description="Measure throughput and latency the way OpenVINO's benchmark_app does.",
        epilog="Latency percentiles are nearest-rank: rank ceil(p/100 x count) of the sorted latencies "
        "(p=100 is the maximum). Throughput = batch x count / (last completion - first start).",
    )  # fmt: skip
    _common(p)
    p.add_argument("-i", "--input", nargs="+", action="extend", default=[], metavar="PATH",
                   help="pictures, .bin/.npy tensors or folders (default: random values; with "
                   "--full-pipeline: the shipped pictures)")
    p.add_argument("-api", "--api", choices=("sync", "async", "queue"), default="async",
                   help="sync: one request, aclmdlExecute; async: N requests on N streams with callbacks "
                   "through the report thread (default); queue: the same through InferQueue")
    p.add_argument("-nireq", "--nireq", type=count(1, "-nireq"), default=None,
                   help="requests in flight (async/queue; default: the device's suggested number)")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("-niter", "--niter", type=count(1, "-niter"), default=None,
                      help="iterations (rounded up to a multiple of -nireq)")
    stop.add_argument("-t", "--time", type=_positive_seconds, default=None,
                      help=f"seconds to run (default {DEFAULT_TIME_S:g} when -niter is not given)")
    p.add_argument("-b", "--batch", type=count(1, "-b"), default=None,
                   help="batch size; must be the model's own (default: the model's)")
    p.add_argument("--percentiles", type=_percentiles, default=(50.0, 90.0, 95.0, 99.0),
                   metavar="P,P,...", help="latency percentiles to report (default 50,90,95,99)")
    p.add_argument("--report-json", metavar="PATH", help="write the results as JSON (atomically)")
    p.add_argument("--report-csv", metavar="PATH", help="write the results as CSV (atomically)")
    p.add_argument("--plot", metavar="PNG", help="draw throughput bars and a latency histogram (matplotlib)")
    p.add_argument("--full-pipeline", action="store_true",
                   help="decode + preprocess the pictures inside the measured loop (what applications do)")
    p.add_argument("--compare", action="store_true",
                   help="run sync, async and the queue API back to back and print a table")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result block")
    return p


def build_classify_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async classify", allow_abbrev=False,
        description="Classify pictures (OpenVINO classification_sample_async parity).",
    )  # fmt: skip
    _common(p)
    p.add_argument("-i", "--input", nargs="+", action="extend", default=[], metavar="PATH",
                   help="pictures or folders of pictures (default: the shipped pictures)")
    p.add_argument("-nt", "--top", type=count(1, "-nt"), default=10, help="classes per picture (default 10)")
    p.add_argument("--labels", help="labels file, one per line (default: <model>.labels, or ImageNet for "
                   "the embedded model)")
    return p


def _usage_error(message: str) -> int:
    print(f"acl-async: error: {message}", file=sys.stderr)
    return 2


def main_bench(argv: Sequence[str]) -> int:
    from .cli import UsageError

    try:
        args = build_bench_parser().parse_args(list(argv))
        from .bench.command import run_bench_command

        return run_bench_command(args, default_time_s=DEFAULT_TIME_S)
    except UsageError as exc:
        return _usage_error(str(exc))


def main_classify(argv: Sequence[str]) -> int:
    from .cli import UsageError

    try:
        args = build_classify_parser().parse_args(list(argv))
        from .classify import run_classify_command

        return run_classify_command(args)
    except UsageError as exc:
        return _usage_error(str(exc))
