"""The README's coverage table is the installed library's (``scripts/readme_coverage.py`` writes it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "readme_coverage.py"


def _script():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("readme_coverage", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_coverage_table_is_current() -> None:
    script = _script()
    text = script.README.read_text(encoding="utf-8")
    table = script.generated_table()
    assert "| **all headers** |" in table
    assert script.replace_table(text, table) == text, "stale: run python scripts/readme_coverage.py"


def test_a_stale_table_is_caught() -> None:
    script = _script()
    text = script.README.read_text(encoding="utf-8")
    stale = script.replace_table(text, "| header | declared | implemented | coverage |\n| x | 1 | 0 | 0% |")
    assert script.replace_table(stale, script.generated_table()) != stale
    with pytest.raises(ValueError, match="no"):
        script.replace_table("no markers here", "table")
