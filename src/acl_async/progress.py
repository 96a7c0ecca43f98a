"""Progress bars with an ETA (tqdm), the same everywhere: drawn on stderr only when it is a terminal and
only once the work has lasted ``delay`` seconds, so short runs, pipes, files and CI logs see nothing."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tqdm import tqdm

__all__ = ["DELAY_S", "bar", "working"]

#: Work shorter than this draws no bar.
DELAY_S = 2.0


def bar(total: float | None, desc: str, unit: str = "it", *, stream: TextIO | None = None,
        enabled: bool | None = None, delay: float = DELAY_S, **kwargs: Any) -> tqdm:
    """A tqdm bar towards ``total`` ``unit``s (None: a counter without ETA); ``enabled`` None: only on a
    terminal."""
    return tqdm(total=total, desc=desc, unit=unit, file=stream if stream is not None else sys.stderr,
                disable=None if enabled is None else not enabled, delay=delay, leave=False,
                dynamic_ncols=True, **kwargs)  # fmt: skip


@contextmanager
def working(desc: str, *, stream: TextIO | None = None, enabled: bool | None = None,
            delay: float = DELAY_S, refresh_s: float = 0.5) -> Iterator[tqdm]:
    """A bar for one long call that reports no steps (a conversion, a model compilation): the time it
    has taken so far, redrawn every ``refresh_s`` by a helper thread until the block ends."""
    with bar(None, desc, stream=stream, enabled=enabled, delay=delay,
             bar_format="{desc}: {elapsed}") as shown:  # fmt: skip
        done = threading.Event()

        def refresh() -> None:
            while not done.wait(refresh_s):
                shown.refresh()

        ticker = threading.Thread(target=refresh, name="acl-async-progress", daemon=True)
        if not shown.disable:
            ticker.start()
        try:
            yield shown
        finally:
            done.set()
            if ticker.is_alive():
                ticker.join()
