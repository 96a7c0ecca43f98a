"""``--plot``: the bar chart of OpenVINO's async-API notebook (throughput per mode) next to a latency
histogram, drawn with matplotlib's Agg backend (no display needed) and written atomically as PNG."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..fileio import write_atomic
from .result import BenchResult

__all__ = ["LABELS", "matplotlib_available", "plot_results"]

LABELS = {"sync": "Sync mode", "async": "Async mode", "queue": "Queue API"}
_COLORS = {"sync": "tab:blue", "async": "tab:orange", "queue": "tab:green"}


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def plot_results(path: str | os.PathLike[str], results: Sequence[BenchResult], title: str = "") -> Path:
    """Draw throughput bars (FPS) and latency histograms (ms) of ``results`` into the PNG ``path``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    bars, hist = fig.subplots(1, 2)

    names = [LABELS.get(r.api, r.api) for r in results]
    fps = [r.throughput for r in results]
    colors = [_COLORS.get(r.api, "tab:gray") for r in results]
    drawn = bars.bar(names, fps, color=colors)
    bars.bar_label(drawn, labels=[f"{v:.1f}" for v in fps], padding=2)
    bars.set_title("Performance comparison")
    bars.set_ylabel("Throughput (FPS)")
    bars.set_ylim(0, max(fps, default=1.0) * 1.15 or 1.0)

    everything = np.concatenate([np.asarray(r.latencies_ms, dtype=np.float64) for r in results])
    longest = max((len(r.latencies_ms) for r in results), default=1)
    edges = np.histogram_bin_edges(everything, bins=min(50, max(5, longest // 4)))
    for r, name in zip(results, names, strict=True):
        color = _COLORS.get(r.api, "tab:gray")
        hist.hist(
            list(r.latencies_ms),
            bins=edges,
            histtype="stepfilled",
            alpha=0.35,
            color=color,
            edgecolor=color,
            linewidth=1.2,
            label=f"{name} (median {r.latency.median:.2f} ms)",
        )
    hist.yaxis.get_major_locator().set_params(integer=True)
    hist.set_title("Latency")
    hist.set_xlabel("Latency (ms)")
    hist.set_ylabel("Requests")
    hist.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    fig.tight_layout()

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return write_atomic(path, buffer.getvalue())
