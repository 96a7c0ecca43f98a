"""scripts/pyacl_async_sample.py (a pyACL program) end to end on the embedded model and pictures: its
top-5 lines equal a direct acl_async run (`acl-async N I P -nt 5 -q`) on the same inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("acl")

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pyacl_async_sample.py"


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(("times", "interval", "pool"), [(100, 1, 100), (20, 7, 20)])
def test_pyacl_sample_equals_direct_run(times, interval, pool):
    sample = _run(
        [
            sys.executable,
            str(SCRIPT),
            "--execute_times",
            str(times),
            "--callback_interval",
            str(interval),
            "--mem_pools",
            str(pool),
        ]
    )
    assert sample.returncode == 0, sample.stderr
    direct = _run([sys.executable, "-m", "acl_async", str(times), str(interval), str(pool), "-nt", "5", "-q"])
    assert direct.returncode == 0, direct.stderr
    lines = sample.stdout.splitlines()
    assert len(lines) == 5 * times  # the tail (20 = 2 x 7 + 6) is processed too
    assert lines == direct.stdout.splitlines()


def test_pyacl_sample_small_pool_and_no_callbacks():
    for interval, pool in ((5, 2), (0, 3)):
        r = _run(
            [
                sys.executable,
                str(SCRIPT),
                "--execute_times",
                "7",
                "--callback_interval",
                str(interval),
                "--mem_pools",
                str(pool),
                "--top",
                "1",
            ]
        )
        assert r.returncode == 0, r.stderr
        assert len(r.stdout.splitlines()) == 7


def test_pyacl_sample_bad_arguments_exit_2():
    r = _run([sys.executable, str(SCRIPT), "--execute_times", "0"])
    assert r.returncode == 2 and "must be >= 1" in r.stderr
    assert "Traceback" not in r.stderr
