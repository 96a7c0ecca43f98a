"""The output dump's files are written atomically without an fsync each, and made durable by one sync at
the end of the run (an fsync per file cost more than EfficientNet-Lite0's inference: issue 24)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from acl_async import dump, fileio
from acl_async.dump import OutputDumper
from acl_async.fileio import sync_folder, write_atomic


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every fsync ("file"/"folder") and syncfs ("fs") made by fileio."""
    calls: list[str] = []
    real_fsync, real_syncfs = os.fsync, fileio._syncfs

    def fsync(fd: int) -> None:
        calls.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def syncfs(fd: int) -> int:
        calls.append("fs")
        return real_syncfs(fd)

    monkeypatch.setattr(fileio.os, "fsync", fsync)
    monkeypatch.setattr(fileio, "_syncfs", syncfs)
    return calls


def test_write_atomic_not_durable_skips_both_fsyncs(tmp_path: Path, syncs: list[str]) -> None:
    write_atomic(tmp_path / "f", memoryview(b"abc"), durable=False)
    assert (tmp_path / "f").read_bytes() == b"abc"
    assert syncs == []
    assert [p.name for p in tmp_path.iterdir()] == ["f"]  # no temporary file left


def test_sync_folder_syncs_the_file_system_then_the_folder(tmp_path: Path, syncs: list[str]) -> None:
    sync_folder(tmp_path)
    assert syncs == ["fs", "folder"]


def test_sync_folder_error_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        sync_folder(tmp_path / "missing")
    assert info.value.filename == str(tmp_path / "missing")


def test_sync_folder_reports_a_failed_syncfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "_syncfs", lambda fd: -1)
    monkeypatch.setattr(fileio.ctypes, "get_errno", lambda: 28)
    with pytest.raises(OSError) as info:
        sync_folder(tmp_path)
    assert info.value.errno == 28 and info.value.filename == str(tmp_path)


@pytest.mark.parametrize("fmt", dump.DUMP_FORMATS)
def test_dumper_writes_without_fsync_and_syncs_once(tmp_path: Path, syncs: list[str], fmt: str) -> None:
    dumper = OutputDumper(tmp_path / "out", fmt)
    dumper.prepare()
    syncs.clear()
    # a view of a bigger buffer, as the zero-copy callback outputs are
    block = np.arange(12, dtype=np.float32).reshape(2, 6)
    outputs = [block[0], np.array([7, 8], dtype=np.int64)]
    for n in (1, 2, 3):
        dumper.write(n, outputs)
    assert syncs == []
    dumper.sync()
    assert syncs == ["fs", "folder"]
    assert dumper.written == 6
    first = dumper.path(3, 0)
    if fmt == "bin":
        assert np.array_equal(np.fromfile(first, dtype=np.float32), block[0])
        assert dumper.path(3, 1).read_bytes() == outputs[1].tobytes()
    elif fmt == "npy":
        assert np.array_equal(np.load(first), block[0])
    else:
        assert np.array_equal(np.loadtxt(first, dtype=np.float32), block[0])


def test_dumper_sync_without_files_does_nothing(tmp_path: Path, syncs: list[str]) -> None:
    OutputDumper(tmp_path / "never").sync()
    assert syncs == []


def test_sample_run_syncs_its_dump_once_after_the_last_write(
    tmp_path: Path, default_model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acl_async.cli import main

    events: list[str] = []
    real_write, real_sync = OutputDumper.write, OutputDumper.sync

    def write(self: OutputDumper, execution: int, outputs: list[np.ndarray]) -> None:
        events.append("write")
        real_write(self, execution, outputs)

    def sync(self: OutputDumper) -> None:
        events.append("sync")
        real_sync(self)

    monkeypatch.setattr(OutputDumper, "write", write)
    monkeypatch.setattr(OutputDumper, "sync", sync)
    out = tmp_path / "out"
    assert main(["5", "1", "2", "-m", default_model, "--dump", str(out), "-q"]) == 0
    assert events == ["write"] * 5 + ["sync"]
    assert len(list(out.glob("output*_0.bin"))) == 5
