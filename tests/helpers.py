"""Helpers shared by test files (import them: ``from helpers import ...``; never copy them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

TIMEOUT = 120


def call_in_thread_and_release(
    call: Callable[[], object], c_function: str, release: Callable[[], None]
) -> None:
    """Prove a blocking C call releases the GIL, without timing anything.

    ``call`` runs in a new thread; when that thread calls the C function named ``c_function`` (a gate:
    a profile hook sees the call start), this thread runs ``release`` -- Python code, so it can only run
    if the waiting thread let go of the GIL -- and ``release`` must make the wait return. If the wait held
    the GIL, ``release`` would never run and ``call`` would fail with its own timeout."""
    inside = threading.Event()
    outcome: list[BaseException | None] = []

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == c_function:
            inside.set()

    def target() -> None:
        sys.setprofile(hook)
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - reported in the calling thread
            outcome.append(exc)
        finally:
            sys.setprofile(None)

    thread = threading.Thread(target=target)
    thread.start()
    assert inside.wait(TIMEOUT), f"{c_function} was never called"
    release()
    thread.join(TIMEOUT)
    assert not thread.is_alive() and outcome == [None], outcome


@contextmanager
def when_called(name: str, action: Callable[[], object]) -> Iterator[None]:
    """Run ``action`` (on a helper thread) once this thread calls the function ``name`` (a Python
    function or a C method): the gate is the call itself, seen by a profile hook, not a delay."""
    inside, done = threading.Event(), threading.Event()

    def hook(frame: Any, event: str, arg: Any) -> None:
        if (event == "c_call" and getattr(arg, "__name__", "") == name) or (
            event == "call" and frame.f_code.co_name == name
        ):
            inside.set()

    def run() -> None:
        while not done.is_set():
            if inside.wait(0.05):  # wakes up to notice `done`; not a synchronisation delay
                action()
                return

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(None)
        done.set()
        runner.join(TIMEOUT)


def interrupt_when_called(name: str) -> AbstractContextManager[None]:
    """Send SIGINT to this process once this (main) thread calls the function ``name``."""
    return when_called(name, lambda: os.kill(os.getpid(), signal.SIGINT))


def run_cli(
    env: dict[str, str], *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m acl_async ARGS`` (the ``acl-async`` command) in a fresh process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "acl_async", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- how files appear in a folder (inotify) -------------------------------------------------------

IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x2, 0x8, 0x80, 0x100


class FolderEvents:
    """Records how files appear in ``folder`` (Linux inotify, through libc): ``events()`` gives
    ``(name, mask)`` for every create, write, close-after-write and rename-into, in order.

    The check of atomic writes that no timing can fool: a file written in place is *created* and
    *modified* under its final name; one written atomically only ever *arrives* there by a rename."""

    def __init__(self, folder: Path) -> None:
        import ctypes
        import ctypes.util

        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        mask = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
        if self._libc.inotify_add_watch(self._fd, os.fsencode(folder), mask) < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch", str(folder))
        self._seen: list[tuple[str, int]] = []

    def events(self) -> list[tuple[str, int]]:
        import struct

        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return list(self._seen)
            pos = 0
            while pos < len(data):
                _, mask, _, size = struct.unpack_from("iIII", data, pos)
                name = data[pos + 16 : pos + 16 + size].rstrip(b"\0").decode(errors="surrogateescape")
                self._seen.append((name, mask))
                pos += 16 + size

    def written_in_place(self, prefix: str) -> list[str]:
        """Names starting with ``prefix`` that were created or written under that name."""
        return sorted({n for n, m in self.events() if n.startswith(prefix) and m & (IN_CREATE | IN_MODIFY)})

    def renamed_in(self, prefix: str) -> list[str]:
        return sorted({n for n, m in self.events() if n.startswith(prefix) and m & IN_MOVED_TO})

    def close(self) -> None:
        os.close(self._fd)
