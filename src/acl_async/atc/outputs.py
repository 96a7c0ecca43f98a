"""``--out_nodes``: the model's outputs chosen and ordered by name, internal tensors allowed.

A name is ``node:port`` (the op's name and its output index, as atc takes it for every framework) or a
bare tensor name (an ONNX output name, a TensorFlow ``node:0`` tensor). The chosen tensors become the
outputs in the given order, every other output is dropped, and each is named as atc names it:
``node:port``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["graph_def_order", "select_outputs"]


def _find(model: Any, node: str, port: int | None) -> tuple[Any, str]:
    ops = list(model.get_ordered_ops())
    if port is not None:
        for op in ops:
            if op.get_friendly_name() == node and op.get_type_name() not in ("Result",):
                if port >= op.get_output_size():
                    raise ValueError(
                        f"--out_nodes: node '{node}' has {op.get_output_size()} output(s), no port {port}"
                    )
                return op.output(port), f"{node}:{port}"
        wanted = f"{node}:{port}"
    else:
        wanted = node
    for op in ops:
        if op.get_type_name() == "Result":
            continue
        for i, out in enumerate(op.outputs()):
            if wanted in out.get_names():
                name = wanted if port is not None else f"{op.get_friendly_name()}:{i}:{wanted}"
                return out, name
    if port is None:
        for op in ops:
            if op.get_friendly_name() == node and op.get_type_name() != "Result":
                return op.output(0), f"{node}:0"
    raise ValueError(
        f"--out_nodes: the model has no node '{node}'"
        + (f" with output {port}" if port is not None else "")
        + " (give NODE:PORT with the node's name in the source model)"
    )


def select_outputs(model: Any, out_nodes: list[tuple[str, int | None]]) -> Any:
    """A model whose outputs are ``out_nodes`` in that order (``ValueError`` naming an unknown one)."""
    import openvino as ov
    import openvino.opset13 as ops

    found = [_find(model, node, port) for node, port in out_nodes]
    results = []
    for out, name in found:
        out.get_tensor().set_names({name})
        res = ops.result(out)
        res.set_friendly_name(name)
        results.append(res)
    return ov.Model(results, model.get_parameters(), model.get_friendly_name())


def graph_def_order(model: Any, node_names: list[str]) -> Any:
    """A TensorFlow frozen graph's outputs in the order their nodes appear in the GraphDef, as atc gives a
    network's outputs when ``--out_nodes`` is not set ("the output of the last layer", in the graph's
    order); OpenVINO's TensorFlow frontend orders them by name instead (``Conv_14`` before ``Conv_6``).
    Outputs whose node is not found keep their place after the others."""
    import openvino as ov

    rank = {name: i for i, name in enumerate(node_names)}

    def position(result: Any) -> int:
        source = result.input_value(0)
        names = {n.rsplit(":", 1)[0] for n in source.get_names()} | {source.get_node().get_friendly_name()}
        return min((rank[n] for n in names if n in rank), default=len(rank))

    results = model.get_results()
    order = sorted(range(len(results)), key=lambda i: position(results[i]))
    if order == list(range(len(order))):
        return model
    results = [results[i] for i in order]
    return ov.Model(results, model.get_parameters(), model.get_friendly_name())
