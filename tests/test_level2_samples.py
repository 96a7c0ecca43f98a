"""Huawei's level-2 inference samples (Ascend/samples, cplusplus/level2_simple_inference), built unmodified
with their own build scripts or README CMake steps against acl-async's SDK and run on the CPU:

- ``0_data_process/venc_image``: one NV12 picture encoded 16 times to H.265 (FFmpeg decodes it back);
  ``0_data_process/ffmpegdecode``: FFmpeg demux of an MP4 into DVPP memory (aclliteCPP);
- ``1_classification/resnet50_firstapp``: its ``sample_build.sh`` (transferPic.py, CMake) and
  ``sample_run.sh``; ``1_classification/googlenet_imagenet_picture``: aclliteCPP and OpenCV, a model with
  RGB888 AIPP;
- ``2_object_detection``: ``YOLOV3_coco_detection_picture_DVPP_with_AIPP`` (JPEGD, VPC resize, NV12
  AIPP, Huawei's YoloV3DetectionOutput), ``YOLOV3_coco_detection_video_DVPP_with_AIPP`` (aclliteCPP's
  FFmpeg + VDEC reader), ``YOLOV3_coco_detection_VENC`` (OpenCV's reader, BGR AIPP, VENC H.264) and
  ``VGG_SSD_coco_detection_DVPP_with_AIPP`` (JPEGD, crop-and-paste, atc's SSDDetectionOutput).

``1_classification/googlenet_imagenet_video`` is left out: it needs the Presenter Agent (ProtoBuf built
into THIRDPART_PATH) and a running Presenter Server. Videos are MP4s written with PyAV.

The models cannot be downloaded here: stand-ins with the real models' inputs and outputs are written as
Caffe files (tests/huawei_samples.py) and converted by ``acl-async atc`` with the README's command; where
the README downloads an AIPP config, one with the same input format and size is written. Outputs are
checked against a numpy/Pillow/PyAV reference of the same input. OpenCV is Debian's 4.6 (the samples'
guide asks for 3.x): its headers are found through CPLUS_INCLUDE_PATH and OpenCV 3's imread flags are
force-included (``huawei_samples.opencv_env``). Huawei's files are read from a clone named by
$ACL_ASYNC_SAMPLES_REPO (or this project's reference mirror); the tests skip without one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
av = pytest.importorskip("av")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_pictures import jpeg_bytes, scene  # noqa: E402
from huawei_samples import (  # noqa: E402
    NEEDS_BUILD_TOOLS,
    YOLOV3_ANCHORS,
    add_link_only_libraries,
    build_with_cmake,
    build_with_script,
    extract,
    install_acllite,
    install_ffmpeg,
    nv12_picture,
    opencv_env,
    run,
    run_command,
    samples_env,
    sdk_env,
    ssd_logits,
    write_aipp_nv12,
    write_resnet50_standin,
    write_ssd_standin,
    write_yolov3_standin,
    yolov3_logits,
)

L2 = "cplusplus/level2_simple_inference"

pytestmark = NEEDS_BUILD_TOOLS


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """The SDK's variables; THIRDPART_PATH with samples/common and FFmpeg (the samples' install guide)."""
    env = samples_env(tmp_path_factory.mktemp("thirdpart"))
    install_ffmpeg(Path(env["THIRDPART_PATH"]))
    return opencv_env(env)


@pytest.fixture(scope="module")
def acllite_env(tmp_path_factory) -> dict[str, str]:
    """THIRDPART_PATH with FFmpeg, samples/common and aclliteCPP installed (the samples' install guide)."""
    return opencv_env(sdk_env(install_acllite(tmp_path_factory.mktemp("acllite"))))


def sample(tmp_path: Path, name: str) -> Path:
    return extract(tmp_path, f"{L2}/{name}") / L2 / name


def atc(cwd: Path, env: dict[str, str], *args: str) -> None:
    """`atc ...` as the README writes it, run as `python -m acl_async atc`."""
    run([sys.executable, "-m", "acl_async", "atc", *args], cwd, env)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def test_venc_image_sample(env, tmp_path):
    """venc_image (README: cmake ../../../src, make, ./main from out/): a 128x128 NV12 picture encoded 16
    times as H.265; FFmpeg decodes 16 pictures from output/dvpp_venc_128x128.h265, each within 35 dB."""
    root = sample(tmp_path, "0_data_process/venc_image")
    y, uv = nv12_picture(128, 128, seed=3)
    (root / "data" / "dvpp_venc_128x128_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_cmake(root, env)
    log = run(["./main"], root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    with av.open(str(root / "out" / "output" / "dvpp_venc_128x128.h265"), format="hevc") as c:
        frames = [f.to_ndarray(format="nv12") for f in c.decode(video=0)]
    assert len(frames) == 16
    for f in frames:
        assert f.shape == (192, 128)
        assert psnr(f[:128], y) > 35 and psnr(f[128:], uv) > 35


def tinted(width: int, height: int, seed: int, rgb: tuple[int, int, int]) -> PIL.Image:
    """`scene` pulled towards one colour: channel means far apart, so a class's channel is clear."""
    a = np.asarray(scene(width, height, seed=seed), np.float64)
    return PIL.fromarray((0.3 * a + 0.7 * np.array(rgb)).astype(np.uint8))


def test_resnet50_firstapp_sample(env, tmp_path):
    """resnet50_firstapp as its README says: the model converted by `atc --framework=0`, APP_SOURCE_PATH
    set, sample_build.sh (transferPic.py writes data/dog1_1024_683.bin, CMake), sample_run.sh. The picture
    is red: the five printed scores are the stand-in's five best of that .bin (fp32 NCHW, BGR), all of
    the R channel (index % 3 == 2), within 1.5 % (the CPU's bf16 inference, as the NPU's fp16)."""
    root = sample(tmp_path, "1_classification/resnet50_firstapp")
    w = write_resnet50_standin(root / "model")
    atc(root, env, "--model=model/resnet50.prototxt", "--weight=model/resnet50.caffemodel", "--framework=0",
        "--output=model/resnet50", "--soc_version=Ascend310")  # fmt: skip
    (root / "data" / "dog1_1024_683.jpg").write_bytes(jpeg_bytes(tinted(1024, 683, 3, (230, 120, 60))))
    app_env = {**env, "APP_SOURCE_PATH": str(root)}
    run(["bash", "sample_build.sh"], root, app_env)
    log = run(["bash", "sample_run.sh"], root, app_env)
    picture = np.fromfile(root / "data" / "dog1_1024_683.bin", np.float32).reshape(3, 224, 224)
    scores = w.astype(np.float64) @ picture.mean(axis=(1, 2), dtype=np.float64)
    printed = [(int(i), float(v)) for i, v in re.findall(r"top \d: index\[(\d+)\] value\[([-\d.]+)\]", log)]
    # The sample keys a std::map by score: equal floats (the model's rounding) keep the last index.
    assert len(printed) == 5 and all(i % 3 == 2 for i, _ in printed), log[-2000:]
    np.testing.assert_allclose([v for _, v in printed], np.sort(scores)[::-1][:5], rtol=1.5e-2)
    for index, value in printed:
        assert value == pytest.approx(scores[index], rel=1.5e-2), (index, log[-2000:])


GOOGLENET_AIPP = """aipp_op {
    aipp_mode : static
    input_format : RGB888_U8
    src_image_size_w : 224
    src_image_size_h : 224
    csc_switch : false
    rbuv_swap_switch : false
    mean_chn_0 : 104
    mean_chn_1 : 117
    mean_chn_2 : 123
}
"""


def test_googlenet_imagenet_picture_sample(acllite_env, tmp_path):
    """googlenet_imagenet_picture (aclliteCPP, OpenCV): its README's atc command (insert_op.cfg: RGB888
    AIPP with Caffe's BGR means), sample_build.sh, `./main ../data` (sample_run.sh's command). OpenCV reads
    the JPEG as BGR and resizes it to 224x224; the picture is blue: the five best are of the B channel
    and within 1.5 % of the stand-in applied to Pillow's decode (the CPU's bf16 inference); the labelled
    picture is written to out/output."""
    env = acllite_env
    root = sample(tmp_path, "1_classification/googlenet_imagenet_picture")
    model = root / "model"
    w = write_resnet50_standin(model)
    for ext in ("prototxt", "caffemodel"):
        (model / f"resnet50.{ext}").rename(model / f"googlenet.{ext}")
    (model / "insert_op.cfg").write_text(GOOGLENET_AIPP)
    atc(model, env, "--model=./googlenet.prototxt", "--weight=./googlenet.caffemodel", "--framework=0",
        "--output=googlenet", "--soc_version=Ascend310", "--insert_op_conf=./insert_op.cfg",
        "--input_shape=data:1,3,224,224", "--input_format=NCHW")  # fmt: skip
    build_with_script(root, env)  # its wget of rabit.jpg fails offline: the picture is written after
    (root / "data" / "rabit.jpg").write_bytes(jpeg_bytes(tinted(800, 600, 4, (60, 110, 230)), quality=95))
    log = run(run_command(root), root / "out", env)
    assert "Execute sample finish" in log and "[ERROR]" not in log, log[-3000:]
    bgr = np.asarray(PIL.open(root / "data" / "rabit.jpg").convert("RGB"), np.float64)[..., ::-1]
    means = bgr.mean(axis=(0, 1)) - (104, 117, 123)
    scores = w.astype(np.float64) @ means
    printed = [(int(i), float(v)) for i, v in re.findall(r"top \d: index\[(\d+)\] value\[([-\d.]+)\]", log)]
    # The picture is blue: B (channel 0 after OpenCV's BGR) holds the five best; equal floats (the
    # model's rounding) keep the last index in the sample's std::map.
    assert len(printed) == 5 and all(i % 3 == 0 for i, _ in printed), log[-2000:]
    np.testing.assert_allclose([v for _, v in printed], np.sort(scores)[::-1][:5], rtol=1.5e-2)
    for index, value in printed:
        assert value / w[index, 0] == pytest.approx(means[0], rel=1.5e-2), (index, log[-2000:])
    out = PIL.open(root / "out" / "output" / "out_rabit.jpg")
    assert out.size == (800, 600)


def yolov3_reference(rgb: np.ndarray, width: int, height: int, size: int = 416) -> list[tuple[int, ...]]:
    """The detections the stand-in makes of an RGB picture resized to size x size: cells of the 13x13 head
    whose objectness and class score pass 0.5, boxes of anchor 0 centred in the cell, in the picture's
    pixels as the sample prints them (x1, y1, x2, y2, class, score %)."""
    small = np.asarray(PIL.fromarray(rgb).resize((size, size), PIL.BILINEAR), np.float64) / 255
    cells = small.reshape(13, size // 13, 13, size // 13, 3).mean(axis=(1, 3))
    obj, cls = yolov3_logits(cells)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    found = []
    for r, c in zip(*np.nonzero(sig(obj) > 0.5), strict=True):
        k = int(np.argmax(cls[r, c]))
        score = sig(obj[r, c]) * sig(cls[r, c, k])
        if score <= 0.5:
            continue
        aw, ah = YOLOV3_ANCHORS["low"][:2]
        cx, cy = (c + 0.5) * size / 13, (r + 0.5) * size / 13
        box = [(cx - aw / 2) * width / size, (cy - ah / 2) * height / size,
               (cx + aw / 2) * width / size, (cy + ah / 2) * height / size]  # fmt: skip
        found.append((*[int(v) for v in box], k, int(score * 100)))
    return sorted(found)


def detection_picture(
    width: int, height: int, cells: dict[tuple[int, int], tuple[int, int, int]]
) -> np.ndarray:
    """A dark picture with a coloured rectangle over each (column, row) cell of a 13x13 grid."""
    rgb = np.full((height, width, 3), 40, np.uint8)
    for (c, r), colour in cells.items():
        rgb[
            round(r * height / 13) : round((r + 1) * height / 13),
            round(c * width / 13) : round((c + 1) * width / 13),
        ] = colour
    return rgb


def test_yolov3_picture_dvpp_with_aipp_sample(env, tmp_path):
    """YOLOV3_coco_detection_picture_DVPP_with_AIPP: its README's atc command with aipp_nv12.cfg (NV12 ->
    RGB / 255), sample_build.sh, `./main ../data`: JPEGD, VPC resize to 416x416, the model with img_info.
    A red and a blue rectangle, each over one cell of the 13x13 head, give one box each. The sample
    describes JPEGD's NV12 output as YVU_SEMIPLANAR_420 (NV21) to the resize, whose NV12 output therefore
    has U and V swapped, as VPC converts NV21 input to NV12 output: the model sees red as blue, and the
    reference swaps them too. Printed boxes: within a pixel; scores within 1 %; boxes drawn into
    out/output/out_dog1_1024_683.jpg."""
    name = "2_object_detection/YOLOV3_coco_detection_picture_DVPP_with_AIPP"
    root = sample(tmp_path, name)
    write_yolov3_standin(root / "model")
    write_aipp_nv12(root / "model" / "aipp_nv12.cfg", 416, 416)
    atc(root / "model", env, "--model=yolov3.prototxt", "--weight=yolov3.caffemodel", "--framework=0",
        "--output=yolov3", "--soc_version=Ascend310", "--insert_op_conf=aipp_nv12.cfg")  # fmt: skip
    rgb = detection_picture(1024, 683, {(3, 2): (230, 20, 20), (9, 8): (20, 20, 230)})
    (root / "data" / "dog1_1024_683.jpg").write_bytes(jpeg_bytes(PIL.fromarray(rgb), quality=95))
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    decoded = np.asarray(PIL.open(root / "data" / "dog1_1024_683.jpg").convert("RGB"))
    want = yolov3_reference(decoded[..., ::-1].copy(), 1024, 683)  # U/V swapped: R and B trade places
    assert len(want) == 2
    got = parse_boxes(log)
    assert_same_boxes(got, want)
    drawn = np.asarray(PIL.open(root / "out" / "output" / "out_dog1_1024_683.jpg").convert("RGB"), np.int64)
    for x1, y1, _x2, y2, *_ in got:  # the rectangle's left edge is drawn over the background
        edge = slice(y1 + 5, y2 - 5), x1
        assert np.abs(drawn[edge] - decoded[edge]).max(axis=-1).mean() > 60


def test_vgg_ssd_dvpp_with_aipp_sample(env, tmp_path):
    """VGG_SSD_coco_detection_DVPP_with_AIPP: its README's atc command (--output_type=FP32, the stand-in
    ending in atc's SSDDetectionOutput; insert_op.cfg: NV12 304x300, the width stride of the sample's
    crop-and-paste output, cropped to 300x300), sample_build.sh, `./main`: JPEGD, VPC crop-and-paste of the
    whole picture into 300x300, the model. A red and a blue rectangle over two cells of the stand-in's 3x3
    raster: the printed scores are the reference's softmax (within 1 %), and out/output/out_bicycle.jpg has
    each cell's yellow box drawn at its left edge."""
    root = sample(tmp_path, "2_object_detection/VGG_SSD_coco_detection_DVPP_with_AIPP")
    model = root / "model"
    write_ssd_standin(model)
    write_aipp_nv12(model / "insert_op.cfg", 304, 300, crop=(300, 300))
    atc(model, env, "--output_type=FP32", "--input_shape=data:1,3,300,300", "--weight=./vgg_ssd.caffemodel",
        "--input_format=NCHW", "--output=./vgg_ssd", "--soc_version=Ascend310",
        "--insert_op_conf=./insert_op.cfg", "--framework=0", "--save_original_model=false",
        "--model=./vgg_ssd.prototxt")  # fmt: skip
    w, h = 600, 450
    rgb = np.full((h, w, 3), 40, np.uint8)
    cells = {(1, 0): (230, 20, 20), (2, 1): (20, 20, 230)}
    for (c, r), colour in cells.items():
        rgb[r * h // 3 : (r + 1) * h // 3, c * w // 3 : (c + 1) * w // 3] = colour
    build_with_script(root, env)  # its wget of bicycle.jpg fails offline: the picture is written after
    (root / "data" / "bicycle.jpg").write_bytes(jpeg_bytes(PIL.fromarray(rgb), quality=95))
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=120)
    assert "Execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    decoded = np.asarray(PIL.open(root / "data" / "bicycle.jpg").convert("RGB"))
    small = np.asarray(PIL.fromarray(decoded).resize((300, 300), PIL.BILINEAR), np.float64) / 255
    logits = ssd_logits(small.reshape(3, 100, 3, 100, 3).mean(axis=(1, 3)))
    prob = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    best = prob[..., 1:].max(axis=-1)
    want = sorted(int(p * 100) for p in best[best > 0.85])
    got = sorted(int(v) for v in re.findall(r"^score = (\d+)$", log, re.M))
    assert len(got) == len(want) == 2, (got, want)
    assert all(abs(a - b) <= 1 for a, b in zip(got, want, strict=True)), (got, want)
    drawn = np.asarray(PIL.open(root / "out" / "output" / "out_bicycle.jpg").convert("RGB"), np.int64)
    for c, r in cells:  # cv::Scalar(0, 255, 255): yellow, one pixel wide at x = int(xmin * width)
        rows, cols = slice(r * h // 3 + 10, (r + 1) * h // 3 - 10), slice(c * w // 3 - 2, c * w // 3 + 2)
        assert drawn[rows, cols, 1].mean(axis=0).max() > 120 and decoded[rows, cols, 1].max() < 60


def write_detection_clip(path: Path, frames: list[np.ndarray], codec: str = "libx264") -> None:
    """An MP4 of the given RGB frames (25 fps, no B-frames), made with PyAV."""
    out = av.open(str(path), "w")
    s = out.add_stream(codec, rate=25)
    s.height, s.width = frames[0].shape[:2]
    s.pix_fmt = "yuv420p"
    s.codec_context.max_b_frames = 0
    s.codec_context.gop_size = 12
    for rgb in frames:
        out.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
    out.mux(s.encode(None))
    out.close()


@pytest.mark.parametrize(("codec", "codec_id"), [("libx264", 27), ("libx265", 173)], ids=["h264", "h265"])
def test_ffmpegdecode_sample(acllite_env, tmp_path, codec, codec_id):
    """ffmpegdecode (aclliteCPP, FFmpeg): sample_build.sh, sample_run.sh on a 12-frame 352x288 MP4 (PyAV):
    it reports the stream as FFmpeg's own probe does (codec id AV_CODEC_ID_H264 27 / HEVC 173, size, fps),
    then demuxes every packet through the mp4toannexb filter into DVPP memory (acldvppMalloc via
    aclliteCPP's CopyDataToDevice) without an error, to its end."""
    env = acllite_env
    root = sample(tmp_path, "0_data_process/ffmpegdecode")
    write_detection_clip(root / "data" / "cat.mp4", moving_squares(352, 288, 12), codec)
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=120)
    assert "[ERROR]" not in log, log[-3000:]
    with av.open(str(root / "data" / "cat.mp4")) as c:
        s = c.streams.video[0]
        want = (s.codec_context.width, s.codec_context.height, int(s.average_rate))
    found = re.search(r"type (\d+), profile (-?\d+), width:(\d+), height:(\d+), fps:(\d+)", log)
    assert found, log[-3000:]
    assert int(found[1]) == codec_id and tuple(int(v) for v in found.groups()[2:]) == want
    assert "Ffmpeg decoder ../data/cat.mp4 finished" in log


def moving_squares(width: int, height: int, count: int) -> list[np.ndarray]:
    """Frame i: a red rectangle over cell (i + 2, 2) of the 13x13 grid, a blue one fixed at (9, 8)."""
    return [
        detection_picture(width, height, {(i + 2, 2): (230, 20, 20), (9, 8): (20, 20, 230)})
        for i in range(count)
    ]


def parse_boxes(log: str) -> list[tuple[int, ...]]:
    """The sample's `x1 y1 x2 y2 label<score>%` lines (labels person and bicycle: classes 0 and 1)."""
    labels = {"person": 0, "bicycle": 1}
    return [
        (int(a), int(b), int(c), int(d), labels[k], int(s))
        for a, b, c, d, k, s in re.findall(r"^(\d+) (\d+) (\d+) (\d+) (\w+?)(\d+)%$", log, re.M)
    ]


def assert_same_boxes(got: list[tuple[int, ...]], want: list[tuple[int, ...]]) -> None:
    """Same detections (each class and score within 1 %, each corner within a pixel), in any order."""
    got, want = sorted(got), sorted(want)
    assert len(got) == len(want), (got, want)
    for g, e in zip(got, want, strict=True):
        assert g[4] == e[4] and abs(g[5] - e[5]) <= 1, (got, want)
        assert max(abs(a - b) for a, b in zip(g[:4], e[:4], strict=True)) <= 1, (got, want)


def test_yolov3_video_dvpp_with_aipp_sample(acllite_env, tmp_path):
    """YOLOV3_coco_detection_video_DVPP_with_AIPP (aclliteCPP's AclLiteVideoProc: FFmpeg demux + VDEC, VPC
    resize, the YOLOv3 stand-in with NV12 AIPP, OpenCV's VideoWriter): its README's atc command,
    sample_build.sh, sample_run.sh on an 8-frame 640x480 H.264 MP4 (PyAV). Every frame's boxes are the
    reference's of FFmpeg's decode; output/test1.mp4 holds the 8 frames with the boxes drawn. The run ends
    by itself: in VDEC's default out mode the last frames come at EOS, which is how aclliteCPP's reader
    learns that the stream is over (it logs an error after a 10 s wait otherwise)."""
    env = acllite_env
    root = sample(tmp_path, "2_object_detection/YOLOV3_coco_detection_video_DVPP_with_AIPP")
    write_yolov3_standin(root / "model")
    write_aipp_nv12(root / "model" / "aipp_nv12.cfg", 416, 416)
    atc(root / "model", env, "--model=yolov3.prototxt", "--weight=yolov3.caffemodel", "--framework=0",
        "--output=yolov3", "--soc_version=Ascend310", "--insert_op_conf=aipp_nv12.cfg")  # fmt: skip
    clip = root / "data" / "test_yolov3.mp4"
    write_detection_clip(clip, moving_squares(640, 480, 8))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=120)
    assert "[ERROR]" not in log, log[-3000:]
    with av.open(str(clip)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(decoded) == 8
    want = [box for rgb in decoded for box in yolov3_reference(rgb, 640, 480)]
    assert len(want) == 16
    assert_same_boxes(parse_boxes(log), want)
    with av.open(str(root / "out" / "output" / "test1.mp4")) as c:
        drawn = [f.to_ndarray(format="rgb24").astype(np.int64) for f in c.decode(video=0)]
    assert len(drawn) == 8 and drawn[0].shape == (480, 640, 3)
    for rgb, out in zip(decoded, drawn, strict=True):
        for x1, y1, _x2, y2, *_ in yolov3_reference(rgb, 640, 480):
            edge = slice(y1 + 5, y2 - 5), x1
            assert np.abs(out[edge] - rgb[edge]).max(axis=-1).mean() > 60


AIPP_BGR = """aipp_op {
 aipp_mode : static
 related_input_rank : 0
 input_format : RGB888_U8
 src_image_size_w : 416
 src_image_size_h : 416
 crop : false
 csc_switch : false
 rbuv_swap_switch : true
 var_reci_chn_0 : 0.00392157
 var_reci_chn_1 : 0.00392157
 var_reci_chn_2 : 0.00392157
}
"""


def test_yolov3_venc_sample(env, tmp_path):
    """YOLOV3_coco_detection_VENC (OpenCV's VideoCapture, the YOLOv3 stand-in with aipp_bgr.cfg: OpenCV's
    BGR swapped to RGB, DVPP VENC H.264 of NV21): its README's atc command, sample_build.sh (it links
    ascend_hal and protobuf: `add_link_only_libraries`), sample_run.sh on the 8-frame MP4. FFmpeg decodes 8
    pictures from output/out_<time>.h264 whose luma is the sample's own RGB -> Y of each input frame (most
    pixels equal), with the boxes the reference finds drawn in."""
    add_link_only_libraries(Path(env["THIRDPART_PATH"]))
    root = sample(tmp_path, "2_object_detection/YOLOV3_coco_detection_VENC")
    model = root / "model"
    write_yolov3_standin(model)
    (model / "aipp_bgr.cfg").write_text(AIPP_BGR)
    atc(model, env, "--model=./yolov3.prototxt", "--weight=./yolov3.caffemodel", "--framework=0",
        "--output=./yolov3", "--soc_version=Ascend310", "--insert_op_conf=./aipp_bgr.cfg")  # fmt: skip
    clip = root / "data" / "detection.mp4"
    write_detection_clip(clip, moving_squares(640, 480, 8))
    build_with_script(root, env)
    log = run(["bash", "sample_run.sh"], root / "scripts", env, timeout=120)
    assert "Execute video object detection success" in log and "[ERROR]" not in log, log[-3000:]
    (stream,) = (root / "out" / "output").glob("out_*.h264")
    with av.open(str(stream), format="h264") as c:
        encoded = [f.to_ndarray(format="yuv420p")[:480].astype(np.int64) for f in c.decode(video=0)]
    with av.open(str(clip)) as c:
        decoded = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(encoded) == len(decoded) == 8
    for y, rgb in zip(encoded, decoded, strict=True):
        r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
        diff = np.abs(y - ((77 * r + 150 * g + 29 * b) >> 8))  # the sample's BGR -> NV21 luma
        assert np.percentile(diff, 90) <= 2
        boxes = yolov3_reference(rgb, 640, 480)
        assert len(boxes) == 2
        for x1, y1, _x2, y2, *_ in boxes:  # each box's left edge is drawn over the picture
            assert diff[y1 + 5 : y2 - 5, x1].mean() > 60
