"""``python -m acl_async --coverage``: which functions CANN's public ACL headers declare that the
libraries of this build export, by header (each header's own library, as in CANN: ``acl/ops/acl_dvpp.h``
is ``libacl_dvpp.so``, the rest ``libascendcl.so``).

The declared names come from ``data/cann_functions.json`` (generated from the torch-npu wheel's
headers by ``scripts/gen_cann_function_list.py``: names only); the exported ones are looked up in the
library itself (``dlsym``), so the report describes the library that is installed.
"""

from __future__ import annotations

import argparse
import ctypes
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .sdk import SdkError, lib_dir

__all__ = ["HeaderCoverage", "coverage", "main"]


@dataclass(frozen=True)
class HeaderCoverage:
    """One CANN header: the functions it declares and those the library exports."""

    header: str
    declared: tuple[str, ...]
    exported: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        have = set(self.exported)
        return tuple(n for n in self.declared if n not in have)


def _declared() -> dict:
    text = resources.files(__package__).joinpath("data", "cann_functions.json").read_text(encoding="utf-8")
    return json.loads(text)


#: Headers whose functions CANN ships in a library of their own (looked up beside libascendcl.so;
#: a library that is not there exports nothing).
HEADER_LIBRARIES = {"ops/acl_dvpp.h": "libacl_dvpp.so"}


def _load(path: Path) -> ctypes.CDLL:
    try:
        # RTLD_LAZY: only the symbols are looked at; nothing of the runtime is started.
        return ctypes.CDLL(str(path), mode=ctypes.RTLD_LOCAL | 1)
    except OSError as exc:
        raise SdkError(f"cannot load {path}: {exc}") from exc


def coverage(library: Path | None = None) -> tuple[list[HeaderCoverage], list[str]]:
    """Per-header coverage of ``library`` (default: this build's libascendcl.so) and the libraries
    beside it (HEADER_LIBRARIES), and the headers ``acl/acl.h`` includes."""
    lib_path = library or lib_dir() / "libascendcl.so"
    if not lib_path.is_file():
        raise SdkError(f"{lib_path} does not exist")
    libs = {lib_path.name: _load(lib_path)}
    data = _declared()
    rows = []
    for header, names in data["headers"].items():
        own = HEADER_LIBRARIES.get(header)
        if own and own not in libs:
            own_path = lib_path.parent / own
            libs[own] = _load(own_path) if own_path.is_file() else None
        lib = libs[own] if own else libs[lib_path.name]
        exported = tuple(n for n in names if lib is not None and hasattr(lib, n))
        rows.append(HeaderCoverage(header, tuple(names), exported))
    return rows, list(data.get("acl.h includes", []))


def _table(rows: list[HeaderCoverage], acl_h: list[str]) -> str:
    lines = ["| header | declared | implemented | coverage |", "|---|---:|---:|---:|"]

    def line(name: str, declared: int, exported: int) -> str:
        pct = 100.0 * exported / declared if declared else 0.0
        return f"| {name} | {declared} | {exported} | {pct:.0f}% |"

    for r in rows:
        lines.append(line(f"`{r.header}`", len(r.declared), len(r.exported)))

    def total(name: str, part: list[HeaderCoverage]) -> str:
        return line(name, sum(len(r.declared) for r in part), sum(len(r.exported) for r in part))

    lines.append(total("**`acl/acl.h` and its includes**", [r for r in rows if r.header in acl_h]))
    lines.append(total("**all headers**", rows))
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Print the coverage table (Markdown); ``--missing`` also lists what is not implemented,
    ``--json`` prints everything as JSON. Exit 1 when the library cannot be inspected."""
    parser = argparse.ArgumentParser(
        prog="python -m acl_async --coverage", description="which CANN ACL functions libascendcl.so exports"
    )
    parser.add_argument("--missing", action="store_true", help="list the declared functions not implemented")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--library", type=Path, help="a libascendcl.so to inspect instead of this build's")
    args = parser.parse_args(list(argv))
    rows, acl_h = coverage(args.library)  # SdkError: acl_async.cli.main reports it (exit 1)
    if args.json:
        out = {}
        for r in rows:
            out[r.header] = {
                "declared": len(r.declared),
                "implemented": list(r.exported),
                "missing": list(r.missing),
            }
        print(json.dumps({"acl.h includes": acl_h, "headers": out}, indent=1))
        return 0
    print(_table(rows, acl_h))
    if args.missing:
        for r in rows:
            if r.missing:
                print(f"\n{r.header}: {len(r.missing)} not implemented")
                print("  " + " ".join(r.missing))
    return 0
