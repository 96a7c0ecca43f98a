"""Huawei's newer samples under ``inference/modelInference`` (Ascend/samples), built with their own
``scripts/sample_build.sh`` against acl-async's SDK and run with their own run command on the CPU:

- ``sampleResnetQuickStart`` (C++ ``src/`` and ``python/``): OpenCV resize, normalisation on the host, the
  ONNX model converted as the README converts ``resnet50.onnx``;
- ``sampleResnetAIPP`` (C++ and ``python/``): RGB 224 x 224 in, the normalisation done by static AIPP
  (``--insert_op_conf=aipp.cfg``);
- ``sampleResnetDVPP`` C++ ``src/`` (JPEGD into 128 x 16 aligned strides, VPC resize, YUV420SP AIPP with
  CSC, on ACL and DVPP directly) and ``CPPAcllite/`` (the same through aclliteCPP, built and installed
  under THIRDPART_PATH by its own Makefile). Its README picture has an odd height (1024 x 683): the C++
  sample hands VPC the height rounded up to 684, one row past what JPEGD reports;
- ``sampleYOLOV7`` (aclliteCPP + OpenCV): an ONNX stand-in for yolov7x (``images`` 1x3x640x640 ->
  ``output`` 1x25200x85) whose few boxes have fixed places and objectness from the picture's channel means;
  the boxes the sample draws into ``out_0.jpg`` (confidence >= 0.25, NMS, colour by rank) are checked;
- ``sampleCarColor``: the same detector, then each car cropped, resized and classified by a TensorFlow
  stand-in for color.pb (``input_1`` 10x224x224x3, NHWC, AIPP; nearest of nine colour prototypes): the
  printed boxes and scores, and the colour name drawn under each box (matched against OpenCV's rendering of
  each of the nine names).

The README's ``resnet50.onnx`` and ``aipp.cfg`` are downloads (unreachable offline): the stand-in has the
real input name (``actual_input_1`` 1x3x224x224) and 1000 scores, class k = ``(0.5 + k/1000)`` x the mean of
channel ``k mod 3`` (tests/huawei_samples.py), and our ``aipp.cfg`` has ResNet-50's ImageNet means and
standard deviations that the QuickStart sample applies itself (for sampleResnetDVPP with JPEG's YUV -> RGB
CSC first). Every printed top-5 (index and softmax value)
is checked against numpy on OpenCV's resize of the same picture (DVPP: on libjpeg's YCbCr of a picture of
flat blocks, whose means a resize keeps). ``ACL_HOST_INFERENCE_PRECISION=f32``: where
OpenVINO infers in bf16 by default, neighbouring classes of the stand-in tie.

The samples were written for OpenCV 3.x (README); Debian's OpenCV 4 needs the include directory and the C
constants' headers in CXXFLAGS (``huawei_samples.opencv_env``). Huawei's files are never copied into this
project: they are read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this
project's machines), and the tests skip without one.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from atc_models import JPEG_YUV2RGB, tf_graph, tf_node, write_aipp  # noqa: E402
from huawei_samples import (  # noqa: E402
    NEEDS_BUILD_TOOLS,
    block_jpeg,
    build_with_script,
    extract,
    install_acllite,
    jpeg_channel_means,
    opencv_env,
    resnet50_weights,
    run,
    run_command,
    samples_env,
    sdk_env,
    write_resnet50_onnx_standin,
)

BASE = "inference/modelInference"
QUICKSTART = f"{BASE}/sampleResnetQuickStart"
AIPP = f"{BASE}/sampleResnetAIPP"
DVPP = f"{BASE}/sampleResnetDVPP"
YOLOV7 = f"{BASE}/sampleYOLOV7"
CAR_COLOR = f"{BASE}/sampleCarColor"
MEAN = np.array([123.675, 116.28, 103.53], np.float32)  # RGB, the QuickStart sample's min_chn_*
VAR_RECI = np.array([0.0171247538316637, 0.0175070028011204, 0.0174291938997821], np.float32)
#: Our aipp.cfg for sampleResnetAIPP: the sample sends RGB888 224 x 224, AIPP normalises as QuickStart does.
RGB_AIPP = {
    "input_format": "RGB888_U8", "src_image_size_w": 224, "src_image_size_h": 224,
    **{f"min_chn_{c}": float(MEAN[c]) for c in range(3)},
    **{f"var_reci_chn_{c}": float(VAR_RECI[c]) for c in range(3)},
}  # fmt: skip
#: sampleResnetDVPP's: JPEGD's YUV420SP -> RGB (CSC), then the same normalisation.
YUV_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 224, "src_image_size_h": 224, "csc_switch": True,
    **JPEG_YUV2RGB, **{k: v for k, v in RGB_AIPP.items() if k.startswith(("min_chn", "var_reci"))},
}  # fmt: skip
TOP_CPP = r"top \d: index\[(\d+)\] value\[([\d.]+)\]"
TOP_PY = r"label:(\d+) confidence:([\d.]+)"

pytestmark = NEEDS_BUILD_TOOLS


def write_picture(path: Path, seed: int) -> None:
    """A 400 x 300 PNG (lossless: the C++ and Python decoders give the same pixels) with unequal channel
    means, so one channel's classes lead the stand-in's scores."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:300, 0:400]
    bgr = np.stack([np.full_like(xx, 60 + 20 * seed), yy * 255 // 300, xx * 255 // 400], -1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.clip(bgr + rng.integers(0, 20, bgr.shape), 0, 255).astype(np.uint8))


def channel_means(picture: Path) -> np.ndarray:
    """The model input's per-channel means as both samples make it: OpenCV resize to 224 x 224, BGR -> RGB,
    (x - mean) * var_reci."""
    rgb = cv2.resize(cv2.imread(str(picture)), (224, 224))[:, :, ::-1].astype(np.float32)
    return ((rgb - MEAN) * VAR_RECI).mean(axis=(0, 1))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x.astype(np.float64))
    return e / e.sum()


def check_top5(log: str, pattern: str, means: np.ndarray, rel: float = 1e-3) -> None:
    """The five printed (index, value) pairs: the top 5 of the stand-in's softmax for these channel means
    (DVPP: rel 3e-3, the blocks' edges after JPEG and the resize move the means by a fraction of a level)."""
    found = [(int(k), float(v)) for k, v in re.findall(pattern, log)]
    assert len(found) == 5, log[-3000:]
    probs = softmax(resnet50_weights() @ means)
    assert [k for k, _ in found] == [int(k) for k in np.argsort(-probs, kind="stable")[:5]], found
    for k, v in found:
        assert v == pytest.approx(float(probs[k]), rel=rel, abs=1e-6), (k, v, probs[k])


def convert(cwd: Path, *args: str) -> None:
    """`atc ... --soc_version=Ascend310` as the READMEs run it."""
    run([sys.executable, "-m", "acl_async", "atc", *args, "--soc_version=Ascend310"], cwd, dict(os.environ))


def atc(cwd: Path, *args: str) -> None:
    """The ResNet-50 READMEs' conversion."""
    convert(cwd, "--model=resnet50.onnx", "--framework=5", "--output=resnet50",
            "--input_shape=actual_input_1:1,3,224,224", *args)  # fmt: skip


def prepare(tmp_path: Path, sample: str, folder: str, aipp: dict[str, object] | None
            ) -> tuple[Path, Path, dict[str, str]]:  # fmt: skip
    """The sample (or its python/ twin) as its README prepares it: the model converted into model/ (with
    `--insert_op_conf=aipp.cfg` when there is an AIPP), one picture in data/. Returns (sample dir, picture,
    environment)."""
    env = samples_env(tmp_path)  # skips without a clone
    root = extract(tmp_path, sample) / sample / folder
    write_resnet50_onnx_standin(root / "model" / "resnet50.onnx")
    if aipp:
        write_aipp(root / "model" / "aipp.cfg", aipp)
    atc(root / "model", *(["--insert_op_conf=aipp.cfg"] if aipp else []))
    picture = root / "data" / "picture.png"
    write_picture(picture, seed=1)
    return root, picture, {**env, "ACL_HOST_INFERENCE_PRECISION": "f32"}


@pytest.mark.parametrize("sample,aipp", [(QUICKSTART, None), (AIPP, RGB_AIPP)], ids=["QuickStart", "AIPP"])
def test_cpp_sample(tmp_path, sample, aipp):
    """`bash sample_build.sh` (cmake + make of src/), then `./main` from out/ (sample_run.sh): the printed
    top 5 are the stand-in's softmax on the sample's own preprocessing (host normalisation, or AIPP's)."""
    root, picture, env = prepare(tmp_path, sample, ".", aipp)
    env = opencv_env(env)
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_top5(log, TOP_CPP, channel_means(picture))


@pytest.mark.parametrize("sample,aipp", [(QUICKSTART, None), (AIPP, RGB_AIPP)], ids=["QuickStart", "AIPP"])
def test_python_sample(tmp_path, sample, aipp):
    """The python/ twin: `python3 sample*.py` from src (sample_run.sh), through pyACL."""
    root, picture, env = prepare(tmp_path, sample, "python", aipp)
    cmd = run_command(root)
    assert cmd[0].startswith("python3"), cmd
    log = run([sys.executable, *cmd[1:]], root / "src", env)
    assert "run finish" in log and "failed" not in log, log[-3000:]
    check_top5(log, TOP_PY, channel_means(picture))


def prepare_dvpp(tmp_path: Path, folder: str) -> tuple[Path, Path, dict[str, str]]:
    """sampleResnetDVPP's C++ variant `folder` with its README's picture name (1024 x 683)."""
    root, picture, env = prepare(tmp_path, DVPP, folder, YUV_AIPP)
    picture.unlink()
    picture = root / "data" / "dog1_1024_683.jpg"
    picture.write_bytes(block_jpeg(1024, 683))
    return root, picture, env


def test_cpp_sample_resnet_dvpp(tmp_path):
    """sampleResnetDVPP/src (`bash sample_build.sh`, `./main`): JPEGD, VPC resize to 224 x 224 and the
    YUV420SP AIPP model give the stand-in's top 5 for the picture's AIPP channel means."""
    root, picture, env = prepare_dvpp(tmp_path, ".")
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_top5(log, TOP_CPP, jpeg_channel_means(picture, YUV_AIPP), rel=3e-3)


@pytest.fixture(scope="module")
def thirdpart(tmp_path_factory) -> Path:
    """THIRDPART_PATH with FFmpeg, samples/common and aclliteCPP (huawei_samples.install_acllite)."""
    return install_acllite(tmp_path_factory.mktemp("acllite"))


def acllite_env(thirdpart: Path) -> dict[str, str]:
    return opencv_env({**sdk_env(thirdpart), "ACL_HOST_INFERENCE_PRECISION": "f32"})


def test_cpp_sample_resnet_dvpp_acllite(tmp_path, thirdpart):
    """sampleResnetDVPP/CPPAcllite: the same through aclliteCPP (ReadJpeg, CopyImageToDevice, JpegD,
    Resize, AclLiteModel), built against the library installed under THIRDPART_PATH."""
    root, picture, _ = prepare_dvpp(tmp_path, "CPPAcllite")
    env = acllite_env(thirdpart)
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_top5(log, TOP_CPP, jpeg_channel_means(picture, YUV_AIPP), rel=3e-3)


# ---- sampleYOLOV7: detections drawn on the picture ----

YOLO_OUT = 25200  # boxes of yolov7x's "output" [1, 25200, 85]: x, y, w, h, objectness, 80 class scores
#: The stand-in's boxes: (centre x, centre y, w, h) in model pixels, class, the channel whose mean (AIPP's
#: RGB / 255) is the objectness, and a factor on it. The last box repeats the first's class over most of it
#: with a lower score, so NMS (IoU > 0.45) drops it; the others are kept when their objectness >= 0.25.
YOLO_BOXES = [
    ((160, 170, 200, 180), 0, 0, 1.0),
    ((480, 170, 200, 180), 2, 1, 1.0),
    ((320, 460, 240, 200), 16, 2, 1.0),
    ((170, 180, 200, 180), 0, 0, 0.9),
]
#: Our aipp.cfg for the README's download: JPEGD's YUV420SP 640 x 640 -> RGB, scaled to [0, 1].
YOLO_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 640, "src_image_size_h": 640, "csc_switch": True,
    **JPEG_YUV2RGB, **{f"var_reci_chn_{c}": 1 / 255 for c in range(3)},
}  # fmt: skip
#: The samples' box colours (BGR), the i-th kept box drawn in the (i mod 4)-th.
BOX_COLOURS = [(237, 149, 100), (0, 215, 255), (50, 205, 50), (139, 85, 26)]


def write_yolo_standin(path: Path) -> None:
    """ONNX: `images` [1, 3, 640, 640] -> `output` [1, 25200, 85]; rows 0..3 are YOLO_BOXES (objectness =
    factor x the channel's mean, class score 1), every other row 0."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    n = len(YOLO_BOXES)
    w = np.zeros((3, n * 85), np.float32)
    base = np.zeros((1, n, 85), np.float32)
    for i, (xywh, cls, channel, factor) in enumerate(YOLO_BOXES):
        base[0, i, :4] = xywh
        base[0, i, 5 + cls] = 1.0
        w[channel, i * 85 + 4] = factor
    zero = numpy_helper.from_array(np.zeros(1, np.float32))
    nodes = [
        helper.make_node("GlobalAveragePool", ["images"], ["pool"]),
        helper.make_node("Flatten", ["pool"], ["flat"]),
        helper.make_node("MatMul", ["flat", "W"], ["obj"]),
        helper.make_node("Reshape", ["obj", "shape"], ["obj3"]),
        helper.make_node("Add", ["obj3", "base"], ["head"]),
        helper.make_node("ConstantOfShape", ["rest_shape"], ["rest"], value=zero),
        helper.make_node("Concat", ["head", "rest"], ["output"], axis=1),
    ]
    inits = [
        numpy_helper.from_array(w, "W"),
        numpy_helper.from_array(np.array([1, n, 85], np.int64), "shape"),
        numpy_helper.from_array(base, "base"),
        numpy_helper.from_array(np.array([1, YOLO_OUT - n, 85], np.int64), "rest_shape"),
    ]
    graph = helper.make_graph(
        nodes,
        "yolov7_standin",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 640, 640])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, YOLO_OUT, 85])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def flat_jpeg(path: Path, rgb: tuple[int, int, int], width: int = 1024, height: int = 683) -> None:
    """A JPEG of one colour: its decode, resize and AIPP means are the colour's (to a level)."""
    from dvpp_pictures import jpeg_bytes
    from PIL import Image

    path.write_bytes(jpeg_bytes(Image.new("RGB", (width, height), rgb), quality=92))


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Of two (centre x, centre y, w, h) boxes."""
    w = max(0.0, min(a[0] + a[2] / 2, b[0] + b[2] / 2) - max(a[0] - a[2] / 2, b[0] - b[2] / 2))
    h = max(0.0, min(a[1] + a[3] / 2, b[1] + b[3] / 2) - max(a[1] - a[3] / 2, b[1] - b[3] / 2))
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)


def expected_detections(means: np.ndarray) -> tuple[list[int], list[int]]:
    """(kept, dropped) indices of YOLO_BOXES for these AIPP channel means: objectness >= 0.25, by score,
    NMS per class at IoU 0.45, as YOLOv7's post-processing does."""
    scores = [factor * float(means[channel]) for _, _, channel, factor in YOLO_BOXES]
    order = sorted((i for i, s in enumerate(scores) if s >= 0.25), key=lambda i: -scores[i])
    kept: list[int] = []
    for i in order:
        if all(
            YOLO_BOXES[k][1] != YOLO_BOXES[i][1] or iou(YOLO_BOXES[k][0], YOLO_BOXES[i][0]) <= 0.45
            for k in kept
        ):
            kept.append(i)
    return kept, [i for i in range(len(YOLO_BOXES)) if i not in kept]


def source_box(i: int, width: int, height: int) -> tuple[int, int, int, int]:
    """Box i's corners (left, top, right, bottom) on the source picture, scaled and truncated as the
    sample does."""
    x, y, w, h = YOLO_BOXES[i][0]
    sx, sy, sw, sh = x * width / 640, y * height / 640, w * width / 640, h * height / 640
    return int(sx - sw / 2), int(sy - sh / 2), int(sx + sw / 2), int(sy + sh / 2)


def edge_colours(image: np.ndarray, box: tuple[int, int, int, int]) -> list[np.ndarray]:
    """The BGR colours at the middles of a box's left, right and bottom edges (its top has the label)."""
    left, top, right, bottom = box
    mid_y, mid_x = (top + bottom) // 2, (left + right) // 2
    return [image[mid_y, left].astype(int), image[mid_y, right].astype(int), image[bottom, mid_x].astype(int)]


def check_drawn(out: Path, picture: Path, means: np.ndarray) -> list[int]:
    """The kept boxes are drawn in the samples' colours in score order; the dropped ones are not."""
    drawn = cv2.imread(str(out))
    background = cv2.imread(str(picture)).astype(int)
    assert drawn is not None and drawn.shape == background.shape, out
    kept, dropped = expected_detections(means)
    assert kept and dropped  # the picture exercises both
    h, w = drawn.shape[:2]
    for rank, i in enumerate(kept):
        for colour in edge_colours(drawn, source_box(i, w, h)):
            assert np.abs(colour - BOX_COLOURS[rank % 4]).max() < 40, (i, rank, colour)
    for i in dropped:
        box = source_box(i, w, h)
        for colour, bg in zip(edge_colours(drawn, box), edge_colours(background, box), strict=True):
            assert np.abs(colour - bg).max() < 40, (i, colour, bg)
    return kept


def convert_yolo(model: Path) -> None:
    """The README's step: yolov7x.onnx and aipp.cfg (downloads; our stand-ins) converted to yolov7x.om."""
    write_yolo_standin(model / "yolov7x.onnx")
    write_aipp(model / "aipp.cfg", YOLO_AIPP)
    convert(model, "--model=yolov7x.onnx", "--framework=5", "--output=yolov7x",
            "--input_shape=images:1,3,640,640", "--insert_op_conf=aipp.cfg")  # fmt: skip


def test_cpp_sample_yolov7(tmp_path, thirdpart):
    """sampleYOLOV7 (aclliteCPP + OpenCV): JPEGD, VPC resize to 640 x 640, the AIPP model, then its own
    confidence filter, NMS and drawing into out/out_0.jpg: the boxes the stand-in must give for the
    picture's colour, each in the colour of its rank."""
    env = acllite_env(thirdpart)
    root = extract(tmp_path, YOLOV7) / YOLOV7
    convert_yolo(root / "model")
    picture = root / "data" / "dog1_1024_683.jpg"
    flat_jpeg(picture, (200, 30, 130))
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_drawn(root / "out" / "out_0.jpg", picture, jpeg_channel_means(picture, YOLO_AIPP))


# ---- sampleCarColor: YOLOv7 detections, then a 10-batch colour classifier on each car's crop ----

CAR_COLOURS = ["black", "blue", "brown", "green", "pink", "red", "silver", "white", "yellow"]  # the sample's
#: The colour stand-in's prototype (RGB in [0, 1]) of each class: the class nearest to a crop's mean wins.
PROTOTYPES = np.array([(0, 0, 0), (0, 0, 1), (0.6, 0.3, 0.1), (0, 0.7, 0), (1, 0.6, 0.8), (1, 0, 0),
                       (0.75, 0.75, 0.75), (1, 1, 1), (1, 1, 0)], np.float32)  # fmt: skip
#: Our aipp_color.cfg: the 224 x 224 YUV420SP crops -> RGB / 255.
COLOR_AIPP = {**YOLO_AIPP, "src_image_size_w": 224, "src_image_size_h": 224}


def write_color_standin(path: Path) -> None:
    """TensorFlow frozen graph for the README's color.pb: `input_1` [10, 224, 224, 3] (NHWC) -> Mean over
    H, W -> 2 m.p - |p|^2 per prototype p (the nearest prototype scores highest) -> [10, 9]."""
    g = tf_graph()
    tf_node(g, "input_1", "Placeholder", dtype="float", shape=[10, 224, 224, 3])
    tf_node(g, "axes", "Const", dtype="int32", value=np.array([1, 2], np.int32))
    tf_node(g, "mean", "Mean", ["input_1", "axes"], T="float", Tidx="int32", keep_dims=False)
    tf_node(g, "w", "Const", dtype="float", value=2 * PROTOTYPES.T)
    tf_node(g, "fc", "MatMul", ["mean", "w"], T="float", transpose_a=False, transpose_b=False)
    tf_node(g, "b", "Const", dtype="float", value=-(PROTOTYPES**2).sum(axis=1))
    tf_node(g, "output", "BiasAdd", ["fc", "b"], T="float")
    path.write_bytes(g.SerializeToString())


def label_error(image: np.ndarray, reference: np.ndarray, at: tuple[int, int], text: str) -> float:
    """How far the label area at `at` of `image` is from `reference` with `text` drawn there as the sample
    draws it and written as a JPEG as the sample writes it (cv::imwrite's quality 95)."""
    ref = reference.copy()
    cv2.putText(ref, text, at, cv2.FONT_HERSHEY_COMPLEX, 0.5, (0, 0, 255))
    ref = cv2.imdecode(cv2.imencode(".jpg", ref, [cv2.IMWRITE_JPEG_QUALITY, 95])[1], cv2.IMREAD_COLOR)
    x, y = at
    area = (slice(max(y - 14, 0), y + 6), slice(max(x - 2, 0), x + 110))
    return float(np.abs(image[area].astype(int) - ref[area].astype(int)).mean())


def test_cpp_sample_car_color(tmp_path, thirdpart):
    """sampleCarColor (aclliteCPP + OpenCV): JPEGD, CropPaste to 640 x 640, the YOLOv7 stand-in, NMS, then
    VPC Crop + Resize of each car to 224 x 224 and the 10-batch colour model (TensorFlow, NHWC, AIPP): the
    printed boxes and scores are the stand-in's, and the colour name drawn under each box is the one
    whose rendering matches out/out_car.jpg best: the nearest prototype to the car's colour."""
    env = acllite_env(thirdpart)
    root = extract(tmp_path, CAR_COLOR) / CAR_COLOR
    model = root / "model"
    convert_yolo(model)
    write_color_standin(model / "color.pb")
    write_aipp(model / "aipp_color.cfg", COLOR_AIPP)
    convert(model, "--input_shape=input_1:10,224,224,3", "--output=./color_dvpp_10batch", "--framework=3",
            "--model=./color.pb", "--insert_op_conf=./aipp_color.cfg")  # fmt: skip
    # Magenta, a red car where box 0 is and a blue one at box 2: boxes 0 and 2 are kept (module notes).
    from dvpp_pictures import jpeg_bytes
    from PIL import Image

    w, h = 1024, 683
    rgb = np.empty((h, w, 3), np.uint8)
    rgb[:] = (200, 30, 130)
    for i, colour in ((0, (230, 20, 20)), (2, (20, 20, 220))):
        left, top, right, bottom = source_box(i, w, h)
        rgb[top:bottom, left:right] = colour
    picture = root / "data" / "car.jpg"
    picture.write_bytes(jpeg_bytes(Image.fromarray(rgb), quality=92))
    build_with_script(root, env)
    # Its sample_run.sh runs ./main from ../out (relative to scripts/) and reports how it ended.
    log = run(["bash", "sample_run.sh"], root / "scripts", env)
    assert "[ERROR]" not in log and "runs successfully" in log, log[-3000:]

    means = jpeg_channel_means(picture, YOLO_AIPP)
    kept, _ = expected_detections(means)
    printed = re.findall(r"(-?\d+) (-?\d+) (-?\d+) (-?\d+)  (car([\d.]+)%)", log)
    assert [tuple(int(v) for v in p[:4]) for p in printed] == [source_box(i, w, h) for i in kept], log[-3000:]
    for (*_, _, score), i in zip(printed, kept, strict=True):
        _, _, channel, factor = YOLO_BOXES[i]
        assert float(score) == pytest.approx(factor * means[channel], abs=0.01)

    decoded = np.asarray(Image.open(picture).convert("RGB"), np.float32) / 255
    out = cv2.imread(str(root / "out" / "out_car.jpg"))
    reference = cv2.imread(str(picture))
    for rank, (found, i) in enumerate(zip(printed, kept, strict=True)):
        left, top, right, bottom = source_box(i, w, h)
        cv2.rectangle(reference, (left, top), (right, bottom), BOX_COLOURS[rank % 4], 2)
        cv2.putText(reference, found[4], (left - 11, top - 11), cv2.FONT_HERSHEY_COMPLEX, 0.5, (0, 0, 255))
    for i in kept:
        left, top, right, bottom = source_box(i, w, h)
        crop = decoded[top:bottom, left:right].reshape(-1, 3).mean(axis=0)
        expected = CAR_COLOURS[int(np.argmin(((PROTOTYPES - crop) ** 2).sum(axis=1)))]
        errors = {name: label_error(out, reference, (left, top + 11), name) for name in CAR_COLOURS}
        others = min(v for name, v in errors.items() if name != expected)
        assert errors[expected] < others / 2, (i, expected, errors)
