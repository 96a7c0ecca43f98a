"""``atc --singleop=op_list.json --output=DIR``: every operator of a CANN op list as its own single-operator
.om, which the host runtime's ``aclopSetModelDir``/``aclopLoad`` load and ``aclopExecuteV2``/``aclopCast``
run (csrc/host/src/single_op.cpp reads the metadata written here).

The list is CANN's: a JSON array of ``{"op": TYPE, "input_desc": [...], "output_desc": [...], "attr":
[...]}``, each description ``{"format", "shape", "type"}`` (plus ``"is_const"``/``"const_value"``), each
attribute ``{"name", "type", "value"}``. Each operator becomes an OpenVINO graph of that one operation;
the operator types below are the ones the host knows (:data:`BUILDERS`), and an operator list with another
type, a dynamic shape or an unknown data type is refused before anything is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .container import OmContainer, write_container

__all__ = ["BUILDERS", "OpSpec", "build_singleops", "parse_op_list"]

#: op_list.json type name -> (aclDataType value, numpy type)
DTYPES: dict[str, tuple[int, Any]] = {
    "float": (0, np.float32),
    "float32": (0, np.float32),
    "float16": (1, np.float16),
    "int8": (2, np.int8),
    "int32": (3, np.int32),
    "uint8": (4, np.uint8),
    "int16": (6, np.int16),
    "uint16": (7, np.uint16),
    "uint32": (8, np.uint32),
    "int64": (9, np.int64),
    "uint64": (10, np.uint64),
    "double": (11, np.float64),
    "bool": (12, np.bool_),
}


@dataclass
class Tensor:
    dtype: str
    shape: list[int]
    const: np.ndarray | None = None
    format: str = "ND"

    @property
    def acl_type(self) -> int:
        return DTYPES[self.dtype][0]

    @property
    def np_type(self) -> Any:
        return DTYPES[self.dtype][1]


@dataclass
class OpSpec:
    op: str
    inputs: list[Tensor]
    outputs: list[Tensor]
    attrs: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (op_list type, value)

    def attr(self, name: str, default: Any) -> Any:
        return self.attrs[name][1] if name in self.attrs else default


def _float_text(v: Any) -> str:
    return format(float(np.float32(v)), ".9g")


def attr_text(kind: str, value: Any) -> str:
    """The canonical text the runtime's aclopSetAttr* functions make of the same value."""
    simple = {
        "bool": lambda v: "b:" + ("1" if v else "0"),
        "int": lambda v: f"i:{int(v)}",
        "float": lambda v: "f:" + _float_text(v),
        "string": lambda v: f"s:{v}",
        "data_type": lambda v: f"dt:{_data_type(v)}",
        "list_bool": lambda v: "lb:" + ",".join("1" if x else "0" for x in v),
        "list_int": lambda v: "li:" + ",".join(str(int(x)) for x in v),
        "list_float": lambda v: "lf:" + ",".join(_float_text(x) for x in v),
        "list_string": lambda v: "ls:" + ",".join(str(x) for x in v),
        "list_data_type": lambda v: "ldt:" + ",".join(str(_data_type(x)) for x in v),
        "list_list_int": lambda v: "lli:" + ";".join(",".join(str(int(x)) for x in inner) for inner in v),
    }
    if kind not in simple:
        raise ValueError(f"attribute type '{kind}' is not one of {', '.join(simple)}")
    return simple[kind](value)


def _data_type(v: Any) -> int:
    if isinstance(v, int):
        return v
    name = str(v).lower().removeprefix("dt_")
    if name not in DTYPES:
        raise ValueError(f"data type '{v}' is not one of {', '.join(DTYPES)}")
    return DTYPES[name][0]


def _tensor(desc: Any, where: str) -> Tensor:
    if not isinstance(desc, dict):
        raise ValueError(f"{where}: a tensor description must be an object")
    dtype = str(desc.get("type", "")).lower()
    if dtype not in DTYPES:
        raise ValueError(f"{where}: type '{desc.get('type')}' is not one of {', '.join(DTYPES)}")
    shape = desc.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) for d in shape):
        raise ValueError(f"{where}: shape must be a list of integers")
    if any(d < 0 for d in shape):
        raise ValueError(f"{where}: shape {shape}: dynamic shapes (-1/-2) are not supported on the host")
    t = Tensor(dtype, shape, format=str(desc.get("format", "ND")).upper())
    if desc.get("is_const"):
        values = np.asarray(desc.get("const_value", []), dtype=t.np_type)
        if values.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"{where}: const_value has {values.size} values for shape {shape}")
        t.const = values.reshape(shape)
    return t


def parse_op_list(path: str | Path) -> list[OpSpec]:
    """The operators of a CANN op_list.json; ValueError naming the entry on bad input."""
    try:
        doc = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ValueError(f"--singleop: cannot read '{path}': {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"--singleop: '{path}' is not JSON: {exc}") from None
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list) or not doc:
        raise ValueError(f"--singleop: '{path}' must hold a list of operators")
    specs = []
    for i, entry in enumerate(doc):
        where = f"--singleop: operator {i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("op"), str):
            raise ValueError(f'{where}: needs an "op" type name')
        op = entry["op"]
        if op not in BUILDERS:
            raise ValueError(
                f"{where}: operator type '{op}' is not one the host runs ({', '.join(sorted(BUILDERS))})"
            )
        ins = [_tensor(d, f"{where} ({op}) input {k}") for k, d in enumerate(entry.get("input_desc", []))]
        outs = [_tensor(d, f"{where} ({op}) output {k}") for k, d in enumerate(entry.get("output_desc", []))]
        if not outs:
            raise ValueError(f"{where} ({op}): needs output_desc")
        attrs = {}
        for a in entry.get("attr", []):
            if not isinstance(a, dict) or "name" not in a or "type" not in a or "value" not in a:
                raise ValueError(f"{where} ({op}): an attribute needs name, type and value")
            try:
                attr_text(a["type"], a["value"])
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{where} ({op}) attribute {a['name']}: {exc}") from None
            attrs[a["name"]] = (a["type"], a["value"])
        specs.append(OpSpec(op, ins, outs, attrs))
    return specs


# ---- One OpenVINO graph per operator ---------------------------------------------------------------

Builder = Callable[[OpSpec, list[Any]], list[Any]]


def _binary(name: str) -> Builder:
    def build(spec: OpSpec, x: list[Any]) -> list[Any]:
        from openvino import opset13 as ops

        _arity(spec, 2)
        return [getattr(ops, name)(x[0], x[1])]

    return build


def _unary(name: str) -> Builder:
    def build(spec: OpSpec, x: list[Any]) -> list[Any]:
        from openvino import opset13 as ops

        _arity(spec, 1)
        return [getattr(ops, name)(x[0])]

    return build


def _arity(spec: OpSpec, n: int) -> None:
    if len(spec.inputs) != n:
        raise ValueError(f"{spec.op} takes {n} input(s), the list gives {len(spec.inputs)}")


def _const_value(spec: OpSpec, k: int) -> np.ndarray:
    if spec.inputs[k].const is None:
        raise ValueError(f"{spec.op}: input {k} must be a constant (is_const, const_value)")
    return spec.inputs[k].const


def _cast(spec: OpSpec, x: list[Any]) -> list[Any]:
    from openvino import opset13 as ops

    _arity(spec, 1)
    return [ops.convert(x[0], spec.outputs[0].np_type)]


def _argmax(spec: OpSpec, x: list[Any]) -> list[Any]:
    from openvino import opset13 as ops

    _arity(spec, 2)
    axis = int(_const_value(spec, 1).reshape(-1)[0])
    rank = len(spec.inputs[0].shape)
    axis = axis + rank if axis < 0 else axis
    index_type = "i32" if spec.outputs[0].dtype == "int32" else "i64"
    top = ops.topk(x[0], np.int64(1), axis, "max", "none", index_type)
    return [ops.squeeze(top.output(1), np.array([axis], np.int64))]


def _matmul(a: str, b: str) -> Builder:
    def build(spec: OpSpec, x: list[Any]) -> list[Any]:
        from openvino import opset13 as ops

        if len(spec.inputs) == 3:  # MatMul's optional bias
            return [
                ops.add(ops.matmul(x[0], x[1], bool(spec.attr(a, False)), bool(spec.attr(b, False))), x[2])
            ]
        _arity(spec, 2)
        return [ops.matmul(x[0], x[1], bool(spec.attr(a, False)), bool(spec.attr(b, False)))]

    return build


def _gemm(spec: OpSpec, x: list[Any]) -> list[Any]:
    """CANN's GEMM (aclblasGemmEx, aclblasHgemm, aclblasS8gemm): y = alpha * op(a) op(b) + beta * c, in
    float32 (exact for int8 products up to 2^24), in c's type."""
    from openvino import opset13 as ops

    _arity(spec, 5)
    a, b, c, alpha, beta = (ops.convert(v, np.float32) for v in x)
    ab = ops.matmul(a, b, bool(spec.attr("transpose_a", False)), bool(spec.attr("transpose_b", False)))
    y = ops.add(ops.multiply(alpha, ab), ops.multiply(beta, c))
    if spec.outputs[0].np_type in (np.int32, np.int8):
        y = ops.round(y, "half_to_even")
    return [ops.convert(y, spec.outputs[0].np_type)]


def _softmax(spec: OpSpec, x: list[Any]) -> list[Any]:
    from openvino import opset13 as ops

    _arity(spec, 1)
    axes = spec.attr("axes", spec.attr("axis", [-1]))
    axes = [axes] if isinstance(axes, int) else list(axes)
    if len(axes) != 1:
        raise ValueError(f"{spec.op}: one softmax axis, the list gives {axes}")
    return [ops.softmax(x[0], int(axes[0]))]


def _reshape(spec: OpSpec, x: list[Any]) -> list[Any]:
    from openvino import opset13 as ops

    return [ops.reshape(x[0], np.array(spec.outputs[0].shape, np.int64), False)]


def _conv2d(spec: OpSpec, x: list[Any]) -> list[Any]:
    """CANN's Conv2D: x in data_format (NHWC or NCHW), the filter in its description's format (NCHW = OIHW,
    HWCN or NHWC), strides/dilations in data_format order, pads [top, bottom, left, right], groups, and
    an optional bias."""
    from openvino import opset13 as ops

    if len(spec.inputs) not in (2, 3) or len(spec.inputs[0].shape) != 4:
        raise ValueError("Conv2D takes a 4-D x, a filter and an optional bias")
    fmt = str(spec.attr("data_format", spec.inputs[0].format if spec.inputs[0].format != "ND" else "NHWC"))
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"Conv2D data_format {fmt}: NHWC or NCHW")
    h, w = (1, 2) if fmt == "NHWC" else (2, 3)
    to_oihw = {"NCHW": [0, 1, 2, 3], "ND": [0, 1, 2, 3], "HWCN": [3, 2, 0, 1], "NHWC": [0, 3, 1, 2]}
    if spec.inputs[1].format not in to_oihw:
        raise ValueError(f"Conv2D filter format {spec.inputs[1].format}: NCHW, HWCN or NHWC")
    data = ops.transpose(x[0], np.array([0, 3, 1, 2], np.int64)) if fmt == "NHWC" else x[0]
    weights = ops.transpose(x[1], np.array(to_oihw[spec.inputs[1].format], np.int64))
    strides, dilations = list(spec.attr("strides", [1, 1, 1, 1])), list(spec.attr("dilations", [1, 1, 1, 1]))
    top, bottom, left, right = list(spec.attr("pads", [0, 0, 0, 0]))
    groups = int(spec.attr("groups", 1))
    args = ([strides[h], strides[w]], [top, left], [bottom, right], [dilations[h], dilations[w]])
    if groups == 1:
        y = ops.convolution(data, weights, *args)
    else:
        o, i, kh, kw = (spec.inputs[1].shape[k] for k in to_oihw[spec.inputs[1].format])
        grouped = ops.reshape(weights, np.array([groups, o // groups, i, kh, kw], np.int64), False)
        y = ops.group_convolution(data, grouped, *args)
    if len(spec.inputs) == 3:
        y = ops.add(y, ops.reshape(x[2], np.array([1, -1, 1, 1], np.int64), False))
    out_fmt = spec.outputs[0].format if spec.outputs[0].format in ("NHWC", "NCHW") else fmt
    return [ops.transpose(y, np.array([0, 2, 3, 1], np.int64)) if out_fmt == "NHWC" else y]


def _leaky_relu(spec: OpSpec, x: list[Any]) -> list[Any]:
    from openvino import opset13 as ops

    _arity(spec, 1)
    return [ops.prelu(x[0], np.array([spec.attr("negative_slope", 0.0)], spec.inputs[0].np_type))]


#: CANN operator type -> the graph it becomes.
BUILDERS: dict[str, Builder] = {
    "Abs": _unary("abs"),
    "Add": _binary("add"),
    "ArgMaxV2": _argmax,
    "BatchMatMul": _matmul("adj_x1", "adj_x2"),
    "BatchMatMulV2": _matmul("adj_x1", "adj_x2"),
    "Cast": _cast,
    "Conv2D": _conv2d,
    "Div": _binary("divide"),
    "Exp": _unary("exp"),
    "GEMM": _gemm,
    "LeakyRelu": _leaky_relu,
    "Log": _unary("log"),
    "MatMul": _matmul("transpose_x1", "transpose_x2"),
    "MatMulV2": _matmul("transpose_x1", "transpose_x2"),
    "Maximum": _binary("maximum"),
    "Minimum": _binary("minimum"),
    "Mul": _binary("multiply"),
    "Neg": _unary("negative"),
    "Pow": _binary("power"),
    "RealDiv": _binary("divide"),
    "Relu": _unary("relu"),
    "Reshape": _reshape,
    "Sigmoid": _unary("sigmoid"),
    "Softmax": _softmax,
    "SoftmaxV2": _softmax,
    "Sqrt": _unary("sqrt"),
    "Sub": _binary("subtract"),
    "Tanh": _unary("tanh"),
}


def build_graph(spec: OpSpec) -> Any:
    """The OpenVINO model of one operator: a parameter per non-constant input, outputs in the list's
    types and shapes."""
    import openvino as ov
    from openvino import opset13 as ops

    params, values = [], []
    for k, t in enumerate(spec.inputs):
        if t.const is not None:
            values.append(ops.constant(t.const))
        else:
            p = ops.parameter(t.shape, t.np_type, name=f"x{k}")
            params.append(p)
            values.append(p)
    results = BUILDERS[spec.op](spec, [v.output(0) if hasattr(v, "output") else v for v in values])
    if len(results) != len(spec.outputs):
        raise ValueError(f"{spec.op} gives {len(results)} output(s), the list describes {len(spec.outputs)}")
    outs = []
    for k, (r, t) in enumerate(zip(results, spec.outputs, strict=True)):
        r = r.output(0) if hasattr(r, "output") else r
        shape = list(r.get_partial_shape().to_shape())
        if int(np.prod(shape, dtype=np.int64)) != int(np.prod(t.shape, dtype=np.int64)):
            raise ValueError(
                f"{spec.op} output {k}: the operator gives shape {shape}, the list says {t.shape}"
            )
        if shape != t.shape:
            r = ops.reshape(r, np.array(t.shape, np.int64), False).output(0)
        if r.get_element_type() != ov.Type(t.np_type):
            r = ops.convert(r, t.np_type).output(0)
        outs.append(ops.result(r))
    return ov.Model(outs, params, spec.op)


def _meta(spec: OpSpec) -> dict[str, str]:
    meta = {"format": "acl-async-om", "version": "1", "single_op": spec.op}
    for side, tensors in (("input", spec.inputs), ("output", spec.outputs)):
        meta[f"op.{side}s"] = str(len(tensors))
        for k, t in enumerate(tensors):
            meta[f"op.{side}{k}"] = f"{t.acl_type}:{','.join(map(str, t.shape))}"
            if t.const is not None:
                meta[f"op.{side}{k}.const"] = t.const.astype(t.np_type).tobytes().hex()
    for name, (kind, value) in spec.attrs.items():
        meta[f"op.attr.{name}"] = attr_text(kind, value)
    return meta


#: op_list.json format name -> aclFormat value (CANN's ge::Format), for the file names.
FORMATS = {
    "NCHW": 0, "NHWC": 1, "ND": 2, "NC1HWC0": 3, "FRACTAL_Z": 4,
    "HWCN": 16, "NDHWC": 27, "FRACTAL_NZ": 29, "NCDHW": 30,
}  # fmt: skip


def _file_name(i: int, spec: OpSpec) -> str:
    """CANN's name: index, operator type, then each input's and output's data type, format and dims
    (``0_Add_3_2_8_16_3_2_8_16_3_2_8_16.om``), which samples' build scripts look for."""
    parts = [str(i), spec.op]
    for t in [*spec.inputs, *spec.outputs]:
        parts += [str(t.acl_type), str(FORMATS.get(t.format, 2)), *map(str, t.shape)]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "_".join(parts)) + ".om"


def build_singleops(op_list: str | Path, output: str | Path) -> list[Path]:
    """Writes one .om per operator of ``op_list`` into the folder ``output`` (made if missing);
    ValueError before anything is written when an operator cannot be built."""
    import tempfile

    import openvino as ov

    specs = parse_op_list(op_list)
    graphs = []
    for i, spec in enumerate(specs):
        try:
            graphs.append(build_graph(spec))
        except (ValueError, RuntimeError, TypeError) as exc:
            raise ValueError(f"--singleop: operator {i} ({spec.op}): {exc}") from None
    out = Path(output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"--output: cannot make folder '{out}': {exc.strerror or exc}") from None
    written = []
    with tempfile.TemporaryDirectory(prefix="acl-async-singleop-") as tmp:
        for i, (spec, graph) in enumerate(zip(specs, graphs, strict=True)):
            xml = Path(tmp) / f"op{i}.xml"
            ov.save_model(graph, str(xml), compress_to_fp16=False)
            container = OmContainer(_meta(spec), xml.read_bytes(), xml.with_suffix(".bin").read_bytes())
            written.append(write_container(container, out / _file_name(i, spec)))
    return written
