"""Huawei's ResNet-50 async sample as a command: ``acl-async EXECUTE_TIMES CALLBACK_INTERVAL POOL_SIZE``.

Like ``./main 100 1 100``: execute the model EXECUTE_TIMES times asynchronously on one stream, a
callback every CALLBACK_INTERVAL executions (0: none, results after synchronize), POOL_SIZE memory
blocks, top-1 per execution. Unlike it: any pool size works with any count (back-pressure), the
tail that does not fill an interval is processed too, and arguments are validated.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .cli_util import OneLineParser, count, resolve_device, resolve_model
from .dump import DUMP_FORMATS, OutputDumper
from .labels import labels_for_model
from .results import format_json, format_sample_lines, top_n

if TYPE_CHECKING:
    from ._acl import Model
    from .preprocess import PreprocessSpec

log = logging.getLogger("acl_async")

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async",
        description="Asynchronous image classification through AscendCL (Huawei's resnet50_async sample).",
        epilog="Subcommands: 'acl-async bench ...', 'acl-async classify ...', 'acl-async model ...'.",
    )
    p.add_argument(
        "execute_times",
        nargs="?",
        type=count(1, "EXECUTE_TIMES"),
        default=100,
        metavar="EXECUTE_TIMES",
        help="model executions (default 100)",
    )
    p.add_argument(
        "callback_interval",
        nargs="?",
        type=count(0, "CALLBACK_INTERVAL"),
        default=1,
        metavar="CALLBACK_INTERVAL",
        help="executions per callback; 0 = no callbacks (default 1)",
    )
    p.add_argument(
        "pool_size",
        nargs="?",
        type=count(1, "POOL_SIZE"),
        default=100,
        metavar="POOL_SIZE",
        help="memory blocks in the pool (default 100)",
    )
    p.add_argument(
        "-m",
        "--model",
        help="ONNX / OpenVINO IR model (host runtime) or .om (NPU); default: the embedded EfficientNet-Lite0",
    )
    p.add_argument(
        "-i",
        "--input",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATH",
        help="pictures (jpg/jpeg/png/bmp), .bin/.npy tensors or folders; used round-robin",
    )
    p.add_argument(
        "-d",
        "--device",
        type=count(0, "device id"),
        default=None,
        help="device id (default $ASCEND_DEVICE_ID or 0)",
    )
    p.add_argument("-c", "--config", help="acl.json passed to aclInit")
    p.add_argument("-nt", "--top", type=count(1, "top N"), default=1, help="classes per result (default 1)")
    p.add_argument(
        "--labels",
        help="labels file, one per line (default: <model>.labels beside the model, else the labels the "
        "model names in its metadata, e.g. ImageNet for the embedded model)",
    )
    p.add_argument("--dump", metavar="DIR", help="write every output to DIR/output{N}_{i}.<format>")
    p.add_argument("--dump-format", choices=DUMP_FORMATS, default="bin")
    p.add_argument(
        "--bad-input",
        choices=("fatal", "skip"),
        default="fatal",
        help="an unreadable picture among the inputs: stop (default) or skip it with a warning",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("-q", "--quiet", action="store_true", help="print only the result lines")
    out.add_argument("--json", action="store_true", help="print one JSON object per execution")
    return p


@dataclass(frozen=True)
class _Input:
    name: str
    tensor: np.ndarray


def _load_inputs(args: argparse.Namespace, spec: PreprocessSpec, bad_input: str) -> list[_Input]:
    from . import preprocess, zoo
    from .cli import UsageError

    try:
        paths = preprocess.collect_inputs(args.input) if args.input else zoo.default_pictures()
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if not paths:
        raise UsageError("no input files (jpg/jpeg/png/bmp/bin/npy) in " + " ".join(args.input))
    inputs = []
    for path in paths:
        try:
            inputs.append(_Input(path.name, preprocess.load_input(path, spec)))
        except preprocess.InputFileError as exc:
            if bad_input == "skip":
                log.warning("skipping %s", exc)
                continue
            raise
    if not inputs:
        raise preprocess.InputFileError(paths[0], "no usable input among the given files")
    return inputs


def _model_spec(model: Path, desc: Model) -> PreprocessSpec:
    """Preprocessing from the model's metadata, else inferred from its first input description."""
    from . import preprocess, zoo

    try:
        return zoo.model_preprocess_spec(model)
    except ValueError:
        first = desc.inputs[0]
        return preprocess.spec_for_model(list(first.shape), first.dtype_name, None)


class _Printer:
    """Prints (and dumps) results in execution order; AsyncRunner calls it one result at a time."""

    def __init__(self, args: argparse.Namespace, labels: list[str] | None, dumper: OutputDumper | None):
        self.args = args
        self.labels = labels
        self.dumper = dumper
        self.done = 0

    def __call__(self, outputs: Sequence[np.ndarray], userdata: tuple[int, str]) -> None:
        execution, source = userdata
        if self.dumper is not None:
            self.dumper.write(execution, list(outputs))
        classes = top_n(outputs[0], self.args.top, self.labels)
        if self.args.json:
            print(format_json(execution, source, classes))
        else:
            for line in format_sample_lines(classes):
                print(line if self.args.quiet else f"[INFO]  {line}")
        self.done += 1


def _info(args: argparse.Namespace, message: str) -> None:
    if not (args.quiet or args.json):
        print(f"[INFO]  {message}")


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    device = resolve_device(args.device)
    from .errors import AclError

    dumper = None
    if args.dump:
        dumper = OutputDumper(args.dump, args.dump_format)
        try:
            dumper.check_writable()
        except OSError as exc:
            print(
                f"acl-async: error: cannot write dumps to {args.dump}: {exc.strerror or exc}", file=sys.stderr
            )
            return 1

    _info(args, f"execute times = {args.execute_times}")
    _info(args, f"callback interval = {args.callback_interval}")
    _info(args, f"memory pool size = {args.pool_size}")
    try:
        model_path, _ = resolve_model(args.model)
        labels = labels_for_model(model_path, args.labels)
        return _run(args, device, model_path, labels, dumper)
    except (AclError, OSError, ValueError) as exc:  # ValueError covers unusable input files
        print(f"acl-async: error: {exc}", file=sys.stderr)
        return 1


def _run(
    args: argparse.Namespace,
    device: int,
    model_path: Path,
    labels: list[str] | None,
    dumper: OutputDumper | None,
) -> int:
    from .runner import AsyncRunner
    from .session import Session

    with Session(device_id=device, config=args.config) as session:
        _info(args, "acl init success")
        _info(args, f"set device {device} success")
        _info(args, "create context success")
        _info(args, "create stream success")
        _info(args, f"get run mode success ({session.run_mode})")
        model = session.load_model(model_path)
        _info(args, f"load model {model_path} success")
        spec = _model_spec(model_path, model)
        inputs = _load_inputs(args, spec, args.bad_input)
        printer = _Printer(args, labels, dumper)
        runner = AsyncRunner(
            model, pool_size=args.pool_size, callback_interval=args.callback_interval, callback=printer
        )
        _info(args, "init memory pool success")
        _info(args, "subscribe report success")
        start = time.perf_counter()
        try:
            with runner:
                for n in range(args.execute_times):
                    item = inputs[n % len(inputs)]
                    runner.submit([item.tensor], userdata=(n + 1, item.name))
                runner.wait()
        except KeyboardInterrupt:
            sys.stdout.flush()
            print(f"acl-async: interrupted after {printer.done} results", file=sys.stderr)
            return 130
        elapsed = time.perf_counter() - start
        _info(args, "model execute success")
        _info(args, "unsubscribe report success")
    _info(args, "execute sample success")
    if not (args.quiet or args.json):
        rate = printer.done / elapsed if elapsed > 0 else float("inf")
        print(f"[INFO]  {printer.done} executions in {elapsed:.3f} s, {rate:.1f} executions/s")
    return 0
