"""Write model outputs to files atomically, named like Huawei's sample (``output{N}_{i}.bin``).

Folder policy: a dump folder that already holds outputs of an earlier run (``output*`` files of any
dump format) is refused, so a run never mixes its files with stale ones (a shorter second run would
otherwise leave the earlier run's ``outputN`` beyond its own); with ``overwrite`` those files, and
temporary files an interrupted run left, are deleted first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from .fileio import PathArg, as_path, check_folder_writable, write_atomic

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
            if self.fmt == "bin":
                write_atomic(self.path(execution, index), array.tobytes())
            elif self.fmt == "npy":
                write_atomic(self.path(execution, index), lambda f, a=array: np.save(f, a))
            else:
                write_atomic(self.path(execution, index),
                             lambda f, a=array: np.savetxt(f, a.reshape(-1), fmt="%.9g"))  # fmt: skip
