"""``acl-async model``: build, locate or list the embedded models (the same ONNX Ascend users feed to
``atc``), and show a converted ``.om`` (its metadata; ``--extract`` writes back the source model kept by
``atc --save_original_model=true``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..fileio import as_path, check_file_writable, check_folder_writable, write_atomic
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


def _show(path: str, extract: str | None) -> None:
    from ..atc.container import read_container

    try:
        c = read_container(path)
    except OSError as exc:
        raise UsageError(f"cannot read '{path}': {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for key, value in c.meta.items():
        print(f"{key}={value}")
    print(f"ir_bytes={len(c.xml)}")
    entries = [e for e in c.meta.get("original_model", "").split(";") if e]
    if extract is None:
        return
    if not entries:
        raise UsageError(f"'{path}' keeps no source model (convert with atc --save_original_model=true)")
    try:
        folder = check_folder_writable(extract)
    except ValueError as exc:
        raise UsageError(f"--extract: {exc}") from None
    for entry in entries:
        name, offset, size = entry.rsplit(":", 2)
        start, length = int(offset), int(size)
        if start + length > len(c.weights) or Path(name).is_absolute() or ".." in Path(name).parts:
            raise UsageError(f"'{path}': corrupt original_model entry '{entry}'")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, c.weights[start : start + length])
        print(f"extracted {target}")


def main(argv: Sequence[str]) -> int:
    from .. import zoo

    parser = OneLineParser(prog="acl-async model", description="Build, locate, list or show models.")
    sub = parser.add_subparsers(dest="action", required=True)
    build = sub.add_parser("build", help="convert a model to ONNX")
    build.add_argument("name", choices=zoo.available_models())
    build.add_argument("-o", "--output", required=True, help="ONNX file to write (atomically)")
    path = sub.add_parser("path", help="print the cached model file, building it on first use")
    path.add_argument("name", nargs="?", default=zoo.DEFAULT_MODEL, choices=zoo.available_models())
    sub.add_parser("list", help="list the embedded models")
    show = sub.add_parser("show", help="print a converted .om's metadata")
    show.add_argument("om", help="an .om written by acl-async atc")
    show.add_argument(
        "--extract", metavar="DIR", help="write the kept source model (atc --save_original_model)"
    )
    args = parser.parse_args(list(argv))

    if args.action == "build":
        _check_output(args.output)
        print(zoo.build_model(args.name, args.output))
    elif args.action == "path":
        print(zoo.model_path(args.name))
    elif args.action == "show":
        _show(args.om, args.extract)
    else:
        print("\n".join(zoo.available_models()))
    return 0
