"""Every ``bash`` and ``python`` block of README.md runs as written.

The blocks run in README order, in one temporary folder that links the checkout's top-level entries
(so ``scripts/...`` resolves, and a later block may use what an earlier one made, as a reader following
the README from the checkout would), with this interpreter's ``python``, ``pip`` and
``acl-async`` first on PATH, a fresh model cache and no ``LD_LIBRARY_PATH``. A block preceded by
``<!-- readme-test: skip: <reason> -->`` needs what this machine cannot have; it is reported as skipped
with that reason. Blocks of any other language (``text``: output samples, usage) are documentation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
RUNNABLE = ("bash", "python")
SKIP = re.compile(r"^<!--\s*readme-test:\s*skip:\s*(.+?)\s*-->$")
FENCE = re.compile(r"^```(\S*)\s*$")


class Block(NamedTuple):
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    skip: str | None  # the reason, for a block marked as needing what this machine lacks


def read_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        start, language = i, match.group(1)
        end = start + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md:{start + 1}: code block never closed")
        marker = SKIP.match(lines[start - 1].strip()) if start > 0 else None
        blocks.append(Block(start + 1, language, "\n".join(lines[start + 1 : end]) + "\n",
                            marker.group(1) if marker else None))  # fmt: skip
        i = end + 1
    return blocks


BLOCKS = read_blocks(README.read_text(encoding="utf-8"))
RUN = [b for b in BLOCKS if b.language in RUNNABLE]


def test_every_block_says_its_language() -> None:
    """A block without a language would silently escape this test: each is bash, python or text."""
    assert BLOCKS, "no code blocks found in README.md"
    unlabelled = [b.line for b in BLOCKS if b.language not in (*RUNNABLE, "text")]
    assert unlabelled == [], f"README.md lines {unlabelled}: label the block bash, python or text"


def test_skip_markers_belong_to_runnable_blocks() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    marked = [n for n, line in enumerate(lines, 1) if line.strip().startswith("<!-- readme-test")]
    for n in marked:
        assert SKIP.match(lines[n - 1].strip()), f"README.md:{n}: write <!-- readme-test: skip: reason -->"
        assert n < len(lines) and FENCE.match(lines[n]) and lines[n] != "```text", f"README.md:{n}"


@pytest.fixture(scope="module")
def workdir(
    tmp_path_factory: pytest.TempPathFactory, cache_env: dict[str, str]
) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("readme")
    # Paths the README gives relative to the checkout (scripts/..., benchmarks/...) resolve; what the
    # blocks write lands in the temporary folder.
    for entry in README.parent.iterdir():
        if not entry.name.startswith(".") and entry.name not in ("build", "dist", "README.md"):
            (folder / entry.name).symlink_to(entry)
    env = dict(cache_env)
    env.pop("LD_LIBRARY_PATH", None)  # the README promises RUNPATHs that work without it
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONNOUSERSITE"] = "1"
    return folder, env


@pytest.mark.parametrize("block", RUN, ids=[f"line{b.line}-{b.language}" for b in RUN])
def test_block_runs_as_written(block: Block, workdir: tuple[Path, dict[str, str]]) -> None:
    if block.skip is not None:
        pytest.skip(f"README.md:{block.line}: {block.skip}")
    folder, env = workdir
    if block.language == "bash":
        command = ["bash", "-e", "-o", "pipefail", "-c", block.code]
    else:
        command = [sys.executable, "-c", block.code]
    proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"README.md:{block.line} failed:\n{block.code}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
