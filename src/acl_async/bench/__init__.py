"""``acl-async bench``: measure acl-async the way OpenVINO's ``benchmark_app`` measures OpenVINO.

Modules: :mod:`.stats` (nearest-rank percentiles, latency summary), :mod:`.result` (what a run measured),
:mod:`.report` (text block, ``--compare`` table, JSON/CSV), :mod:`.loops` (sync / async loops),
:mod:`.engine` (the ACL side: model loads, streams, pool blocks, report thread, InferQueue),
:mod:`.inputs`, :mod:`.run` (one run), :mod:`.command` (the subcommand), :mod:`.plot`, :mod:`.progress`.
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
