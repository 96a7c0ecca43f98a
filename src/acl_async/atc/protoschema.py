"""Protobuf message classes from a schema declared as Python data (no ``.proto`` file, no ``protoc``).

A schema is ``messages``: message name -> ``[(label, type, name, number, default)]`` (label ``opt`` or
``rep``; type a scalar name, another message's name, or an enum ``"Message.Enum"``) and ``enums``:
``"Message.Enum"`` -> ``{value name: number}``. :func:`build` adds it to a private descriptor pool and
returns the generated classes, which ``google.protobuf.text_format`` and ``ParseFromString`` read.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

__all__ = ["Field", "build"]

Field = tuple[str, str, str, int, Any]
_F = descriptor_pb2.FieldDescriptorProto
_TYPES = {
    "string": _F.TYPE_STRING,
    "float": _F.TYPE_FLOAT,
    "double": _F.TYPE_DOUBLE,
    "int32": _F.TYPE_INT32,
    "uint32": _F.TYPE_UINT32,
    "int64": _F.TYPE_INT64,
    "bool": _F.TYPE_BOOL,
    "bytes": _F.TYPE_BYTES,
}
_LABELS = {"opt": _F.LABEL_OPTIONAL, "rep": _F.LABEL_REPEATED}
_PACKABLE = {"float", "double", "int32", "uint32", "int64", "bool"}


def _file(
    package: str, messages: dict[str, list[Field]], enums: dict[str, dict[str, int]], packed: bool
) -> Any:
    f = descriptor_pb2.FileDescriptorProto(name=f"{package}.proto", package=package, syntax="proto2")
    msgs: dict[str, descriptor_pb2.DescriptorProto] = {}
    for name, fields in messages.items():
        m = f.message_type.add(name=name)
        msgs[name] = m
        for label, typ, fname, number, default in fields:
            fd = m.field.add(name=fname, number=number, label=_LABELS[label])
            if typ in _TYPES:
                fd.type = _TYPES[typ]
            else:
                fd.type = _F.TYPE_ENUM if typ in enums else _F.TYPE_MESSAGE
                fd.type_name = f".{package}.{typ}"
            if default is not None:
                fd.default_value = str(default).lower() if isinstance(default, bool) else str(default)
            if packed and label == "rep" and typ in _PACKABLE:
                fd.options.packed = True
    for qualified, values in enums.items():
        owner, enum = qualified.split(".")
        e = msgs[owner].enum_type.add(name=enum)
        for vname, number in values.items():
            e.value.add(name=vname, number=number)
    return f


def build(
    package: str,
    messages: dict[str, list[Field]],
    enums: dict[str, dict[str, int]],
    *,
    packed: bool = False,
) -> dict[str, Any]:
    """Message classes by name; ``packed`` packs repeated numbers (Caffe's blobs are written packed)."""
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_file(package, messages, enums, packed))
    out = {}
    for name in messages:
        desc = pool.FindMessageTypeByName(f"{package}.{name}")
        if hasattr(message_factory, "GetMessageClass"):
            out[name] = message_factory.GetMessageClass(desc)
        else:  # protobuf < 4.21
            out[name] = message_factory.MessageFactory(pool).GetPrototype(desc)
    return out
