"""TensorFlow's GraphDef, the part acl-async reads or writes, as protobuf classes built at run time.

Field numbers are TensorFlow's (``graph.proto``, ``node_def.proto``, ``attr_value.proto``,
``tensor.proto``, ``tensor_shape.proto``); ``NodeDef.attr`` (a map) is declared as its wire form, a
repeated key/value entry. ``--check_report`` reads node names and op types with it; the tests write
small frozen graphs with it (TensorFlow itself is not needed).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .protoschema import Field, build

__all__ = ["DT_FLOAT", "GraphDef", "saved_model_input_aliases", "tf_classes"]

DT_FLOAT = 1
_MESSAGES: dict[str, list[Field]] = {
    "Dim": [("opt", "int64", "size", 1, None), ("opt", "string", "name", 2, None)],
    "TensorShapeProto": [("rep", "Dim", "dim", 2, None), ("opt", "bool", "unknown_rank", 3, None)],
    "TensorProto": [
        ("opt", "int32", "dtype", 1, None),
        ("opt", "TensorShapeProto", "tensor_shape", 2, None),
        ("opt", "bytes", "tensor_content", 4, None),
        ("rep", "float", "float_val", 5, None),
        ("rep", "int32", "int_val", 7, None),
    ],
    "ListValue": [
        ("rep", "bytes", "s", 2, None),
        ("rep", "int64", "i", 3, None),
        ("rep", "float", "f", 4, None),
    ],
    "AttrValue": [
        ("opt", "ListValue", "list", 1, None),
        ("opt", "bytes", "s", 2, None),
        ("opt", "int64", "i", 3, None),
        ("opt", "float", "f", 4, None),
        ("opt", "bool", "b", 5, None),
        ("opt", "int32", "type", 6, None),
        ("opt", "TensorShapeProto", "shape", 7, None),
        ("opt", "TensorProto", "tensor", 8, None),
    ],
    "AttrEntry": [("opt", "string", "key", 1, None), ("opt", "AttrValue", "value", 2, None)],
    "NodeDef": [
        ("opt", "string", "name", 1, None),
        ("opt", "string", "op", 2, None),
        ("rep", "string", "input", 3, None),
        ("opt", "string", "device", 4, None),
        ("rep", "AttrEntry", "attr", 5, None),
    ],
    "VersionDef": [("opt", "int32", "producer", 1, None)],
    "GraphDef": [("rep", "NodeDef", "node", 1, None), ("opt", "VersionDef", "versions", 4, None)],
    # SavedModel (saved_model.proto, meta_graph.proto); maps as repeated key/value entries
    "TensorInfo": [("opt", "string", "name", 1, None), ("opt", "int32", "dtype", 2, None)],
    "InfoEntry": [("opt", "string", "key", 1, None), ("opt", "TensorInfo", "value", 2, None)],
    "SignatureDef": [
        ("rep", "InfoEntry", "inputs", 1, None),
        ("rep", "InfoEntry", "outputs", 2, None),
        ("opt", "string", "method_name", 3, None),
    ],
    "SignatureEntry": [("opt", "string", "key", 1, None), ("opt", "SignatureDef", "value", 2, None)],
    "MetaInfoDef": [("rep", "string", "tags", 4, None)],
    "MetaGraphDef": [
        ("opt", "MetaInfoDef", "meta_info_def", 1, None),
        ("opt", "GraphDef", "graph_def", 2, None),
        ("rep", "SignatureEntry", "signature_def", 5, None),
    ],
    "SavedModel": [
        ("opt", "int64", "saved_model_schema_version", 1, None),
        ("rep", "MetaGraphDef", "meta_graphs", 2, None),
    ],
}


@cache
def tf_classes() -> dict[str, Any]:
    return build("acl_async_tf", _MESSAGES, {}, packed=True)


def saved_model_input_aliases(path: str) -> dict[str, str]:
    """A SavedModel's serving inputs: placeholder names (``input_1`` and ``input_1:0``) -> the signature
    key OpenVINO names the input by (empty when the file cannot be read)."""
    from google.protobuf.message import DecodeError

    saved = tf_classes()["SavedModel"]()
    try:
        with open(path, "rb") as f:
            saved.ParseFromString(f.read())
    except (OSError, DecodeError):
        return {}
    aliases: dict[str, str] = {}
    for meta in saved.meta_graphs:
        for sig in meta.signature_def:
            for entry in sig.value.inputs:
                tensor = entry.value.name
                aliases.setdefault(tensor, entry.key)
                aliases.setdefault(tensor.rsplit(":", 1)[0], entry.key)
    return aliases


def GraphDef() -> Any:  # noqa: N802  (reads like the message it makes)
    return tf_classes()["GraphDef"]()
