"""Progress bars with an ETA (tqdm), the same everywhere: drawn on stderr only when it is a terminal and
only once the work has lasted ``delay`` seconds, so short runs, pipes, files and CI logs see nothing."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm import tqdm

__all__ = ["DELAY_S", "bar"]

#: Work shorter than this draws no bar.
DELAY_S = 2.0


def bar(total: float | None, desc: str, unit: str = "it", *, stream: TextIO | None = None,
        enabled: bool | None = None, delay: float = DELAY_S, **kwargs: Any) -> tqdm:
    """A tqdm bar towards ``total`` ``unit``s (None: a counter without ETA); ``enabled`` None: only on a
    terminal."""
    return tqdm(total=total, desc=desc, unit=unit, file=stream if stream is not None else sys.stderr,
                disable=None if enabled is None else not enabled, delay=delay, leave=False,
                dynamic_ncols=True, **kwargs)  # fmt: skip
