"""Huawei's ResNet-50 async sample as functions: the driver behind ``acl-async EXECUTE_TIMES
CALLBACK_INTERVAL POOL_SIZE`` (the command line is :mod:`acl_async.cli.run`).

Like ``./main 100 1 100``: execute the model EXECUTE_TIMES times asynchronously on one stream, a
callback every CALLBACK_INTERVAL executions (0: none, results after synchronize), POOL_SIZE memory
blocks, top-N per execution. Unlike it: any pool size works with any count (back-pressure), the
tail that does not fill an interval is processed too, and the first failure (a dump that cannot be
written, stdout closed) stops the run at once instead of at the end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .model_io import check_model_io

if TYPE_CHECKING:
    from ._acl import Model
    from .dump import OutputDumper
    from .preprocess import PreprocessSpec

log = logging.getLogger("acl_async")

__all__ = [
    "ResultHandler",
    "SampleInput",
    "check_model_io",
    "decode_once",
    "execute",
    "execute_paths",
    "load_inputs",
    "model_spec",
]


@dataclass(frozen=True)
class SampleInput:
    name: str
    tensor: np.ndarray


def model_spec(model_path: Path, model: Model) -> PreprocessSpec:
    """Preprocessing from the model's metadata, else inferred from its first input description (and
    its static AIPP, read through the ACL API)."""
    from .model_io import describe_inputs, picture_spec

    return picture_spec(model_path, describe_inputs(model))


def load_inputs(paths: Sequence[Path], spec: PreprocessSpec, skip_bad: bool) -> list[SampleInput]:
    """Decode every input file through ``spec`` (InputFileError for an unusable one, unless
    ``skip_bad``: then a warning, and InputFileError only when none is usable)."""
    from . import preprocess

    inputs = []
    for path in paths:
        try:
            inputs.append(SampleInput(path.name, preprocess.load_input(path, spec)))
        except preprocess.InputFileError as exc:
            if not skip_bad:
                raise
            log.warning("skipping %s", exc)
    if not inputs:
        raise preprocess.InputFileError(paths[0], "no usable input among the given files")
    return inputs


#: ``show(execution, input name, outputs)``: prints one result (called in execution order).
ShowResult = Callable[[int, str, Sequence[np.ndarray]], None]


class ResultHandler:
    """The runner's callback: dumps the outputs (if asked), then shows the result. The first exception
    (a failed dump write, a closed stdout) is kept in :attr:`error`, sets :attr:`failed` and makes every
    later call a no-op, so the submitting loop stops at once; nothing half-written is left behind."""

    def __init__(self, show: ShowResult, dumper: OutputDumper | None = None) -> None:
        self.show = show
        self.dumper = dumper
        self.done = 0
        self.error: BaseException | None = None
        self.failed = threading.Event()

    def __call__(self, outputs: Sequence[np.ndarray], userdata: tuple[int, str]) -> None:
        if self.failed.is_set():
            return
        execution, source = userdata
        try:
            if self.dumper is not None:
                self.dumper.write(execution, list(outputs))
            self.show(execution, source, outputs)
        except Exception as exc:  # noqa: BLE001 - kept and re-raised by execute() in the main thread
            self.error = exc
            self.failed.set()
            return
        self.done += 1


def execute(
    model: Model,
    inputs: Sequence[SampleInput],
    times: int,
    pool_size: int,
    callback_interval: int,
    handler: ResultHandler,
    runner_options: dict[str, Any] | None = None,
) -> int:
    """Execute ``model`` ``times`` times on ``inputs`` round-robin through an AsyncRunner, results to
    ``handler``; returns the number of results handled. Stops submitting at the handler's first
    failure and re-raises it once the executions in flight are done."""
    from .runner import AsyncRunner

    runner = AsyncRunner(model, pool_size=pool_size, callback_interval=callback_interval, callback=handler,
                         **(runner_options or {}))  # fmt: skip
    with runner:
        for n in range(times):
            if handler.failed.is_set():
                break
            item = inputs[n % len(inputs)]
            runner.submit([item.tensor], userdata=(n + 1, item.name))
        runner.wait()
    if handler.error is not None:
        raise handler.error
    return handler.done


#: :func:`execute_paths` decodes the inputs once when the run repeats them and they take at most this.
DECODED_BYTES_MAX = 256 << 20


def decode_once(paths: Sequence[Path], spec: PreprocessSpec, times: int) -> list[SampleInput] | None:
    """The inputs decoded once, as Huawei's sample reads its ``.bin`` files once: when ``times`` executions
    go round ``paths`` more than once and the tensors take at most :data:`DECODED_BYTES_MAX`; else None
    (also when one is unusable: the streaming path applies ``--bad-input`` to it, in order)."""
    from . import preprocess

    if times <= len(paths) or not paths:
        return None
    inputs: list[SampleInput] = []
    for path in paths:
        try:
            tensor = preprocess.load_input(path, spec)
        except (preprocess.InputFileError, OSError, ValueError):
            return None
        if tensor.nbytes * len(paths) > DECODED_BYTES_MAX:
            return None
        inputs.append(SampleInput(path.name, tensor))
    return inputs


def execute_paths(
    model: Model,
    paths: Sequence[Path],
    spec: PreprocessSpec,
    times: int,
    pool_size: int,
    callback_interval: int,
    handler: ResultHandler,
    *,
    bad_input: str = "fatal",
    decode_threads: int | None = None,
    runner_options: dict[str, Any] | None = None,
    expand: Callable[[Path], Iterable[Path]] | None = None,
) -> int:
    """:func:`execute` with the input files decoded once (:func:`decode_once`), or else while the model
    runs: ``decode_threads`` threads
    (None: the default number) decode ``paths`` round-robin straight into the pool blocks, in order
    (:func:`acl_async.pipeline.feed_runner_cycle`); an unusable file is handled by ``bad_input`` once
    (``fatal``: its InputFileError, after the results already submitted are handled).  Memory stays
    bounded whatever the number of files. ``expand``: see :func:`~acl_async.pipeline.feed_runner_cycle`
    (videos: their frames are streamed, never decoded once)."""
    from .pipeline import feed_runner_cycle
    from .runner import AsyncRunner

    decoded = decode_once(paths, spec, times) if expand is None else None
    if decoded is not None:
        return execute(model, decoded, times, pool_size, callback_interval, handler, runner_options)
    runner = AsyncRunner(model, pool_size=pool_size, callback_interval=callback_interval, callback=handler,
                         **(runner_options or {}))  # fmt: skip
    with runner:
        feed_runner_cycle(
            runner, paths, spec, times, threads=decode_threads, bad_input=bad_input,
            userdata=lambda n, item: (n + 1, item.path.name), stop=handler.failed.is_set, expand=expand,
        )  # fmt: skip
        runner.wait()
    if handler.error is not None:
        raise handler.error
    return handler.done
