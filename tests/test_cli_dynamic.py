"""The driver (``acl-async [EXECUTE_TIMES ...]``) on dynamic ``acl-async atc`` models, end to end through
the CLI (issue 21 item 6): ``--dym-batch``, ``--dym-hw``, ``--dym-dims`` (and msame's ``--dymBatch``
... spellings) choose the profile; tensor files of the profile's size and pictures preprocessed at its
size are run, and the dumped outputs equal OpenVINO's, run directly on the same data at that shape.
Without a choice, tensor files pick the profile of their size, else the largest runs. A profile the model
does not have, an input of no profile's size, a profile option on a static model and shape-range models
(whose shapes the driver's static pool cannot take) are refused in one line, exit 2, before ACL init.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models  # noqa: E402

from acl_async.cli import main as cli_main  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")
BASE = ["--framework=5", "--soc_version=Ascend310"]
TOL = dict(rtol=1e-4, atol=1e-4)


def _atc(*argv: str) -> None:
    assert cli_main(["atc", *BASE, *argv]) == 0


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("dyn")
    net = Path(atc_models.make_classifier(d / "net.onnx"))
    _atc(
        f"--model={net}",
        f"--output={d / 'batch'}",
        "--input_shape=data:-1,3,16,16",
        "--dynamic_batch_size=1,2,4",
    )
    _atc(
        f"--model={net}",
        f"--output={d / 'hw'}",
        "--input_shape=data:1,3,-1,-1",
        "--dynamic_image_size=8,8;16,16",
    )
    _atc(
        f"--model={net}",
        f"--output={d / 'dims'}",
        "--input_shape=data:-1,3,-1,-1",
        "--dynamic_dims=1,8,8;2,16,16;2,8,12",
    )
    _atc(f"--model={net}", f"--output={d / 'range'}", "--input_shape_range=data:[1~2,3,8~16,8~16]")
    _atc(f"--model={net}", f"--output={d / 'static'}", "--input_shape=data:1,3,16,16")
    return {k: d / f"{k}.om" for k in ("batch", "hw", "dims", "range", "static")} | {"onnx": net, "dir": d}


def _openvino(onnx: Path, x: np.ndarray) -> np.ndarray:
    import openvino as ov

    return ov.Core().compile_model(str(onnx), "CPU")(x)[0]


def _tensor(
    models: dict[str, Path], shape: tuple[int, ...], seed: int, suffix: str = ".bin"
) -> tuple[Path, np.ndarray]:
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    path = models["dir"] / f"x{seed}_{'x'.join(map(str, shape))}{suffix}"
    if suffix == ".bin":
        x.tofile(path)
    else:
        np.save(path, x)
    return path, x


def _run(tmp_path: Path, *argv: str) -> list[np.ndarray]:
    """The driver with ``argv``, its first output of every execution (dumped as .npy)."""
    dump = tmp_path / "dump"
    assert cli_main([*argv, "-q", "--dump", str(dump), "--dump-format", "npy", "--overwrite"]) == 0
    files = sorted(dump.glob("output*_0.npy"), key=lambda p: int(p.name[6:].split("_")[0]))
    return [np.load(f) for f in files]


@pytest.mark.parametrize("flag", ["--dym-batch", "--dymBatch"])
def test_batch_profile_takes_a_tensor_of_its_size(models, tmp_path, flag):
    path, x = _tensor(models, (2, 3, 16, 16), 1)
    (out,) = _run(tmp_path, "1", "-m", str(models["batch"]), "-i", str(path), flag, "2")
    assert out.shape == (2, 5)
    np.testing.assert_allclose(out, _openvino(models["onnx"], x), **TOL)
    # Without a choice the .bin's size picks profile 2.
    (again,) = _run(tmp_path, "1", "-m", str(models["batch"]), "-i", str(path))
    np.testing.assert_allclose(again, out, **TOL)


def test_batch_profile_results_per_row(models, capsys):
    """One result per row of a batch-2 tensor, each the top class of its own row."""
    import json

    path, x = _tensor(models, (2, 3, 16, 16), 1)
    capsys.readouterr()
    assert cli_main(["1", "-m", str(models["batch"]), "-i", str(path), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = _openvino(models["onnx"], x).argmax(axis=1).tolist()
    assert [r["input"] for r in rows] == [f"{path.name}[0]", f"{path.name}[1]"]
    assert [r["top"][0]["index"] for r in rows] == expected


def test_batch_profile_runs_pictures_in_groups(models, tmp_path, capsys):
    """Profile 2 takes two pictures per execution, preprocessed at the model's 16x16; one result line each."""
    from acl_async import preprocess, zoo

    pictures = zoo.default_pictures()[:2]
    outs = _run(tmp_path, "1", "-m", str(models["batch"]), "-i", *map(str, pictures), "--dym-batch", "2")
    spec = preprocess.spec_for_model((1, 3, 16, 16), "float32", zoo.read_model_metadata(models["batch"]))
    x = np.concatenate([preprocess.load_input(p, spec) for p in pictures])
    np.testing.assert_allclose(outs[0], _openvino(models["onnx"], x), **TOL)
    capsys.readouterr()
    # No choice and pictures: the largest profile (4 pictures per execution, the shipped ones round-robin).
    assert cli_main(["2", "-m", str(models["batch"]), "-nt", "1"]) == 0
    out = capsys.readouterr().out
    assert "dynamic profile batch 4 (the largest)" in out and out.count("top 1:") == 8


@pytest.mark.parametrize("flag", ["--dym-hw", "--dymHW"])
def test_image_size_profile(models, tmp_path, flag):
    path, x = _tensor(models, (1, 3, 8, 8), 2, ".npy")
    (out,) = _run(tmp_path, "1", "-m", str(models["hw"]), "-i", str(path), flag, "8,8")
    np.testing.assert_allclose(out, _openvino(models["onnx"], x), **TOL)
    big, y = _tensor(models, (1, 3, 16, 16), 3)
    (out16,) = _run(tmp_path, "1", "-m", str(models["hw"]), "-i", str(big))  # 16,16 by its size
    np.testing.assert_allclose(out16, _openvino(models["onnx"], y), **TOL)


def test_image_size_profile_preprocesses_pictures_at_its_size(models, tmp_path):
    from acl_async import preprocess, zoo

    picture = zoo.default_pictures()[0]
    (out,) = _run(tmp_path, "1", "-m", str(models["hw"]), "-i", str(picture), "--dym-hw", "8,8")
    spec = preprocess.spec_for_model((1, 3, 8, 8), "float32", zoo.read_model_metadata(models["hw"]))
    x = preprocess.load_input(picture, spec)
    assert x.shape == (1, 3, 8, 8)
    np.testing.assert_allclose(out, _openvino(models["onnx"], x), **TOL)


@pytest.mark.parametrize("flag", ["--dym-dims", "--dymDims"])
def test_dims_profile(models, tmp_path, flag):
    path, x = _tensor(models, (2, 3, 8, 12), 4)
    (out,) = _run(tmp_path, "1", "-m", str(models["dims"]), "-i", str(path), flag, "data:2,3,8,12")
    assert out.shape == (2, 5)
    np.testing.assert_allclose(out, _openvino(models["onnx"], x), **TOL)
    small, y = _tensor(models, (1, 3, 8, 8), 5)
    (out1,) = _run(tmp_path, "1", "-m", str(models["dims"]), "-i", str(small), flag, "data:1,3,8,8")
    assert out1.shape == (1, 5)
    np.testing.assert_allclose(out1, _openvino(models["onnx"], y), **TOL)


def _refused(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert cli_main(list(argv)) == 2
    captured = capsys.readouterr()
    assert "acl init success" not in captured.out  # refused before ACL is initialized
    assert captured.err.count("\n") == 1, captured.err
    return captured.err


def test_refusals_name_the_profiles(models, capsys):
    batch, hw, dims = str(models["batch"]), str(models["hw"]), str(models["dims"])
    two, _ = _tensor(models, (2, 3, 16, 16), 1)
    three, _ = _tensor(models, (3, 3, 16, 16), 6)
    err = _refused(capsys, "1", "-m", batch, "--dym-batch", "3", "-i", str(two))
    assert "not a profile" in err and "batch profiles 1, 2, 4" in err
    err = _refused(capsys, "1", "-m", batch, "-i", str(three))
    assert "fits no profile" in err and "batch profiles 1, 2, 4" in err
    err = _refused(capsys, "1", "-m", batch, "--dym-batch", "4", "-i", str(two))
    assert "profile 2's size" in err and "the profile is 4" in err
    err = _refused(capsys, "1", "-m", hw, "--dym-hw", "9,9")
    assert "image size (H,W) profiles 8,8, 16,16" in err
    err = _refused(capsys, "1", "-m", batch, "--dym-hw", "8,8")
    assert "--dym-batch" in err and "batch profiles" in err
    err = _refused(capsys, "1", "-m", dims, "--dym-dims", "data:2,3,16,8")
    assert "data:1,3,8,8 | data:2,3,16,16 | data:2,8,12" not in err and "dims profiles data:1,3,8,8" in err
    err = _refused(capsys, "1", "-m", dims, "--dym-dims", "image:1,3,8,8")
    assert "no input 'image'" in err
    err = _refused(capsys, "1", "-m", str(models["static"]), "--dym-batch", "1")
    assert "no profiles" in err
    err = _refused(capsys, "1", "-m", batch, "--dym-batch", "1", "--dym-hw", "8,8")
    assert "give one profile option" in err


@pytest.mark.parametrize("flag", ["--dym-shape", "--dymShape"])
def test_shape_range_model_runs_the_given_shape(models, tmp_path, flag):
    """The shape goes to the input's tensor desc (aclmdlSetDatasetTensorDesc): outputs at that shape."""
    path, x = _tensor(models, (2, 3, 8, 12), 7)
    outs = _run(tmp_path, "2", "-m", str(models["range"]), "-i", str(path), flag, "data:2,3,8,12")
    assert len(outs) == 2 and outs[0].shape == (2, 5)
    for out in outs:
        np.testing.assert_allclose(out, _openvino(models["onnx"], x), **TOL)
    small, y = _tensor(models, (1, 3, 16, 8), 8, ".npy")
    (out,) = _run(tmp_path, "1", "-m", str(models["range"]), "-i", str(small), flag, "data:1,3,16,8")
    np.testing.assert_allclose(out, _openvino(models["onnx"], y), **TOL)


def test_shape_range_refusals(models, capsys):
    rng = str(models["range"])
    err = _refused(capsys, "1", "-m", rng)
    assert "--dym-shape" in err
    err = _refused(capsys, "1", "-m", rng, "--dymShape", "data:3,3,8,8")
    assert "outside the ranges" in err and "[1~2,3,8~16,8~16]" in err
    err = _refused(capsys, "1", "-m", rng, "--dym-batch", "1")
    assert "shape ranges" in err and "--dym-shape" in err
    path, _ = _tensor(models, (2, 3, 8, 12), 7)
    err = _refused(capsys, "1", "-m", rng, "--dym-shape", "data:2,3,8,16", "-i", str(path))
    assert "not of the --dym-shape shape [2, 3, 8, 16]" in err
