"""Huawei's newer samples under ``inference/modelInference`` (Ascend/samples), built with their own
``scripts/sample_build.sh`` against acl-async's SDK and run with their own run command on the CPU:

- ``sampleResnetQuickStart`` (C++ ``src/`` and ``python/``): OpenCV resize, normalisation on the host, the
  ONNX model converted as the README converts ``resnet50.onnx``;
- ``sampleResnetAIPP`` (C++ and ``python/``): RGB 224 x 224 in, the normalisation done by static AIPP
  (``--insert_op_conf=aipp.cfg``).

The README's ``resnet50.onnx`` and ``aipp.cfg`` are downloads (unreachable offline): the stand-in has the
real input name (``actual_input_1`` 1x3x224x224) and 1000 scores, class k = ``(0.5 + k/1000)`` x the mean of
channel ``k mod 3`` (tests/huawei_samples.py), and our ``aipp.cfg`` has ResNet-50's ImageNet means and
standard deviations that the QuickStart sample applies itself. Every printed top-5 (index and softmax value)
is checked against numpy on OpenCV's resize of the same picture. ``ACL_HOST_INFERENCE_PRECISION=f32``: where
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
from atc_models import write_aipp  # noqa: E402
from huawei_samples import (  # noqa: E402
    build_with_script,
    extract,
    opencv_env,
    resnet50_weights,
    run,
    run_command,
    samples_env,
    write_resnet50_onnx_standin,
)

BASE = "inference/modelInference"
QUICKSTART = f"{BASE}/sampleResnetQuickStart"
AIPP = f"{BASE}/sampleResnetAIPP"
MEAN = np.array([123.675, 116.28, 103.53], np.float32)  # RGB, the QuickStart sample's min_chn_*
VAR_RECI = np.array([0.0171247538316637, 0.0175070028011204, 0.0174291938997821], np.float32)
#: Our aipp.cfg for sampleResnetAIPP: the sample sends RGB888 224 x 224, AIPP normalises as QuickStart does.
RGB_AIPP = {
    "input_format": "RGB888_U8", "src_image_size_w": 224, "src_image_size_h": 224,
    **{f"min_chn_{c}": float(MEAN[c]) for c in range(3)},
    **{f"var_reci_chn_{c}": float(VAR_RECI[c]) for c in range(3)},
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


def check_top5(log: str, pattern: str, picture: Path) -> None:
    found = [(int(k), float(v)) for k, v in re.findall(pattern, log)]
    assert len(found) == 5, log[-3000:]
    probs = softmax(resnet50_weights() @ channel_means(picture))
    assert [k for k, _ in found] == [int(k) for k in np.argsort(-probs, kind="stable")[:5]], found
    for k, v in found:
        assert v == pytest.approx(float(probs[k]), rel=1e-3, abs=1e-6), (k, v, probs[k])


def atc(cwd: Path, *args: str) -> None:
    run([sys.executable, "-m", "acl_async", "atc", "--model=resnet50.onnx", "--framework=5",
         "--output=resnet50", "--input_shape=actual_input_1:1,3,224,224", "--soc_version=Ascend310", *args],
        cwd, dict(os.environ))  # fmt: skip


def prepare(tmp_path: Path, sample: str, folder: str, aipp: bool) -> tuple[Path, Path, dict[str, str]]:
    """The sample (or its python/ twin) as its README prepares it: the model converted into model/, one
    picture in data/. Returns (sample dir, picture, environment)."""
    env = samples_env(tmp_path)  # skips without a clone
    root = extract(tmp_path, sample) / sample / folder
    write_resnet50_onnx_standin(root / "model" / "resnet50.onnx")
    if aipp:
        write_aipp(root / "model" / "aipp.cfg", RGB_AIPP)
    atc(root / "model", *(["--insert_op_conf=aipp.cfg"] if aipp else []))
    picture = root / "data" / "picture.png"
    write_picture(picture, seed=1)
    return root, picture, {**env, "ACL_HOST_INFERENCE_PRECISION": "f32"}


@pytest.mark.parametrize("sample,aipp", [(QUICKSTART, False), (AIPP, True)], ids=["QuickStart", "AIPP"])
def test_cpp_sample(tmp_path, sample, aipp):
    """`bash sample_build.sh` (cmake + make of src/), then `./main` from out/ (sample_run.sh): the printed
    top 5 are the stand-in's softmax on the sample's own preprocessing (host normalisation, or AIPP's)."""
    root, picture, env = prepare(tmp_path, sample, ".", aipp)
    env = opencv_env(env)
    build_with_script(root, env)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    check_top5(log, TOP_CPP, picture)


@pytest.mark.parametrize("sample,aipp", [(QUICKSTART, False), (AIPP, True)], ids=["QuickStart", "AIPP"])
def test_python_sample(tmp_path, sample, aipp):
    """The python/ twin: `python3 sample*.py` from src (sample_run.sh), through pyACL."""
    root, picture, env = prepare(tmp_path, sample, "python", aipp)
    cmd = run_command(root)
    assert cmd[0].startswith("python3"), cmd
    log = run([sys.executable, *cmd[1:]], root / "src", env)
    assert "run finish" in log and "failed" not in log, log[-3000:]
    check_top5(log, TOP_PY, picture)
