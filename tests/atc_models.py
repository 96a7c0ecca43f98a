"""Test networks and the numpy reference of static AIPP for the atc tests.

``make_classifier(path, channels, n, h, w)``: Conv 3x3 (pad 1) -> ReLU -> global average pool ->
Gemm to 5 classes; ``-1`` dims become symbolic. ``aipp_reference`` applies CANN's documented AIPP
steps in numpy (channel swap, crop, CSC with ``>> 8``, then ``(x - mean - min) * var_reci``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CLASSES = 5


def make_classifier(path: Path | str, channels: int = 3, n: int = -1, h: int = -1, w: int = -1) -> str:
    rng = np.random.default_rng(7)
    weight = numpy_helper.from_array((rng.standard_normal((4, channels, 3, 3)) * 0.1).astype(np.float32), "W")
    gemm = numpy_helper.from_array(rng.standard_normal((CLASSES, 4)).astype(np.float32), "G")
    nodes = [
        helper.make_node("Conv", ["data", "W"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "G"], ["prob"], transB=1),
    ]

    def dim(v: int, name: str) -> int | str:
        return name if v == -1 else v

    graph = helper.make_graph(
        nodes,
        "classifier",
        [
            helper.make_tensor_value_info(
                "data", TensorProto.FLOAT, [dim(n, "N"), channels, dim(h, "H"), dim(w, "W")]
            )
        ],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [dim(n, "N"), CLASSES])],
        [weight, gemm],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    Path(path).write_bytes(model.SerializeToString())
    return str(path)


def write_aipp(path: Path, entries: dict[str, object]) -> str:
    lines = ["aipp_op {", "    aipp_mode: static"]
    for k, v in entries.items():
        lines.append(f"    {k} : {str(v).lower() if isinstance(v, bool) else v}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


JPEG_YUV2RGB = dict(
    matrix_r0c0=256, matrix_r0c1=0, matrix_r0c2=359, matrix_r1c0=256, matrix_r1c1=-88, matrix_r1c2=-183,
    matrix_r2c0=256, matrix_r2c1=454, matrix_r2c2=0, input_bias_0=0, input_bias_1=128, input_bias_2=128,
)  # fmt: skip
RGB2YUV = dict(
    matrix_r0c0=77, matrix_r0c1=150, matrix_r0c2=29, matrix_r1c0=-43, matrix_r1c1=-85, matrix_r1c2=128,
    matrix_r2c0=128, matrix_r2c1=-107, matrix_r2c2=-21, output_bias_0=0, output_bias_1=128, output_bias_2=128,
)  # fmt: skip


#: Huawei's vpc_jpeg_resnet50 sample's kind of AIPP: JPEG (JFIF) YUV -> RGB, then the model's own
#: normalisation (EfficientNet-Lite0: (x - 127.5) / 127.5).
NV12_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 224, "src_image_size_h": 224, "csc_switch": True,
    **JPEG_YUV2RGB,
    **{f"min_chn_{i}": 127.5 for i in range(3)}, **{f"var_reci_chn_{i}": 1 / 127.5 for i in range(3)},
}  # fmt: skip


def make_nv12_om(folder: Path, model: Path | str) -> Path:
    """``model`` converted by ``acl-async atc`` with :data:`NV12_AIPP` (static AIPP): input
    [1, 336, 224, 1] uint8 for a 224x224 network."""
    conf = write_aipp(folder / "yuv.cfg", NV12_AIPP)
    args = [f"--model={model}", f"--output={folder / 'eff_nv12'}", f"--insert_op_conf={conf}",
            "--framework=5", "--soc_version=Ascend310"]  # fmt: skip
    res = subprocess.run([sys.executable, "-m", "acl_async", "atc", *args], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    return folder / "eff_nv12.om"


def aipp_reference(picture: np.ndarray, fmt: str, cfg: dict[str, object]) -> np.ndarray:
    """A uint8 picture as the om takes it ([H, W, C]; YUV420SP [H*3/2, W, 1]) -> float32 NCHW [1, C, h, w]."""
    x = picture.astype(np.float64)
    if fmt == "YUV420SP_U8":
        h = x.shape[0] * 2 // 3
        y = x[:h, :, 0]
        uv = x[h:, :, 0].reshape(h // 2, -1, 2)
        uv = uv.repeat(2, axis=0).repeat(2, axis=1)
        x = np.concatenate([y[..., None], uv], axis=2)
    elif fmt == "XRGB8888_U8":
        x = x[..., 0:3] if cfg.get("ax_swap_switch") else x[..., 1:4]
    channels = x.shape[2]
    yuv = fmt in ("YUV420SP_U8", "YUV400_U8")
    if cfg.get("rbuv_swap_switch") and channels == 3:  # 1. channel swap
        x = x[..., [0, 2, 1]] if yuv else x[..., [2, 1, 0]]
    if cfg.get("crop"):  # 2. crop
        top, left = int(cfg.get("load_start_pos_h", 0)), int(cfg.get("load_start_pos_w", 0))
        x = x[top : top + int(cfg["crop_size_h"]), left : left + int(cfg["crop_size_w"])]
    if cfg.get("csc_switch"):  # 3. CSC
        m = np.array([[cfg[f"matrix_r{r}c{c}"] for c in range(3)] for r in range(3)], dtype=np.float64)
        if yuv:
            bias = np.array([cfg.get(f"input_bias_{i}", 0) for i in range(3)], dtype=np.float64)
            x = np.floor((x - bias) @ m.T / 256.0)
        else:
            bias = np.array([cfg.get(f"output_bias_{i}", 0) for i in range(3)], dtype=np.float64)
            x = np.floor(x @ m.T / 256.0) + bias
        x = np.clip(x, 0, 255)
    mean = np.array(
        [float(cfg.get(f"mean_chn_{i}", 0)) + float(cfg.get(f"min_chn_{i}", 0)) for i in range(channels)]
    )
    var = np.array([float(cfg.get(f"var_reci_chn_{i}", 1.0)) for i in range(channels)])
    x = (x - mean) * var  # 4. data type conversion
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def picture(fmt: str, h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape: Sequence[int] = {
        "RGB888_U8": (h, w, 3),
        "XRGB8888_U8": (h, w, 4),
        "YUV400_U8": (h, w, 1),
        "YUV420SP_U8": (h * 3 // 2, w, 1),
    }[fmt]
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


# ---- TensorFlow frozen graphs without TensorFlow: GraphDef messages from our own schema ----


def tf_node(graph: Any, name: str, op: str, inputs: Sequence[str] = (), **attrs: object) -> None:
    """Adds a NodeDef; attribute values: ``"float"`` or ``"int32"`` (a dtype), a list (a shape, -1 for
    ``?``), a tuple (a list of ints), bytes (a string), an array (a tensor: int32 for an integer array,
    else float), a bool."""
    from acl_async.atc.tf_schema import DT_FLOAT

    dt_int32 = 3  # TensorFlow's types.proto

    node = graph.node.add(name=name, op=op)
    node.input.extend(inputs)
    for key, value in attrs.items():
        entry = node.attr.add(key=key)
        if isinstance(value, str) and value in ("float", "int32"):
            entry.value.type = DT_FLOAT if value == "float" else dt_int32
        elif isinstance(value, bool):
            entry.value.b = value
        elif isinstance(value, list):
            for d in value:
                entry.value.shape.dim.add(size=d)
        elif isinstance(value, tuple):  # list(int): ksize, strides
            entry.value.list.i.extend(int(v) for v in value)
        elif isinstance(value, bytes):  # string: padding, data_format
            entry.value.s = value
        elif isinstance(value, np.ndarray):
            integer = np.issubdtype(value.dtype, np.integer)
            t = entry.value.tensor
            t.dtype = dt_int32 if integer else DT_FLOAT
            for d in value.shape:
                t.tensor_shape.dim.add(size=d)
            dtype = np.int32 if integer else np.float32
            t.tensor_content = np.ascontiguousarray(value, dtype=dtype).tobytes()
        else:
            raise TypeError(f"attribute {key}: {value!r}")


def tf_graph() -> Any:
    from acl_async.atc.tf_schema import GraphDef

    graph = GraphDef()
    graph.versions.producer = 27
    return graph


def _matmul(graph: Any, name: str, a: str, b: str) -> None:
    tf_node(graph, name, "MatMul", [a, b], T="float", transpose_a=False, transpose_b=False)


def make_tf_matmul(path: Path | str, weights: np.ndarray) -> str:
    """Frozen graph: ``data`` [1, K] float (Placeholder) -> MatMul by constant ``weights`` -> ``prob``."""
    g = tf_graph()
    tf_node(g, "data", "Placeholder", dtype="float", shape=[1, weights.shape[0]])
    tf_node(g, "w", "Const", dtype="float", value=np.asarray(weights, np.float32))
    _matmul(g, "prob", "data", "w")
    Path(path).write_bytes(g.SerializeToString())
    return str(path)


def make_tf_mlp(path: Path | str, w1: np.ndarray, w2: np.ndarray, batch: int = -1) -> str:
    """Frozen graph: ``input_1`` [batch (``?`` when -1), K] -> MatMul ``fc1`` -> Relu ``relu1`` -> MatMul
    ``fc2`` -> Softmax ``prob``."""
    g = tf_graph()
    tf_node(g, "input_1", "Placeholder", dtype="float", shape=[batch, w1.shape[0]])
    tf_node(g, "w1", "Const", dtype="float", value=np.asarray(w1, np.float32))
    _matmul(g, "fc1", "input_1", "w1")
    tf_node(g, "relu1", "Relu", ["fc1"], T="float")
    tf_node(g, "w2", "Const", dtype="float", value=np.asarray(w2, np.float32))
    _matmul(g, "fc2", "relu1:0", "w2")
    tf_node(g, "prob", "Softmax", ["fc2"], T="float")
    Path(path).write_bytes(g.SerializeToString())
    return str(path)


# ---- Caffe networks without Caffe: prototxt text and caffemodel bytes from our own schema ----


_ENUM_KEYS = {"pool", "operation", "norm_region", "phase", "round_mode", "code_type"}


def _proto_text(value: object, indent: str = "  ") -> str:
    """A nested dict as protobuf text: lists repeat the key, dicts become blocks, ALLCAPS strings enums."""
    lines = []
    for key, v in value.items():  # type: ignore[attr-defined]
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, dict):
                lines.append(f"{indent}{key} {{\n{_proto_text(item, indent + '  ')}{indent}}}")
            elif isinstance(item, bool):
                lines.append(f"{indent}{key}: {str(item).lower()}")
            elif isinstance(item, str) and key not in _ENUM_KEYS:
                lines.append(f'{indent}{key}: "{item}"')
            else:
                lines.append(f"{indent}{key}: {item}")
    return "".join(line + "\n" for line in lines)


def write_caffe(
    folder: Path,
    name: str,
    inputs: dict[str, Sequence[int]],
    layers: list[dict[str, object]],
    blobs: dict[str, list[np.ndarray]],
    *,
    model_layers: list[dict[str, object]] | None = None,
) -> tuple[str, str]:
    """Writes ``name.prototxt`` (inputs as Input layers) and ``name.caffemodel`` (every layer with its
    blobs, as Caffe saves them). ``model_layers`` overrides the layers stored in the caffemodel."""
    from acl_async.atc.caffe.schema import NetParameter

    text = f'name: "{name}"\n'
    for inp, dims in inputs.items():
        text += "layer {\n" + _proto_text(
            {"name": inp, "type": "Input", "top": inp, "input_param": {"shape": {"dim": list(dims)}}}
        ) + "}\n"  # fmt: skip
    for layer in layers:
        text += "layer {\n" + _proto_text(layer) + "}\n"
    proto = Path(folder) / f"{name}.prototxt"
    proto.write_text(text)
    net = NetParameter()
    net.name = name
    for layer in model_layers if model_layers is not None else layers:
        msg = net.layer.add()
        msg.name, msg.type = str(layer["name"]), str(layer["type"])
        for b in blobs.get(str(layer["name"]), []):
            blob = msg.blobs.add()
            blob.shape.dim.extend(b.shape)
            blob.data.extend(np.asarray(b, dtype=np.float32).ravel().tolist())
    model = Path(folder) / f"{name}.caffemodel"
    model.write_bytes(net.SerializeToString())
    return str(proto), str(model)


# numpy references of Caffe's layers (float64; BVLC Caffe's formulas)


def ref_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int = 1, pad: int = 0,
             dilation: int = 1, group: int = 1) -> np.ndarray:  # fmt: skip
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - (dilation * (kh - 1) + 1)) // stride + 1
    ow = (wd + 2 * pad - (dilation * (kw - 1) + 1)) // stride + 1
    y = np.zeros((n, o, oh, ow))
    og = o // group
    for g in range(group):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg : (g + 1) * cg, i * dilation : i * dilation + stride * oh : stride,
                           j * dilation : j * dilation + stride * ow : stride]  # fmt: skip
                y[:, g * og : (g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, w[g * og : (g + 1) * og, :, i, j]
                )
    return y + (b.reshape(1, -1, 1, 1) if b is not None else 0)


def ref_deconv(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """Caffe's Deconvolution (group 1): weights [C_in, C_out, kh, kw], out = (H - 1) * s - 2p + k."""
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(kh):
        for j in range(kw):
            full[:, :, i : i + stride * h : stride, j : j + stride * wd : stride] += np.einsum(
                "nchw,co->nohw", x, w[:, :, i, j]
            )
    y = full[:, :, pad : full.shape[2] - pad, pad : full.shape[3] - pad]
    return y + (b.reshape(1, -1, 1, 1) if b is not None else 0)


def ref_pool(x: np.ndarray, method: str, k: int, s: int, p: int = 0) -> np.ndarray:
    """Caffe's Pooling: ceil rounding, the last window never starting in the padding, AVE divided by the
    window clipped to H + pad."""
    n, c, h, w = x.shape

    def size(d: int) -> int:
        out = -(-(d + 2 * p - k) // s) + 1
        return out - 1 if p and (out - 1) * s >= d + p else out

    oh, ow = size(h), size(w)
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * s - p, j * s - p
            he, we = min(hs + k, h + p), min(ws + k, w + p)
            area = (he - hs) * (we - ws)
            window = x[:, :, max(hs, 0) : min(he, h), max(ws, 0) : min(we, w)]
            if method == "MAX":
                y[:, :, i, j] = window.max(axis=(2, 3))
            else:
                y[:, :, i, j] = window.sum(axis=(2, 3)) / area
    return y


def ref_lrn(x: np.ndarray, size: int, alpha: float, beta: float, k: float) -> np.ndarray:
    sq = np.pad(x * x, ((0, 0), (size // 2, size // 2), (0, 0), (0, 0)))
    acc = sum(sq[:, i : i + x.shape[1]] for i in range(size))
    return x / (k + alpha / size * acc) ** beta


def ref_softmax(x: np.ndarray, axis: int = 1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def make_tf_saved_model(folder: Path, w1: np.ndarray, w2: np.ndarray) -> str:
    """A SavedModel directory (``saved_model.pb`` + empty ``variables/``) around :func:`make_tf_mlp`'s graph,
    signature ``serving_default``: ``x`` = ``input_1:0``, ``y`` = ``prob:0``."""
    from acl_async.atc.tf_schema import tf_classes

    classes = tf_classes()
    folder = Path(folder)
    (folder / "variables").mkdir(parents=True, exist_ok=True)
    graph = classes["GraphDef"]()
    graph.ParseFromString(Path(make_tf_mlp(folder.parent / f"{folder.name}_graph.pb", w1, w2)).read_bytes())
    saved = classes["SavedModel"](saved_model_schema_version=1)
    meta = saved.meta_graphs.add()
    meta.meta_info_def.tags.append("serve")
    meta.graph_def.CopyFrom(graph)
    sig = meta.signature_def.add(key="serving_default").value
    sig.method_name = "tensorflow/serving/predict"
    sig.inputs.add(key="x").value.name = "input_1:0"
    sig.outputs.add(key="y").value.name = "prob:0"
    for entry in (*sig.inputs, *sig.outputs):
        entry.value.dtype = 1
    (folder / "saved_model.pb").write_bytes(saved.SerializeToString())
    return str(folder)
