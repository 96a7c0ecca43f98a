"""Write model outputs to files atomically, named like Huawei's sample (``output{N}_{i}.bin``).

Folder policy: a dump folder that already holds outputs of an earlier run (``output*`` files of any
dump format) is refused, so a run never mixes its files with stale ones (a shorter second run would
otherwise leave the earlier run's ``outputN`` beyond its own); with ``overwrite`` those files, and
temporary files an interrupted run left, are deleted first.

Durability: each file is written atomically but not fsynced (an fsync per file costs more than a small
model's inference, and Huawei's sample does not sync at all); :meth:`OutputDumper.sync`, called once at
the end of a run, makes them all durable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .fileio import PathArg, as_path, check_folder_writable, sync_folder, write_atomic

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DUMP_FORMATS", "OutputDumper", "earlier_outputs"]

DUMP_FORMATS = ("bin", "npy", "txt")

_OUTPUT = re.compile(r"^output\d+_\d+\.(?:bin|npy|txt)$")
_TEMPORARY = re.compile(r"^\.output\d+_\d+\.(?:bin|npy|txt)\..*\.tmp$")


def earlier_outputs(folder: Path) -> list[Path]:
    """The dump files (``outputN_i.bin|npy|txt``) in ``folder``, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _OUTPUT.match(p.name))


class OutputDumper:
    """Writes output ``i`` of execution ``N`` to ``DIR/output{N}_{i}.{fmt}``; a file is whole or absent."""

    def __init__(self, directory: PathArg, fmt: str = "bin") -> None:
        if fmt not in DUMP_FORMATS:
            raise ValueError(f"dump format must be one of {', '.join(DUMP_FORMATS)} (got {fmt!r})")
        self.directory = as_path(directory)
        self.fmt = fmt
        self.written = 0  # files written (and not yet known durable before sync())

    def prepare(self, overwrite: bool = False) -> None:
        """Create the folder and prove it takes files; refuse (FileExistsError) a folder holding an
        earlier run's outputs unless ``overwrite``, which deletes them (and stale temporary files).
        ValueError for a folder that cannot be written."""
        check_folder_writable(self.directory)
        earlier = earlier_outputs(self.directory)
        if earlier and not overwrite:
            raise FileExistsError(
                f"{self.directory}: holds {len(earlier)} output file(s) of an earlier run "
                f"({earlier[0].name}, ...): use --overwrite to replace them, or another folder"
            )
        stale = [p for p in self.directory.iterdir() if _TEMPORARY.match(p.name)]
        for path in earlier + stale:
            path.unlink(missing_ok=True)

    def path(self, execution: int, index: int) -> Path:
        return self.directory / f"output{execution}_{index}.{self.fmt}"

    def write(self, execution: int, outputs: list[np.ndarray]) -> None:
        import numpy as np

        for index, array in enumerate(outputs):
            array = np.ascontiguousarray(array)
            path = self.path(execution, index)
            if self.fmt == "bin":  # the array's own memory, no bytes copy
                write_atomic(path, memoryview(array.reshape(-1)).cast("B"), durable=False)
            elif self.fmt == "npy":
                write_atomic(path, lambda f, a=array: np.save(f, a), durable=False)
            else:
                write_atomic(path, lambda f, a=array: np.savetxt(f, a.reshape(-1), fmt="%.9g"), durable=False)
            self.written += 1

    def sync(self) -> None:
        """Make every file written so far durable (one file-system sync; OSError names the folder)."""
        if self.written:
            sync_folder(self.directory)
