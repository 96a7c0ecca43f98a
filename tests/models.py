"""Small ONNX models generated on the fly for the tests (numpy + onnx only).

Every helper writes a model file and returns its path (as a ``str``), so C test
programs can take it on their command line. Weights are deterministic: the
same call always writes the same bytes (the host runtime shares compiled
models between loads of identical bytes, and some tests rely on that).

    from models import make_add_model
    path = make_add_model(tmp_path / "add.onnx", (1, 3, 8, 8), np.float32, const=1.5)

Expected outputs are easy to compute in the tests: ``reference_add``,
``reference_classifier`` mirror the graphs in numpy.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Union

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PathLike = Union[str, "os.PathLike[str]"]

# Opset 13 is read by every OpenVINO release we care about.
OPSET = 13
IR_VERSION = 8

_NP_TO_ONNX = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float16): TensorProto.FLOAT16,
    np.dtype(np.float64): TensorProto.DOUBLE,
    np.dtype(np.int8): TensorProto.INT8,
    np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.int16): TensorProto.INT16,
    np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.int64): TensorProto.INT64,
}


def _onnx_type(dtype) -> int:
    try:
        return _NP_TO_ONNX[np.dtype(dtype)]
    except KeyError as exc:  # pragma: no cover - caller error
        raise ValueError(f"unsupported dtype {dtype!r}") from exc


def _save(model: onnx.ModelProto, path: PathLike) -> str:
    onnx.checker.check_model(model)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString())
    return str(path)


def _model(graph: onnx.GraphProto) -> onnx.ModelProto:
    model = helper.make_model(
        graph, producer_name="acl-async-tests", opset_imports=[helper.make_opsetid("", OPSET)]
    )
    model.ir_version = IR_VERSION
    return model


def add_constant(shape: Sequence[int], dtype=np.float32, const: float = 1.0) -> np.ndarray:
    """The constant added by ``make_add_model``: ``const`` everywhere."""
    return np.full(tuple(shape), const, dtype=dtype)


def reference_add(x: np.ndarray, const: float = 1.0) -> np.ndarray:
    return (x + np.asarray(const, dtype=x.dtype)).astype(x.dtype)


def make_add_model(
    path: PathLike,
    shape: Sequence[int] = (1, 3, 8, 8),
    dtype=np.float32,
    const: float = 1.0,
    input_name: str = "x",
    output_name: str = "y",
) -> str:
    """y = x + const (same shape and dtype as x). One input, one output."""
    shape = [int(d) for d in shape]
    t = _onnx_type(dtype)
    c = numpy_helper.from_array(add_constant(shape, dtype, const), name="c")
    node = helper.make_node("Add", [input_name, "c"], [output_name], name="add")
    graph = helper.make_graph(
        [node],
        "add",
        [helper.make_tensor_value_info(input_name, t, shape)],
        [helper.make_tensor_value_info(output_name, t, shape)],
        initializer=[c],
    )
    return _save(_model(graph), path)


def make_fp16_model(path: PathLike, shape: Sequence[int] = (1, 3, 8, 8), scale: float = 2.0) -> str:
    """Like the sample's .om: fp16 input ``data``, fp32 output ``prob`` = float(data) * scale."""
    shape = [int(d) for d in shape]
    s = numpy_helper.from_array(np.array(scale, dtype=np.float32), name="scale")
    nodes = [
        helper.make_node("Cast", ["data"], ["data32"], to=TensorProto.FLOAT, name="cast"),
        helper.make_node("Mul", ["data32", "scale"], ["prob"], name="mul"),
    ]
    graph = helper.make_graph(
        nodes,
        "fp16_in",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT16, shape)],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, shape)],
        initializer=[s],
    )
    return _save(_model(graph), path)


def make_two_output_model(path: PathLike, shape: Sequence[int] = (2, 5)) -> str:
    """Two inputs a, b (fp32, ``shape``); outputs ``sum`` = a + b (fp32, ``shape``) and
    ``argmax`` = argmax(a, axis=-1) (int64, ``shape[:-1]``)."""
    shape = [int(d) for d in shape]
    nodes = [
        helper.make_node("Add", ["a", "b"], ["sum"], name="add"),
        helper.make_node("ArgMax", ["a"], ["argmax"], axis=-1, keepdims=0, name="argmax"),
    ]
    graph = helper.make_graph(
        nodes,
        "two_outputs",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, shape),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, shape),
        ],
        [
            helper.make_tensor_value_info("sum", TensorProto.FLOAT, shape),
            helper.make_tensor_value_info("argmax", TensorProto.INT64, shape[:-1]),
        ],
    )
    return _save(_model(graph), path)


def _classifier_weights(seed: int = 0):
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((8, 3, 3, 3)) * 0.3).astype(np.float32)
    b1 = (rng.standard_normal(8) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((10, 8)) * 0.5).astype(np.float32)  # Gemm with transB=1
    b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)
    return w1, b1, w2, b2


def make_classifier_model(path: PathLike, seed: int = 0, dtype=np.float32) -> str:
    """A tiny image classifier: ``input`` [1,3,8,8] -> Conv 3x3 pad 1 (8 ch) -> Relu ->
    GlobalAveragePool -> Flatten -> Gemm (10) -> Softmax -> ``prob`` [1,10] (fp32).
    With ``dtype=np.float16`` the input is fp16 (cast to fp32 first), like the sample's model."""
    w1, b1, w2, b2 = _classifier_weights(seed)
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = []
    src = "input"
    if np.dtype(dtype) == np.float16:
        nodes.append(helper.make_node("Cast", ["input"], ["input32"], to=TensorProto.FLOAT, name="cast"))
        src = "input32"
    nodes += [
        helper.make_node("Conv", [src, "w1", "b1"], ["conv"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("GlobalAveragePool", ["relu"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1, name="flatten"),
        helper.make_node("Gemm", ["flat", "w2", "b2"], ["logits"], transB=1, name="fc"),
        helper.make_node("Softmax", ["logits"], ["prob"], axis=1, name="softmax"),
    ]
    graph = helper.make_graph(
        nodes,
        "classifier",
        [helper.make_tensor_value_info("input", _onnx_type(dtype), [1, 3, 8, 8])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 10])],
        initializer=inits,
    )
    return _save(_model(graph), path)


def reference_classifier(x: np.ndarray, seed: int = 0) -> np.ndarray:
    """numpy twin of ``make_classifier_model`` (x: [1,3,8,8])."""
    w1, b1, w2, b2 = _classifier_weights(seed)
    x = x.astype(np.float32)
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((n, 8, h, w), np.float32)
    for i in range(3):
        for j in range(3):
            conv += np.einsum("nchw,oc->nohw", xp[:, :, i : i + h, j : j + w], w1[:, :, i, j])
    conv += b1[None, :, None, None]
    gap = np.maximum(conv, 0).mean(axis=(2, 3))
    logits = gap @ w2.T + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def make_dynamic_batch_model(path: PathLike, feature: int = 4) -> str:
    """y = x + 1 with x: ["N", feature] fp32 (dynamic first dimension)."""
    one = numpy_helper.from_array(np.array(1.0, dtype=np.float32), name="one")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "one"], ["y"], name="add")],
        "dyn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", feature])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", feature])],
        initializer=[one],
    )
    return _save(_model(graph), path)


def make_reshape_model(path: PathLike, feature: int = 4, rows: int = 4) -> str:
    """y = Reshape(x, [rows, feature]) with x: ["N", feature] fp32. Static output; executing it
    with N != rows fails inside the runtime (a model execution error)."""
    target = numpy_helper.from_array(np.array([rows, feature], dtype=np.int64), name="target")
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape")],
        "reshape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", feature])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, feature])],
        initializer=[target],
    )
    return _save(_model(graph), path)


def make_om_file(path: PathLike, size: int = 4096) -> str:
    """A file that looks like an Ascend offline model (.om): the ModelFileHeader magic
    "IMOD" and zeros. The host runtime must refuse it with a clear message."""
    header = struct.pack("<I", 0x444F4D49) + b"\0" * (size - 4)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header)
    return str(path)


def make_corrupt_file(path: PathLike, size: int = 1024, seed: int = 1) -> str:
    """Random bytes: neither ONNX nor IR."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes())
    return str(path)


def make_ir_model(xml_path: PathLike, onnx_path: PathLike) -> str:
    """Convert an ONNX file to OpenVINO IR (``xml_path`` + the ``.bin`` beside it).
    Needs the ``openvino`` package (imported lazily: the rest of this module does not)."""
    import openvino as ov  # noqa: PLC0415

    model = ov.Core().read_model(str(onnx_path))
    ov.save_model(model, str(xml_path), compress_to_fp16=False)
    return str(xml_path)


def write_host_test_data(folder: PathLike) -> Path:
    """Writes the files the C test programs of csrc/host/tests read from their data folder
    (see csrc/host/tests/CMakeLists.txt). Needs ``openvino`` (IR model, classifier reference)."""
    import shutil  # noqa: PLC0415

    import openvino as ov  # noqa: PLC0415

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    make_add_model(d / "add.onnx", (1, 3, 8, 8), np.float32, const=1.5)
    make_fp16_model(d / "fp16.onnx", (1, 3, 8, 8), scale=2.0)
    make_two_output_model(d / "two.onnx", (2, 5))
    make_classifier_model(d / "classifier.onnx")
    make_dynamic_batch_model(d / "dynamic.onnx", feature=4)
    make_reshape_model(d / "reshape.onnx", feature=4, rows=4)
    make_om_file(d / "resnet50.om")
    make_corrupt_file(d / "corrupt.onnx")
    # An ONNX model under the sample's .om name: recognised by content.
    shutil.copy(d / "add.onnx", d / "add_named.om")
    make_ir_model(d / "add_ir.xml", d / "add.onnx")
    # Classifier reference: an input and OpenVINO's own output (run directly).
    x = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype(np.float32)
    y = ov.Core().compile_model(str(d / "classifier.onnx"), "CPU")(x)[0].astype(np.float32)
    if not np.allclose(y, reference_classifier(x), atol=2e-2):
        raise AssertionError("OpenVINO's classifier output differs from reference_classifier")
    x.tofile(d / "classifier_in.bin")
    y.tofile(d / "classifier_out.bin")
    (d / "acl.json").write_text("{}\n")
    # DVPP pictures and their Pillow references (test_acl_dvpp.c).
    from dvpp_pictures import write_dvpp_pictures  # noqa: PLC0415

    write_dvpp_pictures(d)
    # H.264/H.265 clips and FFmpeg's decode of them (test_acl_vdec.c).
    from video_clips import write_video_clips  # noqa: PLC0415

    write_video_clips(d)
    return d


#: ``make_uint8_classifier_model`` normalizes inside: (x - U8_MEAN) / U8_STD.
U8_MEAN, U8_STD = 128.0, 64.0


def make_uint8_classifier_model(path: PathLike, seed: int = 0) -> str:
    """The classifier of ``make_classifier_model`` behind its own preprocessing, like an AIPP model:
    ``image`` uint8 NHWC [1,8,8,3] -> Cast -> (x - 128) / 64 -> NCHW -> the classifier -> ``prob``."""
    w1, b1, w2, b2 = _classifier_weights(seed)
    consts = [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"),
              (np.float32(U8_MEAN).reshape(()), "mean"), (np.float32(U8_STD).reshape(()), "std")]
    inits = [numpy_helper.from_array(np.asarray(a), n) for a, n in consts]
    nodes = [
        helper.make_node("Cast", ["image"], ["f"], to=TensorProto.FLOAT, name="cast"),
        helper.make_node("Sub", ["f", "mean"], ["c"], name="sub"),
        helper.make_node("Div", ["c", "std"], ["n"], name="div"),
        helper.make_node("Transpose", ["n"], ["input"], perm=[0, 3, 1, 2], name="nchw"),
        helper.make_node("Conv", ["input", "w1", "b1"], ["conv"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("GlobalAveragePool", ["relu"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1, name="flatten"),
        helper.make_node("Gemm", ["flat", "w2", "b2"], ["logits"], transB=1, name="fc"),
        helper.make_node("Softmax", ["logits"], ["prob"], axis=1, name="softmax"),
    ]
    graph = helper.make_graph(
        nodes, "uint8_classifier",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, [1, 8, 8, 3])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [1, 10])],
        initializer=inits)
    return _save(_model(graph), path)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python tests/models.py <folder>: writes the C tests' models there")
    print(write_host_test_data(sys.argv[1]))
