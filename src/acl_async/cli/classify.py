"""``acl-async classify``: OpenVINO's ``classification_sample_async`` on AscendCL.

    acl-async classify -m MODEL -i FILES_OR_FOLDER [-nt 10] [--labels FILE]

The work is in :mod:`acl_async.classify`; this module parses, checks the input before the device is
touched, and prints the sample's table.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .errors import UsageError
from .options import (
    OneLineParser,
    add_config,
    add_device,
    add_inputs,
    add_labels,
    add_model,
    add_top,
    resolve_device,
    resolve_model,
)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="acl-async classify",
        description="Classify pictures (OpenVINO classification_sample_async parity).",
    )
    add_model(p)
    add_device(p)
    add_config(p)
    add_inputs(p, "pictures or folders of pictures (default: the shipped pictures)")
    add_top(p, 10)
    add_labels(p)
    return p


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    from .. import preprocess, zoo
    from ..bench.run import BatchError
    from ..classify import classify, format_table
    from ..labels import labels_for_model
    from ..session import Session

    device = resolve_device(args.device)
    model = resolve_model(args.model)
    try:
        pictures = (preprocess.collect_inputs(args.input, preprocess.PICTURE_SUFFIXES) if args.input
                    else zoo.default_pictures())  # fmt: skip
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if not pictures:
        raise UsageError("no pictures (jpg/jpeg/png/bmp) in " + " ".join(args.input))
    try:
        labels = labels_for_model(model, args.labels)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        with Session(device_id=device, config=args.config) as session:
            results, batch = classify(session, model, pictures, args.top, labels)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"[ INFO ] Batch size is {batch}")
    top = max((len(r.classes) for r in results), default=args.top)
    print(format_table(results, top, labels is not None))
    return 0
