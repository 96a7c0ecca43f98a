"""atc's own flag syntax (``--name=value`` or ``--name value``), parsed by argparse and validated into
:class:`AtcOptions`.

Every problem raises ``ValueError`` with a one-line message naming the flag. Flags that change nothing
on the host (code generation, precision and tuning switches of the NPU compiler) are accepted and
recorded in the container's metadata (:data:`NO_EFFECT`, listed in the README).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .container import MAX_BATCH, MAX_DIM, MAX_DYNAMIC_DIM, MAX_IMAGE_SIDE, MAX_RANK

__all__ = [
    "AtcOptions",
    "FRAMEWORKS",
    "NO_EFFECT",
    "parse_atc_args",
    "parse_input_shape",
    "parse_out_nodes",
]

# atc's --framework values.
FRAMEWORKS = {0: "Caffe", 1: "MindSpore", 3: "TensorFlow", 5: "ONNX"}
INPUT_FORMATS = ("NCHW", "NHWC", "ND", "NCDHW", "NDHWC")
OUTPUT_TYPES = ("FP32", "FP16", "UINT8", "INT8")
LOG_LEVELS = ("debug", "info", "warning", "error", "null")
MAX_GEARS = 100  # atc's limit on dynamic batch / image size / dims profiles
MINDSPORE_HINT = (
    "--framework=1: MindSpore .air/.mindir models have no open reader; export ONNX from MindSpore "
    "(mindspore.export(net, Tensor(input), file_name='net', file_format='ONNX')) and use --framework=5"
)

_FLAGS = (
    "mode",
    "model",
    "weight",
    "framework",
    "output",
    "om",
    "json",
    "input_shape",
    "input_shape_range",
    "input_format",
    "soc_version",
    "dynamic_batch_size",
    "dynamic_image_size",
    "dynamic_dims",
    "out_nodes",
    "input_fp16_nodes",
    "output_type",
    "insert_op_conf",
    "save_original_model",
    "check_report",
    "log",
)
# atc flags that steer the NPU compiler, the device build or atc's own logging: accepted, recorded in the
# container (``ignored.<flag>``), no effect on the host (the model runs in float on the CPU).
NO_EFFECT = (
    "precision_mode",
    "precision_mode_v2",
    "op_precision_mode",
    "op_select_implmode",
    "optypelist_for_implmode",
    "modify_mixlist",
    "keep_dtype",
    "customize_dtypes",
    "allow_hf32",
    "enable_small_channel",
    "enable_compress_weight",
    "compress_weight_conf",
    "compression_optimize_conf",
    "sparsity",
    "host_env_os",
    "host_env_cpu",
    "core_type",
    "aicore_num",
    "virtual_type",
    "buffer_optimize",
    "disable_reuse_memory",
    "fusion_switch_file",
    "enable_scope_fusion_passes",
    "enable_single_stream",
    "external_weight",
    "is_input_adjust_hw_layout",
    "is_output_adjust_hw_layout",
    "op_name_map",
    "mdl_bank_path",
    "op_bank_path",
    "op_debug_level",
    "op_debug_config",
    "op_compiler_cache_mode",
    "op_compiler_cache_dir",
    "debug_dir",
    "dump_mode",
    "display_model_info",
    "shape_generalized_build_mode",
    "status_check",
    "auto_tune_mode",
    "input_hint_shape",
    "deterministic",
    "atomic_clean_policy",
    "oo_level",
    "quant_dumpable",
    "distributed_cluster_build",
    "cluster_config",
    "enable_graph_parallel",
    "graph_parallel_option_path",
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
    dynamic_dims: list[tuple[int, ...]] = field(default_factory=list)
    # name -> per dimension (lo, hi); hi -1 = unbounded; a static dim is (d, d)
    input_shape_range: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    input_shape_range_text: str = ""
    out_nodes: list[tuple[str, int | None]] = field(default_factory=list)
    input_fp16_nodes: list[str] = field(default_factory=list)
    output_type: str = ""
    output_types: dict[str, str] = field(default_factory=dict)  # "node:port" -> type (NODE:INDEX:TYPE form)
    insert_op_conf: str = ""
    weight: str = ""
    save_original_model: bool = False
    check_report: str = ""
    mode: int = 0
    om: str = ""  # --mode=1/6: the converted model to show
    json: str = ""  # --mode=1: where its JSON goes
    log: str = "null"
    ignored: dict[str, str] = field(default_factory=dict)

    @property
    def om_path(self) -> str:
        """The file written: ``<output>.om`` (atc appends the suffix)."""
        return self.output if self.output.endswith(".om") else self.output + ".om"

    @property
    def dynamic(self) -> bool:
        return bool(self.dynamic_batch_size or self.dynamic_image_size or self.dynamic_dims)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


class _Once(argparse.Action):
    """Stores a value; a flag given twice is an error (atc would take either silently)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: str | None = None) -> None:
        if getattr(namespace, self.dest) is not None:
            raise ValueError(f"{option_string} is given twice")
        setattr(namespace, self.dest, values)


def _parser() -> _Parser:
    p = _Parser(prog="acl-async atc", add_help=False, allow_abbrev=False)
    for name in (*_FLAGS, *NO_EFFECT):
        p.add_argument(f"--{name}", action=_Once, default=None)
    return p


def _int(value: str, flag: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    if not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ValueError(f"--{flag}: '{value}' is not an integer")
    n = int(value)
    if n < minimum:
        raise ValueError(f"--{flag}: {n} is below {minimum}")
    if maximum is not None and n > maximum:
        raise ValueError(f"--{flag}: {n} is above {maximum}, the largest value an .om may hold")
    return n


def _split_named(part: str, flag: str, example: str) -> tuple[str, str]:
    name, sep, dims = part.rpartition(":")
    if not sep or not name:
        raise ValueError(f"--{flag}: '{part}' is not NAME:DIM,DIM,... (e.g. {example})")
    return name.strip(), dims.strip()


def parse_input_shape(text: str) -> dict[str, list[int]]:
    """``"data:-1,3,224,224;im_info:1,3"`` -> ``{"data": [-1, 3, 224, 224], "im_info": [1, 3]}``."""
    shapes: dict[str, list[int]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, dims = _split_named(part, "input_shape", "data:1,3,224,224")
        if name in shapes:
            raise ValueError(f"--input_shape: input '{name}' is given twice")
        parsed: list[int] = []
        for d in (x.strip() for x in dims.split(",")) if dims else ():
            if not re.fullmatch(r"-?\d+", d):
                raise ValueError(f"--input_shape: dimension '{d}' of '{name}' is not an integer")
            n = int(d)
            if n == 0 or n < -1:
                raise ValueError(f"--input_shape: dimension {n} of '{name}' must be positive or -1")
            if n > MAX_DIM:
                raise ValueError(f"--input_shape: dimension {n} of '{name}' is above {MAX_DIM}")
            parsed.append(n)
        if len(parsed) > MAX_RANK:
            raise ValueError(f"--input_shape: '{name}' has {len(parsed)} dimensions, at most {MAX_RANK}")
        shapes[name] = parsed
    if not shapes:
        raise ValueError("--input_shape: no input given")
    return shapes


def parse_shape_range(text: str, flag: str = "input_shape_range") -> dict[str, list[tuple[int, int]]]:
    """``"x:[1~8,3,-1,224]"`` (brackets optional) -> ``{"x": [(1, 8), (3, 3), (1, -1), (224, 224)]}``."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, dims = _split_named(part, flag, "data:[1~8,3,224,224]")
        dims = dims.strip()
        if dims.startswith("[") != dims.endswith("]"):
            raise ValueError(f"--{flag}: unbalanced brackets in '{part}'")
        dims = dims.strip("[]")
        if name in ranges:
            raise ValueError(f"--{flag}: input '{name}' is given twice")
        parsed: list[tuple[int, int]] = []
        for d in (x.strip() for x in dims.split(",")) if dims else ():
            if m := re.fullmatch(r"(\d+)~(-1|\d+)", d):
                lo, hi = int(m.group(1)), int(m.group(2))
                if lo < 1 or (hi != -1 and hi < lo):
                    raise ValueError(
                        f"--{flag}: range '{d}' of '{name}' must be LOW~HIGH with 1 <= LOW <= HIGH"
                    )
                parsed.append((lo, hi))
            elif d == "-1":
                parsed.append((1, -1))
            elif re.fullmatch(r"\d+", d) and int(d) > 0:
                parsed.append((int(d), int(d)))
            else:
                raise ValueError(f"--{flag}: dimension '{d}' of '{name}' is not N, LOW~HIGH or -1")
        ranges[name] = parsed
    if not ranges:
        raise ValueError(f"--{flag}: no input given")
    return ranges


def parse_out_nodes(text: str) -> list[tuple[str, int | None]]:
    """``"conv1:0;prob:1"`` -> ``[("conv1", 0), ("prob", 1)]``; a bare name (an ONNX output name or a
    Caffe top) has no port."""
    nodes: list[tuple[str, int | None]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, port = part.rpartition(":")
        if sep and re.fullmatch(r"\d+", port.strip()) and name:
            item: tuple[str, int | None] = (name.strip(), int(port))
        else:
            item = (part, None)
        if item in nodes:
            raise ValueError(f"--out_nodes: '{part}' is given twice")
        nodes.append(item)
    if not nodes:
        raise ValueError("--out_nodes: no node given (NODE:PORT;NODE:PORT)")
    return nodes


def _output_types(text: str) -> dict[str, str]:
    """``"node:0:FP16;other:1:FP32"`` -> ``{"node:0": "FP16", "other:1": "FP32"}``."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        node, port, kind = (part.rsplit(":", 2) + ["", ""])[:3] if part.count(":") >= 2 else ("", "", "")
        if not node or not re.fullmatch(r"\d+", port.strip()):
            raise ValueError(f"--output_type: '{part}' is not NODE:INDEX:TYPE (e.g. prob:0:FP16)")
        if kind.strip() not in OUTPUT_TYPES:
            raise ValueError(f"--output_type: '{kind}' is not one of {', '.join(OUTPUT_TYPES)}")
        out[f"{node.strip()}:{int(port)}"] = kind.strip()
    return out


def _normalise(argv: Sequence[str]) -> list[str]:
    """atc (gflags) also takes ``-flag=value`` with one dash: made ``--flag=value`` for argparse."""
    known = {*_FLAGS, *NO_EFFECT}
    out = []
    for arg in argv:
        if arg.startswith("-") and not arg.startswith("--") and arg[1:].split("=", 1)[0] in known:
            arg = "-" + arg
        out.append(arg)
    return out


def _gears(text: str, flag: str, width: int | None, cap: int) -> list[tuple[int, ...]]:
    """Profiles: ``1,2,4`` (width 1) or ``224,224;448,448``; ``width`` None: any, but all the same.
    Each value lies in 1..``cap``, the bound the container's readers enforce (container.check_meta)."""
    sep = "," if width == 1 else ";"
    gears: list[tuple[int, ...]] = []
    for part in filter(None, (p.strip() for p in text.split(sep))):
        values = [part] if width == 1 else [v.strip() for v in part.split(",")]
        expected = width if width is not None else (len(gears[0]) if gears else len(values))
        if len(values) != expected:
            example = '"224,224;448,448"' if width == 2 else '"1,224;2,448"'
            raise ValueError(f"--{flag}: profile '{part}' needs {expected} values (e.g. {example})")
        gear = tuple(_int(v, flag, minimum=1, maximum=cap) for v in values)
        if gear in gears:
            raise ValueError(f"--{flag}: profile {','.join(map(str, gear))} is given twice")
        gears.append(gear)
    if not gears:
        raise ValueError(f"--{flag}: no profile given")
    if len(gears) > MAX_GEARS:
        raise ValueError(f"--{flag}: {len(gears)} profiles, atc allows at most {MAX_GEARS}")
    return gears


def _bool_flag(value: str, flag: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "1"):
        return True
    if v in ("false", "0", ""):
        return False
    raise ValueError(f"--{flag}: '{value}' is not true or false")


def parse_atc_args(argv: Sequence[str]) -> AtcOptions:
    """Parses atc's ``--flag=value`` arguments (also ``--flag value``)."""
    args, rest = _parser().parse_known_args(_normalise(argv))
    for extra in rest:
        if extra.startswith("--"):
            name = extra[2:].split("=", 1)[0]
            if name in (*_FLAGS, *NO_EFFECT):
                raise ValueError(f"--{name}: needs a value (--{name}=VALUE)")
            raise ValueError(
                f"unknown flag --{name} (acl-async atc takes: {', '.join('--' + f for f in _FLAGS)})"
            )
        raise ValueError(f"unexpected argument '{extra}': atc flags look like --name=value")
    raw = {k: v for k, v in vars(args).items() if v is not None}
    ignored = {k: raw.pop(k) for k in NO_EFFECT if k in raw}
    mode = _int(raw.get("mode", "0"), "mode")
    if mode not in (0, 1, 3, 6):
        raise ValueError(
            f"--mode={mode}: the host runs 0 (convert), 1 (.om to JSON), 3 (pre-check) and 6 (show)"
        )
    if mode in (1, 6):
        if not raw.get("om", "").strip():
            raise ValueError(f"--om is required with --mode={mode}")
        if mode == 1 and not raw.get("json", "").strip():
            raise ValueError("--json is required with --mode=1")
        return AtcOptions(
            model="",
            framework=-1,
            output="",
            soc_version="",
            mode=mode,
            om=raw["om"].strip(),
            json=raw.get("json", "").strip(),
            ignored=ignored,
        )
    required = ("model", "framework") if mode == 3 else ("model", "framework", "output", "soc_version")
    for name in required:
        if not raw.get(name, "").strip():
            raise ValueError(f"--{name} is required")

    framework = _int(raw["framework"], "framework")
    if framework not in FRAMEWORKS:
        raise ValueError(
            f"--framework: {framework} is not one of {', '.join(f'{k} ({v})' for k, v in FRAMEWORKS.items())}"
        )
    if framework == 1:
        raise ValueError(MINDSPORE_HINT)
    weight = raw.get("weight", "").strip()
    if framework == 0 and not weight:
        raise ValueError("--weight is required with --framework=0 (the .caffemodel next to the .prototxt)")
    input_format = raw.get("input_format", "").strip() or ("NHWC" if framework == 3 else "NCHW")
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"--input_format: '{input_format}' is not one of {', '.join(INPUT_FORMATS)}")
    output_type = raw.get("output_type", "").strip()
    output_types = _output_types(output_type) if ":" in output_type else {}
    if output_type and not output_types and output_type not in OUTPUT_TYPES:
        raise ValueError(f"--output_type: '{output_type}' is not one of {', '.join(OUTPUT_TYPES)}")
    log = raw.get("log", "null").strip() or "null"
    if log not in LOG_LEVELS:
        raise ValueError(f"--log: '{log}' is not one of {', '.join(LOG_LEVELS)}")

    shape_text = raw.get("input_shape", "")
    range_text = raw.get("input_shape_range", "")
    input_shape: dict[str, list[int]] = {}
    shape_range: dict[str, list[tuple[int, int]]] = {}
    if "~" in shape_text:  # newer atc: ranges given in --input_shape itself
        if range_text:
            raise ValueError("--input_shape holds ranges (~): do not give --input_shape_range too")
        shape_range, range_text = parse_shape_range(shape_text, "input_shape"), shape_text
    elif shape_text:
        input_shape = parse_input_shape(shape_text)
    if range_text and not shape_range:
        shape_range = parse_shape_range(range_text)
    batch = (
        [g[0] for g in _gears(raw["dynamic_batch_size"], "dynamic_batch_size", 1, MAX_BATCH)]
        if "dynamic_batch_size" in raw
        else []
    )
    image = (
        [(g[0], g[1]) for g in _gears(raw["dynamic_image_size"], "dynamic_image_size", 2, MAX_IMAGE_SIDE)]
        if "dynamic_image_size" in raw
        else []
    )
    dims = _gears(raw["dynamic_dims"], "dynamic_dims", None, MAX_DYNAMIC_DIM) if "dynamic_dims" in raw else []
    given = [
        f
        for f, v in (
            ("--dynamic_batch_size", batch),
            ("--dynamic_image_size", image),
            ("--dynamic_dims", dims),
            ("--input_shape_range", shape_range),
        )
        if v
    ]
    if len(given) > 1:
        raise ValueError(f"{' and '.join(given)} cannot be used together")
    _check_gears_against_shape(input_shape, input_format, batch, image, dims)
    fp16 = [n.strip() for n in raw.get("input_fp16_nodes", "").split(";") if n.strip()]
    output = raw.get("output", "").strip()
    if output.endswith("/"):
        raise ValueError(f"--output: '{output}' names a directory; give a file name without .om")
    return AtcOptions(
        model=raw["model"].strip(),
        framework=framework,
        output=output,
        soc_version=raw.get("soc_version", "").strip(),
        input_shape=input_shape,
        input_format=input_format,
        dynamic_batch_size=batch,
        dynamic_image_size=image,
        dynamic_dims=dims,
        input_shape_range=shape_range,
        input_shape_range_text=range_text.strip(),
        out_nodes=parse_out_nodes(raw["out_nodes"]) if raw.get("out_nodes", "").strip() else [],
        input_fp16_nodes=fp16,
        output_type="" if output_types else output_type,
        output_types=output_types,
        insert_op_conf=raw.get("insert_op_conf", "").strip(),
        weight=weight,
        save_original_model=_bool_flag(raw.get("save_original_model", ""), "save_original_model"),
        check_report=raw.get("check_report", "").strip(),
        mode=mode,
        log=log,
        ignored=ignored,
    )


def hw_axes(input_format: str, rank: int) -> tuple[int, int]:
    """Positions of H and W in a 4-D shape of the given format."""
    if rank != 4:
        raise ValueError(f"--dynamic_image_size needs 4-D inputs, not {rank}-D")
    return (1, 2) if input_format == "NHWC" else (2, 3)


def _check_gears_against_shape(
    shapes: dict[str, list[int]],
    input_format: str,
    batch: list[int],
    image: list[tuple[int, int]],
    dims: list[tuple[int, ...]],
) -> None:
    dynamic = {name: d for name, d in shapes.items() if -1 in d}
    if batch or image or dims:
        flag = "--dynamic_batch_size" if batch else "--dynamic_image_size" if image else "--dynamic_dims"
        if not shapes:
            raise ValueError(f"{flag} needs --input_shape with -1 where the profiles apply")
        if not dynamic:
            raise ValueError(f"{flag} needs -1 in --input_shape where the profiles apply (no -1 given)")
        if dims:
            unknown = sum(d.count(-1) for d in shapes.values())
            if len(dims[0]) != unknown:
                raise ValueError(
                    f"--dynamic_dims: each profile gives {len(dims[0])} values, "
                    f"--input_shape has {unknown} -1"
                )
            return
        for name, d in dynamic.items():
            if batch:
                if d[0] != -1 or d.count(-1) != 1:
                    raise ValueError(
                        f"--input_shape: with --dynamic_batch_size only dimension 0 of '{name}' may be -1"
                    )
            else:
                h, w = hw_axes(input_format, len(d))
                if [i for i, x in enumerate(d) if x == -1] != [h, w]:
                    raise ValueError(
                        f"--input_shape: with --dynamic_image_size exactly H and W of '{name}' "
                        f"({input_format}) must be -1"
                    )
    elif dynamic:
        raise ValueError(
            "--input_shape has -1 but no --dynamic_batch_size, --dynamic_image_size or --dynamic_dims "
            "gives its profiles (or use --input_shape_range)"
        )
