"""Huawei's samples that run single operators (Ascend/samples), built and run unmodified with their own build
files and README steps, their operators made by `acl-async atc --singleop` from the samples' own
op_list.json: vpc_resnet50_imagenet_classification, C++ and Python (Cast, then ArgMaxV2 over the scores of
a DVPP + AIPP model), acl_execute_conv2d (a 2 x 1024 x 1024 NHWC Conv2D) and the BLAS gemm sample
(aclblasGemmEx on the GEMM operator). Read from a clone of
Ascend/samples (tests/huawei_samples.py); skipped without one."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_pictures import jpeg_bytes  # noqa: E402
from huawei_samples import (  # noqa: E402
    NEEDS_BUILD_TOOLS,
    build_with_cmake,
    build_with_script,
    extract,
    run,
    samples_env,
    write_resnet50_standin,
)

pytestmark = NEEDS_BUILD_TOOLS

CLASSIFICATION = "cplusplus/level2_simple_inference/1_classification"
VPC_RESNET = f"{CLASSIFICATION}/vpc_resnet50_imagenet_classification"
PY_VPC_RESNET = "python/level2_simple_inference/1_classification/vpc_resnet50_imagenet_classification"
CONV2D = "cplusplus/level2_simple_inference/6_other/acl_execute_conv2d"
GEMM = "cplusplus/level1_single_api/1_acl/4_blas/gemm"


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return samples_env(tmp_path_factory.mktemp("thirdpart"))


def atc(root: Path, env: dict[str, str], *flags: str) -> None:
    run([sys.executable, "-m", "acl_async", "atc", *flags], root, env)


def resnet50_aipp_model(root: Path, env: dict[str, str]) -> None:
    """The README's AIPP model (a Caffe stand-in with ResNet-50's input and 1000 scores) and two pictures:
    red dog1, blue dog2."""
    write_resnet50_standin(root / "caffe_model")
    (root / "model").mkdir()
    atc(root, env, "--model=caffe_model/resnet50.prototxt", "--weight=caffe_model/resnet50.caffemodel",
        "--framework=0", "--soc_version=Ascend310", "--insert_op_conf=caffe_model/aipp.cfg",
        "--output=model/resnet50_aipp")  # fmt: skip
    for name, rgb in (("dog1_1024_683.jpg", (250, 10, 10)), ("dog2_1024_683.jpg", (10, 10, 250))):
        (root / "data" / name).write_bytes(jpeg_bytes(PIL.new("RGB", (1024, 683), rgb)))


def test_vpc_resnet50_cpp_sample(env, tmp_path):
    """aclopSetModelDir, aclopCast and aclopExecuteV2 (ArgMaxV2 with a constant axis) after JPEGD, VPC and the
    model. The sample describes JPEGD's NV12 output as NV21 (YVU) for the VPC resize to NV12, so VPC swaps
    the chroma planes, as the hardware would: red reaches the model as blue. The stand-in's top class is
    then 998 (its largest weight on channel 2, B after the sample's CSC) for the red picture and 999
    (channel 0, R) for the blue one, as the sample prints them."""
    root = extract(tmp_path, VPC_RESNET) / VPC_RESNET
    resnet50_aipp_model(root, env)
    atc(
        root,
        env,
        "--singleop=out/op_models/op_list.json",
        "--soc_version=Ascend310",
        "--output=out/op_models",
    )
    build_with_cmake(root, env)
    log = run(["./main"], root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    assert re.findall(r"index of classification result is (\d+)", log) == ["998", "999"], log[-3000:]


def test_vpc_resnet50_python_sample(env, tmp_path):
    """The pyACL twin (`python3 ./src/acl_sample.py`, README_CN's steps): acl.op.set_model_dir, acl.op.cast
    and acl.op.execute_v2; the same pictures give the same classes, per picture."""
    root = extract(tmp_path, PY_VPC_RESNET) / PY_VPC_RESNET
    resnet50_aipp_model(root, env)
    atc(root, env, "--singleop=op_models/op_list.json", "--soc_version=Ascend310", "--output=op_models/")
    log = run([sys.executable, "./src/acl_sample.py"], root, env)
    found = dict(re.findall(r"image:\S*/(dog\d)_1024_683\.jpg\s+(?:.*\n)*?.*result is:(\d+)", log))
    assert found == {"dog1": "998", "dog2": "999"}, log[-3000:]


def test_acl_execute_conv2d_sample(env, tmp_path):
    """acl_execute_conv2d: `atc --singleop=model/op_list.json` writes the file name its build script looks
    for (CANN's: index, type, then each tensor's data type, format and dims), sample_build.sh builds it
    against $INSTALL_DIR/include and $INSTALL_DIR/compiler/lib64/stub, and its main convolves a
    2 x 1024 x 1024 x 3 NHWC float16 input with an NCHW 6 x 3 x 3 x 3 filter (pads 1): equal to numpy's
    convolution within float16 rounding."""
    root = extract(tmp_path, CONV2D) / CONV2D
    atc(root, env, "--singleop=model/op_list.json", "--soc_version=Ascend310", "--output=model")
    assert (root / "model" / "0_Conv2D_1_1_2_1024_1024_3_1_0_6_3_3_3_1_1_2_1024_1024_6.om").is_file()
    build_with_script(root, env)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 10, (2, 1024, 1024, 3)).astype(np.float16)
    w = rng.integers(1, 3, (6, 3, 3, 3)).astype(np.float16)
    x.tofile(root / "data" / "x.bin")
    w.tofile(root / "data" / "w.bin")
    log = run(["../out/main", "../data/x.bin", "../data/w.bin", "../data/out.bin"], root / "scripts", env)
    assert "execute op success" in log and "[ERROR]" not in log, log[-3000:]
    out = np.fromfile(root / "data" / "out.bin", np.float16).reshape(2, 1024, 1024, 6).astype(np.float32)
    xp = np.pad(x.astype(np.float32), ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = np.zeros(out.shape, np.float32)
    for kh in range(3):
        for kw in range(3):
            want += np.einsum(
                "nhwc,oc->nhwo", xp[:, kh : kh + 1024, kw : kw + 1024, :], w[:, :, kh, kw].astype(np.float32)
            )
    np.testing.assert_allclose(out, want, rtol=2e-3)


def test_blas_gemm_sample(env, tmp_path):
    """4_blas/gemm as its README runs it: generate_data.py writes random A, B, C and numpy's 2 A @ B + C
    (float32 sums rounded to float16), `atc --singleop=run/out/test_data/config/gemm.json`, cmake, make,
    ./execute_gemm_op; its result is numpy's to one float16 unit in the last place. The sample's own
    verify_result.py asks for equal bytes, which no other summation order gives every time: numpy's BLAS
    sums each float32 dot product in its own blocked order, so a value a few float32 units from a float16
    rounding boundary rounds the other way (one element of 256 once in CI; 0 in 30 runs by hand)."""
    root = extract(tmp_path, GEMM) / GEMM
    run([sys.executable, "generate_data.py"], root / "run" / "out" / "test_data" / "data", env)
    atc(root, env, "--singleop=run/out/test_data/config/gemm.json", "--soc_version=Ascend310",
        "--output=run/out/op_models")  # fmt: skip
    build_with_cmake(root, env)
    log = run(["./execute_gemm_op"], root / "run" / "out", env)
    assert "Launch Gemm kernel success" in log and "[ERROR]" not in log, log[-3000:]
    out = root / "run" / "out"
    ours = np.fromfile(out / "result_files" / "matrix_c.bin", np.float16)
    want = np.fromfile(out / "test_data" / "data" / "output.bin", np.float16)
    assert ours.shape == want.shape == (256,)
    np.testing.assert_array_max_ulp(ours, want, maxulp=1)
