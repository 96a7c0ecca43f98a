#!/usr/bin/env python3
"""Convert pictures into raw model-input ``.bin`` files, like ``transferPic.py`` of Huawei's sample.

Each picture (folders are expanded: jpg, jpeg, png, bmp) becomes ``<name>.bin`` beside it, or in
``-o DIR``.  By default the sample's preprocessing is used: 256x256 resize (bicubic), 224 center crop,
BGR, minus 104/117/123, float16 NCHW, 301,056 bytes.  ``--model FILE`` takes it from an ONNX model's
``acl_async.preprocess`` metadata and input description instead; the other options override single
fields.

Exit status: 0 all converted, 1 some picture failed (one line each on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

try:
    from acl_async import preprocess
except ImportError:  # running from a source checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from acl_async import preprocess

PROG = "transfer_pic"


def _numbers(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 1 or 3 numbers, got {text!r}") from None
    if len(values) not in (1, 3):
        raise argparse.ArgumentTypeError(f"expected 1 or 3 numbers, got {text!r}")
    return values


def _size(text: str) -> int | tuple[int, int]:
    parts = text.lower().replace("x", ",").split(",")
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {text!r}") from None
    if len(values) not in (1, 2) or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected N or HxW with positive sizes, got {text!r}")
    return values[0] if len(values) == 1 else (values[0], values[1])


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Convert pictures into raw model-input .bin files (like the sample's transferPic.py).",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH", help="pictures or folders of pictures")
    p.add_argument("-o", "--output-dir", type=Path, metavar="DIR", help="write the .bin files here")
    p.add_argument("--model", type=Path, metavar="FILE", help="take the preprocessing from this ONNX model")
    p.add_argument("--size", type=_size, metavar="N|HxW", help="resize to this (default 256)")
    p.add_argument(
        "--resize-mode",
        choices=["exact", "shorter"],
        help="exact size, or scale the shorter side (default exact)",
    )
    p.add_argument("--crop", type=_size, metavar="N|HxW", help="center crop (default 224; 0 for none)")
    p.add_argument("--order", choices=["RGB", "BGR"], type=str.upper, help="channel order (default BGR)")
    p.add_argument("--mean", type=_numbers, metavar="M", help="1 or 3 numbers, per output channel")
    p.add_argument("--std", type=_numbers, metavar="S", help="1 or 3 numbers, per output channel")
    p.add_argument("--dtype", choices=["float16", "float32", "uint8"], help="element type (default float16)")
    p.add_argument("--layout", choices=["NCHW", "NHWC"], type=str.upper, help="default NCHW")
    p.add_argument(
        "--interpolation",
        choices=["nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"],
        help="resize filter (default bicubic)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    return p


def _spec(args: argparse.Namespace) -> preprocess.PreprocessSpec:
    if args.model is not None:
        from acl_async.zoo import model_preprocess_spec

        spec = model_preprocess_spec(args.model)
    else:
        spec = preprocess.SAMPLE_SPEC
    changes = {
        "resize": args.size,
        "resize_mode": args.resize_mode,
        "crop": args.crop,
        "channel_order": args.order,
        "mean": args.mean,
        "std": args.std,
        "dtype": args.dtype,
        "layout": args.layout,
        "interpolation": args.interpolation,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes.get("crop") == 0:
        changes["crop"] = None
    if changes.get("dtype") == "uint8":
        changes.setdefault("mean", 0.0)
        changes.setdefault("std", 1.0)
    return spec.replace(**changes) if changes else spec


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on bad usage
    if args.model is not None and not args.model.is_file():
        print(f"{PROG}: error: {args.model}: no such model file", file=sys.stderr)
        return 2
    try:
        spec = _spec(args)
        results = preprocess.transfer_pictures(args.inputs, spec, args.output_dir)
    except ValueError as exc:  # bad options, missing inputs, clashing outputs
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the output folder cannot be made
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    if not results:
        print(f"{PROG}: error: no pictures (jpg, jpeg, png, bmp) in {' '.join(args.inputs)}", file=sys.stderr)
        return 2
    failed = 0
    for r in results:
        if r.error is not None:
            failed += 1
            print(f"{PROG}: {r.source}: {r.error}", file=sys.stderr)
        elif not args.quiet:
            print(f"{r.source} -> {r.target}")
    if not args.quiet and failed < len(results):
        shape = "x".join(str(d) for d in spec.input_shape) if spec.input_shape else "variable size"
        done = len(results) - failed
        print(f"converted {done} of {len(results)} pictures ({spec.dtype} {shape} {spec.layout})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
