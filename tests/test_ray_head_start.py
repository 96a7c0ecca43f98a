"""The driver's head start on a cluster the run starts (acl_async.ray.head_start): the driver classifies
pictures while Ray and the actor start, then the actor takes the rest; the rows are those of the local
``classify``, in its order, every picture exactly once, and an unreadable picture is still one error row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from models import make_classifier_model

ray = pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")

from acl_async.ray import pipeline  # noqa: E402
from acl_async.ray.head_start import PathQueue  # noqa: E402

# The driver's thread takes one chunk, then opens the gate the actor's __init__ waits behind (a lock
# file) and takes no more chunk until the pool stops it: so both the driver and the actor classify.
_RUN = """
import fcntl, sys, threading
from acl_async.ray import classify_dataset, head_start

pics, model, out, gate_path, chunk = sys.argv[1:6]
head_start.CHUNK = int(chunk)
gate = open(gate_path, "w")
fcntl.flock(gate, fcntl.LOCK_EX)
made, taken = [], [0]
init = head_start.HeadStart.__init__

def record(self, *args, **kwargs):
    init(self, *args, **kwargs)
    made.append(self)

take = head_start.PathQueue.take

def gated_take(self, count):
    if threading.current_thread().name == "acl-async-head-start":
        taken[0] += 1
        if taken[0] > 1:
            fcntl.flock(gate, fcntl.LOCK_UN)  # the actor may start now
            made[0].stopping.wait()
            return []
    return take(self, count)

head_start.HeadStart.__init__ = record
head_start.PathQueue.take = gated_take

def on_start(info, path=gate_path):
    import fcntl
    with open(path) as f:
        fcntl.flock(f, fcntl.LOCK_SH)  # until the driver has classified its chunk

summary = classify_dataset([pics], model, output=out, address="local", devices=1, top_k=3, progress=False,
                           on_start=on_start, head_start=True, batch_size=8)
print(summary.format())
print("PICTURES", summary.pictures, summary.failures)
"""


def _pictures(folder: Path, count: int) -> list[Path]:
    from PIL import Image

    folder.mkdir()
    rng = np.random.default_rng(7)
    paths = []
    for i in range(count):
        path = folder / f"p{i:03d}.png"
        Image.fromarray(rng.integers(0, 256, (14, 12, 3), dtype=np.uint8)).save(path)
        paths.append(path)
    (folder / "p005b.jpg").write_bytes(b"not a jpeg")  # sorts among the good ones
    return paths


def _local(model: Path, pictures: list[Path]) -> dict[str, tuple[list[int], list[float]]]:
    from acl_async import Session
    from acl_async.classify import classify

    with Session() as session:
        results, _ = classify(session, model, pictures, 3, None)
    return {
        str(r.path.absolute()): ([c.index for c in r.classes], [c.value for c in r.classes]) for r in results
    }


def test_driver_then_actor_rows_equal_local_classify_in_input_order(tmp_path):
    pics = _pictures(tmp_path / "pictures", 40)
    model = make_classifier_model(tmp_path / "cls.onnx")
    out = tmp_path / "r.parquet"
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "ACL_HOST_CACHE_DIR")}
    env["ACL_ASYNC_CACHE_DIR"] = str(tmp_path / "cache")
    argv = [str(tmp_path / "pictures"), str(model), str(out), str(tmp_path / "gate"), "4"]
    done = subprocess.run([sys.executable, "-c", _RUN, *argv], capture_output=True, text=True, timeout=600,
                          env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "PICTURES 40 1" in done.stdout
    shares = [line for line in done.stdout.splitlines() if line.startswith("  ")]
    assert len(shares) == 2, done.stdout  # the driver's head start and the actor both classified
    assert any("in the driver (head start" in line and ": 4 (" in line for line in shares), shares
    assert any("(actor " in line and ": 36 (" in line for line in shares), shares

    rows = pq.read_table(out).to_pylist()
    expected = _local(model, pics)
    assert [r["path"] for r in rows] == sorted(expected)  # the local classify's order: the sorted folder
    for r in rows:
        ids, probs = expected[r["path"]]
        assert r["top_ids"] == ids, r["path"]
        np.testing.assert_allclose(r["probabilities"], probs, rtol=0, atol=1e-6)
    errors = pq.read_table(tmp_path / "r.errors.parquet").to_pylist()
    assert [Path(e["path"]).name for e in errors] == ["p005b.jpg"]


def test_queue_hands_every_path_out_once_in_order():
    queue = PathQueue([f"p{i}" for i in range(10)])
    first = queue.take(3)
    batches = list(queue.batches(4))
    assert first == ["p0", "p1", "p2"] and batches == [["p3", "p4", "p5", "p6"], ["p7", "p8", "p9"]]
    assert queue.empty() and queue.take(1) == []


@pytest.mark.parametrize(
    ("wanted", "engine", "address", "remote", "hooked", "expected"),
    [
        (None, None, "local", False, False, True),  # the CLI's --ray local
        (None, None, "local", False, True, False),  # actor hooks count an actor's batches
        (True, None, "local", False, True, True),
        (None, "data", "local", False, False, False),
        (None, None, "local", True, False, False),  # URIs: Ray Data's readers
        (None, None, None, False, False, False),  # a cluster of others: all work goes to it
        (False, None, "local", False, False, False),
    ],
)
def test_head_start_only_on_a_cluster_the_run_starts(wanted, engine, address, remote, hooked, expected):
    hook = (lambda info, n: None) if hooked else None
    assert pipeline._head_start(wanted, engine, address, remote, hook, None) is expected


_NO_ARROW = """
import os, sys
from pathlib import Path
from acl_async.ray import pipeline
from acl_async.ray.actor import DRIVER, ActorInfo, ClassifyActor, rows_table
from acl_async.ray.devices import AssignedDevice

model, pictures = Path(sys.argv[1]), sorted(str(p) for p in Path(sys.argv[2]).iterdir())
descs = pipeline._inputs_from_file(model)
batch, spec = pipeline._picture_model(descs, model)
kwargs = pipeline._kwargs(model.read_bytes(), batch, None, 3, None, None, None, spec)
actor = ClassifyActor(**kwargs, info=ActorInfo(DRIVER, "", os.getpid(), AssignedDevice(0, None)))
columns = actor.classify(pictures)
imported = [name in sys.modules for name in ("pyarrow", "pandas")]
table = rows_table(columns)
print(imported, table.num_rows, table.column("path").to_pylist() == pictures,
      [len(ids) for ids in table.column("top_ids").to_pylist()])
"""


def test_pool_actor_classifies_without_pyarrow_and_its_columns_make_the_table(tmp_path):
    """An actor-pool call returns plain columns: the actor never imports pyarrow (nor pandas, which
    pyarrow imports at its first array: 0.25 s of an actor's core); the driver's table of them holds
    every picture, in order, with its top-k (none for the unreadable one)."""
    model = make_classifier_model(tmp_path / "cls.onnx")
    pictures = _pictures(tmp_path / "pics", 4)
    env = {**os.environ, "ACL_ASYNC_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-c", _NO_ARROW, str(model), str(pictures[0].parent)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[False, False] 5 True [3, 3, 3, 3, 0]"


_ARROW_EARLY = """
import sys
from acl_async.ray import pipeline

before = "pyarrow" in sys.modules
run = pipeline._PoolRun.begin(["a.jpg"], None, False)
run.arrow.join()
print(before, "pyarrow" in sys.modules)
"""


def test_pool_run_imports_pyarrow_for_its_table_as_it_begins():
    """The driver's table of the batches' columns is made after the last batch: the run imports pyarrow
    (and the pandas pyarrow imports) as it begins, in a thread, not then."""
    done = subprocess.run([sys.executable, "-c", _ARROW_EARLY], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "True"]
