"""``acl-async bench``: measure throughput and latency the way OpenVINO's ``benchmark_app`` does.

    acl-async bench -m MODEL [-i INPUTS] [-api sync|async|queue] [-nireq N] [-niter N | -t SECONDS]
                    [-b BATCH] [-hint throughput|latency|none] [-nstreams N] [-nthreads N] [-shape SHAPE]
                    [--percentiles 50,90,95,99] [--report-json PATH] [--report-csv PATH]
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
    add_frame_interval,
    add_inputs,
    add_model,
    add_preprocess,
    collect_inputs,
    count,
    positive_seconds,
    resolve_device,
    resolve_model,
    videos,
)

if TYPE_CHECKING:
    from ..bench.run import BenchOptions

__all__ = ["DEFAULT_TIME_S", "build_parser", "main"]

log = logging.getLogger("acl_async")

DEFAULT_TIME_S = 10.0
HINTS = ("throughput", "latency", "none")


def _shape(text: str) -> dict[str, tuple[int, ...]]:
    """``-shape``: ``[1,3,224,224]`` (every input: key "") or ``name[1,3,224,224],other[1,8]``."""
    from ..bench.shapes import parse_shapes

    try:
        return parse_shapes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
               "--full-pipeline: the shipped pictures); or videos (mp4/h264/h265): every frame decoded by "
               "VDEC into the model once, decoded frames/s reported")  # fmt: skip
    add_frame_interval(p)
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
    p.add_argument("-hint", "--hint", choices=HINTS, default=None,
                   help="performance hint, as benchmark_app's: latency = one request in flight (unless "
                   "-nireq) and OpenVINO's LATENCY mode on the host runtime; throughput (default) = the "
                   "device's suggested number of requests and THROUGHPUT mode; none = the runtime's choice")
    p.add_argument("-nstreams", "--nstreams", type=count(1, "-nstreams"), default=None,
                   help="ACL streams; every request in flight has its own stream, so this is -nireq by "
                   "another name (both given: they must agree)")
    p.add_argument("-nthreads", "--nthreads", type=count(1, "-nthreads"), default=None,
                   help="CPU threads per compiled model (host runtime: OpenVINO's INFERENCE_NUM_THREADS; "
                   "ignored on an NPU)")
    p.add_argument("-shape", "--shape", type=_shape, default=None, metavar="SHAPE",
                   help="input shape as benchmark_app takes it: [1,3,224,224] or name[1,3,224,224],...; "
                   "ACL models have static shapes, so it must be the model's own (a model with batch "
                   "profiles: its first dimension picks the profile, like -b)")
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
    add_preprocess(p)
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


def _requests(args: argparse.Namespace) -> int | None:
    """Requests in flight from ``-nireq``, ``-nstreams`` and ``-hint`` (None: the device's suggestion);
    LimitError before anything is allocated when a device cannot have that many streams."""
    from ..model_io import check_requests

    if args.nireq is not None and args.nstreams is not None and args.nireq != args.nstreams:
        raise UsageError(f"-nireq {args.nireq} and -nstreams {args.nstreams}: every request has its own "
                         "stream, give one of them")  # fmt: skip
    requests = args.nireq if args.nireq is not None else args.nstreams
    if requests is None and args.hint == "latency":
        requests = 1
    if requests is not None and (args.api != "sync" or args.compare):
        check_requests(requests, "-nireq" if args.nireq is not None else "-nstreams")
    return requests


#: What -hint and -nthreads set for the host runtime (read at its first aclInit in this process).
HINT_ENV = "ACL_HOST_PERFORMANCE_HINT"
THREADS_ENV = "ACL_HOST_INFERENCE_NUM_THREADS"


def _runtime_environment(args: argparse.Namespace) -> None:
    """``-hint`` and ``-nthreads`` for the host runtime: its environment, set before ACL is initialized
    (they win over the values exported). An NPU has neither setting."""
    import os

    if args.hint in ("latency", "throughput"):
        os.environ[HINT_ENV] = args.hint.upper()
    if args.nthreads is not None:
        os.environ[THREADS_ENV] = str(args.nthreads)


def _print(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(f"[ INFO ] {line}", flush=True)


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    from ..bench.report import format_compare, format_report, mode_sentence
    from ..bench.result import MODE_FULL, MODE_INFERENCE, BenchResult
    from ..bench.run import BenchOptions, run_one
    from ..dvpp_preprocess import decoding
    from ..model_io import BatchError

    _check_outputs(args)
    device = resolve_device(args.device)
    model = resolve_model(args.model)
    paths = _paths(args.input, args.full_pipeline)
    from ..video_input import is_video

    if any(is_video(p) for p in paths):
        return _bench_video(args, device, model, paths)
    opts = BenchOptions(
        model=model, device=device, config=args.config, nireq=_requests(args), niter=args.niter,
        time_s=args.time if args.niter is None else None, batch=args.batch,
        percentiles=args.percentiles, full_pipeline=args.full_pipeline, paths=paths,
        decode_threads=args.decode_threads, shapes=args.shape, decoder=args.preprocess,
    )  # fmt: skip
    _check_model(opts)
    _runtime_environment(args)
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
        with Session(device_id=device, config=args.config) as session, decoding(args.preprocess):
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


def _bench_video(args: argparse.Namespace, device: int, model: Path, paths: list[Path]) -> int:
    """A video among the inputs: each input once through VDEC (+ Pillow or VPC) and the model
    (:mod:`acl_async.bench.video`), decoded frames/s and inferences/s."""
    from ..bench.video import format_video, run_video
    from ..preprocess import InputFileError
    from ..session import Session

    paths = videos(paths)
    requests = _requests(args) if args.api == "queue" else None
    _print(args, f"Model: {model}")
    _print(args, "Videos: every frame decoded by VDEC while the model runs, each input once")
    try:
        with Session(device_id=device, config=args.config) as session:
            result = run_video(session, model, paths, interval=args.frame_interval, decoder=args.preprocess,
                               threads=args.decode_threads, api=args.api, requests=requests)  # fmt: skip
    except (InputFileError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for line in format_video(result):
        if not (args.quiet and line.startswith("[ INFO ]")):
            print(line, flush=True)
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
