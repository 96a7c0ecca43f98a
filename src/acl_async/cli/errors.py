"""Exceptions of the ``acl-async`` command line (a leaf module: imports nothing from acl_async).

Library code never raises these; the subcommands turn bad command-line input into :class:`UsageError`
and :func:`acl_async.cli.main` maps every exception to an exit status in one place.
"""

from __future__ import annotations

__all__ = ["Terminated", "UsageError"]


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit status 2."""


class Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler :func:`acl_async.cli.main` installs, so the run
    unwinds (``finally`` blocks, context managers, temporary files removed) like on Ctrl-C; exit 143.

    A BaseException, like KeyboardInterrupt, so ``except Exception`` does not swallow it."""
