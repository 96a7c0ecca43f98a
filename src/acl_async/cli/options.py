"""Options shared by the ``acl-async`` subcommands, defined once: the parser class that reports errors
in one line, integer and seconds types, and the model / device / config / input / labels / top options
with the lookups they need."""

from __future__ import annotations

import argparse
import difflib
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from .errors import UsageError

__all__ = [
    "OneLineParser",
    "add_config",
    "add_device",
    "add_inputs",
    "add_labels",
    "add_model",
    "add_top",
    "check_labels",
    "check_top",
    "classes",
    "collect_inputs",
    "config_file",
    "count",
    "file_classes",
    "load_labels",
    "positive_seconds",
    "resolve_device",
    "resolve_model",
]

MODEL_HELP = "ONNX / OpenVINO IR model (host runtime) or .om (NPU); default: the embedded EfficientNet-Lite0"


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` (one line, exit 2) instead of printing
    the usage and exiting."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def,override]
        # argparse hands an unknown option's value to the next positional ("argument EXECUTE_TIMES:
        # ... got 'TXT'" for `--outfmt TXT`) and reads `-hint` as `-h` + "int": name the option instead.
        commands = {name for action in self._actions if isinstance(action, argparse._SubParsersAction)
                    for name in action.choices}  # fmt: skip
        for token in [] if args is None else list(args):
            if token == "--" or token in commands:  # a subcommand's parser checks the rest
                break
            if self._unknown_option(token):
                close = difflib.get_close_matches(token.partition("=")[0], list(self._option_string_actions),
                                                  n=1, cutoff=0.7)  # fmt: skip
                hint = f"; did you mean {close[0]}?" if close else f" (see {self.prog} --help)"
                self.error(f"unknown option {token.partition('=')[0]}{hint}")
        return super().parse_known_args(args, namespace)

    def _unknown_option(self, token: str) -> bool:
        if not token.startswith("-") or token == "-" or self._negative_number_matcher.match(token):
            return False
        name = token.partition("=")[0] if token.startswith("--") else token
        if name in self._option_string_actions:
            return False
        # `-d0`: a short option with its value attached (only for options that take a value)
        action = self._option_string_actions.get(token[:2])
        return action is None or action.nargs == 0


def count(minimum: int, what: str) -> Callable[[str], int]:
    """An argparse ``type`` for an integer >= ``minimum`` (the sample's atoi took "abc" as 0)."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be >= {minimum}, got {value}")
        return value

    parse.__name__ = what
    return parse


def positive_seconds(text: str) -> float:
    """An argparse ``type`` for a finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


# -- options --------------------------------------------------------------------------------------


def add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--model", help=MODEL_HELP)


def add_device(p: argparse.ArgumentParser) -> None:
    p.add_argument("-d", "--device", type=count(0, "device id"), default=None,
                   help="device id (default $ASCEND_DEVICE_ID or 0)")  # fmt: skip


def config_file(text: str) -> str:
    """An argparse ``type`` for ``-c acl.json``: an existing file (checked before ACL is initialized)."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder, not an acl.json file")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"config file not found: {text}")
    return text


def add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--config", type=config_file, metavar="ACL_JSON", help="acl.json passed to aclInit")


def add_inputs(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("-i", "--input", nargs="+", action="extend", default=[], metavar="PATH", help=text)


def add_labels(p: argparse.ArgumentParser) -> None:
    p.add_argument("--labels", help="labels file, one per line, as many lines as the model has classes "
                   "(default: <model>.labels beside the model, else the labels the model names in its "
                   "metadata, e.g. ImageNet for the embedded model)")  # fmt: skip


def add_top(p: argparse.ArgumentParser, default: int) -> None:
    p.add_argument("-nt", "--top", type=count(1, "-nt"), default=default,
                   help=f"classes per result (default {default})")  # fmt: skip


def add_decode_threads(p: argparse.ArgumentParser, minimum: int = 1, extra: str = "") -> None:
    p.add_argument("--decode-threads", type=count(minimum, "--decode-threads"), default=None, metavar="N",
                   help="threads decoding and preprocessing the pictures while the model runs, in order "
                   f"(default: one per CPU core, at most 8){extra}")  # fmt: skip


def add_preprocess(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preprocess", choices=("pillow", "dvpp"), default="pillow",
                   help="who decodes and resizes the pictures: Pillow (default), or DVPP (JPEG decode + VPC "
                   "crop/resize on a stream, for a model with a YUV420SP AIPP input)")  # fmt: skip


# -- lookups --------------------------------------------------------------------------------------


def add_frame_interval(p: argparse.ArgumentParser) -> None:
    p.add_argument("--frame-interval", type=count(1, "--frame-interval"), default=1, metavar="N",
                   help="videos (-i clip.mp4/.h264/.h265, decoded by VDEC): classify every N-th frame "
                   "(default 1)")  # fmt: skip


def videos(paths: list[Path]) -> list[Path]:
    """``paths``, each video's header read (:func:`acl_async.video_input.check`; its frames are decoded
    during the run); UsageError (one line) for an unreadable one."""
    from .. import video_input

    try:
        return video_input.check(paths)
    except video_input.VideoError as exc:
        raise UsageError(str(exc)) from None


def collect_inputs(
    given: Sequence[str], default: Callable[[], list[Path]], suffixes: Sequence[str] = ()
) -> list[Path]:
    """``-i`` expanded (folders to their files with ``suffixes``, default: every input kind), else
    ``default()``; UsageError for a missing path or when nothing is left."""
    from .. import preprocess

    if not given:
        return default()
    wanted = suffixes or sorted(preprocess.INPUT_SUFFIXES)
    try:
        paths = preprocess.collect_inputs(given, wanted)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if not paths:
        kinds = "/".join(s.lstrip(".") for s in sorted(wanted))
        raise UsageError(f"no input files ({kinds}) in " + " ".join(given))
    return paths


def resolve_device(arg: int | None) -> int:
    """``-d/--device``, else ``$ASCEND_DEVICE_ID``, else 0."""
    if arg is not None:
        return arg
    env = os.environ.get("ASCEND_DEVICE_ID", "").strip()
    if not env:
        return 0
    if not env.isdigit():
        raise UsageError(f"ASCEND_DEVICE_ID must be a device number, got {env!r}")
    return int(env)


def resolve_model(arg: str | None) -> Path:
    """``-m/--model`` (must be a file), else the embedded default model (built on first use)."""
    if arg is None:
        from .. import zoo

        return zoo.default_model_path()
    path = Path(arg)
    if path.is_dir():
        raise UsageError(f"-m {path} is a folder; give the model file (.onnx, .xml, .om)")
    if not path.is_file():
        raise UsageError(f"model file not found: {path}")
    return path


def check_top(top: int, classes_: int | None) -> None:
    """UsageError when ``-nt`` asks for more classes than the model has (when it says how many)."""
    if classes_ is not None and top > classes_:
        raise UsageError(f"-nt {top}: the model has only {classes_} classes")


def classes(dims: Sequence[int]) -> int | None:
    """The number of classes of a classifier output ``[N, C]`` (or ``[C]``, ``[N, C, 1, 1]``); None when
    a dimension is dynamic."""
    dims = [int(d) for d in dims]
    if not dims or any(d <= 0 for d in dims):
        return None
    return dims[0] if len(dims) == 1 else math.prod(dims[1:])


def file_classes(model: Path) -> int | None:
    """The classes of the model's first output as its file says (ONNX), before it is loaded."""
    from .. import zoo

    try:
        outputs = zoo.read_model_outputs(model)
    except OSError:
        return None
    return classes(outputs[0].dims) if outputs else None


def check_labels(labels: Sequence[str] | None, source: str, count_: int | None) -> None:
    """UsageError when the labels do not name exactly the model's ``count_`` classes."""
    if labels is not None and count_ is not None and len(labels) != count_:
        raise UsageError(f"labels {source}: {len(labels)} lines, but the model has {count_} classes")


def load_labels(model: Path, explicit: str | None) -> tuple[list[str] | None, str]:
    """``--labels`` (or ``<model>.labels``, or the model's metadata) as a list, with where they came
    from; checked against the model file's classes when it tells them (UsageError)."""
    from ..labels import labels_beside_model, labels_for_model

    try:
        labels = labels_for_model(model, explicit)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    source = explicit or str(labels_beside_model(model) or "named in the model")
    check_labels(labels, source, file_classes(model))
    return labels, source
