"""Writing files safely: one helper for atomic writes and one for "can this be written?" checks.

:func:`write_atomic` writes through a temporary file in the target's folder, fsyncs it, gives it the
mode a plain ``open()`` would (``0o666`` minus the umask), renames it over the target and fsyncs the
folder: the target is whole or absent, also after a crash, a signal or a full disk, and no temporary
file is left behind. Errors name the target, never the temporary file. ``durable=False`` leaves out
the two fsyncs (for many small files written in a row, e.g. a run's output dump, where an fsync per
file costs more than the model): the target is still whole or absent after the process crashes or is
killed (the rename is atomic), not after a power loss until :func:`sync_folder` made the whole batch
durable with one call at the end.

:func:`check_file_writable` and :func:`check_folder_writable` prove, before a run, that a file can be
written at a path or into a folder, and raise ValueError with a one-line reason ("not writable",
"does not exist", "is a folder").
"""

from __future__ import annotations

import ctypes
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

__all__ = [
    "PathArg",
    "check_file_writable",
    "check_folder_writable",
    "current_umask",
    "sync_folder",
    "write_atomic",
]

#: A file system path as the OS takes it: str, bytes (any encoding) or os.PathLike.
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

TEMP_SUFFIX = ".tmp"


def as_path(path: PathArg) -> Path:
    """A Path for any path the OS accepts (bytes decoded with the file system encoding and
    surrogateescape, so non-UTF-8 names survive the round trip)."""
    return Path(os.fsdecode(path))


def current_umask() -> int:
    """The process umask (read from /proc when possible: setting it to read it is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder we cannot open for reading: the rename is done, durability best-effort
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def sync_folder(folder: PathArg) -> None:
    """Make the files written into ``folder`` (by ``write_atomic(..., durable=False)``) and their names
    durable: ``syncfs`` of its file system (``os.sync`` where there is no ``syncfs``), then an fsync of the
    folder. An OSError names ``folder``."""
    target = as_path(folder)
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, os.fspath(target)) from None
    try:
        if _syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), os.fspath(target))
    finally:
        os.close(fd)
    _fsync_folder(target)


def _syncfs(fd: int) -> int:
    """``syncfs(fd)`` (Linux); ``os.sync()`` and 0 where libc has none."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        os.sync()
        return 0
    fn.argtypes = [ctypes.c_int]
    return int(fn(fd))


def write_atomic(
    path: PathArg, data: bytes | memoryview | Callable[[BinaryIO], object], durable: bool = True
) -> Path:
    """Write ``data`` (bytes, a contiguous memoryview, or a function writing to a binary file) to
    ``path`` atomically (``durable``: fsynced, see the module's doc).

    The file is created with mode ``0o666 & ~umask`` like ``open()`` would (an existing file is
    replaced, not rewritten in place). On any exception, KeyboardInterrupt included, the temporary
    file is removed and the exception re-raised; an OSError names ``path``."""
    target = as_path(path)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, os.fspath(target)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                data(f)
            if durable:
                f.flush()
                os.fsync(f.fileno())
            os.fchmod(f.fileno(), 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.filename in (tmp, None):
            raise OSError(exc.errno, exc.strerror, os.fspath(target)) from None
        raise
    if durable:
        _fsync_folder(folder)
    return target


def _probe(folder: Path) -> None:
    """Create and remove a file in ``folder`` (OSError when that is not possible)."""
    fd, probe = tempfile.mkstemp(prefix=".acl-async-probe.", dir=folder)
    os.close(fd)
    os.unlink(probe)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_folder_writable(path: PathArg, create: bool = True) -> Path:
    """Prove files can be written into folder ``path`` (created with its parents when ``create``).
    ValueError, one line, otherwise: "<path>: not writable (<reason>)", "<path>: is not a folder",
    "<path>: folder does not exist"."""
    folder = as_path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder}: is not a folder")
    if not folder.exists():
        if not create:
            raise ValueError(f"{folder}: folder does not exist")
        existing = folder.parent
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise ValueError(f"{folder}: {existing} is not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = _reason(exc)
            raise ValueError(f"{folder}: not writable: cannot create it in {existing} ({reason})") from None
    try:
        _probe(folder)
    except OSError as exc:
        raise ValueError(f"{folder}: not writable ({_reason(exc)})") from None
    return folder


def check_file_writable(path: PathArg) -> Path:
    """Prove a file can be written (atomically) at ``path``: its folder exists and takes a new file,
    and ``path`` is not a folder. ValueError with a one-line reason otherwise."""
    target = as_path(path)
    if target.is_dir():
        raise ValueError(f"{target}: is a folder, not a file")
    parent = target.parent
    if not parent.is_dir():
        raise ValueError(f"{target}: folder {parent} does not exist")
    try:
        _probe(parent)
    except OSError as exc:
        raise ValueError(f"{target}: not writable: cannot write in {parent} ({_reason(exc)})") from None
    return target
