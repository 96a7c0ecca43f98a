"""Input data for benchmark requests.

Inference-only (the default, what ``benchmark_app`` does): every request gets its inputs once, before
the measured loop -- pictures/tensors given with ``-i`` (round-robin, ``batch`` of them per request), or
random values when no inputs are given.  Full pipeline (``--full-pipeline``, what applications do):
each iteration reads, decodes and preprocesses its ``batch`` pictures inside the loop -- on the loop's
thread, or (:meth:`InputSource.start_decoding`) on decode threads working ahead of the loop, in order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..model_io import DYNAMIC_TENSOR_NAME, InputDesc, is_picture_input
from ..pipeline import Decoded, DecodeStage, Slots, check
from ..preprocess import TENSOR_SUFFIXES, PreprocessSpec, load_input, load_tensor_file

__all__ = ["InputSource"]


def _random(desc: InputDesc, rng: np.random.Generator) -> np.ndarray:
    dtype = np.dtype(desc.dtype)
    shape = tuple(int(d) for d in desc.dims)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(dtype)
    if dtype.kind in "iu":
        return rng.integers(0, 10, shape).astype(dtype)
    raise ValueError(f"cannot make random data of type {dtype.name} for input {desc.name!r}")


class InputSource:
    """Makes the input arrays of requests (one array per model input, with the model's exact shapes).

    ``paths`` are pictures or ``.bin``/``.npy`` tensors (already expanded); they need a picture-shaped
    model (:func:`is_picture_input`) and a ``spec``.  Without paths, random values are used.
    """

    def __init__(
        self,
        descs: Sequence[InputDesc],
        batch: int,
        paths: Sequence[Path] = (),
        spec: PreprocessSpec | None = None,
        seed: int = 0,
    ) -> None:
        self.descs = list(descs)
        self.batch = batch
        self.paths = list(paths)
        self.spec = spec
        self._rng = np.random.default_rng(seed)
        self.in_blocks = False
        self._stage: DecodeStage | None = None
        self._items: Iterator[Decoded] | None = None
        self._next = 0
        self.tensors_only = bool(self.paths) and all(p.suffix.lower() in TENSOR_SUFFIXES for p in self.paths)
        if self.paths:
            if self.tensors_only and len(self.descs) == 1:
                pass  # .bin/.npy files of one batch item each, for any single-input model
            elif not (is_picture_input(self.descs) or (spec is not None and spec.layout == "NV12")):
                dims = [list(d.dims) for d in self.descs]
                raise ValueError(f"pictures need a model with one [N,3,H,W] or [N,H,W,3] input, not {dims}")
            elif spec is None:
                raise ValueError("pictures need a preprocessing spec")

    @property
    def random(self) -> bool:
        return not self.paths

    def describe(self) -> str:
        if self.random:
            return "random values (no -i given)"
        return f"{len(self.paths)} file(s), {self.batch} per request"

    def _load(self, path: Path, out: np.ndarray | None = None) -> np.ndarray:
        desc = self.descs[0]
        if self.tensors_only and self.spec is None:
            item = (1, *desc.dims[1:]) if len(desc.dims) >= 2 else tuple(desc.dims)
            return load_tensor_file(path, item, desc.dtype)
        assert self.spec is not None
        return load_input(path, self.spec, out=out)

    def _load_into(self, path: Path, out: np.ndarray | None) -> np.ndarray:
        tensor = self._load(path, out)
        if out is not None and tensor is not out:
            out[...] = tensor
            return out
        return tensor

    def start_decoding(self, threads: int | None = None, slots: Slots | None = None) -> bool:
        """From now on, :meth:`decode` (or :meth:`decode_block`) takes iterations 0, 1, 2... (in this
        order) from ``threads`` decode threads (None: the default number) working ahead of it; a no-op
        for random inputs.  With ``slots`` (pool blocks) and batch 1, the pictures are written straight
        into the blocks: returns True, then use :meth:`decode_block`."""
        if self.random or self._stage is not None:
            return False
        self.in_blocks = slots is not None and self.batch == 1
        stage_slots = slots if self.in_blocks else None
        self._stage = DecodeStage(itertools.cycle(self.paths), load=self._load_into, threads=threads,
                                  slots=stage_slots)  # fmt: skip
        self._items = iter(self._stage)
        self._next = 0
        return self.in_blocks

    def _take(self, iteration: int) -> Decoded:
        assert self._items is not None
        if iteration != self._next:
            raise RuntimeError(f"decode threads give iteration {self._next}, not {iteration}")
        item = next(self._items)
        check(item, "fatal")
        return item

    def decode_block(self, iteration: int) -> Any:
        """The pool block holding the inputs of ``iteration`` (after ``start_decoding`` with slots)."""
        item = self._take(iteration)
        self._next += 1
        return item.slot

    def stop_decoding(self) -> None:
        """Stop the decode threads (idempotent)."""
        if self._stage is not None:
            self._stage.close()
        self._stage = None
        self._items = None

    def decode(self, iteration: int) -> list[np.ndarray]:
        """The preprocessed pictures of ``iteration`` (round-robin over the paths): read now, or taken
        from the decode threads after :meth:`start_decoding`."""
        if self.random:
            arrays = [_random(desc, self._rng) for desc in self.descs]
            for k, desc in enumerate(self.descs):
                if desc.name == DYNAMIC_TENSOR_NAME:  # the profile: the batch size (0: the largest)
                    arrays[k] = np.zeros(arrays[k].shape, arrays[k].dtype)
                    if arrays[k].size == 1:
                        arrays[k][...] = self.batch
            return arrays
        desc = self.descs[0]
        if self._items is not None:
            arrays = [_usable(self._take(iteration)) for _ in range(self.batch)]
            self._next += 1
        else:
            start = iteration * self.batch
            arrays = [self._load(self.paths[(start + j) % len(self.paths)]) for j in range(self.batch)]
        tensor = arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=0)
        if tensor.shape != tuple(desc.dims) or tensor.dtype != np.dtype(desc.dtype):
            raise ValueError(
                f"preprocessing gives {tensor.dtype.name} {list(tensor.shape)} but input {desc.name!r} is "
                f"{desc.dtype} {list(desc.dims)}"
            )
        return [tensor]

    def prepare(self, requests: int) -> list[list[np.ndarray]]:
        """Inputs for each of ``requests`` requests, made once (inference-only mode)."""
        distinct = requests if self.random else min(requests, max(1, math.ceil(len(self.paths) / self.batch)))
        sets = [self.decode(k) for k in range(distinct)]
        return [sets[k % distinct] for k in range(requests)]


def _usable(item: Decoded) -> np.ndarray:
    assert item.tensor is not None
    return item.tensor
