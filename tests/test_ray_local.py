"""``--ray local`` starts a cluster for the run alone: without Ray's dashboard (a fixed cost of every run),
its autoscaler monitor, task events or prestarted workers, its workers at the driver's priority (not Ray's
nice 15)."""

from __future__ import annotations

import pytest

ray = pytest.importorskip("ray")

from acl_async.ray import cluster  # noqa: E402


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("local", {"address": "local", "include_dashboard": False,
                   "_system_config": {"worker_niceness": 0, "task_events_report_interval_ms": 0,
                                      "prestart_worker_first_driver": False}}),
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


_RUN = """
import os, sys
from acl_async.ray import classify_dataset

def on_start(info, path=sys.argv[3]):
    with open(path, "w") as f:
        f.write(str(os.nice(0)))

summary = classify_dataset([sys.argv[1]], sys.argv[2], output=sys.argv[4], address="local", devices=1,
                           progress=False, on_start=on_start)
print(summary.pictures, "ray.data" in sys.modules, os.nice(0))
"""


def test_run_on_a_new_local_cluster_uses_the_actor_pool_at_the_driver_priority(tmp_path):
    """A whole run on a cluster it starts (a fresh interpreter): every picture classified, Ray Data never
    imported by the driver (the actor pool fed it), and the actor at the driver's niceness."""
    import subprocess
    import sys

    from models import make_classifier_model
    from PIL import Image

    pics = tmp_path / "pictures"
    pics.mkdir()
    for i in range(5):
        Image.new("RGB", (12, 10), (i * 40, 0, 0)).save(pics / f"p{i}.png")
    model = make_classifier_model(tmp_path / "cls.onnx")
    nice = tmp_path / "nice.txt"
    env = {k: v for k, v in __import__("os").environ.items() if k != "RAY_ADDRESS"}
    env["ACL_ASYNC_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(pics), str(model), str(nice), str(tmp_path / "r.parquet")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    pictures, data_imported, driver_nice = done.stdout.split()[-3:]
    assert (pictures, data_imported) == ("5", "False")
    assert nice.read_text() == driver_nice  # not Ray's worker niceness (15 above the driver)


_MONITOR = """
import ray
from ray._private import ray_constants, worker
from acl_async.ray import cluster

cluster.connect("local", announce=False)
monitors = worker._global_node.all_processes[ray_constants.PROCESS_TYPE_MONITOR]
alive = [info.process.poll() is None for info in monitors]
value = ray.get(ray.remote(lambda: 6 * 7).remote())
ray.shutdown()
print(len(monitors), any(alive), value)
"""


def test_new_local_cluster_stops_its_autoscaler_monitor_and_still_runs_work():
    """A cluster the run starts has its autoscaler monitor (started by ``ray.init``) stopped as it joins:
    nothing to scale, and Ray's shutdown would wait 1 s for it; tasks still run."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    cmd = [sys.executable, "-c", _MONITOR]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["1", "False", "42"]
