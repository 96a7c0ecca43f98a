"""The measured loops, independent of what executes a request (callables are passed in).

* :func:`run_sync` -- one request, executed and waited for in turn (``aclmdlExecute``).
* :class:`AsyncLoop` -- ``benchmark_app``'s async loop: a pool of N requests, a queue of idle ids and a
  condition variable; the main thread takes an idle id, (in full-pipeline mode prepares its inputs),
  stamps the start and submits; the completion callback (run by the report thread) stamps the end and
  gives the id back.  The count is a multiple of N, so the tail requests finish under load.
* :func:`run_queue` -- the same through :class:`acl_async.InferQueue`, driven the way ``benchmark_app``
  drives OpenVINO's ``AsyncInferQueue``: ``get_idle_request_id()`` waits for an idle job (the queue runs
  the callbacks of finished requests meanwhile, on the calling thread), the start is stamped, then
  ``start_async(inputs, userdata=start)``; the Python callback stamps the end.

Latency is start (just before submission, or before decoding in full-pipeline mode) to completion;
the duration runs from the first start to the last completion.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "AsyncLoop",
    "LoopTimeout",
    "StopRule",
    "Timings",
    "round_up",
    "run_queue",
    "run_sync",
]

clock = time.perf_counter


class LoopTimeout(RuntimeError):
    """A request did not complete in time (the engine below stopped calling back)."""


class ProgressLike(Protocol):
    def update(self, done: int) -> None: ...


def round_up(iterations: int, multiple: int) -> int:
    """``iterations`` rounded up to a multiple of ``multiple`` (the number of requests)."""
    if iterations < 1 or multiple < 1:
        raise ValueError("iterations and multiple must be >= 1")
    return math.ceil(iterations / multiple) * multiple


@dataclass(frozen=True)
class StopRule:
    """Run ``iterations`` requests, or for ``duration_s`` seconds and then on to a multiple of ``multiple``.

    ``iterations`` must already be a multiple of ``multiple`` (see :func:`round_up`).
    """

    iterations: int | None = None
    duration_s: float | None = None
    multiple: int = 1

    def __post_init__(self) -> None:
        if (self.iterations is None) == (self.duration_s is None):
            raise ValueError("give exactly one of iterations and duration_s")
        if self.iterations is not None and (self.iterations < 1 or self.iterations % self.multiple):
            raise ValueError(f"iterations must be a positive multiple of {self.multiple}")
        if self.duration_s is not None and not self.duration_s > 0:
            raise ValueError("duration_s must be > 0")

    def more(self, done: int, elapsed: float) -> bool:
        if self.iterations is not None:
            return done < self.iterations
        assert self.duration_s is not None
        return elapsed < self.duration_s or done % self.multiple != 0


@dataclass
class Timings:
    """What a loop measured (seconds, from :func:`time.perf_counter`)."""

    latencies_s: list[float] = field(default_factory=list)
    first_start: float = 0.0
    last_end: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_s)

    @property
    def duration_s(self) -> float:
        return max(self.last_end - self.first_start, 1e-9)

    @property
    def latencies_ms(self) -> list[float]:
        return [t * 1000.0 for t in self.latencies_s]


def run_sync(
    execute: Callable[[], object],
    stop: StopRule,
    prepare: Callable[[int], object] | None = None,
    progress: ProgressLike | None = None,
) -> Timings:
    """One request at a time: ``prepare(i)`` (full pipeline only), then ``execute()``, which returns when
    the outputs are ready."""
    timings = Timings()
    latencies = timings.latencies_s
    done = 0
    begin = clock()
    timings.first_start = begin
    now = begin
    while stop.more(done, now - begin):
        start = clock()
        if prepare is not None:
            prepare(done)
        execute()
        now = clock()
        latencies.append(now - start)
        done += 1
        if progress is not None:
            progress.update(done)
    timings.last_end = now
    return timings


class AsyncLoop:
    """``benchmark_app``'s async loop over ``requests`` request ids (0 .. N-1).

    The engine's completion callback for request ``rid`` must call :meth:`complete` (from any thread).
    ``check`` is called while the main thread waits, and should raise when the engine failed (e.g. a
    callback error kept by the report thread); ``timeout_s`` bounds the wait for any one completion.
    """

    def __init__(
        self,
        requests: int,
        check: Callable[[], object] | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        if requests < 1:
            raise ValueError("requests must be >= 1")
        self.requests = requests
        self.check = check
        self.timeout_s = timeout_s
        self._cond = threading.Condition()
        self._idle: deque[int] = deque(range(requests))
        self._starts = [0.0] * requests
        self._busy = [False] * requests
        self.timings = Timings()

    def complete(self, rid: int) -> None:
        """Request ``rid`` finished: stamp its latency and make it idle (called by the report thread)."""
        end = clock()
        with self._cond:
            if not self._busy[rid]:
                return
            self._busy[rid] = False
            self.timings.latencies_s.append(end - self._starts[rid])
            if end > self.timings.last_end:
                self.timings.last_end = end
            self._idle.append(rid)
            self._cond.notify()

    def _wait(self, ready: Callable[[], bool]) -> None:
        """Wait (holding the condition) until ``ready()``, polling ``check`` every 100 ms."""
        deadline = clock() + self.timeout_s
        while not ready():
            self._cond.wait(0.1)
            if ready():
                return
            if self.check is not None:
                self._cond.release()
                try:
                    self.check()
                finally:
                    self._cond.acquire()
            if clock() > deadline:
                raise LoopTimeout(f"no request completed within {self.timeout_s:g} s")

    def acquire(self) -> int:
        """The next idle request id (waits for one)."""
        with self._cond:
            self._wait(lambda: bool(self._idle))
            return self._idle.popleft()

    def start(self, rid: int) -> None:
        """Stamp the start of request ``rid`` (just before it is submitted)."""
        now = clock()
        self._starts[rid] = now
        self._busy[rid] = True
        if not self.timings.first_start:
            self.timings.first_start = now

    def wait_all(self) -> None:
        with self._cond:
            self._wait(lambda: len(self._idle) == self.requests)

    def run(
        self,
        submit: Callable[[int, int], object],
        stop: StopRule,
        prepare: Callable[[int, int], object] | None = None,
        progress: ProgressLike | None = None,
    ) -> Timings:
        """Submit requests until ``stop`` says enough, then wait for all of them.

        ``submit(rid, i)`` queues iteration ``i`` on request ``rid`` and returns at once;
        ``prepare(rid, i)`` (full pipeline) fills the inputs of ``rid`` for iteration ``i`` first.
        """
        done = 0
        begin = clock()
        while stop.more(done, clock() - begin):
            rid = self.acquire()
            self.start(rid)
            if prepare is not None:
                prepare(rid, done)
            try:
                submit(rid, done)
            except BaseException:
                with self._cond:
                    self._busy[rid] = False
                    self._idle.append(rid)
                raise
            done += 1
            if progress is not None:
                progress.update(done)
        self.wait_all()
        if self.check is not None:
            self.check()
        return self.timings


class QueueLike(Protocol):
    def set_callback(self, callback: Callable[[Any, Any], None]) -> None: ...
    def get_idle_request_id(self) -> int: ...
    def start_async(self, inputs: Any, userdata: Any = None) -> None: ...
    def wait_all(self) -> None: ...


def run_queue(
    queue: QueueLike,
    inputs: Callable[[int, int], Any],
    stop: StopRule,
    progress: ProgressLike | None = None,
) -> Timings:
    """Drive an ``InferQueue``-like object; ``inputs(job, i)`` gives (in full-pipeline mode: decodes) the
    inputs of iteration ``i`` on idle job ``job``.  Installs its own callback."""
    timings = Timings()
    latencies = timings.latencies_s
    lock = threading.Lock()

    def callback(outputs: Any, start: Any) -> None:
        end = clock()
        with lock:
            latencies.append(end - start)
            if end > timings.last_end:
                timings.last_end = end

    queue.set_callback(callback)
    done = 0
    begin = clock()
    while stop.more(done, clock() - begin):
        job = queue.get_idle_request_id()
        start = clock()
        if not timings.first_start:
            timings.first_start = start
        queue.start_async(inputs(job, done), start)
        done += 1
        if progress is not None:
            progress.update(done)
    queue.wait_all()
    return timings
