"""``acl-async model``: build, locate or list the embedded models (the same ONNX Ascend users feed to
``atc``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..fileio import as_path, check_file_writable, check_folder_writable
from .errors import UsageError
from .options import OneLineParser

__all__ = ["main"]


def _check_output(output: str) -> None:
    """``-o`` must be writable before the (slow) build: its folder is created, then probed."""
    try:
        check_folder_writable(as_path(output).parent)
        check_file_writable(output)
    except ValueError as exc:
        raise UsageError(f"-o: {exc}") from None


def main(argv: Sequence[str]) -> int:
    from .. import zoo

    parser = OneLineParser(prog="acl-async model", description="Build, locate or list the embedded models.")
    sub = parser.add_subparsers(dest="action", required=True)
    build = sub.add_parser("build", help="convert a model to ONNX")
    build.add_argument("name", choices=zoo.available_models())
    build.add_argument("-o", "--output", required=True, help="ONNX file to write (atomically)")
    path = sub.add_parser("path", help="print the cached model file, building it on first use")
    path.add_argument("name", nargs="?", default=zoo.DEFAULT_MODEL, choices=zoo.available_models())
    sub.add_parser("list", help="list the embedded models")
    args = parser.parse_args(list(argv))

    if args.action == "build":
        _check_output(args.output)
        print(zoo.build_model(args.name, args.output))
    elif args.action == "path":
        print(zoo.model_path(args.name))
    else:
        print("\n".join(zoo.available_models()))
    return 0
