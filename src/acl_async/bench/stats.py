"""Latency statistics: nearest-rank percentiles and the benchmark_app latency summary.

Percentiles use the **nearest-rank** method, as OpenVINO's ``benchmark_app`` does: for ``n`` sorted
values and ``0 < p <= 100``, the p-th percentile is the value of rank ``ceil(p / 100 * n)`` (1-based).
It is always one of the measured values (no interpolation), so:

* ``p = 100`` gives the maximum, and any ``p`` with ``n = 1`` gives that single value;
* ``p = 50`` of an even count gives the lower of the two middle values (``[1, 2, 3, 4]`` -> 2).

The "Median" of the report is the 50th percentile by this same rule, as in ``benchmark_app``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_PERCENTILES",
    "LatencySummary",
    "format_percentile",
    "parse_percentiles",
    "percentile",
    "percentile_rank",
    "summarize",
]

DEFAULT_PERCENTILES: tuple[float, ...] = (50.0, 90.0, 95.0, 99.0)


def percentile_rank(n: int, p: float) -> int:
    """The 1-based nearest rank ``ceil(p / 100 * n)`` of the p-th percentile among ``n`` values."""
    if n < 1:
        raise ValueError("percentile of no values")
    _check_p(p)
    # Guard against float noise such as 0.29 * 100 = 28.999999999999996: round to 9 decimals first.
    rank = math.ceil(round(p * n / 100.0, 9))
    return min(max(rank, 1), n)


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest-rank ``p``-th percentile of ``values`` (``0 < p <= 100``); see the module docstring.

    Raises ValueError for no values or ``p`` outside ``(0, 100]``.
    """
    ordered = sorted(values)
    return ordered[percentile_rank(len(ordered), p) - 1]


def _check_p(p: float) -> None:
    if not (isinstance(p, (int, float)) and math.isfinite(p) and 0.0 < p <= 100.0):
        raise ValueError(f"percentile must be in (0, 100], got {p!r}")


def format_percentile(p: float) -> str:
    """``50.0`` -> ``"50"``, ``99.9`` -> ``"99.9"`` (used in report keys such as ``p99.9``)."""
    return f"{p:g}"


def parse_percentiles(text: str) -> tuple[float, ...]:
    """``"50,90,95,99"`` -> ``(50.0, 90.0, 95.0, 99.0)``: sorted, duplicates dropped, each in (0, 100]."""
    out: set[float] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError(f"empty percentile in {text!r}")
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"percentile must be a number, got {part!r}") from None
        _check_p(value)
        out.add(value)
    if not out:
        raise ValueError("no percentiles given")
    return tuple(sorted(out))


@dataclass(frozen=True)
class LatencySummary:
    """Latencies of one run in milliseconds: count, median, average, min, max and the percentiles."""

    count: int
    median: float
    average: float
    min: float
    max: float
    percentiles: Mapping[float, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "median": self.median,
            "average": self.average,
            "min": self.min,
            "max": self.max,
            "percentiles": {f"p{format_percentile(p)}": v for p, v in sorted(self.percentiles.items())},
        }


def summarize(
    latencies_ms: Sequence[float], percentiles: Iterable[float] = DEFAULT_PERCENTILES
) -> LatencySummary:
    """Summary of ``latencies_ms`` (at least one value)."""
    ordered = sorted(float(v) for v in latencies_ms)
    n = len(ordered)
    if n == 0:
        raise ValueError("no latencies to summarize")
    pct = {float(p): ordered[percentile_rank(n, p) - 1] for p in percentiles}
    return LatencySummary(
        count=n,
        median=ordered[percentile_rank(n, 50.0) - 1],
        average=math.fsum(ordered) / n,
        min=ordered[0],
        max=ordered[-1],
        percentiles=pct,
    )
