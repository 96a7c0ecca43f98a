"""The configure-time compiler check (cmake/CheckCompiler.cmake): one line saying what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake on PATH")
def test_missing_compiler_says_what_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "CXX": str(tmp_path / "no-such-g++")}
    command = ["cmake", "-S", str(ROOT), "-B", str(tmp_path / "build"), "-DACL_ASYNC_BUILD_PYTHON=OFF"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert "acl-async: no CXX compiler found" in message and "apt-get install g++" in message, proc.stderr
