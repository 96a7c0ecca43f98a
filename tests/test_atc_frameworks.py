"""`acl-async atc` for TensorFlow graphs as atc reads them, `--out_nodes` for every framework, MindSpore's
refusal, `--dynamic_dims`, `--input_shape_range`, `--save_original_model` (+ `model show --extract`),
`--check_report`, and OpenVINO's whole reason in one-line errors. Networks are run from the written .om's
IR with OpenVINO in f32 and compared with numpy (rtol/atol 1e-5)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models as am  # noqa: E402

from acl_async.atc import read_container  # noqa: E402
from acl_async.cli import main as cli_main  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)
RNG = np.random.default_rng(11)
W1 = RNG.standard_normal((4, 6)).astype(np.float32)
W2 = RNG.standard_normal((6, 3)).astype(np.float32)
X = RNG.standard_normal((2, 4)).astype(np.float32)


def om_model(om: Path):
    import openvino as ov

    c = read_container(om)
    return ov.Core().read_model(c.xml.decode(), ov.Tensor(np.frombuffer(c.weights, dtype=np.uint8).copy()))


def run_om(om: Path, *inputs: np.ndarray) -> list[np.ndarray]:
    import openvino as ov

    compiled = ov.Core().compile_model(om_model(om), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    res = compiled(list(inputs))
    return [res[o] for o in compiled.outputs]


def atc(*argv: str) -> int:
    return cli_main(["atc", "--soc_version=Ascend310", *argv])


@pytest.fixture
def tf_pb(tmp_path) -> str:
    return am.make_tf_mlp(tmp_path / "mlp.pb", W1, W2)


def _mlp(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fc1 = x.astype(np.float64) @ W1
    relu = np.maximum(fc1, 0)
    fc2 = relu @ W2
    e = np.exp(fc2 - fc2.max(axis=1, keepdims=True))
    return fc1, relu, e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", ["input_1", "input_1:0"])
def test_tf_placeholder_by_name_sets_unknown_dim(tmp_path, tf_pb, name):
    out = tmp_path / "mlp"
    assert atc(f"--model={tf_pb}", "--framework=3", f"--output={out}", f"--input_shape={name}:2,4") == 0
    model = om_model(out.with_suffix(".om"))
    assert [d.get_length() for d in model.inputs[0].get_partial_shape()] == [2, 4]  # '?' became 2
    (prob,) = run_om(out.with_suffix(".om"), X)
    np.testing.assert_allclose(prob, _mlp(X)[2], **TOL)


def test_tf_out_nodes_internal_in_given_order(tmp_path, tf_pb):
    out = tmp_path / "mlp"
    assert (
        atc(
            f"--model={tf_pb}",
            "--framework=3",
            f"--output={out}",
            "--input_shape=input_1:2,4",
            "--out_nodes=relu1:0;fc1:0",
        )
        == 0
    )
    relu, fc1 = run_om(out.with_suffix(".om"), X)
    ref_fc1, ref_relu, _ = _mlp(X)
    np.testing.assert_allclose(relu, ref_relu, **TOL)
    np.testing.assert_allclose(fc1, ref_fc1, **TOL)
    meta = read_container(out.with_suffix(".om")).meta
    assert meta["outputs"] == "relu1:0;fc1:0" and meta["out_nodes"] == "relu1:0;fc1:0"


def test_tf_outputs_in_graph_def_order_without_out_nodes(tmp_path):
    """Without --out_nodes a frozen graph's outputs keep the GraphDef's node order, as atc gives them (a
    YOLOv3 TensorFlow graph's heads Conv_6, Conv_14, Conv_22), not OpenVINO's order by name."""
    g = am.tf_graph()
    am.tf_node(g, "x", "Placeholder", dtype="float", shape=[1, 4])
    for name, w in (("Conv_6", W1[:, :2]), ("Conv_14", W1[:, 2:5]), ("Conv_22", W1[:, 5:])):
        am.tf_node(g, f"{name}_w", "Const", dtype="float", value=np.ascontiguousarray(w))
        am.tf_node(g, name, "MatMul", ["x", f"{name}_w"], T="float", transpose_a=False, transpose_b=False)
    (tmp_path / "heads.pb").write_bytes(g.SerializeToString())
    out = tmp_path / "heads"
    assert atc(f"--model={tmp_path / 'heads.pb'}", "--framework=3", f"--output={out}") == 0
    x = X[:1]
    got = run_om(out.with_suffix(".om"), x)
    assert [a.shape for a in got] == [(1, 2), (1, 3), (1, 1)]
    for a, ref in zip(got, (x @ W1[:, :2], x @ W1[:, 2:5], x @ W1[:, 5:]), strict=True):
        np.testing.assert_allclose(a, ref, **TOL)


def test_onnx_out_nodes(tmp_path):
    net = am.make_classifier(tmp_path / "net.onnx", n=1, h=8, w=8)
    out = tmp_path / "o"
    assert atc(f"--model={net}", "--framework=5", f"--output={out}", "--out_nodes=r:0;prob:0") == 0
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    relu, prob = run_om(out.with_suffix(".om"), x)
    import openvino as ov

    full = ov.Core().read_model(net)
    ref = ov.Core().compile_model(full, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})(x)[0]
    np.testing.assert_allclose(prob, ref, **TOL)
    assert relu.shape == (1, 4, 8, 8) and relu.min() >= 0
    assert read_container(out.with_suffix(".om")).meta["outputs"] == "r:0;prob:0"


@pytest.mark.parametrize("framework", ["3", "5"])
def test_unknown_out_node_one_line(tmp_path, tf_pb, capsys, framework):
    model = tf_pb if framework == "3" else am.make_classifier(tmp_path / "net.onnx", n=1, h=8, w=8)
    code = atc(
        f"--model={model}",
        f"--framework={framework}",
        f"--output={tmp_path / 'o'}",
        "--input_shape=input_1:2,4" if framework == "3" else "--log=error",
        "--out_nodes=nope:0",
    )
    err = capsys.readouterr().err
    assert code == 2 and "--out_nodes: the model has no node 'nope'" in err and err.count("\n") == 1
    assert not (tmp_path / "o.om").exists()


def test_not_a_graphdef_is_one_line_with_the_reason(tmp_path, capfd):
    bad = tmp_path / "bad.pb"
    bad.write_bytes(b"this is not a graph")
    assert atc(f"--model={bad}", "--framework=3", f"--output={tmp_path / 'o'}") == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err and "TensorFlow" in err
    assert "core.cpp" not in err and err.rstrip().endswith(":") is False


def test_unreadable_onnx_keeps_openvinos_reason(tmp_path, capsys):
    bad = tmp_path / "postprocess.onnx"
    bad.write_bytes(b"garbage")
    assert atc(f"--model={bad}", "--framework=5", f"--output={tmp_path / 'o'}") == 2
    err = capsys.readouterr().err
    assert "Unable to read the model" in err and "Exception from" not in err and err.count("\n") == 1


def test_mindspore_refused_with_the_export_recipe(tmp_path, capsys):
    air = tmp_path / "net.air"
    air.write_bytes(b"x")
    assert atc(f"--model={air}", "--framework=1", f"--output={tmp_path / 'o'}") == 2
    err = capsys.readouterr().err
    assert "file_format='ONNX'" in err and "--framework=5" in err and err.count("\n") == 1


def test_dynamic_dims_metadata_and_gears(tmp_path):
    net = am.make_classifier(tmp_path / "net.onnx")
    out = tmp_path / "dims"
    assert (
        atc(
            f"--model={net}",
            "--framework=5",
            f"--output={out}",
            "--input_format=ND",
            "--input_shape=data:-1,3,-1,-1",
            "--dynamic_dims=1,8,8;2,16,16;4,8,16",
        )
        == 0
    )
    meta = read_container(out.with_suffix(".om")).meta
    assert meta["dynamic"] == "dims" and meta["gears"] == "1,8,8;2,16,16;4,8,16"
    assert meta["dynamic_inputs"] == "data:-1,3,-1,-1"


def test_dynamic_dims_profile_the_model_rejects(tmp_path, capsys):
    net = am.make_classifier(tmp_path / "net.onnx", n=1)
    code = atc(
        f"--model={net}",
        "--framework=5",
        f"--output={tmp_path / 'o'}",
        "--input_shape=data:1,-1,-1,-1",
        "--dynamic_dims=3,8,8;4,8,8",
    )
    err = capsys.readouterr().err
    assert code == 2 and "profile 4,8,8: the model does not take it" in err and err.count("\n") == 1


def test_input_shape_range_in_ir_and_metadata(tmp_path):
    net = am.make_classifier(tmp_path / "net.onnx")
    out = tmp_path / "range"
    assert (
        atc(f"--model={net}", "--framework=5", f"--output={out}", "--input_shape_range=data:[1~8,3,-1,16]")
        == 0
    )
    om = out.with_suffix(".om")
    assert read_container(om).meta["input_shape_range"] == "data:[1~8,3,-1,16]"
    ps = om_model(om).inputs[0].get_partial_shape()
    assert (ps[0].get_min_length(), ps[0].get_max_length()) == (1, 8)
    assert ps[1].get_length() == 3 and ps[2].is_dynamic and ps[3].get_length() == 16
    for shape in [(1, 3, 8, 16), (5, 3, 12, 16)]:
        x = RNG.standard_normal(shape).astype(np.float32)
        (y,) = run_om(om, x)
        assert y.shape == (shape[0], am.CLASSES)


def test_save_original_model_and_extract(tmp_path, tf_pb, capsys):
    out = tmp_path / "kept"
    assert (
        atc(
            f"--model={tf_pb}",
            "--framework=3",
            f"--output={out}",
            "--input_shape=input_1:2,4",
            "--save_original_model=true",
        )
        == 0
    )
    om = out.with_suffix(".om")
    (prob,) = run_om(om, X)  # the IR still loads with the source appended to its weights
    np.testing.assert_allclose(prob, _mlp(X)[2], **TOL)
    capsys.readouterr()
    assert cli_main(["model", "show", str(om), "--extract", str(tmp_path / "x")]) == 0
    shown = capsys.readouterr().out
    assert "original_model=mlp.pb:" in shown and "framework=3 (TensorFlow)" in shown
    assert (tmp_path / "x" / "mlp.pb").read_bytes() == Path(tf_pb).read_bytes()
    plain = tmp_path / "plain"
    assert atc(f"--model={tf_pb}", "--framework=3", f"--output={plain}", "--input_shape=input_1:2,4") == 0
    assert "original_model" not in read_container(plain.with_suffix(".om")).meta
    assert cli_main(["model", "show", str(plain.with_suffix(".om")), "--extract", str(tmp_path / "y")]) == 2
    assert "keeps no source model" in capsys.readouterr().err


def test_save_original_caffe_pair(tmp_path, capsys):
    w = RNG.standard_normal((2, 3, 1, 1)).astype(np.float32)
    conv = {
        "name": "c",
        "type": "Convolution",
        "bottom": "data",
        "top": "c",
        "convolution_param": {"num_output": 2, "kernel_size": 1, "bias_term": False},
    }
    proto, weights = am.write_caffe(tmp_path, "n", {"data": (1, 3, 4, 4)}, [conv], {"c": [w]})
    out = tmp_path / "n"
    assert (
        atc(
            f"--model={proto}",
            f"--weight={weights}",
            "--framework=0",
            f"--output={out}",
            "--save_original_model=true",
        )
        == 0
    )
    assert cli_main(["model", "show", str(out.with_suffix(".om")), "--extract", str(tmp_path / "src")]) == 0
    assert (tmp_path / "src" / "n.prototxt").read_text() == Path(proto).read_text()
    assert (tmp_path / "src" / "n.caffemodel").read_bytes() == Path(weights).read_bytes()


def test_check_report_onnx(tmp_path, capsys):
    net = am.make_classifier(tmp_path / "net.onnx", n=1, h=8, w=8)
    report = tmp_path / "check.json"
    assert atc(f"--model={net}", "--framework=5", "--mode=3", f"--check_report={report}") == 0
    data = json.loads(report.read_text())
    assert [e["op"]["type"] for e in data["op_list"]] == [
        "Conv",
        "Relu",
        "GlobalAveragePool",
        "Flatten",
        "Gemm",
    ]
    assert data["summary"] == {"op_num": 5, "op_success_num": 5, "op_failed_num": 0, "result": "success"}
    assert not list(tmp_path.glob("*.om"))


def test_check_report_caffe_unknown_layer(tmp_path, capsys):
    layers = [
        {"name": "relu", "type": "ReLU", "bottom": "data", "top": "r"},
        {"name": "spp", "type": "SPP", "bottom": "r", "top": "s"},
    ]
    proto, weights = am.write_caffe(tmp_path, "n", {"data": (1, 3, 4, 4)}, layers, {})
    report = tmp_path / "check.json"
    code = atc(
        f"--model={proto}", f"--weight={weights}", "--framework=0", "--mode=3", f"--check_report={report}"
    )
    assert code == 1
    data = json.loads(report.read_text())
    results = {e["op"]["name"]: e["result"] for e in data["op_list"]}
    assert results == {"data": "success", "relu": "success", "spp": "failed"}
    assert data["summary"]["result"] == "failed" and data["summary"]["op_failed_num"] == 1


def test_no_effect_flags_accepted_and_recorded(tmp_path, capsys):
    net = am.make_classifier(tmp_path / "net.onnx", n=1, h=8, w=8)
    out = tmp_path / "o"
    assert (
        atc(
            f"--model={net}",
            "--framework=5",
            f"--output={out}",
            "--precision_mode=allow_fp32_to_fp16",
            "--op_select_implmode=high_performance",
            "--enable_small_channel=1",
        )
        == 0
    )
    assert "accepted, no effect on the host: --precision_mode" in capsys.readouterr().out
    meta = read_container(out.with_suffix(".om")).meta
    assert (
        meta["ignored.precision_mode"] == "allow_fp32_to_fp16" and meta["ignored.enable_small_channel"] == "1"
    )


def test_per_output_type_single_dash_flag_and_spaces_in_shape(tmp_path, tf_pb):
    """Sample command lines: `--output_type="node:0:FP16"` (one output's type), gflags' `-flag=value`
    with one dash, and `--input_shape="input_1: 2, 4"` with spaces."""
    out = tmp_path / "mlp"
    assert (
        atc(
            f"--model={tf_pb}",
            "--framework=3",
            f"--output={out}",
            "--input_shape=input_1: 2, 4",
            "--out_nodes=relu1:0;prob:0",
            "-output_type=prob:0:FP16",
        )
        == 0
    )
    relu, prob = run_om(out.with_suffix(".om"), X)
    assert relu.dtype == np.float32 and prob.dtype == np.float16
    np.testing.assert_allclose(prob, _mlp(X)[2], rtol=1e-2, atol=1e-3)


def test_mode_1_and_6_show_a_converted_model(tmp_path, tf_pb, capsys):
    out = tmp_path / "mlp"
    assert atc(f"--model={tf_pb}", "--framework=3", f"--output={out}", "--input_shape=input_1:2,4") == 0
    capsys.readouterr()
    assert cli_main(["atc", "--mode=6", f"--om={out}.om"]) == 0
    assert "framework=3 (TensorFlow)" in capsys.readouterr().out
    assert cli_main(["atc", "--mode=1", f"--om={out}.om", f"--json={tmp_path / 'm.json'}"]) == 0
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["meta"]["source"] == "mlp.pb" and doc["ir"].startswith("<?xml")
    assert cli_main(["atc", "--mode=1", f"--om={tf_pb}", f"--json={tmp_path / 'x.json'}"]) == 2
    assert "not an acl-async .om container" in capsys.readouterr().err


def test_caffe_dynamic_image_size(tmp_path):
    """FSRCNN's command: `--input_shape="data: 1, 1, -1, -1" --dynamic_image_size=...` on a Caffe net."""
    w = RNG.standard_normal((2, 1, 3, 3)).astype(np.float32)
    conv = {
        "name": "c",
        "type": "Convolution",
        "bottom": "data",
        "top": "c",
        "convolution_param": {"num_output": 2, "kernel_size": 3, "pad": 1, "bias_term": False},
    }
    proto, weights = am.write_caffe(tmp_path, "sr", {"data": (1, 1, 8, 8)}, [conv], {"c": [w]})
    out = tmp_path / "sr"
    assert (
        atc(
            f"--model={proto}",
            f"--weight={weights}",
            "--framework=0",
            f"--output={out}",
            "--input_format=NCHW",
            "--input_shape=data: 1, 1, -1, -1",
            "--dynamic_image_size=8,8;16,12",
            "--output_type=FP32",
        )
        == 0
    )
    meta = read_container(out.with_suffix(".om")).meta
    assert meta["dynamic"] == "hw" and meta["gears"] == "8,8;16,12"
    x = RNG.standard_normal((1, 1, 16, 12)).astype(np.float32)
    (y,) = run_om(out.with_suffix(".om"), x)
    np.testing.assert_allclose(y, am.ref_conv(x, w, None, pad=1), rtol=1e-5, atol=1e-5)


def test_check_report_tensorflow_unknown_op(tmp_path, capsys):
    g = am.tf_graph()
    am.tf_node(g, "x", "Placeholder", dtype="float", shape=[1, 4])
    am.tf_node(g, "odd", "NoSuchTensorFlowOp", ["x"], T="float")
    am.tf_node(g, "y", "Relu", ["odd"], T="float")
    pb = tmp_path / "odd.pb"
    pb.write_bytes(g.SerializeToString())
    report = tmp_path / "r.json"
    assert atc(f"--model={pb}", "--framework=3", "--mode=3", f"--check_report={report}") == 1
    data = json.loads(report.read_text())
    assert [(e["op"]["name"], e["op"]["type"], e["result"]) for e in data["op_list"]] == [
        ("x", "Placeholder", "success"),
        ("odd", "NoSuchTensorFlowOp", "failed"),
        ("y", "Relu", "success"),
    ]
    code = atc(f"--model={pb}", "--framework=3", f"--output={tmp_path / 'o'}", "--input_shape=x:1,4")
    err = capsys.readouterr().err
    assert code == 2 and "NoSuchTensorFlowOp" in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["input_1", "x"])
def test_tf_saved_model_directory(tmp_path, name):
    saved = am.make_tf_saved_model(tmp_path / "sm", W1, W2)
    out = tmp_path / "sm_om"
    assert atc(f"--model={saved}", "--framework=3", f"--output={out}", f"--input_shape={name}:2,4",
               "--save_original_model=true") == 0  # fmt: skip
    (prob,) = run_om(out.with_suffix(".om"), X)
    np.testing.assert_allclose(prob, _mlp(X)[2], **TOL)
    assert read_container(out.with_suffix(".om")).meta["original_model"].startswith("sm/saved_model.pb:")
