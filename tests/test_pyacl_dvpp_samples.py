"""Huawei's pyACL samples that decode, resize and encode through ``acl.media`` (directly or through Python
acllite) run unchanged on the CPU, each as its README runs it, with a stand-in model converted by
``acl-async atc`` as the README converts the real one:

- ``inference/modelInference/sampleResnetDVPP/python`` (JPEGD, VPC resize, an ONNX model with YUV420SP AIPP)
  and its ``pyAcllite`` twin (``inference/acllite/acllitePY``);
- ``python/level2_simple_inference/1_classification/googlenet_imagenet_picture`` (``python/common/acllite``,
  a Caffe model with AIPP);
- ``python/level2_simple_inference/1_classification/vdec_resnet50_classification`` (VDEC of an H.265 frame
  sent ten times, VPC resize, the sample's own ``aipp.cfg``);
- ``python/level2_simple_inference/0_data_process/venc_image`` (VENC, H.265, 16 frames and EOS).

The stand-ins pool the AIPP output and score class k as ``(0.5 + k/1000) * mean of channel k mod 3``, so
every printed score is checked against the same pipeline in numpy on Pillow's (libjpeg's) or FFmpeg's decode
of the same input. ``ACL_HOST_INFERENCE_PRECISION=f32``: on CPUs where OpenVINO infers in bf16 by default,
neighbouring classes of the stand-in tie and the samples' top-5 order would depend on the rounding.

acllitePY's ``AclLiteImage.data()`` returns ``acl.util.bytes_to_ptr`` of a temporary ``bytes`` object,
which is released before ``copy_to_dvpp`` copies from it: CANN documents that as undefined behaviour
(bytes_to_ptr: "the input must outlive the output"), ``python/common/acllite`` keeps the object
(``self._bytes_data``), and strict mode refuses the copy (100000): the pyAcllite twin's test checks that
refusal. (``ACL_HOST_STRICT=0`` runs it, reading the freed buffer as CANN would; a test that reads freed
memory would fail under AddressSanitizer and could read reused bytes.)

Huawei's files are never copied into this project: they are read from a clone named by
$ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this project's machines), and the tests skip without one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
av = pytest.importorskip("av")
acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "venc_create_channel"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from atc_models import JPEG_YUV2RGB, aipp_reference, write_aipp  # noqa: E402
from dvpp_pictures import jpeg_bytes, scene  # noqa: E402
from huawei_samples import extract, jpeg_channel_means, nv12_picture, run, write_resnet50_standin  # noqa: E402

RESNET_DVPP = "inference/modelInference/sampleResnetDVPP"
ACLLITE_PY = "inference/acllite/acllitePY"
PY_CLASSIFICATION = "python/level2_simple_inference/1_classification"
GOOGLENET = f"{PY_CLASSIFICATION}/googlenet_imagenet_picture"
VDEC_RESNET = f"{PY_CLASSIFICATION}/vdec_resnet50_classification"
VENC_IMAGE = "python/level2_simple_inference/0_data_process/venc_image"

#: The AIPP of our stand-ins for the configurations the READMEs download: JPEG's YUV -> RGB, ImageNet means.
RGB_AIPP = {
    "input_format": "YUV420SP_U8", "src_image_size_w": 224, "src_image_size_h": 224, "csc_switch": True,
    **JPEG_YUV2RGB, "min_chn_0": 124, "min_chn_1": 116, "min_chn_2": 104,
}  # fmt: skip
#: The same scaled by ImageNet's standard deviations, for the sample that prints softmax probabilities.
SCALED_AIPP = {**RGB_AIPP, "var_reci_chn_0": 0.0171, "var_reci_chn_1": 0.0175, "var_reci_chn_2": 0.0174}
#: What `aipp.cfg` of the vdec sample leaves to CANN's defaults: BT.601 narrow range YUV -> BGR.
DEFAULT_CSC = {
    "csc_switch": True, "min_chn_0": 123, "min_chn_1": 117, "min_chn_2": 104,
    **{f"matrix_r{i // 3}c{i % 3}": v for i, v in enumerate((298, 516, 0, 298, -100, -208, 298, 0, 409))},
    "input_bias_0": 16, "input_bias_1": 128, "input_bias_2": 128,
}  # fmt: skip


def standin_weights() -> np.ndarray:
    w = np.zeros((1000, 3), np.float32)
    for k in range(1000):
        w[k, k % 3] = 0.5 + k / 1000
    return w


def write_onnx_standin(path: Path, input_name: str) -> None:
    """ONNX: `input_name` [1, 3, 224, 224] -> global average pool -> Gemm by standin_weights() -> 1000."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("GlobalAveragePool", [input_name], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "W"], ["class"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "standin",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("class", TensorProto.FLOAT, [1, 1000])],
        [numpy_helper.from_array(standin_weights(), "W")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


def atc(cwd: Path, *args: str) -> None:
    run([sys.executable, "-m", "acl_async", "atc", "--soc_version=Ascend310", *args], cwd, dict(os.environ))


def sample_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["ACL_HOST_INFERENCE_PRECISION"] = "f32"
    env.update(extra)
    return env


def printed(pattern: str, log: str) -> list[tuple[int, float]]:
    found = [(int(k), float(v)) for k, v in re.findall(pattern, log)]
    assert found, log[-3000:]
    return found


def check_top5(found: list[tuple[int, float]], scores: np.ndarray, rel: float) -> None:
    """The five printed (label, value) pairs are the top 5 of `scores`, each within `rel` of its score."""
    assert [k for k, _ in found] == [int(k) for k in np.argsort(-scores, kind="stable")[:5]], found
    for k, v in found:
        assert v == pytest.approx(float(scores[k]), rel=rel), (k, v, scores[k])


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


@pytest.fixture(scope="module")
def resnet_dvpp(tmp_path_factory) -> Path:
    """sampleResnetDVPP as its README prepares it: the model converted with `--input_shape=actual_input_1:
    1,3,224,224 --insert_op_conf=aipp.cfg`, dog1_1024_683.jpg (an odd height) in python/data and
    pyAcllite/data."""
    root = extract(tmp_path_factory.mktemp("resnetdvpp"), RESNET_DVPP, ACLLITE_PY)
    sample = root / RESNET_DVPP
    model = sample / "python" / "model"
    write_onnx_standin(model / "resnet50.onnx", "actual_input_1")
    write_aipp(model / "aipp.cfg", SCALED_AIPP)
    atc(model, "--model=resnet50.onnx", "--framework=5", "--output=resnet50",
        "--input_shape=actual_input_1:1,3,224,224", "--insert_op_conf=aipp.cfg")  # fmt: skip
    picture = jpeg_bytes(scene(1024, 683, seed=3), quality=92)
    for variant in ("python", "pyAcllite"):
        (sample / variant / "data" / "dog1_1024_683.jpg").write_bytes(picture)
        (sample / variant / "model" / "resnet50.om").write_bytes((model / "resnet50.om").read_bytes())
    return root


def resnet_dvpp_scores(root: Path) -> np.ndarray:
    jpg = root / RESNET_DVPP / "python" / "data" / "dog1_1024_683.jpg"
    return softmax(standin_weights() @ jpeg_channel_means(jpg, SCALED_AIPP))


def test_sample_resnet_dvpp_python(resnet_dvpp):
    """`python3 sampleResnetDVPP.py` from src (sample_run.sh): JPEGD into the strides the sample computes,
    VPC resize to 224 x 224, the AIPP model, softmax: the top 5 of the picture's stand-in scores."""
    pytest.importorskip("cv2")  # the sample reads the picture's size with OpenCV
    src = resnet_dvpp / RESNET_DVPP / "python" / "src"
    log = run([sys.executable, "sampleResnetDVPP.py"], src, sample_env())
    assert "run finish" in log and "failed" not in log, log[-3000:]
    check_top5(printed(r"label:(\d+) confidence:([\d.]+)", log), resnet_dvpp_scores(resnet_dvpp), rel=1e-2)


def test_sample_resnet_dvpp_pyacllite(resnet_dvpp):
    """The pyAcllite twin, acllitePY on PYTHONPATH as its README sets it: acllitePY copies the picture from a
    `bytes` object it has already released (module docstring), which strict mode refuses with 100000 at
    that copy instead of reading freed memory (relaxed mode would read it, as CANN does)."""
    env = sample_env(PYTHONPATH=str(resnet_dvpp / ACLLITE_PY))
    src = resnet_dvpp / RESNET_DVPP / "pyAcllite" / "src"
    cmd = [sys.executable, "sampleResnetDVPP.py"]
    r = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True, timeout=600)
    log = r.stdout + r.stderr
    assert re.search(r"memcpy.*100000", log), log[-3000:]
    assert "run finish" not in log, log[-3000:]


def test_googlenet_imagenet_picture(tmp_path):
    """`python3 classify.py ../data/` from src, python/common/acllite as the samples' environment guide
    installs it: JPEGD + VPC resize through AclLiteImageProc, the Caffe model converted with
    `--insert_op_conf --input_shape=data:1,3,224,224`; each printed score is the stand-in's."""
    root = extract(tmp_path, GOOGLENET, "python/common")
    sample = root / GOOGLENET
    (sample / "model").mkdir(exist_ok=True)
    write_resnet50_standin(sample / "model")
    write_aipp(sample / "model" / "insert_op.cfg", RGB_AIPP)
    atc(sample / "model", "--model=./resnet50.prototxt", "--weight=./resnet50.caffemodel", "--framework=0",
        "--output=googlenet_yuv", "--insert_op_conf=./insert_op.cfg", "--input_shape=data:1,3,224,224",
        "--input_format=NCHW")  # fmt: skip
    (sample / "data").mkdir(exist_ok=True)
    jpg = sample / "data" / "rabit.jpg"
    jpg.write_bytes(jpeg_bytes(scene(500, 375, seed=5), quality=92))
    env = sample_env(PYTHONPATH=str(root / "python" / "common" / "acllite"))
    log = run([sys.executable, "classify.py", "../data/"], sample / "src", env)
    scores = standin_weights() @ jpeg_channel_means(jpg, RGB_AIPP)
    check_top5(printed(r"label:(\d+)\s+confidence: ([-\d.]+)", log), scores, rel=1e-2)
    assert (sample / "out" / "rabit.jpg").is_file()


def test_vdec_resnet50_classification(tmp_path):
    """`python3 ./src/acl_sample.py`: a one-frame 1280 x 720 H.265 stream sent to VDEC ten times, each
    picture resized by VPC into the model converted with the sample's aipp.cfg (CANN's default CSC): ten
    equal top-5 blocks, the stand-in's scores of FFmpeg's decode of the frame. The sample asks VDEC and VPC
    for NV21 and its AIPP reads YUV420SP (U first, no rbuv_swap_switch): the model sees V as U, as it does on
    Ascend, so the reference hands the AIPP the NV21 bytes too."""
    root = extract(tmp_path, VDEC_RESNET) / VDEC_RESNET
    write_resnet50_standin(root / "caffe_model")
    (root / "model").mkdir(exist_ok=True)
    atc(root, "--model=caffe_model/resnet50.prototxt", "--weight=caffe_model/resnet50.caffemodel",
        "--framework=0", "--output=model/resnet50_aipp", "--insert_op_conf=caffe_model/aipp.cfg")  # fmt: skip
    from video_clips import encode

    (root / "data").mkdir(exist_ok=True)
    packets = encode("libx265", [np.asarray(scene(1280, 720, seed=4))])
    (root / "data" / "vdec_h265_1frame_rabbit_1280x720.h265").write_bytes(b"".join(packets))
    ctx = av.CodecContext.create("hevc", "r")
    (frame,) = [f for p in packets for f in ctx.decode(av.Packet(p))] + list(ctx.decode(None))
    yuv = frame.to_ndarray(format="yuv420p")  # I420: Y, then U and V planes
    y, u, v = yuv[:720], yuv[720:900].reshape(360, 640), yuv[900:].reshape(360, 640)
    nv21 = np.concatenate([y, np.stack([v, u], axis=-1).reshape(360, 1280)])
    means = aipp_reference(nv21[..., None], "YUV420SP_U8", DEFAULT_CSC).mean(axis=(0, 2, 3))
    scores = standin_weights() @ means
    log = run([sys.executable, "./src/acl_sample.py"], root, sample_env())
    found = printed(r"label:(\d+)\s+prob: ([-\d.]+)", log)
    assert len(found) == 50, log[-3000:]  # ten pictures, five lines each
    for block in range(10):
        assert found[5 * block : 5 * block + 5] == found[:5]
    check_top5(found[:5], scores, rel=1e-2)


def test_venc_image(tmp_path):
    """`python3 ./src/acl_venc.py`: a 128 x 128 NV12 picture encoded 16 times to H.265 (main level) then
    EOS; FFmpeg decodes the 16 pictures the callback appended to data/output.h265."""
    root = extract(tmp_path, VENC_IMAGE) / VENC_IMAGE
    y, uv = nv12_picture(128, 128, seed=2)
    (root / "data" / "dvpp_venc_128x128_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    log = run([sys.executable, "./src/acl_venc.py"], root, sample_env())
    assert "venc process success" in log, log[-3000:]
    with av.open(str(root / "data" / "output.h265"), format="hevc") as stream:
        frames = list(stream.decode(video=0))
    assert len(frames) == 16
    for f in frames:
        luma = f.to_ndarray(format="yuv420p")[:128].astype(np.float64)
        mse = float(np.mean((luma - y) ** 2))
        assert 10 * np.log10(255.0**2 / max(mse, 1e-9)) > 28
