"""The pipeline's workers: one actor per device, owning a Session and an InferQueue on it.

Ray Data creates :class:`ClassifyActor` once per actor of the pool (``map_batches(ClassifyActor, ...)``)
and calls it with batches of picture paths (and their bytes, when Ray's reader read them).  The actor
decodes them itself, as the local ``classify`` does (:class:`~acl_async.pipeline.DecodeStage`: decode
threads, DCT-scaled JPEG decoding) and submits each model batch as soon as it is decoded: no decoded
tensor goes through Ray's object store.  Each picture becomes one result row: its path, the top-k class
ids, probabilities and labels, the actor that classified it, and why it could not be read ("" if it
could).  Ray Data's calls return a pyarrow Table; the actor pool's (:meth:`ClassifyActor.classify`) return
the same columns as plain lists, made a table by the driver.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..model_io import open_queue
from ..preprocess import InputFileError, PreprocessSpec
from ..results import top_n
from .decode import ERROR, PATH, decode_picture
from .devices import AssignedDevice, assigned_device
from .model_cache import use_node_cache

__all__ = [
    "ACTOR",
    "DRIVER",
    "LABELS",
    "PROBABILITIES",
    "TOP_IDS",
    "ActorInfo",
    "AfterBatch",
    "ClassifyActor",
    "Columns",
    "OnStart",
    "load_arrow",
    "result_schema",
    "rows_table",
]

TOP_IDS, PROBABILITIES, LABELS, ACTOR = "top_ids", "probabilities", "labels", "actor"


@dataclass(frozen=True)
class ActorInfo:
    """What an ``after_batch`` hook learns about the actor calling it."""

    actor_id: str
    node_id: str
    pid: int
    device: AssignedDevice

    @property
    def name(self) -> str:
        if self.actor_id == DRIVER:
            return f"{self.device.describe()} in the driver (head start, while Ray started)"
        return f"{self.device.describe()} on node {self.node_id[:8]} (actor {self.actor_id[:8]})"


#: The ``actor_id`` of the driver's own classifier (:mod:`.head_start`): not a Ray actor.
DRIVER = "driver"


#: Called in the actor after each batch is classified (before its results are returned): the actor and
#: how many batches it has classified since it (re)started.  For monitoring and tests.
AfterBatch = Callable[[ActorInfo, int], None]
#: Called in the actor as it starts, before it loads the model.  For monitoring and tests.
OnStart = Callable[[ActorInfo], None]


#: One batch's result rows, column by column (names of :func:`result_schema`), as plain Python lists.
Columns = dict[str, list[Any]]


def result_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            (PATH, pa.string()),
            (TOP_IDS, pa.list_(pa.int64())),
            (PROBABILITIES, pa.list_(pa.float64())),
            (LABELS, pa.list_(pa.string())),
            (ACTOR, pa.string()),
            (ERROR, pa.string()),
        ]
    )


def rows_table(columns: Columns) -> Any:
    """The pyarrow Table of a batch's result columns."""
    import pyarrow as pa

    schema = result_schema()
    return pa.Table.from_arrays([pa.array(columns[f.name], f.type) for f in schema], schema=schema)


def load_arrow() -> None:
    """Import what :func:`rows_table` needs, ahead of time: pyarrow, and pandas, which pyarrow imports at
    its first array when pandas is installed (0.2-0.25 s of one core, measured)."""
    import pyarrow as pa

    pa.array([0])


def _actor_info() -> ActorInfo:
    import os

    import ray

    ctx = ray.get_runtime_context()
    return ActorInfo(ctx.get_actor_id() or "", ctx.get_node_id(), os.getpid(), assigned_device())


def _resolve(value: Any) -> Any:
    """The model's bytes: given, in Ray's object store, or in a file of this node (a ``Path``)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return value
    if isinstance(value, Path):
        return value.read_bytes()
    import ray

    return ray.get(value) if isinstance(value, ray.ObjectRef) else value


class ClassifyActor:
    """Loads the model on the device Ray assigned and classifies batches of decoded pictures."""

    def __init__(
        self,
        model: Any,
        model_batch: int,
        top_k: int,
        labels: Sequence[str] | None,
        jobs: int = 0,
        config: str | None = None,
        after_batch: AfterBatch | None = None,
        on_start: OnStart | None = None,
        spec: PreprocessSpec | None = None,
        decode_threads: int | None = None,
        info: ActorInfo | None = None,
    ) -> None:
        """``info``: who classifies, for an instance outside Ray (the driver's head start); an actor
        learns it from Ray."""
        from ..session import Session

        self.info = info if info is not None else _actor_info()
        if on_start is not None:
            on_start(self.info)
        self.batch = model_batch
        self.spec = spec
        self.decode_threads = decode_threads
        self.top_k = top_k
        self.labels = list(labels) if labels is not None else None
        self.after_batch = after_batch
        self.batches = 0
        with use_node_cache():  # before the runtime starts: it reads the cache folder once
            self.session = Session(device_id=self.info.device.device_id, config=config)
            try:
                self.model = self.session.load_model(bytes(_resolve(model)))
            except BaseException:
                self.session.close()
                raise
        try:
            self.queue = open_queue(self.model, jobs=jobs, max_jobs=None if jobs else 8)
        except BaseException:
            self.session.close()
            raise
        self.lock = threading.Lock()
        self.outputs: dict[int, np.ndarray] = {}
        self.queue.set_callback(self._done)

    def _done(self, results: Sequence[np.ndarray], userdata: object) -> None:
        with self.lock:
            self.outputs[int(userdata)] = np.array(results[0], copy=True)  # type: ignore[call-overload]

    def _stage(self, paths: list[str], contents: Any) -> Any:
        """Decoding of one Ray batch, in order: local files through the local ``classify``'s loader,
        bytes read by Ray's reader through :func:`.decode.decode_picture`."""
        from ..pipeline import DecodeStage

        assert self.spec is not None
        if contents is None:
            return DecodeStage(paths, self.spec, threads=self.decode_threads)
        spec = self.spec

        def load(index: Any, out: np.ndarray | None = None) -> np.ndarray:
            i = int(str(index))
            try:
                return decode_picture(bytes(contents[i]), spec)
            except ValueError as exc:
                raise InputFileError(paths[i], str(exc)) from None

        return DecodeStage([str(i) for i in range(len(paths))], load=load, threads=self.decode_threads)

    def _classify(self, paths: list[str], contents: Any) -> tuple[list[int], np.ndarray | None, list[str]]:
        """Decode and classify: the rows that decoded, their score rows, and every row's error.  Each
        request of the model's batch is submitted once its pictures are decoded (the last one padded
        with its last picture)."""
        errors = [""] * len(paths)
        good: list[int] = []
        group: list[np.ndarray] = []
        self.outputs.clear()
        requests = 0

        def submit() -> None:
            nonlocal requests
            group.extend([group[-1]] * (self.batch - len(group)))
            data = group[0] if self.batch == 1 else np.concatenate(group, axis=0)
            self.queue.start_async([np.ascontiguousarray(data)], requests)
            requests += 1
            group.clear()

        with self._stage(paths, contents) as stage:
            for item in stage:
                if item.error is not None:
                    errors[item.index] = item.error.reason
                    continue
                assert item.tensor is not None
                good.append(item.index)
                group.append(item.tensor.reshape(1, *item.tensor.shape[-3:]))
                if len(group) == self.batch:
                    submit()
        if group:
            submit()
        self.queue.wait_all()
        if not good:
            return good, None, errors
        rows = [self.outputs[n].reshape(self.batch, -1) for n in range(requests)]
        return good, np.concatenate(rows)[: len(good)], errors

    def _columns(self, paths: list[str], contents: Any = None) -> Columns:
        """Classify one batch: its result rows as columns of plain Python values."""
        good, scores, errors = self._classify(paths, contents)
        ids: list[list[int]] = [[] for _ in paths]
        probs: list[list[float]] = [[] for _ in paths]
        names: list[list[str]] = [[] for _ in paths]
        for row, i in enumerate(good):
            assert scores is not None
            classes = top_n(scores[row], self.top_k, self.labels)
            ids[i] = [c.index for c in classes]
            probs[i] = [c.value for c in classes]
            names[i] = [c.label or "" for c in classes]
        self.batches += 1
        if self.after_batch is not None:
            self.after_batch(self.info, self.batches)
        return {
            PATH: paths,
            TOP_IDS: ids,
            PROBABILITIES: probs,
            LABELS: names,
            ACTOR: [self.info.name] * len(paths),
            ERROR: errors,
        }

    def __call__(self, batch: dict[str, Any]) -> Any:
        """One Ray Data batch (paths, and their bytes when Ray's reader read them): its result table."""
        return rows_table(self._columns([str(p) for p in batch[PATH]], batch.get("bytes")))

    def ready(self) -> str:
        """Returns once the actor has loaded its model (its name): the pool's sign that it can work."""
        return self.info.name

    def classify(self, paths: list[str]) -> Columns:
        """One batch of local picture paths (the call of :class:`.actor_pool.ActorPool` and of the driver's
        head start): its result columns, which the driver makes a table of (:func:`rows_table`).  No
        pyarrow in the actor: pyarrow imports pandas at its first array when pandas is installed, 0.25 s
        of one core per actor, measured, spent after the first batch's last picture with the cores idle."""
        return self._columns(paths)

    def close(self) -> None:
        """Release the queue and the session (idempotent)."""
        for obj in (getattr(self, "queue", None), getattr(self, "session", None)):
            close = getattr(obj, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - best effort at actor exit
                    pass

    def __del__(self) -> None:
        self.close()
