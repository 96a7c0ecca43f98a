"""``acl-async --ddk-path | --includedir | --libdir | --stubdir | --cmakedir | --env`` (also
``python -m acl_async ...``): print the SDK paths for C/C++ builds, one per flag, in the order given
(the paths are :mod:`acl_async.sdk`'s); ``--coverage`` reports which ACL functions the library exports."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError

__all__ = ["USAGE", "main"]

USAGE = (
    "usage: acl-async {--ddk-path | --includedir | --libdir | --stubdir | --cmakedir | --env} ...\n"
    "       acl-async --coverage [--missing] [--json] [--library SO]\n"
    "       acl-async --pyacl-info\n"
    "       acl-async --install-ffmpeg [DIR]"
)


def main(argv: Sequence[str]) -> int:
    from ..sdk import SDK_FLAGS

    if not argv:
        raise UsageError("no SDK flag (see acl-async --help)")
    if argv[0] == "--coverage":
        from ..coverage import main as coverage_main

        return coverage_main(argv[1:])
    if argv[0] == "--install-ffmpeg":
        from ..thirdpart_ffmpeg import main as ffmpeg_main

        return ffmpeg_main(list(argv[1:]))
    if list(argv) == ["--pyacl-info"]:
        from ..pyacl_info import main as info_main

        return info_main()
    if any(flag in ("-h", "--help") for flag in argv):
        print(USAGE)
        return 0
    unknown = [flag for flag in argv if flag not in SDK_FLAGS]
    if unknown:
        raise UsageError(f"unknown SDK flag {unknown[0]!r} (see acl-async --help)")
    paths = [SDK_FLAGS[flag]() for flag in argv]  # SdkError (a RuntimeError): exit 1
    for path in paths:
        print(path)
    return 0
