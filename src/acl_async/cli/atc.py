"""``acl-async atc``: CANN's model converter with its own flag syntax (``--model=net.onnx --framework=5
--output=net --soc_version=Ascend310 ...``), writing ``<output>.om`` in acl-async's container.

Bad flags, unreadable models and invalid AIPP files are usage errors (one line, exit 2); a failed
write is a runtime error (exit 1). Nothing is written unless the conversion succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .errors import UsageError

__all__ = ["main"]

USAGE = (
    "usage: acl-async atc --model=FILE --framework=5|3 --output=NAME --soc_version=SOC "
    "[--input_shape=NAME:DIMS;...] "
    '[--input_format=NCHW|NHWC] [--dynamic_batch_size=1,2,4] [--dynamic_image_size="H,W;H,W"] '
    "[--input_fp16_nodes=NAME;...] [--output_type=FP32|FP16|UINT8|INT8] [--insert_op_conf=aipp.cfg] "
    "[--log=error|warning|info|debug|null]"
)
_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "null": logging.CRITICAL + 1,
}


def main(argv: Sequence[str]) -> int:
    from ..atc import convert, parse_atc_args
    from ..progress import working

    args = list(argv)
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if not args:
        raise UsageError("no flags given; " + USAGE)
    try:
        opts = parse_atc_args(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    logging.getLogger("acl_async.atc").setLevel(_LOG_LEVELS[opts.log])
    try:
        with working(f"converting {opts.model}"):  # a terminal shows the time taken after 2 s
            result = convert(opts)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    meta = result.meta
    soc = opts.soc_version
    print(
        f"ATC run success: {result.path} (soc_version {soc}: recorded; the host runtime runs it on the CPU)"
    )
    if "dynamic" in meta:
        print(f"  dynamic {meta['dynamic']} profiles: {meta['gears']}")
    ranks = sorted({k.split(".")[0][4:] for k in meta if k.startswith("aipp") and "." in k})
    if ranks:
        print("  static AIPP on input(s): " + ", ".join(ranks))
    return 0
