"""Helpers shared by test files (import them: ``from helpers import ...``; never copy them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
def interrupt_when_called(name: str) -> Iterator[None]:
    """Send SIGINT to this process once this (main) thread calls the function ``name`` (a Python
    function or a C method): the gate is the call itself, seen by a profile hook, not a delay."""
    inside, done = threading.Event(), threading.Event()

    def hook(frame: Any, event: str, arg: Any) -> None:
        if (event == "c_call" and getattr(arg, "__name__", "") == name) or (
            event == "call" and frame.f_code.co_name == name
        ):
            inside.set()

    def send() -> None:
        while not done.is_set():
            if inside.wait(0.05):  # wakes up to notice `done`; not a synchronisation delay
                os.kill(os.getpid(), signal.SIGINT)
                return

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(None)
        done.set()
        sender.join(TIMEOUT)


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
