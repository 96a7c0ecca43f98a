"""The driver's head start: on a cluster the run starts itself (``--ray local``), the driver classifies
the first pictures while Ray starts, and stops once an actor has loaded its model.

Measured on 2 vCPUs (``benchmarks/ray_cli.py``, 3000 JPEGs): ``ray.init`` of a new local cluster takes
3-6 s of wall time (11 s under load) but 3.4 s of CPU, spent in the Python daemons it starts; the first
actor then needs about 1 s to import acl_async and load the model.  Without a head start the run's
pictures wait all that time and a core idles.  With it, the driver loads the model (in the node's model
cache, :mod:`.model_cache`: the actors then import what the driver compiled) and classifies chunks of
:data:`CHUNK` pictures with the same :class:`~.actor.ClassifyActor` code an actor runs, in a thread,
until :meth:`HeadStart.stop`; the actors take every picture it has not taken.  The rows it makes are the
rows an actor would have made (same model, runtime and decoding); the run's summary lists them as the
driver's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .actor import DRIVER, ActorInfo, ClassifyActor
from .devices import AssignedDevice

__all__ = ["CHUNK", "HeadStart", "PathQueue"]

#: Pictures the driver classifies per chunk: it stops between two chunks, so at most this many are
#: classified by the driver and an actor at the same time; each chunk ends by draining the queue (13-17 ms).
CHUNK = 64


class PathQueue:
    """The run's paths, handed out in order, in chunks, to whoever asks first (thread-safe)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self.taken = 0
        self.lock = threading.Lock()

    def take(self, count: int) -> list[str]:
        """The next ``count`` paths (fewer at the end, none when all are taken)."""
        with self.lock:
            chunk = self.paths[self.taken : self.taken + count]
            self.taken += len(chunk)
            return chunk

    def empty(self) -> bool:
        with self.lock:
            return self.taken >= len(self.paths)

    def batches(self, size: int) -> Iterator[list[str]]:
        """Batches of ``size`` paths, each taken when asked for (for :meth:`.actor_pool.ActorPool.run`)."""
        while chunk := self.take(size):
            yield chunk


class HeadStart:
    """A :class:`~.actor.ClassifyActor` in a thread of the driver, built with ``kwargs`` (an actor's,
    the model as bytes), classifying chunks of ``queue`` from :meth:`start` until :meth:`stop` or the
    queue is empty.  ``on_batch`` gets the size of each chunk classified."""

    def __init__(
        self, queue: PathQueue, kwargs: dict[str, Any], on_batch: Callable[[int], None] | None = None
    ) -> None:
        self.queue = queue
        self.kwargs = {**kwargs, "after_batch": None, "on_start": None}  # actor hooks run in actors only
        self.on_batch = on_batch
        self.results: list[Any] = []
        self.error: BaseException | None = None
        self.load_failed = False
        self.stopping = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="acl-async-head-start", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        worker: ClassifyActor | None = None
        try:
            info = ActorInfo(DRIVER, "", os.getpid(), AssignedDevice(0, None))
            try:
                worker = ClassifyActor(**self.kwargs, info=info)
            except BaseException:
                self.load_failed = True
                raise
            while not self.stopping.is_set():
                chunk = self.queue.take(CHUNK)
                if not chunk:
                    break
                self.results.append(worker.classify(chunk))
                if self.on_batch is not None:
                    self.on_batch(len(chunk))
        except BaseException as exc:  # noqa: BLE001 - raised again by stop(), in the caller's thread
            self.error = exc
        finally:
            if worker is not None:
                worker.close()  # the driver's queue and session now: their threads leave the cores
            self.done.set()

    def stop(self) -> list[Any]:
        """Stop after the current chunk; the result columns of its chunks.  Raises what the thread raised."""
        self.stopping.set()
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.results
