"""acl_async.ray on a local two-node Ray cluster whose nodes offer custom ``NPU`` resources.

One cluster for the module (a head and a second node, 2 CPUs, 1 NPU and a 128 MB object store each),
shut down at the end.  The NPU path is the one exercised: Ray gives each actor one ``NPU`` and sets
``ASCEND_RT_VISIBLE_DEVICES``; the host runtime stands in for the device.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from models import make_classifier_model

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")
pq = pytest.importorskip("pyarrow.parquet")

from acl_async.ray import (  # noqa: E402
    ModelLoadError,
    OutputExistsError,
    ResourceError,
    classify_dataset,
    logical_device,
)

PICTURES = 48
OBJECT_STORE = 128 * 2**20
REASONS = {"broken.jpg": "not a picture Pillow can read", "empty.png": "not a picture Pillow can read"}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from ray.cluster_utils import Cluster

    # The workers inherit these: acl-async's cache folder (the actors put the node's compiled-model cache
    # in it) and the runtime's INFO log (plog files), read by test_node_actors_compile_the_model_once.
    logs, cache = tmp_path_factory.mktemp("plog"), tmp_path_factory.mktemp("cache")
    env = {"ACL_ASYNC_CACHE_DIR": str(cache), "ASCEND_GLOBAL_LOG_LEVEL": "1",
           "ASCEND_PROCESS_LOG_PATH": str(logs)}  # fmt: skip
    saved = {k: os.environ.get(k) for k in [*env, "ACL_HOST_CACHE_DIR"]}
    os.environ.pop("ACL_HOST_CACHE_DIR", None)  # the actors choose it
    os.environ.update(env)
    # Functions defined here (the actors' after_batch hooks) travel by value: workers cannot import tests.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    node = {"num_cpus": 2, "resources": {"NPU": 1}, "object_store_memory": OBJECT_STORE, "wait": False}
    c = Cluster(initialize_head=True, head_node_args=node)
    c.add_node(**node)
    c.wait_for_nodes(timeout=300)  # not Cluster's 30 s per node: a busy CI machine starts nodes slowly
    ray.init(address=c.address, logging_level="WARNING")
    c.plog, c.cache = logs, cache
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _batch4(path: Path) -> str:
    """The test classifier with a static batch of 4 (requests are padded by the pipeline)."""
    import onnx

    model = onnx.load(make_classifier_model(path.with_name("b1.onnx")))
    for value in (model.graph.input[0], model.graph.output[0]):
        value.type.tensor_type.shape.dim[0].dim_value = 4
    onnx.save(model, path)
    return str(path)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from PIL import Image

    d = tmp_path_factory.mktemp("ray")
    pics = d / "pictures"
    pics.mkdir()
    rng = np.random.default_rng(7)
    for i in range(PICTURES):
        size = (int(rng.integers(10, 20)), int(rng.integers(10, 20)))
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(
            pics / f"p{i:03d}.png"
        )
    (pics / "broken.jpg").write_bytes(b"this is not a jpeg")
    (pics / "empty.png").write_bytes(b"")
    return {
        "dir": pics,
        "good": sorted(p for p in pics.iterdir() if p.name not in REASONS),
        "model": make_classifier_model(d / "cls.onnx"),
        "model4": _batch4(d / "cls4.onnx"),
    }


def _local(model: str, pictures: list[Path], top: int) -> dict[str, tuple[list[int], list[float]]]:
    """What the local ``classify`` gives, by absolute path."""
    from acl_async import Session
    from acl_async.classify import classify

    with Session() as session:
        results, _ = classify(session, Path(model), pictures, top, None)
    return {
        str(r.path.absolute()): ([c.index for c in r.classes], [c.value for c in r.classes]) for r in results
    }


def _read(path: Path) -> list[dict]:
    assert path.is_file(), f"{path}: one file, not a folder of shards"
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines() if line]
    return pq.read_table(path).to_pylist()


def _check_equal(rows: list[dict], expected: dict[str, tuple[list[int], list[float]]]) -> None:
    paths = [r["path"] for r in rows]
    assert sorted(paths) == sorted(expected), "every readable picture exactly once"
    for r in rows:
        ids, probs = expected[r["path"]]
        assert r["top_ids"] == ids, r["path"]
        np.testing.assert_allclose(r["probabilities"], probs, rtol=0, atol=1e-6)


@pytest.mark.parametrize("engine", ["data", "actors"])
def test_results_equal_local_classify_picture_by_picture(cluster, data, tmp_path, engine):
    out = tmp_path / "results.parquet"
    summary = classify_dataset(
        [data["dir"]], data["model4"], output=out, top_k=3, batch_size=7, progress=False, engine=engine
    )

    _check_equal(_read(out), _local(data["model4"], data["good"], 3))
    assert summary.pictures == PICTURES and summary.failures == len(REASONS)
    assert sum(summary.per_actor.values()) == PICTURES
    assert all(name.startswith("NPU ") for name in summary.per_actor), summary.per_actor
    assert summary.devices == 2  # one actor per NPU of the cluster
    errors = {Path(r["path"]).name: r["reason"] for r in _read(tmp_path / "results.errors.parquet")}
    assert errors == REASONS
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary output left"


def _cache_lines(plog: Path) -> Counter:
    """How many loads compiled / imported a model through the node's cache, from the runtime's logs."""
    seen: Counter = Counter()
    for f in plog.rglob("*.log"):
        text = f.read_text(errors="replace")
        seen["compiled"] += text.count("compiled and stored in OpenVINO's model cache")
        seen["imported"] += text.count("imported from OpenVINO's model cache")
    return seen


def test_node_actors_compile_the_model_once(cluster, data, tmp_path):
    """Two actors load a model never seen before: one compiles it into the node's cache, the other
    imports it (the compile lock orders them)."""
    model = make_classifier_model(tmp_path / "fresh.onnx", seed=11)
    before = _cache_lines(cluster.plog)
    summary = classify_dataset([data["dir"]], model, output=tmp_path / "r.parquet", devices=2, progress=False)
    assert summary.pictures == PICTURES and summary.devices == 2
    after = _cache_lines(cluster.plog)
    assert after["compiled"] - before["compiled"] == 1, (before, after)
    assert after["imported"] - before["imported"] >= 1, (before, after)
    assert list((cluster.cache / "openvino").glob("*.blob")), "the node cache: under acl-async's cache folder"


def test_model_file_stating_its_inputs_needs_no_probe_load(cluster, data, tmp_path, monkeypatch):
    from acl_async.ray import pipeline

    def no_probe(*args, **kwargs):
        raise AssertionError("the model was probe-loaded")

    monkeypatch.setattr(pipeline, "_describe_model", no_probe)
    out = tmp_path / "r.parquet"
    summary = classify_dataset([data["dir"]], data["model4"], output=out, top_k=3, progress=False)
    assert summary.pictures == PICTURES
    _check_equal(_read(out), _local(data["model4"], data["good"], 3))


def test_inputs_from_file_only_when_a_load_would_give_the_same(data, tmp_path):
    from acl_async import Session
    from acl_async.model_io import describe_inputs
    from acl_async.ray.pipeline import _inputs_from_file

    with Session() as session:
        loaded = describe_inputs(session.load_model(data["model4"]))
    assert _inputs_from_file(Path(data["model4"])) == loaded
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    assert _inputs_from_file(bad) is None  # the probe load reports why


@ray.remote(num_cpus=0)
class Gate:
    """Lets the first actor that finishes a batch report its pid, then keeps it waiting (to be killed)."""

    def __init__(self) -> None:
        import asyncio

        self.pids: list[int] = []
        self.first = asyncio.Event()

    async def arrive(self, pid: int) -> bool:
        self.pids.append(pid)
        if len(self.pids) == 1:
            self.first.set()
            return True
        return False

    async def first_pid(self) -> int:
        await self.first.wait()
        return self.pids[0]

    async def arrivals(self) -> list[int]:
        return list(self.pids)


def _hold_first_batch(info, batches):  # runs in the actors
    gate = ray.get_actor("acl-async-test-gate")
    if ray.get(gate.arrive.remote(info.pid)):
        threading.Event().wait()  # killed here, holding a classified batch that was never returned


@pytest.mark.parametrize("engine", ["data", "actors"])
def test_actor_killed_mid_run_output_complete_without_duplicates(cluster, data, tmp_path, engine):
    gate = Gate.options(name="acl-async-test-gate").remote()
    out = tmp_path / "results.jsonl"
    box: dict = {}

    def run() -> None:
        try:
            box["summary"] = classify_dataset(
                [data["dir"]],
                data["model"],
                output=out,
                top_k=5,
                batch_size=4,
                progress=False,
                after_batch=_hold_first_batch,
                engine=engine,
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            box["error"] = exc

    runner = threading.Thread(target=run)
    runner.start()
    pid = ray.get(gate.first_pid.remote(), timeout=180)
    os.kill(pid, signal.SIGKILL)
    runner.join(timeout=300)
    assert not runner.is_alive(), "the run did not finish after the actor was killed"
    assert "error" not in box, box.get("error")

    _check_equal(_read(out), _local(data["model"], data["good"], 5))
    assert box["summary"].pictures == PICTURES
    assert len(ray.get(gate.arrivals.remote())) > 1  # the run went on after the kill
    ray.kill(gate)


def test_more_devices_than_npus_fails_before_any_work(cluster, data, tmp_path):
    out = tmp_path / "r.parquet"
    with pytest.raises(
        ResourceError, match=r"--devices 3 .* more NPUs than the Ray cluster has \(2\)"
    ) as exc:
        classify_dataset([data["dir"]], data["model"], output=out, devices=3, progress=False)
    assert "\n" not in str(exc.value)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_model_that_cannot_load_fails_once(cluster, data, tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelLoadError, match="cannot load the model") as exc:
        classify_dataset([data["dir"]], bad, output=tmp_path / "r.parquet", progress=False)
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "r.parquet").exists()


def test_existing_output_refused_unless_overwrite(cluster, data, tmp_path):
    out = tmp_path / "r.parquet"
    out.mkdir()
    (out / "old.parquet").write_bytes(b"old")
    with pytest.raises(OutputExistsError, match="exists"):  # before the cluster is asked (devices=99)
        classify_dataset([data["dir"]], data["model"], output=out, devices=99, progress=False)
    assert (out / "old.parquet").read_bytes() == b"old"


def test_logical_device_is_the_position_in_ascend_rt_visible_devices():
    assert logical_device(["3"], "3").device_id == 0
    assert logical_device(["5"], "1,5,7").device_id == 1
    assert logical_device(["2"], None).device_id == 2
    assert logical_device([], None).npu is None
    with pytest.raises(RuntimeError):
        logical_device(["4"], "0,1")


# -- the command line ------------------------------------------------------------------------------


def _cli(*args: str) -> int:
    from acl_async.cli import main

    return main(["classify", *args])


def test_cli_classify_ray_csv_matches_local_and_prints_summary(cluster, data, tmp_path, capsys):
    import csv

    out = tmp_path / "results.csv"
    argv = [
        "-i",
        str(data["dir"]),
        "-m",
        data["model"],
        "--ray",
        cluster.address,
        "--output",
        str(out),
        "-nt",
        "4",
    ]
    assert _cli(*argv) == 0
    text = capsys.readouterr().out
    assert f"Pictures:   {PICTURES} classified, {len(REASONS)} failed" in text
    assert "pictures/s on 2 actor(s)" in text and text.count("NPU ") >= 1
    assert out.is_file()
    rows = list(csv.DictReader(out.read_text().splitlines()))  # one header, then the rows
    parsed = [
        {
            "path": r["path"],
            "top_ids": json.loads(r["top_ids"]),
            "probabilities": json.loads(r["probabilities"]),
        }
        for r in rows
    ]
    _check_equal(parsed, _local(data["model"], data["good"], 4))
    errors = list(csv.DictReader((tmp_path / "results.errors.csv").read_text().splitlines()))
    assert {Path(r["path"]).name: r["reason"] for r in errors} == REASONS


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("acl-async: error: ")
    return lines[0]


def test_cli_existing_output_refused_unless_overwrite(cluster, data, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    out.mkdir()
    argv = ["-i", str(data["dir"]), "-m", data["model"], "--ray", cluster.address, "--output", str(out)]
    assert _cli(*argv) == 2
    assert "--overwrite" in _one_line_error(capsys)
    assert _cli(*argv, "--overwrite", "--devices", "1") == 0
    assert len(pq.read_table(out)) == PICTURES


def test_cli_more_devices_than_npus_one_line_before_any_work(cluster, data, tmp_path, capsys):
    out = tmp_path / "r.parquet"
    argv = ["-i", str(data["dir"]), "-m", data["model"], "--ray", cluster.address, "--output", str(out)]
    assert _cli(*argv, "--devices", "5") == 2
    assert "more NPUs than the Ray cluster has (2)" in _one_line_error(capsys)
    assert not list(tmp_path.iterdir())


def test_cli_model_the_actors_cannot_load_reports_it_once(cluster, data, tmp_path, capsys):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    argv = [
        "-i",
        str(data["dir"]),
        "-m",
        str(bad),
        "--ray",
        cluster.address,
        "--output",
        str(tmp_path / "r.pq"),
    ]
    assert _cli(*argv) == 1
    assert "cannot load the model" in _one_line_error(capsys)
    assert not (tmp_path / "r.pq").exists()


def test_cli_unreachable_address_one_line_exit_1(data, tmp_path):
    import socket
    import subprocess

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [
        "-i",
        str(data["dir"]),
        "-m",
        data["model"],
        "--ray",
        f"127.0.0.1:{port}",
        "--output",
        str(tmp_path / "r.parquet"),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "acl_async.cli", "classify", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        f"acl-async: error: cannot reach the Ray cluster at 127.0.0.1:{port}: Connection refused"
    ]


def test_exactly_once_guard_keeps_one_row_per_path_and_refuses_missing_or_extra(caplog):
    import pyarrow as pa

    from acl_async.ray import RayRunError
    from acl_async.ray.pipeline import _exactly_once

    table = pa.table({"path": ["b", "a", "b", "c", "a"], "n": [1, 2, 3, 4, 5]})
    kept = _exactly_once(table, ["a", "b", "c"])
    assert kept["path"].to_pylist() == ["a", "b", "c"]
    assert "5 result rows for 3 pictures" in caplog.text
    assert _exactly_once(table.slice(0, 0), []).num_rows == 0
    with pytest.raises(RayRunError, match=r"1 picture\(s\) got no result row, e\.g\. d"):
        _exactly_once(table, ["a", "b", "c", "d"])
    with pytest.raises(RayRunError, match=r"1 result row\(s\) for pictures not in the input, e\.g\. c"):
        _exactly_once(table, ["a", "b"])


def test_exactly_once_guard_reached_by_a_run_that_returned_a_batch_twice(cluster, data, tmp_path, monkeypatch,
                                                                         caplog):  # fmt: skip
    """Rows of one batch delivered twice (what a retried batch whose first result also arrived would
    give): the output still has one row per picture, and the run says so."""
    import pyarrow as pa

    from acl_async.ray import pipeline

    collect = pipeline._collect

    def twice(*args):
        table = collect(*args)
        return pa.concat_tables([table, table.slice(0, 5)])

    monkeypatch.setattr(pipeline, "_collect", twice)
    out = tmp_path / "results.parquet"
    summary = classify_dataset([data["dir"]], data["model"], output=out, top_k=3, progress=False)
    _check_equal(_read(out), _local(data["model"], data["good"], 3))
    assert summary.pictures == PICTURES
    assert "keeping one row per picture" in caplog.text


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporaries_of_a_killed_run_removed_by_the_next(cluster, data, tmp_path):
    """What a SIGKILLed run leaves beside its output (its pid is gone) is cleaned by the next run with
    that output; a live writer's temporary is left alone; an old output moved away is put back."""
    out = tmp_path / "results.parquet"
    dead = _dead_pid()
    stale_dir = tmp_path / f".results.parquet.tmp-{dead}-0badf00d"
    stale_dir.mkdir()
    (stale_dir / "part.parquet").write_bytes(b"half")
    stale_file = tmp_path / f".results.errors.parquet.tmp-{dead}-0badf00d"
    stale_file.write_bytes(b"half")
    live = tmp_path / f".results.parquet.tmp-{os.getpid()}-0123abcd"
    live.write_bytes(b"being written")
    moved = tmp_path / f".results.parquet.old-{dead}-0badf00d"
    moved.write_bytes(b"the previous output")

    with pytest.raises(OutputExistsError):  # the old output is back in place, so it exists
        classify_dataset([data["dir"]], data["model"], output=out, progress=False)
    assert out.read_bytes() == b"the previous output"
    assert not stale_dir.exists() and not stale_file.exists() and not moved.exists()
    assert live.read_bytes() == b"being written"

    classify_dataset([data["dir"]], data["model"], output=out, overwrite=True, progress=False)
    assert len(_read(out)) == PICTURES
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [live.name]


def _die_first_start(info):  # runs in the actors
    gate = ray.get_actor("acl-async-test-start-gate")
    if ray.get(gate.arrive.remote(info.pid)):
        # destroyed while starting, as Ray does to an actor the pool no longer wants (no restart)
        ray.kill(ray.get_runtime_context().current_actor, no_restart=True)
        threading.Event().wait()


@pytest.mark.parametrize("engine", ["data", "actors"])
def test_actor_dying_while_starting_is_replaced(cluster, data, tmp_path, engine):
    gate = Gate.options(name="acl-async-test-start-gate").remote()
    out = tmp_path / "results.parquet"
    try:
        summary = classify_dataset(
            [data["dir"]], data["model"], output=out, top_k=5, progress=False, on_start=_die_first_start,
            engine=engine,
        )
    finally:
        arrivals = ray.get(gate.arrivals.remote())
        ray.kill(gate)
    _check_equal(_read(out), _local(data["model"], data["good"], 5))
    assert summary.pictures == PICTURES
    assert len(arrivals) >= 2, arrivals  # the destroyed actor, then its replacement


def _open_writer(path: Path, timeout: float = 180) -> int:
    """Open a FIFO for writing: returns once a reader (a decode task) has opened it."""
    box: dict = {}
    opener = threading.Thread(target=lambda: box.update(fd=os.open(path, os.O_WRONLY)), daemon=True)
    opener.start()
    opener.join(timeout)
    assert "fd" in box, f"no decode task opened {path}"
    return box["fd"]


def _readers(path: Path) -> list[int]:
    """Processes (other than this one) that have ``path`` open."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) == str(path) for fd in (proc / "fd").iterdir()):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _kill_and_wait(pid: int) -> None:
    """SIGKILL ``pid`` and wait until it has exited (its pidfd turns readable), its files closed."""
    import select

    pidfd = os.pidfd_open(pid)
    try:
        os.kill(pid, signal.SIGKILL)
        assert select.select([pidfd], [], [], 60)[0], f"process {pid} did not exit"
    finally:
        os.close(pidfd)


@pytest.mark.parametrize("engine", ["data", "actors"])
def test_decode_worker_killed_mid_run_picture_still_classified_once(cluster, data, tmp_path, engine):
    """A FIFO among the inputs holds a decode task in ``read()`` until the test has killed its worker
    process; the retried task reads the real picture from the FIFO."""
    fifo = tmp_path / "slow.png"
    os.mkfifo(fifo)
    out = tmp_path / "results.parquet"
    box: dict = {}

    def run() -> None:
        try:
            box["summary"] = classify_dataset(
                [data["dir"], fifo], data["model"], output=out, progress=False, engine=engine
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            box["error"] = exc

    runner = threading.Thread(target=run)
    runner.start()
    fd = _open_writer(fifo)
    pids = _readers(fifo)
    assert len(pids) == 1, pids
    _kill_and_wait(pids[0])
    os.close(fd)
    fd = _open_writer(fifo)  # the retried task, in a new worker process
    assert pids[0] not in _readers(fifo)
    os.write(fd, data["good"][0].read_bytes())
    os.close(fd)
    runner.join(timeout=300)
    assert not runner.is_alive() and "error" not in box, box.get("error")

    rows = {r["path"]: r for r in _read(out)}
    assert len(rows) == len(pq.read_table(out)) == PICTURES + 1  # no duplicates
    assert rows[str(fifo)]["top_ids"] == rows[str(data["good"][0])]["top_ids"]
    assert box["summary"].failures == len(REASONS)


@ray.remote(num_cpus=0, resources={"NPU": 1})
class Holder:
    """Another job's actor holding one NPU."""

    def ready(self) -> bool:
        return True


def test_cluster_that_gives_no_npu_fails_in_bounded_time_with_messages(cluster, data, tmp_path, monkeypatch,
                                                                       capsys):  # fmt: skip
    from acl_async.ray import ClusterError
    from acl_async.ray import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "PLACE_NOTICE_S", 1.0)
    monkeypatch.setattr(cluster_module, "PLACE_TIMEOUT_S", 3.0)
    holders = [Holder.remote() for _ in range(2)]
    ray.get([h.ready.remote() for h in holders], timeout=120)  # both NPUs taken
    try:
        with pytest.raises(ClusterError, match=r"gave the placement probe no .*NPU.* in 3 s") as exc:
            classify_dataset([data["dir"]], data["model"], output=tmp_path / "r.parquet", devices=1)
    finally:
        for h in holders:
            ray.kill(h)
    assert "\n" not in str(exc.value)
    out = capsys.readouterr().out
    assert "[ INFO ] Ray cluster " in out and "NPUs (0 free)" in out
    assert "[ INFO ] Ray: waited 1 s for the placement probe" in out
    assert not (tmp_path / "r.parquet").exists()


def _shape(line: str) -> str:
    """A printed line with its run-dependent parts (numbers, ids, addresses) blanked."""
    import re

    return re.sub(r"\b[0-9a-f]{8}\b|\d+(\.\d+)?", "#", line.rstrip())


def test_readme_ray_example_prints_what_the_command_prints(cluster, tmp_path, monkeypatch, capsys):
    """The README's output sample of ``classify --ray`` is what the command prints (up to numbers, ids,
    and how it reaches the cluster: the README starts a local one, the test joins its own)."""
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    command = "acl-async classify --ray local --output results.parquet --overwrite"
    sample = re.search(re.escape(command) + r"\n```\n```text\n(.*?)```", readme, re.S)
    assert sample is not None, "the README's Ray example and its output sample"
    monkeypatch.chdir(tmp_path)
    assert _cli("--ray", cluster.address, "--output", "results.parquet", "--overwrite") == 0
    printed = capsys.readouterr().out

    def shapes(text: str) -> set[str]:
        return {_shape(line) for line in text.splitlines() if line and not line.startswith("[ INFO ] Ray: ")}

    assert shapes(printed) == shapes(sample.group(1)), printed
    assert "Pictures:   3 classified, 0 failed" in sample.group(1)  # the default pictures
