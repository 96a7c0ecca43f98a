"""acl-async's own ``.om`` container (not CANN's offline model format).

Layout, all integers little-endian::

    offset  size  field
    0       8     magic b"ACLAOM01"   (CANN's .om files start with b"IMOD": never confused)
    8       4     meta_len  (uint32)
    12      8     xml_len   (uint64)
    20      8     bin_len   (uint64)
    28      ...   meta: UTF-8 text, one "key=value" per line (keys and values without newlines)
    ...     ...   xml:  the converted network as OpenVINO IR (.xml)
    ...     ...   bin:  its weights (.bin)

Meta keys written by ``acl-async atc``: ``format`` (``acl-async-om``), ``version``, ``framework``,
``source``, ``soc_version``, ``input_format``, ``input_shape``, ``output_type``,
``input_fp16_nodes``, ``dynamic`` (``batch`` | ``hw`` | absent), ``gears`` (``;``-separated
profiles, each ``,``-separated: batch sizes or ``h,w``), ``dynamic_inputs`` (``;``-separated
``name:dims`` with -1 where the profile applies), and ``aipp.*`` for a static AIPP input. The host
runtime (``csrc/host/src/om_container.cpp``) reads the same layout. ``inputs`` lists the converted
network's inputs (``name:dims:type``, ``;``-separated) and ``meta.<key>`` carries the ONNX model's own
``metadata_props`` (labels, preprocessing).

Also written by ``acl-async atc``: ``dynamic=dims`` for ``--dynamic_dims`` (``gears``: each profile the
values of every -1 of ``dynamic_inputs``, in input order); ``input_shape_range`` (the flag's text; the IR
itself carries the dynamic dimensions); ``outputs`` (the output names, ``;``-separated) and
``out_nodes``; ``weight`` (Caffe's caffemodel name); ``ignored.<flag>`` for atc flags with no effect on
the host; ``original_model`` (``--save_original_model``: ``;``-separated ``file:offset:size``, the
source files stored after the IR's weights, offsets counted from the start of the weights section).
"""

from __future__ import annotations

import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MAGIC", "OmContainer", "is_container", "pack", "read_container", "unpack", "write_container"]

MAGIC = b"ACLAOM01"
CANN_MAGIC = b"IMOD"
_HEADER = struct.Struct("<8sIQQ")


@dataclass
class OmContainer:
    meta: dict[str, str] = field(default_factory=dict)
    xml: bytes = b""
    weights: bytes = b""


def pack(c: OmContainer) -> bytes:
    lines = []
    for k, v in c.meta.items():
        if "\n" in k or "=" in k or "\n" in v:
            raise ValueError(f"container meta entry {k!r} holds a newline or '='")
        lines.append(f"{k}={v}\n")
    meta = "".join(lines).encode("utf-8")
    return _HEADER.pack(MAGIC, len(meta), len(c.xml), len(c.weights)) + meta + c.xml + c.weights


def unpack(data: bytes, origin: str = "model") -> OmContainer:
    if data[:4] == CANN_MAGIC:
        raise ValueError(f"{origin} is a CANN offline model (.om), which only an NPU runs")
    if len(data) < _HEADER.size or data[:8] != MAGIC:
        raise ValueError(f"{origin} is not an acl-async .om container")
    _, meta_len, xml_len, bin_len = _HEADER.unpack_from(data)
    if _HEADER.size + meta_len + xml_len + bin_len != len(data):
        raise ValueError(f"{origin}: truncated or corrupt acl-async .om container")
    o = _HEADER.size
    meta_text = data[o : o + meta_len].decode("utf-8")
    o += meta_len
    meta = dict(line.split("=", 1) for line in meta_text.splitlines() if line)
    xml = data[o : o + xml_len]
    weights = data[o + xml_len :]
    return OmContainer(meta, bytes(xml), bytes(weights))


def is_container(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a file that starts like an acl-async .om container."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def read_container(path: str | os.PathLike[str]) -> OmContainer:
    p = Path(path)
    return unpack(p.read_bytes(), f"'{p}'")


def write_container(c: OmContainer, path: str | os.PathLike[str]) -> Path:
    """Writes atomically: a temporary file in the same directory, then rename."""
    p = Path(path)
    data = pack(c)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=str(p.parent))
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # what open() would give, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return p
