"""Huawei's Python samples built on Python acllite (``python/common/acllite`` on PYTHONPATH as their READMEs
set it, a sample's own ``src/acllite`` copy, or ``inference/acllite/acllitePY``) and the pyACL memory
samples run unchanged on the CPU, each as its README runs it, with a stand-in model converted by
``acl-async atc`` as the README converts the real one (its AIPP configuration written for the stand-in):

- ``2_object_detection/YOLOV3_coco_detection_picture``: JPEGD, VPC crop-and-paste to 416 x 416, a Caffe
  model ending in Huawei's ``Yolo`` + ``YoloV3DetectionOutput`` layers with YUV420SP AIPP;
- ``YOLOV4_coco_detection_car_picture`` / ``_video``: an ONNX model cut at its three heads by ``--out_nodes``,
  the sample's own letterbox and decode (the video read by OpenCV);
- ``YOLOV3_mask_detection_picture``: a TensorFlow model (NHWC), the sample's own acllite copy;
- ``YOLOV3_mask_detection_video``: acllite's VideoCapture (PyAV demux + VDEC) on a raw H.264 clip, VPC resize,
  a TensorFlow model with AIPP, JPEGE, every frame sent to a presenter server run by the test;
- ``1_classification/googlenet_imagenet_multi_batch`` / ``_dynamic_batch``, ``inceptionv3_picture`` (AIPP
  crop), ``vgg16_cat_dog_picture`` (TensorFlow NHWC, AIPP crop);
- ``inference/modelInference/sampleCrowdCounting`` (acllitePY: strict mode refuses its copy from a released
  ``bytes`` object, as for sampleResnetDVPP's pyAcllite twin);
- ``python/level1_single_api/1_acl/2_memory_management``: the four memcpy scripts.

The YOLO stand-ins pool the AIPP output to each head's grid and compute a cell's objectness from its mean
red level (class logits and box offsets are constants), so a picture with bright red squares on a dark
background gives one detection per square: the printed boxes are the squares' cells with the anchors'
sizes, and each printed score is recomputed in numpy from Pillow's (libjpeg's) or PyAV's decode of the same
input. The classification stand-ins are tests/test_pyacl_dvpp_samples.py's (global average pool, class k
scores channel k mod 3).

Huawei's files are never copied into this project: they are read from a clone named by
$ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this project's machines), and the tests skip without one.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_jpeg_decode_async"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from atc_models import JPEG_YUV2RGB, aipp_reference, write_aipp, write_caffe  # noqa: E402
from dvpp_pictures import jpeg_bytes, scene  # noqa: E402
from huawei_samples import PYAV_TO_BYTES_SHIM, extract, run  # noqa: E402

DETECTION = "python/level2_simple_inference/2_object_detection"
CLASSIFICATION = "python/level2_simple_inference/1_classification"
YOLOV3_COCO = f"{DETECTION}/YOLOV3_coco_detection_picture"
YOLOV4_CAR = f"{DETECTION}/YOLOV4_coco_detection_car_picture"
YOLOV3_MASK = f"{DETECTION}/YOLOV3_mask_detection_picture"
YOLOV3_MASK_VIDEO = f"{DETECTION}/YOLOV3_mask_detection_video"
YOLOV4_CAR_VIDEO = f"{DETECTION}/YOLOV4_coco_detection_car_video"
INCEPTIONV3 = f"{CLASSIFICATION}/inceptionv3_picture"
VGG16 = f"{CLASSIFICATION}/vgg16_cat_dog_picture"
CROWD = "inference/modelInference/sampleCrowdCounting"
MEMORY = "python/level1_single_api/1_acl/2_memory_management"
ACLLITE_PY = "inference/acllite/acllitePY"
COMMON = "python/common"

#: The YOLO stand-ins' AIPP: JPEG's YUV -> RGB, scaled to [0, 1] as YOLOv3's aipp_nv12.cfg does.
YOLO_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 416, "src_image_size_h": 416, "csc_switch": True,
    **JPEG_YUV2RGB, **{f"var_reci_chn_{i}": 0.00392157 for i in range(3)},
}  # fmt: skip
#: Objectness logit of a cell: GAIN * (mean red in [0, 1] - 0.5); the class logit of CLASS is CLASS_LOGIT.
GAIN, CLASS, CLASS_LOGIT = 20.0, 16, 6.0
#: The class the mask stand-in finds ("mask").
MASK_CLASS = 2
#: YOLOv3's anchors per head (network pixels) and each head's stride.
ANCHORS = {
    "low": ([116, 90, 156, 198, 373, 326], 32),
    "mid": ([30, 61, 62, 45, 59, 119], 16),
    "high": ([10, 13, 16, 30, 33, 23], 8),
}


def sigmoid(x: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def write_yolov3_standin(folder: Path, name: str, size: int, classes: int) -> None:
    """`name`.prototxt/.caffemodel: data 1x3xSxS and img_info 1x4 as YOLOv3's Caffe model takes them; each
    head is an average pool by its stride and a 1x1 convolution to boxes * (5 + classes) channels, where
    only the first box of the low-resolution head can be an object (logit GAIN * (red - 0.5)), class CLASS
    has the logit CLASS_LOGIT, the others -CLASS_LOGIT, and the box offsets are 0 (the anchor, centred)."""
    layers: list[dict[str, object]] = []
    blobs: dict[str, list[np.ndarray]] = {}
    per_box = 5 + classes
    for head, (_, stride) in ANCHORS.items():
        pool = {"pool": "AVE", "kernel_size": stride, "stride": stride}
        layers.append({"name": f"pool_{head}", "type": "Pooling", "bottom": "data", "top": f"pool_{head}",
                       "pooling_param": pool})  # fmt: skip
        layers.append({"name": f"conv_{head}", "type": "Convolution", "bottom": f"pool_{head}",
                       "top": f"conv_{head}",
                       "convolution_param": {"num_output": 3 * per_box, "kernel_size": 1}})  # fmt: skip
        w = np.zeros((3 * per_box, 3, 1, 1), np.float32)
        b = np.zeros(3 * per_box, np.float32)
        for box in range(3):
            base = box * per_box
            b[base + 4] = -20.0  # no object
            b[base + 5 : base + per_box] = -CLASS_LOGIT
            b[base + 5 + CLASS] = CLASS_LOGIT
        if head == "low":
            w[4, 0, 0, 0] = GAIN
            b[4] = -GAIN / 2
        blobs[f"conv_{head}"] = [w, b]
        layers.append({"name": f"yolo_{head}", "type": "Yolo", "bottom": f"conv_{head}",
                       "top": [f"{head}_c", f"{head}_o", f"{head}_p"],
                       "yolo_param": {"boxes": 3, "classes": classes}})  # fmt: skip
    layers.append({
        "name": "detection_out3", "type": "YoloV3DetectionOutput",
        "bottom": [f"{h}_{p}" for p in "cop" for h in ANCHORS] + ["img_info"],
        "top": ["box_out", "box_out_num"],
        "yolov3_detection_output_param": {
            "boxes": 3, "classes": classes, "post_nms_topn": 1024,
            **{f"biases_{h}": [float(v) for v in a] for h, (a, _) in ANCHORS.items()},
        },
    })  # fmt: skip
    write_caffe(folder, name, {"data": (1, 3, size, size), "img_info": (1, 4)}, layers, blobs)


def red_squares_jpeg(size: int, squares: list[tuple[int, int, int]]) -> bytes:
    """A dark size x size picture with red squares (cell column, cell row, red level) on the 13 x 13 grid
    of the low head (cells of size/13 pixels)."""
    rgb = np.full((size, size, 3), 20, np.uint8)
    cell = size // 13
    for cx, cy, red in squares:
        rgb[cy * cell : (cy + 1) * cell, cx * cell : (cx + 1) * cell] = (red, 30, 30)
    return jpeg_bytes(PIL.fromarray(rgb, "RGB"), quality=95)


def cell_red_means(jpg: Path, net: int, cfg: dict[str, object]) -> np.ndarray:
    """The low head's [13, 13] pooled red level of the AIPP output, from libjpeg's YCbCr (Pillow's draft
    mode: no colour conversion) resized to the network size by whole cells."""
    im = PIL.open(jpg)
    im.draft("YCbCr", im.size)
    ycc = np.asarray(im)
    h, w = ycc.shape[:2]
    y, cb, cr = ycc[:, :, 0], ycc[::2, ::2, 1], ycc[::2, ::2, 2]
    uv = np.stack([cb, cr], axis=-1).reshape(h // 2, w)
    red = aipp_reference(np.concatenate([y, uv])[..., None], "YUV420SP_U8", cfg)[0, 0]
    return red.reshape(13, h // 13, 13, w // 13).mean(axis=(1, 3))


def atc(cwd: Path, *args: str) -> None:
    run([sys.executable, "-m", "acl_async", "atc", "--soc_version=Ascend310", *args], cwd, dict(os.environ))


def sample_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["ACL_HOST_INFERENCE_PRECISION"] = "f32"
    env.update(extra)
    return env


def test_yolov3_coco_detection_picture(tmp_path):
    """`python3 object_detect.py ../data/` from src: JPEGD, VPC crop-and-paste to 416 x 416, the Caffe
    model converted with `--insert_op_conf=aipp_nv12.cfg`; two red squares give two printed detections
    (label, cell box with the largest anchor of the low head scaled back to the picture, score from the
    picture's red level) and boxes drawn in ../out."""
    root = extract(tmp_path, YOLOV3_COCO, COMMON)
    sample = root / YOLOV3_COCO
    model = sample / "model"
    write_yolov3_standin(model, "yolov3", 416, 80)
    write_aipp(model / "aipp_nv12.cfg", YOLO_AIPP)
    atc(model, "--model=yolov3.prototxt", "--weight=yolov3.caffemodel", "--framework=0",
        "--output=yolov3_yuv", "--insert_op_conf=aipp_nv12.cfg")  # fmt: skip
    size = 832
    jpg = sample / "data" / "squares.jpg"
    squares = [(2, 3), (9, 8)]
    jpg.write_bytes(red_squares_jpeg(size, [(2, 3, 250), (9, 8, 170)]))
    env = sample_env(PYTHONPATH=str(root / COMMON / "acllite"))
    log = run([sys.executable, "object_detect.py", "../data/"], sample / "src", env)
    found = re.findall(r" (\S+): class\s+(\d+), box\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+), score\s+([\d.]+)", log)
    red = cell_red_means(jpg, 416, YOLO_AIPP)
    scale = size / 416
    expected = []
    for cx, cy in squares:
        score = float(sigmoid(GAIN * (red[cy, cx] - 0.5)) * sigmoid(CLASS_LOGIT))
        w, h = ANCHORS["low"][0][:2]
        x, y = (cx + 0.5) * 32, (cy + 0.5) * 32
        box = [x - w / 2, y - h / 2, x + w / 2, y + h / 2]
        expected.append((score, box))
    expected.sort(key=lambda e: -e[0])
    assert len(found) == len(expected), log[-3000:]
    for (label, cls, *box, score), (ref_score, ref_box) in zip(found, expected, strict=True):
        assert (label, int(cls)) == ("dog", CLASS)
        assert [int(v) for v in box] == pytest.approx([v * scale for v in ref_box], abs=1.01)
        assert float(score) == pytest.approx(ref_score, rel=5e-3)
    drawn = np.asarray(PIL.open(sample / "out" / "squares.jpg").convert("RGB")).astype(int)
    for _, box in expected:  # the top edge of each box is drawn in (0, 200, 100)
        x1, y1, x2 = (int(v * scale) for v in box[:3])
        edge = drawn[y1, x1 + 30 : x2 - 30].mean(axis=0)
        assert np.abs(edge - (0, 200, 100)).max() < 40, edge


#: YOLOv4's heads as the README's --out_nodes names them (stride 32, 16, 8) and the sample's anchors.
YOLOV4_HEADS = [("Conv_434", 32), ("Conv_418", 16), ("Conv_402", 8)]


def write_yolov4_standin(path: Path, size: int, classes: int = 80) -> None:
    """ONNX: `input` [-1, 3, S, S] -> per head an average pool by its stride and a 1x1 Conv named as the
    real model's head (Conv_434/418/402) to 3 * (5 + classes) channels; the graph's own outputs are the
    heads' sigmoids (as the real model's decoded outputs, which --out_nodes leaves out). Only the first
    box of the stride-32 head can be an object (logit GAIN * (red - 0.5)); class CLASS has CLASS_LOGIT."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    per_box = 5 + classes
    nodes, inits, outs = [], [], []
    for name, stride in YOLOV4_HEADS:
        w = np.zeros((3 * per_box, 3, 1, 1), np.float32)
        b = np.zeros(3 * per_box, np.float32)
        for box in range(3):
            b[box * per_box + 4] = -20.0
            b[box * per_box + 5 : (box + 1) * per_box] = -CLASS_LOGIT
            b[box * per_box + 5 + CLASS] = CLASS_LOGIT
        if stride == 32:
            w[4, 0, 0, 0], b[4] = GAIN, -GAIN / 2
        inits += [numpy_helper.from_array(w, f"{name}_w"), numpy_helper.from_array(b, f"{name}_b")]
        nodes += [
            helper.make_node("AveragePool", ["input"], [f"{name}_p"], kernel_shape=[stride, stride],
                             strides=[stride, stride]),
            helper.make_node("Conv", [f"{name}_p", f"{name}_w", f"{name}_b"], [f"{name}_y"], name=name),
            helper.make_node("Sigmoid", [f"{name}_y"], [f"{name}_out"]),
        ]  # fmt: skip
        g = size // stride
        outs.append(helper.make_tensor_value_info(f"{name}_out", TensorProto.FLOAT, ["N", 3 * per_box, g, g]))
    graph = helper.make_graph(
        nodes, "yolov4_standin",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, size, size])], outs, inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


def letterbox_expected(
    picture: PIL.Image, net_w: int, net_h: int, anchor: tuple[int, int]
) -> list[tuple[list[int], float]]:
    """The stand-ins' detections for `picture` as the YOLOv4 and mask samples decode them: their letterbox
    (Pillow resize, centred, / 255), the stride-32 cells' red means, each cell with a score of at least
    0.2 a box [y_min, x_min, y_max, x_max] of the head's first anchor centred on the cell, in picture
    pixels; highest score first."""
    w0, h0 = picture.size
    scale = min(net_w / w0, net_h / h0)
    nw, nh = int(w0 * scale), int(h0 * scale)
    dx, dy = (net_w - nw) // 2, (net_h - nh) // 2
    canvas = np.zeros((net_h, net_w, 3), np.float32)
    canvas[dy : dy + nh, dx : dx + nw] = np.asarray(picture.resize((nw, nh)), np.float32)
    gw, gh = net_w // 32, net_h // 32
    red = (canvas[..., 0] / 255).reshape(gh, 32, gw, 32).mean(axis=(1, 3))
    score = sigmoid(GAIN * (red - 0.5)) * sigmoid(CLASS_LOGIT)
    found = []
    for cy, cx in zip(*np.nonzero(score >= 0.2), strict=True):
        x, y = (cx + 0.5) / gw - (net_w - nw) / 2 / net_w, (cy + 0.5) / gh - (net_h - nh) / 2 / net_h
        bw, bh = anchor[0] / net_w, anchor[1] / net_h
        xs, ys = net_w / nw * w0, net_h / nh * h0
        box = [
            int(max((y - bh / 2) * ys, 0)), int(max((x - bw / 2) * xs, 0)),
            int(min((y + bh / 2) * ys, h0)), int(min((x + bw / 2) * xs, w0)),
        ]  # fmt: skip
        found.append((box, float(score[cy, cx])))
    return sorted(found, key=lambda f: -f[1])


def convert_yolov4(model: Path) -> None:
    """The YOLOv4 samples' README step in model/: the stand-in ONNX converted with
    `--input_shape="input:1,3,608,608" --out_nodes="Conv_434:0;Conv_418:0;Conv_402:0"` (the three heads)."""
    write_yolov4_standin(model / "yolov4_dynamic_bs.onnx", 608)
    atc(model, "--model=./yolov4_dynamic_bs.onnx", "--framework=5", "--output=yolov4_bs1",
        "--input_format=NCHW", "--input_shape=input:1,3,608,608",
        "--out_nodes=Conv_434:0;Conv_418:0;Conv_402:0")  # fmt: skip


def test_yolov4_coco_detection_car_picture(tmp_path):
    """`python3 yolov4.py` from src: the ONNX model converted with `--input_shape="input:1,3,608,608"
    --out_nodes="Conv_434:0;Conv_418:0;Conv_402:0"` (the three heads, not the graph's outputs), the
    sample's own letterbox and decode: a 1280 x 720 picture with two red squares gives two detections,
    their boxes and scores as the stand-in's; the picture with lanes and boxes is written to ../out."""
    pytest.importorskip("cv2")  # the sample reads and writes pictures with OpenCV
    root = extract(tmp_path, YOLOV4_CAR, COMMON)
    sample = root / YOLOV4_CAR
    convert_yolov4(sample / "model")
    rgb = np.full((720, 1280, 3), 20, np.uint8)
    rgb[194:257, 204:268] = (250, 30, 30)  # the stride-32 cell (3, 7) of the letterboxed picture
    rgb[463:527, 878:941] = (190, 30, 30)  # cell (13, 11)
    picture = PIL.fromarray(rgb, "RGB")
    (sample / "data" / "test.jpg").write_bytes(jpeg_bytes(picture, quality=95))
    expected = letterbox_expected(PIL.open(sample / "data" / "test.jpg").convert("RGB"), 608, 608, (142, 110))
    env = sample_env(PYTHONPATH=str(root / COMMON / "acllite"))
    log = run([sys.executable, "yolov4.py"], sample / "src", env)
    result = ast.literal_eval(re.search(r"result =  (\{.*\})", log).group(1))
    assert result["detection_classes"] == ["dog"] * len(expected) and len(expected) == 2, (result, expected)
    assert result["detection_boxes"] == [box for box, _ in expected]
    assert result["detection_scores"] == pytest.approx([score for _, score in expected], rel=1e-3)
    drawn = PIL.open(sample / "out" / "out_test.jpg")
    assert drawn.size == (1280, 720)


def write_mask_standin(path: Path, classes: int = 3) -> None:
    """Frozen TensorFlow graph: `images` [1, 352, 640, 3] NHWC -> per head (stride 32, 16, 8, in that
    order as the sample reads them) a Conv2D of kernel and stride the head's stride (the cell's mean) to
    3 * (5 + classes) channels + BiasAdd: only the first box of the stride-32 head can be an object (logit
    GAIN * (red - 0.5)); class MASK_CLASS has the logit CLASS_LOGIT."""
    from atc_models import tf_graph, tf_node

    per_box = 5 + classes
    g = tf_graph()
    tf_node(g, "images", "Placeholder", dtype="float", shape=[1, 352, 640, 3])
    for stride in (32, 16, 8):
        w = np.zeros((stride, stride, 3, 3 * per_box), np.float32)  # HWIO
        b = np.zeros(3 * per_box, np.float32)
        for box in range(3):
            b[box * per_box + 4] = -20.0
            b[box * per_box + 5 : (box + 1) * per_box] = -CLASS_LOGIT
            b[box * per_box + 5 + MASK_CLASS] = CLASS_LOGIT
        if stride == 32:
            w[:, :, 0, 4], b[4] = GAIN / stride**2, -GAIN / 2
        tf_node(g, f"w{stride}", "Const", dtype="float", value=w)
        tf_node(g, f"b{stride}", "Const", dtype="float", value=b)
        nhwc = {"T": "float", "data_format": b"NHWC"}
        tf_node(g, f"conv{stride}", "Conv2D", ["images", f"w{stride}"], strides=(1, stride, stride, 1),
                padding=b"VALID", **nhwc)  # fmt: skip
        tf_node(g, f"head{stride}", "BiasAdd", [f"conv{stride}", f"b{stride}"], **nhwc)
    path.write_bytes(g.SerializeToString())


def test_yolov3_mask_detection_picture(tmp_path):
    """`python3 mask_detect.py ../data/` from src with the sample's own copy of acllite (src/acllite): the
    TensorFlow model converted with `--input_shape="images:1,352,640,3" --input_format=NHWC`, the sample's
    letterbox and decode: two red squares of a 1280 x 704 picture give two "mask" detections, their boxes
    and scores as the stand-in's; the picture with the boxes is written to ../out."""
    pytest.importorskip("cv2")  # the sample reads and writes pictures with OpenCV
    root = extract(tmp_path, YOLOV3_MASK)
    sample = root / YOLOV3_MASK
    write_mask_standin(sample / "model" / "mask_detection.pb")
    atc(sample / "model", "--input_shape=images:1,352,640,3", "--input_format=NHWC",
        "--output=./mask_detection", "--framework=3", "--model=./mask_detection.pb")  # fmt: skip
    rgb = np.full((704, 1280, 3), 20, np.uint8)
    rgb[128:192, 192:256] = (250, 30, 30)  # the stride-32 cell (3, 2) of the half-size picture
    rgb[448:512, 896:960] = (190, 30, 30)  # cell (14, 7)
    (sample / "data" / "mask.jpg").write_bytes(jpeg_bytes(PIL.fromarray(rgb, "RGB"), quality=95))
    expected = letterbox_expected(PIL.open(sample / "data" / "mask.jpg").convert("RGB"), 640, 352, (116, 90))
    log = run([sys.executable, "mask_detect.py", "../data/"], sample / "src", sample_env())
    result = ast.literal_eval(re.search(r"result =  (\{.*\})", log).group(1))
    assert result["detection_classes"] == ["mask"] * len(expected) and len(expected) == 2, (result, expected)
    assert result["detection_boxes"] == [box for box, _ in expected]
    assert result["detection_scores"] == pytest.approx([score for _, score in expected], rel=1e-3)
    assert PIL.open(sample / "out" / "out_mask.jpg").size == (1280, 704)


#: Huawei's presenter protocol (presenteragent/presenter_message.proto), the messages a sample sends and
#: the server's answers, declared with our own protobuf schema builder (field numbers as in the .proto).
PRESENTER_MESSAGES: dict[str, list[tuple[str, str, str, int, object]]] = {
    "OpenChannelRequest": [
        ("opt", "string", "channel_name", 1, None),
        ("opt", "int32", "content_type", 2, None),
    ],
    "OpenChannelResponse": [
        ("opt", "int32", "error_code", 1, None),
        ("opt", "string", "error_message", 2, None),
    ],
    "Coordinate": [("opt", "uint32", "x", 1, None), ("opt", "uint32", "y", 2, None)],
    "Rectangle_Attr": [
        ("opt", "Coordinate", "left_top", 1, None),
        ("opt", "Coordinate", "right_bottom", 2, None),
        ("opt", "string", "label_text", 3, None),
    ],
    "PresentImageRequest": [
        ("opt", "int32", "format", 1, None),
        ("opt", "uint32", "width", 2, None),
        ("opt", "uint32", "height", 3, None),
        ("opt", "bytes", "data", 4, None),
        ("rep", "Rectangle_Attr", "rectangle_list", 5, None),
    ],
    "PresentImageResponse": [
        ("opt", "int32", "error_code", 1, None),
        ("opt", "string", "error_message", 2, None),
    ],
}
PRESENTER_PACKAGE = "ascend.presenter.proto"


class PresenterServer:
    """A presenter server on 127.0.0.1 for one agent: answers OpenChannelRequest and PresentImageRequest
    with success and keeps every PresentImageRequest (frames: jpeg bytes and rectangles) in order."""

    def __init__(self) -> None:
        import socket
        import threading

        from acl_async.atc.protoschema import build

        self.classes = build(PRESENTER_PACKAGE, PRESENTER_MESSAGES, {}, packed=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.opened: list[str] = []
        self.frames: list[object] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _send(self, conn: object, name: str, message: object) -> None:
        import struct

        full = f"{PRESENTER_PACKAGE}.{name}".encode()
        body = message.SerializeToString()
        conn.sendall(struct.pack("!IB", 5 + len(full) + len(body), len(full)) + full + body)

    def _serve(self) -> None:
        import struct

        conn, _ = self.listener.accept()
        with conn:
            buf = b""
            while True:
                chunk = conn.recv(1 << 16)
                if not chunk:
                    return
                buf += chunk
                while len(buf) >= 5:
                    total, name_len = struct.unpack("!IB", buf[:5])
                    if len(buf) < total:
                        break
                    name = buf[5 : 5 + name_len].decode().rsplit(".", 1)[-1]
                    body = buf[5 + name_len : total]
                    buf = buf[total:]
                    if name == "OpenChannelRequest":
                        request = self.classes[name].FromString(body)
                        self.opened.append(request.channel_name)
                        self._send(conn, "OpenChannelResponse", self.classes["OpenChannelResponse"]())
                    elif name == "PresentImageRequest":
                        self.frames.append(self.classes[name].FromString(body))
                        self._send(conn, "PresentImageResponse", self.classes["PresentImageResponse"]())


def pyav_shim(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(PYAV_TO_BYTES_SHIM)
    return str(folder)


def write_h264(path: Path, frames: list[np.ndarray]) -> None:
    """Raw H.264 (Annex B, main profile, no B-frames) of RGB frames, by PyAV's libx264."""
    import av

    out = av.open(str(path), "w", format="h264")
    s = out.add_stream("libx264", rate=25)
    s.height, s.width = frames[0].shape[:2]
    s.pix_fmt = "yuv420p"
    s.codec_context.max_b_frames = 0
    s.options = {"profile": "main"}
    for rgb in frames:
        out.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
    out.mux(s.encode(None))
    out.close()


def ffmpeg_frames(path: Path) -> list[np.ndarray]:
    """FFmpeg's own decode of a raw stream: every picture's Y plane."""
    import av

    with av.open(str(path)) as c:
        return [f.to_ndarray(format="yuv420p")[: f.height].copy() for f in c.decode(video=0)]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def stretched_boxes(
    cells: list[tuple[int, int]], w0: int, h0: int, net_w: int, net_h: int
) -> list[list[int]]:
    """The video samples' boxes ([x1, y1, x2, y2]) for stride-32 cells of a picture VPC-resized (stretched)
    to the network size: the samples decode as if it were letterboxed (their shift and scale), with the
    first anchor (116 x 90) centred on the cell."""
    scale = min(net_w / w0, net_h / h0)
    nw, nh = int(w0 * scale), int(h0 * scale)
    sx, sy = (net_w - nw) / 2 / net_w, (net_h - nh) / 2 / net_h
    xs, ys = net_w / nw * w0, net_h / nh * h0
    gw, gh = net_w // 32, net_h // 32
    boxes = []
    for cx, cy in cells:
        x, y = (cx + 0.5) / gw, (cy + 0.5) / gh
        bw, bh = 116 / net_w, 90 / net_h
        boxes.append([
            int(max((x - bw / 2 - sx) * xs, 0)), int(max((y - bh / 2 - sy) * ys, 0)),
            int(min((x + bw / 2 - sx) * xs, w0)), int(min((y + bh / 2 - sy) * ys, h0)),
        ])  # fmt: skip
    return boxes


def test_yolov3_mask_detection_video(tmp_path):
    """`python3 main.py ../data/mask.h264` from src (scripts/samples_run.sh) with python/common/acllite:
    acllite's VideoCapture (PyAV demux + acl.media VDEC), VPC resize to 640 x 352, the TensorFlow model
    converted with the README's `--output_type=FP32 --insert_op_conf=./insert_op.cfg --input_format=NHWC`,
    JPEGE of each frame, sent to a presenter server (ours, on the port the sample's
    mask_detection.conf names). Eight 1280 x 720 frames with a red square moving by one cell per frame:
    each frame's rectangles are the squares' cells, and each JPEG is FFmpeg's decode of the frame."""
    pytest.importorskip("av")
    pytest.importorskip("cv2")  # main.py imports OpenCV
    root = extract(tmp_path, YOLOV3_MASK_VIDEO, COMMON)
    sample = root / YOLOV3_MASK_VIDEO
    model = sample / "model"
    write_mask_standin(model / "yolo3_resnet18.pb")
    write_aipp(model / "insert_op.cfg", {**YOLO_AIPP, "src_image_size_w": 640, "src_image_size_h": 352})
    atc(model, "--model=./yolo3_resnet18.pb", "--output_type=FP32", "--input_shape=images:1,352,640,3",
        "--insert_op_conf=./insert_op.cfg", "--input_format=NHWC", "--output=./yolo3_resnet18_yuv",
        "--framework=3")  # fmt: skip
    # Cells of 64 x 65.45 pixels (1280 x 720 stretched to 640 x 352); the squares stay inside them.
    cells = [[(2 + i, 2), (15, 3 + i % 4)] for i in range(8)]
    frames = []
    for pair in cells:
        rgb = np.full((720, 1280, 3), 20, np.uint8)
        for (cx, cy), red in zip(pair, (250, 200), strict=True):
            y0, x0 = int(np.ceil(cy * 720 / 11)) + 3, cx * 64 + 3
            rgb[y0 : y0 + 58, x0 : x0 + 58] = (red, 30, 30)
        frames.append(rgb)
    clip = sample / "data" / "mask.h264"
    write_h264(clip, frames)
    server = PresenterServer()
    conf = sample / "scripts" / "mask_detection.conf"
    conf.write_text(
        re.sub(r"presenter_server_port=\d+", f"presenter_server_port={server.port}", conf.read_text())
    )
    env = sample_env(
        PYTHONPATH=f"{pyav_shim(tmp_path / 'shim')}:{root / COMMON / 'acllite'}",
        # the presenter agent's presenter_message_pb2 predates protobuf 4 (its documented workaround)
        PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="python",
    )
    log = run([sys.executable, "main.py", "../data/mask.h264"], sample / "src", env)
    # the agent (a child process the sample's exit waits for) has closed its connection: every message has
    # been read once the server's thread has seen the end of the stream
    server.thread.join(timeout=60)
    assert not server.thread.is_alive()
    assert server.opened == ["video"], log[-3000:]
    assert len(server.frames) == len(frames), log[-3000:]
    reference = ffmpeg_frames(clip)
    for got, pair, luma_ref in zip(server.frames, cells, reference, strict=True):
        rects = [[r.left_top.x, r.left_top.y, r.right_bottom.x, r.right_bottom.y] for r in got.rectangle_list]
        assert sorted(rects) == sorted(stretched_boxes(pair, 1280, 720, 640, 352)), rects
        assert [r.label_text for r in got.rectangle_list] == ["mask", "mask"]
        jpeg = PIL.open(io.BytesIO(got.data))
        assert jpeg.size == (1280, 720)
        jpeg.draft("YCbCr", jpeg.size)
        assert psnr(np.asarray(jpeg)[:, :, 0], luma_ref) > 30


def test_yolov4_coco_detection_car_video(tmp_path):
    """`python3 yolov4.py ../data/test.mp4` from src: OpenCV reads the clip, acllite runs the ONNX model
    converted as the README says (`--out_nodes` the three heads), the sample decodes and writes
    ../out/test.mp4. Six 1280 x 720 frames with two red squares, one moving by a cell per frame: each
    frame's printed detections are the stand-in's for that frame (PyAV's decode, the sample's letterbox)."""
    av = pytest.importorskip("av")
    pytest.importorskip("cv2")  # the sample reads and writes the clip with OpenCV
    root = extract(tmp_path, YOLOV4_CAR_VIDEO, COMMON)
    sample = root / YOLOV4_CAR_VIDEO
    convert_yolov4(sample / "model")
    frames = []
    for i in range(6):
        rgb = np.full((720, 1280, 3), 20, np.uint8)
        for (cx, cy), red in zip([(3 + i, 7), (13, 8 + i % 3)], (250, 190), strict=True):
            # stride-32 cells of the letterboxed picture: 608 / 1280 scale, 133 rows of padding on top
            x0, y0 = int(np.ceil(cx * 32 * 1280 / 608)) + 3, int(np.ceil((cy * 32 - 133) * 1280 / 608)) + 3
            rgb[y0 : y0 + 60, x0 : x0 + 60] = (red, 30, 30)
        frames.append(rgb)
    clip = sample / "data" / "test.mp4"
    out = av.open(str(clip), "w")
    s = out.add_stream("libx264", rate=25)
    s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
    s.options = {"crf": "12"}
    for rgb in frames:
        out.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
    out.mux(s.encode(None))
    out.close()
    with av.open(str(clip)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    env = sample_env(PYTHONPATH=str(root / COMMON / "acllite"))
    log = run([sys.executable, "yolov4.py", "../data/test.mp4"], sample / "src", env)
    results = [ast.literal_eval(m) for m in re.findall(r"result =  (\{.*\})", log)]
    assert len(results) == len(frames), log[-3000:]
    for result, rgb in zip(results, decoded, strict=True):
        expected = letterbox_expected(PIL.fromarray(rgb), 608, 608, (142, 110))
        assert len(expected) == 2 and result["detection_classes"] == ["dog", "dog"], (result, expected)
        assert sorted(result["detection_boxes"]) == sorted(box for box, _ in expected)
        got = dict(zip(map(tuple, result["detection_boxes"]), result["detection_scores"], strict=True))
        for box, score in expected:
            assert got[tuple(box)] == pytest.approx(score, rel=1e-2)
    with av.open(str(sample / "out" / "test.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == len(frames)


#: Seeds of dvpp_pictures.scene whose stand-in top scores are pairwise more than 5 % apart.
PICTURE_SEEDS = [36, 26, 3, 14, 25, 23, 7, 22, 29, 11, 37, 28]


def image_blocks(log: str) -> dict[str, list[tuple[int, float]]]:
    """The classification samples' printed top 5 per picture: {file name: [(label, confidence)]}."""
    blocks = {}
    for name, body in re.findall(r"images:(\S+)\n=+ top5 inference results: =+\n((?:label:.*\n){5})", log):
        blocks[Path(name).name] = [
            (int(k), float(v)) for k, v in re.findall(r"label:(\d+)\s+confidence: ([-\d.]+)", body)
        ]
    return blocks


@pytest.mark.parametrize(
    ("sample", "om", "pictures", "atc_args"),
    [
        (f"{CLASSIFICATION}/googlenet_imagenet_multi_batch", "googlenet_yuv", 12,
         ["--input_shape=data:10,3,224,224"]),
        (f"{CLASSIFICATION}/googlenet_imagenet_dynamic_batch", "googlenet_dynamic_batch", 2,
         ["--input_shape=data:-1,3,224,224", "--dynamic_batch_size=1,2,4,8"]),
    ],
    ids=["multi_batch", "dynamic_batch"],
)  # fmt: skip
def test_googlenet_batches(tmp_path, sample, om, pictures, atc_args):
    """`python3 classify.py ../data/` from src: JPEGD + VPC resize of each picture with python/common/acllite,
    the pictures copied one after the other into one device buffer (acl.rt.memcpy device to device) and
    run as one batch: the Caffe model converted with the README's batch 10 (12 pictures: a batch of 10,
    then 2 in a batch of 10) or `--input_shape=data:-1,... --dynamic_batch_size="1,2,4,8"` (2 pictures run
    at batch size 2 of a buffer sized for 8). Every picture's printed top 5 is the stand-in's for it."""
    from dvpp_pictures import scene
    from huawei_samples import write_resnet50_standin
    from test_pyacl_dvpp_samples import RGB_AIPP, check_top5, jpeg_channel_means, standin_weights

    root = extract(tmp_path, sample, COMMON)
    folder = root / sample
    model = folder / "model"
    write_resnet50_standin(model)
    for ext in ("prototxt", "caffemodel"):
        (model / f"resnet50.{ext}").rename(model / f"googlenet.{ext}")
    write_aipp(model / "insert_op.cfg", RGB_AIPP)
    atc(model, *atc_args, "--weight=./googlenet.caffemodel", "--input_format=NCHW", f"--output=./{om}",
        "--insert_op_conf=./insert_op.cfg", "--framework=0", "--model=./googlenet.prototxt")  # fmt: skip
    jpgs = []
    for i, seed in enumerate(PICTURE_SEEDS[:pictures]):
        jpg = folder / "data" / f"test{i + 1}.jpg"
        size = (320 + 16 * (seed % 12), 240 + 8 * (seed % 12))
        jpg.write_bytes(jpeg_bytes(scene(*size, seed=seed), quality=92))
        jpgs.append(jpg)
    log = run([sys.executable, "classify.py", "../data/"], folder / "src", sample_env())
    blocks = image_blocks(log)
    assert sorted(blocks) == sorted(j.name for j in jpgs), log[-3000:]
    # 2 %: the reference averages the full picture, the model the VPC's bilinear 224 x 224 of it (pictures
    # with sharp rectangles); the pictures' top scores are 5 % apart, so a picture's scores printed for
    # another (a batch slot mixed up) fail.
    for jpg in jpgs:
        check_top5(blocks[jpg.name], standin_weights() @ jpeg_channel_means(jpg, RGB_AIPP), rel=2e-2)
        assert (folder / "out" / jpg.name).is_file()


def resized_aipp_means(jpg: Path, size: int, cfg: dict[str, object]) -> np.ndarray:
    """Per-channel means of the AIPP output (crop included) for a JPEG resized to size x size, from libjpeg's
    YCbCr planes (Pillow's draft mode) resized by Pillow."""
    im = PIL.open(jpg)
    im.draft("YCbCr", im.size)
    ycc = np.asarray(im)
    planes = [PIL.fromarray(np.ascontiguousarray(ycc[:, :, c])) for c in range(3)]
    y = np.asarray(planes[0].resize((size, size), PIL.BILINEAR))
    cb, cr = (np.asarray(p.resize((size // 2, size // 2), PIL.BILINEAR)) for p in planes[1:])
    uv = np.stack([cb, cr], axis=-1).reshape(size // 2, size)
    return aipp_reference(np.concatenate([y, uv])[..., None], "YUV420SP_U8", cfg).mean(axis=(0, 2, 3))


def test_inceptionv3_picture(tmp_path):
    """`python3 classify.py ../data/` from src: JPEGD, VPC resize to 336 x 336, the ONNX model converted with
    the README's `--input_shape="actual_input_1:1,3,300,300" --insert_op_conf` (an AIPP that crops the
    centre 300 x 300, as InceptionV3's configuration does): the printed top 5 is the stand-in's."""
    from test_pyacl_dvpp_samples import RGB_AIPP, check_top5, standin_weights, write_onnx_standin

    root = extract(tmp_path, INCEPTIONV3, COMMON)
    sample = root / INCEPTIONV3
    model = sample / "model"
    write_onnx_standin(model / "inceptionv3.onnx", "actual_input_1")
    cfg = {**RGB_AIPP, "src_image_size_w": 336, "src_image_size_h": 336, "crop": True, "load_start_pos_w": 18,
           "load_start_pos_h": 18, "crop_size_w": 300, "crop_size_h": 300}  # fmt: skip
    write_aipp(model / "aipp_inceptionv3_pth.config", cfg)
    atc_cmd = [sys.executable, "-m", "acl_async", "atc", "--model=./inceptionv3.onnx", "--framework=5",
               "--output=InceptionV3", "--soc_version=Ascend310B1",
               "--insert_op_conf=./aipp_inceptionv3_pth.config", "--input_shape=actual_input_1:1,3,300,300",
               "--input_format=NCHW"]  # fmt: skip
    run(atc_cmd, model, dict(os.environ))
    jpg = sample / "data" / "rabit.jpg"
    jpg.write_bytes(jpeg_bytes(scene(500, 375, seed=5), quality=92))
    log = run([sys.executable, "classify.py", "../data/"], sample / "src", sample_env())
    scores = standin_weights() @ resized_aipp_means(jpg, 336, cfg)
    check_top5(image_blocks(log)["rabit.jpg"], scores, rel=1e-2)
    assert (sample / "out" / "rabit.jpg").is_file()


def write_vgg16_standin(path: Path) -> None:
    """Frozen TensorFlow graph: `input_1` [1, 224, 224, 3] NHWC -> a 224 x 224 VALID Conv2D (the picture's
    mean red minus mean blue for "dog", the opposite for "cat") -> Softmax: [1, 1, 1, 2]."""
    from atc_models import tf_graph, tf_node

    w = np.zeros((224, 224, 3, 2), np.float32)
    w[:, :, 0, 0] = w[:, :, 2, 1] = 1.0 / 224**2
    w[:, :, 2, 0] = w[:, :, 0, 1] = -1.0 / 224**2
    g = tf_graph()
    tf_node(g, "input_1", "Placeholder", dtype="float", shape=[1, 224, 224, 3])
    tf_node(g, "w", "Const", dtype="float", value=w)
    tf_node(g, "score", "Conv2D", ["input_1", "w"], T="float", strides=(1, 1, 1, 1), padding=b"VALID",
            data_format=b"NHWC")  # fmt: skip
    tf_node(g, "prob", "Softmax", ["score"], T="float")
    path.write_bytes(g.SerializeToString())


def test_vgg16_cat_dog_picture(tmp_path):
    """`python3 main.py` from src: JPEGD, VPC resize to 224 x 256 (AclLiteImageProc without a resource:
    its own stream), the TensorFlow model converted with the README's `--output_type=FP32
    --input_shape="input_1:1,224,224,3" --input_format=NHWC --insert_op_conf` (AIPP crops 224 x 224): a red
    picture is drawn "dog", a blue one "cat", each exactly as Pillow draws that label on the picture."""
    from PIL import ImageDraw, ImageFont

    root = extract(tmp_path, VGG16, COMMON)
    sample = root / VGG16
    model = sample / "model"
    write_vgg16_standin(model / "vgg16_cat_dog.pb")
    cfg = {**YOLO_AIPP, "src_image_size_w": 224, "src_image_size_h": 256, "crop": True,
           "load_start_pos_h": 16, "crop_size_w": 224, "crop_size_h": 224}  # fmt: skip
    write_aipp(model / "insert_op.cfg", cfg)
    atc(model, "--output_type=FP32", "--input_shape=input_1:1,224,224,3", "--input_format=NHWC",
        "--output=vgg16_cat_dog", "--insert_op_conf=insert_op.cfg", "--framework=3",
        "--model=./vgg16_cat_dog.pb")  # fmt: skip
    pictures = {"red.jpg": ("dog", (200, 90, 60)), "blue.jpg": ("cat", (60, 90, 200))}
    for name, (_, colour) in pictures.items():
        rgb = np.asarray(scene(400, 300, seed=1), np.float32) * 0.3 + np.array(colour, np.float32) * 0.7
        (sample / "data" / name).write_bytes(jpeg_bytes(PIL.fromarray(rgb.astype(np.uint8)), quality=92))
    env = sample_env(PYTHONPATH=str(root / COMMON / "acllite"))
    log = run([sys.executable, "main.py"], sample / "src", env)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", size=20)
    for name, (label, _) in pictures.items():
        assert f"=== {name}===" in log, log[-3000:]
        drawn = np.asarray(PIL.open(sample / "out" / name))
        renders = {}
        for text in ("dog", "cat"):
            im = PIL.open(sample / "data" / name)
            ImageDraw.Draw(im).text((10, 50), text, font=font, fill=255)
            renders[text] = np.asarray(PIL.open(io.BytesIO(jpeg_bytes(im)))).astype(
                int
            )  # saved as main.py does
        errors = {text: np.abs(drawn.astype(int) - r).mean() for text, r in renders.items()}
        other = "cat" if label == "dog" else "dog"
        assert errors[label] < 0.5 * errors[other], (name, errors)


def write_crowd_standin(path: Path) -> None:
    """ONNX: `input` [1, 3, 850, 1280] -> an 8 x 8 average pool of the red channel / 255 (the "density
    map", [1, 1, 106, 160]) and its sum ([1, 1]): the sample prints neither, it writes the map over the
    picture with the count as text."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = np.zeros((1, 3, 1, 1), np.float32)
    w[0, 0] = 1 / 255
    nodes = [
        helper.make_node("Conv", ["input", "W"], ["red"]),
        helper.make_node("AveragePool", ["red"], ["density"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("ReduceSum", ["density"], ["count"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "crowd_standin",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 850, 1280])],
        [helper.make_tensor_value_info("density", TensorProto.FLOAT, [1, 1, 106, 160]),
         helper.make_tensor_value_info("count", TensorProto.FLOAT, [])],
        [numpy_helper.from_array(w, "W")],
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_sample_crowd_counting(tmp_path):
    """`python3 sampleCrowdCounting.py` from src, inference/acllite/acllitePY on PYTHONPATH (its README), the
    ONNX model converted with the README's `--insert_op_conf=aipp.cfg` and loaded; acllitePY's
    AclLiteImage.data() hands copy_to_dvpp the address of a `bytes` object it has already released
    (tests/test_pyacl_dvpp_samples.py), which strict mode refuses with 100000 at that copy instead of
    reading freed memory: the sample stops there, before any picture is written."""
    pytest.importorskip("cv2")  # the sample imports OpenCV
    root = extract(tmp_path, CROWD, ACLLITE_PY)
    sample = root / CROWD
    model = sample / "model"
    write_crowd_standin(model / "CrowdCounting.onnx")
    write_aipp(model / "aipp.cfg", {**YOLO_AIPP, "src_image_size_w": 1280, "src_image_size_h": 850})
    atc(
        model,
        "--model=CrowdCounting.onnx",
        "--framework=5",
        "--output=CrowdCounting",
        "--insert_op_conf=aipp.cfg",
    )
    (sample / "data" / "people.jpg").write_bytes(jpeg_bytes(scene(1024, 683, seed=3), quality=92))
    (sample / "out").mkdir()
    env = sample_env(PYTHONPATH=str(root / ACLLITE_PY))
    cmd = [sys.executable, "sampleCrowdCounting.py"]
    r = subprocess.run(cmd, cwd=sample / "src", env=env, capture_output=True, text=True, timeout=600)
    log = r.stdout + r.stderr
    assert r.returncode != 0 and "acl.rt.memcpy failed ret_int=100000" in log, log[-3000:]
    assert "Init model resource success" in log and "in copy_to_dvpp" in log, log[-3000:]
    assert not list((sample / "out").iterdir())


@pytest.mark.parametrize(
    ("script", "args", "live"),
    [
        ("memcpy_host_device_python/src/memcpy_host_device.py", ["--write_back_host"], [1, 2]),
        ("memcpy_host_device_python/src/memcpy_host_device.py", ["--memory_reuse"], [1, 1]),
        ("memcpy_host_DVPP_python/src/memcpy_host_dvpp.py", [], [1, 2]),
        ("memcpy_host_device_async_python/src/memcpy_host_device_async_python.py", [], [1, 2]),
    ],
    ids=["host_device", "host_device_reuse", "host_dvpp", "host_device_async"],
)
def test_memory_management(tmp_path, script, args, live):
    """python/level1_single_api/1_acl/2_memory_management: each script with `--release_cycle 2
    --memory_size 1048576`: the host buffer set to 7 by acl.rt.memset(_async), copied to device (acl.rt.malloc
    or acl.media.dvpp_malloc) and back, is printed as 7s at every step; acl.rt.get_mem_info's free device
    memory drops by a buffer (plus at most 128 bytes of DVPP alignment) for each live device buffer (`live`
    at each release cycle's report) and comes back to where it started once the buffers are freed."""
    folder = extract(tmp_path, MEMORY) / MEMORY
    size = 1 << 20
    cmd = [sys.executable, Path(script).name, "--release_cycle", "2", "--memory_size", str(size), *args]
    log = run(cmd, folder / Path(script).parent, sample_env())
    assert "failed" not in log, log[-3000:]  # (memcpy_host_device.py prints no "run success!")
    copies = re.findall(
        r"(At first memset host data|At memcpy device data|Write back host data) is \[(.*)\]", log
    )
    assert len(copies) == (6 if "--write_back_host" in args else 4), log[-3000:]
    assert all(values == "7 7 7 ... 7 7 7" for _, values in copies), copies
    # the DDR reports in order: the start, after each of the two release cycles' allocations (the async
    # script reports inside its cycle), after the buffers are freed
    free = [
        int(f) for f in re.findall(r"number_of_cycles = \d+, release_cycle = \d+, DDR free memory:(\d+)", log)
    ]
    assert len(free) == 4, log[-3000:]
    for n, now in zip(live, free[1:3], strict=True):
        assert n * size <= free[0] - now <= n * (size + 128), (n, free)
    assert free[3] == free[0], free
