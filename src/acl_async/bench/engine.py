"""The ACL side of a benchmark run: what executes one request.

* :class:`SyncEngine` -- one model load, one pool block, ``Model.execute`` (``aclmdlExecute``).
* :class:`AsyncEngine` -- N requests in flight on N streams, each stream with its own load of the model
  (a model id must not run on two streams at once) and its own pool block; a request is
  ``execute_async`` (input copy, ``aclmdlExecuteAsync``, output copy) followed by a completion callback
  launched on the same stream, run by one report thread subscribed to every stream.
* :class:`QueueEngine` -- the same through :class:`acl_async.InferQueue` (``start_async`` + a Python
  ``cb(outputs, userdata)``).

Every engine gives the model input description, takes inputs per request id, runs a first (warm-up)
inference, and submits requests whose completion calls the function given to ``on_complete``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

import numpy as np

from ..model_io import InputDesc, check_requests, describe_inputs, open_queue, suggested_requests
from ..progress import bar

__all__ = [
    "AsyncEngine",
    "Engine",
    "QueueEngine",
    "SyncEngine",
    "open_engine",
]

SYNC_TIMEOUT_S = 120.0


class Engine(Protocol):
    """What every engine does; how requests are driven is engine-specific (``SyncEngine.execute``,
    ``AsyncEngine.on_complete`` + ``submit``, ``QueueEngine.queue``)."""

    requests: int
    inputs: list[InputDesc]

    def set_inputs(self, rid: int, arrays: Sequence[np.ndarray]) -> None: ...
    def first_inference(self) -> float: ...
    def finish(self) -> None: ...
    def close(self) -> None: ...


def _acl() -> Any:
    from .. import _acl

    return _acl


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def _close(*objects: Any) -> None:
    for obj in objects:
        close = getattr(obj, "close", None)
        if close is not None:
            close()


class SyncEngine:
    """One request, executed synchronously."""

    requests = 1

    def __init__(self, model: Any, spare_blocks: int = 0) -> None:
        acl = _acl()
        self.model = model
        self.inputs = describe_inputs(model)
        self.pool = acl.MemoryPool(self.model, 1 + spare_blocks)
        self.block = self.pool.acquire()

    def set_inputs(self, rid: int, arrays: Sequence[np.ndarray]) -> None:
        self.block.set_inputs(list(arrays))

    def use_block(self, rid: int, block: Any) -> None:
        """Execute ``block`` (a pool block whose inputs were written in place) from now on."""
        old, self.block = self.block, block
        old.release()

    def first_inference(self) -> float:
        start = time.perf_counter()
        self.model.execute(self.block)
        return _ms_since(start)

    def execute(self) -> None:
        self.model.execute(self.block)

    def finish(self) -> None:
        return None

    def close(self) -> None:
        _close(self.pool, self.model)


class AsyncEngine:
    """N requests on N streams, one model load and one block per stream, callbacks via a report thread."""

    def __init__(self, first: Any, requests: int | None, spare_blocks: int = 0) -> None:
        acl = _acl()
        self.models: list[Any] = [first]
        self.streams: list[Any] = []
        self.pool: Any = None
        self.report: Any = None
        try:
            self.inputs = describe_inputs(first)
            self.requests = requests if requests is not None else suggested_requests(first)
            check_requests(self.requests)
            context = first.context
            # The pool first: its memory check fails at once, before minutes of model loads.
            self.pool = acl.MemoryPool(first, self.requests + spare_blocks)
            self.blocks = [self.pool.acquire() for _ in range(self.requests)]
            self.streams = [acl.Stream(context) for _ in range(self.requests)]
            with bar(self.requests - 1, "loading the model on each stream", "model") as loading:
                for _ in range(self.requests - 1):
                    self.models.append(first.load_copy())
                    loading.update()
            self.report = acl.ReportThread(context)
            for stream in self.streams:
                self.report.subscribe(stream)
        except BaseException:
            self.close()
            raise
        self._callbacks: list[Callable[[], None]] = []

    def set_inputs(self, rid: int, arrays: Sequence[np.ndarray]) -> None:
        self.blocks[rid].set_inputs(list(arrays))

    def use_block(self, rid: int, block: Any) -> None:
        """Request ``rid`` (idle: its last execution is done) executes ``block`` (a pool block whose
        inputs were written in place) from now on; its previous block goes back to the pool."""
        old, self.blocks[rid] = self.blocks[rid], block
        old.release()

    def first_inference(self) -> float:
        start = time.perf_counter()
        self.models[0].execute_async(self.blocks[0], self.streams[0])
        self.streams[0].synchronize(SYNC_TIMEOUT_S)
        return _ms_since(start)

    def on_complete(self, fn: Callable[[int], None]) -> None:
        self._callbacks = [partial(fn, rid) for rid in range(self.requests)]

    def submit(self, rid: int, iteration: int) -> None:
        stream = self.streams[rid]
        self.models[rid].execute_async(self.blocks[rid], stream)
        self.report.launch_callback(self._callbacks[rid], stream)

    def finish(self) -> None:
        """Wait for every stream; re-raises an execution or callback failure."""
        for stream in self.streams:
            stream.synchronize(SYNC_TIMEOUT_S)

    def close(self) -> None:
        _close(self.report, *self.streams, self.pool, *reversed(self.models))


class QueueEngine:
    """The same through ``InferQueue``, driven by :func:`~acl_async.bench.loops.run_queue`."""

    def __init__(self, model: Any, requests: int | None) -> None:
        self.model = model
        self.inputs = describe_inputs(model)
        self.queue = open_queue(model, jobs=requests or 0)
        self.requests = len(self.queue)
        self._data: list[list[np.ndarray]] = [[] for _ in range(self.requests)]

    def set_inputs(self, rid: int, arrays: Sequence[np.ndarray]) -> None:
        self._data[rid] = list(arrays)

    def first_inference(self) -> float:
        self.queue.set_callback(lambda outputs, userdata: None)
        start = time.perf_counter()
        self.queue.start_async(self._data[0], None)
        self.queue.wait_all()
        return _ms_since(start)

    def data_for(self, source: Any | None) -> Callable[[int, int], list[np.ndarray]]:
        """``inputs(job, i)`` for the queue loop: the prepared inputs of the job, or (with a ``source``,
        full-pipeline mode) the pictures of iteration ``i`` decoded now."""
        if source is None:
            return lambda job, i: self._data[job]
        return lambda job, i: source.decode(i)

    def finish(self) -> None:
        self.queue.wait_all()

    def close(self) -> None:
        _close(self.queue, self.model)


def open_engine(api: str, model: Any, requests: int | None, spare_blocks: int = 0) -> Engine:
    """The engine for ``api`` on a loaded ``model`` (closed with the engine, also on failure);
    ``spare_blocks`` more pool blocks (sync/async) for inputs written in place ahead of their request."""
    try:
        if api == "sync":
            return SyncEngine(model, spare_blocks)
        if api == "async":
            return AsyncEngine(model, requests, spare_blocks)
        if api == "queue":
            return QueueEngine(model, requests)
    except BaseException:
        _close(model)
        raise
    _close(model)
    raise ValueError(f"unknown api {api!r}")
