"""``acl-async classify --ray``: the same classification as a Ray Data pipeline over a cluster.

    acl-async classify -i INPUTS -m MODEL --ray [auto|local|ADDRESS] --output results.parquet [--devices N]

The work is :func:`acl_async.ray.classify_dataset`; this module adds the flags, maps the library's
errors to exit statuses (Ray missing, an existing output, more devices than the cluster has: usage, 2;
an unreachable cluster or a model the devices cannot load: runtime, 1) and prints the summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UsageError
from .options import count

__all__ = ["add_ray_options", "check_ray_options", "run_ray"]

RAY_ONLY = ("devices", "batch_size")
#: Flags that only make sense with --output.
OUTPUT_ONLY = ("overwrite", "output_format")


def add_ray_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Ray (pip install 'acl-async[ray]')")
    g.add_argument(
        "--ray",
        nargs="?",
        const="auto",
        metavar="ADDRESS",
        help="classify on a Ray cluster: 'auto' (the default: the cluster this machine belongs to, "
        "else a new local one), 'local' (a new local one) or a cluster address host:port / "
        "ray://host:port",
    )
    g.add_argument(
        "--output",
        metavar="PATH",
        help="write the results to PATH, one file (Parquet, or JSON lines / CSV for .jsonl / .csv); "
        "with --ray, unreadable pictures go to PATH's stem + .errors + suffix, and a PATH ending in / "
        "or a URI (s3://...) is a folder of shards",
    )
    g.add_argument(
        "--format",
        dest="output_format",
        choices=("parquet", "jsonl", "csv"),
        help="--output's format (default: from its suffix, else Parquet)",
    )
    g.add_argument(
        "--devices",
        type=count(1, "--devices"),
        help="with --ray: actors, one per device (default: every NPU of the cluster, else one "
        "host-runtime actor per node)",
    )
    g.add_argument(
        "--batch-size",
        type=count(1, "--batch-size"),
        help="with --ray: pictures per Ray Data batch (default 256)",
    )
    g.add_argument("--overwrite", action="store_true", help="replace an existing --output")


def check_ray_options(args: argparse.Namespace) -> None:
    """Ray-only flags need ``--ray``; ``--ray`` needs ``--output`` and takes no ``-d``; ``--overwrite``
    and ``--format`` need ``--output``."""
    if args.output is None:
        given = [name for name in OUTPUT_ONLY if getattr(args, name) not in (None, False)]
        if given and args.ray is None:
            flag = "--" + given[0].replace("output_format", "format")
            raise UsageError(f"{flag} needs --output")
    if args.ray is None:
        given = [name for name in RAY_ONLY if getattr(args, name) not in (None, False)]
        if given:
            flag = "--" + given[0].replace("output_format", "format").replace("_", "-")
            raise UsageError(f"{flag} needs --ray")
        return
    if not args.output:
        raise UsageError("--ray needs --output PATH (where the results go)")
    if args.device is not None:
        raise UsageError("-d/--device does not apply with --ray: Ray assigns the devices (see --devices)")


def run_ray(args: argparse.Namespace, model: Path, inputs: list[str], labels: str | None) -> int:
    from ..preprocess import InputFileError
    from ..ray import classify_dataset
    from ..ray.errors import OutputExistsError, RayNotInstalledError, ResourceError

    kwargs = {} if args.batch_size is None else {"batch_size": args.batch_size}
    try:
        summary = classify_dataset(
            inputs,
            model,
            output=args.output,
            top_k=args.top,
            devices=args.devices,
            address=args.ray,
            labels=labels,
            output_format=args.output_format,
            overwrite=args.overwrite,
            config=args.config,
            progress=True,
            **kwargs,
        )
    except (RayNotInstalledError, OutputExistsError, ResourceError, InputFileError) as exc:
        raise UsageError(str(exc)) from None
    print(summary.format())
    return 0
