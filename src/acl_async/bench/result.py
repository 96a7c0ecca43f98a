"""What one benchmark run measured (:class:`BenchResult`), independent of how it is printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .stats import DEFAULT_PERCENTILES, LatencySummary, summarize

__all__ = ["API_NAMES", "MODE_FULL", "MODE_INFERENCE", "BenchResult"]

#: ``-api`` values: one request with ``aclmdlExecute``; N requests on N streams with callbacks through
#: the report thread; the same through :class:`acl_async.InferQueue` with a Python callback.
API_NAMES = ("sync", "async", "queue")
MODE_INFERENCE = "inference-only"
MODE_FULL = "full-pipeline"


@dataclass
class BenchResult:
    """One run.  Times in milliseconds except ``duration_s``.

    ``duration_s`` runs from the first request's start to the last request's completion, so
    ``throughput == batch * count / duration_s`` (frames per second), as ``benchmark_app`` defines it.
    ``latencies_ms`` holds one value per request, start (just before submission) to completion (when its
    callback ran).
    """

    api: str
    mode: str
    model: str
    batch: int
    requests: int
    count: int
    duration_s: float
    latencies_ms: Sequence[float]
    load_ms: float
    first_inference_ms: float
    percentiles: Sequence[float] = DEFAULT_PERCENTILES
    device: int = 0
    iterations_requested: int | None = None
    time_requested_s: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Frames per second: batch x count / duration."""
        return self.batch * self.count / self.duration_s if self.duration_s > 0 else float("inf")

    @property
    def duration_ms(self) -> float:
        return self.duration_s * 1000.0

    @property
    def latency(self) -> LatencySummary:
        return summarize(self.latencies_ms, self.percentiles)

    def to_dict(self) -> dict[str, object]:
        """The JSON form of one run (see :mod:`acl_async.bench.report` for the file schema)."""
        return {
            "api": self.api,
            "mode": self.mode,
            "model": self.model,
            "device": self.device,
            "batch": self.batch,
            "requests": self.requests,
            "iterations_requested": self.iterations_requested,
            "time_requested_s": self.time_requested_s,
            "count": self.count,
            "duration_ms": self.duration_ms,
            "throughput_fps": self.throughput,
            "load_ms": self.load_ms,
            "first_inference_ms": self.first_inference_ms,
            "latency_ms": self.latency.to_dict(),
            **({"extra": dict(self.extra)} if self.extra else {}),
        }
