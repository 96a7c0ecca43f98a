#!/usr/bin/env python3
"""Writes the names of the functions CANN's public ACL headers declare, by header, to
src/acl_async/data/cann_functions.json (names only: facts, no header text), for
``python -m acl_async --coverage``.

The headers come from the torch-npu wheel (the same ones CI compiles against)::

    pip download --no-deps torch-npu==2.14.0 -d /tmp/w
    python scripts/gen_cann_function_list.py --wheel /tmp/w/torch_npu-*.whl
    python scripts/gen_cann_function_list.py --include-dir /path/holding/acl   # an extracted copy

Headers the wheel lacks (acl/ops/acl_dvpp.h: Ascend graphengine's public copy) are merged into the
existing list with ``--add-header``::

    python scripts/gen_cann_function_list.py \
        --add-header ops/acl_dvpp.h=<graphengine>/inc/external/acl/ops/acl_dvpp.h \
        --add-source "graphengine 608553b8 inc/external/acl/ops/acl_dvpp.h"
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "acl_async" / "data" / "cann_functions.json"
COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
DECL = re.compile(r"\bACL_FUNC_VISIBILITY\b[^;{}()]*?\b([A-Za-z_]\w*)\s*\(", re.S)
INCLUDE = re.compile(r'#\s*include\s*"(?:acl/)?([\w/]+\.h)"')


def read_headers(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """Header path relative to acl/ -> text, and a description of the source."""
    texts: dict[str, str] = {}
    if args.wheel:
        wheel = Path(args.wheel)
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                prefix = "torch_npu/include/acl/"
                if name.startswith(prefix) and name.endswith(".h"):
                    texts[name[len(prefix) :]] = z.read(name).decode("utf-8", "replace")
        return texts, f"{wheel.name}: torch_npu/include/acl"
    base = Path(args.include_dir)
    acl = base / "acl" if (base / "acl" / "acl.h").is_file() else base
    for path in sorted(acl.rglob("*.h")):
        texts[path.relative_to(acl).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return texts, "CANN ACL headers (torch-npu wheel)"


def functions(text: str) -> list[str]:
    return sorted(set(DECL.findall(COMMENTS.sub(" ", text))))


def closure(texts: dict[str, str], root: str) -> list[str]:
    """Headers reachable from root through #include "..." (root first)."""
    seen: list[str] = []
    todo = [root]
    while todo:
        h = todo.pop(0)
        if h in seen or h not in texts:
            continue
        seen.append(h)
        todo += [inc for inc in INCLUDE.findall(texts[h]) if inc in texts]
    return seen


def write(out: Path, data: dict) -> None:
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(out)


def merge(out: Path, specs: list[str], source: str | None) -> int:
    """Adds the functions of each NAME=PATH header to the existing list at `out`."""
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
        for spec in specs:
            name, _, path = spec.partition("=")
            if not name or not path:
                print(
                    f"gen_cann_function_list: error: --add-header wants NAME=PATH, got {spec!r}",
                    file=sys.stderr,
                )
                return 2
            data["headers"][name] = functions(Path(path).read_text(encoding="utf-8", errors="replace"))
            if source:
                data.setdefault("other sources", {})[name] = source
    except (OSError, ValueError, KeyError) as exc:
        print(f"gen_cann_function_list: error: {exc}", file=sys.stderr)
        return 1
    write(out, data)
    print(f"{out}: merged {', '.join(s.partition('=')[0] for s in specs)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--wheel", help="a torch_npu-*.whl holding torch_npu/include/acl/")
    src.add_argument("--include-dir", help="a directory holding acl/acl.h (or acl.h itself)")
    parser.add_argument("-o", "--output", default=str(OUTPUT), help="the JSON file to write")
    parser.add_argument(
        "--add-header",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="merge one header (NAME relative to acl/, e.g. ops/acl_dvpp.h) into the existing list",
    )
    parser.add_argument("--add-source", help="where the --add-header headers come from (recorded)")
    args = parser.parse_args(argv)
    if args.add_header:
        return merge(Path(args.output), args.add_header, args.add_source)
    if not (args.wheel or args.include_dir):
        parser.error("one of --wheel, --include-dir or --add-header is required")
    try:
        texts, source = read_headers(args)
    except (OSError, zipfile.BadZipFile) as exc:
        print(f"gen_cann_function_list: error: {exc}", file=sys.stderr)
        return 1
    if "acl.h" not in texts:
        print("gen_cann_function_list: error: no acl.h among the headers", file=sys.stderr)
        return 1
    headers = {h: functions(t) for h, t in sorted(texts.items())}
    headers = {h: names for h, names in headers.items() if names}
    data = {"source": source, "acl.h includes": closure(texts, "acl.h"), "headers": headers}
    out = Path(args.output)
    write(out, data)
    total = sum(len(v) for v in headers.values())
    print(f"{out}: {total} functions in {len(headers)} headers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
