"""The picture pipeline: decode and preprocess on N worker threads, results in input order.

A :class:`DecodeStage` runs ``load(path, out)`` (by default :func:`~acl_async.preprocess.load_input`:
JPEG DCT-scaled decoding, resize, crop, normalization) for a stream of paths on ``threads`` worker
threads (Pillow releases the GIL while it decodes and resizes) and hands the results back **in input
order**, at most ``window`` of them decoded ahead of the consumer: memory stays bounded whatever the
number of inputs, and the paths may come from a lazy iterator (a folder of any size, ``itertools.cycle``).

With ``slots`` (:class:`BlockSlots` over a :class:`~acl_async._acl.MemoryPool`, or the blocks of an
:class:`~acl_async.AsyncRunner`), each input is written straight into the host input memory of a pool
block taken before its decoding starts; the consumer gets the filled block and submits it
(:meth:`AsyncRunner.submit_block`): no intermediate tensor, no copy.  Taking a block is the
back-pressure: while every block is executing or being filled, decoding waits.

A picture that cannot be read does not stop the stage: its :class:`Decoded` carries the one-line
:class:`~acl_async.preprocess.InputFileError` (naming the file), the consumer applies its policy
(``--bad-input skip|fatal``, see :func:`check`).  Closing the stage (end of iteration, an exception,
Ctrl-C in the consumer) cancels what has not started and never waits for a decoder still busy; blocks
taken for inputs that were not handed over go back to the pool once their decoder is done.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .preprocess import InputFileError, PreprocessSpec, load_input

__all__ = [
    "MAX_DECODE_THREADS",
    "BlockSlots",
    "DecodeStage",
    "Decoded",
    "Slots",
    "check",
    "default_decode_threads",
    "feed_queue",
    "feed_runner",
    "feed_runner_cycle",
]

log = logging.getLogger(__name__)

#: Upper bound of the default number of decode threads.
MAX_DECODE_THREADS = 8

_POLL_S = 0.1

#: ``load(path, out)``: the input tensor of ``path``, written into ``out`` when it is not None.
Loader = Callable[[Path, "np.ndarray | None"], np.ndarray]


def default_decode_threads() -> int:
    """Decode threads by default: one per CPU core (the decoders and the host runtime share them, and a
    core's worth of decoding keeps up with a core's worth of inference on pictures up to camera size
    once DCT scaling is used), at least 1, at most :data:`MAX_DECODE_THREADS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DECODE_THREADS))


class Slots(Protocol):
    """Destinations the stage decodes into (e.g. pool blocks)."""

    def acquire(self, wait: bool) -> Any | None:
        """A free slot; None when ``wait`` is false and none is free."""

    def view(self, slot: Any) -> np.ndarray:
        """The writable array of ``slot`` an input is written to."""

    def release(self, slot: Any) -> None:
        """Give back a slot that will not be handed to the consumer."""


class BlockSlots:
    """The blocks of a :class:`~acl_async._acl.MemoryPool` as slots: input ``index``'s host memory."""

    def __init__(self, pool: Any, index: int = 0) -> None:
        self.pool = pool
        self.index = index

    def acquire(self, wait: bool) -> Any | None:
        return self.pool.acquire() if wait else self.pool.try_acquire()

    def view(self, slot: Any) -> np.ndarray:
        return slot.input(self.index)  # type: ignore[no-any-return]

    def release(self, slot: Any) -> None:
        if slot.in_use:
            slot.release()


@dataclass(frozen=True)
class Decoded:
    """One input, in input order: its ``index`` (0-based position among the paths), ``path``, the
    ``tensor`` (the slot's view when decoded into a slot), the ``slot`` (the consumer now owns it) and
    ``error`` (an unreadable input: ``tensor`` and ``slot`` are None)."""

    index: int
    path: Path
    tensor: np.ndarray | None
    slot: Any = None
    error: InputFileError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check(item: Decoded, bad_input: str = "fatal") -> bool:
    """Apply the ``--bad-input`` policy to ``item``: True when it is usable; False (after a warning) when
    it is bad and ``bad_input == "skip"``; raises its InputFileError when bad and ``"fatal"``."""
    if item.error is None:
        return True
    if bad_input == "skip":
        log.warning("skipping %s", item.error)
        return False
    raise item.error


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


class DecodeStage:
    """Decode ``paths`` on ``threads`` workers (None: :func:`default_decode_threads`); iterate over it
    (once) for :class:`Decoded` items in input order.

    Give ``spec`` (inputs go through :func:`~acl_async.preprocess.load_input` with DCT-scaled decoding
    unless ``draft=False``) or ``load(path, out)``.  At most ``window`` inputs (default ``2 * threads``)
    are decoded or waiting ahead of the consumer.  With ``slots``, every input is decoded into a slot
    taken first (see the module docs); the consumer owns the slot of each item it gets.
    """

    def __init__(
        self,
        paths: Iterable[str | os.PathLike[str]],
        spec: PreprocessSpec | None = None,
        *,
        threads: int | None = None,
        window: int | None = None,
        slots: Slots | None = None,
        load: Loader | None = None,
        draft: bool = True,
    ) -> None:
        if (spec is None) == (load is None):
            raise ValueError("give exactly one of spec and load")
        self.threads = default_decode_threads() if threads is None else _count(threads, "threads")
        self.window = 2 * self.threads if window is None else _count(window, "window")
        if load is None:
            assert spec is not None
            load = partial(_load_spec, spec, draft)
        self._load: Loader = load
        self._paths = iter(paths)
        self._slots = slots
        self._executor: ThreadPoolExecutor | None = None
        self._pending: deque[tuple[int, Path, Any, Future[np.ndarray]]] = deque()
        self._started = False
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def __iter__(self) -> Iterator[Decoded]:
        if self._started:
            raise RuntimeError("a DecodeStage is iterated once")
        self._started = True
        return self._generate()

    def _generate(self) -> Iterator[Decoded]:
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="acl-async-decode")
        try:
            index = 0
            upcoming: Path | None = None
            exhausted = False
            while True:
                while not exhausted and len(self._pending) < self.window:
                    if upcoming is None:
                        try:
                            given = next(self._paths)
                            upcoming = given if isinstance(given, Path) else Path(given)  # keeps FramePath
                        except StopIteration:
                            exhausted = True
                            break
                    slot = None
                    if self._slots is not None:
                        # Wait for a block only when nothing is pending: the pending ones come first.
                        slot = self._slots.acquire(not self._pending)
                        if slot is None:
                            break
                    future = self._executor.submit(self._run, upcoming, slot)
                    self._pending.append((index, upcoming, slot, future))
                    index += 1
                    upcoming = None
                if not self._pending:
                    return
                item = self._pending[0]
                _wait_done(item[3])
                try:
                    tensor = item[3].result()
                except InputFileError as exc:
                    self._pending.popleft()
                    self._give_back(item[2])
                    yield Decoded(item[0], item[1], None, None, exc)
                    continue
                except BaseException:
                    raise  # the pending item (and its slot) is dealt with by close()
                self._pending.popleft()
                yield Decoded(item[0], item[1], tensor, item[2])
        finally:
            self.close()

    def _run(self, path: Path, slot: Any) -> np.ndarray:
        out = self._slots.view(slot) if self._slots is not None and slot is not None else None
        try:
            return self._load(path, out)
        except InputFileError:
            raise
        except (OSError, ValueError) as exc:  # a loader's plain error: still name the file, one line
            raise InputFileError(path, str(exc)) from exc

    def _give_back(self, slot: Any) -> None:
        if slot is not None and self._slots is not None:
            self._slots.release(slot)

    def _give_back_when_done(self, slot: Any, _future: Future[np.ndarray]) -> None:
        self._give_back(slot)

    def close(self) -> None:
        """Stop: cancel the inputs not started, give back their slots (a busy decoder's slot once it is
        done), never wait for a decoder. Idempotent."""
        if self._closed:
            return
        self._closed = True
        pending, self._pending = self._pending, deque()
        for _, _, slot, future in pending:
            future.cancel()
            if slot is not None:
                future.add_done_callback(partial(self._give_back_when_done, slot))
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def join(self) -> None:
        """After :meth:`close`: wait until every decoder is idle (their slots are back)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> DecodeStage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait_done(future: Future[np.ndarray]) -> None:
    """Wait for ``future`` in short slices: Ctrl-C (SIGINT, handled between slices) is never held up by
    a decoder that takes long or hangs."""
    while not future.done():
        wait([future], timeout=_POLL_S)


def _load_spec(spec: PreprocessSpec, draft: bool, path: Path, out: np.ndarray | None) -> np.ndarray:
    return load_input(path, spec, draft=draft, out=out)


def feed_runner(
    runner: Any,
    paths: Iterable[str | os.PathLike[str]],
    spec: PreprocessSpec,
    *,
    threads: int | None = None,
    bad_input: str = "fatal",
    userdata: Callable[[Decoded], Any] | None = None,
    draft: bool = True,
) -> int:
    """Decode ``paths`` on ``threads`` workers straight into the pool blocks of ``runner`` (an
    :class:`~acl_async.AsyncRunner`, model with one picture input of batch 1) and submit them in input
    order, ``userdata(item)`` (default: the path) with each; ``bad_input`` as :func:`check`.  Returns the
    number of executions submitted (call ``runner.wait()`` after).  The decoders work ahead only into
    free blocks: give the runner a pool of the executions wanted in flight plus ``2 * threads``."""
    stage = DecodeStage(paths, spec, threads=threads, slots=BlockSlots(runner.pool), draft=draft)
    submitted = 0
    with stage:
        for item in stage:
            if not check(item, bad_input):
                continue
            runner.submit_block(item.slot, userdata(item) if userdata is not None else item.path)
            submitted += 1
    return submitted


def feed_runner_cycle(
    runner: Any,
    paths: Sequence[str | os.PathLike[str]],
    spec: PreprocessSpec,
    executions: int,
    *,
    threads: int | None = None,
    bad_input: str = "fatal",
    userdata: Callable[[int, Decoded], Any] | None = None,
    draft: bool = True,
    stop: Callable[[], bool] | None = None,
    expand: Callable[[Path], Iterable[Path]] | None = None,
) -> int:
    """The driver's loop (Huawei's sample: ``executions`` executions over the inputs round-robin): decode
    ``paths`` in turn, again and again, straight into the blocks of ``runner`` and submit each with
    ``userdata(n, item)`` (n: 0-based execution number).  A bad input is handled by ``bad_input`` once
    (``skip``: a warning, then it is left out of the later rounds).  Raises InputFileError when no input
    is usable.  ``stop()`` true ends the loop early.  ``expand(path)`` (e.g. a video's frames,
    :class:`acl_async.video_input.Videos`) gives the inputs of a path, anew each round; a round that
    gives no usable one ends the loop.  Returns the number of executions submitted."""
    names = [Path(p) for p in paths]
    if not names:
        raise ValueError("no inputs")
    bad: set[Path] = set()
    known = set(names)

    def rounds() -> Iterator[Path]:
        while len(bad) < len(known):
            usable = 0
            for path in names:
                if path not in bad:
                    for item in expand(path) if expand is not None else (path,):
                        usable += getattr(item, "error", None) is None
                        yield item
            if not usable:
                return

    submitted = 0
    if executions <= 0:
        return 0
    with DecodeStage(rounds(), spec, threads=threads, slots=BlockSlots(runner.pool), draft=draft) as stage:
        for item in stage:
            if stop is not None and stop():
                if item.slot is not None:
                    item.slot.release()
                return submitted
            if item.error is not None:
                if item.path not in bad:  # decoded again ahead of its report: report once
                    if item.path in known:  # (a video's frame is no name of its own)
                        bad.add(item.path)
                    check(item, bad_input)
                continue
            runner.submit_block(item.slot, userdata(submitted, item) if userdata is not None else item.path)
            submitted += 1
            if submitted == executions:
                break
    if submitted < executions:
        raise InputFileError(names[0], "no usable input among the given files")
    return submitted


def feed_queue(
    queue: Any,
    paths: Iterable[str | os.PathLike[str]],
    spec: PreprocessSpec,
    *,
    threads: int | None = None,
    bad_input: str = "fatal",
    userdata: Callable[[Decoded], Any] | None = None,
    draft: bool = True,
) -> int:
    """The same for an :class:`~acl_async.InferQueue`: each input is decoded straight into a spare block
    of ``queue.pool``, which ``start_block`` hands to an idle job (no copy).  Returns the number of
    requests started (call ``queue.wait_all()``)."""
    stage = DecodeStage(paths, spec, threads=threads, slots=BlockSlots(queue.pool), draft=draft)
    started = 0
    with stage:
        for item in stage:
            if not check(item, bad_input):
                continue
            queue.start_block(item.slot, userdata(item) if userdata is not None else item.path)
            started += 1
    return started
