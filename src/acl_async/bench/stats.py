"""Latency statistics: nearest-rank percentiles (numpy) and the benchmark_app latency summary.

Percentiles use the **nearest-rank** method (numpy's ``inverted_cdf``), as OpenVINO's ``benchmark_app``
does: for ``n`` sorted values and ``0 < p <= 100``, the p-th percentile is the value of rank
``ceil(p / 100 * n)`` (1-based). It is always one of the measured values (no interpolation), so:

* ``p = 100`` gives the maximum, and any ``p`` with ``n = 1`` gives that single value;
* ``p = 50`` of an even count gives the lower of the two middle values (``[1, 2, 3, 4]`` -> 2).

The "Median" of the report is the 50th percentile by this same rule, as in ``benchmark_app``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "DEFAULT_PERCENTILES",
    "LatencySummary",
    "format_percentile",
    "parse_percentiles",
    "nearest_rank",
    "percentile",
    "summarize",
]

DEFAULT_PERCENTILES: tuple[float, ...] = (50.0, 90.0, 95.0, 99.0)


#: numpy computes the rank from ``p / 100 * n`` in floating point, where 0.28 x 25 is 7.000000000000001
#: (rank 8, not 7); shrinking the quantile by this relative amount puts such float noise back below
#: the integer, far below any real difference between two ranks.
_FLOAT_NOISE = 1e-12


def nearest_rank(values: Iterable[float], percentiles: Iterable[float]) -> list[float]:
    """The nearest-rank ``percentiles`` of ``values`` (numpy's ``inverted_cdf`` method: the smallest
    value whose share of the values reaches p%); ValueError for no values or a p outside (0, 100]."""
    data = np.asarray(list(values), dtype=np.float64)
    ps = [float(p) for p in percentiles]
    if data.size == 0:
        raise ValueError("percentile of no values")
    for p in ps:
        _check_p(p)
    q = np.asarray(ps, dtype=np.float64) / 100.0 * (1.0 - _FLOAT_NOISE)
    return [float(v) for v in np.quantile(data, q, method="inverted_cdf")]


def percentile(values: Iterable[float], p: float) -> float:
    """Nearest-rank ``p``-th percentile of ``values`` (``0 < p <= 100``); see the module docstring.

    Raises ValueError for no values or ``p`` outside ``(0, 100]``.
    """
    return nearest_rank(values, [p])[0]


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
    data = np.asarray(latencies_ms, dtype=np.float64)
    if data.size == 0:
        raise ValueError("no latencies to summarize")
    ps = [float(p) for p in percentiles]
    median, *values = nearest_rank(data, [50.0, *ps])
    return LatencySummary(
        count=int(data.size),
        median=median,
        average=math.fsum(data.tolist()) / data.size,
        min=float(data.min()),
        max=float(data.max()),
        percentiles=dict(zip(ps, values, strict=True)),
    )
