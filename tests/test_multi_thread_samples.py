"""Huawei's multi-thread inference samples (Ascend/samples, cplusplus/level2_simple_inference/
n_performance/1_multi_process_thread), built unmodified with their own build scripts against acl-async's
SDK and aclliteCPP, and run on the CPU:

- ``YOLOV3_coco_detection_4_thread``: four OpenCV readers, one inference loop, four postprocess threads
  on one context; ``YOLOV3_coco_detection_multi_thread_VENC``: the same with two videos written back by
  OpenCV's VideoWriter; ``yolov3_coco_detection_multi_thread``: AclLiteApp threads, FFmpeg + VDEC per
  channel, VPC resize, NV12 AIPP;
- ``deeplabv3_multi_thread_one_device`` and ``deeplabv3_multi_thread_multi_device`` (two host devices,
  ACL_HOST_DEVICE_COUNT=2): JPEGD, VPC resize, a segmentation model, masks drawn with OpenCV.

The samples link ProtoBuf and the Presenter Agent without calling them (``add_link_only_libraries``);
``deeplabv3_multi_thread_multi_device_presenter`` is left out: it calls the Presenter Agent (ProtoBuf
built into THIRDPART_PATH, a Presenter Server); ``animeGAN_multi_device_one_video`` is not tested. The
models cannot be downloaded here: stand-ins are converted with the README's atc command (and an AIPP
config of the same input format); deeplabv3's README converts a MindSpore .air, which has no open
reader, so its stand-in is Caffe. Videos are MP4s written with PyAV, pictures JPEGs written with
Pillow; outputs are checked against a numpy/Pillow reference of FFmpeg's or Pillow's decode. The tests
skip without a clone of Ascend/samples.
"""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
av = pytest.importorskip("av")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_pictures import jpeg_bytes  # noqa: E402
from huawei_samples import (  # noqa: E402
    NEEDS_BUILD_TOOLS,
    add_link_only_libraries,
    build_with_script,
    extract,
    install_acllite,
    opencv_env,
    run,
    sdk_env,
    write_aipp_nv12,
    write_yolov3_standin,
)
from test_level2_samples import (  # noqa: E402
    AIPP_BGR,
    assert_same_boxes,
    detection_picture,
    write_detection_clip,
    yolov3_reference,
)

MT = "cplusplus/level2_simple_inference/n_performance/1_multi_process_thread"

pytestmark = NEEDS_BUILD_TOOLS


@pytest.fixture(scope="module")
def acllite_env(tmp_path_factory) -> dict[str, str]:
    """THIRDPART_PATH with FFmpeg, samples/common and aclliteCPP installed (the samples' install guide)."""
    thirdpart = install_acllite(tmp_path_factory.mktemp("acllite"))
    # The samples link ProtoBuf, ascend_hal and the Presenter Agent, never calling them.
    add_link_only_libraries(thirdpart, presenter_agent=True)
    return opencv_env(sdk_env(thirdpart))


def sample(tmp_path: Path, name: str) -> Path:
    return extract(tmp_path, f"{MT}/{name}") / MT / name


def atc(cwd: Path, env: dict[str, str], *args: str) -> None:
    """`atc ...` as the README writes it, run as `python -m acl_async atc`."""
    run([sys.executable, "-m", "acl_async", "atc", *args], cwd, env)


def yolov3_bgr_model(model: Path, env: dict[str, str]) -> None:
    """The README's `atc ... --insert_op_conf=aipp_bgr.cfg` on the YOLOv3 stand-in."""
    write_yolov3_standin(model)
    (model / "aipp_bgr.cfg").write_text(AIPP_BGR)
    atc(model, env, "--model=yolov3.prototxt", "--weight=yolov3.caffemodel", "--framework=0",
        "--output=yolov3", "--soc_version=Ascend310", "--insert_op_conf=aipp_bgr.cfg")  # fmt: skip


def clip_frames(index: int, width: int, height: int, count: int) -> list[np.ndarray]:
    """Clip `index`'s frames: a red rectangle moving along row index + 1 over columns 2 to 7 (its box
    inside the picture), a blue one fixed at (9, index + 6)."""
    return [
        detection_picture(
            width, height, {(i % 6 + 2, index + 1): (230, 20, 20), (9, index + 6): (20, 20, 230)}
        )
        for i in range(count)
    ]


def decoded(clip: Path) -> list[np.ndarray]:
    with av.open(str(clip)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_yolov3_4_thread_sample(acllite_env, tmp_path):
    """YOLOV3_coco_detection_4_thread: README's atc command (aipp_bgr.cfg), sample_build.sh, sample_run.sh
    on four different 6-frame 640x480 MP4s. Each postprocess thread prints its video's boxes; the printed
    boxes (scores of 90 % and more) are the reference's of every frame of every clip: red is class 0,
    blue class 1 (aipp_bgr.cfg swaps OpenCV's BGR to the model's RGB)."""
    env = acllite_env
    root = sample(tmp_path, "YOLOV3_coco_detection_4_thread")
    yolov3_bgr_model(root / "model", env)
    clips = [root / "data" / f"video{i + 1}.mp4" for i in range(4)]
    for i, clip in enumerate(clips):
        write_detection_clip(clip, clip_frames(i, 640, 480, 6))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=300)
    assert "Execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    want = [box for clip in clips for rgb in decoded(clip) for box in yolov3_reference(rgb, 640, 480)]
    assert len(want) == 48
    assert_printed_boxes(log, want)


def assert_printed_boxes(log: str, want: list[tuple[int, ...]]) -> None:
    """The sample's `ltX     ltY` / `rbX     rbY` / `label<score>%` lines (label person: class 0, bicycle:
    class 1) are the boxes `want`. A postprocess thread prints a frame's three lines in microseconds and the
    next frame comes from the model milliseconds later, yet four threads share stdout and may interleave
    lines (or, rarely, tokens of a line): every line that parses is one of `want`'s (a corner within a
    pixel, a label with its score within 1 %), at least 3/4 of `want`'s corners and labels parse, and at
    least half of the boxes come out as three consecutive lines, label included."""
    corners = [(int(x), int(y)) for x, y in re.findall(r"^(\d+) {5}(\d+)$", log, re.M)]
    expected = [c for x1, y1, x2, y2, *_ in want for c in ((x1, y1), (x2, y2))]
    assert 4 * len(corners) >= 3 * len(expected), (len(corners), len(expected))
    for corner in corners:
        near = [c for c in expected if max(abs(c[0] - corner[0]), abs(c[1] - corner[1])) <= 1]
        assert near, (corner, sorted(expected))
        expected.remove(near[0])
    labels = [
        (("person", "bicycle").index(k), int(v))
        for k, v in re.findall(r"^(person|bicycle)(\d+)%$", log, re.M)
    ]
    scores = [(k, s) for *_, k, s in want]
    assert 4 * len(labels) >= 3 * len(scores), (len(labels), len(scores))
    for k, v in labels:
        near = [e for e in scores if e[0] == k and abs(e[1] - v) <= 1]
        assert near, ((k, v), sorted(scores))
        scores.remove(near[0])
    triples = re.findall(r"^(\d+) {5}(\d+)\n(\d+) {5}(\d+)\n(person|bicycle)(\d+)%$", log, re.M)
    assert 2 * len(triples) >= len(want), (len(triples), len(want))
    for *box, k, v in triples:
        assert any(
            max(abs(int(a) - b) for a, b in zip(box, w[:4], strict=True)) <= 1
            and w[4] == ("person", "bicycle").index(k)
            and abs(w[5] - int(v)) <= 1
            for w in want
        ), (box, k, v, want)


def test_yolov3_multi_thread_venc_sample(acllite_env, tmp_path):
    """YOLOV3_coco_detection_multi_thread_VENC: README's atc command (aipp_bgr.cfg), sample_build.sh,
    sample_run.sh on two different 6-frame 640x480 MP4s (two OpenCV readers, one inference loop, two
    postprocess threads writing OpenCV MPEG-4 videos). output/test1.mp4 and test2.mp4 hold each clip's 6
    frames, close to FFmpeg's decode of the input, with each box the reference finds drawn at its left
    edge (scores of 90 % and more)."""
    env = acllite_env
    root = sample(tmp_path, "YOLOV3_coco_detection_multi_thread_VENC")
    yolov3_bgr_model(root / "model", env)
    clips = [root / "data" / f"video{i + 1}.mp4" for i in range(2)]
    for i, clip in enumerate(clips):
        write_detection_clip(clip, clip_frames(2 * i, 640, 480, 6))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=300)
    assert "Execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    for i, clip in enumerate(clips):
        frames = decoded(clip)
        drawn = [f.astype(np.int64) for f in decoded(root / "out" / "output" / f"test{i + 1}.mp4")]
        assert len(drawn) == len(frames) == 6 and drawn[0].shape == (480, 640, 3)
        for rgb, out in zip(frames, drawn, strict=True):
            diff = np.abs(out - rgb).max(axis=-1)
            boxes = yolov3_reference(rgb, 640, 480)
            assert len(boxes) == 2
            for x1, y1, _x2, y2, *_ in boxes:  # the rectangle's left edge is drawn over the picture
                assert diff[y1 + 5 : y2 - 5, x1].mean() > 60, (i, x1, y1)
            assert np.percentile(diff, 80) < 20  # elsewhere the frame itself


def test_yolov3_multi_thread_sample(acllite_env, tmp_path):
    """yolov3_coco_detection_multi_thread (aclliteCPP's AclLiteApp threads: four preprocess threads, each
    an AclLiteVideoProc (FFmpeg demux + VDEC) and a VPC resize, one inference thread, four postprocess
    threads): README's atc command with aipp_yuv.cfg (NV12 416x416), sample_build.sh, sample_run.sh on the
    four 14-frame 640x480 MP4s its .conf names. Each channel logs its boxes (scores of 90 % and more) of
    frames 7 and 14 (the sample infers every 7th frame): the reference's of FFmpeg's decode of those frames
    of its clip."""
    env = acllite_env
    root = sample(tmp_path, "yolov3_coco_detection_multi_thread")
    model = root / "model"
    write_yolov3_standin(model)
    write_aipp_nv12(model / "aipp_yuv.cfg", 416, 416)
    atc(model, env, "--model=yolov3.prototxt", "--weight=yolov3.caffemodel", "--framework=0",
        "--output=yolov3", "--soc_version=Ascend310", "--insert_op_conf=aipp_yuv.cfg")  # fmt: skip
    clips = [root / "data" / f"person{i}.mp4" for i in range(4)]
    for i, clip in enumerate(clips):
        write_detection_clip(clip, clip_frames(i, 640, 480, 14))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=300)
    # At the end of its clip each channel logs "read frame failed, error 0" (the sample's own message for
    # AclLiteVideoProc's "No frame to read anymore"); nothing else is an error, and the app exits.
    errors = [line for line in log.splitlines() if "[ERROR]" in line]
    assert sorted(errors) == [f"[ERROR]  Channel {i}: read frame failed, error 0" for i in range(4)], errors
    assert "Receive exit message, exit now" in log
    printed = re.findall(
        r"^\[INFO\]  channel(\d):(\d+) (\d+) (\d+) (\d+)  (person|bicycle)(\d+)%$", log, re.M
    )
    for channel, clip in enumerate(clips):
        got = [(*map(int, box[1:5]), ("person", "bicycle").index(box[5]), int(box[6]))
               for box in printed if int(box[0]) == channel]  # fmt: skip
        frames = decoded(clip)
        assert len(frames) == 14
        # The preprocess thread sends every 7th frame it reads to the model.
        want = [box for rgb in frames[6::7] for box in yolov3_reference(rgb, 640, 480)]
        assert len(want) == 4
        assert_same_boxes(got, want)


def write_deeplab_standin(folder: Path, size: int = 513) -> None:
    """deeplab_quant's stand-in as Caffe files (the README's deeplabv3_quant.air is MindSpore's AIR, which
    has no open reader): data 1x3xSxS into a 1x1 convolution and a sigmoid, output 1x21xSxS. Class 1 is
    sigmoid(20 (R - B) - 5) (red), class 2 sigmoid(20 (B - R) - 5) (blue), every other class sigmoid(-10)."""
    from atc_models import write_caffe

    w = np.zeros((21, 3, 1, 1), np.float32)
    bias = np.full(21, -10.0, np.float32)
    w[1, 0, 0, 0], w[1, 2, 0, 0], bias[1] = 20.0, -20.0, -5.0
    w[2, 0, 0, 0], w[2, 2, 0, 0], bias[2] = -20.0, 20.0, -5.0
    layers = [
        {"name": "classes", "type": "Convolution", "bottom": "data", "top": "classes",
         "convolution_param": {"num_output": 21, "kernel_size": 1}},
        {"name": "prob", "type": "Sigmoid", "bottom": "classes", "top": "prob"},
    ]  # fmt: skip
    write_caffe(folder, "deeplabv3", {"data": (1, 3, size, size)}, layers, {"classes": [w, bias]})


#: The sample's overlay colours (B, G, R) of classes 1 (red) and 2 (blue): kColors_1/2/3[i].
DEEPLAB_COLOURS = {1: (150, 235, 50), 2: (87, 187, 287)}


def segmentation_picture(
    width: int, height: int, seed: int
) -> tuple[np.ndarray, dict[int, tuple[slice, slice]]]:
    """A grey picture with a red (class 1) and a blue (class 2) rectangle; the rectangles' slices."""
    rng = np.random.default_rng(seed)
    rgb = np.full((height, width, 3), 40, np.uint8)
    areas = {}
    for k, colour in ((1, (230, 20, 20)), (2, (20, 20, 230))):
        x = int(rng.integers(0, width // 2 - width // 5)) + (k - 1) * width // 2
        y = int(rng.integers(0, height // 2))
        areas[k] = slice(y, y + height // 3), slice(x, x + width // 4)
        rgb[areas[k]] = colour
    return rgb, areas


def deeplab_sample(tmp_path: Path, name: str, env: dict[str, str]) -> tuple[Path, dict[str, dict]]:
    """The deeplabv3 sample `name` with its model (README's atc command on the stand-in) and six JPEGs in
    data/ and data.tar.gz (what its build script would download); the rectangles of each picture."""
    root = sample(tmp_path, name)
    model = root / "model"
    write_deeplab_standin(model)
    write_aipp_nv12(model / "aipp.cfg", 528, 514, crop=(513, 513))
    atc(model, env, "--output=./deeplab_quant", "--soc_version=Ascend310", "--framework=0",
        "--model=./deeplabv3.prototxt", "--weight=./deeplabv3.caffemodel",
        "--insert_op_conf=./aipp.cfg")  # fmt: skip
    sizes = [(640, 480), (800, 600), (512, 384), (1024, 576), (480, 360), (720, 480)]
    areas = {}
    for i, (w, h) in enumerate(sizes):
        rgb, areas[f"pic{i}.jpg"] = segmentation_picture(w, h, seed=i)
        (root / "data" / f"pic{i}.jpg").write_bytes(jpeg_bytes(PIL.fromarray(rgb), quality=95))
    with tarfile.open(root / "data.tar.gz", "w:gz") as tar:  # what the build script would download
        tar.add(root / "data", "data")
    return root, areas


def assert_deeplab_outputs(root: Path, areas: dict[str, dict], size: tuple[int, int] | None = None) -> None:
    """Each out/out_<name>.jpg is the picture (resized to `size` (w, h) if given) with the sample's overlay
    colour added where the stand-in's class 1 (red) or 2 (blue) passes 0.5 (inside each rectangle) and the
    picture itself elsewhere (JPEG noise)."""
    assert sorted(p.name for p in (root / "out").glob("out_*.jpg")) == sorted(f"out_{n}" for n in areas)
    for name, rects in areas.items():
        original = PIL.open(root / "data" / name).convert("RGB")
        if size is not None:
            fx, fy = size[0] / original.width, size[1] / original.height
            rects = {
                k: (
                    slice(round(r.start * fy), round(r.stop * fy)),
                    slice(round(c.start * fx), round(c.stop * fx)),
                )
                for k, (r, c) in rects.items()
            }
            original = original.resize(size, PIL.BILINEAR)
        picture = np.asarray(original, np.int64)
        out = np.asarray(PIL.open(root / "out" / f"out_{name}").convert("RGB"), np.int64)
        assert out.shape == picture.shape
        want = picture.copy()
        for k, (rows, cols) in rects.items():
            want[rows, cols] = np.minimum(want[rows, cols] + np.array(DEEPLAB_COLOURS[k][::-1]), 255)
        inner = np.zeros(picture.shape[:2], bool)
        for rows, cols in rects.values():  # the mask's edges are resized from 513x513: left out
            inner[rows.start + 6 : rows.stop - 6, cols.start + 6 : cols.stop - 6] = True
        edge = np.zeros_like(inner)
        for rows, cols in rects.values():
            edge[max(rows.start - 6, 0) : rows.stop + 6, max(cols.start - 6, 0) : cols.stop + 6] = True
        diff = np.abs(out - want).max(axis=-1)
        assert np.percentile(diff[inner], 95) <= 12, name
        assert np.percentile(diff[~edge], 95) <= 12, name


def test_deeplabv3_multi_thread_one_device_sample(acllite_env, tmp_path):
    """deeplabv3_multi_thread_one_device (AclLiteApp: a preprocess thread (JPEGD, VPC resize to 513x513),
    one inference thread, three postprocess threads): the README's atc command on a Caffe stand-in (its
    MindSpore .air has no open reader: --framework=0 instead of 1) with an aipp.cfg for the resize output
    (NV12 528x514 cropped to 513x513), sample_build.sh, sample_run.sh on six JPEGs of data.tar.gz. Each
    out/out_<name>.jpg is the picture with the sample's overlay colour added where the stand-in's class 1
    (red) or 2 (blue) passes 0.5 (inside each rectangle) and the picture itself elsewhere (JPEG noise)."""
    root, areas = deeplab_sample(tmp_path, "deeplabv3_multi_thread_one_device", acllite_env)
    build_with_script(root, acllite_env)
    log = run(["bash", "sample_run.sh"], root / "scripts", acllite_env, timeout=300)
    assert "[ERROR]" not in log, log[-3000:]
    assert_deeplab_outputs(root, areas)


def test_deeplabv3_multi_thread_multi_device_sample(acllite_env, tmp_path):
    """deeplabv3_multi_thread_multi_device on two devices (ACL_HOST_DEVICE_COUNT=2; device_num=2 in its
    deeplab_multi_thread.conf): one preprocess thread, and per device a context (aclrtSetDevice,
    aclrtCreateContext), an inference thread and three postprocess threads. Same stand-in, pictures and
    checks as the one-device sample, its outputs resized to the .conf's 1280x720; the two inference threads
    run on two different contexts."""
    env = dict(acllite_env, ACL_HOST_DEVICE_COUNT="2")
    root, areas = deeplab_sample(tmp_path, "deeplabv3_multi_thread_multi_device", env)
    conf = root / "scripts" / "deeplab_multi_thread.conf"
    conf.write_text(conf.read_text().replace("device_num=1", "device_num=2"))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=300)
    assert "[ERROR]" not in log, log[-3000:]
    contexts = re.findall(r"Inference context is ：(\S+)", log)
    assert len(contexts) == 2 and contexts[0] != contexts[1], contexts
    assert_deeplab_outputs(root, areas, size=(1280, 720))  # its output_width/height in the .conf
