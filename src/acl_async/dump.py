"""Write model outputs to files atomically, named like Huawei's sample (``output{N}_{i}.bin``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["DUMP_FORMATS", "OutputDumper"]

DUMP_FORMATS = ("bin", "npy", "txt")


class OutputDumper:
    """Writes output ``i`` of execution ``N`` to ``DIR/output{N}_{i}.{fmt}``; a file is whole or absent."""

    def __init__(self, directory: str | os.PathLike[str], fmt: str = "bin") -> None:
        if fmt not in DUMP_FORMATS:
            raise ValueError(f"dump format must be one of {', '.join(DUMP_FORMATS)} (got {fmt!r})")
        self.directory = Path(directory)
        self.fmt = fmt

    def check_writable(self) -> None:
        """Create the directory and prove a file can be written there (OSError otherwise)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.directory, prefix=".probe-"):
            pass

    def path(self, execution: int, index: int) -> Path:
        return self.directory / f"output{execution}_{index}.{self.fmt}"

    def write(self, execution: int, outputs: list[np.ndarray]) -> None:
        for index, array in enumerate(outputs):
            self._write_atomic(self.path(execution, index), np.ascontiguousarray(array))

    def _write_atomic(self, target: Path, array: np.ndarray) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                if self.fmt == "bin":
                    f.write(array.tobytes())
                elif self.fmt == "npy":
                    np.save(f, array)
                else:
                    np.savetxt(f, array.reshape(-1), fmt="%.9g")
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
