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

__all__ = ["DT_FLOAT", "GraphDef", "tf_classes"]

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
    "AttrValue": [
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
}


@cache
def tf_classes() -> dict[str, Any]:
    return build("acl_async_tf", _MESSAGES, {}, packed=True)


def GraphDef() -> Any:  # noqa: N802  (reads like the message it makes)
    return tf_classes()["GraphDef"]()
