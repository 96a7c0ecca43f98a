"""``python -m acl_async``: the SDK paths (``--ddk-path``, ``--includedir``, ``--libdir``,
``--stubdir``, ``--cmakedir``, ``--env``), the coverage of CANN's API (``--coverage``), otherwise the
``acl-async`` command (``acl_async.cli:main``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .sdk import SDK_FLAGS
from .sdk import main as sdk_main

USAGE = """usage: python -m acl_async [EXECUTE_TIMES [CALLBACK_INTERVAL [POOL_SIZE]]] [options]
       python -m acl_async {--ddk-path | --includedir | --libdir | --stubdir | --cmakedir | --env}
       python -m acl_async --coverage [--missing] [--json]"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in SDK_FLAGS or args[0] == "--env"):
        return sdk_main(args)
    if args and args[0] == "--coverage":
        from .coverage import main as coverage_main

        return coverage_main(args[1:])
    try:
        from .cli import main as cli_main
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.cli":
            raise
        print(USAGE, file=sys.stderr)
        return 2
    return int(cli_main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
