"""``--ray local`` starts a cluster for the run alone: without Ray's dashboard (a fixed cost of every run),
its workers at the driver's priority (not Ray's nice 15)."""

from __future__ import annotations

import pytest

ray = pytest.importorskip("ray")

from acl_async.ray import cluster  # noqa: E402


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("local", {"address": "local", "include_dashboard": False, "_system_config": {"worker_niceness": 0}}),
        (None, {"address": None}),
    ],
)
def test_new_local_cluster_has_no_dashboard_joining_passes_nothing(monkeypatch, address, expected):
    calls: list[dict] = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: calls.append(kw))
    assert cluster.connect(address) is True
    assert len(calls) == 1
    kwargs = {k: v for k, v in calls[0].items() if k != "logging_level"}
    assert kwargs == expected  # joining an existing cluster may not name include_dashboard (Ray refuses)
