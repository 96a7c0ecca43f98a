"""``acl-async classify``: OpenVINO's ``classification_sample_async`` on AscendCL.

    acl-async classify -m MODEL -i FILES_OR_FOLDER [-nt 10] [--labels FILE] [--output results.parquet]
    acl-async classify -m MODEL -i INPUTS --ray [ADDRESS] --output results.parquet [--devices N]

With ``--output`` the results go to one file (Parquet, JSON lines or CSV, the Ray pipeline's columns
and writer) instead of the sample's table.  With ``--ray`` the pictures are classified by a Ray Data
pipeline over a cluster (see :mod:`acl_async.cli.classify_ray`).

The work is in :mod:`acl_async.classify`; this module parses, checks the input before the device is
touched, and prints the sample's table.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..model_io import BatchError
from .classify_ray import add_ray_options, check_ray_options, run_ray
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
    collect_inputs,
    load_labels,
    resolve_device,
    resolve_model,
    videos,
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
    add_inputs(p, "pictures, videos (mp4/h264/h265) or folders of pictures (default: the shipped pictures)")
    add_top(p, 10)
    add_labels(p)
    add_decode_threads(p)
    add_preprocess(p)
    add_frame_interval(p)
    add_ray_options(p)
    return p


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    check_ray_options(args)
    if args.ray is not None:
        if args.preprocess != "pillow":
            raise UsageError("--preprocess dvpp classifies on this host, not with --ray")
        return _main_ray(args)
    from .. import preprocess, zoo
    from ..classify import classify, format_table
    from ..session import Session

    device = resolve_device(args.device)
    out = _output(args)
    model = resolve_model(args.model)
    pictures = collect_inputs(args.input, zoo.default_pictures, sorted(preprocess.PICTURE_SUFFIXES))
    pictures = videos(pictures)
    labels, _ = load_labels(model, args.labels)
    from ..video_input import Videos, is_video

    has_video = any(is_video(p) for p in pictures)
    try:
        # A video's frames are decoded while the model runs (results name them clip.mp4#frame=12).
        with Session(device_id=device, config=args.config) as session, Videos(args.frame_interval) as streams:
            results, batch = classify(session, model, pictures, args.top, labels,
                                      decode_threads=args.decode_threads, decoder=args.preprocess,
                                      expand=streams.frames if has_video else None)  # fmt: skip
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"[ INFO ] Batch size is {batch}")
    if out is not None:
        from ..classify import results_table
        from ..ray.output import write_output

        write_output(results_table(results), out.path, out.format, out.overwrite)
        print(f"[ INFO ] {len(results)} results written to {out.path}")
        return 0
    top = max((len(r.classes) for r in results), default=args.top)
    print(format_table(results, top, labels is not None))
    return 0


def _output(args: argparse.Namespace):  # noqa: ANN202 - an OutputSpec, imported lazily
    """``--output``, checked before the device is touched: pyarrow there, a local path, an existing
    output refused unless ``--overwrite``."""
    if args.output is None:
        return None
    from ..ray.errors import OutputExistsError
    from ..ray.output import OutputSpec, is_folder_output

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise UsageError("--output needs pyarrow: pip install pyarrow (or 'acl-async[ray]')") from None
    if is_folder_output(args.output):
        raise UsageError(f"--output {args.output}: without --ray the output is one local file")
    try:
        out = OutputSpec.make(args.output, fmt=args.output_format, overwrite=args.overwrite)
        out.check()
    except OutputExistsError as exc:
        raise UsageError(str(exc)) from None
    return out


def _main_ray(args: argparse.Namespace) -> int:
    from .. import zoo
    from ..ray.cluster import check_installed
    from ..ray.errors import RayNotInstalledError

    try:
        check_installed()  # before anything else: without Ray nothing below can run
    except RayNotInstalledError as exc:
        raise UsageError(str(exc)) from None
    model = resolve_model(args.model)
    inputs = list(args.input) if args.input else [str(p) for p in zoo.default_pictures()]
    return run_ray(args, model, inputs, args.labels)
