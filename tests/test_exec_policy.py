"""The host runtime's execution policy (README "One stream at full speed"): a model above the tiny size is
compiled LATENCY and THROUGHPUT; an execution runs on LATENCY when its model load is the only one busy,
on THROUGHPUT while other loads are busy. Observed through the runtime's debug log line, not timings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

SCRIPT = textwrap.dedent(
    """
    import sys, threading
    import numpy as np
    from acl_async import Session, _acl

    with Session() as session:
        a = session.load_model(sys.argv[1])
        b = a.load_copy()
        print("IDS", a.id, b.id, flush=True)
        pool_a, pool_b = _acl.MemoryPool(a, 1), _acl.MemoryPool(b, 1)
        block_a, block_b = pool_a.acquire(), pool_b.acquire()
        for block in (block_a, block_b):
            block.input(0)[...] = 1
        a.execute(block_a)  # alone
        print("MARK alone-done", flush=True)
        stream = _acl.Stream(a.context)
        report = _acl.ReportThread(a.context, 20)
        report.subscribe(stream)
        entered, gate = threading.Event(), threading.Event()
        report.launch_callback(lambda: (entered.set(), gate.wait(60)), stream, True)
        a.execute_async(block_a, stream)  # queued behind the gate: load a is busy
        assert entered.wait(60)
        b.execute(block_b)  # while a is busy
        print("MARK both-done", flush=True)
        gate.set()
        stream.synchronize(60)
        np.testing.assert_allclose(block_a.output(0), block_b.output(0))
    """
)


def _big_model(path) -> str:
    """A MatMul with 2 MB of weights: above the runtime's tiny-model size (1 MB)."""
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((1024, 512)).astype(np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1024])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 512])],
        [w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return str(path)


def _run(model: str, tmp_path, hint: str | None) -> tuple[list[str], tuple[int, int]]:
    env = dict(os.environ, ASCEND_GLOBAL_LOG_LEVEL="0", ASCEND_SLOG_PRINT_TO_STDOUT="1")
    env.pop("ACL_HOST_PERFORMANCE_HINT", None)
    if hint:
        env["ACL_HOST_PERFORMANCE_HINT"] = hint
    script = tmp_path / "policy.py"
    script.write_text(SCRIPT)
    proc = subprocess.run([sys.executable, str(script), model], capture_output=True, text=True, env=env,
                          timeout=300, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    ids = next(line for line in lines if line.startswith("IDS")).split()[1:]
    return lines, (int(ids[0]), int(ids[1]))


def _variants(lines: list[str]) -> list[tuple[int, str] | str]:
    """The variant log lines (model id, variant) and the script's MARK lines, in order."""
    out: list[tuple[int, str] | str] = []
    for line in lines:
        found = re.search(r"model (\d+) executes on its (LATENCY|THROUGHPUT) variant", line)
        if found:
            out.append((int(found.group(1)), found.group(2)))
        elif line.startswith("MARK"):
            out.append(line.split()[1])
    return out


@pytest.fixture(scope="module")
def big_model(tmp_path_factory) -> str:
    return _big_model(tmp_path_factory.mktemp("policy") / "big.onnx")


def test_one_busy_load_runs_latency_many_run_throughput(big_model, tmp_path):
    lines, (a, b) = _run(big_model, tmp_path, None)
    assert _variants(lines) == [(a, "LATENCY"), "alone-done", (b, "THROUGHPUT"), "both-done"]


@pytest.mark.parametrize("hint", ["LATENCY", "THROUGHPUT"])
def test_a_performance_hint_compiles_one_variant(big_model, tmp_path, hint):
    lines, _ = _run(big_model, tmp_path, hint)
    assert _variants(lines) == ["alone-done", "both-done"]  # one compiled model: nothing to choose
