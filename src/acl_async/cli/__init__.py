"""The ``acl-async`` command: Huawei's sample run by default, plus subcommands.

    acl-async [EXECUTE_TIMES [CALLBACK_INTERVAL [POOL_SIZE]]] [-m MODEL] [-i INPUT ...] ...
    acl-async {bench,classify,model} ...
    acl-async {--ddk-path | --includedir | --libdir | --stubdir | --cmakedir | --env | --coverage}

:func:`main` is the only place that reports an error and picks the exit status:

====  =========================================================================================
0     success
1     a failure while running (ACL error, unreadable file, failed write, bad model)
2     bad command-line input (:class:`UsageError`) or a limit that cannot be met (``LimitError``)
130   interrupted (SIGINT, Ctrl-C)
141   stdout closed early (``acl-async --json | head``): quiet, like a tool killed by SIGPIPE
143   terminated (SIGTERM): cleaned up like on Ctrl-C
====  =========================================================================================

Errors are one line on stderr, ``acl-async: error: <what>``, never a traceback.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .commands import COMMANDS, DEFAULT, HIDDEN
from .errors import Terminated, UsageError

__all__ = ["PROG", "Terminated", "UsageError", "describe_error", "main"]

PROG = "acl-async"

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # 141
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


def _sdk_flags() -> frozenset[str]:
    from ..sdk import SDK_COMMANDS

    return SDK_COMMANDS


def _pick(args: list[str]) -> tuple[str, list[str]]:
    """The subcommand and its arguments. A first argument close to a subcommand name (``acl-async
    benchmark``) is a mistyped subcommand; anything else (numbers, options) goes to the default run,
    whose parser reports what is wrong with it."""
    if args and args[0] in COMMANDS:
        return args[0], args[1:]
    if args and args[0].isidentifier():
        close = difflib.get_close_matches(args[0], list(COMMANDS), n=1, cutoff=0.6)
        if close:
            raise UsageError(f"unknown command {args[0]!r}; did you mean {close[0]!r}? "
                             f"(commands: {', '.join(COMMANDS)})")  # fmt: skip
    return DEFAULT, args


def run_command(name: str, args: list[str]) -> int:
    module = importlib.import_module(COMMANDS[name][0] if name in COMMANDS else HIDDEN[name])
    return int(module.main(args) or 0)


def describe_error(exc: BaseException) -> str:
    """One line for an exception: an OSError as ``<file>: <reason>``, others as ``str(exc)``."""
    if isinstance(exc, OSError) and exc.strerror:
        names = [os.fsdecode(n) for n in (exc.filename, exc.filename2) if n is not None]
        where = " -> ".join(names)
        return f"{where}: {exc.strerror}" if where else exc.strerror
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text


def _runtime_errors() -> tuple[type[BaseException], ...]:
    return (OSError, RuntimeError, ValueError)  # AclError is a RuntimeError


def _usage_errors() -> tuple[type[BaseException], ...]:
    from ..errors import LimitError

    return (UsageError, LimitError)


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated(signum)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the main thread while the command runs (then restored)."""
    try:
        previous: Callable[..., Any] | int | None = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a file (tests capture it)
        pass


def _names_print_as_bytes() -> None:
    """File names that are not valid UTF-8 (surrogate-escaped by Python) print as their own bytes, like
    ``ls | cat`` does, instead of failing with UnicodeEncodeError in a UTF-8 locale."""
    try:
        sys.stdout.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
    except (AttributeError, ValueError):  # not a TextIOWrapper (captured by tests)
        pass


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``acl-async`` with ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(format="[%(levelname)s]  %(message)s", level=logging.WARNING)
    _names_print_as_bytes()
    try:
        with _sigterm_raises():
            name, rest = ("sdk", args) if args and args[0] in _sdk_flags() else _pick(args)
            status = run_command(name, rest)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
            return status
    except SystemExit as exc:  # argparse's --help / --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except Terminated:
        _error("terminated")
        return EXIT_TERMINATED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except _usage_errors() as exc:
        _error(f"error: {describe_error(exc)}")
        return EXIT_USAGE
    except _runtime_errors() as exc:
        _error(f"error: {describe_error(exc)}")
        return EXIT_RUNTIME
