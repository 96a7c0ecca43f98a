"""Where results go: Ray Data's writers (Parquet, JSON lines, CSV), each output written atomically.

Ray's writers fill a folder with one file per block.  A local output is written into a hidden sibling
folder, then renamed into place (an old output, with ``overwrite``, is renamed away first and removed
last), so a reader never sees half an output.  The errors output sits beside the results:
``results.parquet`` -> ``results.errors.parquet``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OutputExistsError

__all__ = ["FORMATS", "OutputSpec", "errors_path_for", "format_for", "write_dataset"]

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
        """Refuse existing local outputs unless ``overwrite`` (before any work starts)."""
        if self.overwrite:
            return
        for path in (self.path, self.errors_path):
            if is_local(path) and os.path.lexists(path.removeprefix("local://")):
                raise OutputExistsError(f"output {path} exists (use --overwrite to replace it)")


def _to_text_lists(table: Any) -> Any:
    """CSV has no list type: list columns become JSON text."""
    import json

    import pyarrow as pa

    columns = []
    for name in table.column_names:
        column = table[name]
        if pa.types.is_list(column.type):
            column = pa.array([json.dumps(v) for v in column.to_pylist()], type=pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _write(ds: Any, path: str, fmt: str, remote_args: dict[str, Any]) -> None:
    if fmt == "parquet":
        ds.write_parquet(path, ray_remote_args=remote_args)
    elif fmt == "json":
        ds.write_json(path, ray_remote_args=remote_args)
    else:
        ds.map_batches(_to_text_lists, batch_format="pyarrow").write_csv(path, ray_remote_args=remote_args)


def write_dataset(ds: Any, path: str, fmt: str, overwrite: bool) -> None:
    """Write ``ds`` with Ray's writer for ``fmt``; local outputs atomically, on the driver's node."""
    if not is_local(path):
        _write(ds, path, fmt, {})
        return
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    final = Path(path.removeprefix("local://")).absolute()
    final.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    tmp = final.with_name(f".{final.name}.tmp-{tag}")
    here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
    try:
        tmp.mkdir()
        _write(ds, str(tmp), fmt, {"scheduling_strategy": here})
        old = None
        if os.path.lexists(final):
            if not overwrite:
                raise OutputExistsError(f"output {final} exists (use --overwrite to replace it)")
            old = final.with_name(f".{final.name}.old-{tag}")
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def remove_stale(path: str) -> None:
    """Remove an old local output (with ``overwrite``) that this run does not rewrite."""
    if not is_local(path):
        return
    old = Path(path.removeprefix("local://"))
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old)
    elif os.path.lexists(old):
        old.unlink()
