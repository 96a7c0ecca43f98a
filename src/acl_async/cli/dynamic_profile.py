"""The driver's (``acl-async [EXECUTE_TIMES ...]``, :mod:`.run`) profile of a dynamic ``acl-async atc`` model.

A model converted with ``--dynamic_batch_size``, ``--dynamic_image_size`` or ``--dynamic_dims`` has
profiles (gears): its buffers are sized for the largest one (:mod:`acl_async.model_io`), and each
execution runs the profile written into its last input ``ascend_mbatch_shape_data`` (the batch size, the
height and width, or the values of the -1 dims, as ``aclmdlSetDynamicBatchSize`` / ``SetDynamicHWSize`` /
``SetInputDynamicDims`` write them). ``--dym-batch N``, ``--dym-hw H,W`` and ``--dym-dims
name:d0,d1,...;...`` choose one (msame's and ais_bench's ``--dymBatch`` ... spellings too); without a
choice, tensor files pick the profile of their size, else the largest profile runs, as the runtime does.
The data of the chosen profile fills the front of the largest buffers, and its outputs are the front of
the output buffers, reshaped to the profile's output shapes (from the model's IR, reshaped by OpenVINO).

A model with shape ranges (``--input_shape_range``) takes ``--dym-shape name:d0,...``, checked against
the ranges; the memory pool needs static shapes, so it runs one execution at a time through pyACL with
buffers of that shape and the shape in the input dataset's tensor desc (``aclmdlSetDatasetTensorDesc``).

Everything is read from the model file and checked before ACL is initialized (:class:`UsageError`).
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model_io import DYNAMIC_TENSOR_NAME
from .dynamic_options import _DEST, OPTIONS, add_options
from .errors import UsageError

if TYPE_CHECKING:
    from .._acl import Model
    from ..preprocess import PreprocessSpec
    from ..sample_run import ResultHandler

__all__ = ["DynamicRun", "Profiles", "add_options", "choose", "execute", "read_profiles"]

_OV_TYPES = {
    "f32": "float32",
    "f16": "float16",
    "u8": "uint8",
    "i8": "int8",
    "i32": "int32",
    "i64": "int64",
    "f64": "float64",
    "boolean": "bool",
    "u16": "uint16",
    "i16": "int16",
}
_NAMED = re.compile(r"^\s*([^:;]+?)\s*:\s*([0-9,\s]+)\s*$")


# -- the model's profiles -------------------------------------------------------------------------


@dataclass(frozen=True)
class Profiles:
    """The profiles of a dynamic .om: ``kind`` batch / hw / dims / range, each profile's values (as the
    dynamic tensor takes them), the network inputs (name, dims with -1, dtype), and for ``range`` each
    input's (min, max) per dimension (max -1: unbounded)."""

    path: Path
    kind: str
    gears: tuple[tuple[int, ...], ...]
    inputs: tuple[tuple[str, tuple[int, ...], str], ...]
    ranges: tuple[tuple[tuple[int, int], ...], ...] = ()

    def shapes(self, values: Sequence[int]) -> list[tuple[int, ...]]:
        """Every network input's shape in the profile with these values."""
        out, k = [], 0
        for _, dims, _ in self.inputs:
            shape = []
            for d in dims:
                if d >= 0:
                    shape.append(d)
                elif self.kind == "dims":
                    shape.append(values[k])
                    k += 1
                else:  # batch: every -1 is N; hw: the -1s are H, W in order
                    shape.append(values[k % len(values)])
                    k += 1
            out.append(tuple(shape))
            if self.kind != "dims":
                k = 0
        return out

    def nbytes(self, values: Sequence[int]) -> int:
        return sum(
            math.prod(s) * np.dtype(t).itemsize
            for s, (_, _, t) in zip(self.shapes(values), self.inputs, strict=True)
        )

    def text(self, values: Sequence[int]) -> str:
        if self.kind == "dims":
            return ";".join(
                f"{n}:{','.join(map(str, s))}"
                for (n, d, _), s in zip(self.inputs, self.shapes(values), strict=True)
                if -1 in d
            )
        return ",".join(map(str, values))

    def listing(self) -> str:
        """``batch profiles 1, 2, 4`` as the refusals name them."""
        name = {"batch": "batch", "hw": "image size (H,W)", "dims": "dims"}[self.kind]
        return f"{name} profiles " + (" | " if self.kind == "dims" else ", ").join(
            self.text(g) for g in self.gears
        )

    @property
    def largest(self) -> tuple[int, ...]:
        """The profile the runtime runs when none is chosen: the most input bytes (the first of equals)."""
        return max(self.gears, key=self.nbytes)


def _network_inputs(meta: dict[str, str]) -> tuple[tuple[str, tuple[int, ...], str], ...]:
    out = []
    for item in filter(None, meta.get("inputs", "").split(";")):
        name, dims, ov_type = item.rsplit(":", 2)
        out.append((name, tuple(int(d) for d in dims.split(",") if d), _OV_TYPES.get(ov_type, ov_type)))
    return tuple(out)


def _read_ir(path: Path) -> Any:
    import openvino as ov

    from ..atc.container import read_container

    c = read_container(path)
    weights = ov.Tensor(np.frombuffer(c.weights, np.uint8).copy() if c.weights else np.zeros(1, np.uint8))
    return ov.Core().read_model(c.xml.decode(), weights)


def read_profiles(path: Path) -> Profiles | None:
    """The profiles of an ``acl-async atc`` .om (None: not one, or a static model); UsageError for a
    model the driver cannot feed (more than one network input)."""
    from ..atc.container import is_container, read_container

    if not is_container(path):
        return None
    try:
        meta = read_container(path).meta
    except (OSError, ValueError):
        return None  # loading it gives the runtime's own error
    kind = meta.get("dynamic")
    if kind not in ("batch", "hw", "dims") and "input_shape_range" not in meta:
        return None
    inputs = _network_inputs(meta)
    if len(inputs) != 1:
        raise UsageError(
            f"{path}: a dynamic model with {len(inputs)} inputs; the driver feeds one input "
            "(run it through pyACL or ais_bench)"
        )
    if kind in ("batch", "hw", "dims"):
        gears = tuple(tuple(int(v) for v in g.split(",")) for g in meta.get("gears", "").split(";") if g)
        return Profiles(path, kind, gears, inputs)
    model = _read_ir(path)
    ranges = []
    for port in model.inputs:
        ps = port.get_partial_shape()
        ranges.append(tuple((d.get_min_length(), d.get_max_length()) for d in ps))
    return Profiles(path, "range", (), inputs, tuple(ranges))


# -- the choice -----------------------------------------------------------------------------------


def _ints(text: str, flag: str, what: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"{flag} {text!r}: expected {what}") from None
    if any(v < 1 for v in values):
        raise UsageError(f"{flag} {text!r}: values must be >= 1")
    return values


def _named_dims(text: str, flag: str, profiles: Profiles) -> dict[str, tuple[int, ...]]:
    names = [n for n, _, _ in profiles.inputs]
    out: dict[str, tuple[int, ...]] = {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        match = _NAMED.match(item)
        if match is None:
            raise UsageError(f"{flag} {text!r}: expected name:d0,d1,...;... (e.g. {names[0]}:1,3,224,224)")
        name = match.group(1)
        if name not in names:
            raise UsageError(f"{flag}: the model has no input {name!r} (inputs: {', '.join(names)})")
        out[name] = _ints(match.group(2), flag, "integers")
    if not out:
        raise UsageError(f"{flag}: no dims given")
    return out


def _given(args: argparse.Namespace) -> list[tuple[str, str]]:
    return [
        (kind, getattr(args, dest)) for kind, dest in _DEST.items() if getattr(args, dest, None) is not None
    ]


def _flag(kind: str) -> str:
    return OPTIONS[kind][0]


def _values(profiles: Profiles, kind: str, text: str) -> tuple[int, ...]:
    """The profile values an option names (UsageError when it names no profile of the model)."""
    flag = _flag(kind)
    if kind != profiles.kind:
        need = f"give {_flag(profiles.kind)}" + (
            "" if profiles.kind == "range" else f" ({profiles.listing()})"
        )
        what = "shape ranges" if profiles.kind == "range" else profiles.listing()
        raise UsageError(f"{flag}: {profiles.path.name} has {what}, not {kind} profiles; {need}")
    if kind == "batch":
        values = _ints(text, flag, "a batch size")
        if len(values) != 1:
            raise UsageError(f"{flag} {text!r}: expected one batch size")
    elif kind == "hw":
        values = _ints(text, flag, "H,W")
        if len(values) != 2:
            raise UsageError(f"{flag} {text!r}: expected H,W")
    else:
        named = _named_dims(text, flag, profiles)
        values = ()
        for name, dims, _ in profiles.inputs:
            if -1 not in dims:
                continue
            if name not in named:
                raise UsageError(f"{flag}: no dims for the dynamic input {name!r}")
            got = named[name]
            if len(got) != len(dims) or any(d >= 0 and g != d for g, d in zip(got, dims, strict=False)):
                raise UsageError(f"{flag}: input {name!r} is {list(dims)}, not {list(got)}")
            values += tuple(g for g, d in zip(got, dims, strict=False) if d < 0)
    if values not in profiles.gears:
        raise UsageError(f"{flag} {text}: not a profile of {profiles.path.name} ({profiles.listing()})")
    return values


def _range_shape(profiles: Profiles, text: str) -> tuple[int, ...]:
    flag = _flag("range")
    named = _named_dims(text, flag, profiles)
    name, _, _ = profiles.inputs[0]
    if name not in named:
        raise UsageError(f"{flag}: no shape for the input {name!r}")
    shape, bounds = named[name], profiles.ranges[0]
    if len(shape) != len(bounds) or any(
        s < lo or (hi >= 0 and s > hi) for s, (lo, hi) in zip(shape, bounds, strict=False)
    ):
        text_ranges = ",".join(str(lo) if lo == hi else f"{lo}~{hi if hi >= 0 else ''}" for lo, hi in bounds)
        raise UsageError(f"{flag}: {list(shape)} is outside the ranges of input {name!r} [{text_ranges}]")
    return shape


def _tensor_shape(path: Path) -> tuple[int, ...] | None:
    """A ``.npy`` file's shape (its header), None for other files."""
    if path.suffix.lower() != ".npy":
        return None
    try:
        return tuple(np.load(path, mmap_mode="r", allow_pickle=False).shape)
    except (OSError, ValueError):
        return None


def _fits(profiles: Profiles, values: tuple[int, ...], path: Path) -> bool:
    return _fits_shape(profiles.shapes(values)[0], np.dtype(profiles.inputs[0][2]), path)


def _fits_shape(shape: tuple[int, ...], dtype: np.dtype, path: Path) -> bool:
    npy = _tensor_shape(path)
    if npy is not None:
        return npy == shape or (shape[:1] == (1,) and npy == shape[1:])
    try:
        return path.stat().st_size == math.prod(shape) * dtype.itemsize
    except OSError:
        return False


def _by_size(profiles: Profiles, tensors: Sequence[Path]) -> tuple[int, ...] | None:
    """The one profile every tensor file fits (None without tensor files); UsageError for a file that
    fits no profile."""
    chosen: tuple[int, ...] | None = None
    for path in tensors:
        fit = [g for g in profiles.gears if _fits(profiles, g, path)]
        if not fit:
            raise UsageError(
                f"{path}: its size fits no profile of {profiles.path.name} ({profiles.listing()})"
            )
        if chosen is None or chosen not in fit:
            if chosen is not None:
                raise UsageError(
                    f"{path} and the earlier inputs fit different profiles; choose one with "
                    f"{_flag(profiles.kind)}"
                )
            chosen = fit[-1] if profiles.largest not in fit else profiles.largest
    return chosen


@dataclass(frozen=True)
class DynamicRun:
    """The chosen profile: its values and input shape, and what it was chosen by."""

    profiles: Profiles
    values: tuple[int, ...]
    shape: tuple[int, ...]
    how: str

    @property
    def batch(self) -> int:
        """Pictures per execution (the batch of a batch profile, else 1)."""
        return self.values[0] if self.profiles.kind == "batch" else 1

    @property
    def dtype(self) -> str:
        return self.profiles.inputs[0][2]

    def describe(self) -> str:
        if self.profiles.kind == "range":
            return f"dynamic shape {list(self.shape)} ({self.how})"
        return f"dynamic profile {self.profiles.kind} {self.profiles.text(self.values)} ({self.how})"

    def spec(self, model: Path) -> PreprocessSpec:
        """Picture preprocessing at the profile's input size (one picture: batch 1)."""
        from .. import preprocess, zoo

        item = (1, *self.shape[1:])
        return preprocess.spec_for_model(item, self.dtype, zoo.read_model_metadata(model))

    def check_inputs(self, paths: Sequence[Path], pictures: bool = True) -> None:
        """Every tensor file of the profile's size, pictures only for a picture-shaped input, and (with
        ``pictures``) each picture's header readable (UsageError / the picture's InputFileError)."""
        from ..preprocess import TENSOR_SUFFIXES, check_input, infer_layout

        name = self.profiles.path.name
        listing = "" if self.profiles.kind == "range" else self.profiles.listing()
        for path in paths:
            if path.suffix.lower() in TENSOR_SUFFIXES:
                if self.profiles.kind == "range":
                    if not _fits_shape(self.shape, np.dtype(self.dtype), path):
                        raise UsageError(
                            f"{path}: not of the {self.how} shape {list(self.shape)} ({self.dtype})"
                        )
                    continue
                if not _fits(self.profiles, self.values, path):
                    fit = [g for g in self.profiles.gears if _fits(self.profiles, g, path)]
                    if not fit:
                        raise UsageError(f"{path}: its size fits no profile of {name} ({listing})")
                    raise UsageError(
                        f"{path}: has profile {self.profiles.text(fit[0])}'s size, but the profile is "
                        f"{self.profiles.text(self.values)} ({self.how}; {listing})"
                    )
                continue
            try:
                infer_layout(self.shape)
            except ValueError:
                raise UsageError(
                    f"{path}: pictures need an [N,3,H,W] or [N,H,W,3] input; the profile's input "
                    f"is {list(self.shape)} (give .bin/.npy tensors)"
                ) from None
            if pictures:
                check_input(path, None)

    def output_shapes(self) -> list[tuple[int, ...]]:
        """The network's output shapes at this profile (the model's IR reshaped by OpenVINO)."""
        model = _read_ir(self.profiles.path)
        model.reshape({model.inputs[0]: list(self.shape)})
        return [tuple(int(d) for d in out.get_shape()) for out in model.outputs]


def choose(model: Path, args: argparse.Namespace, paths: Sequence[Path]) -> DynamicRun | None:
    """The profile to run (None: a static model); UsageError for an option the model has no profile
    for, or an input that fits no profile / not the chosen one."""
    from ..preprocess import TENSOR_SUFFIXES

    given = _given(args)
    if len(given) > 1:
        raise UsageError(" and ".join(_flag(k) for k, _ in given) + ": give one profile option")
    profiles = read_profiles(model)
    if profiles is None:
        if given:
            raise UsageError(f"{_flag(given[0][0])}: {model.name} has no profiles (a static model)")
        return None
    tensors = [p for p in paths if p.suffix.lower() in TENSOR_SUFFIXES]
    if profiles.kind == "range":
        if not given:
            raise UsageError(
                f"{model.name} has shape ranges: give the input shape with {_flag('range')} NAME:D0,..."
            )
        kind, text = given[0]
        if kind != "range":
            _values(profiles, kind, text)  # refused: names the option the model takes
        run = DynamicRun(profiles, (), _range_shape(profiles, text), _flag("range"))
        run.check_inputs(paths, pictures=getattr(args, "bad_input", "fatal") == "fatal")
        return run
    if given:
        kind, text = given[0]
        values, how = _values(profiles, kind, text), _flag(kind)
    else:
        by_size = _by_size(profiles, tensors)
        values, how = (by_size, "the inputs' size") if by_size else (profiles.largest, "the largest")
    run = DynamicRun(profiles, values, profiles.shapes(values)[0], how)
    run.check_inputs(paths, pictures=getattr(args, "bad_input", "fatal") == "fatal")
    return run


# -- execution ------------------------------------------------------------------------------------


def _items(
    run: DynamicRun, paths: Sequence[Path], spec: PreprocessSpec, times: int, skip_bad: bool
) -> Iterator[tuple[str, np.ndarray]]:
    """The input of each execution: a tensor file of the profile's shape, or ``run.batch`` pictures
    preprocessed at its size (round-robin); decoded once each while they take at most 256 MB."""
    from .. import preprocess
    from ..sample_run import DECODED_BYTES_MAX

    cache: dict[Path, np.ndarray | None] = {}
    cached = 0

    def load(path: Path) -> np.ndarray | None:
        nonlocal cached
        if path in cache:
            return cache[path]
        try:
            if path.suffix.lower() in preprocess.TENSOR_SUFFIXES:
                tensor = preprocess.load_tensor_file(path, run.shape, run.dtype)
            else:
                tensor = preprocess.load_input(path, spec)
        except preprocess.InputFileError:
            if not skip_bad:
                raise
            import logging

            logging.getLogger("acl_async").warning("skipping %s", path)
            tensor = None
        if tensor is None or cached + tensor.nbytes <= DECODED_BYTES_MAX:
            cache[path] = tensor
            cached += 0 if tensor is None else tensor.nbytes
        return tensor

    k = 0
    for _ in range(times):
        names, parts = [], []
        tensor_file = paths[k % len(paths)].suffix.lower() in preprocess.TENSOR_SUFFIXES
        need = 1 if tensor_file else run.batch
        misses = 0
        while len(parts) < need:
            path = paths[k % len(paths)]
            k += 1
            tensor = load(path)
            if tensor is None:
                misses += 1
                if misses > len(paths):
                    raise preprocess.InputFileError(paths[0], "no usable input among the given files")
                continue
            names.append(path.name)
            parts.append(tensor)
        yield ",".join(names), parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


def _front(largest: Sequence[int], dtype: np.dtype, data: np.ndarray) -> np.ndarray:
    """``data`` at the front of a buffer of the largest profile (as ACL reads a profile's data)."""
    buf = np.zeros(tuple(largest), dtype)
    buf.reshape(-1)[: data.size] = data.reshape(-1)
    return buf


def execute(
    run: DynamicRun,
    model: Model,
    paths: Sequence[Path],
    spec: PreprocessSpec,
    times: int,
    pool_size: int,
    callback_interval: int,
    handler: ResultHandler,
    *,
    bad_input: str = "fatal",
) -> int:
    """:func:`acl_async.sample_run.execute` for a dynamic model: each execution's input at the front of
    the largest profile's buffer and the profile's values in ``ascend_mbatch_shape_data``; the handler
    gets the profile's outputs."""
    from ..runner import AsyncRunner

    if run.profiles.kind == "range":
        return _execute_shape(run, model, paths, spec, times, handler, bad_input == "skip")
    descs = list(model.inputs)
    if len(descs) != 2 or descs[-1].name != DYNAMIC_TENSOR_NAME:
        raise ValueError(f"{run.profiles.path}: the loaded model has no {DYNAMIC_TENSOR_NAME} input")
    largest, dtype = tuple(descs[0].shape), np.dtype(descs[0].dtype)
    gear = np.zeros(tuple(descs[1].shape), np.int64)
    gear.reshape(-1)[: len(run.values)] = run.values
    shapes = run.output_shapes()

    def deliver(outputs: Sequence[np.ndarray], userdata: tuple[int, str]) -> None:
        handler(
            [o.reshape(-1)[: math.prod(s)].reshape(s) for o, s in zip(outputs, shapes, strict=False)],
            userdata,
        )

    runner = AsyncRunner(model, pool_size=pool_size, callback_interval=callback_interval, callback=deliver)
    with runner:
        for n, (name, tensor) in enumerate(_items(run, paths, spec, times, bad_input == "skip")):
            if handler.failed.is_set():
                break
            runner.submit([_front(largest, dtype, tensor), gear], userdata=(n + 1, name))
        runner.wait()
    if handler.error is not None:
        raise handler.error
    return handler.done


def _ok(ret: int, what: str) -> None:
    if ret != 0:
        from ..errors import AclError

        raise AclError(ret, what)


def _execute_shape(
    run: DynamicRun,
    model: Model,
    paths: Sequence[Path],
    spec: PreprocessSpec,
    times: int,
    handler: ResultHandler,
    skip_bad: bool,
) -> int:
    """A model with shape ranges, one execution at a time through pyACL: the input shape goes to the
    input dataset's tensor desc (``aclmdlSetDatasetTensorDesc``), buffers sized for that shape (the
    memory pool needs static shapes; the callback interval and pool size do not apply)."""
    import acl

    in_bytes = math.prod(run.shape) * np.dtype(run.dtype).itemsize
    shapes = run.output_shapes()
    out_types = [np.dtype(d.dtype) for d in model.outputs]
    host_outs = [np.zeros(s, t) for s, t in zip(shapes, out_types, strict=True)]
    held: list[tuple[Callable[[Any], Any], Any]] = []  # released in reverse order
    try:
        buffers = []
        for nbytes in [in_bytes] + [a.nbytes for a in host_outs]:
            ptr, ret = acl.rt.malloc(max(nbytes, 1), 0)
            _ok(ret, "aclrtMalloc")
            held.append((acl.rt.free, ptr))
            buffers.append((ptr, nbytes))
        datasets = []
        for part in (buffers[:1], buffers[1:]):
            ds = acl.mdl.create_dataset()
            held.append((acl.mdl.destroy_dataset, ds))
            for ptr, nbytes in part:
                buf = acl.create_data_buffer(ptr, max(nbytes, 1))
                held.append((acl.destroy_data_buffer, buf))
                _ok(acl.mdl.add_dataset_buffer(ds, buf)[1], "aclmdlAddDatasetBuffer")
            datasets.append(ds)
        desc = acl.create_tensor_desc(model.inputs[0].acl_dtype, list(run.shape), model.inputs[0].acl_format)
        held.append((acl.destroy_tensor_desc, desc))
        _ok(acl.mdl.set_dataset_tensor_desc(datasets[0], desc, 0)[1], "aclmdlSetDatasetTensorDesc")
        for n, (name, tensor) in enumerate(_items(run, paths, spec, times, skip_bad)):
            if handler.failed.is_set():
                break
            data = np.ascontiguousarray(tensor)
            _ok(
                acl.rt.memcpy(buffers[0][0], in_bytes, acl.util.numpy_to_ptr(data), in_bytes, 1),
                "aclrtMemcpy",
            )
            _ok(acl.mdl.execute(model.id, datasets[0], datasets[1]), "aclmdlExecute")
            for (ptr, nbytes), out in zip(buffers[1:], host_outs, strict=True):
                _ok(acl.rt.memcpy(acl.util.numpy_to_ptr(out), nbytes, ptr, nbytes, 2), "aclrtMemcpy")
            handler([o.copy() for o in host_outs], (n + 1, name))
    finally:
        for release, handle in reversed(held):
            release(handle)
    if handler.error is not None:
        raise handler.error
    return handler.done


def per_item(
    run: DynamicRun | None, show: Callable[[int, str, Sequence[np.ndarray]], None]
) -> Callable[..., None]:
    """``show`` once per item of a batch profile's execution: its pictures (the names joined by commas),
    or the rows of a tensor file (``name[j]``)."""
    if run is None or run.batch == 1:
        return show
    batch = run.batch

    def each(execution: int, source: str, outputs: Sequence[np.ndarray]) -> None:
        if not outputs or outputs[0].ndim == 0 or outputs[0].shape[0] != batch:
            show(execution, source, outputs)
            return
        names = source.split(",")
        if len(names) != batch:
            names = [f"{source}[{j}]" for j in range(batch)]
        for j, name in enumerate(names):
            show(execution, name, [o[j : j + 1] for o in outputs])

    return each
