"""Where results go: one file per output (Parquet, JSON lines, CSV), written atomically.

A local output the user names is one file: the result rows (a path and its top-k classes each: small)
are on the driver, and pyarrow writes them into a hidden temporary sibling that is then renamed into
place (an old output, with ``overwrite``, is renamed away first and removed last), so a reader never
sees half an output.  A remote output (``s3://...``) and a local path ending in ``/`` are folders of
shards written by Ray Data's writers (CSV shards each start with the header).  The errors output sits
beside the results: ``results.parquet`` -> ``results.errors.parquet``.

Temporary names carry the writer's pid (``.results.parquet.tmp-<pid>-<tag>``): a run killed by SIGKILL
leaves one behind, and the next run with the same output removes it (or, when the kill came between
moving the old output away and moving the new one in, puts the old output back).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fileio import current_umask
from .errors import OutputExistsError

__all__ = [
    "FORMATS",
    "OutputSpec",
    "clean_stale",
    "errors_path_for",
    "format_for",
    "is_folder_output",
    "write_output",
]

#: Format name -> the suffixes that select it.
FORMATS = {"parquet": (".parquet", ".pq"), "json": (".jsonl", ".json", ".ndjson"), "csv": (".csv",)}


def format_for(path: str, explicit: str | None = None) -> str:
    """``explicit`` if given, else the format the output's suffix names, else Parquet."""
    if explicit is not None:
        name = explicit.lower().replace("jsonl", "json")
        if name not in FORMATS:
            raise ValueError(f"unknown output format {explicit!r} (parquet, jsonl or csv)")
        return name
    suffix = Path(path.rstrip("/")).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    return "parquet"


def errors_path_for(path: str) -> str:
    """``results.parquet`` -> ``results.errors.parquet``; ``out`` -> ``out.errors``."""
    stripped = path.rstrip("/")
    base, dot, suffix = stripped.rpartition(".")
    if dot and "/" not in suffix and base and not base.endswith("/"):
        return f"{base}.errors.{suffix}"
    return f"{stripped}.errors"


def is_local(path: str) -> bool:
    return "://" not in path or path.startswith("local://")


def _local(path: str) -> Path:
    return Path(path.removeprefix("local://").rstrip("/") or "/").absolute()


def is_folder_output(path: str) -> bool:
    """Whether ``path`` is written as a folder of shards (remote, or ending in ``/``)."""
    return not is_local(path) or path.endswith("/")


@dataclass(frozen=True)
class OutputSpec:
    """The results and errors outputs of one run."""

    path: str
    errors_path: str
    format: str
    overwrite: bool = False

    @classmethod
    def make(
        cls,
        path: str | os.PathLike[str],
        *,
        fmt: str | None = None,
        errors_path: str | None = None,
        overwrite: bool = False,
    ) -> OutputSpec:
        text = os.fspath(path)
        return cls(text, errors_path or errors_path_for(text), format_for(text, fmt), overwrite)

    def check(self) -> None:
        """Clean what killed runs left, then refuse existing local outputs unless ``overwrite`` (before
        any work starts)."""
        for path in (self.path, self.errors_path):
            clean_stale(path)
        if self.overwrite:
            return
        for path in (self.path, self.errors_path):
            if is_local(path) and os.path.lexists(_local(path)):
                raise OutputExistsError(f"output {path} exists (use --overwrite to replace it)")


def _text_lists(table: Any) -> Any:
    """CSV has no list type: list columns become JSON text."""
    import pyarrow as pa

    columns = []
    for name in table.column_names:
        column = table[name]
        if pa.types.is_list(column.type):
            column = pa.array([json.dumps(v) for v in column.to_pylist()], type=pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _write_file(table: Any, path: Path, fmt: str) -> None:
    """One new file at ``path`` holding ``table``, flushed to disk."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif fmt == "json":
        with open(path, "w", encoding="utf-8") as f:
            for batch in table.to_batches(max_chunksize=4096):
                f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in batch.to_pylist())
    else:
        import pyarrow.csv as csv

        csv.write_csv(_text_lists(table), path)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, 0o666 & ~current_umask())  # what open() gives, whatever the writer used


def _write_shards(table: Any, path: str, fmt: str, remote_args: dict[str, Any]) -> None:
    import ray.data

    ds = ray.data.from_arrow(table)
    if fmt == "parquet":
        ds.write_parquet(path, ray_remote_args=remote_args)
    elif fmt == "json":
        ds.write_json(path, ray_remote_args=remote_args)
    else:
        ds.map_batches(_text_lists, batch_format="pyarrow").write_csv(path, ray_remote_args=remote_args)


def _writer_gone(name: str) -> bool:
    """Whether the process that made the temporary ``name`` (``...-<pid>-<hex>``) has exited."""
    parts = name.rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return True  # the layout before pids were recorded: its writer is long gone
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_stale(path: str) -> None:
    """For the local output ``path``: temporaries of killed runs removed; an old output a killed run
    had moved away before moving its new one in, put back."""
    if not is_local(path):
        return
    final = _local(path)
    try:
        siblings = sorted(final.parent.iterdir())
    except OSError:
        return
    for kind in ("tmp", "old"):
        for stale in (p for p in siblings if p.name.startswith(f".{final.name}.{kind}-")):
            if not _writer_gone(stale.name):
                continue
            if kind == "old" and not os.path.lexists(final):
                os.replace(stale, final)
            else:
                _remove(stale)


def write_output(table: Any, path: str, fmt: str, overwrite: bool) -> None:
    """Write the rows of ``table`` (a pyarrow Table) to ``path``: one file, or a folder of shards (see
    :func:`is_folder_output`); local outputs atomically, written on this machine."""
    if not is_local(path):
        _write_shards(table, path, fmt, {})
        return
    final = _local(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp = final.with_name(f".{final.name}.tmp-{tag}")
    try:
        if is_folder_output(path):
            import ray
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            node = ray.get_runtime_context().get_node_id()
            tmp.mkdir()
            here = {"scheduling_strategy": NodeAffinitySchedulingStrategy(node_id=node, soft=False)}
            _write_shards(table, str(tmp), fmt, here)
        else:
            _write_file(table, tmp, fmt)
        old = None
        if os.path.lexists(final):
            if not overwrite:
                raise OutputExistsError(f"output {final} exists (use --overwrite to replace it)")
            old = final.with_name(f".{final.name}.old-{tag}")
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            _remove(old)
    finally:
        if os.path.lexists(tmp):
            _remove(tmp)


def remove_stale(path: str) -> None:
    """Remove an old local output (with ``overwrite``) that this run does not rewrite."""
    if not is_local(path):
        return
    old = _local(path)
    if os.path.lexists(old):
        _remove(old)
