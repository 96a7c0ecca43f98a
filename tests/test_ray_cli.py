"""``acl-async classify --ray`` flag checks that need no Ray cluster (and no Ray at all)."""

from __future__ import annotations

import sys

import pytest


def _cli(*args: str) -> int:
    from acl_async.cli import main

    return main(["classify", *args])


def test_without_ray_installed_one_line_with_the_install_command_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # ``import ray`` raises ImportError
    monkeypatch.setitem(sys.modules, "ray.data", None)
    assert _cli("-i", str(tmp_path), "--ray", "--output", str(tmp_path / "r.parquet")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("acl-async: error: Ray is not installed")
    assert err[0].endswith("pip install 'acl-async[ray]'")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--devices", "2"], "--devices needs --ray"),
        (["--batch-size", "8"], "--batch-size needs --ray"),
        (["--overwrite"], "--overwrite needs --output"),
        (["--format", "csv"], "--format needs --output"),
        (["--output", "shards/"], "without --ray the output is one local file"),
        (["--ray"], "--ray needs --output"),
        (["--ray", "--output", "r.parquet", "-d", "1"], "-d/--device does not apply with --ray"),
        (["--ray", "--output", "r.parquet", "--devices", "0"], "--devices must be >= 1"),
    ],
)
def test_ray_flags_checked_before_anything_runs(argv, message, capsys):
    assert _cli(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
