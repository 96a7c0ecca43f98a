#!/usr/bin/env python3
"""Wraps every exported ``acl*`` function defined in csrc/host/src/*.cpp in the host runtime's
exception guard (``ACL_API_TRY { ... } ACL_API_CATCH``, csrc/host/src/detail/error.h), leaving
the bodies as they are. Idempotent: definitions that already have the guard are skipped.
tests/test_runtime_reliability.py fails for any exported function without it; run this after
adding entry points::

    python scripts/add_api_guard.py [csrc/host/src]

A definition starts at column 0 with its return type and ends with a line that is only ``}``
(the house style); one-line definitions are handled too. Macro-generated functions need the
guard written into the macro by hand.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

log = logging.getLogger("add_api_guard")

_START = re.compile(
    r'^(?:extern "C" )?(?:__attribute__\(\(visibility\("default"\)\)\) )?([A-Za-z_][\w\s*:<>]*?)\b(acl\w+)\('
)


def guard(text: str) -> tuple[str, int]:
    """The text with every unguarded definition guarded, and how many were changed."""
    lines = text.split("\n")
    out: list[str] = []
    changed = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _START.match(line)
        if not m or line.rstrip().endswith(";") or "ACL_API_TRY" in line:
            out.append(line)
            i += 1
            continue
        ret = m.group(1).strip()
        catch = "ACL_API_CATCH_VOID" if ret.endswith("void") and "*" not in ret else "ACL_API_CATCH"
        j = i
        while not lines[j].rstrip().endswith(("{", "}", ";")):
            j += 1
        last = lines[j].rstrip()
        if last.endswith(";") or "ACL_API_TRY" in last:  # a declaration, or already guarded
            out.extend(lines[i : j + 1])
            i = j + 1
            continue
        if last.endswith("}") and ") {" in last:  # one line
            k = last.index(") {")
            out.extend(lines[i:j])
            out.append(f"{last[: k + 1]} ACL_API_TRY{last[k + 1 :]} {catch}")
            i, changed = j + 1, changed + 1
            continue
        if not last.endswith("{"):
            out.append(line)
            i += 1
            continue
        out.extend(lines[i:j])
        out.append(last[:-1] + "ACL_API_TRY {")
        k = j + 1
        while k < len(lines) and lines[k] != "}":
            k += 1
        if k == len(lines):
            raise ValueError(f"no closing '}}' at column 0 for {m.group(2)}")
        out.extend(lines[j + 1 : k])
        out.append("} " + catch)
        i, changed = k + 1, changed + 1
    return "\n".join(out), changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="csrc/host/src", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in sorted(args.folder.glob("*.cpp")):
        try:
            text, n = guard(path.read_text())
        except ValueError as exc:
            log.error("%s: %s", path, exc)
            return 1
        if n:
            path.write_text(text)
            log.info("%s: %d definition(s) guarded", path, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
