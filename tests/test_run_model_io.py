"""The sample run (``acl-async``) refuses a model it cannot classify with in one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys

import onnx
from onnx import TensorProto, helper


def test_model_without_outputs_one_line_error(cache_env: dict[str, str], tmp_path) -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    graph = helper.make_graph([], "no_outputs", [x], [])
    path = tmp_path / "no_outputs.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    proc = subprocess.run([sys.executable, "-m", "acl_async.cli", "2", "-q", "-m", str(path)], env=cache_env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        f"acl-async: error: {path}: the model has no outputs (the sample needs an input and an output)"
    ]
