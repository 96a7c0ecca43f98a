"""scripts/transfer_pic.py: the sample's picture converter, run as a script and in-process."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from acl_async import zoo
from acl_async.preprocess import METADATA_KEY, SAMPLE_SPEC, PreprocessSpec, load_picture

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "transfer_pic.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("transfer_pic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def pictures(tmp_path) -> Path:
    folder = tmp_path / "pics"
    folder.mkdir()
    for p in zoo.default_pictures():
        shutil.copyfile(p, folder / p.name)
    (folder / "notes.txt").write_text("not converted")
    return folder


def test_folder_gives_sample_bins(pictures) -> None:
    result = _run(str(pictures))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    bins = sorted(pictures.glob("*.bin"))
    assert [b.name for b in bins] == ["cat.bin", "coffee.bin", "rocket.bin"]
    for b in bins:
        assert b.stat().st_size == 301_056
        expected = load_picture(pictures / f"{b.stem}.jpg", SAMPLE_SPEC)
        assert b.read_bytes() == expected.tobytes()
    assert not list(pictures.glob(".*"))  # no temporary files left


def test_output_dir_and_options(script, pictures, tmp_path) -> None:
    out = tmp_path / "out"
    argv = [str(pictures / "cat.jpg"), "-o", str(out), "--order", "rgb", "--mean", "127.5"]
    argv += [
        "--std",
        "127.5",
        "--dtype",
        "float32",
        "--layout",
        "nhwc",
        "--size",
        "256",
        "--crop",
        "224",
        "-q",
    ]
    assert script.main(argv) == 0
    spec = PreprocessSpec(resize=256, crop=224, mean=127.5, std=127.5, layout="NHWC", interpolation="bicubic")
    data = np.fromfile(out / "cat.bin", dtype=np.float32).reshape(1, 224, 224, 3)
    np.testing.assert_array_equal(data, load_picture(pictures / "cat.jpg", spec))
    assert not (pictures / "cat.bin").exists()


def test_corrupt_picture_exits_1_with_one_line(pictures) -> None:
    broken = pictures / "broken.jpg"
    broken.write_bytes((pictures / "cat.jpg").read_bytes()[:2000])
    result = _run(str(pictures))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "broken.jpg" in lines[0] and "Traceback" not in result.stderr
    assert (pictures / "cat.bin").stat().st_size == 301_056  # the others still converted
    assert not (pictures / "broken.bin").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["MISSING"], "no such file or folder"),
        (["--mean", "1,2", "PICS"], "--mean"),
        (["--layout", "CHW", "PICS"], "--layout"),
        (["--dtype", "uint8", "--mean", "104", "PICS"], "uint8"),
        (["--model", "MISSING.onnx", "PICS"], "no such model file"),
    ],
)
def test_usage_errors_exit_2_with_one_line(script, pictures, capsys, args, message) -> None:
    names = {"MISSING": pictures / "missing", "PICS": pictures, "MISSING.onnx": pictures / "missing.onnx"}
    argv = [str(names.get(a, a)) for a in args]
    try:
        code = script.main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not list(pictures.glob("*.bin"))


def test_spec_from_model_metadata(script, pictures, tmp_path) -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    stored = PreprocessSpec(resize=160, resize_mode="shorter", crop=128, mean=0.5, std=2.0)
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 128, 128, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [1, 128, 128, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    helper.set_model_props(model, {METADATA_KEY: stored.to_json()})
    path = tmp_path / "tiny.om"  # an ONNX file under the sample's model name
    onnx.save(model, path)
    assert script.main(["--model", str(path), "-q", str(pictures / "coffee.jpg")]) == 0
    expected = load_picture(pictures / "coffee.jpg", stored.replace(layout="NHWC", dtype="float16"))
    assert expected.shape == (1, 128, 128, 3)
    assert (pictures / "coffee.bin").read_bytes() == expected.tobytes()
