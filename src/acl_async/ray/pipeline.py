"""``classify_dataset``: one Ray Data pipeline from picture files to a results output.

    paths listed here (or Ray's binary reader for URIs)
      -> decode + preprocess + classify (a pool of actors, one per device, :class:`.actor.ClassifyActor`)
      -> result rows collected on the driver, checked -> results (Parquet/JSONL/CSV) + errors output

Everything that can be checked is checked before any picture is read: the output, the inputs, Ray, the
cluster, its resources, and the model's inputs: read from the model file when it states them (ONNX, an
``acl-async atc`` .om), else from a probe load on one device of the kind the actors get (so a model that
cannot be read fails once with its error, not once per actor).  The actors of a node compile the model
once (:mod:`.model_cache`).

Fault tolerance is Ray's: Ray Data creates the pool's actors with ``max_restarts=-1`` and their tasks
with ``max_task_retries=-1`` unless told otherwise (``ActorPoolMapOperator._apply_default_remote_args``
in the pinned Ray 2.60, where passing them by hand is deprecated), so a killed actor process is
restarted and the batch it held is run again.  An actor that dies
or is cancelled while it starts (before its first batch: its process killed, or Ray destroying it while
the pool is resized) is replaced, up to :data:`INIT_DEATHS_PER_ACTOR` consecutive times per actor of the
pool (Ray Data's own default fails the whole run on the first one).  The rows are collected on the
driver and checked: exactly one row per input picture (a duplicate is dropped with a warning, a picture
without a row fails the run), then written.
"""

from __future__ import annotations

import glob
import logging
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atc.container import is_container, read_container
from ..model_io import InputDesc, check_batch, describe_inputs, is_picture_input, picture_spec
from ..preprocess import PICTURE_SUFFIXES, InputFileError, collect_inputs
from ..zoo import read_model_inputs
from .actor import (
    ACTOR,
    LABELS,
    PROBABILITIES,
    TOP_IDS,
    AfterBatch,
    ClassifyActor,
    OnStart,
    load_arrow,
    result_schema,
    rows_table,
)
from .actor_pool import ActorPool
from .cluster import (
    ActorPlan,
    connect,
    describe_cluster,
    get_placed,
    import_ray,
    plan_actors,
    say,
)
from .decode import ERROR, PATH
from .errors import ClusterError, ModelLoadError, RayRunError
from .head_start import HeadStart, PathQueue
from .output import OutputSpec, remove_stale, write_output
from .summary import RunSummary

__all__ = ["ACTORS", "DATA", "DEFAULT_BATCH_SIZE", "choose_engine", "classify_dataset", "list_inputs"]

log = logging.getLogger("acl_async")

#: Pictures per Ray Data batch (one actor call).  Each batch ends by draining the actor's queue, measured
#: (cProfile of the actor's call on 960 JPEGs, EfficientNet-Lite0) at 13-17 ms whatever the batch size:
#: 6% of the actor's time with 32 pictures a batch, under 1% with 256 (Ray Data's own per-batch work
#: comes on top); ``classify --ray local`` on 3000 JPEGs took 1-4 s less wall time with 256 than with 32
#: in 4 of 4 alternating pairs (shared machine, load 6-9).  A retried batch redoes at most 256
#: pictures; small inputs still get two batches per actor (see _execute).
DEFAULT_BATCH_SIZE = 256
#: Seconds between two looks, while the driver has a head start, at whether an actor is ready.
WAKE_S = 0.05
#: The engines of a run (see :func:`classify_dataset`).
ACTORS, DATA = "actors", "data"
#: Consecutive deaths of starting actors tolerated, per actor of the pool, before the run fails.
INIT_DEATHS_PER_ACTOR = 3


def list_inputs(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """Local pictures (files, folders, globs; absolute paths, in order, no duplicates) and URIs left to
    Ray's reader.  :class:`~acl_async.preprocess.InputFileError` for a path or glob that finds nothing."""
    local: list[str] = []
    remote: list[str] = []
    for item in inputs:
        text = os.fspath(item)
        if "://" in text and not text.startswith("local://"):
            remote.append(text)
            continue
        text = text.removeprefix("local://")
        if glob.has_magic(text):
            matches = sorted(glob.glob(text))
            kept = [m for m in matches if os.path.isdir(m) or Path(m).suffix.lower() in PICTURE_SUFFIXES]
            if not kept:
                raise InputFileError(text, "no picture or folder matches")
            local.extend(kept)
        else:
            local.append(text)
    files = collect_inputs(local, PICTURE_SUFFIXES)
    return [str(p.absolute()) for p in files], remote


def _first_line(exc: BaseException) -> str:
    """The root cause of a Ray error, in one line."""
    cause: BaseException | None = exc
    seen = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        inner = getattr(cause, "cause", None) or cause.__cause__
        if inner is None or inner is cause:
            break
        cause = inner
    text = str(cause) if cause is not None else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines and "Traceback" in lines[0] else (lines[0] if lines else type(exc).__name__)


def choose_engine(engine: str | None, fresh: bool, remote: bool) -> str:
    """The engine of a run: ``engine`` when given, else the actor pool on a cluster the run started
    (``fresh``) when every input is a local file (no ``remote`` URIs: those need Ray Data's readers)."""
    if engine is None:
        return ACTORS if fresh and not remote else DATA
    if engine == ACTORS and remote:
        raise ValueError("engine 'actors' takes local files only, not URIs")
    return engine


def _describe_model(ray: Any, model_ref: Any, remote_args: dict[str, Any], config: str | None) -> Any:
    """Load the model once, on a device like the actors' (a Ray task with their resources)."""
    from .devices import assigned_device

    def describe(model: bytes, config: str | None) -> Any:
        from ..session import Session

        with Session(device_id=assigned_device().device_id, config=config) as session:
            return describe_inputs(session.load_model(model))

    task = ray.remote(max_retries=0, **remote_args)(describe)
    try:
        return get_placed(ray, task.remote(model_ref, config), "the model probe", remote_args)
    except ClusterError:
        raise
    except Exception as exc:  # noqa: BLE001 - any load failure is reported once, in one line
        raise ModelLoadError(f"cannot load the model: {_first_line(exc)}") from None


def _check_placement(ray: Any, remote_args: dict[str, Any]) -> None:
    """A no-op task with an actor's resources: the cluster can place the actors (else ClusterError)."""

    def placed() -> bool:
        return True

    task = ray.remote(max_retries=0, **remote_args)(placed)
    get_placed(ray, task.remote(), "the placement probe", remote_args)


def _inputs_from_file(path: Path) -> list[InputDesc] | None:
    """The model's inputs as its file states them, when that is what a load gives (ONNX, or an
    ``acl-async atc`` .om without AIPP or profiles, all dims static): the run then needs no probe load.
    None otherwise (the probe loads the model)."""
    try:
        if is_container(path):
            meta = read_container(path).meta
            if "dynamic" in meta or any(k.startswith("aipp") for k in meta):
                return None
        found = read_model_inputs(path)
    except Exception:  # noqa: BLE001 - unreadable here: the probe load reports why
        return None
    descs = [InputDesc(i.name, tuple(int(d) for d in i.dims), str(i.dtype)) for i in found]
    if not descs or any(d < 0 for desc in descs for d in desc.dims):
        return None
    return descs


def _ok_rows(table: Any) -> Any:
    import pyarrow.compute as pc

    return table.filter(pc.equal(table[ERROR], "")).select([PATH, TOP_IDS, PROBABILITIES, LABELS])


def _error_rows(table: Any) -> Any:
    import pyarrow.compute as pc

    failed = table.filter(pc.not_equal(table[ERROR], ""))
    return failed.select([PATH, ERROR]).rename_columns([PATH, "reason"])


def _exactly_once(table: Any, expected: Sequence[str] | None) -> Any:
    """The guard of the exactly-once promise: one row per path (the first kept, with a warning, when a
    batch came back twice) and, when the inputs are known (``expected``), a row for every input and
    none for anything else (:class:`RayRunError` otherwise)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    unique = len(pc.unique(table[PATH]))
    if unique != table.num_rows:
        log.warning("%d result rows for %d pictures: keeping one row per picture", table.num_rows, unique)
        table = table.sort_by(PATH)
        ordered = table[PATH].to_pylist()
        keep = [i for i, path in enumerate(ordered) if i == 0 or path != ordered[i - 1]]
        table = table.take(pa.array(keep, type=pa.int64()))
    if expected is not None:
        got = set(table[PATH].to_pylist())
        missing = [p for p in expected if p not in got]
        if missing:
            raise RayRunError(f"{len(missing)} picture(s) got no result row, e.g. {missing[0]}")
        extra = got.difference(expected)
        if extra:
            raise RayRunError(f"{len(extra)} result row(s) for pictures not in the input, e.g. {min(extra)}")
    return table


def _in_order(table: Any, paths: Sequence[str]) -> Any:
    """The rows in the order of ``paths`` (the order of the local ``classify``), whoever made them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    position = pc.index_in(table[PATH], value_set=pa.array(paths, pa.string()))
    return table.take(pc.sort_indices(position))


def _collect(ray: Any, job: _Job, ds: Any) -> Any:
    """Run the pipeline (a Ray Dataset, or an actor pool with its :class:`_PoolRun`) and
    bring its result rows to the driver as one pyarrow Table."""
    import pyarrow as pa

    if isinstance(ds, tuple):
        pool, run = ds
        found = [rows_table(columns) for columns in run.collect(ray, pool, job.batch_size)]
    else:
        found = ray.get(list(ds.to_arrow_refs()))
    tables = [t for t in found if t.num_rows]
    return pa.concat_tables(tables) if tables else result_schema().empty_table()


def classify_dataset(
    inputs: Sequence[str | os.PathLike[str]],
    model: str | os.PathLike[str],
    *,
    output: str | os.PathLike[str],
    top_k: int = 5,
    batch_size: int = DEFAULT_BATCH_SIZE,
    devices: int | None = None,
    address: str | None = None,
    labels: str | None = None,
    output_format: str | None = None,
    errors_output: str | None = None,
    overwrite: bool = False,
    config: str | None = None,
    actor_cpus: float | None = None,
    progress: bool = True,
    after_batch: AfterBatch | None = None,
    on_start: OnStart | None = None,
    engine: str | None = None,
    head_start: bool | None = None,
) -> RunSummary:
    """Classify every picture of ``inputs`` with ``model`` on a Ray cluster; write the results.

    ``inputs``: files, folders (their pictures), globs, or URIs Ray's readers take (``s3://...``).
    ``output``: the results (path, top-k class ids, probabilities, labels), Parquet unless its suffix
    (or ``output_format``) says JSON lines or CSV; unreadable pictures go to ``errors_output``
    (default ``<output stem>.errors.<suffix>``: path, reason).  ``devices``: actors (default: every NPU
    of the cluster, else one host-runtime actor per node).  ``address``: see :func:`.cluster.connect`.
    ``after_batch`` runs in each actor after each batch (see :data:`.actor.AfterBatch`), ``on_start``
    in each actor as it starts (see :data:`.actor.OnStart`).  ``engine``: ``"actors"`` (an
    :class:`.actor_pool.ActorPool` fed the local paths), ``"data"`` (Ray Data); default: ``"actors"`` on a
    new local cluster (``address="local"``) when every input is a local file, else ``"data"``.
    ``head_start``: the driver classifies pictures while that new local cluster and its actors start,
    with the same code as an actor (:mod:`.head_start`; default: when no actor hook is given).

    Raises :class:`~acl_async.ray.errors.RayRunError` subclasses (one-line messages) and
    :class:`~acl_async.preprocess.InputFileError` for inputs that do not exist.
    """
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if engine not in (None, ACTORS, DATA):
        raise ValueError(f"engine must be {ACTORS!r} or {DATA!r}, got {engine!r}")
    out = OutputSpec.make(output, fmt=output_format, errors_path=errors_output, overwrite=overwrite)
    out.check()
    model_path = Path(model)
    if not model_path.is_file():
        raise InputFileError(model_path, "model file not found")
    local, remote = list_inputs(inputs)
    if not local and not remote:
        raise InputFileError(" ".join(os.fspath(i) for i in inputs), "no pictures (jpg/jpeg/png/bmp)")
    from ..labels import labels_for_model

    names = labels_for_model(model_path, labels)
    early = _head_start(head_start, engine, address, bool(remote), after_batch, on_start)
    early_descs = _inputs_from_file(model_path) if early else None
    run: _PoolRun | None = None
    if early_descs is not None:  # the checks a probe load would make, then the driver starts classifying
        model_batch, spec = _picture_model(early_descs, model_path)
        kwargs = _kwargs(model_path.read_bytes(), model_batch, names, top_k, config, None, None, spec)
        run = _PoolRun.begin(local, kwargs, progress)
    ray = import_ray()
    try:
        owned = connect(address, announce=progress)
    except BaseException:
        if run is not None:
            run.abort()
        raise
    # A cluster this run started has nobody else's work on it: no placement probe, and (local files) the
    # actor pool without Ray Data's fixed costs.
    fresh = owned and address == "local"
    pool: ActorPool | None = None
    try:
        engine = choose_engine(engine, fresh, bool(remote))
        if progress:
            say(f"Ray cluster {describe_cluster()}")
        plan = plan_actors(devices, actor_cpus)
        # On a cluster the run started on this machine the actors read the model file themselves: no
        # copy in the object store (nor Ray's warning about actor arguments held there).
        model_ref = model_path.absolute() if fresh else ray.put(model_path.read_bytes())
        descs = early_descs or _inputs_from_file(model_path)
        if descs is None:
            probe_model = ray.put(model_path.read_bytes()) if fresh else model_ref
            descs = _describe_model(ray, probe_model, plan.remote_args(), config)
        elif not fresh:  # no load needed: only check, in bounded time, that the cluster gives the resources
            _check_placement(ray, plan.remote_args())
        model_batch, spec = _picture_model(descs, model_path)
        job = _Job(
            local,
            remote,
            out,
            plan,
            model_ref,
            model_batch,
            names,
            top_k,
            batch_size,
            config,
            after_batch,
            {"spec": spec, "shape": tuple(descs[0].dims[1:]), "dtype": descs[0].dtype},
            on_start,
        )
        if engine == ACTORS:
            pool = ActorPool(ray, plan.actors, plan.remote_args(), _actor_kwargs(job))
            pool.start()  # the actors start and load the model while the batches are made
            if run is None:
                run = _PoolRun.begin(local, None, progress)
            return _finish(ray, job, (pool, run))
        return _run(ray, job, progress)
    finally:
        if run is not None:
            run.abort()
        if pool is not None:
            pool.close()  # killed now: the cluster's shutdown then does not wait for them to exit
        if owned:
            ray.shutdown()


def _head_start(
    wanted: bool | None,
    engine: str | None,
    address: str | None,
    remote: bool,
    after_batch: AfterBatch | None,
    on_start: OnStart | None,
) -> bool:
    """Whether the driver classifies while Ray starts (:mod:`.head_start`): only on a cluster the run
    starts (``address="local"``, Ray not initialized) with the actor pool, local files only; by default
    only when no actor hooks are given (they count an actor's batches)."""
    import sys

    started = "ray" in sys.modules and sys.modules["ray"].is_initialized()
    possible = address == "local" and not started and engine in (None, ACTORS) and not remote
    if wanted is None:
        return possible and after_batch is None and on_start is None
    return wanted and possible


def _picture_model(descs: Sequence[InputDesc], model_path: Path) -> tuple[int, Any]:
    """The model's batch and preprocessing, or :class:`ModelLoadError` when it takes no picture."""
    if not is_picture_input(descs, model_path):
        raise ModelLoadError(
            f"the model needs one picture input [N,3,H,W] or [N,H,W,3], not {[list(d.dims) for d in descs]}"
        )
    try:
        return check_batch(descs, None), picture_spec(model_path, descs)
    except ValueError as exc:
        raise ModelLoadError(str(exc)) from None


@dataclass(frozen=True)
class _Job:
    """Everything a run needs once the checks passed."""

    local: list[str]
    remote: list[str]
    out: OutputSpec
    plan: ActorPlan
    model_ref: Any
    model_batch: int
    labels: list[str] | None
    top_k: int
    batch_size: int
    config: str | None
    after_batch: AfterBatch | None
    decode_args: dict[str, Any]
    on_start: OnStart | None = None


def _run(ray: Any, job: _Job, progress: bool) -> RunSummary:
    from ray.data import DataContext

    ctx = DataContext.get_current()
    saved = ctx.enable_progress_bars, ctx.use_ray_tqdm, ctx.max_consecutive_actor_init_deaths
    ctx.enable_progress_bars = progress
    ctx.use_ray_tqdm = False  # bars drawn by the driver alone (tqdm), not relayed from workers
    # Ray Data's default (0) fails the run when one actor dies while starting: replace it instead.
    ctx.max_consecutive_actor_init_deaths = INIT_DEATHS_PER_ACTOR * job.plan.actors
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.WARNING)  # Ray Data's INFO lines (plans, "execution finished") drown the bars
    try:
        return _execute(ray, job)
    finally:
        data_log.setLevel(level)
        ctx.enable_progress_bars, ctx.use_ray_tqdm, ctx.max_consecutive_actor_init_deaths = saved


def _execute(ray: Any, job: _Job) -> RunSummary:
    from ray.data import ActorPoolStrategy  # imports ray.data (ray.data.from_items below)

    parts = []
    batch_size = job.batch_size
    if job.local:
        # at most batch_size pictures a batch, and at least two batches per actor to share out
        batch_size = max(1, min(batch_size, math.ceil(len(job.local) / (2 * job.plan.actors))))
        blocks = max(1, min(math.ceil(len(job.local) / batch_size), 10_000))
        parts.append(ray.data.from_items([{PATH: p} for p in job.local], override_num_blocks=blocks))
    if job.remote:
        suffixes = sorted(s[1:] for s in PICTURE_SUFFIXES)
        parts.append(ray.data.read_binary_files(job.remote, include_paths=True, file_extensions=suffixes))
    pictures = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    classified = pictures.map_batches(
        ClassifyActor,
        fn_constructor_kwargs=_actor_kwargs(job),
        compute=ActorPoolStrategy(size=job.plan.actors),
        batch_size=batch_size,
        batch_format="numpy",
        **job.plan.remote_args(),
    )
    return _finish(ray, job, classified)


def _kwargs(
    model: Any,
    model_batch: int,
    labels: list[str] | None,
    top_k: int,
    config: str | None,
    after_batch: AfterBatch | None,
    on_start: OnStart | None,
    spec: Any,
) -> dict[str, Any]:
    """The arguments of a :class:`.actor.ClassifyActor` (``model``: its bytes or their Ray object)."""
    return {
        "model": model,
        "model_batch": model_batch,
        "top_k": top_k,
        "labels": labels,
        "config": config,
        "after_batch": after_batch,
        "on_start": on_start,
        "spec": spec,
    }


def _actor_kwargs(job: _Job) -> dict[str, Any]:
    return _kwargs(
        job.model_ref,
        job.model_batch,
        job.labels,
        job.top_k,
        job.config,
        job.after_batch,
        job.on_start,
        job.decode_args["spec"],
    )


def _batch_size(count: int, batch_size: int, actors: int) -> int:
    """At most ``batch_size`` paths a batch, and at least two batches per actor to share out."""
    return max(1, min(batch_size, math.ceil(count / (2 * actors))))


class _PoolRun:
    """The local paths of an actor-pool run, its progress bar and its start time, and, when the driver
    has a head start (:mod:`.head_start`), the driver's classifying thread."""

    def __init__(self, paths: list[str], kwargs: dict[str, Any] | None, progress: bool) -> None:
        from ..progress import bar

        self.started = time.perf_counter()
        self.queue = PathQueue(paths)
        self.total = len(paths)
        self.bar = bar(len(paths), "Classify", "pictures", enabled=None if progress else False)
        self.lock = threading.Lock()
        self.early = HeadStart(self.queue, kwargs, self.update) if kwargs is not None else None
        # The driver makes the run's table from the batches' columns once they are all in: its imports
        # now, while Ray starts, not after the last batch with the cores idle.
        self.arrow = threading.Thread(target=load_arrow, name="acl-async-arrow", daemon=True)

    @classmethod
    def begin(cls, paths: list[str], kwargs: dict[str, Any] | None, progress: bool) -> _PoolRun:
        run = cls(paths, kwargs, progress)
        run.arrow.start()
        if run.early is not None:
            run.early.start()
        return run

    def update(self, count: int) -> None:
        with self.lock:  # the driver's thread and the pool's loop both count
            self.bar.update(count)

    def collect(self, ray: Any, pool: ActorPool, batch_size: int) -> list[Any]:
        """Hand the pictures the driver has not taken to the pool once an actor is ready (or the driver
        has taken them all): every batch's result columns."""
        early: list[Any] = []
        if self.early is not None:
            ready = pool.ready()
            while not self.early.done.is_set() and not ray.wait(ready, num_returns=1, timeout=WAKE_S)[0]:
                pass
            try:
                early = self.early.stop()
            except Exception as exc:  # noqa: BLE001 - one line, as an actor's failure would be
                if self.early.load_failed:
                    raise ModelLoadError(f"cannot load the model: {_first_line(exc)}") from None
                raise
        left = self.total - self.queue.taken
        size = _batch_size(left, batch_size, pool.size)
        try:
            return pool.run(self.queue.batches(size), self.update) + early  # any order: see _in_order
        finally:
            self.bar.close()

    def abort(self) -> None:
        """Stop the driver's thread (if still running) and close the bar (idempotent)."""
        if self.early is not None:
            self.early.stopping.set()
            self.early.thread.join()
        self.bar.close()


def _finish(ray: Any, job: _Job, work: Any) -> RunSummary:
    """Run ``work`` (:func:`_collect`), check the rows, write the outputs, sum up."""
    start = work[1].started if isinstance(work, tuple) else time.perf_counter()
    try:
        table = _collect(ray, job, work)
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - Ray wraps the cause; report it in one line
        raise RayRunError(f"the Ray run failed: {_first_line(exc)}") from None
    seconds = time.perf_counter() - start
    table = _exactly_once(table, None if job.remote else job.local)
    if not job.remote:
        table = _in_order(table, job.local)

    import pyarrow.compute as pc

    failed = pc.not_equal(table[ERROR], "")
    failures = pc.sum(failed).as_py() or 0
    per_actor: Counter[str] = Counter(table.filter(pc.invert(failed))[ACTOR].to_pylist())
    write_output(_ok_rows(table), job.out.path, job.out.format, job.out.overwrite)
    errors_path: str | None = None
    if failures:
        write_output(_error_rows(table), job.out.errors_path, job.out.format, job.out.overwrite)
        errors_path = job.out.errors_path
    elif job.out.overwrite:
        remove_stale(job.out.errors_path)
    return RunSummary(
        pictures=sum(per_actor.values()),
        failures=failures,
        seconds=seconds,
        per_actor=dict(per_actor),
        output=job.out.path,
        errors_output=errors_path,
        devices=job.plan.actors,
    )
