"""One benchmark run: load, prepare inputs, first inference, the measured loop -> :class:`BenchResult`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model_io import (
    BatchError,
    InputDesc,
    check_batch,
    describe_inputs,
    is_picture_input,
    load_model,
    picture_spec,
)
from ..pipeline import BlockSlots, default_decode_threads
from ..preprocess import TENSOR_SUFFIXES
from ..progress import working
from .engine import AsyncEngine, Engine, QueueEngine, SyncEngine, open_engine
from .inputs import InputSource
from .loops import AsyncLoop, StopRule, Timings, round_up, run_queue, run_sync
from .progress import Progress
from .result import MODE_FULL, MODE_INFERENCE, BenchResult
from .stats import DEFAULT_PERCENTILES

__all__ = ["BenchOptions", "check_inputs", "run_one"]

log = logging.getLogger("acl_async")


@dataclass
class BenchOptions:
    model: Path
    device: int = 0
    config: str | None = None
    nireq: int | None = None
    niter: int | None = None
    time_s: float | None = None
    batch: int | None = None
    percentiles: Sequence[float] = DEFAULT_PERCENTILES
    full_pipeline: bool = False
    #: Decode threads in full-pipeline mode (None: :func:`~acl_async.pipeline.default_decode_threads`;
    #: 0: decode on the loop's thread, as before).
    decode_threads: int | None = None
    #: Who decodes the pictures: ``pillow`` or ``dvpp`` (:mod:`acl_async.dvpp_preprocess`).
    decoder: str = "pillow"
    paths: Sequence[Path] = field(default_factory=list)
    progress: bool = True
    #: ``-shape`` (:func:`~acl_async.bench.shapes.parse_shapes`): checked against the model's inputs.
    shapes: Mapping[str, tuple[int, ...]] | None = None


def _source(opts: BenchOptions, descs: Sequence[InputDesc], batch: int) -> InputSource:
    if not opts.paths:
        return InputSource(descs, batch)
    if (
        len(descs) == 1
        and all(p.suffix.lower() in TENSOR_SUFFIXES for p in opts.paths)
        and not is_picture_input(descs, opts.model)
    ):
        return InputSource(descs, batch, opts.paths)
    if not is_picture_input(descs, opts.model):
        dims = [list(d.dims) for d in descs]
        raise BatchError(f"-i needs a model with one picture input [N,3,H,W] or [N,H,W,3]; it has {dims}")
    try:
        from ..dvpp_preprocess import with_decoder

        spec = with_decoder(picture_spec(opts.model, descs), opts.decoder)
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    return InputSource(descs, batch, opts.paths, spec)


def _batch(opts: BenchOptions, descs: Sequence[InputDesc]) -> int:
    """The batch of ``-b`` and ``-shape`` (ValueError when the model cannot take it, or they disagree)."""
    requested = opts.batch
    if opts.shapes:
        from .shapes import shape_batch

        by_shape = shape_batch(descs, opts.shapes)
        if requested is not None and by_shape is not None and by_shape != requested:
            raise ValueError(f"-b {requested} and -shape (batch {by_shape}) disagree")
        requested = requested if requested is not None else by_shape
    return check_batch(descs, requested)


def check_inputs(opts: BenchOptions, descs: Sequence[InputDesc]) -> int:
    """The batch to use with ``descs`` (from the model file, before loading it); BatchError when the
    model cannot take ``opts.batch``, ``opts.shapes`` or ``opts.paths``."""
    try:
        batch = _batch(opts, descs)
        _source(opts, descs, batch)
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    return batch


def _stop(opts: BenchOptions, requests: int) -> StopRule:
    if opts.niter is not None:
        iterations = round_up(opts.niter, requests)
        if iterations != opts.niter:
            log.warning(
                "Number of iterations was aligned by request number from %d to %d "
                "using number of requests %d", opts.niter, iterations, requests,
            )  # fmt: skip
        return StopRule(iterations=iterations, multiple=requests)
    assert opts.time_s is not None
    return StopRule(duration_s=opts.time_s, multiple=requests)


def _progress(opts: BenchOptions, stop: StopRule) -> Progress:
    enabled = None if opts.progress else False
    return Progress(total=stop.iterations, duration_s=stop.duration_s, enabled=enabled)


def _measure(engine: Engine, source: InputSource | None, stop: StopRule, progress: Progress) -> Timings:
    """The measured loop for ``engine``; with a ``source`` (full pipeline) inputs are decoded inside it."""
    in_blocks = source is not None and source.in_blocks
    if isinstance(engine, SyncEngine):
        prepare = None if source is None else (lambda i: engine.set_inputs(0, source.decode(i)))
        if in_blocks:
            prepare = lambda i: engine.use_block(0, source.decode_block(i))  # noqa: E731
        return run_sync(engine.execute, stop, prepare, progress)
    if isinstance(engine, QueueEngine):
        return run_queue(engine.queue, engine.data_for(source), stop, progress)
    assert isinstance(engine, AsyncEngine)
    loop = AsyncLoop(engine.requests)
    engine.on_complete(loop.complete)
    prepare_async = None if source is None else (lambda rid, i: engine.set_inputs(rid, source.decode(i)))
    if in_blocks:
        prepare_async = lambda rid, i: engine.use_block(rid, source.decode_block(i))  # noqa: E731
    return loop.run(engine.submit, stop, prepare_async, progress)


def _decoding(opts: BenchOptions, threaded: bool, threads: int, in_blocks: bool) -> str:
    """How the full pipeline decoded its pictures (for the report)."""
    if not opts.full_pipeline:
        return "before the loop"
    if not threaded:
        return "on the loop's thread"
    where = "into pool blocks" if in_blocks else "into arrays, copied"
    return f"{threads} decode thread(s), {where}"


def run_one(api: str, opts: BenchOptions, session: object,
            announce: Callable[[str], None] | None = None) -> BenchResult:
    """Run ``api`` ("sync", "async" or "queue") once on ``opts.model`` inside an open ``session``."""
    start = time.perf_counter()
    with working(f"loading {Path(opts.model).name}", enabled=None if opts.progress else False):
        model = load_model(session, opts.model)  # compiled for the device: a big model takes a while
    try:
        descs = describe_inputs(model)
        batch = _batch(opts, descs)
        source = _source(opts, descs, batch)
    except ValueError as exc:
        close = getattr(model, "close", None)
        if close is not None:
            close()
        raise BatchError(str(exc)) from None
    threaded = opts.full_pipeline and opts.decode_threads != 0 and not source.random
    threads = opts.decode_threads if opts.decode_threads is not None else default_decode_threads()
    # Pictures decoded straight into pool blocks: the window of the decode threads needs its own blocks.
    in_blocks = threaded and api in ("sync", "async") and batch == 1
    engine: Engine = open_engine(api, model, opts.nireq, 2 * threads + 1 if in_blocks else 0)
    try:
        load_ms = (time.perf_counter() - start) * 1000.0
        requests = engine.requests
        stop = _stop(opts, requests)
        if announce is not None:
            announce(f"{api}: {requests} request(s), batch {batch}, inputs: {source.describe()}")

        prepared = source.prepare(requests)
        for rid in range(requests):
            engine.set_inputs(rid, prepared[rid])
        first_ms = engine.first_inference()

        if threaded:
            source.start_decoding(threads, BlockSlots(engine.pool) if in_blocks else None)  # type: ignore[attr-defined]
        with _progress(opts, stop) as progress:
            timings = _measure(engine, source if opts.full_pipeline else None, stop, progress)
        engine.finish()
    finally:
        source.stop_decoding()
        engine.close()

    return BenchResult(
        api=api,
        mode=MODE_FULL if opts.full_pipeline else MODE_INFERENCE,
        model=str(opts.model),
        batch=batch,
        requests=requests,
        count=timings.count,
        duration_s=timings.duration_s,
        latencies_ms=timings.latencies_ms,
        load_ms=load_ms,
        first_inference_ms=first_ms,
        percentiles=tuple(opts.percentiles),
        device=opts.device,
        iterations_requested=opts.niter,
        time_requested_s=opts.time_s,
        extra={"inputs": source.describe(), "decoding": _decoding(opts, threaded, threads, in_blocks)},
    )
