"""argparse that reports usage errors in one line (``acl-async: error: ...``, exit 2)."""

from __future__ import annotations

import argparse
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        from .cli import UsageError

        raise UsageError(message)


def count(minimum: int, what: str):  # noqa: ANN201 - argparse type callable
    """An argparse ``type`` for an integer >= ``minimum`` (the sample's atoi took "abc" as 0)."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be >= {minimum}, got {value}")
        return value

    parse.__name__ = what
    return parse
