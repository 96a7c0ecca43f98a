"""Accelerator side of the pipeline: one actor per device, owning a Session and an InferQueue on it.

Ray Data creates :class:`ClassifyActor` once per actor of the pool (``map_batches(ClassifyActor, ...)``)
and calls it with batches of decoded pictures.  Each picture row becomes one result row: its path, the
top-k class ids, probabilities and labels, the actor that classified it, and the decoding error (if any,
passed through untouched).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model_io import open_queue
from ..results import top_n
from .decode import ERROR, PATH, TENSOR
from .devices import AssignedDevice, assigned_device

__all__ = ["ACTOR", "LABELS", "PROBABILITIES", "TOP_IDS", "ActorInfo", "ClassifyActor", "result_schema"]

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
        return f"{self.device.describe()} on node {self.node_id[:8]} (actor {self.actor_id[:8]})"


#: Called in the actor after each batch is classified (before its results are returned): the actor and
#: how many batches it has classified since it (re)started.  For monitoring and tests.
AfterBatch = Callable[[ActorInfo, int], None]


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


def _resolve(value: Any) -> Any:
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
    ) -> None:
        import os

        import ray

        from ..session import Session

        ctx = ray.get_runtime_context()
        self.info = ActorInfo(ctx.get_actor_id() or "", ctx.get_node_id(), os.getpid(), assigned_device())
        self.batch = model_batch
        self.top_k = top_k
        self.labels = list(labels) if labels is not None else None
        self.after_batch = after_batch
        self.batches = 0
        self.session = Session(device_id=self.info.device.device_id, config=config)
        try:
            self.model = self.session.load_model(bytes(_resolve(model)))
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

    def _scores(self, tensors: np.ndarray) -> np.ndarray:
        """One score row per picture: requests of the model's batch, the last padded with its last picture."""
        count = len(tensors)
        self.outputs.clear()
        for n, start in enumerate(range(0, count, self.batch)):
            chunk = tensors[start : start + self.batch]
            if len(chunk) < self.batch:
                chunk = np.concatenate([chunk, np.repeat(chunk[-1:], self.batch - len(chunk), axis=0)])
            self.queue.start_async([np.ascontiguousarray(chunk)], n)
        self.queue.wait_all()
        rows = [self.outputs[n].reshape(self.batch, -1) for n in range(len(self.outputs))]
        return np.concatenate(rows)[:count] if rows else np.zeros((0, 0))

    def __call__(self, batch: dict[str, Any]) -> Any:
        import pyarrow as pa

        paths = [str(p) for p in batch[PATH]]
        errors = [str(e) for e in batch[ERROR]]
        good = [i for i, e in enumerate(errors) if not e]
        scores = self._scores(np.asarray(batch[TENSOR])[good]) if good else None
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
        actor = [self.info.name] * len(paths)
        return pa.Table.from_arrays(
            [
                pa.array(paths),
                pa.array(ids),
                pa.array(probs),
                pa.array(names),
                pa.array(actor),
                pa.array(errors),
            ],
            schema=result_schema(),
        )

    def __del__(self) -> None:
        for obj in (getattr(self, "queue", None), getattr(self, "session", None)):
            close = getattr(obj, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - best effort at actor exit
                    pass
