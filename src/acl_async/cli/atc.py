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
    "usage: acl-async atc --model=FILE --framework=0|3|5 --output=NAME --soc_version=SOC "
    "[--weight=net.caffemodel] [--input_shape=NAME:DIMS;...] [--input_format=NCHW|NHWC] "
    '[--dynamic_batch_size=1,2,4] [--dynamic_image_size="H,W;H,W"] [--dynamic_dims="D,D;D,D"] '
    '[--input_shape_range="NAME:[1~8,3,224,224]"] [--out_nodes="NODE:PORT;..."] '
    "[--input_fp16_nodes=NAME;...] [--output_type=FP32|FP16|UINT8|INT8] [--insert_op_conf=aipp.cfg] "
    "[--save_original_model=true] [--check_report=FILE.json] [--mode=0|3] "
    "[--log=error|warning|info|debug|null] (atc's other flags: accepted, no effect on the host); "
    "or: acl-async atc --singleop=op_list.json --output=DIR [--soc_version=SOC]"
)
_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "null": logging.CRITICAL + 1,
}


def _show(om: str, json_path: str) -> int:
    """``--mode=6`` prints a converted model's metadata, ``--mode=1`` writes it as JSON."""
    import json

    from ..atc.container import read_container
    from ..fileio import write_atomic

    try:
        c = read_container(om)
    except OSError as exc:
        raise UsageError(f"--om: cannot read '{om}': {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"--om: {exc}") from None
    if not json_path:
        for key, value in c.meta.items():
            print(f"{key}={value}")
        return 0
    doc = {"meta": c.meta, "ir": c.xml.decode("utf-8", "replace"), "weights_bytes": len(c.weights)}
    try:
        write_atomic(json_path, (json.dumps(doc, indent=2) + "\n").encode())
    except OSError as exc:
        raise UsageError(f"--json: cannot write '{json_path}': {exc.strerror or exc}") from None
    print(f"ATC run success: {json_path}")
    return 0


def _singleop(args: list[str]) -> int:
    """``--singleop=op_list.json --output=DIR [--soc_version=SOC]``: a single-operator .om per operator."""
    from ..atc.singleop import build_singleops

    flags: dict[str, str] = {}
    for arg in args:
        name, eq, value = arg.removeprefix("--").partition("=")
        if not arg.startswith("--") or not eq:
            raise UsageError(f"'{arg}': with --singleop, flags look like --name=value")
        if name not in ("singleop", "output", "soc_version", "log"):
            raise UsageError(
                f"--{name}: not taken with --singleop (--singleop, --output, --soc_version, --log)"
            )
        flags[name] = value
    if not flags.get("output"):
        raise UsageError("--singleop needs --output=DIR (the folder for the operators' .om files)")
    try:
        written = build_singleops(flags["singleop"], flags["output"])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        print(f"  {path}")
    print(f"ATC run success: {len(written)} single-operator model(s) in {flags['output']}")
    return 0


def main(argv: Sequence[str]) -> int:
    from ..atc import convert, parse_atc_args
    from ..atc.report import write_report
    from ..progress import working

    args = list(argv)
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if not args:
        raise UsageError("no flags given; " + USAGE)
    if any(a.startswith("--singleop") for a in args):
        return _singleop(args)
    try:
        opts = parse_atc_args(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    logging.getLogger("acl_async.atc").setLevel(_LOG_LEVELS[opts.log])
    if opts.mode in (1, 6):
        return _show(opts.om, opts.json)
    if opts.mode == 3 or opts.check_report:
        try:
            report = write_report(opts, opts.check_report or "check_result.json")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        summary = report["summary"]
        print(
            f"ATC check {summary['result']}: {summary['op_success_num']}/{summary['op_num']} operators "
            f"supported ({opts.check_report or 'check_result.json'})"
        )
        if opts.mode == 3:
            return 0 if summary["result"] == "success" else 1
    try:
        with working(f"converting {opts.model}"):  # a terminal shows the time taken after 2 s
            result = convert(opts)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    meta = result.meta
    print(
        f"ATC run success: {result.path} (soc_version {opts.soc_version}: recorded; the host runtime runs it "
        "on the CPU)"
    )
    if "dynamic" in meta:
        print(f"  dynamic {meta['dynamic']} profiles: {meta['gears']}")
    if "input_shape_range" in meta:
        print(f"  input shape range: {meta['input_shape_range']}")
    ranks = sorted({k.split(".")[0][4:] for k in meta if k.startswith("aipp") and "." in k})
    for kind in ("static", "dynamic"):
        these = [r for r in ranks if (meta.get(f"aipp{r}.mode") == "dynamic") == (kind == "dynamic")]
        if these:
            print(f"  {kind} AIPP on input(s): " + ", ".join(these))
    if opts.ignored:
        print("  accepted, no effect on the host: " + ", ".join(f"--{k}" for k in opts.ignored))
    return 0
