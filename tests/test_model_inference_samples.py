"""Huawei's newer samples under ``inference/modelInference`` (Ascend/samples), built with their own
``scripts/sample_build.sh`` against acl-async's SDK and run with their own run command on the CPU:

- ``sampleResnetQuickStart`` (C++ ``src/`` and ``python/``): OpenCV resize, normalisation on the host, the
  ONNX model converted as the README converts ``resnet50.onnx``;
- ``sampleResnetAIPP`` (C++ and ``python/``): RGB 224 x 224 in, the normalisation done by static AIPP
  (``--insert_op_conf=aipp.cfg``);
- ``sampleResnetDVPP`` C++ ``src/`` (JPEGD into 128 x 16 aligned strides, VPC resize, YUV420SP AIPP with
  CSC, on ACL and DVPP directly) and ``CPPAcllite/`` (the same through aclliteCPP, built and installed
  under THIRDPART_PATH by its own Makefile). Its README picture has an odd height (1024 x 683): the C++
  sample hands VPC the height rounded up to 684, one row past what JPEGD reports.

The README's ``resnet50.onnx`` and ``aipp.cfg`` are downloads (unreachable offline): the stand-in has the
real input name (``actual_input_1`` 1x3x224x224) and 1000 scores, class k = ``(0.5 + k/1000)`` x the mean of
channel ``k mod 3`` (tests/huawei_samples.py), and our ``aipp.cfg`` has ResNet-50's ImageNet means and
standard deviations that the QuickStart sample applies itself (for sampleResnetDVPP with JPEG's YUV -> RGB
CSC first). Every printed top-5 (index and softmax value)
is checked against numpy on OpenCV's resize of the same picture (DVPP: on libjpeg's YCbCr of a picture of
flat blocks, whose means a resize keeps). ``ACL_HOST_INFERENCE_PRECISION=f32``: where
OpenVINO infers in bf16 by default, neighbouring classes of the stand-in tie.

The samples were written for OpenCV 3.x (README); Debian's OpenCV 4 needs the include directory and
``imgproc/types_c.h`` in CXXFLAGS (``huawei_samples.opencv_env``). Huawei's files are never copied into this
project: they are read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this
project's machines), and the tests skip without one.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from atc_models import JPEG_YUV2RGB, write_aipp  # noqa: E402
from huawei_samples import (  # noqa: E402
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

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("g++") is None or shutil.which("cmake") is None,
    reason="needs make, g++ and cmake",
)


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


def atc(cwd: Path, *args: str) -> None:
    run([sys.executable, "-m", "acl_async", "atc", "--model=resnet50.onnx", "--framework=5",
         "--output=resnet50", "--input_shape=actual_input_1:1,3,224,224", "--soc_version=Ascend310", *args],
        cwd, dict(os.environ))  # fmt: skip


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


def test_cpp_sample_resnet_dvpp_acllite(tmp_path):
    """sampleResnetDVPP/CPPAcllite: the same through aclliteCPP (ReadJpeg, CopyImageToDevice, JpegD,
    Resize, AclLiteModel), built against the library installed under THIRDPART_PATH."""
    root, picture, env = prepare_dvpp(tmp_path, "CPPAcllite")
    thirdpart = install_acllite(tmp_path / "acllite")
    env = {**sdk_env(thirdpart), "ACL_HOST_INFERENCE_PRECISION": "f32"}
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_top5(log, TOP_CPP, jpeg_channel_means(picture, YUV_AIPP), rel=3e-3)
