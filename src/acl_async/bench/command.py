"""``acl-async bench``: validate everything first (exit 2), run, print, then write reports and plot."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..cli import UsageError
from ..cli_util import resolve_device, resolve_model
from .report import check_writable, format_compare, format_report, mode_sentence, write_csv, write_json
from .result import MODE_FULL, MODE_INFERENCE, BenchResult

__all__ = ["run_bench_command"]

log = logging.getLogger("acl_async")


def _check_outputs(args: argparse.Namespace) -> None:
    for option, value in (("--report-json", args.report_json), ("--report-csv", args.report_csv),
                          ("--plot", args.plot)):  # fmt: skip
        if value is not None:
            try:
                check_writable(value)
            except ValueError as exc:
                raise UsageError(f"{option}: {exc}") from None
    if args.plot is not None:
        from .plot import matplotlib_available

        if not matplotlib_available():
            raise UsageError("--plot needs matplotlib: pip install 'acl-async[plot]'")


def _paths(args: argparse.Namespace) -> list[Path]:
    from .. import preprocess, zoo

    if not args.input:
        return list(zoo.default_pictures()) if args.full_pipeline else []
    try:
        paths = preprocess.collect_inputs(args.input)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if not paths:
        raise UsageError("no input files (jpg/jpeg/png/bmp/bin/npy) in " + " ".join(args.input))
    return paths


def _print(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(f"[ INFO ] {line}", flush=True)


def run_bench_command(args: argparse.Namespace, default_time_s: float) -> int:
    from .. import preprocess
    from .loops import LoopTimeout
    from .run import BatchError, BenchOptions, run_one

    _check_outputs(args)
    device = resolve_device(args.device)
    model, _embedded = resolve_model(args.model)
    opts = BenchOptions(
        model=model, device=device, config=args.config, nireq=args.nireq, niter=args.niter,
        time_s=args.time if args.niter is None else None, batch=args.batch,
        percentiles=args.percentiles, full_pipeline=args.full_pipeline, paths=_paths(args),
    )  # fmt: skip
    if opts.niter is None and opts.time_s is None:
        opts.time_s = default_time_s
    apis = ["sync", "async", "queue"] if args.compare else [args.api]
    if args.api == "sync" and args.nireq is not None and not args.compare:
        log.warning("-nireq is ignored with -api sync (one request)")

    results: list[BenchResult] = []
    try:
        from ..errors import AclError
        from ..session import Session

        _print(args, f"Model: {model}")
        _print(args, mode_sentence(MODE_FULL if opts.full_pipeline else MODE_INFERENCE))
        stop = f"{opts.niter} iterations" if opts.niter is not None else f"{opts.time_s:g} s"
        _print(args, f"Measuring {', '.join(apis)} for {stop}{' each' if len(apis) > 1 else ''}")
        with Session(device_id=device, config=args.config) as session:
            for api in apis:
                result = run_one(api, opts, session, announce=lambda line: _print(args, line))
                results.append(result)
                for line in format_report(result):
                    print(line, flush=True)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    except (preprocess.InputFileError, AclError, LoopTimeout, OSError, ValueError, RuntimeError) as exc:
        print(f"acl-async: error: {exc}", file=sys.stderr)
        return 1

    if args.compare:
        print()
        print(format_compare(results))
    return _write_outputs(args, results)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("acl-async")
    except PackageNotFoundError:
        return ""


def _write_outputs(args: argparse.Namespace, results: list[BenchResult]) -> int:
    try:
        if args.report_json:
            write_json(args.report_json, results, args.percentiles, _version())
            _print(args, f"Report written to {args.report_json}")
        if args.report_csv:
            write_csv(args.report_csv, results, args.percentiles)
            _print(args, f"Report written to {args.report_csv}")
        if args.plot:
            from .plot import plot_results

            plot_results(args.plot, results, title=Path(results[0].model).name)
            _print(args, f"Plot written to {args.plot}")
    except OSError as exc:
        print(f"acl-async: error: cannot write {exc.filename or 'report'}: {exc.strerror or exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0
