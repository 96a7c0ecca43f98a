"""Models for the benchmarks, generated locally (numpy + onnx, nothing downloaded).

* ResNet-50 (:func:`make_resnet50`): the ResNet-50 v1.5 graph (torchvision's layout: 16 bottleneck
  blocks [3, 4, 6, 3], stride on the 3x3 convolution, BatchNorm folded into the convolutions), float32
  [1,3,224,224] -> softmax [1,1000], with random weights of the real shapes (25.6 M parameters, 4.1 GMAC
  per picture) from a fixed seed: the same bytes on every run. Random dense weights cost what trained
  ones cost; ``onnx``'s ``light_resnet50.onnx`` does not (its ``ConstantOfShape`` placeholder weights
  let the runtime fold work away: it ran ~2.3x faster), so it is kept only for reference.
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


#: (blocks, bottleneck width) of the four ResNet-50 stages; the output width is 4x the bottleneck's.
RESNET50_STAGES = ((3, 64), (4, 128), (6, 256), (3, 512))


def make_resnet50(path: str | Path, seed: int = 0, classes: int = 1000) -> Path:
    """ResNet-50 v1.5 with random weights of the real shapes (He-normal convolutions, the last
    convolution of each residual branch scaled down so activations stay in range through 50 layers),
    written to ``path`` (ONNX, opset 13). Deterministic for a given ``seed``."""
    rng = np.random.default_rng(seed)
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []

    def conv(
        x: str, cin: int, cout: int, k: int, stride: int = 1, relu: bool = True, gain: float = 1.0
    ) -> str:
        name = f"conv{len(inits) // 2}"
        w = rng.standard_normal((cout, cin, k, k), dtype=np.float32) * np.float32(
            gain * np.sqrt(2.0 / (cin * k * k))
        )
        b = rng.standard_normal(cout, dtype=np.float32) * np.float32(0.01)
        inits.extend([numpy_helper.from_array(w, f"{name}.w"), numpy_helper.from_array(b, f"{name}.b")])
        nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [name], kernel_shape=[k, k],
                                      strides=[stride, stride], pads=[k // 2] * 4, name=name))  # fmt: skip
        if not relu:
            return name
        nodes.append(helper.make_node("Relu", [name], [f"{name}.relu"], name=f"{name}.relu"))
        return f"{name}.relu"

    x = conv("data", 3, 64, 7, stride=2)
    nodes.append(
        helper.make_node("MaxPool", [x], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    )
    x, cin = "pool", 64
    for stage, (blocks, width) in enumerate(RESNET50_STAGES):
        for block in range(blocks):
            stride = 2 if block == 0 and stage > 0 else 1
            y = conv(x, cin, width, 1)
            y = conv(y, width, width, 3, stride=stride)
            y = conv(y, width, width * 4, 1, relu=False, gain=0.2)
            shortcut = conv(x, cin, width * 4, 1, stride=stride, relu=False) if block == 0 else x
            out = f"s{stage}b{block}"
            nodes.append(helper.make_node("Add", [y, shortcut], [f"{out}.add"]))
            nodes.append(helper.make_node("Relu", [f"{out}.add"], [out]))
            x, cin = out, width * 4
    fc_w = rng.standard_normal((classes, cin), dtype=np.float32) * np.float32(np.sqrt(1.0 / cin))
    fc_b = np.zeros(classes, np.float32)
    inits.extend([numpy_helper.from_array(fc_w, "fc.w"), numpy_helper.from_array(fc_b, "fc.b")])
    nodes += [
        helper.make_node("GlobalAveragePool", [x], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["prob"], axis=1),
    ]
    graph = helper.make_graph(
        nodes, "resnet50_random",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, classes])], initializer=inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="acl-async")
    model.ir_version = 8
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path


def parameters(path: str | Path) -> int:
    """The number of weights in an ONNX model's initializers."""
    model = onnx.load(str(path))
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer)


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
