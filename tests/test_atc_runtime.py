"""Models converted by `acl-async atc`, run by the host runtime.

- The C program test_acl_dynamic (built like an unmodified application) follows Huawei's
  dynamic-batch flow on a dynamic batch 1,2,4,8 model and a dynamic image size model; every gear's
  output is compared with OpenVINO run directly on the same data at that shape.
- Static AIPP, for each input format: the .om's output for a uint8 picture equals the plain
  network run by OpenVINO on the same picture preprocessed in numpy by CANN's documented AIPP
  formulas (tests/atc_models.py), within 1e-4 (absolute and relative; the CSC integer arithmetic
  is exact in float32, so only the network's own float rounding differs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models  # noqa: E402
from test_host_runtime import _run, ctest_build, ddk, programs  # noqa: E402,F401  (session fixtures)

from acl_async.cli import main as cli_main  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")
BASE = ["--framework=5", "--soc_version=Ascend310"]
TOL = dict(rtol=1e-4, atol=1e-4)


def _atc(*argv: str) -> None:
    assert cli_main(["atc", *BASE, *argv]) == 0


@pytest.fixture(scope="module")
def gear_models(tmp_path_factory) -> list[Path]:
    import openvino as ov

    d = tmp_path_factory.mktemp("atc_gears")
    net = atc_models.make_classifier(d / "net.onnx")
    hw_net = atc_models.make_classifier(d / "hw.onnx", n=1)
    _atc(
        f"--model={net}",
        f"--output={d / 'batch'}",
        "--input_shape=data:-1,3,16,16",
        "--dynamic_batch_size=1,2,4,8",
    )
    _atc(f"--model={hw_net}", f"--output={d / 'hw'}", "--input_shape=data:1,3,-1,-1",
         "--dynamic_image_size=8,8;16,16")  # fmt: skip
    core = ov.Core()
    x = np.random.default_rng(1).standard_normal((8, 3, 16, 16)).astype(np.float32)
    batch = core.compile_model(net, "CPU")
    # Every row of the batch output depends on its own picture only: the first b rows are gear b's answer;
    # check that against OpenVINO at each gear's shape here.
    full = batch(x)[0]
    for b in (1, 2, 4, 8):
        np.testing.assert_allclose(batch(x[:b])[0], full[:b], **TOL)
    x.tofile(d / "batch_in.bin")
    full.astype(np.float32).tofile(d / "batch_out.bin")
    hw = core.compile_model(hw_net, "CPU")
    x[:1].tofile(d / "hw_in.bin")
    hw(x[:1])[0].astype(np.float32).tofile(d / "hw_out.bin")
    hw(x[:1].reshape(-1)[: 3 * 8 * 8].reshape(1, 3, 8, 8))[0].astype(np.float32).tofile(d / "hw_out8.bin")
    conf = atc_models.write_aipp(d / "nv12.cfg", {
        "input_format": "YUV420SP_U8", "src_image_size_w": 20, "src_image_size_h": 18, "crop": True,
        "load_start_pos_w": 2, "load_start_pos_h": 2, "crop_size_w": 16, "crop_size_h": 16,
        "csc_switch": True, **atc_models.JPEG_YUV2RGB, "mean_chn_0": 104, "var_reci_chn_0": 0.5,
    })  # fmt: skip
    _atc(
        f"--model={net}",
        f"--output={d / 'aipp'}",
        "--input_shape=data:-1,3,16,16",
        "--dynamic_batch_size=1,2",
        f"--insert_op_conf={conf}",
        "--output_type=FP32",
        "--input_format=NCHW",
    )
    return [d / "batch.om", d / "batch_in.bin", d / "batch_out.bin", d / "hw.om", d / "hw_in.bin",
            d / "hw_out.bin", d / "hw_out8.bin", d / "aipp.om"]  # fmt: skip


@pytest.mark.parametrize("strict", ["1", "0"])
def test_dynamic_gears_c_program(programs, gear_models, strict):  # noqa: F811
    _run(programs["test_acl_dynamic"], gear_models, {"ACL_HOST_STRICT": strict})


CASES = {
    "RGB888_U8": {"rbuv_swap_switch": True, "mean_chn_0": 104, "mean_chn_1": 117, "mean_chn_2": 123,
                  "var_reci_chn_0": 0.017, "var_reci_chn_1": 0.0175, "var_reci_chn_2": 0.0174},
    "RGB888_U8-csc": {"csc_switch": True, **atc_models.RGB2YUV, "min_chn_0": 16.5, "var_reci_chn_1": 0.5},
    "XRGB8888_U8": {"ax_swap_switch": False, "min_chn_0": 127.5, "min_chn_1": 127.5, "min_chn_2": 127.5,
                    "var_reci_chn_0": 0.0078, "var_reci_chn_1": 0.0078, "var_reci_chn_2": 0.0078},
    "YUV420SP_U8": {"csc_switch": True, "rbuv_swap_switch": True, **atc_models.JPEG_YUV2RGB,
                    "mean_chn_0": 100,
                    "var_reci_chn_2": 2.0},
    "YUV400_U8": {"mean_chn_0": 50, "min_chn_0": 0.5, "var_reci_chn_0": 0.01},
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("crop", [False, True])
def test_static_aipp_matches_numpy_reference(tmp_path, case, crop):
    import openvino as ov

    from acl_async import Session

    fmt = case.split("-")[0]
    channels = 1 if fmt == "YUV400_U8" else 3
    net = atc_models.make_classifier(tmp_path / "net.onnx", channels=channels)
    cfg: dict[str, object] = {"input_format": fmt, **CASES[case]}
    src_h, src_w = (20, 24) if crop else (16, 16)
    cfg.update(src_image_size_w=src_w, src_image_size_h=src_h)
    if crop:
        cfg.update(crop=True, load_start_pos_w=4, load_start_pos_h=2, crop_size_w=16, crop_size_h=16)
    conf = atc_models.write_aipp(tmp_path / "aipp.cfg", cfg)
    _atc(f"--model={net}", f"--output={tmp_path / 'aipp'}", f"--input_shape=data:1,{channels},16,16",
         f"--insert_op_conf={conf}")  # fmt: skip
    pic = atc_models.picture(fmt, src_h, src_w, seed=len(case))
    expected = ov.Core().compile_model(net, "CPU")(atc_models.aipp_reference(pic, fmt, cfg))[0]
    with Session() as session:
        model = session.load_model(str(tmp_path / "aipp.om"))
        desc = model.inputs[0]
        assert desc.dtype == np.uint8 and list(desc.shape) == [1, *pic.shape]
        assert desc.size == pic.nbytes  # aclmdlGetInputSizeByIndex: the source picture
        got = model.infer([pic[None]])[0]
    np.testing.assert_allclose(got, expected, **TOL)


def test_driver_and_classify_feed_pictures_to_an_aipp_model(tmp_path, capsys):
    """An .om with RGB888_U8 AIPP: the commands hand decoded uint8 pictures straight in (no float
    preprocessing) and classify the shipped photos as the plain ONNX model does."""
    from acl_async import Session, preprocess, zoo
    from acl_async.cli import main as cli

    onnx_path = zoo.model_path(zoo.DEFAULT_MODEL)
    conf = atc_models.write_aipp(tmp_path / "rgb.cfg", {
        "input_format": "RGB888_U8", "src_image_size_w": 224, "src_image_size_h": 224,
        **{f"min_chn_{i}": 127.5 for i in range(3)}, **{f"var_reci_chn_{i}": 1 / 127.5 for i in range(3)},
    })  # fmt: skip
    om = tmp_path / "eff_aipp.om"
    _atc(
        f"--model={onnx_path}",
        f"--output={om.with_suffix('')}",
        f"--insert_op_conf={conf}",
        "--output_type=FP32",
    )
    with Session() as session:
        desc = session.load_model(str(om)).inputs[0]
        assert preprocess.is_uint8_image_input(list(desc.shape), desc.dtype_name)
    pictures = zoo.default_pictures()
    capsys.readouterr()
    assert cli(["classify", "-m", str(om), "-i", *map(str, pictures), "-nt", "1"]) == 0
    tops = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line[:1].isdigit()]
    assert cli(["classify", "-m", str(onnx_path), "-i", *map(str, pictures), "-nt", "1"]) == 0
    expected = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line[:1].isdigit()]
    assert tops == expected and len(tops) == len(pictures)
    assert cli(["3", "1", "3", "-m", str(om), "-q"]) == 0
    assert "top 1" in capsys.readouterr().out


def test_fp16_input_and_output_type(tmp_path):
    """--input_fp16_nodes and --output_type: the sample's fp16 `data` in, the requested output type out."""
    import openvino as ov

    from acl_async import Session

    net = atc_models.make_classifier(tmp_path / "net.onnx")
    _atc(f"--model={net}", f"--output={tmp_path / 'half'}", "--input_shape=data:1,3,16,16",
         "--input_fp16_nodes=data", "--output_type=FP16")  # fmt: skip
    x = np.random.default_rng(5).standard_normal((1, 3, 16, 16)).astype(np.float16)
    expected = ov.Core().compile_model(net, "CPU")(x.astype(np.float32))[0]
    with Session() as session:
        model = session.load_model(str(tmp_path / "half.om"))
        assert model.inputs[0].dtype == np.float16 and model.outputs[0].dtype == np.float16
        assert model.inputs[0].size == x.nbytes
        got = model.infer([x])[0]
    np.testing.assert_allclose(got.astype(np.float32), expected, rtol=1e-2, atol=1e-2)


def test_tensorflow_frozen_graph(tmp_path):
    """--framework=3: a TensorFlow frozen .pb, read by OpenVINO's TensorFlow frontend."""
    from acl_async import Session

    w = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    pb = atc_models.make_tf_matmul(tmp_path / "net.pb", w)
    assert (
        cli_main(["atc", f"--model={pb}", "--framework=3", f"--output={tmp_path / 'tf'}", "--soc_version=S"])
        == 0
    )
    import openvino as ov

    x = np.arange(4, dtype=np.float32)[None]
    expected = ov.Core().compile_model(pb, "CPU")(x)[0]  # OpenVINO run directly on the .pb
    with Session() as session:
        got = session.load_model(str(tmp_path / "tf.om")).infer([x])[0]
    np.testing.assert_allclose(got, expected, **TOL)
    np.testing.assert_allclose(got, x @ w, rtol=1e-2)  # the CPU may infer in bf16


def test_truncated_container_and_real_cann_om_are_refused_clearly(tmp_path):
    from acl_async import AclError, Session

    net = atc_models.make_classifier(tmp_path / "net.onnx")
    _atc(f"--model={net}", f"--output={tmp_path / 'ok'}", "--input_shape=data:1,3,16,16")
    data = (tmp_path / "ok.om").read_bytes()
    (tmp_path / "cut.om").write_bytes(data[: len(data) - 10])
    (tmp_path / "cann.om").write_bytes(b"IMOD" + bytes(252))
    with Session() as session:
        assert session.load_model(str(tmp_path / "ok.om")).inputs[0].size == 3 * 16 * 16 * 4
        with pytest.raises(AclError, match="truncated or corrupt acl-async .om") as cut:
            session.load_model(str(tmp_path / "cut.om"))
        assert cut.value.code == 100013  # ACL_ERROR_PARSE_MODEL
        with pytest.raises(AclError, match="Ascend offline model"):
            session.load_model(str(tmp_path / "cann.om"))


def test_bench_runs_each_dynamic_batch_gear(gear_models, tmp_path, capsys):
    """`acl-async bench -b N` on a dynamic-batch .om: buffers of the largest profile, the profile N
    written into ACL_DYNAMIC_TENSOR_NAME, throughput counted in N-picture batches."""
    import csv

    from acl_async import Session
    from acl_async.bench.inputs import InputSource
    from acl_async.model_io import describe_inputs

    om = str(gear_models[0])
    with Session() as session:
        model = session.load_model(om)
        assert [list(d.shape) for d in model.inputs] == [[8, 3, 16, 16], [1]]  # the largest profile
        x = np.fromfile(gear_models[1], np.float32).reshape(8, 3, 16, 16)
        expected = np.fromfile(gear_models[2], np.float32).reshape(8, 5)
        for b in (1, 2, 4, 8):
            got = model.infer([x, np.array([b], np.int64)])[0]
            np.testing.assert_allclose(got[:b], expected[:b], **TOL)
        # Profile b runs on b pictures only: with NaN past them, a runtime that ran the largest profile
        # instead would write NaN rows there (Model.infer reuses one block, so those rows hold the
        # finite results of the run before).
        for b in (1, 2, 4):
            poisoned = x.copy()
            poisoned[b:] = np.nan
            got = model.infer([poisoned, np.array([b], np.int64)])[0]
            np.testing.assert_allclose(got[:b], expected[:b], **TOL)
            assert np.isfinite(got[b:]).all(), f"profile {b} computed rows past its batch"
        source = InputSource(describe_inputs(model), 4)  # what bench -b 4 runs: profile 4 in its input
        assert [a.reshape(-1).tolist() for a in source.decode(0)[1:]] == [[4]]
    for b in (1, 2, 4, 8):
        report = tmp_path / f"gear{b}.csv"
        assert (
            cli_main(
                ["bench", "-m", om, "-b", str(b), "-api", "sync", "-niter", "3", "--report-csv", str(report)]
            )
            == 0
        )
        row = next(csv.DictReader(report.open()))
        assert row["batch"] == str(b) and row["count"] == "3"
    capsys.readouterr()
    assert cli_main(["bench", "-m", om, "-b", "3", "-api", "sync", "-niter", "1"]) == 1
    err = capsys.readouterr().err
    assert "not a profile of the model" in err and err.count("\n") == 1


def test_caffe_network_with_aipp_and_kept_source_runs_in_the_host_runtime(tmp_path):
    """A Caffe net in the legacy `input_dim` form (conv -> in-place ReLU -> ceil-mode pool), converted
    with RGB888 AIPP, --out_nodes and --save_original_model: the host runtime loads the .om (source bytes
    after the IR weights) and matches the network without AIPP run by OpenVINO on the picture normalised by
    numpy's AIPP reference (and, within bf16 rounding, numpy's Caffe reference)."""
    from acl_async import Session

    rng = np.random.default_rng(9)
    w = (rng.standard_normal((2, 3, 3, 3)) * 0.1).astype(np.float32)
    layers = [
        {"name": "conv", "type": "Convolution", "bottom": "data", "top": "conv",
         "convolution_param": {"num_output": 2, "kernel_size": 3, "bias_term": False, "pad": 1}},
        {"name": "relu", "type": "ReLU", "bottom": "conv", "top": "conv"},
        {"name": "pool", "type": "Pooling", "bottom": "conv", "top": "pool",
         "pooling_param": {"pool": "MAX", "kernel_size": 2, "stride": 2}},
    ]  # fmt: skip
    proto, weights = atc_models.write_caffe(tmp_path, "net", {}, layers, {"conv": [w]})
    text = Path(proto).read_text()
    Path(proto).write_text('input: "data"\n' + "".join(f"input_dim: {d}\n" for d in (1, 3, 9, 9)) + text)
    aipp = {"input_format": "RGB888_U8", "src_image_size_w": 9, "src_image_size_h": 9}
    conf = atc_models.write_aipp(tmp_path / "rgb.cfg", {**aipp, "mean_chn_0": 100, "var_reci_chn_2": 0.5})
    assert cli_main(["atc", "--framework=0", "--soc_version=Ascend310", f"--model={proto}",
                     f"--weight={weights}", f"--output={tmp_path / 'caffe'}", f"--insert_op_conf={conf}",
                     "--out_nodes=pool:0", "--save_original_model=true"]) == 0  # fmt: skip
    pic = atc_models.picture("RGB888_U8", 9, 9, seed=4)
    x = atc_models.aipp_reference(pic, "RGB888_U8", {"mean_chn_0": 100, "var_reci_chn_2": 0.5})
    reference = atc_models.ref_pool(np.maximum(atc_models.ref_conv(x, w, None, pad=1), 0), "MAX", 2, 2)
    assert reference.shape == (1, 2, 5, 5)  # ceil rounding: 9 -> 5, not 4
    # The same network without AIPP, run by OpenVINO at the runtime's own precision: the exact comparison.
    assert cli_main(["atc", "--framework=0", "--soc_version=Ascend310", f"--model={proto}",
                     f"--weight={weights}", f"--output={tmp_path / 'plain'}"]) == 0  # fmt: skip
    import openvino as ov

    from acl_async.atc import read_container

    plain = read_container(tmp_path / "plain.om")
    core = ov.Core()
    net = core.read_model(plain.xml.decode(), ov.Tensor(np.frombuffer(plain.weights, np.uint8).copy()))
    expected = core.compile_model(net, "CPU")(x)[0]
    np.testing.assert_allclose(expected, reference, rtol=2e-2, atol=2e-1)  # bf16 CPUs: loose vs float64
    with Session() as session:
        model = session.load_model(str(tmp_path / "caffe.om"))
        got = model.infer([pic[None]])[0]
    np.testing.assert_allclose(got, expected, **TOL)


def test_caffe_yolov3_ending_in_the_host_runtime(tmp_path):
    """Huawei's YOLOv3 ending converted from Caffe: the host runtime gives the sample's two outputs
    (float box_out of 6 * post_nms_topn, int32 box_out_num) and the count the decode finds."""
    from acl_async import Session

    nc, shapes = 1, {"low": (1, 18, 1, 1), "mid": (1, 18, 2, 2), "high": (1, 18, 2, 2)}
    heads = {k: np.full(s, -6.0, np.float32) for k, s in shapes.items()}
    heads["mid"].reshape(3, 6, 2, 2)[1, :, 0, 1] = [0.0, 0.0, 0.0, 0.0, 4.0, 4.0]  # one sure box
    layers = [
        {
            "name": f"y_{k}",
            "type": "Yolo",
            "bottom": k,
            "top": [f"{k}_c", f"{k}_o", f"{k}_p"],
            "yolo_param": {"boxes": 3, "classes": nc},
        }
        for k in shapes
    ]
    layers.append(
        {
            "name": "det",
            "type": "YoloV3DetectionOutput",
            "top": ["box_out", "box_out_num"],
            "bottom": [f"{k}_{p}" for p in "cop" for k in shapes] + ["img_info"],
            "yolov3_detection_output_param": {
                "boxes": 3,
                "classes": nc,
                "post_nms_topn": 4,
                **{f"biases_{k}": [8.0, 8.0] * 3 for k in shapes},
            },
        }
    )
    proto, weights = atc_models.write_caffe(tmp_path, "yolo", {**shapes, "img_info": (1, 4)}, layers, {})
    assert (
        cli_main(
            [
                "atc",
                "--framework=0",
                "--soc_version=Ascend310",
                f"--model={proto}",
                f"--weight={weights}",
                f"--output={tmp_path / 'yolo'}",
            ]
        )
        == 0
    )
    with Session() as session:
        model = session.load_model(str(tmp_path / "yolo.om"))
        assert [o.dtype for o in model.outputs] == [np.float32, np.int32]
        box_out, num = model.infer([*heads.values(), np.array([[32, 32, 32, 32]], np.float32)])
    assert box_out.shape == (1, 24) and num[0, 0] == 1
    x1, y1, x2, y2, score, cls = box_out[0, :6]
    np.testing.assert_allclose(
        [x1, y1, x2, y2],
        [(1.5 / 2) * 32 - 4, 0.5 / 2 * 32 - 4, 0.75 * 32 + 4, 0.25 * 32 + 4],
        rtol=1e-3,
        atol=1e-2,
    )
    assert score > 0.9 and cls == 0
