"""``acl-async atc --model=... --framework=5 --output=... --soc_version=...``: the command.

``main(argv) -> int``: exit 0 on success, 2 for bad flags or input files (one line on stderr),
1 when writing fails.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from .flags import parse_atc_args

__all__ = ["main"]

PROG = "acl-async atc"
_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "null": logging.CRITICAL + 1,
}


def main(argv: Sequence[str]) -> int:
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(
            f"usage: {PROG} --model=FILE --framework=5|3 --output=NAME --soc_version=SOC [--input_shape=...] "
            '[--input_format=NCHW|NHWC] [--dynamic_batch_size=1,2,4] [--dynamic_image_size="h,w;h,w"] '
            "[--input_fp16_nodes=NAME;...] [--output_type=FP32|FP16|UINT8] [--insert_op_conf=aipp.cfg] "
            "[--log=error|warning|info|debug|null]"
        )
        return 0 if args else 2
    try:
        opts = parse_atc_args(args)
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    logging.getLogger("acl_async.atc").setLevel(_LOG_LEVELS[opts.log])
    from .convert import convert

    try:
        result = convert(opts)
    except ValueError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG}: error: cannot write '{opts.om_path}': {exc.strerror or exc}", file=sys.stderr)
        return 1
    meta = result.meta
    print(
        f"ATC run success: {result.path} (soc_version {opts.soc_version}: recorded; the host runtime runs it "
        f"on the CPU)"
    )
    if "dynamic" in meta:
        print(f"  dynamic {meta['dynamic']} profiles: {meta['gears']}")
    if any(k.startswith("aipp") for k in meta):
        print(
            "  static AIPP on input(s): "
            + ", ".join(sorted({k.split(".")[0][4:] for k in meta if k.startswith("aipp") and "." in k}))
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
