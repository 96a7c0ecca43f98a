"""acl_async.fileio: the one atomic writer and the writability checks every command uses."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from acl_async import fileio
from acl_async.fileio import check_file_writable, check_folder_writable, write_atomic


def test_write_atomic_writes_bytes_and_callables(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a.bin", b"abc") == tmp_path / "a.bin"
    assert (tmp_path / "a.bin").read_bytes() == b"abc"
    write_atomic(tmp_path / "a.bin", lambda f: f.write(b"xyz"))  # replaces
    assert (tmp_path / "a.bin").read_bytes() == b"xyz"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_write_atomic_honours_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "f", b"x")
        with open(tmp_path / "plain", "wb"):
            pass
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "f").stat().st_mode)
    assert mode == 0o666 & ~umask
    assert mode == stat.S_IMODE((tmp_path / "plain").stat().st_mode)  # what open() gives


def test_write_atomic_fsyncs_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(fileio.os, "fsync", fsync)
    write_atomic(tmp_path / "f", b"x")
    assert synced == [False, True]  # the file, then its folder (after the rename)


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_write_atomic_keeps_old_file_and_leaves_no_temp_on_failure(
    tmp_path: Path, failure: BaseException
) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")

    def boom(f: object) -> None:
        raise failure

    with pytest.raises(type(failure)):
        write_atomic(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_write_atomic_errors_name_the_target_not_the_temp_file(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        write_atomic(tmp_path / "missing" / "x.onnx", b"x")
    assert info.value.filename == str(tmp_path / "missing" / "x.onnx")
    assert ".tmp" not in str(info.value)


def test_write_atomic_enospc_names_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_atomic(tmp_path / "out.bin", b"x")
    assert info.value.filename == str(tmp_path / "out.bin")
    assert list(tmp_path.iterdir()) == []


def test_check_file_writable(tmp_path: Path) -> None:
    assert check_file_writable(tmp_path / "ok.json") == tmp_path / "ok.json"
    with pytest.raises(ValueError, match="does not exist"):
        check_file_writable(tmp_path / "missing" / "r.json")
    with pytest.raises(ValueError, match="is a folder"):
        check_file_writable(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="does not exist"):
        check_file_writable(tmp_path / "file" / "r.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # the probe is gone


def test_check_folder_writable_creates_and_probes(tmp_path: Path) -> None:
    assert check_folder_writable(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir() and list((tmp_path / "a" / "b").iterdir()) == []
    with pytest.raises(ValueError, match="folder does not exist"):
        check_folder_writable(tmp_path / "c", create=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is not a folder"):
        check_folder_writable(tmp_path / "file")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_proc_is_not_writable_rather_than_missing() -> None:
    with pytest.raises(ValueError, match="not writable") as info:
        check_folder_writable("/proc/acl-async-cannot-write")
    assert "does not exist" not in str(info.value)
    with pytest.raises(ValueError, match="not writable"):
        check_folder_writable("/proc")
    with pytest.raises(ValueError, match="not writable"):
        check_file_writable("/proc/x.onnx")


def test_paths_may_be_bytes_and_non_utf8(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.bin"  # latin-1, not valid UTF-8
    write_atomic(name, b"x")
    assert open(name, "rb").read() == b"x"
    assert check_file_writable(name) == Path(os.fsdecode(name))
