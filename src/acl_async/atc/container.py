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

Metadata rules, the same as the host runtime's (``om::validate``), so both readers accept exactly the
same files: UTF-8; every non-empty ``\n``-separated line ``key=value`` with a key; ``dynamic`` is
``batch`` or ``hw`` and then ``gears`` holds 1..100 distinct profiles of integers in 1..2048 (batch)
or 1..8192 (height, width); dims in ``inputs``/``dynamic_inputs`` are -1 or 0..2^31-1, at most 32.
Also written by ``acl-async atc``: ``dynamic=dims`` for ``--dynamic_dims`` (``gears``: each profile the
values of every -1 of ``dynamic_inputs``, in input order); ``input_shape_range`` (the flag's text; the IR
itself carries the dynamic dimensions); ``outputs`` (the output names, ``;``-separated) and
``out_nodes``; ``weight`` (Caffe's caffemodel name); ``ignored.<flag>`` for atc flags with no effect on
the host; ``original_model`` (``--save_original_model``: ``;``-separated ``file:offset:size``, the
source files stored after the IR's weights, offsets counted from the start of the weights section).
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MAGIC", "OmContainer", "is_container", "pack", "read_container", "unpack", "write_container"]

MAGIC = b"ACLAOM01"
CANN_MAGIC = b"IMOD"
_HEADER = struct.Struct("<8sIQQ")
MAX_PROFILES = 100
MAX_BATCH = 2048
MAX_IMAGE_SIDE = 8192
MAX_DYNAMIC_DIM = 65536  # a --dynamic_dims value
MAX_RANK = 32
MAX_DIM = 2**31 - 1
_INT = re.compile(r"-?[0-9]{1,12}")


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
    try:
        meta_text = data[o : o + meta_len].decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{origin}: corrupt .om metadata: not UTF-8 text") from None
    o += meta_len
    meta: dict[str, str] = {}
    for n, line in enumerate(meta_text.split("\n"), 1):
        if line:
            key, eq, value = line.partition("=")
            if not eq or not key:
                raise ValueError(f"{origin}: corrupt .om metadata: line {n} is not key=value")
            meta[key] = value
    problem = check_meta(meta)
    if problem:
        raise ValueError(f"{origin}: corrupt .om metadata: {problem}")
    xml = data[o : o + xml_len]
    weights = data[o + xml_len :]
    return OmContainer(meta, bytes(xml), bytes(weights))


def _integer(text: str, lo: int, hi: int) -> bool:
    return bool(_INT.fullmatch(text)) and lo <= int(text) <= hi


def _dims_problem(text: str) -> str | None:
    if not text:
        return None  # a scalar
    dims = text.split(",")
    if len(dims) > MAX_RANK:
        return f"{len(dims)} dimensions (at most {MAX_RANK})"
    for d in dims:
        if not _integer(d, -1, MAX_DIM):
            return f"dimension '{d}' is not -1 or an integer in 0..{MAX_DIM}"
    return None


def check_meta(meta: dict[str, str]) -> str | None:
    """What breaks the metadata rules (naming the field), or None."""
    dyn = meta.get("dynamic")
    if dyn is not None:
        if dyn not in ("batch", "hw", "dims"):
            return f"field 'dynamic': '{dyn}' is not batch, hw or dims"
        gears = meta.get("gears", "")
        if not gears:
            return f"field 'gears': missing (dynamic={dyn} needs profiles)"
        profiles = gears.split(";")
        if len(profiles) > MAX_PROFILES:
            return f"field 'gears': {len(profiles)} profiles (at most {MAX_PROFILES})"
        cap = {"hw": MAX_IMAGE_SIDE, "dims": MAX_DYNAMIC_DIM}.get(dyn, MAX_BATCH)
        for p in profiles:
            values = p.split(",")
            # dims: one value per -1 of dynamic_inputs (checked against the network when it is loaded).
            if dyn == "dims" and not 1 <= len(values) <= MAX_RANK:
                return f"field 'gears': profile '{p}' needs 1..{MAX_RANK} values"
            if dyn != "dims" and len(values) != (2 if dyn == "hw" else 1):
                need = "2 values (h,w)" if dyn == "hw" else "1 value (a batch size)"
                return f"field 'gears': profile '{p}' needs {need}"
            for v in values:
                if v.startswith("-") or not _integer(v, 1, cap):
                    return f"field 'gears': profile '{p}': '{v}' is not an integer in 1..{cap}"
        if len(set(profiles)) != len(profiles):
            dup = next(p for p in profiles if profiles.count(p) > 1)
            return f"field 'gears': profile '{dup}' is given twice"
    for key, form in (("inputs", "name:dims:type"), ("dynamic_inputs", "name:dims")):
        for item in filter(None, meta.get(key, "").split(";")):
            pieces = item.rsplit(":", form.count(":"))
            if len(pieces) != form.count(":") + 1:
                return f"field '{key}': entry '{item}' is not {form}"
            problem = _dims_problem(pieces[1])
            if problem:
                return f"field '{key}': entry '{item}': {problem}"
    return None


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
