"""Top-N classification results and how the driver prints them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Classification", "top_n", "format_sample_lines", "format_json"]


@dataclass(frozen=True)
class Classification:
    """One ranked class of one output."""

    rank: int
    index: int
    value: float
    label: str | None = None


def top_n(scores: np.ndarray, n: int, labels: Sequence[str] | None = None) -> list[Classification]:
    """The n best classes of a score array (any shape; flattened), highest first, ties by lower index."""
    flat = np.asarray(scores).reshape(-1).astype(np.float64, copy=False)
    n = max(0, min(n, flat.size))
    if n == 0:
        return []
    if n < flat.size:
        part = np.argpartition(-flat, n - 1)[:n]
    else:
        part = np.arange(flat.size)
    best = sorted(part.tolist(), key=lambda i: (-flat[i], i))
    return [
        Classification(rank, int(i), float(flat[i]), _label(labels, int(i)))
        for rank, i in enumerate(best, start=1)
    ]


def _label(labels: Sequence[str] | None, index: int) -> str | None:
    if labels is None or not 0 <= index < len(labels):
        return None
    return labels[index]


def format_sample_lines(classes: Sequence[Classification]) -> list[str]:
    """Huawei's sample format, ``top 1: index[281] value[0.380000]``, with the label appended when known."""
    lines = []
    for c in classes:
        line = f"top {c.rank}: index[{c.index}] value[{c.value:f}]"
        if c.label is not None:
            line += f" {c.label}"
        lines.append(line)
    return lines


def format_json(execution: int, source: str, classes: Sequence[Classification]) -> str:
    """One JSON object per execution, for scripts."""
    return json.dumps(
        {
            "execution": execution,
            "input": source,
            "top": [{"rank": c.rank, "index": c.index, "value": c.value, "label": c.label} for c in classes],
        }
    )
