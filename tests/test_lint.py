"""The Python sources stay ruff-clean (rules in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the [test] extra")
def test_ruff_clean() -> None:
    paths = [str(ROOT / p) for p in ("src", "tests", "scripts", "benchmarks", "csrc") if (ROOT / p).exists()]
    proc = subprocess.run(["ruff", "check", "--no-cache", *paths], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
