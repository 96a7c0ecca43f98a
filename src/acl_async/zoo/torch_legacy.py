"""Read a PyTorch state dict saved in torch's legacy (pre-zip, protocol 1001) format, without torch.

The legacy file is a sequence of pickles followed by raw storage data:

1. the magic number ``0x1950A86A20F9469CFC6C``;
2. the protocol version ``1001``;
3. a "sys info" dict (``little_endian``, ``type_sizes``, ...);
4. the saved object itself, whose tensors refer to storages through ``persistent_load`` ids
   ``("storage", <StorageType>, key, location, numel, view_metadata)``;
5. the list of storage keys, in the order their data follows;
6. for each key: the element count as an int64 followed by the raw element bytes.

Only a fixed set of globals may appear in the pickles (``collections.OrderedDict``, the tensor
rebuild helpers of ``torch._utils`` and the storage classes).  Anything else raises
:class:`ValueError` before it is ever called, so loading a file never runs code from it.
"""

from __future__ import annotations

import collections
import logging
import pickle
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = ["LegacyFormatError", "load_legacy_state_dict"]

log = logging.getLogger(__name__)

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

# torch storage class name -> numpy dtype name (endianness applied later)
_STORAGE_DTYPES: dict[str, str] = {
    "DoubleStorage": "f8",
    "FloatStorage": "f4",
    "HalfStorage": "f2",
    "LongStorage": "i8",
    "IntStorage": "i4",
    "ShortStorage": "i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "b1",
}


class LegacyFormatError(ValueError):
    """The file is not a readable legacy torch checkpoint, or it holds something not allowed."""


@dataclass(frozen=True)
class _StorageType:
    """Placeholder for ``torch.<X>Storage``: carries only the element type."""

    name: str
    dtype: str

    def __call__(self, *args: object, **kwargs: object) -> Any:
        raise LegacyFormatError(f"pickle tries to call torch.{self.name}; not allowed")


@dataclass
class _Storage:
    key: str
    dtype: str
    numel: int
    data: np.ndarray | None = None


@dataclass(frozen=True)
class _StorageView:
    root: _Storage
    offset: int
    numel: int


@dataclass
class _TensorRef:
    storage: _Storage | _StorageView
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]
    extra: dict[str, Any] = field(default_factory=dict)


def _check_int_tuple(value: object, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(type(v) is int and v >= 0 for v in value):
        raise LegacyFormatError(f"bad tensor {what}: {value!r}")
    return value


def _rebuild_tensor(
    storage: object, offset: object, size: object, stride: object, *rest: object
) -> _TensorRef:
    """Stand-in for torch._utils._rebuild_tensor(_v2): only records where the tensor lives."""
    if not isinstance(storage, (_Storage, _StorageView)):
        raise LegacyFormatError(f"tensor built from {type(storage).__name__}, not a storage")
    if type(offset) is not int or offset < 0:
        raise LegacyFormatError(f"bad tensor storage offset: {offset!r}")
    size_t = _check_int_tuple(size, "size")
    stride_t = _check_int_tuple(stride, "stride")
    if len(size_t) != len(stride_t):
        raise LegacyFormatError(f"tensor size {size_t} and stride {stride_t} differ in rank")
    return _TensorRef(storage, offset, size_t, stride_t)


def _rebuild_parameter(data: object, requires_grad: object = False, hooks: object = None) -> object:
    """Stand-in for torch._utils._rebuild_parameter: a Parameter is just its tensor here."""
    if not isinstance(data, _TensorRef):
        raise LegacyFormatError("parameter built from something that is not a tensor")
    return data


_ALLOWED: dict[tuple[str, str], Any] = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name, dt) for name, dt in _STORAGE_DTYPES.items()},
}


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only allow-listed globals and torch storage ids."""

    def __init__(self, file: IO[bytes], *, allow_globals: bool) -> None:
        super().__init__(file, encoding="utf-8")
        self._allow_globals = allow_globals
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> Any:
        if self._allow_globals:
            found = _ALLOWED.get((module, name))
            if found is not None:
                return found
        raise LegacyFormatError(f"checkpoint refers to {module}.{name}, which is not allowed")

    def persistent_load(self, pid: Any) -> Any:
        if not self._allow_globals:
            raise LegacyFormatError("unexpected persistent id in checkpoint header")
        if not isinstance(pid, tuple) or len(pid) != 6 or pid[0] != "storage":
            raise LegacyFormatError(f"unsupported persistent id: {pid!r:.80}")
        _, storage_type, key, location, numel, view = pid
        if not isinstance(storage_type, _StorageType):
            raise LegacyFormatError(f"storage of unknown type {storage_type!r:.80}")
        if not isinstance(key, str) or type(numel) is not int or numel < 0:
            raise LegacyFormatError(f"bad storage id: {pid!r:.80}")
        if not isinstance(location, str) or not location.startswith(("cpu", "cuda")):
            raise LegacyFormatError(f"unsupported storage location {location!r:.40}")
        storage = self.storages.get(key)
        if storage is None:
            storage = self.storages[key] = _Storage(key, storage_type.dtype, numel)
        elif storage.dtype != storage_type.dtype or storage.numel != numel:
            raise LegacyFormatError(f"storage {key} declared twice with different types or sizes")
        if view is None:
            return storage
        if (
            not isinstance(view, tuple)
            or len(view) != 3
            or not all(type(v) is int and v >= 0 for v in view[1:])
            or view[1] + view[2] > numel
        ):
            raise LegacyFormatError(f"bad storage view {view!r:.80}")
        return _StorageView(storage, view[1], view[2])


def _load_plain(f: IO[bytes], what: str) -> Any:
    try:
        return _RestrictedUnpickler(f, allow_globals=False).load()
    except LegacyFormatError:
        raise
    except Exception as exc:  # pickle raises many kinds of errors on garbage
        raise LegacyFormatError(f"cannot read the {what}: {exc}") from exc


def _materialize(ref: _TensorRef) -> np.ndarray:
    if isinstance(ref.storage, _StorageView):
        root, base = ref.storage.root, ref.storage.offset
        limit = ref.storage.numel
    else:
        root, base, limit = ref.storage, 0, ref.storage.numel
    assert root.data is not None
    count = int(np.prod(ref.size, dtype=np.int64))
    if count:
        last = ref.offset + sum((s - 1) * st for s, st in zip(ref.size, ref.stride, strict=True))
        if last >= limit:
            raise LegacyFormatError(f"tensor of size {ref.size} runs past its storage ({limit} elements)")
    flat = root.data[base : base + limit]
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[ref.offset :] if count else flat[:0],
        shape=ref.size,
        strides=tuple(st * itemsize for st in ref.stride),
        writeable=False,
    )
    return np.ascontiguousarray(view).astype(view.dtype.newbyteorder("="), copy=False)


def _read_storages(f: IO[bytes], keys: list[str], storages: dict[str, _Storage], little: bool) -> None:
    order = "<" if little else ">"
    for key in keys:
        storage = storages.get(key)
        if storage is None:
            raise LegacyFormatError(f"storage {key!r} listed but never used")
        head = f.read(8)
        if len(head) != 8:
            raise LegacyFormatError(f"file ends before storage {key}")
        (numel,) = struct.unpack(order + "q", head)
        if numel != storage.numel:
            raise LegacyFormatError(f"storage {key} holds {numel} elements, expected {storage.numel}")
        dtype = np.dtype(order + storage.dtype)
        nbytes = numel * dtype.itemsize
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise LegacyFormatError(f"file ends inside storage {key} ({len(raw)} of {nbytes} bytes)")
        storage.data = np.frombuffer(raw, dtype=dtype)


def load_legacy_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Read a legacy-format torch state dict into ``{name: contiguous ndarray}`` (native byte order).

    Raises :class:`LegacyFormatError` (a ``ValueError``) for anything that is not a legacy
    checkpoint holding a flat mapping of names to CPU tensors.
    """
    path = Path(path)
    with path.open("rb") as f:
        start = f.read(4)
        if start.startswith(b"PK"):
            raise LegacyFormatError(f"{path}: zip-format torch checkpoint; only the legacy format is read")
        f.seek(0)
        if _load_plain(f, "magic number") != MAGIC_NUMBER:
            raise LegacyFormatError(f"{path}: not a legacy torch checkpoint (bad magic number)")
        protocol = _load_plain(f, "protocol version")
        if protocol != PROTOCOL_VERSION:
            raise LegacyFormatError(f"{path}: unsupported protocol version {protocol!r}")
        sys_info = _load_plain(f, "sys info")
        little = bool(sys_info.get("little_endian", True)) if isinstance(sys_info, dict) else True
        unpickler = _RestrictedUnpickler(f, allow_globals=True)
        try:
            obj = unpickler.load()
        except LegacyFormatError as exc:
            raise LegacyFormatError(f"{path}: {exc}") from exc
        except Exception as exc:
            raise LegacyFormatError(f"{path}: cannot read the state dict: {exc}") from exc
        keys = _load_plain(f, "storage key list")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise LegacyFormatError(f"{path}: bad storage key list")
        _read_storages(f, keys, unpickler.storages, little)
    if not isinstance(obj, dict):
        raise LegacyFormatError(f"{path}: holds a {type(obj).__name__}, not a state dict")
    missing = [s.key for s in unpickler.storages.values() if s.data is None]
    if missing:
        raise LegacyFormatError(f"{path}: no data for storages {missing[:5]}")
    out: dict[str, np.ndarray] = {}
    for name, value in obj.items():
        if not isinstance(name, str) or not isinstance(value, _TensorRef):
            raise LegacyFormatError(f"{path}: entry {name!r:.60} is not a tensor")
        out[name] = _materialize(value)
    log.debug("read %d tensors from %s", len(out), path)
    return out
