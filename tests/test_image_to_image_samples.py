"""Huawei's image-to-image C++ samples under ``cplusplus/level2_simple_inference/6_other`` (Ascend/samples),
built with their own ``scripts/sample_build.sh`` against acl-async's SDK (aclliteCPP installed under
THIRDPART_PATH by its own Makefile, OpenCV 3 code on Debian's OpenCV 4: ``huawei_samples.opencv_env``) and
run with the command their ``scripts/sample_run.sh`` runs:

- ``colorization``: a Caffe stand-in for colorization.prototxt/.caffemodel (``data_l`` 1x1x224x224 ->
  ``class8_ab`` 1x2x56x56) whose a and b channels are fixed affine maps of the 4 x 4 means of the L input
  (a stride-4 convolution). The sample's OpenCV pre-processing (resize to 224 x 224, BGR -> Lab, L - 50) and
  post-processing (a, b resized to the picture's size, merged with the picture's own L, Lab -> BGR) are
  redone with Python's OpenCV and the picture it writes (out/output/out_<name>) compared with that;
- ``super_resolution_dynamic``: a Caffe stand-in for FSRCNN (``data`` 1x1xHxW, H and W dynamic, converted
  with the README's ``--input_shape="data: 1, 1, -1, -1" --dynamic_image_size="256,256;512,512;288,288"``)
  whose output is the input upsampled 3x by a 3 x 3, stride 3 deconvolution (each input pixel becomes
  ``w[i, j] * x + b``). The sample picks the size from its command line (aclmdlSetDynamicHWSize): run as
  sample_run.sh runs it (256 x 256) and with 288 x 288; its YCrCb picture (Y from the model, Cr and Cb
  bicubic) is compared with OpenCV's;
- ``animeGAN_picture``: a TensorFlow stand-in for AnimeGAN_256_256.pb (``test`` 1x256x256x3, NHWC) whose
  output is a fixed linear colour map of each pixel (a 1 x 1 Conv2D and BiasAdd; the real output's name is
  not in the sample, which reads output 0), converted with the README's command and our aipp_256_256.cfg
  (a download: JPEGD's YUV420SP -> RGB, then (x - 127.5) / 127.5, the [-1, 1] that the sample's own
  OpenCV path ``preprocess_cv`` feeds). The sample decodes and resizes with DVPP (aclliteCPP JpegD,
  Resize), so the picture is one of flat 128 x 128 blocks: each block's inside, in the picture it writes,
  must be the colour map of libjpeg's YCbCr of that block through the AIPP, then ``(y + 1) * 127.5``. It
  links libprotobuf and libpresenteragent without calling them (``huawei_samples.add_link_only_libraries``);
- ``DeRain``: a TensorFlow stand-in for frozen_graph_noDWT_V2.pb (``degradated_image`` 1x256x256x1, the
  grey picture in [0, 1]) whose output is ``0.9 x + 0.05``, converted with the README's command and our
  insert_op.cfg (a download: the sample's RGB888 256 x 256 -> Y by CSC (BT.601), / 255). The sample
  writes the picture with the model's output (x 0.92, clipped, x 255, truncated) as its Y channel: compared
  with OpenCV's YCrCb of the same picture with numpy's Y;
- ``DeblurGAN_GOPRO_Blur2Sharp``: a TensorFlow stand-in for DeblurrGAN-pad-01051648.pb (``blur``
  1x720x1280x3, NHWC, the BGR picture in 0..255 as the sample feeds it) whose output is a fixed linear
  colour map into [-1, 1] (1 x 1 Conv2D, BiasAdd); the sample's ``(y + 1) / 2 * 255`` picture, written as
  a JPEG (out/output/out_data.jpg), is compared with numpy's, written by Python's OpenCV the same way.

The READMEs' models are downloads (unreachable offline): the stand-ins have the real models' input and
output names and shapes and are converted with ``acl-async atc`` as the READMEs convert them. Huawei's files
are never copied into this project: they are read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the
reference mirror of this project's machines), and the tests skip without one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from atc_models import JPEG_YUV2RGB, RGB2YUV, aipp_reference, tf_graph, tf_node, write_aipp, write_caffe  # noqa: E402
from huawei_samples import (  # noqa: E402
    add_link_only_libraries,
    block_jpeg,
    build_with_script,
    extract,
    install_acllite,
    opencv_env,
    run,
    run_command,
    samples_env,
    sdk_env,
)

BASE = "cplusplus/level2_simple_inference/6_other"


@pytest.fixture(scope="module")
def thirdpart(tmp_path_factory) -> Path:
    """THIRDPART_PATH with FFmpeg, samples/common and aclliteCPP (huawei_samples.install_acllite)."""
    return install_acllite(tmp_path_factory.mktemp("acllite"))


def acllite_env(thirdpart: Path) -> dict[str, str]:
    return opencv_env({**sdk_env(thirdpart), "ACL_HOST_INFERENCE_PRECISION": "f32"})


def convert(cwd: Path, *args: str) -> None:
    """`atc ... --soc_version=Ascend310` as the READMEs run it."""
    run([sys.executable, "-m", "acl_async", "atc", *args, "--soc_version=Ascend310"], cwd, dict(os.environ))


def smooth_picture(width: int, height: int, seed: int = 0) -> np.ndarray:
    """A BGR picture of smooth colour gradients (few JPEG/PNG artefacts, distinct L values)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * np.pi, 3)
    chans = [127 + 100 * np.sin(x / (17 + 5 * c) + y / (23 + 3 * c) + phase[c]) for c in range(3)]
    return np.clip(np.stack(chans, axis=-1), 0, 255).astype(np.uint8)


# ---- colorization: L -> (a, b) at a quarter of the size ----

#: The stand-in's a and b: gain x the 4 x 4 mean of (L - 50) + offset.
AB_GAIN = np.array([0.6, -0.4], np.float32)
AB_OFFSET = np.array([12.0, -20.0], np.float32)


def write_colorization_standin(folder: Path) -> None:
    """colorization.prototxt/.caffemodel: `data_l` 1x1x224x224 -> Convolution (kernel 4, stride 4) ->
    `class8_ab` 1x2x56x56."""
    weights = np.broadcast_to(AB_GAIN[:, None, None, None] / 16, (2, 1, 4, 4)).astype(np.float32)
    layer = {"name": "class8_ab", "type": "Convolution", "bottom": "data_l", "top": "class8_ab",
             "convolution_param": {"num_output": 2, "kernel_size": 4, "stride": 4}}  # fmt: skip
    blobs = {"class8_ab": [weights, AB_OFFSET]}
    write_caffe(folder, "colorization", {"data_l": [1, 1, 224, 224]}, [layer], blobs)


def colorization_reference(picture: np.ndarray) -> np.ndarray:
    """The sample's pre-processing, the stand-in (numpy) and its post-processing, with Python's OpenCV."""
    small = cv2.resize(picture, (224, 224)).astype(np.float32) / 255
    lum = cv2.cvtColor(small, cv2.COLOR_BGR2Lab)[:, :, 0] - 50
    means = lum.reshape(56, 4, 56, 4).mean(axis=(1, 3))
    ab = [AB_GAIN[k] * means + AB_OFFSET[k] for k in range(2)]
    h, w = picture.shape[:2]
    lab = cv2.cvtColor(picture.astype(np.float32) / 255, cv2.COLOR_BGR2Lab)
    merged = cv2.merge([lab[:, :, 0], *(cv2.resize(c, (w, h)) for c in ab)])
    return cv2.cvtColor(merged, cv2.COLOR_Lab2BGR) * 255


def test_cpp_sample_colorization(tmp_path, thirdpart):
    """colorization (aclliteCPP + OpenCV): the L channel in, a and b out, the coloured picture written."""
    env = acllite_env(thirdpart)
    root = extract(tmp_path, f"{BASE}/colorization") / BASE / "colorization"
    write_colorization_standin(root / "model")
    convert(root / "model", '--input_shape=data_l:1,1,224,224', "--weight=./colorization.caffemodel",
            "--input_format=NCHW", "--output=colorization", "--framework=0",
            "--model=./colorization.prototxt")  # fmt: skip
    picture = smooth_picture(300, 200)
    cv2.imwrite(str(root / "data" / "dog.png"), picture)
    build_with_script(root, env)
    (root / "out" / "output").mkdir(exist_ok=True)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    out = cv2.imread(str(root / "out" / "output" / "out_dog.png"), cv2.IMREAD_COLOR)
    assert out is not None and out.shape == picture.shape
    ref = colorization_reference(picture)
    # cv::imwrite saturates the float picture to 8 bits; the reference rounds the same way
    diff = np.abs(out.astype(np.float32) - np.clip(np.rint(ref), 0, 255))
    assert diff.max() <= 2, diff.max()
    # the colour came from the model: the picture's own a, b would give a different picture
    assert np.abs(out.astype(np.float32) - picture).mean() > 10


# ---- super_resolution_dynamic: Y upsampled 3x, dynamic H x W ----

#: The stand-in's deconvolution kernel (3 x 3, stride 3: every input pixel -> a 3 x 3 block) and bias.
SR_KERNEL = np.array([[0.5, 0.6, 0.7], [0.8, 0.9, 1.0], [0.55, 0.75, 0.95]], np.float32)
SR_BIAS = 0.04


def write_fsrcnn_standin(folder: Path) -> None:
    """FSRCNN.prototxt/.caffemodel: `data` 1x1xHxW -> Deconvolution (kernel 3, stride 3) -> 1x1x3Hx3W."""
    layer = {"name": "deconv", "type": "Deconvolution", "bottom": "data", "top": "deconv",
             "convolution_param": {"num_output": 1, "kernel_size": 3, "stride": 3}}  # fmt: skip
    blobs = {"deconv": [SR_KERNEL.reshape(1, 1, 3, 3), np.array([SR_BIAS], np.float32)]}
    write_caffe(folder, "FSRCNN", {"data": [1, 1, 256, 256]}, [layer], blobs)


def super_resolution_reference(picture: np.ndarray, size: int) -> np.ndarray:
    """The sample's pre-processing (grey, resized, / 255), the stand-in and its post-processing."""
    grey = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
    x = cv2.resize(grey, (size, size)).astype(np.float32) / 255
    y = (x[:, None, :, None] * SR_KERNEL[None, :, None, :] + SR_BIAS).reshape(3 * size, 3 * size)
    small = cv2.resize(picture, (size, size))
    ycrcb = cv2.resize(
        cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb), None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC
    )
    ycrcb[:, :, 0] = np.clip(np.rint(y * 255), 0, 255).astype(np.uint8)
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2BGR)


def test_cpp_sample_super_resolution_dynamic(tmp_path):
    """super_resolution_dynamic (ACL + OpenCV, no aclliteCPP): one model with three image sizes, the size
    chosen per run by aclmdlSetDynamicHWSize; the 3x picture of each size checked."""
    name = "super_resolution_dynamic"
    root = extract(tmp_path, f"{BASE}/{name}") / BASE / name
    env = opencv_env({**samples_env(tmp_path), "ACL_HOST_INFERENCE_PRECISION": "f32"})
    write_fsrcnn_standin(root / "model")
    convert(root / "model", "--model=./FSRCNN.prototxt", "--weight=./FSRCNN.caffemodel", "--framework=0",
            "--input_format=NCHW", "--input_shape=data: 1, 1, -1, -1",
            "--dynamic_image_size=256,256;512,512;288,288", "--output=./FSRCNN_x3",
            "--output_type=FP32")  # fmt: skip
    picture = smooth_picture(320, 240, seed=3)
    cv2.imwrite(str(root / "data" / "butterfly_GT.bmp"), picture)
    build_with_script(root, env)
    (root / "out" / "output").mkdir(exist_ok=True)
    cmd = run_command(root)
    assert cmd[-2:] == ["256", "256"], cmd
    for size in (256, 288):
        log = run([*cmd[:-2], str(size), str(size)], root / "out", env)
        assert "[ERROR]" not in log, log[-3000:]
        out = cv2.imread(str(root / "out" / "output" / f"butterfly_GT_{size}x{size}_.png"), cv2.IMREAD_COLOR)
        assert out is not None and out.shape == (3 * size, 3 * size, 3), size
        diff = np.abs(out.astype(int) - super_resolution_reference(picture, size).astype(int))
        # a few pixels off by more than 1: Python's OpenCV (pip) and Debian's 4.6 round bicubic and
        # YCrCb -> BGR slightly differently
        assert diff.max() <= 4 and diff.mean() < 0.05, (size, diff.max(), diff.mean())


# ---- animeGAN_picture: RGB in [-1, 1] -> a linear colour map, DVPP + AIPP in front ----

#: The stand-in's colour map: out[..., o] = sum_i ANIME_MAP[i, o] * in[..., i] + ANIME_BIAS[o] (RGB).
ANIME_MAP = np.array([[0.5, 0.2, 0.0], [0.3, 0.0, -0.7], [0.0, 0.6, 0.0]], np.float32)
ANIME_BIAS = np.array([-0.1, 0.15, 0.1], np.float32)
#: Our aipp_256_256.cfg: JPEGD's YUV420SP -> RGB, then to [-1, 1].
ANIME_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 256, "src_image_size_h": 256, "csc_switch": True,
    **JPEG_YUV2RGB, **{f"min_chn_{c}": 127.5 for c in range(3)},
    **{f"var_reci_chn_{c}": 1 / 127.5 for c in range(3)},
}  # fmt: skip


def write_anime_standin(path: Path) -> None:
    """AnimeGAN_256_256.pb: `test` [1, 256, 256, 3] (NHWC) -> Conv2D 1 x 1 (ANIME_MAP) -> BiasAdd."""
    g = tf_graph()
    tf_node(g, "test", "Placeholder", dtype="float", shape=[1, 256, 256, 3])
    tf_node(g, "map", "Const", dtype="float", value=ANIME_MAP.reshape(1, 1, 3, 3))
    tf_node(g, "conv", "Conv2D", ["test", "map"], T="float", strides=(1, 1, 1, 1), padding=b"VALID",
            data_format=b"NHWC")  # fmt: skip
    tf_node(g, "bias", "Const", dtype="float", value=ANIME_BIAS)
    tf_node(g, "output", "BiasAdd", ["conv", "bias"], T="float", data_format=b"NHWC")
    path.write_bytes(g.SerializeToString())


def block_colours(path: Path, block: int = 128) -> np.ndarray:
    """The AIPP output (RGB, [-1, 1]) of each flat block's centre, from libjpeg's YCbCr (Pillow's draft
    mode: no colour conversion) -> [rows, cols, 3]."""
    from PIL import Image

    im = Image.open(path)
    im.draft("YCbCr", im.size)
    ycc = np.asarray(im)
    centres = ycc[block // 2 :: block, block // 2 :: block]
    rows, cols = centres.shape[:2]
    # a YUV420SP picture of 2 x 2 pixels per block: its Y four times, one Cb, Cr pair
    y = np.repeat(np.repeat(centres[:, :, 0], 2, axis=0), 2, axis=1)
    uv = centres[:, :, 1:].reshape(rows, 2 * cols)
    nv12 = np.concatenate([y, uv])
    rgb = aipp_reference(nv12[..., None], "YUV420SP_U8", ANIME_AIPP)[0]  # [3, 2 rows, 2 cols]
    return rgb[:, ::2, ::2].transpose(1, 2, 0)


def test_cpp_sample_anime_gan(tmp_path, thirdpart):
    """animeGAN_picture (aclliteCPP: ReadJpeg, JpegD, Resize, AclLiteModel; OpenCV after): the colour map
    applied to every flat block of the picture, written at the picture's size."""
    env = acllite_env(thirdpart)
    # it links ProtoBuf and the Presenter Agent, calls neither
    add_link_only_libraries(thirdpart, presenter_agent=True)
    root = extract(tmp_path, f"{BASE}/animeGAN_picture") / BASE / "animeGAN_picture"
    model = root / "model"
    write_anime_standin(model / "AnimeGAN_256_256.pb")
    write_aipp(model / "aipp_256_256.cfg", ANIME_AIPP)
    convert(model, "--model=./AnimeGAN_256_256.pb", "--output_type=FP32", "--input_shape=test:1,256,256,3",
            "--input_format=NHWC", "--output=AnimeGANv2_256", "--framework=3",
            "--precision_mode=allow_fp32_to_fp16", "--insert_op_conf=aipp_256_256.cfg")  # fmt: skip
    (root / "data").mkdir(exist_ok=True)
    picture = root / "data" / "mountain.jpg"
    picture.write_bytes(block_jpeg(640, 384, seed=7))
    build_with_script(root, env)
    (root / "out" / "output").mkdir(exist_ok=True)
    cmd = [arg.replace("$shape", "256") for arg in run_command(root)]
    log = run(cmd, root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    out = cv2.imread(str(root / "out" / "output" / "out_mountain.jpg"), cv2.IMREAD_COLOR)
    assert out is not None and out.shape == (384, 640, 3)
    expected = ((block_colours(picture) @ ANIME_MAP + ANIME_BIAS) + 1) * 127.5  # RGB
    # each block's inside (away from the edges the resizes blend), BGR as the sample writes it
    inside = out.reshape(3, 128, 5, 128, 3)[:, 40:88, :, 40:88].astype(np.float32)
    got = np.median(inside, axis=(1, 3))[..., ::-1]
    assert np.abs(got - expected).max() <= 3, np.abs(got - expected).max()


# ---- DeRain: RGB888 -> Y by AIPP, Y -> Y, the rest OpenCV ----

DERAIN_GAIN, DERAIN_OFFSET = 0.9, 0.05
#: Our insert_op.cfg: the sample's RGB 256 x 256 -> Y (CSC's first row) / 255 for the one-channel input.
DERAIN_AIPP = {
    "input_format": "RGB888_U8", "src_image_size_w": 256, "src_image_size_h": 256, "csc_switch": True,
    **RGB2YUV, "var_reci_chn_0": 1 / 255,
}  # fmt: skip


def write_derain_standin(path: Path) -> None:
    """frozen_graph_noDWT_V2.pb: `degradated_image` [1, 256, 256, 1] -> Mul, Add -> `output`."""
    g = tf_graph()
    tf_node(g, "degradated_image", "Placeholder", dtype="float", shape=[1, 256, 256, 1])
    tf_node(g, "gain", "Const", dtype="float", value=np.array([DERAIN_GAIN], np.float32))
    tf_node(g, "scaled", "Mul", ["degradated_image", "gain"], T="float")
    tf_node(g, "offset", "Const", dtype="float", value=np.array([DERAIN_OFFSET], np.float32))
    tf_node(g, "output", "Add", ["scaled", "offset"], T="float")
    path.write_bytes(g.SerializeToString())


def derain_reference(picture: np.ndarray) -> np.ndarray:
    """The sample's pipeline on a 256 x 256 BGR picture: RGB -> AIPP -> stand-in -> its Y replacement."""
    rgb = cv2.cvtColor(cv2.resize(picture, (256, 256)), cv2.COLOR_BGR2RGB)
    grey = aipp_reference(rgb, "RGB888_U8", DERAIN_AIPP)[0, 0]
    out = np.clip((grey * DERAIN_GAIN + DERAIN_OFFSET) * 0.92, 0, 1)
    ycrcb = cv2.cvtColor(picture, cv2.COLOR_BGR2YCrCb)
    ycrcb[:256, :256, 0] = (out * 255).astype(np.uint8)
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2BGR)


def test_cpp_sample_derain(tmp_path):
    """DeRain (ACL + OpenCV): RGB in, AIPP to the grey [0, 1] input, the model's Y written into the
    picture; the ``_GT`` picture next to it is skipped, as the sample does."""
    name = "DeRain"
    root = extract(tmp_path, f"{BASE}/{name}") / BASE / name
    env = opencv_env({**samples_env(tmp_path), "ACL_HOST_INFERENCE_PRECISION": "f32"})
    model = root / "model"
    write_derain_standin(model / "frozen_graph_noDWT_V2.pb")
    write_aipp(model / "insert_op.cfg", DERAIN_AIPP)
    convert(model, "--model=./frozen_graph_noDWT_V2.pb", '--input_shape=degradated_image:1,256,256,1',
            "--framework=3", "--output=./DeRain", "--insert_op_conf=./insert_op.cfg")  # fmt: skip
    picture = smooth_picture(256, 256, seed=11)
    cv2.imwrite(str(root / "data" / "001_in.png"), picture)
    cv2.imwrite(str(root / "data" / "001_GT.png"), picture[::-1])
    build_with_script(root, env)
    (root / "out" / "output").mkdir(exist_ok=True)
    log = run(run_command(root), root / "out", env)
    # its ModelProcess unloads the model a second time from its destructor, after aclFinalize: CANN
    # refuses that too (the model id is gone), the sample logs it and exits 0
    errors = [line for line in log.splitlines() if "[ERROR]" in line]
    assert all("unload model failed" in line for line in errors), log[-3000:]
    assert "model execute success" in log, log[-3000:]
    assert not (root / "out" / "output" / "out_001_GT.png").exists()
    out = cv2.imread(str(root / "out" / "output" / "out_001_in.png"), cv2.IMREAD_COLOR)
    assert out is not None and out.shape == picture.shape
    diff = np.abs(out.astype(int) - derain_reference(picture).astype(int))
    assert diff.max() <= 3 and diff.mean() < 0.1, (diff.max(), diff.mean())


# ---- DeblurGAN_GOPRO_Blur2Sharp: BGR 0..255 -> a colour map into [-1, 1] ----

#: out = in @ DEBLUR_MAP + DEBLUR_BIAS per pixel (BGR): ANIME_MAP applied to the picture taken to [-1, 1].
DEBLUR_MAP = ANIME_MAP / 127.5
DEBLUR_BIAS = ANIME_BIAS - ANIME_MAP.sum(axis=0)


def write_deblur_standin(path: Path) -> None:
    """DeblurrGAN-pad-01051648.pb: `blur` [1, 720, 1280, 3] (NHWC) -> Conv2D 1 x 1 -> BiasAdd."""
    g = tf_graph()
    tf_node(g, "blur", "Placeholder", dtype="float", shape=[1, 720, 1280, 3])
    tf_node(g, "map", "Const", dtype="float", value=DEBLUR_MAP.astype(np.float32).reshape(1, 1, 3, 3))
    tf_node(g, "conv", "Conv2D", ["blur", "map"], T="float", strides=(1, 1, 1, 1), padding=b"VALID",
            data_format=b"NHWC")  # fmt: skip
    tf_node(g, "bias", "Const", dtype="float", value=DEBLUR_BIAS.astype(np.float32))
    tf_node(g, "output", "BiasAdd", ["conv", "bias"], T="float", data_format=b"NHWC")
    path.write_bytes(g.SerializeToString())


def test_cpp_sample_deblur_gan(tmp_path, thirdpart):
    """DeblurGAN_GOPRO_Blur2Sharp (aclliteCPP + OpenCV): the BGR picture as float in, the sharp picture
    (the stand-in's colour map) written at the picture's size."""
    name = "DeblurGAN_GOPRO_Blur2Sharp"
    env = acllite_env(thirdpart)
    add_link_only_libraries(thirdpart, presenter_agent=True)  # COMMON_DEPEND_LIB: the Presenter Agent too
    root = extract(tmp_path, f"{BASE}/{name}") / BASE / name
    write_deblur_standin(root / "model" / "DeblurrGAN-pad-01051648.pb")
    convert(root / "model", "--input_shape=blur:1,720,1280,3", "--input_format=NHWC",
            "--output=./blurtosharp_pad_1280_720", "--framework=3",
            "--model=./DeblurrGAN-pad-01051648.pb")  # fmt: skip
    picture = smooth_picture(1280, 720, seed=5)
    cv2.imwrite(str(root / "data" / "data.jpg"), picture)
    decoded = cv2.imread(str(root / "data" / "data.jpg"), cv2.IMREAD_COLOR)
    build_with_script(root, env)
    (root / "out" / "output").mkdir(exist_ok=True)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    out = cv2.imread(str(root / "out" / "output" / "out_data.jpg"), cv2.IMREAD_COLOR)
    assert out is not None and out.shape == decoded.shape
    y = decoded.astype(np.float32) @ DEBLUR_MAP.astype(np.float32) + DEBLUR_BIAS.astype(np.float32)
    ref = np.clip(np.rint((y + 1) / 2 * 255), 0, 255).astype(np.uint8)
    ref = cv2.imdecode(cv2.imencode(".jpg", ref, [cv2.IMWRITE_JPEG_QUALITY, 95])[1], cv2.IMREAD_COLOR)
    diff = np.abs(out.astype(int) - ref.astype(int))
    assert diff.mean() < 0.5 and diff.max() <= 6, (diff.mean(), diff.max())
