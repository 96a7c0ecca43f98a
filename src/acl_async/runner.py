"""AsyncRunner: Huawei's resnet50_async sample pipeline as an object.

Per :meth:`AsyncRunner.submit`: take a block from the pool (waiting while all are in flight), copy the
inputs into it, queue ``execute_async`` (``aclmdlExecuteAsync``, with the host-device copies an NPU needs;
none on the host runtime, whose device memory is host memory) on the stream, then a native callback that
collects the outputs. With a callback they are zero-copy views of the block's output buffers: the block
goes back to the pool once the callback returned and no view is left (a view kept longer keeps its block;
the pool lends at most ``pool_size - 1`` blocks so, then the outputs are copied and the block goes back at
once, as always without a callback, where the runner keeps the results). Every
``callback_interval`` executions, a Python callback is launched on the stream (``aclrtLaunchCallback``,
``ACL_CALLBACK_NO_BLOCK``: the stream goes on meanwhile; :meth:`wait` ends with a blocking one, so it
returns after every callback ran); it runs on the report thread and hands every result since the
previous one, in order, to ``callback(outputs, userdata)`` (and/or ``on_batch(results)``). With interval
0 there are no callbacks: results are processed by :meth:`wait`, after the stream is synchronized.
Unlike the sample, a tail that does not fill an interval is processed too, and any pool size works with
any number of executions.
"""

from __future__ import annotations

import threading
import traceback
import weakref
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from . import _acl
from .errors import ClosedError

__all__ = ["AsyncRunner", "BatchCallback", "Result", "ResultCallback"]


class Result(NamedTuple):
    """One execution: its number (0-based, in submission order), output arrays and user data."""

    index: int
    outputs: list[np.ndarray]
    userdata: Any


#: ``callback(outputs, userdata)``, once per execution, in order.
ResultCallback = Callable[[list, Any], None]
#: ``on_batch(results)``, once per callback, with every result since the previous one.
BatchCallback = Callable[[list], None]


def _weak_call(method: Callable[[], None]) -> Callable[[], None]:
    """``method()`` through a weak reference: the C++ side holding it keeps no cycle alive."""
    ref = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def call() -> None:
        bound = ref()
        if bound is not None:
            bound()

    return call


def _nothing() -> None:
    """The callback that only marks a place in the report thread's order (:meth:`AsyncRunner.wait`)."""


#: ``inputs`` of :meth:`AsyncRunner._accept` for a block whose inputs were written in place.
_IN_PLACE: Any = object()


def _call(fn: Callable[..., object], *args: object) -> BaseException | None:
    """``fn(*args)``; its exception, if any, is returned (re-raised later, after the other callbacks ran)
    with the locals of its frames cleared and without this frame: a kept exception must not keep
    zero-copy outputs (and their pool blocks) alive, through its traceback or a reference cycle."""
    try:
        fn(*args)
    except Exception as exc:  # noqa: BLE001 - returned to be re-raised
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        if tb is not None:
            traceback.clear_frames(tb)
        return exc.with_traceback(tb)
    return None


def _count(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


class AsyncRunner:
    """Asynchronous executions of ``model`` through a pool of ``pool_size`` blocks, with a callback every
    ``callback_interval`` executions (0: results are processed by :meth:`wait`).

    Without ``callback`` and ``on_batch`` the results are kept in :attr:`results`. ``stream`` and
    ``report_thread`` default to new ones in the model's context (closed with the runner). Callback
    exceptions are re-raised once, by the next :meth:`wait`; the other results are still delivered and
    every block still goes back to the pool. ``submit`` is meant to be called from one thread.

    The runner executes ``model`` itself on its stream: a model id may not run on two streams at once
    (an NPU rule the host runtime enforces in strict mode), so use ``model.load_copy()`` to execute the
    same model elsewhere while the runner works.
    """

    def __init__(
        self,
        model: _acl.Model,
        pool_size: int = 4,
        callback_interval: int = 1,
        callback: ResultCallback | None = None,
        *,
        on_batch: BatchCallback | None = None,
        stream: _acl.Stream | None = None,
        report_thread: _acl.ReportThread | None = None,
        poll_ms: int = 20,
    ) -> None:
        self._pool_size = _count(pool_size, "pool_size", 1)
        self._interval = _count(callback_interval, "callback_interval", 0)
        for name, fn in (("callback", callback), ("on_batch", on_batch)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
        self._model = model
        self._callback = callback
        self._on_batch = on_batch
        self._results: list[Result] = []
        self._lock = threading.Lock()
        self._submit_lock = threading.Lock()  # submit() vs close() from another thread or a callback
        self._submitted = 0
        self._processed = 0
        self._launched = 0
        self._unflushed = 0
        self._closed = False
        self._owned: list[Any] = []
        try:
            if stream is None:
                stream = _acl.Stream(model.context)
                self._owned.append(stream)
            if report_thread is None:
                report_thread = _acl.ReportThread(model.context, poll_ms)
                self._owned.append(report_thread)
            report_thread.subscribe(stream)
            self._stream = stream
            self._report = report_thread
            self._pool = _acl.MemoryPool(model, self._pool_size)
            self._owned.append(self._pool)
            # Closed with the runner, its report thread or its context (Session.close(), interpreter
            # exit, from any thread): it waits for the executions in flight, then calls _flush.
            # Zero-copy results (views of the blocks' outputs) unless the runner keeps every result.
            zero_copy = callback is not None or on_batch is not None
            self._collector = _acl.ResultQueue(report_thread, _weak_call(self._flush), zero_copy)
            self._owned.append(self._collector)
        except BaseException:
            self._close_owned()
            raise

    # -- properties ----------------------------------------------------------------------------

    @property
    def model(self) -> _acl.Model:
        return self._model

    @property
    def pool(self) -> _acl.MemoryPool:
        return self._pool

    @property
    def stream(self) -> _acl.Stream:
        return self._stream

    @property
    def report_thread(self) -> _acl.ReportThread:
        return self._report

    @property
    def pool_size(self) -> int:
        return self._pool_size

    @property
    def callback_interval(self) -> int:
        return self._interval

    @property
    def submitted(self) -> int:
        """Executions submitted so far."""
        return self._submitted

    @property
    def processed(self) -> int:
        """Results delivered so far."""
        with self._lock:
            return self._processed

    @property
    def callbacks(self) -> int:
        """Callbacks launched on the stream so far (``ceil(submitted / interval)`` after :meth:`wait`)."""
        return self._launched

    @property
    def results(self) -> list[Result]:
        """The results, in order, when neither ``callback`` nor ``on_batch`` was given."""
        with self._lock:
            return list(self._results)

    @property
    def closed(self) -> bool:
        return self._closed

    # -- work ----------------------------------------------------------------------------------

    def submit(self, inputs: Any, userdata: Any = None, *, timeout: float | None = None) -> int:
        """Queue one execution of ``inputs`` (an array, a list/tuple of arrays or a dict by input name);
        returns its index. Waits (GIL released) while every pool block is in flight; ``timeout`` in
        seconds raises TimeoutError."""
        if self._closed:
            raise ClosedError("the AsyncRunner is closed")
        block = self._pool.acquire(timeout)
        return self._accept(block, userdata, inputs)

    def acquire_block(self, timeout: float | None = None) -> _acl.Block:
        """A free pool block to write the inputs of the next execution into, in place (``block.input(i)``
        is a writable view of its host input memory); waits like :meth:`submit`. Hand it to
        :meth:`submit_block`, or give it back with ``block.release()``."""
        if self._closed:
            raise ClosedError("the AsyncRunner is closed")
        return self._pool.acquire(timeout)

    def submit_block(self, block: _acl.Block, userdata: Any = None) -> int:
        """Queue one execution of a block from :meth:`acquire_block` whose inputs were written in place;
        returns its index. The block goes back to the pool when the execution is done (also when
        queueing it fails)."""
        return self._accept(block, userdata)

    def _accept(self, block: _acl.Block, userdata: Any, inputs: Any = _IN_PLACE) -> int:
        """Queue ``block`` (its inputs copied from ``inputs`` first, unless written in place) under the
        submit lock: either the execution is accepted (counted, its callback runs, at the latest when the
        runner closes) or the block goes back and the error propagates; never both."""
        with self._submit_lock:
            index = self._submitted
            try:
                if self._closed:
                    raise ClosedError("the AsyncRunner is closed")
                if inputs is not _IN_PLACE:
                    block.set_inputs(inputs)
                self._model.execute_async(block, self._stream)
                self._collector.push_async(block, self._stream, (index, userdata))
            except BaseException:
                if block.in_use:
                    block.release()
                raise
            # Accepted: its callback runs, at the latest when the runner (or its session) closes.
            self._submitted += 1
            self._unflushed += 1
            if self._interval and self._unflushed >= self._interval:
                try:
                    self._launch()
                except ClosedError:
                    pass  # closing under us: the collector's close delivers the result
        return index

    def run(self, inputs: Iterable[Any], userdata: Iterable[Any] | None = None) -> None:
        """Submit every item of ``inputs`` (with the matching ``userdata`` item), then :meth:`wait`."""
        data = iter(userdata) if userdata is not None else None
        for item in inputs:
            self.submit(item, next(data) if data is not None else None)
        self.wait()

    def wait(self, timeout: float | None = None) -> None:
        """Process the tail, wait until every execution and callback finished, and re-raise (once) the
        first exception a callback raised. ``timeout`` in seconds raises AclTimeoutError."""
        if self._closed:
            raise ClosedError("the AsyncRunner is closed")
        if self._interval and self._unflushed:
            self._launch(block=True)
        elif self._launched:
            # The interval callbacks do not hold the stream up (NO_BLOCK): this blocking one does, and the
            # report thread runs callbacks in order, so synchronize returns after all of them ran.
            self._report.launch_callback(_nothing, self._stream, True)
        self._stream.synchronize(timeout)
        if self._interval == 0:
            self._process()

    def _launch(self, block: bool = False) -> None:
        # NO_BLOCK: the stream goes on to the next execution while Python handles these results (and the
        # host runtime may run that execution beside the one before it: README "Execution policy").
        self._unflushed = 0
        self._report.launch_callback(self._process, self._stream, block)
        self._launched += 1

    def _flush(self) -> None:
        """Deliver whatever is left when the collector closes (its executions have all landed)."""
        while self._collector.ready:
            try:
                self._process()
            except Exception:  # noqa: BLE001,S112 - closing drops callback errors (see close())
                continue

    def _process(self) -> None:
        """Deliver every collected result (on the report thread, or in wait() with interval 0)."""
        results = [Result(tag[0], outputs, tag[1]) for tag, outputs in self._collector.pop_all()]
        if not results:
            return
        error: BaseException | None = None
        if self._on_batch is not None:
            error = _call(self._on_batch, results)
        if self._callback is not None:
            for result in results:
                failed = _call(self._callback, result.outputs, result.userdata)
                error = error or failed
        with self._lock:
            if self._callback is None and self._on_batch is None:
                self._results.extend(results)
            self._processed += len(results)
        if error is not None:
            # Zero-copy outputs: neither the kept traceback nor a cycle through this frame may hold them.
            results = result = None  # type: ignore[assignment]
            try:
                raise error
            finally:
                error = None

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Let every accepted execution finish and reach its callback (callback errors are dropped), then
        release the pool and the stream and report thread made by the runner. Idempotent, from any
        thread; inside a callback the remaining results are delivered as soon as it returned (on the
        next thread that calls into acl_async, at the latest at interpreter exit)."""
        with self._submit_lock:
            closing = not self._closed
            self._closed = True
        if closing:
            self._close_owned()
        # Closed before (maybe by a callback, whose thread cannot deliver the rest while it runs): the
        # delivery runs here if still pending, and close() returns once every accepted result is out.
        self._collector.wait_delivered()

    def _close_owned(self) -> None:
        for resource in reversed(self._owned):
            resource.close()
        self._owned = []

    def __enter__(self) -> AsyncRunner:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> None:
        try:
            if exc_type is None and not self._closed:
                self.wait()
        finally:
            self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{self._submitted} submitted, {self.processed} processed"
        return f"<AsyncRunner pool_size={self._pool_size} callback_interval={self._interval} {state}>"
