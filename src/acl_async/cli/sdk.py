"""``acl-async --ddk-path | --includedir | --libdir | --cmakedir`` (also ``python -m acl_async ...``):
print the SDK paths for C/C++ builds, one per flag, in the order given (the paths are
:mod:`acl_async.sdk`'s)."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError

__all__ = ["USAGE", "main"]

USAGE = "usage: acl-async {--ddk-path | --includedir | --libdir | --cmakedir} ..."


def main(argv: Sequence[str]) -> int:
    from ..sdk import SDK_FLAGS

    if not argv:
        raise UsageError(f"no SDK flag; {USAGE}")
    if any(flag in ("-h", "--help") for flag in argv):
        print(USAGE)
        return 0
    unknown = [flag for flag in argv if flag not in SDK_FLAGS]
    if unknown:
        raise UsageError(f"unknown SDK flag {unknown[0]!r}; {USAGE}")
    paths = [SDK_FLAGS[flag]() for flag in argv]  # SdkError (a RuntimeError): exit 1
    for path in paths:
        print(path)
    return 0
