"""Start-up of the Ray pipeline on a small two-node cluster (1 CPU and 1 ``NPU`` per node), run many
times: the pool's actors start while the probe's worker returns its NPU, while the other node is
still starting workers, and while the pool is resized when one actor finishes all the work; none of
that may fail a run (issue: ``ActorDiedError`` at once, "actors died during initialization").
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from models import make_classifier_model

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")
pq = pytest.importorskip("pyarrow.parquet")

from acl_async.ray import classify_dataset  # noqa: E402

PICTURES = 300
RUNS = 4


@pytest.fixture(scope="module")
def small_cluster():
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "resources": {"NPU": 1}, "object_store_memory": 128 * 2**20, "wait": False}
    c = Cluster(initialize_head=True, head_node_args=node)
    c.add_node(**node)
    c.wait_for_nodes(timeout=300)
    ray.init(address=c.address, logging_level="WARNING")
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


def test_two_single_cpu_nodes_start_every_time(small_cluster, tmp_path):
    from PIL import Image

    pics = tmp_path / "pictures"
    pics.mkdir()
    rng = np.random.default_rng(3)
    for i in range(PICTURES):
        Image.fromarray(rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)).save(pics / f"p{i:03d}.png")
    model = make_classifier_model(tmp_path / "cls.onnx")
    for run in range(RUNS):
        out = tmp_path / f"r{run}.parquet"
        summary = classify_dataset([pics], model, output=out, top_k=1, progress=False)
        assert summary.pictures == PICTURES and summary.failures == 0, (run, summary)
        assert summary.devices == 2
        assert pq.read_table(out).num_rows == PICTURES, run
    print(f"{RUNS} runs started and finished", file=sys.stderr)
