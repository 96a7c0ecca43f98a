"""`acl-async atc --framework=0`: Caffe networks written by our own writer (tests/atc_models.py), translated
by our reader, compared layer by layer with numpy references of Caffe's formulas (float64 references,
float32 network: rtol/atol 1e-4); bad pairs, missing blobs and unknown layers as one-line errors."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models as am  # noqa: E402

from acl_async.atc import read_container  # noqa: E402
from acl_async.cli import main as cli_main  # noqa: E402

TOL = dict(rtol=1e-4, atol=1e-4)
RNG = np.random.default_rng(3)


def rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def run_om(om: Path, *inputs: np.ndarray) -> list[np.ndarray]:
    import openvino as ov

    c = read_container(om)
    core = ov.Core()
    model = core.read_model(c.xml.decode(), ov.Tensor(np.frombuffer(c.weights, dtype=np.uint8).copy()))
    compiled = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    res = compiled(list(inputs))
    return [res[o] for o in compiled.outputs]


def convert(tmp: Path, inputs, layers, blobs, *extra: str, name: str = "net", **kw) -> tuple[int, Path]:
    proto, weights = am.write_caffe(tmp, name, inputs, layers, blobs, **kw)
    out = tmp / name
    code = cli_main(
        [
            "atc",
            f"--model={proto}",
            f"--weight={weights}",
            "--framework=0",
            f"--output={out}",
            "--soc_version=Ascend310",
            *extra,
        ]
    )
    return code, out.with_suffix(".om")


def one_layer(
    tmp: Path, layer: dict, blobs: list[np.ndarray], x: np.ndarray, *more: np.ndarray
) -> np.ndarray:
    inputs = {"data": x.shape, **{f"in{i}": m.shape for i, m in enumerate(more, 1)}}
    layer = {"name": "L", "top": "y", **layer}
    layer.setdefault("bottom", "data")
    code, om = convert(tmp, inputs, [layer], {"L": blobs})
    assert code == 0
    (y,) = run_om(om, x, *more)
    return y


X = rand(2, 4, 9, 9)


@pytest.mark.parametrize(
    "param, group",
    [
        ({"num_output": 6, "kernel_size": 3}, 1),
        ({"num_output": 6, "kernel_size": 3, "stride": 2, "pad": 1}, 1),
        ({"num_output": 4, "kernel_size": 3, "dilation": 2, "group": 2}, 2),
        ({"num_output": 6, "kernel_h": 3, "kernel_w": 1, "pad_h": 1, "pad_w": 0}, 1),
    ],
)
def test_convolution(tmp_path, param, group):
    kh, kw = param.get("kernel_h", param.get("kernel_size")), param.get("kernel_w", param.get("kernel_size"))
    w, b = rand(param["num_output"], 4 // group, kh, kw), rand(param["num_output"])
    y = one_layer(tmp_path, {"type": "Convolution", "convolution_param": param}, [w, b], X)
    if kh == kw:
        ref = am.ref_conv(
            X, w, b, param.get("stride", 1), param.get("pad", 0), param.get("dilation", 1), group
        )
    else:
        xp = np.pad(X, ((0, 0), (0, 0), (1, 1), (0, 0)))
        ref = am.ref_conv(xp, w.repeat(1, axis=3), b)  # 3x1 kernel on the H-padded input
    np.testing.assert_allclose(y, ref, **TOL)


def test_deconvolution(tmp_path):
    w, b = rand(4, 3, 4, 4), rand(3)
    y = one_layer(
        tmp_path,
        {
            "type": "Deconvolution",
            "convolution_param": {"num_output": 3, "kernel_size": 4, "stride": 2, "pad": 1},
        },
        [w, b],
        X,
    )
    np.testing.assert_allclose(y, am.ref_deconv(X, w, b, 2, 1), **TOL)


@pytest.mark.parametrize("method", ["MAX", "AVE"])
@pytest.mark.parametrize("k, s, p", [(3, 2, 0), (3, 2, 1), (2, 2, 0), (3, 3, 1), (2, 1, 1)])
def test_pooling_ceil_mode(tmp_path, method, k, s, p):
    """9x9 input, kernel 3 stride 2: Caffe gives 4x4 (ceil), a floor-mode framework 4x4 too; 2/2 on 9:
    Caffe 5x5, floor 4x4; with pad 1 the window that would start in the padding is dropped."""
    param = {"pool": method, "kernel_size": k, "stride": s, "pad": p}
    y = one_layer(tmp_path, {"type": "Pooling", "pooling_param": param}, [], X)
    ref = am.ref_pool(X.astype(np.float64), method, k, s, p)
    assert y.shape == ref.shape
    np.testing.assert_allclose(y, ref, **TOL)


def test_global_pooling_inner_product_softmax(tmp_path):
    w, b = rand(5, 4), rand(5)
    layers = [
        {
            "name": "gp",
            "type": "Pooling",
            "bottom": "data",
            "top": "gp",
            "pooling_param": {"pool": "AVE", "global_pooling": True},
        },
        {
            "name": "fc",
            "type": "InnerProduct",
            "bottom": "gp",
            "top": "fc",
            "inner_product_param": {"num_output": 5},
        },
        {"name": "prob", "type": "Softmax", "bottom": "fc", "top": "prob"},
    ]
    code, om = convert(tmp_path, {"data": X.shape}, layers, {"fc": [w, b]})
    assert code == 0
    (y,) = run_om(om, X)
    ref = am.ref_softmax(X.mean(axis=(2, 3)) @ w.T + b)
    np.testing.assert_allclose(y, ref, **TOL)
    assert read_container(om).meta["outputs"] == "prob:0:prob"


def test_in_place_batchnorm_scale_relu(tmp_path):
    """conv -> BatchNorm -> Scale -> ReLU all in place on blob 'conv': each reads the previous writer;
    BatchNorm's third blob (scale factor 2) divides mean and variance."""
    w = rand(3, 4, 1, 1)
    mean, var = rand(3), np.abs(rand(3)) + 0.5
    gamma, beta = rand(3), rand(3)
    layers = [
        {
            "name": "conv",
            "type": "Convolution",
            "bottom": "data",
            "top": "conv",
            "convolution_param": {"num_output": 3, "kernel_size": 1, "bias_term": False},
        },
        {
            "name": "bn",
            "type": "BatchNorm",
            "bottom": "conv",
            "top": "conv",
            "batch_norm_param": {"eps": 1e-3},
        },
        {"name": "sc", "type": "Scale", "bottom": "conv", "top": "conv", "scale_param": {"bias_term": True}},
        {"name": "relu", "type": "ReLU", "bottom": "conv", "top": "conv"},
    ]
    blobs = {"conv": [w], "bn": [mean * 2, var * 2, np.array([2.0], np.float32)], "sc": [gamma, beta]}
    code, om = convert(tmp_path, {"data": X.shape}, layers, blobs)
    assert code == 0
    (y,) = run_om(om, X)
    c = am.ref_conv(X, w, None)
    bn = (c - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + 1e-3)
    ref = np.maximum(bn * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1), 0)
    np.testing.assert_allclose(y, ref, **TOL)
    assert read_container(om).meta["outputs"] == "relu:0:conv"


def test_eltwise_concat_slice(tmp_path):
    layers = [
        {
            "name": "sl",
            "type": "Slice",
            "bottom": "data",
            "top": ["a", "b"],
            "slice_param": {"axis": 1, "slice_point": 1},
        },
        {
            "name": "s2",
            "type": "Slice",
            "bottom": "data",
            "top": ["c", "d"],
            "slice_param": {"axis": 1, "slice_point": 3},
        },
        {
            "name": "sum",
            "type": "Eltwise",
            "bottom": ["b", "c"],
            "top": "sum",
            "eltwise_param": {"operation": "SUM", "coeff": [2.0, -1.0]},
        },
        {
            "name": "prod",
            "type": "Eltwise",
            "bottom": ["b", "c"],
            "top": "prod",
            "eltwise_param": {"operation": "PROD"},
        },
        {
            "name": "mx",
            "type": "Eltwise",
            "bottom": ["b", "c"],
            "top": "mx",
            "eltwise_param": {"operation": "MAX"},
        },
        {"name": "cat", "type": "Concat", "bottom": ["sum", "prod", "mx", "a", "d"], "top": "cat"},
    ]
    code, om = convert(tmp_path, {"data": X.shape}, layers, {})
    assert code == 0
    (y,) = run_om(om, X)
    a, b, c, d = X[:, :1], X[:, 1:], X[:, :3], X[:, 3:]
    np.testing.assert_allclose(y, np.concatenate([2 * b - c, b * c, np.maximum(b, c), a, d], axis=1), **TOL)


@pytest.mark.parametrize(
    "layer, blobs, ref",
    [
        (
            {"type": "ReLU", "relu_param": {"negative_slope": 0.1}},
            [],
            lambda x, b: np.where(x > 0, x, 0.1 * x),
        ),
        (
            {"type": "PReLU"},
            [np.array([0.1, 0.2, 0.3, 0.4], np.float32)],
            lambda x, b: np.where(x > 0, x, b[0].reshape(1, -1, 1, 1) * x),
        ),
        (
            {"type": "Upsample", "upsample_param": {"scale": 0.5, "stride": 3}},  # Huawei's spelling
            [],
            lambda x, b: 0.5 * x.repeat(3, axis=2).repeat(3, axis=3),
        ),
        ({"type": "ReLU6"}, [], lambda x, b: np.clip(x, 0, 6)),
        ({"type": "Clip", "clip_param": {"min": -0.5, "max": 0.25}}, [], lambda x, b: np.clip(x, -0.5, 0.25)),
        ({"type": "Swish", "swish_param": {"beta": 2.0}}, [], lambda x, b: x / (1 + np.exp(-2 * x))),
        (
            {"type": "ShuffleChannel", "shuffle_channel_param": {"group": 2}},
            [],
            lambda x, b: x.reshape(2, 2, 2, 9, 9).transpose(0, 2, 1, 3, 4).reshape(x.shape),
        ),
        ({"type": "Sigmoid"}, [], lambda x, b: 1 / (1 + np.exp(-x))),
        ({"type": "TanH"}, [], lambda x, b: np.tanh(x)),
        (
            {"type": "Power", "power_param": {"power": 2.0, "scale": 0.5, "shift": 1.0}},
            [],
            lambda x, b: (1 + 0.5 * x) ** 2,
        ),
        ({"type": "Dropout", "dropout_param": {"dropout_ratio": 0.5}}, [], lambda x, b: x),
        (
            {"type": "LRN", "lrn_param": {"local_size": 3, "alpha": 0.5, "beta": 0.75, "k": 2.0}},
            [],
            lambda x, b: am.ref_lrn(x, 3, 0.5, 0.75, 2.0),
        ),
        ({"type": "Flatten"}, [], lambda x, b: x.reshape(x.shape[0], -1)),
        (
            {"type": "Reshape", "reshape_param": {"shape": {"dim": [0, -1, 9]}}},
            [],
            lambda x, b: x.reshape(2, -1, 9),
        ),
        (
            {"type": "Reshape", "reshape_param": {"shape": {"dim": [3, -1]}, "axis": 2, "num_axes": 1}},
            [],
            lambda x, b: x.reshape(2, 4, 3, 3, 9),
        ),
        (
            {"type": "Permute", "permute_param": {"order": [0, 2, 3, 1]}},
            [],
            lambda x, b: x.transpose(0, 2, 3, 1),
        ),
        ({"type": "Softmax", "softmax_param": {"axis": 2}}, [], lambda x, b: am.ref_softmax(x, 2)),
        (
            {"type": "Normalize", "norm_param": {"across_spatial": False, "channel_shared": False}},
            [np.array([1.0, 2.0, 3.0, 4.0], np.float32)],
            lambda x, b: x / np.sqrt((x * x).sum(axis=1, keepdims=True) + 1e-10) * b[0].reshape(1, -1, 1, 1),
        ),
        (
            {"type": "Upsample", "upsample_param": {"scale": 2}},
            [],
            lambda x, b: x.repeat(2, axis=2).repeat(2, axis=3),
        ),
        (
            {"type": "ArgMax", "argmax_param": {"axis": 1}},
            [],
            lambda x, b: x.argmax(axis=1)[:, None].astype(np.float32),
        ),
        (
            {"type": "Scale", "scale_param": {"axis": 1, "num_axes": 1}},
            [np.array([1.0, -2.0, 0.5, 3.0], np.float32)],
            lambda x, b: x * b[0].reshape(1, -1, 1, 1),
        ),
    ],
    ids=lambda v: v.get("type") if isinstance(v, dict) else "",
)
def test_layer(tmp_path, layer, blobs, ref):
    y = one_layer(tmp_path, layer, blobs, X)
    np.testing.assert_allclose(y, ref(X.astype(np.float64), blobs), **TOL)


def test_out_nodes_pick_internal_layers_in_order(tmp_path):
    w = rand(3, 4, 1, 1)
    layers = [
        {
            "name": "conv",
            "type": "Convolution",
            "bottom": "data",
            "top": "conv",
            "convolution_param": {"num_output": 3, "kernel_size": 1, "bias_term": False},
        },
        {"name": "relu", "type": "ReLU", "bottom": "conv", "top": "r"},
        {
            "name": "pool",
            "type": "Pooling",
            "bottom": "r",
            "top": "pool",
            "pooling_param": {"kernel_size": 2, "stride": 2},
        },
    ]
    code, om = convert(tmp_path, {"data": X.shape}, layers, {"conv": [w]}, "--out_nodes=pool:0;conv:0")
    assert code == 0
    pool, conv = run_om(om, X)
    c = am.ref_conv(X, w, None)
    np.testing.assert_allclose(conv, c, **TOL)
    np.testing.assert_allclose(pool, am.ref_pool(np.maximum(c, 0), "MAX", 2, 2), **TOL)
    assert read_container(om).meta["outputs"] == "pool:0:pool;conv:0:conv"


def test_input_shape_sets_batch(tmp_path):
    layers = [{"name": "relu", "type": "ReLU", "bottom": "data", "top": "y"}]
    code, om = convert(
        tmp_path,
        {"data": (1, 4, 9, 9)},
        layers,
        {},
        "--input_shape=data:-1,4,9,9",
        "--dynamic_batch_size=1,2",
    )
    assert code == 0
    meta = read_container(om).meta
    assert meta["dynamic"] == "batch" and meta["dynamic_inputs"] == "data:-1,4,9,9"
    (y,) = run_om(om, X)
    np.testing.assert_allclose(y, np.maximum(X, 0))


W3 = rand(3, 4, 1, 1)
CONV = {
    "name": "conv",
    "type": "Convolution",
    "bottom": "data",
    "top": "conv",
    "convolution_param": {"num_output": 3, "kernel_size": 1, "bias_term": False},
}


@pytest.mark.parametrize(
    "layers, blobs, model_layers, message",
    [
        (
            [CONV, {"name": "x", "type": "SPP", "bottom": "conv", "top": "x"}],
            {"conv": [W3]},
            None,
            "layer 'x' of type 'SPP' is not translated",
        ),
        (
            [CONV],
            {},
            [{"name": "other", "type": "ReLU"}],
            "caffemodel: layer 'conv' (Convolution): missing blob",
        ),
        (
            [CONV],
            {"conv": [rand(3, 4, 3, 3)]},
            None,
            "weight blob has shape (3, 4, 3, 3), the prototxt needs (3, 4, 1, 1)",
        ),
        ([CONV], {"conv": [W3, W3]}, None, "2 blob(s) in the caffemodel, the prototxt needs 1"),
        ([{**CONV, "bottom": "nothing"}], {"conv": [W3]}, None, "reads blob 'nothing'"),
    ],
)
def test_bad_pairs_one_line(tmp_path, capsys, layers, blobs, model_layers, message):
    code, om = convert(tmp_path, {"data": X.shape}, layers, blobs, model_layers=model_layers)
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not om.exists() and not list(tmp_path.glob("*.om*"))


def test_bad_files(tmp_path, capsys):
    proto, weights = am.write_caffe(tmp_path, "n", {"data": X.shape}, [CONV], {"conv": [W3]})
    base = ["atc", "--framework=0", f"--output={tmp_path / 'o'}", "--soc_version=S"]
    assert cli_main([*base, f"--model={proto}"]) == 2
    assert "--weight is required" in capsys.readouterr().err
    assert cli_main([*base, f"--model={proto}", f"--weight={weights}", "--input_shape=data:1,4,9"]) == 2
    assert "--input_shape: 'data' has rank 4, not 3" in capsys.readouterr().err
    assert cli_main([*base, f"--model={proto}", f"--weight={weights}", "--input_shape=image:1,4,9,9"]) == 2
    assert "the model has no input 'image' (inputs: data)" in capsys.readouterr().err
    Path(tmp_path / "bad.caffemodel").write_bytes(b"\xff\xff\xff")
    assert cli_main([*base, f"--model={proto}", f"--weight={tmp_path / 'bad.caffemodel'}"]) == 2
    assert "not a binary Caffe model" in capsys.readouterr().err
    Path(tmp_path / "bad.prototxt").write_text("layer { name: \n")
    assert cli_main([*base, f"--model={tmp_path / 'bad.prototxt'}", f"--weight={weights}"]) == 2
    err = capsys.readouterr().err
    assert "bad.prototxt: not a Caffe prototxt" in err and err.count("\n") == 1
    assert not (tmp_path / "o.om").exists()


def _ref_priors(lh, lw, ih, iw, mins, maxs, ratios, variance):
    boxes = []
    for h in range(lh):
        for w in range(lw):
            cx, cy = (w + 0.5) * iw / lw, (h + 0.5) * ih / lh
            for m, mx in zip(mins, maxs, strict=True):
                sizes = [(m, m), (np.sqrt(m * mx), np.sqrt(m * mx))]
                sizes += [(m * np.sqrt(r), m / np.sqrt(r)) for r in ratios]
                boxes += [
                    [(cx - bw / 2) / iw, (cy - bh / 2) / ih, (cx + bw / 2) / iw, (cy + bh / 2) / ih]
                    for bw, bh in sizes
                ]
    b = np.array(boxes).reshape(-1)
    return np.stack([b, np.tile(variance, len(boxes))])[None]


SSD_INPUTS = {"data": (1, 3, 8, 8), "fmap": (1, 2, 2, 2), "loc": (1, 64), "conf": (1, 32)}
PRIORS = {
    "name": "pb",
    "type": "PriorBox",
    "bottom": ["fmap", "data"],
    "top": "pb",
    "prior_box_param": {
        "min_size": 4.0,
        "max_size": 6.0,
        "aspect_ratio": 2.0,
        "flip": True,
        "variance": [0.1, 0.1, 0.2, 0.2],
    },
}


def test_prior_box(tmp_path):
    code, om = convert(tmp_path, SSD_INPUTS, [PRIORS], {}, "--out_nodes=pb:0")
    assert code == 0
    feeds = [np.zeros(s, np.float32) for s in SSD_INPUTS.values()]
    (y,) = run_om(om, *feeds)  # the priors depend on the sizes only
    ref = _ref_priors(2, 2, 8, 8, [4.0], [6.0], [2.0, 0.5], [0.1, 0.1, 0.2, 0.2])
    assert y.shape == (1, 2, 64)
    np.testing.assert_allclose(y, ref, **TOL)


def test_detection_output_nms(tmp_path):
    """Zero offsets decode to the priors themselves; prior 0 ([0, 0, .5, .5], 0.9) suppresses prior 1 (the
    larger box at the same centre, IoU 16/24 > 0.45, 0.85) but not prior 4 (the next cell, 0.8)."""
    det = {
        "name": "det",
        "type": "DetectionOutput",
        "bottom": ["loc", "conf", "pb"],
        "top": "det",
        "detection_output_param": {
            "num_classes": 2,
            "background_label_id": 0,
            "code_type": "CENTER_SIZE",
            "keep_top_k": 5,
            "confidence_threshold": 0.5,
            "nms_param": {"nms_threshold": 0.45, "top_k": 10},
        },
    }
    code, om = convert(tmp_path, SSD_INPUTS, [PRIORS, det], {})
    assert code == 0
    conf = np.tile([0.9, 0.1], 16).astype(np.float32)
    conf[1::2] = 0.1
    conf[0::2] = 0.9
    conf[1], conf[3], conf[9] = 0.9, 0.85, 0.8  # class-1 scores of priors 0, 1, 4
    feeds = [
        np.zeros((1, 3, 8, 8), np.float32),
        np.zeros((1, 2, 2, 2), np.float32),
        np.zeros((1, 64), np.float32),
        conf[None],
    ]
    (y,) = run_om(om, *feeds)
    assert y.shape == (1, 1, 5, 7)
    np.testing.assert_allclose(y[0, 0, 0], [0, 1, 0.9, 0, 0, 0.5, 0.5], **TOL)
    np.testing.assert_allclose(y[0, 0, 1], [0, 1, 0.8, 0.5, 0, 1.0, 0.5], **TOL)
    assert y[0, 0, 2, 0] == -1


def test_ssd_head_wiring(tmp_path):
    """VGG-SSD's head as its deploy prototxt writes it: Normalize -> loc/conf convolutions -> Permute ->
    Flatten; conf Reshape [0, -1, C] -> Softmax(axis 2) -> Flatten; PriorBox; DetectionOutput. The boxes
    equal numpy's decode of the same numbers (CENTER_SIZE with variances), the best per class first."""
    feat = rand(1, 4, 2, 2)
    norm_scale = np.full(4, 2.0, np.float32)
    w_loc, w_conf = rand(12, 4, 1, 1) * 0.1, rand(6, 4, 1, 1)  # 3 priors per cell
    layers = [
        {
            "name": "norm",
            "type": "Normalize",
            "bottom": "feat",
            "top": "norm",
            "norm_param": {"across_spatial": False, "channel_shared": False},
        },
        {
            "name": "loc",
            "type": "Convolution",
            "bottom": "norm",
            "top": "loc",
            "convolution_param": {"num_output": 12, "kernel_size": 1, "bias_term": False},
        },
        {
            "name": "loc_perm",
            "type": "Permute",
            "bottom": "loc",
            "top": "loc_perm",
            "permute_param": {"order": [0, 2, 3, 1]},
        },
        {"name": "loc_flat", "type": "Flatten", "bottom": "loc_perm", "top": "loc_flat"},
        {
            "name": "conf",
            "type": "Convolution",
            "bottom": "norm",
            "top": "conf",
            "convolution_param": {"num_output": 6, "kernel_size": 1, "bias_term": False},
        },
        {
            "name": "conf_perm",
            "type": "Permute",
            "bottom": "conf",
            "top": "conf_perm",
            "permute_param": {"order": [0, 2, 3, 1]},
        },
        {"name": "conf_flat", "type": "Flatten", "bottom": "conf_perm", "top": "conf_flat"},
        {
            "name": "conf_rs",
            "type": "Reshape",
            "bottom": "conf_flat",
            "top": "conf_rs",
            "reshape_param": {"shape": {"dim": [0, -1, 2]}},
        },
        {
            "name": "conf_sm",
            "type": "Softmax",
            "bottom": "conf_rs",
            "top": "conf_sm",
            "softmax_param": {"axis": 2},
        },
        {"name": "conf_out", "type": "Flatten", "bottom": "conf_sm", "top": "conf_out"},
        {
            "name": "pb",
            "type": "PriorBox",
            "bottom": ["feat", "data"],
            "top": "pb",
            "prior_box_param": {
                "min_size": 4.0,
                "aspect_ratio": 2.0,
                "flip": True,
                "clip": True,
                "variance": [0.1, 0.1, 0.2, 0.2],
            },
        },
        {
            "name": "det",
            "type": "DetectionOutput",
            "bottom": ["loc_flat", "conf_out", "pb"],
            "top": "det",
            "detection_output_param": {
                "num_classes": 2,
                "code_type": "CENTER_SIZE",
                "keep_top_k": 12,
                "confidence_threshold": 0.0,
                "nms_param": {"nms_threshold": 1.0, "top_k": 12},
            },
        },
    ]
    code, om = convert(
        tmp_path,
        {"data": (1, 3, 8, 8), "feat": feat.shape},
        layers,
        {"norm": [norm_scale], "loc": [w_loc], "conf": [w_conf]},
        "--out_nodes=det:0;conf_out:0;pb:0",
    )
    assert code == 0
    det, conf, priors = run_om(om, np.zeros((1, 3, 8, 8), np.float32), feat)
    f = feat.astype(np.float64)
    n = f / np.sqrt((f * f).sum(axis=1, keepdims=True) + 1e-10) * 2.0
    loc = am.ref_conv(n, w_loc, None).transpose(0, 2, 3, 1).reshape(-1, 4)  # 4 cells x 3 priors
    logits = am.ref_conv(n, w_conf, None).transpose(0, 2, 3, 1).reshape(-1, 2)
    np.testing.assert_allclose(conf.reshape(-1, 2), am.ref_softmax(logits, 1), **TOL)
    p = priors[0, 0].reshape(-1, 4).astype(np.float64)
    pw, ph, pcx, pcy = p[:, 2] - p[:, 0], p[:, 3] - p[:, 1], (p[:, 0] + p[:, 2]) / 2, (p[:, 1] + p[:, 3]) / 2
    cx, cy = pcx + 0.1 * loc[:, 0] * pw, pcy + 0.1 * loc[:, 1] * ph
    w, h = pw * np.exp(0.2 * loc[:, 2]), ph * np.exp(0.2 * loc[:, 3])
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    score = am.ref_softmax(logits, 1)[:, 1]
    order = np.argsort(-score, kind="stable")
    rows = det[0, 0][det[0, 0, :, 0] >= 0]
    assert len(rows) == 12 and (rows[:, 1] == 1).all()
    np.testing.assert_allclose(rows[:, 2], score[order], **TOL)
    np.testing.assert_allclose(rows[:, 3:], boxes[order], **TOL)


def _ref_yolov3(heads, anchors, net_hw, img_hw, nc, obj_t, score_t, iou_t):
    """numpy: decode each head ([1, 3*(5+nc), h, w], anchors in network pixels), score = obj x class,
    greedy per-class NMS, sorted by score: rows (x1, y1, x2, y2, score, class)."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    cand = []
    for head, anc in zip(heads, anchors, strict=True):
        _, _, h, w = head.shape
        t = head.reshape(3, 5 + nc, h, w).astype(np.float64)
        for a in range(3):
            for y in range(h):
                for x in range(w):
                    v = t[a, :, y, x]
                    obj = sig(v[4])
                    if obj <= obj_t:
                        continue
                    bx, by = (sig(v[0]) + x) / w, (sig(v[1]) + y) / h
                    bw, bh = np.exp(v[2]) * anc[2 * a] / net_hw[1], np.exp(v[3]) * anc[2 * a + 1] / net_hw[0]
                    box = [
                        (bx - bw / 2) * img_hw[1],
                        (by - bh / 2) * img_hw[0],
                        (bx + bw / 2) * img_hw[1],
                        (by + bh / 2) * img_hw[0],
                    ]
                    for c in range(nc):
                        s = obj * sig(v[5 + c])
                        if s > score_t:
                            cand.append((s, c, box))

    def iou(a, b):
        ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
        iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
        inter = ix * iy
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

    kept = []
    for s, c, box in sorted(cand, key=lambda r: -r[0]):
        if all(kc != c or iou(box, kb) <= iou_t for _, kc, kb in kept):
            kept.append((s, c, box))
    return np.array([[*box, s, c] for s, c, box in kept])


def test_yolov3_detection_output(tmp_path):
    """Huawei's YOLOv3 prototxt ending (three Yolo layers, YoloV3DetectionOutput with img_info) against a
    numpy decode + NMS; box_out holds six rows of `count` values, box_out_num the count first."""
    nc = 2
    rng = np.random.default_rng(21)
    shapes = {"low": (1, 21, 1, 1), "mid": (1, 21, 2, 2), "high": (1, 21, 4, 4)}
    heads = {k: (rng.standard_normal(s) * 0.5 - 3).astype(np.float32) for k, s in shapes.items()}
    for k, (a, y, x) in {"low": (1, 0, 0), "mid": (0, 1, 0), "high": (2, 3, 2)}.items():
        heads[k].reshape(3, 5 + nc, *shapes[k][2:])[a, :, y, x] = [0.2, -0.3, 0.1, 0.3, 3.0, 2.0, -2.0]
    heads["high"].reshape(3, 5 + nc, 4, 4)[2, :, 3, 3] = [0.0, 0.0, 0.0, 0.0, 2.5, -2.0, 1.5]
    anchors = {
        "low": [116, 90, 156, 198, 373, 326],
        "mid": [30, 61, 62, 45, 59, 119],
        "high": [10, 13, 16, 30, 33, 23],
    }
    layers = [
        {
            "name": f"yolo_{k}",
            "type": "Yolo",
            "bottom": k,
            "top": [f"{k}_coords", f"{k}_obj", f"{k}_cls"],
            "yolo_param": {"boxes": 3, "coords": 4, "classes": nc, "yolo_version": "V3", "softmax": True},
        }
        for k in shapes
    ]
    layers.append(
        {
            "name": "detection_out3",
            "type": "YoloV3DetectionOutput",
            "bottom": [f"{k}_{part}" for part in ("coords", "obj", "cls") for k in shapes] + ["img_info"],
            "top": ["box_out", "box_out_num"],
            "yolov3_detection_output_param": {
                "boxes": 3,
                "classes": nc,
                "relative": True,
                "obj_threshold": 0.5,
                "score_threshold": 0.5,
                "iou_threshold": 0.45,
                "pre_nms_topn": 16,
                "post_nms_topn": 8,
                **{f"biases_{k}": [float(v) for v in anchors[k]] for k in shapes},
            },
        }
    )
    code, om = convert(tmp_path, {**shapes, "img_info": (1, 4)}, layers, {})
    assert code == 0
    import openvino as ov

    c = read_container(om)
    outs = ov.Core().read_model(c.xml.decode(), ov.Tensor(np.frombuffer(c.weights, np.uint8).copy())).outputs
    assert [o.get_partial_shape().to_shape() for o in outs] == [
        [1, 48],
        [1, 8],
    ]  # static: buffers sized ahead
    info = np.array([[64, 64, 480, 640]], np.float32)  # netH, netW, picture H, W
    box_out, num = run_om(om, *heads.values(), info)
    assert box_out.shape == (1, 48) and num.shape == (1, 8) and num.dtype == np.int32
    ref = _ref_yolov3(list(heads.values()), list(anchors.values()), (64, 64), (480, 640), nc, 0.5, 0.5, 0.45)
    count = int(num[0, 0])
    assert count == len(ref) == 4 and not num[0, 1:].any()
    got = box_out[0, : 6 * count].reshape(6, count).T
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3)
    assert not box_out[0, 6 * count :].any()


def test_ssd_detection_output_as_the_samples_read_it(tmp_path):
    """atc's SSDDetectionOutput (VGG-SSD's prototxt ending): out_boxnum [1, 8] int32 with the count, y
    [1, keep_top_k, 8] rows (image, label, score, box, 0) with the rest zero: the same detections as
    DetectionOutput on the same inputs (test_detection_output_nms's case)."""
    ssd = {
        "name": "det",
        "type": "SSDDetectionOutput",
        "bottom": ["loc", "conf", "pb"],
        "top": ["out_boxnum", "y"],
        "ssddetectionoutput_param": {
            "num_classes": 2,
            "iou_threshold": 0.45,
            "top_k": 10,
            "code_type": 2,
            "keep_top_k": 5,
            "confidence_threshold": 0.5,
        },
    }
    code, om = convert(tmp_path, SSD_INPUTS, [PRIORS, ssd], {})
    assert code == 0
    conf = np.tile([0.9, 0.1], 16).astype(np.float32)
    conf[1], conf[3], conf[9] = 0.9, 0.85, 0.8
    feeds = [
        np.zeros((1, 3, 8, 8), np.float32),
        np.zeros((1, 2, 2, 2), np.float32),
        np.zeros((1, 64), np.float32),
        conf[None],
    ]
    num, y = run_om(om, *feeds)
    assert num.dtype == np.int32 and num.shape == (1, 8) and num[0, 0] == 2 and not num[0, 1:].any()
    assert y.shape == (1, 5, 8)
    np.testing.assert_allclose(y[0, 0], [0, 1, 0.9, 0, 0, 0.5, 0.5, 0], **TOL)
    np.testing.assert_allclose(y[0, 1], [0, 1, 0.8, 0.5, 0, 1.0, 0.5, 0], **TOL)
    assert not y[0, 2:].any()
