"""``acl-async model``: build the embedded models explicitly (the same ONNX Ascend users feed to ``atc``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .cli_util import OneLineParser


def main(argv: Sequence[str]) -> int:
    from . import zoo

    parser = OneLineParser(prog="acl-async model", description="Build or locate the embedded models.")
    sub = parser.add_subparsers(dest="action", required=True)
    build = sub.add_parser("build", help="convert a model to ONNX")
    build.add_argument("name", choices=zoo.available_models())
    build.add_argument("-o", "--output", required=True, help="ONNX file to write (atomically)")
    path = sub.add_parser("path", help="print the cached model file, building it on first use")
    path.add_argument("name", nargs="?", default=zoo.DEFAULT_MODEL, choices=zoo.available_models())
    sub.add_parser("list", help="list the embedded models")
    args: argparse.Namespace = parser.parse_args(list(argv))

    try:
        if args.action == "build":
            print(zoo.build_model(args.name, args.output))
        elif args.action == "path":
            print(zoo.model_path(args.name))
        else:
            print("\n".join(zoo.available_models()))
    except (OSError, ValueError) as exc:
        print(f"acl-async: error: {exc}", file=sys.stderr)
        return 1
    return 0
