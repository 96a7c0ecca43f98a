"""The driver's options for dynamic models (``--dym-batch`` ...): argparse only, so building the parser
(``acl-async --help``) imports nothing heavy; ``dynamic_profile`` reads the model and runs it."""

from __future__ import annotations

import argparse

__all__ = ["OPTIONS", "add_options"]

#: The option of each kind of profile (and the msame/ais_bench spelling, an alias).
OPTIONS = {
    "batch": ("--dym-batch", "--dymBatch"),
    "hw": ("--dym-hw", "--dymHW"),
    "dims": ("--dym-dims", "--dymDims"),
    "range": ("--dym-shape", "--dymShape"),
}
_DEST = {kind: flags[0].lstrip("-").replace("-", "_") for kind, flags in OPTIONS.items()}


def add_options(p: argparse.ArgumentParser) -> None:
    """The four profile options, in their own group of the driver's help."""
    g = p.add_argument_group(
        "dynamic models (acl-async atc --dynamic_batch_size / _image_size / _dims / "
        "--input_shape_range); default: the profile of the tensor files' size, else "
        "the largest"
    )
    g.add_argument(*OPTIONS["batch"], dest=_DEST["batch"], metavar="N", help="batch profile N")
    g.add_argument(*OPTIONS["hw"], dest=_DEST["hw"], metavar="H,W", help="image size profile H,W")
    g.add_argument(
        *OPTIONS["dims"],
        dest=_DEST["dims"],
        metavar="NAME:D0,D1,...;...",
        help="dims profile: the full dims of every dynamic input",
    )
    g.add_argument(
        *OPTIONS["range"],
        dest=_DEST["range"],
        metavar="NAME:D0,D1,...;...",
        help="the input shape of a model with shape ranges",
    )
