"""Models for the benchmarks, generated locally (numpy + onnx, nothing downloaded).

* ResNet-50: ``onnx`` ships the real ResNet-50 graph as ``backend/test/data/light/light_resnet50.onnx``
  (Caffe2 export, [1,3,224,224] -> [1,1000]); its weights are ``ConstantOfShape`` placeholders, but
  every convolution is computed (4.09 GMAC per picture, checked with ONNX shape inference), so it costs
  what ResNet-50 costs; its outputs are meaningless (uniform).
* ``trivial``: ``y = x + 1`` on a [1, 16] float32 tensor: pure runtime overhead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def light_resnet50_path() -> Path:
    path = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / "light_resnet50.onnx"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: this onnx release does not ship light_resnet50.onnx")
    return path


def make_trivial(path: str | Path, features: int = 16) -> Path:
    """``y = x + 1``, x and y float32 [1, features]."""
    path = Path(path)
    one = numpy_helper.from_array(np.ones((1, features), np.float32), "one")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "one"], ["y"])], "trivial",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, features])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, features])], initializer=[one],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path
