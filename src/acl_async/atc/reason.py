"""OpenVINO's exception text made into one line that keeps the reason.

OpenVINO prefixes its messages with one ``Exception from src/...cpp:NN:`` line per C++ frame and
often ends with blank lines; the reason is everything else.
"""

from __future__ import annotations

import re

__all__ = ["ov_reason"]

_FRAME = re.compile(r"^(Exception from \S+:\d+:|Check '.*' failed at \S+:\d+:)\s*")


def ov_reason(exc: BaseException, limit: int = 600) -> str:
    """The whole reason of ``exc`` on one line (frames dropped, lines joined, at most ``limit`` chars)."""
    parts = []
    for line in str(exc).splitlines():
        line = line.strip()
        while (m := _FRAME.match(line)) is not None:
            line = line[m.end() :].strip()
        if line:
            parts.append(line)
    text = " ".join(parts) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
