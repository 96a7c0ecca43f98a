"""Huawei's Python detection and classification samples that use ``python/common/acllite`` (or the copy of
acllite a sample carries in its own ``src/acllite``) run unchanged on the CPU, each as its README runs it,
with a stand-in model converted by ``acl-async atc`` as the README converts the real one:

- ``python/level2_simple_inference/2_object_detection/YOLOV3_coco_detection_picture``: JPEGD, VPC
  crop-and-paste to 416 x 416, a Caffe model ending in Huawei's ``Yolo`` + ``YoloV3DetectionOutput`` layers
  with YUV420SP AIPP.

The YOLO stand-ins pool the AIPP output to each head's grid and compute a cell's objectness from its mean
red level (class logits and box offsets are constants), so a picture with bright red squares on a dark
background gives one detection per square: the printed boxes are the squares' cells with the anchors'
sizes, and each printed score is recomputed in numpy from Pillow's (libjpeg's) decode of the same JPEG.

Huawei's files are never copied into this project: they are read from a clone named by
$ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this project's machines), and the tests skip without one.
"""

from __future__ import annotations

import os
import re
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
from dvpp_pictures import jpeg_bytes  # noqa: E402
from huawei_samples import extract, run  # noqa: E402

DETECTION = "python/level2_simple_inference/2_object_detection"
YOLOV3_COCO = f"{DETECTION}/YOLOV3_coco_detection_picture"
COMMON = "python/common"

#: The YOLO stand-ins' AIPP: JPEG's YUV -> RGB, scaled to [0, 1] as YOLOv3's aipp_nv12.cfg does.
YOLO_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 416, "src_image_size_h": 416, "csc_switch": True,
    **JPEG_YUV2RGB, **{f"var_reci_chn_{i}": 0.00392157 for i in range(3)},
}  # fmt: skip
#: Objectness logit of a cell: GAIN * (mean red in [0, 1] - 0.5); the class logit of CLASS is CLASS_LOGIT.
GAIN, CLASS, CLASS_LOGIT = 20.0, 16, 6.0
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
        layers.append({"name": f"pool_{head}", "type": "Pooling", "bottom": "data", "top": f"pool_{head}",
                       "pooling_param": {"pool": "AVE", "kernel_size": stride, "stride": stride}})  # fmt: skip
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
        box = [(cx + 0.5) * 32 - w / 2, (cy + 0.5) * 32 - h / 2, (cx + 0.5) * 32 + w / 2, (cy + 0.5) * 32 + h / 2]
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
