"""A one-line progress bar for long benchmark runs.

Drawn on stderr only when it is a terminal and only once a run has lasted ``delay`` seconds (2 s), so
short runs, pipes, files and CI logs see nothing.  Cheap to call on every iteration.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Progress towards ``total`` iterations or ``duration_s`` seconds (whichever is given)."""

    WIDTH = 30

    def __init__(
        self,
        total: int | None = None,
        duration_s: float | None = None,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        delay: float = 2.0,
        interval: float = 0.1,
    ) -> None:
        self.total = total
        self.duration_s = duration_s
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.delay = delay
        self.interval = interval
        self.start = time.perf_counter()
        self._next_draw = self.start + delay
        self._drawn = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now < self._next_draw:
            return
        self._next_draw = now + self.interval
        self._draw(done, now - self.start)

    def fraction(self, done: int, elapsed: float) -> float:
        parts = []
        if self.total:
            parts.append(done / self.total)
        if self.duration_s:
            parts.append(elapsed / self.duration_s)
        return min(max(parts, default=0.0), 1.0)

    def _draw(self, done: int, elapsed: float) -> None:
        frac = self.fraction(done, elapsed)
        filled = int(frac * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        rate = done / elapsed if elapsed > 0 else 0.0
        self.stream.write(f"\r[{bar}] {frac * 100:3.0f}% {done} iterations, {elapsed:.1f} s, {rate:.1f}/s ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar (if it was drawn) so the report starts on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * (self.WIDTH + 60) + "\r")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
