"""Shared by the ``acl-async`` commands: one-line usage errors (exit 2), counts, device and model lookup."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
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


def resolve_device(arg: int | None) -> int:
    """``-d/--device``, else ``$ASCEND_DEVICE_ID``, else 0."""
    from .cli import UsageError

    if arg is not None:
        return arg
    env = os.environ.get("ASCEND_DEVICE_ID", "").strip()
    if not env:
        return 0
    if not env.isdigit():
        raise UsageError(f"ASCEND_DEVICE_ID must be a device number, got {env!r}")
    return int(env)


def resolve_model(arg: str | None) -> tuple[Path, bool]:
    """``-m/--model`` (must exist), else the embedded default built on first use; and whether embedded."""
    from .cli import UsageError

    if arg is None:
        from . import zoo

        return zoo.default_model_path(), True
    path = Path(arg)
    if not path.is_file():
        raise UsageError(f"model file not found: {path}")
    return path, False
