"""``acl-async [EXECUTE_TIMES [CALLBACK_INTERVAL [POOL_SIZE]]]``: Huawei's resnet50_async sample (the
default command). The driver itself is :mod:`acl_async.sample_run`.

Everything that can be checked without the device (arguments, model file, input files, labels, dump
folder) is checked before ACL is initialized.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..dump import DUMP_FORMATS
from .commands import COMMANDS
from .dynamic_options import add_options as add_profile_options
from .errors import UsageError
from .options import (
    OneLineParser,
    add_config,
    add_decode_threads,
    add_device,
    add_frame_interval,
    add_inputs,
    add_labels,
    add_model,
    add_preprocess,
    add_top,
    check_labels,
    check_top,
    classes,
    collect_inputs,
    count,
    file_classes,
    load_labels,
    resolve_device,
    resolve_model,
    videos,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["build_parser", "main"]


#: The SDK flags (handled by :mod:`acl_async.cli.sdk`), listed in the help.
SDK_HELP = {
    "--ddk-path": "the CANN-like DDK_PATH",
    "--includedir": "the folder of acl/acl.h",
    "--libdir": "the folder of libascendcl.so",
    "--stubdir": "the folder of the link-time stub libascendcl.so (NPU_HOST_LIB)",
    "--cmakedir": "the folder of acl_asyncConfig.cmake (host runtime)",
    "--env": "shell exports for Huawei's samples (DDK_PATH, NPU_HOST_LIB, ...)",
    "--coverage": "which CANN ACL functions libascendcl.so implements",
    "--pyacl-info": "which pyACL 'acl' module and libascendcl are used",
    "--install-ffmpeg": "[DIR] FFmpeg's headers and libraries into THIRDPART_PATH (aclliteCPP)",
}


def _epilog() -> str:
    width = max(map(len, COMMANDS))
    lines = ["commands (acl-async COMMAND --help):"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items()]
    lines.append("exit status: 0 ok, 1 runtime error, 2 usage error, 130 interrupted, 141 stdout closed, "
                 "143 terminated")  # fmt: skip
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async",
        description="Asynchronous image classification through AscendCL (Huawei's resnet50_async sample).",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name, minimum, default, text in (
        ("EXECUTE_TIMES", 1, 100, "model executions"),
        ("CALLBACK_INTERVAL", 0, 1, "executions per callback; 0 = no callbacks"),
        ("POOL_SIZE", 1, 100, "memory blocks in the pool"),
    ):
        p.add_argument(name.lower(), nargs="?", type=count(minimum, name), default=default, metavar=name,
                       help=f"{text} (default {default})")  # fmt: skip
    add_model(p)
    add_inputs(
        p,
        "pictures (jpg/jpeg/png/bmp), .bin/.npy tensors, videos (mp4/h264/h265) or folders; used round-robin "
        "(default: the shipped pictures)",
    )
    add_device(p)
    add_config(p)
    add_top(p, 1)
    add_labels(p)
    p.add_argument(
        "--dump",
        metavar="DIR",
        help="write every output to DIR/output{N}_{i}.<format> "
        "(refused if DIR holds outputs of an earlier run, unless --overwrite)",
    )
    p.add_argument("--dump-format", choices=DUMP_FORMATS, default="bin")
    p.add_argument("--overwrite", action="store_true",
                   help="with --dump: delete the earlier run's output* files in DIR first")
    p.add_argument("--bad-input", choices=("fatal", "skip"), default="fatal",
                   help="an unreadable picture among the inputs: stop (default) or skip it with a warning")
    add_decode_threads(p)
    add_preprocess(p)
    add_frame_interval(p)
    add_profile_options(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("-q", "--quiet", action="store_true", help="print only the result lines")
    out.add_argument("--json", action="store_true", help="print one JSON object per execution")
    sdk = p.add_argument_group("SDK paths (for C/C++ builds; alone, first on the command line)")
    for flag, text in SDK_HELP.items():
        sdk.add_argument(flag, action="store_true", help=f"print {text}")
    return p  # fmt: skip


def _info(args: argparse.Namespace, message: str) -> None:
    if not (args.quiet or args.json):
        print(f"[INFO]  {message}")


def _dumper(args: argparse.Namespace):  # noqa: ANN202 - OutputDumper, imported lazily
    if not args.dump:
        if args.overwrite:
            raise UsageError("--overwrite needs --dump DIR")
        return None
    from ..dump import OutputDumper

    dumper = OutputDumper(args.dump, args.dump_format)
    try:
        dumper.prepare(overwrite=args.overwrite)
    except (ValueError, FileExistsError) as exc:
        raise UsageError(f"--dump: {exc}") from None
    return dumper


def _shower(args: argparse.Namespace, labels: list[str] | None):  # noqa: ANN202
    from ..results import format_json, format_sample_lines, top_n

    def show(execution: int, source: str, outputs: Sequence[np.ndarray]) -> None:
        classes = top_n(outputs[0], args.top, labels)
        if args.json:
            print(format_json(execution, source, classes))
        else:
            frame = "#frame=" in source  # a video's frame: clip.mp4#frame=12 names its result lines
            for line in format_sample_lines(classes):
                line = f"{source} {line}" if frame else line
                print(line if args.quiet else f"[INFO]  {line}")

    return show


def _check_inputs(model_path: Path, paths: Sequence[Path]) -> None:
    """Every input file's header (tensor shape and type, picture format) against the model file, before
    ACL is initialized; tensors of a model whose file tells no input shape are checked once it is loaded."""
    from .. import preprocess, zoo
    from ..video_input import is_video

    try:
        spec = zoo.model_preprocess_spec(model_path)
    except (ValueError, OSError):
        spec = None
    for path in paths:
        if not is_video(path):  # a video's header was read by videos()
            preprocess.check_input(path, spec)


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    if any(getattr(args, flag.lstrip("-").replace("-", "_")) for flag in SDK_HELP):
        raise UsageError("the SDK flags (--ddk-path, --libdir, --coverage ...) go first, without a run")
    device = resolve_device(args.device)
    dumper = _dumper(args)
    model_path = resolve_model(args.model)
    from .. import zoo

    paths = videos(collect_inputs(args.input, zoo.default_pictures))
    labels, labels_source = load_labels(model_path, args.labels)
    check_top(args.top, file_classes(model_path))
    from . import dynamic_profile

    profile = dynamic_profile.choose(model_path, args, paths)  # None: a static model
    if profile is not None and args.preprocess != "pillow":
        raise UsageError("--preprocess dvpp takes a static model (no dynamic profiles)")
    from ..video_input import Videos, is_video

    has_video = any(is_video(p) for p in paths)
    if profile is not None and has_video:
        raise UsageError("videos take a static model (no dynamic profiles)")
    if args.bad_input == "fatal" and profile is None:
        _check_inputs(model_path, paths)

    from .. import sample_run
    from ..session import Session

    _info(args, f"execute times = {args.execute_times}")
    _info(args, f"callback interval = {args.callback_interval}")
    _info(args, f"memory pool size = {args.pool_size}")
    if profile is not None:
        _info(args, profile.describe())
    with Session(device_id=device, config=args.config) as session:
        _info(args, "acl init success")
        _info(args, f"set device {device} success")
        _info(args, "create context success")
        _info(args, "create stream success")
        _info(args, f"get run mode success ({session.run_mode})")
        model = session.load_model(model_path)
        _info(args, f"load model {model_path} success")
        sample_run.check_model_io(model_path, model)
        check_labels(labels, labels_source, classes(model.outputs[0].shape))
        check_top(args.top, classes(model.outputs[0].shape))
        spec = sample_run.model_spec(model_path, model) if profile is None else profile.spec(model_path)
        from ..dvpp_preprocess import decoding, with_decoder

        try:
            spec = with_decoder(spec, args.preprocess)
        except ValueError as exc:
            raise UsageError(f"{model_path}: {exc}") from None
        handler = sample_run.ResultHandler(dynamic_profile.per_item(profile, _shower(args, labels)), dumper)
        _info(args, "init memory pool success")
        _info(args, "subscribe report success")
        start = time.perf_counter()
        if profile is not None:
            done = dynamic_profile.execute(profile, model, paths, spec, args.execute_times,
                                           args.pool_size, args.callback_interval, handler,
                                           bad_input=args.bad_input)  # fmt: skip
        else:
            with decoding(args.preprocess), Videos(args.frame_interval) as streams:
                done = sample_run.execute_paths(model, paths, spec, args.execute_times, args.pool_size,
                                                args.callback_interval, handler, bad_input=args.bad_input,
                                                decode_threads=args.decode_threads,
                                                expand=streams.frames if has_video else None)  # fmt: skip
        if dumper is not None:
            dumper.sync()  # the dump files were written without an fsync each
        elapsed = time.perf_counter() - start
        _info(args, "model execute success")
        _info(args, "unsubscribe report success")
    _info(args, "execute sample success")
    if not (args.quiet or args.json):
        rate = done / elapsed if elapsed > 0 else float("inf")
        print(f"[INFO]  {done} executions in {elapsed:.3f} s, {rate:.1f} executions/s")
    return 0
