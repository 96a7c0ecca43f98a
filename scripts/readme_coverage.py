"""The README's table of CANN API coverage, generated from the installed library.

    python scripts/readme_coverage.py            # rewrite the table in README.md
    python scripts/readme_coverage.py --check    # exit 1 when README.md's table is stale

The table is the output of ``python -m acl_async --coverage`` (the installed ``libascendcl.so``
against the names CANN's headers declare), between the two ``readme-coverage`` markers.
``tests/test_readme_coverage.py`` runs the check, so a runtime that gains a function fails the tests
until the README says so.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN = "<!-- readme-coverage: begin (scripts/readme_coverage.py writes this table) -->"
END = "<!-- readme-coverage: end -->"


def generated_table() -> str:
    out = subprocess.run([sys.executable, "-m", "acl_async", "--coverage"], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return out.stdout.strip()


def replace_table(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``; ValueError without markers."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {BEGIN!r} ... {END!r} block")
    return text[: start + len(BEGIN)] + "\n" + table + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when the table is stale")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    updated = replace_table(text, generated_table())
    if args.check:
        if updated != text:
            print("README.md: stale coverage table; run python scripts/readme_coverage.py", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        README.write_text(updated, encoding="utf-8")
        print("README.md: coverage table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
