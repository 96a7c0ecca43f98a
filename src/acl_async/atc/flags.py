"""atc's own flag syntax (``--name=value``), parsed and validated into :class:`AtcOptions`.

Every problem raises ``ValueError`` with a one-line message naming the flag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["AtcOptions", "FRAMEWORKS", "parse_atc_args", "parse_input_shape"]

# atc's --framework values.
FRAMEWORKS = {0: "Caffe", 1: "MindSpore", 3: "TensorFlow", 5: "ONNX"}
SUPPORTED_FRAMEWORKS = {3, 5}
INPUT_FORMATS = ("NCHW", "NHWC", "ND", "NCDHW", "NDHWC")
OUTPUT_TYPES = ("FP32", "FP16", "UINT8", "INT8")
LOG_LEVELS = ("debug", "info", "warning", "error", "null")
MAX_GEARS = 100  # atc's limit on dynamic batch / image size profiles

_FLAGS = (
    "model",
    "framework",
    "output",
    "input_shape",
    "input_format",
    "soc_version",
    "dynamic_batch_size",
    "dynamic_image_size",
    "input_fp16_nodes",
    "output_type",
    "insert_op_conf",
    "log",
)
# Flags atc has that change nothing on the host: accepted, recorded, ignored.
_IGNORED = (
    "out_nodes",
    "precision_mode",
    "op_select_implmode",
    "enable_small_channel",
    "host_env_os",
    "host_env_cpu",
    "weight",
    "mode",
    "core_type",
    "aicore_num",
    "virtual_type",
)


@dataclass(frozen=True)
class AtcOptions:
    """The validated flags of one atc run."""

    model: str
    framework: int
    output: str
    soc_version: str
    input_shape: dict[str, list[int]] = field(default_factory=dict)
    input_format: str = "NCHW"
    dynamic_batch_size: list[int] = field(default_factory=list)
    dynamic_image_size: list[tuple[int, int]] = field(default_factory=list)
    input_fp16_nodes: list[str] = field(default_factory=list)
    output_type: str = ""
    insert_op_conf: str = ""
    log: str = "null"
    ignored: dict[str, str] = field(default_factory=dict)

    @property
    def om_path(self) -> str:
        """The file written: ``<output>.om`` (atc appends the suffix)."""
        return self.output if self.output.endswith(".om") else self.output + ".om"


def _int(value: str, flag: str, *, minimum: int = 0) -> int:
    if not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ValueError(f"--{flag}: '{value}' is not an integer")
    n = int(value)
    if n < minimum:
        raise ValueError(f"--{flag}: {n} is below {minimum}")
    return n


def parse_input_shape(text: str) -> dict[str, list[int]]:
    """``"data:-1,3,224,224;im_info:1,3"`` -> ``{"data": [-1, 3, 224, 224], "im_info": [1, 3]}``."""
    shapes: dict[str, list[int]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, dims = part.rpartition(":")
        if not sep or not name:
            raise ValueError(f"--input_shape: '{part}' is not NAME:DIM,DIM,... (e.g. data:1,3,224,224)")
        if name in shapes:
            raise ValueError(f"--input_shape: input '{name}' is given twice")
        values = [d.strip() for d in dims.split(",")] if dims.strip() else []
        parsed: list[int] = []
        for d in values:
            if not re.fullmatch(r"-?\d+", d):
                raise ValueError(f"--input_shape: dimension '{d}' of '{name}' is not an integer")
            n = int(d)
            if n == 0 or n < -1:
                raise ValueError(f"--input_shape: dimension {n} of '{name}' must be positive or -1")
            parsed.append(n)
        shapes[name] = parsed
    if not shapes:
        raise ValueError("--input_shape: no input given")
    return shapes


def _gears(text: str, flag: str, width: int) -> list[tuple[int, ...]]:
    sep = "," if width == 1 else ";"
    gears: list[tuple[int, ...]] = []
    for part in filter(None, (p.strip() for p in text.split(sep))):
        values = [part] if width == 1 else [v.strip() for v in part.split(",")]
        if len(values) != width:
            raise ValueError(f"--{flag}: profile '{part}' needs {width} values (e.g. \"224,224;448,448\")")
        gear = tuple(_int(v, flag, minimum=1) for v in values)
        if gear in gears:
            raise ValueError(f"--{flag}: profile {','.join(map(str, gear))} is given twice")
        gears.append(gear)
    if not gears:
        raise ValueError(f"--{flag}: no profile given")
    if len(gears) > MAX_GEARS:
        raise ValueError(f"--{flag}: {len(gears)} profiles, atc allows at most {MAX_GEARS}")
    return gears


def _split_flag(arg: str) -> tuple[str, str]:
    if not arg.startswith("--"):
        raise ValueError(f"unexpected argument '{arg}': atc flags look like --name=value")
    name, sep, value = arg[2:].partition("=")
    if not sep:
        raise ValueError(f"--{name}: needs a value (--{name}=VALUE)")
    return name, value


def parse_atc_args(argv: Sequence[str]) -> AtcOptions:
    """Parses atc's ``--flag=value`` arguments (also ``--flag value``)."""
    raw: dict[str, str] = {}
    ignored: dict[str, str] = {}
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "=" not in arg and i + 1 < len(args) and not args[i + 1].startswith("--"):
            arg = f"{arg}={args[i + 1]}"
            i += 1
        i += 1
        name, value = _split_flag(arg)
        if name in _IGNORED:
            ignored[name] = value
            continue
        if name not in _FLAGS:
            raise ValueError(
                f"unknown flag --{name} (acl-async atc takes: {', '.join('--' + f for f in _FLAGS)})"
            )
        if name in raw:
            raise ValueError(f"--{name} is given twice")
        raw[name] = value
    for required in ("model", "framework", "output", "soc_version"):
        if not raw.get(required, "").strip():
            raise ValueError(f"--{required} is required")

    framework = _int(raw["framework"], "framework")
    if framework not in FRAMEWORKS:
        raise ValueError(
            f"--framework: {framework} is not one of {', '.join(f'{k} ({v})' for k, v in FRAMEWORKS.items())}"
        )
    if framework not in SUPPORTED_FRAMEWORKS:
        raise ValueError(
            f"--framework={framework}: {FRAMEWORKS[framework]} models are not read on the host; "
            "export the network to ONNX and use --framework=5"
        )
    input_format = raw.get("input_format", "NCHW").strip() or "NCHW"
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"--input_format: '{input_format}' is not one of {', '.join(INPUT_FORMATS)}")
    output_type = raw.get("output_type", "").strip()
    if output_type and ":" not in output_type and output_type not in OUTPUT_TYPES:
        raise ValueError(f"--output_type: '{output_type}' is not one of {', '.join(OUTPUT_TYPES)}")
    if ":" in output_type:
        raise ValueError("--output_type: per-output types (NODE:INDEX:TYPE) are not supported; give one type")
    log = raw.get("log", "null").strip() or "null"
    if log not in LOG_LEVELS:
        raise ValueError(f"--log: '{log}' is not one of {', '.join(LOG_LEVELS)}")

    input_shape = parse_input_shape(raw["input_shape"]) if "input_shape" in raw else {}
    batch = (
        [g[0] for g in _gears(raw["dynamic_batch_size"], "dynamic_batch_size", 1)]
        if "dynamic_batch_size" in raw
        else []
    )
    image = (
        [(g[0], g[1]) for g in _gears(raw["dynamic_image_size"], "dynamic_image_size", 2)]
        if "dynamic_image_size" in raw
        else []
    )
    if batch and image:
        raise ValueError("--dynamic_batch_size and --dynamic_image_size cannot be used together")
    _check_gears_against_shape(input_shape, input_format, batch, image)
    fp16 = [n.strip() for n in raw.get("input_fp16_nodes", "").split(";") if n.strip()]
    output = raw["output"].strip()
    if output.endswith("/"):
        raise ValueError(f"--output: '{output}' names a directory; give a file name without .om")
    return AtcOptions(
        model=raw["model"].strip(),
        framework=framework,
        output=output,
        soc_version=raw["soc_version"].strip(),
        input_shape=input_shape,
        input_format=input_format,
        dynamic_batch_size=batch,
        dynamic_image_size=image,
        input_fp16_nodes=fp16,
        output_type=output_type,
        insert_op_conf=raw.get("insert_op_conf", "").strip(),
        log=log,
        ignored=ignored,
    )


def hw_axes(input_format: str, rank: int) -> tuple[int, int]:
    """Positions of H and W in a 4-D shape of the given format."""
    if rank != 4:
        raise ValueError(f"--dynamic_image_size needs 4-D inputs, not {rank}-D")
    return (1, 2) if input_format == "NHWC" else (2, 3)


def _check_gears_against_shape(
    shapes: dict[str, list[int]], input_format: str, batch: list[int], image: list[tuple[int, int]]
) -> None:
    dynamic = {name: dims for name, dims in shapes.items() if -1 in dims}
    if batch or image:
        flag = "--dynamic_batch_size" if batch else "--dynamic_image_size"
        if not shapes:
            raise ValueError(f"{flag} needs --input_shape with -1 where the profiles apply")
        if not dynamic:
            raise ValueError(f"{flag} needs -1 in --input_shape where the profiles apply (no -1 given)")
        for name, dims in dynamic.items():
            if batch:
                if dims[0] != -1 or dims.count(-1) != 1:
                    raise ValueError(
                        f"--input_shape: with --dynamic_batch_size only dimension 0 of '{name}' may be -1"
                    )
            else:
                h, w = hw_axes(input_format, len(dims))
                if [i for i, d in enumerate(dims) if d == -1] != [h, w]:
                    raise ValueError(
                        f"--input_shape: with --dynamic_image_size exactly H and W of '{name}' "
                        f"({input_format}) must be -1"
                    )
    elif dynamic:
        raise ValueError(
            "--input_shape has -1 but no --dynamic_batch_size or --dynamic_image_size gives its profiles"
        )
