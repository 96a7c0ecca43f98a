"""``acl-async bench``: measure acl-async the way OpenVINO's ``benchmark_app`` measures OpenVINO.

Modules: :mod:`.stats` (nearest-rank percentiles, latency summary), :mod:`.result` (what a run measured),
:mod:`.report` (text block, ``--compare`` table, JSON/CSV), :mod:`.loops` (sync / async loops),
:mod:`.engine` (the ACL side: streams, pool blocks, report thread, InferQueue), :mod:`.inputs` (request
inputs), :mod:`.shapes` (``-shape``), :mod:`.run` (one run), :mod:`.plot`, :mod:`.progress`.  Loading and
describing a model is :mod:`acl_async.model_io` (core); the subcommand is :mod:`acl_async.cli.bench`.
"""

from .result import API_NAMES, MODE_FULL, MODE_INFERENCE, BenchResult
from .stats import LatencySummary, percentile, summarize

__all__ = [
    "API_NAMES",
    "MODE_FULL",
    "MODE_INFERENCE",
    "BenchResult",
    "LatencySummary",
    "percentile",
    "summarize",
]
