"""Huawei's DVPP image samples (Ascend/samples, cplusplus/level2_simple_inference/0_data_process: jpegd,
jpege, resize, crop, cropandpaste, batchcrop), built unmodified with their own build files and README
steps against acl-async's SDK and run on the CPU; each output is compared with what the operation gives
done directly on the same input (Pillow's libjpeg decode, the input's own pixels, a bilinear reference).
Their input files are written where the build scripts look first, so nothing is downloaded."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL.Image")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_pictures import jpeg_bytes, luma, scene  # noqa: E402
from huawei_samples import (  # noqa: E402
    DATA_PROCESS,
    NEEDS_BUILD_TOOLS,
    build_with_cmake,
    build_with_script,
    extract,
    nv12_picture,
    run,
    run_command,
    samples_env,
    write_resnet50_standin,
)

pytestmark = NEEDS_BUILD_TOOLS


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    return samples_env(tmp_path_factory.mktemp("thirdpart"))


def sample(tmp_path: Path, name: str) -> Path:
    return extract(tmp_path, f"{DATA_PROCESS}/{name}") / DATA_PROCESS / name


def run_sample(root: Path, env: dict[str, str]) -> str:
    """sample_run.sh's command, from out/ (which its `running` function enters)."""
    (root / "out" / "output").mkdir(parents=True, exist_ok=True)
    log = run(run_command(root), root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    return log


def read_nv12(path: Path, w: int, h: int, ws: int, hs: int) -> tuple[np.ndarray, np.ndarray]:
    data = np.fromfile(path, np.uint8)
    assert data.size == ws * hs * 3 // 2, (path, data.size)
    return data[: ws * hs].reshape(hs, ws)[:h, :w], data[ws * hs :].reshape(hs // 2, ws)[: h // 2, :w]


def bilinear(plane: np.ndarray, w: int, h: int) -> np.ndarray:
    """Bilinear resize with half-pixel centres (cv2.INTER_LINEAR's mapping), in float."""
    sy = np.clip((np.arange(h) + 0.5) * plane.shape[0] / h - 0.5, 0, plane.shape[0] - 1)
    sx = np.clip((np.arange(w) + 0.5) * plane.shape[1] / w - 0.5, 0, plane.shape[1] - 1)
    y0, x0 = np.floor(sy).astype(int), np.floor(sx).astype(int)
    y1, x1 = np.minimum(y0 + 1, plane.shape[0] - 1), np.minimum(x0 + 1, plane.shape[1] - 1)
    fy, fx = (sy - y0)[:, None], (sx - x0)[None, :]
    p = plane.astype(np.float64)
    top = p[y0][:, x0] * (1 - fx) + p[y0][:, x1] * fx
    bottom = p[y1][:, x0] * (1 - fx) + p[y1][:, x1] * fx
    return top * (1 - fy) + bottom * fy


def test_jpegd_sample(env, tmp_path):
    """jpegd: a 1024x683 JPEG to NV12 with width stride 1024 and height stride 688 (16-aligned), its
    luma byte-equal to libjpeg's (Pillow's) decode."""
    root = sample(tmp_path, "jpegd")
    jpeg = jpeg_bytes(scene(1024, 683), quality=90)
    (root / "data" / "dog1_1024_683.jpg").write_bytes(jpeg)
    build_with_script(root, env)
    run_sample(root, env)
    (out,) = (root / "out" / "output").glob("*.yuv")
    y, _ = read_nv12(out, 1024, 683, 1024, 688)
    assert np.array_equal(y, luma(jpeg))


def test_jpege_sample(env, tmp_path):
    """jpege: a 1024x688 NV12 picture encoded to a JPEG that Pillow decodes back to it (PSNR > 35 dB)."""
    root = sample(tmp_path, "jpege")
    y, uv = nv12_picture(1024, 688)
    (root / "data" / "dvpp_output.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_script(root, env)
    run_sample(root, env)
    (out,) = (root / "out" / "output").glob("*.jpg")
    back = luma(out.read_bytes())
    assert back.shape == (688, 1024)
    mse = float(np.mean((back.astype(np.float64) - y) ** 2))
    assert 10 * np.log10(255.0**2 / max(mse, 1e-9)) > 35


def test_resize_sample(env, tmp_path):
    """resize: 1920x1080 NV12 to 224x224, each plane within 2 levels (mean) of a bilinear resize."""
    root = sample(tmp_path, "resize")
    ycbcr = np.asarray(scene(1920, 1080).convert("YCbCr"))
    y = ycbcr[..., 0].copy()
    uv = np.empty((540, 1920), np.uint8)
    uv[:, 0::2], uv[:, 1::2] = ycbcr[::2, ::2, 1], ycbcr[::2, ::2, 2]
    (root / "data" / "wood_rabbit_1024_1068_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_script(root, env)
    run_sample(root, env)
    oy, ouv = read_nv12(root / "out" / "output" / "output.yuv", 224, 224, 224, 224)
    assert np.abs(oy - bilinear(y, 224, 224)).mean() < 2.0
    for c in (0, 1):
        assert np.abs(ouv[:, c::2] - bilinear(uv[:, c::2], 112, 112)).mean() < 2.0


def test_crop_sample(env, tmp_path):
    """crop: the 224x224 area at (350, 280) of a 1024x1068 NV12 picture, pixel for pixel."""
    root = sample(tmp_path, "crop")
    y, uv = nv12_picture(1024, 1068, seed=1)
    (root / "data" / "wood_rabbit_1024_1068_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_script(root, env)
    run_sample(root, env)
    oy, ouv = read_nv12(root / "out" / "output" / "output.yuv", 224, 224, 224, 224)
    assert np.array_equal(oy, y[280:504, 350:574])
    assert np.array_equal(ouv, uv[140:252, 350:574])


def test_cropandpaste_sample(env, tmp_path):
    """cropandpaste: the 200x200 area at (512, 512) pasted at (16, 0) of a 224x224 picture."""
    root = sample(tmp_path, "cropandpaste")
    y, uv = nv12_picture(1024, 1068, seed=2)
    (root / "data" / "wood_rabbit_1024_1068_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_script(root, env)
    run_sample(root, env)
    oy, ouv = read_nv12(root / "out" / "output" / "output.yuv", 224, 224, 224, 224)
    assert np.array_equal(oy[0:200, 16:216], y[512:712, 512:712])
    assert np.array_equal(ouv[0:100, 16:216], uv[256:356, 512:712])


def test_small_resolution_cropandpaste_sample(env, tmp_path):
    """smallResolution_cropandpaste (README: cmake ../../../src, make, its ./main command line): the 6x6
    corner of a 1080p NV12 picture pasted as 224x224, in two VPC calls (the sample widens a crop under
    10x6 first). That corner's chroma is one U and one V, and so must the output's be: libyuv's
    interleaved UV scaler (weights 127 - f and f) turned its 100/150 into 98/146."""
    root = sample(tmp_path, "smallResolution_cropandpaste")
    y, uv = nv12_picture(1920, 1080, seed=3)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "dvpp_vpc_1920x1080_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_cmake(root, env)
    args = "--inImgName ../data/dvpp_vpc_1920x1080_nv12.yuv --inFormat 1 --inWidth 1920 --inHeight 1080 "
    args += "--cLeftOffset 0 --cRightOffset 5 --cTopOffset 0 --cBottomOffset 5 "
    args += "--outImgName output_224_224.yuv --outFormat 1 --outWidth 224 --outHeight 224 "
    args += "--pLeftOffset 0 --pRightOffset 223 --pTopOffset 0 --pBottomOffset 223"
    log = run(["./main", *args.split()], root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    oy, ouv = read_nv12(root / "out" / "output_224_224.yuv", 224, 224, 224, 224)
    corner_y, corner_uv = y[:6, :6], uv[:3, :6]
    assert np.unique(corner_uv[:, 0::2]).size == 1 and np.unique(corner_uv[:, 1::2]).size == 1
    assert np.unique(ouv[:, 0::2]).tolist() == [corner_uv[0, 0]]
    assert np.unique(ouv[:, 1::2]).tolist() == [corner_uv[0, 1]]
    assert corner_y.min() <= oy.min() and oy.max() <= corner_y.max()
    assert abs(float(oy.mean()) - float(corner_y.mean())) < 1.5


def test_batchcrop_sample(env, tmp_path):
    """batchcrop (README: cmake ../../../src, make, ./main from out/): eight 224x224 areas of one 1080p
    NV12 picture in one acldvppVpcBatchCropResizeAsync, each pixel for pixel."""
    root = sample(tmp_path, "batchcrop")
    y, uv = nv12_picture(1920, 1080, seed=3)
    (root / "data" / "dvpp_vpc_1920x1080_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    build_with_cmake(root, env)
    log = run(["./main"], root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    areas = [(20, 20), (30, 200), (100, 300), (200, 400), (0, 600), (230, 350), (600, 188), (500, 600)]
    for i, (left, top) in enumerate(areas):
        oy, ouv = read_nv12(root / "out" / f"cropName{i}", 224, 224, 224, 224)
        assert np.array_equal(oy, y[top : top + 224, left : left + 224]), i
        assert np.array_equal(ouv, uv[top // 2 : top // 2 + 112, left : left + 224]), i


CLASSIFICATION = "cplusplus/level2_simple_inference/1_classification"
VPC_JPEG_RESNET = f"{CLASSIFICATION}/vpc_jpeg_resnet50_imagenet_classification"


#: The C++ vpc_jpeg sample's aipp.cfg: CSC with its own matrix and biases (the Python twin's gives none,
#: so CANN's defaults apply: acl_async.atc.aipp.YUV2BGR_MATRIX with input biases 16, 128, 128).
CPP_CSC = {"matrix": (256, 0, 359, 256, -88, -183, 256, 454, 0), "bias": (0, 128, 128)}


def sample_aipp_means(yuv: np.ndarray, csc: dict[str, tuple[int, ...]] | None = None) -> np.ndarray:
    """The per-channel means a 224 x 224 NV12 picture has after the vpc_jpeg samples' AIPP (CSC, then the
    channel means 123, 117, 104 subtracted): what the stand-in's pooling sees."""
    from atc_models import aipp_reference

    from acl_async.atc.aipp import YUV2BGR_MATRIX

    csc = csc or {"matrix": YUV2BGR_MATRIX, "bias": (16, 128, 128)}
    cfg: dict[str, object] = {"csc_switch": True, "min_chn_0": 123, "min_chn_1": 117, "min_chn_2": 104}
    cfg.update({f"matrix_r{i // 3}c{i % 3}": v for i, v in enumerate(csc["matrix"])})
    cfg.update({f"input_bias_{i}": v for i, v in enumerate(csc["bias"])})
    return aipp_reference(yuv.reshape(336, 224, 1), "YUV420SP_U8", cfg).mean(axis=(0, 2, 3))


@pytest.fixture(scope="module")
def vpc_jpeg_resnet50(env, tmp_path_factory) -> Path:
    """vpc_jpeg_resnet50_imagenet_classification as its README builds it: the model converted by
    `atc --insert_op_conf=caffe_model/aipp.cfg` (a Caffe stand-in with ResNet-50's input and 1000 outputs,
    tests/huawei_samples.py), cmake ../../../src and make; its two JPEGs written to data/."""
    root = extract(tmp_path_factory.mktemp("vpcjpeg"), VPC_JPEG_RESNET) / VPC_JPEG_RESNET
    write_resnet50_standin(root / "caffe_model")
    (root / "model").mkdir()
    run([sys.executable, "-m", "acl_async", "atc", "--model=caffe_model/resnet50.prototxt",
         "--weight=caffe_model/resnet50.caffemodel", "--framework=0", "--soc_version=Ascend310",
         "--insert_op_conf=caffe_model/aipp.cfg", "--output=model/resnet50_aipp"], root, env)  # fmt: skip
    (root / "data" / "persian_cat_1024_1536_283.jpg").write_bytes(jpeg_bytes(scene(1024, 1536, seed=1)))
    (root / "data" / "wood_rabbit_1024_1061_330.jpg").write_bytes(jpeg_bytes(scene(1024, 1061, seed=2)))
    build_with_cmake(root, env)
    return root


@pytest.mark.parametrize("mode", [0, 1, 2], ids=["resize", "crop", "cropandpaste"])
def test_vpc_jpeg_resnet50_sample(vpc_jpeg_resnet50, env, mode):
    """`./main 0|1|2`: JPEGD, VPC resize / crop / crop-and-paste to the model's 224x224, then the AIPP
    model; each picture's 1000 scores are the model of the VPC output the sample saved (dvpp_output_N,
    NV12), read back through the stand-in's weights: per-channel means of CANN's YUV->BGR AIPP."""
    root = vpc_jpeg_resnet50
    result = root / "out" / "result"
    shutil.rmtree(result, ignore_errors=True)
    log = run(["./main", str(mode)], root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    w = write_resnet50_standin(root / "caffe_model")
    for index in (0, 1):
        yuv = np.fromfile(result / f"dvpp_output_{index}", np.uint8)
        assert yuv.size == 224 * 224 * 3 // 2
        means = sample_aipp_means(yuv, CPP_CSC)
        scores = np.fromfile(result / f"model_output_{index}", np.float32)
        assert scores.shape == (1000,)
        ours = np.array([scores[k] / w[k, k % 3] for k in (999, 997, 998)])  # channels 0, 1, 2
        np.testing.assert_allclose(ours, means, atol=1.0)  # within a level of the reference's means
        np.testing.assert_allclose(scores, w @ ours, rtol=2e-2, atol=0.05)  # the network: pooling, then W


def test_vpc_jpeg_resnet50_jpege_and_8k_resize(vpc_jpeg_resnet50, env):
    """`./main 3` encodes a 1024x1068 NV12 picture to JPEG (Pillow reads it back, PSNR > 35 dB);
    `./main 4` resizes an 8192x8192 NV12 picture to 4000x4000 (VPC's 8K input)."""
    root = vpc_jpeg_resnet50
    y, uv = nv12_picture(1024, 1068, seed=4)
    (root / "data" / "wood_rabbit_1024_1068_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    log = run(["./main", "3"], root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    (jpg,) = (root / "out" / "result").glob("*.jpg")
    back = luma(jpg.read_bytes())
    assert back.shape == (1068, 1024)
    mse = float(np.mean((back.astype(np.float64) - y) ** 2))
    assert 10 * np.log10(255.0**2 / max(mse, 1e-9)) > 35
    big = np.full(8192 * 8192 * 3 // 2, 128, np.uint8)
    big[: 8192 * 8192] = np.tile(np.arange(8192, dtype=np.uint32) // 32 % 256, 8192).astype(np.uint8)
    big.tofile(root / "data" / "dvpp_vpc_8192x8192_nv12.yuv")
    log = run(["./main", "4"], root / "out", env)
    assert "dvpp process 8k resize success" in log and "[ERROR]" not in log, log[-3000:]
    out = np.fromfile(root / "out" / "result" / "dvpp_vpc_4000x4000_nv12.yuv", np.uint8)
    assert out.size == 4000 * 4000 * 3 // 2
    row = out[:4000].astype(np.float64)  # the first luma row: the 8K gradient, resized
    want = bilinear(big[:8192].reshape(1, 8192), 4000, 1)[0]
    assert np.abs(row - want).mean() < 2.0


PY_VPC_JPEG = "python/level2_simple_inference/1_classification/vpc_jpeg_resnet50_imagenet_classification"


@pytest.fixture(scope="module")
def py_vpc_jpeg(env, tmp_path_factory) -> Path:
    """The pyACL twin of vpc_jpeg_resnet50 (python/level2_simple_inference), its model converted as its
    README says, its default JPEG (1024 x 1536) and the README's NV12 picture in data/."""
    root = extract(tmp_path_factory.mktemp("pyvpc"), PY_VPC_JPEG) / PY_VPC_JPEG
    write_resnet50_standin(root / "caffe_model")
    (root / "model").mkdir()
    run([sys.executable, "-m", "acl_async", "atc", "--model=caffe_model/resnet50.prototxt",
         "--weight=caffe_model/resnet50.caffemodel", "--framework=0", "--output=model/resnet50_aipp",
         "--soc_version=Ascend310", "--insert_op_conf=caffe_model/aipp.cfg"], root, env)  # fmt: skip
    (root / "data" / "persian_cat_1024_1536_283.jpg").write_bytes(jpeg_bytes(scene(1024, 1536, seed=1)))
    y, uv = nv12_picture(1024, 1068, seed=5)
    (root / "data" / "wood_rabbit_1024_1068_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    return root


@pytest.mark.parametrize("mode", [0, 1, 2, 3, 5, 6])
def test_vpc_jpeg_resnet50_python_sample(py_vpc_jpeg, env, mode):
    """`python3 ./src/main.py` as its README runs it: JPEGD + resize (0, the default picture), crop (1),
    crop-and-paste (2) into the model, whose top-1 is the stand-in's of the saved VPC output; JPEGE (3);
    batch crop (5) and batch crop-and-paste (6) writing 8 pictures each."""
    root = py_vpc_jpeg
    shutil.rmtree(root / "vpc_out", ignore_errors=True)
    args = [sys.executable, "./src/main.py", f"--dvpp_type={mode}"]
    if mode:
        args += ["--images_path=./data/wood_rabbit_1024_1068_nv12.yuv", "--image_type=yuv"]
    if mode >= 5:
        args += ["--in_batch_size=1", "--out_batch_size=8"]
    log = run(args, root, env)
    out = root / "vpc_out"
    if mode == 3:
        (jpg,) = out.glob("*.jpg")
        assert luma(jpg.read_bytes()).shape == (1068, 1024)
        return
    if mode >= 5:
        crops = sorted(out.glob(f"*_{mode}crop_*_.yuv"))
        assert len(crops) == 8 and all(c.stat().st_size > 0 for c in crops), log[-2000:]
        return
    stem = "persian_cat_1024_1536_283" if mode == 0 else "wood_rabbit_1024_1068_nv12"
    yuv = np.fromfile(out / f"{stem}_{mode}.yuv", np.uint8)[: 224 * 224 * 3 // 2]  # what the model reads
    scores = write_resnet50_standin(root / "caffe_model") @ sample_aipp_means(yuv)
    top5 = re.findall(r"label:(\d+)\s+prob: ([-\d.]+)", log)
    assert len(top5) == 5, log[-2000:]
    for label, prob in top5:  # each printed score is the stand-in's of the picture VPC made
        assert float(prob) == pytest.approx(scores[int(label)], rel=3e-2, abs=0.1), (label, log[-2000:])
