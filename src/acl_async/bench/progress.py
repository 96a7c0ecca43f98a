"""The progress bar of a benchmark run (a tqdm bar with an ETA, see :mod:`acl_async.progress`).

Towards ``total`` iterations, or towards ``duration_s`` seconds (then the bar counts seconds and shows
the iterations beside them).  Cheap to call on every iteration: tqdm redraws at most every
``interval`` seconds.
"""

from __future__ import annotations

import time
from typing import TextIO

from ..progress import DELAY_S, bar

__all__ = ["Progress"]


class Progress:
    """Progress towards ``total`` iterations or ``duration_s`` seconds (iterations win when both)."""

    def __init__(
        self,
        total: int | None = None,
        duration_s: float | None = None,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        delay: float = DELAY_S,
        interval: float = 0.1,
    ) -> None:
        self.by_time = not total and bool(duration_s)
        self.start = time.perf_counter()
        self._shown: float = 0
        self._bar = bar(duration_s if self.by_time else total, "measuring", "s" if self.by_time else "it",
                        stream=stream, enabled=enabled, delay=delay, mininterval=interval,
                        bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}{postfix}]"
                        if self.by_time else None)  # fmt: skip
        self.enabled = not self._bar.disable

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now: float
        if self.by_time:
            now = min(time.perf_counter() - self.start, float(self._bar.total))
            self._bar.set_postfix_str(f"{done} iterations", refresh=False)
        else:
            now = done  # an int: tqdm shows "5/10", not "5.0/10"
        if now > self._shown:
            self._bar.update(now - self._shown)
            self._shown = now

    def close(self) -> None:
        """Erase the bar (if it was drawn) so the report starts on a clean line."""
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
