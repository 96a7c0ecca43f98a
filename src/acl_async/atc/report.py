"""``--check_report``: atc's operator-support JSON, from what our readers and OpenVINO support.

One entry per operator of the source model (Caffe: per layer) with ``result`` ``success`` or
``failed`` and a reason; ``summary`` counts them. ONNX and TensorFlow models are decoded by OpenVINO's
frontend (every source operator) and converted partially: an operator the frontend cannot convert
stays a framework node and is reported failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fileio import write_atomic
from .flags import FRAMEWORKS, AtcOptions
from .reason import ov_reason

__all__ = ["check_report", "write_report"]


def _entry(name: str, op_type: str, failed: str = "") -> dict[str, Any]:
    return {
        "op": {"name": name, "type": op_type},
        "result": "failed" if failed else "success",
        "reason": {"code": "" if not failed else "E_UNSUPPORTED", "message": failed},
    }


def _caffe_ops(opts: AtcOptions) -> list[dict[str, Any]]:
    from .caffe.translate import SUPPORTED_LAYERS, _parse_prototxt

    net = _parse_prototxt(opts.model)
    out = []
    for layer in net.layer:
        if layer.type == "Input":
            out.append(_entry(layer.name, layer.type))
        elif layer.type in SUPPORTED_LAYERS:
            out.append(_entry(layer.name, layer.type))
        else:
            out.append(_entry(layer.name, layer.type, f"layer type '{layer.type}' is not translated"))
    return out


def _frontend_ops(opts: AtcOptions) -> list[dict[str, Any]]:
    from openvino.frontend import FrontEndManager

    from .convert import _quiet_native_stderr

    fem = FrontEndManager()
    with _quiet_native_stderr():
        fe = fem.load_by_model(opts.model)
        if fe is None:
            raise ValueError(f"--model: no OpenVINO frontend reads '{opts.model}'")
        decoded = fe.decode(fe.load(opts.model))
        partial = fe.convert_partially(fe.load(opts.model))
    failed = {
        op.get_friendly_name() for op in partial.get_ordered_ops() if "FrameworkNode" in op.get_type_name()
    }
    if opts.framework == 5:
        import onnx

        graph = onnx.load_model(opts.model, load_external_data=False).graph
        return [
            _entry(n.name or n.output[0], n.op_type,
                   "OpenVINO's ONNX frontend has no conversion for it"
                   if {n.name, *n.output} & failed else "")
            for n in graph.node
        ]  # fmt: skip
    if opts.framework == 3 and Path(opts.model).is_file():
        return [
            _entry(
                name,
                op_type,
                "OpenVINO's TensorFlow frontend has no conversion for it" if name in failed else "",
            )
            for name, op_type in _graphdef_nodes(opts.model)
        ]
    out = []
    for op in decoded.get_ordered_ops():
        kind = op.get_type_name()
        if kind in ("Parameter", "Result", "Constant"):
            continue
        attrs = op.get_attributes() if hasattr(op, "get_attributes") else {}
        op_type = str(attrs.get("ONNX_META_type") or attrs.get("op_type") or attrs.get("type") or kind)
        name = op.get_friendly_name()
        out.append(
            _entry(name, op_type, "OpenVINO's frontend has no conversion for it" if name in failed else "")
        )
    return out


def _graphdef_nodes(path: str) -> list[tuple[str, str]]:
    """(name, op) of every node of a frozen GraphDef."""
    from .tf_schema import GraphDef

    graph = GraphDef()
    graph.ParseFromString(Path(path).read_bytes())
    return [(n.name, n.op) for n in graph.node]


def check_report(opts: AtcOptions) -> dict[str, Any]:
    """The report of one model (``ValueError`` when the model cannot be read at all)."""
    try:
        ops = _caffe_ops(opts) if opts.framework == 0 else _frontend_ops(opts)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(
            f"--model: cannot read '{opts.model}' as {FRAMEWORKS[opts.framework]}: {ov_reason(exc)}"
        ) from None
    failed = sum(e["result"] == "failed" for e in ops)
    return {
        "model_name": Path(opts.model).stem,
        "framework": FRAMEWORKS[opts.framework],
        "soc_version": opts.soc_version,
        "summary": {
            "op_num": len(ops),
            "op_success_num": len(ops) - failed,
            "op_failed_num": failed,
            "result": "failed" if failed else "success",
        },
        "op_list": ops,
    }


def write_report(opts: AtcOptions, path: str) -> dict[str, Any]:
    report = check_report(opts)
    target = Path(path)
    if not target.parent.is_dir():
        raise ValueError(f"--check_report: directory '{target.parent}' does not exist")
    write_atomic(target, (json.dumps(report, indent=2) + "\n").encode())
    return report
