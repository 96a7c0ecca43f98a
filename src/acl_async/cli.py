"""The ``acl-async`` command: Huawei's sample run by default, plus subcommands.

    acl-async [EXECUTE_TIMES [CALLBACK_INTERVAL [POOL_SIZE]]] [-m MODEL] [-i INPUT ...] ...
    acl-async model build efficientnet-lite0 -o FILE

Bad input ends with one line on stderr and exit status 2 (usage) or 1 (runtime), never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence

__all__ = ["main", "UsageError"]

PROG = "acl-async"


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


def _subcommands() -> dict[str, Callable[[list[str]], int]]:
    from . import bench_cmd, model_cmd, sample_run

    return {
        "bench": bench_cmd.main_bench,
        "classify": bench_cmd.main_classify,
        "model": model_cmd.main,
        "run": sample_run.main,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(format="[%(levelname)s]  %(message)s", level=logging.WARNING)
    commands = _subcommands()
    if args and args[0] in commands:
        command, args = commands[args[0]], args[1:]
    else:
        command = commands["run"]
    try:
        return command(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
