"""``classify_dataset``: one Ray Data pipeline from picture files to a results output.

    read (paths listed here, or Ray's binary reader for URIs)
      -> decode + preprocess (CPU tasks, :mod:`.decode`)
      -> classify (a pool of actors, one per device, :class:`.actor.ClassifyActor`)
      -> materialized result rows -> results (Parquet/JSONL/CSV) + errors output

Everything that can be checked is checked before any picture is read: the output, the inputs, Ray, the
cluster, its resources, and the model (loaded once on one device of the kind the actors get, so a
model that cannot load fails once with its error, not once per actor).

Fault tolerance is Ray's: Ray Data creates the pool's actors with ``max_restarts=-1`` and their tasks
with ``max_task_retries=-1`` unless told otherwise (``ActorPoolMapOperator._apply_default_remote_args``
in the pinned Ray 2.60, where passing them by hand is deprecated), so a killed actor process is
restarted and the batch it held is run again; decode tasks keep Ray's task retries.  A batch's rows
exist only once its task returned, so a retried batch is not duplicated; the run checks that every
input gave exactly one row all the same (and keeps one row per path if not).
"""

from __future__ import annotations

import glob
import logging
import math
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model_io import check_batch, describe_inputs, is_picture_input, picture_spec
from ..preprocess import PICTURE_SUFFIXES, InputFileError, collect_inputs
from .actor import ACTOR, LABELS, PROBABILITIES, TOP_IDS, AfterBatch, ClassifyActor
from .cluster import DECODE_CPUS, ActorPlan, connect, import_ray, plan_actors
from .decode import ERROR, PATH, decode_batch
from .errors import ModelLoadError, RayRunError
from .output import OutputSpec, remove_stale, write_dataset
from .summary import RunSummary

__all__ = ["DEFAULT_BATCH_SIZE", "classify_dataset", "list_inputs"]

log = logging.getLogger("acl_async")

#: Pictures per Ray Data batch (one decode task call, one actor call).
DEFAULT_BATCH_SIZE = 32


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


def _describe_model(ray: Any, model_ref: Any, remote_args: dict[str, Any], config: str | None) -> Any:
    """Load the model once, on a device like the actors' (a Ray task with their resources)."""
    from .devices import assigned_device

    def describe(model: bytes, config: str | None) -> Any:
        from ..session import Session

        with Session(device_id=assigned_device().device_id, config=config) as session:
            return describe_inputs(session.load_model(model))

    task = ray.remote(max_retries=0, **remote_args)(describe)
    try:
        return ray.get(task.remote(model_ref, config))
    except Exception as exc:  # noqa: BLE001 - any load failure is reported once, in one line
        raise ModelLoadError(f"cannot load the model: {_first_line(exc)}") from None


def _ok_rows(table: Any) -> Any:
    import pyarrow.compute as pc

    return table.filter(pc.equal(table[ERROR], "")).select([PATH, TOP_IDS, PROBABILITIES, LABELS])


def _error_rows(table: Any) -> Any:
    import pyarrow.compute as pc

    failed = table.filter(pc.not_equal(table[ERROR], ""))
    return failed.select([PATH, ERROR]).rename_columns([PATH, "reason"])


def _first_per_path(table: Any) -> Any:
    """One row per path (the first in path order): the guard against a batch counted twice."""
    import pyarrow as pa

    table = table.sort_by(PATH)
    paths = table[PATH].to_pylist()
    keep = [i for i, path in enumerate(paths) if i == 0 or path != paths[i - 1]]
    return table.take(pa.array(keep, type=pa.int64()))


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
) -> RunSummary:
    """Classify every picture of ``inputs`` with ``model`` on a Ray cluster; write the results.

    ``inputs``: files, folders (their pictures), globs, or URIs Ray's readers take (``s3://...``).
    ``output``: the results (path, top-k class ids, probabilities, labels), Parquet unless its suffix
    (or ``output_format``) says JSON lines or CSV; unreadable pictures go to ``errors_output``
    (default ``<output stem>.errors.<suffix>``: path, reason).  ``devices``: actors (default: every NPU
    of the cluster, else one host-runtime actor per node).  ``address``: see :func:`.cluster.connect`.
    ``after_batch`` runs in each actor after each batch (see :data:`.actor.AfterBatch`).

    Raises :class:`~acl_async.ray.errors.RayRunError` subclasses (one-line messages) and
    :class:`~acl_async.preprocess.InputFileError` for inputs that do not exist.
    """
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
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
    ray = import_ray()
    owned = connect(address)
    try:
        plan = plan_actors(devices, actor_cpus)
        model_ref = ray.put(model_path.read_bytes())
        descs = _describe_model(ray, model_ref, plan.remote_args(), config)
        if not is_picture_input(descs):
            raise ModelLoadError(
                f"the model needs one picture input [N,3,H,W] or [N,H,W,3], not "
                f"{[list(d.dims) for d in descs]}"
            )
        try:
            model_batch = check_batch(descs, None)
            spec = picture_spec(model_path, descs)
        except ValueError as exc:
            raise ModelLoadError(str(exc)) from None
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
        )
        return _run(ray, job, progress)
    finally:
        if owned:
            ray.shutdown()


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


def _run(ray: Any, job: _Job, progress: bool) -> RunSummary:
    from ray.data import DataContext

    DataContext.get_current().enable_progress_bars = progress
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.WARNING)  # Ray Data's INFO lines (plans, "execution finished") drown the bars
    try:
        return _execute(ray, job)
    finally:
        data_log.setLevel(level)


def _execute(ray: Any, job: _Job) -> RunSummary:
    from ray.data import ActorPoolStrategy

    parts = []
    batch_size = job.batch_size
    if job.local:
        # at most batch_size pictures a batch, and at least two batches per actor to share out
        batch_size = max(1, min(batch_size, math.ceil(len(job.local) / (2 * job.plan.actors))))
        blocks = max(1, min(math.ceil(len(job.local) / batch_size), 10_000))
        items = ray.data.from_items([{PATH: p} for p in job.local], override_num_blocks=blocks)
        parts.append(
            items.map_batches(
                decode_batch,
                fn_kwargs=job.decode_args,
                batch_size=batch_size,
                batch_format="numpy",
                num_cpus=DECODE_CPUS,
            )
        )
    if job.remote:
        files = ray.data.read_binary_files(
            job.remote, include_paths=True, file_extensions=sorted(s[1:] for s in PICTURE_SUFFIXES)
        )
        parts.append(
            files.map_batches(
                decode_batch,
                fn_kwargs=job.decode_args,
                batch_size=batch_size,
                batch_format="numpy",
                num_cpus=DECODE_CPUS,
            )
        )
    pictures = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    classified = pictures.map_batches(
        ClassifyActor,
        fn_constructor_kwargs={
            "model": job.model_ref,
            "model_batch": job.model_batch,
            "top_k": job.top_k,
            "labels": job.labels,
            "config": job.config,
            "after_batch": job.after_batch,
        },
        compute=ActorPoolStrategy(size=job.plan.actors),
        batch_size=batch_size,
        batch_format="numpy",
        **job.plan.remote_args(),
    )
    start = time.perf_counter()
    try:
        rows = classified.materialize()
    except Exception as exc:  # noqa: BLE001 - Ray wraps the cause; report it in one line
        raise RayRunError(f"the Ray run failed: {_first_line(exc)}") from None
    seconds = time.perf_counter() - start

    per_actor: Counter[str] = Counter()
    failures = total = 0
    for block in rows.select_columns([ACTOR, ERROR]).iter_batches(batch_format="pyarrow", batch_size=None):
        total += block.num_rows
        for actor, error in zip(block[ACTOR].to_pylist(), block[ERROR].to_pylist(), strict=True):
            if error:
                failures += 1
            else:
                per_actor[actor] += 1
    if not job.remote and total != len(job.local):
        log.warning("%d result rows for %d pictures: keeping one row per picture", total, len(job.local))
        rows = rows.repartition(1).map_batches(_first_per_path, batch_format="pyarrow", batch_size=None)
        rows = rows.materialize()
        failures = rows.filter(lambda r: bool(r[ERROR])).count()
        per_actor = Counter(r[ACTOR] for r in rows.filter(lambda r: not r[ERROR]).iter_rows())

    write_dataset(
        rows.map_batches(_ok_rows, batch_format="pyarrow"), job.out.path, job.out.format, job.out.overwrite
    )
    errors_path: str | None = None
    if failures:
        write_dataset(
            rows.map_batches(_error_rows, batch_format="pyarrow"),
            job.out.errors_path,
            job.out.format,
            job.out.overwrite,
        )
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
