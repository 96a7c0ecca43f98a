"""``acl-async classify``: classification_sample_async parity -- the table per picture, the batch, and
top-N equal to a direct OpenVINO run of the same model on the same preprocessed pictures."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from helpers import run_cli
from models import make_add_model, make_classifier_model

from acl_async import zoo
from acl_async.classify import PictureResult, format_table
from acl_async.preprocess import METADATA_KEY, load_picture
from acl_async.results import Classification

Env = dict[str, str]
ROW = re.compile(r"^(\d+)\s+(\d+\.\d{7})\s*(.*)$")
#: Normalized pictures (about N(0, 1)), so the tiny test classifier gives distinct probabilities.
PREPROCESS = json.dumps(
    {
        "resize": 8,
        "crop": 8,
        "mean": [123.7, 116.3, 103.5],
        "std": [58.4, 57.1, 57.4],
        "dtype": "float32",
        "layout": "NCHW",
        "interpolation": "bilinear",
    }
)


def with_batch(src: str, dst: Path, batch: int) -> str:
    """The test classifier with a static batch of ``batch`` (input and output first dimension) and
    normalizing preprocessing metadata."""
    model = onnx.load(src)
    for value in (model.graph.input[0], model.graph.output[0]):
        value.type.tensor_type.shape.dim[0].dim_value = batch
    onnx.helper.set_model_props(model, {METADATA_KEY: PREPROCESS})
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return str(dst)


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("models")
    raw = make_classifier_model(d / "raw.onnx")
    classifier = with_batch(raw, d / "classifier.onnx", 1)
    labels = d / "classifier.labels"
    labels.write_text("".join(f"class number {i}\n" for i in range(10)))
    return {
        "classifier": classifier,
        "raw": raw,
        "batch3": with_batch(raw, d / "classifier_b3.onnx", 3),
        "vector": make_add_model(d / "vector.onnx", (1, 16)),
    }


def classify(cache_env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(cache_env, "classify", *args)


def parse(stdout: str) -> dict[str, list[tuple[int, float, str | None]]]:
    """{picture path: [(classid, probability, label), ...]} from the sample's tables."""
    tables: dict[str, list[tuple[int, float, str | None]]] = {}
    current: list[tuple[int, float, str | None]] = []
    for line in stdout.splitlines():
        if line.startswith("Image "):
            current = tables.setdefault(line[len("Image ") :], [])
        elif (m := ROW.match(line)) is not None:
            current.append((int(m.group(1)), float(m.group(2)), m.group(3) or None))
    return tables


def openvino_scores(model: str, pictures: list[Path]) -> np.ndarray:
    """A direct OpenVINO run: [pictures, classes], in batches of the model's own batch."""
    import openvino as ov

    compiled = ov.Core().compile_model(model, "CPU")
    batch = compiled.input(0).shape[0]
    spec = zoo.model_preprocess_spec(model)
    tensors = [load_picture(p, spec) for p in pictures]
    rows = []
    for start in range(0, len(tensors), batch):
        chunk = tensors[start : start + batch]
        chunk += [chunk[-1]] * (batch - len(chunk))
        out = compiled.create_infer_request().infer({0: np.concatenate(chunk)})
        rows.append(out[compiled.output(0)].reshape(batch, -1)[: min(batch, len(tensors) - start)])
    return np.concatenate(rows)


def check_against_openvino(stdout: str, model: str, pictures: list[Path], top: int) -> None:
    tables = parse(stdout)
    assert list(tables) == [str(p) for p in pictures]
    scores = openvino_scores(model, pictures)
    for n, picture in enumerate(pictures):
        expected = sorted(range(scores.shape[1]), key=lambda i: (-scores[n, i], i))[:top]
        rows = tables[str(picture)]
        assert len(rows) == len(expected)
        for (classid, probability, _label), want in zip(rows, expected, strict=True):
            # the same class, or one whose OpenVINO score ties with it (both runtimes are OpenVINO on CPU)
            assert classid == want or abs(scores[n, classid] - scores[n, want]) < 1e-6, (picture, rows)
            assert probability == pytest.approx(float(scores[n, classid]), abs=2e-6)
        assert len({r[1] for r in rows}) > 1  # not a degenerate (saturated) ranking


def test_table_format() -> None:
    results = [PictureResult(Path("cat.jpg"), [Classification(1, 281, 0.38, "tabby, tabby cat"),
                                              Classification(2, 7, 0.0125, None)])]  # fmt: skip
    assert format_table(results, 2, True).splitlines() == [
        "", "Top 2 results:", "", "Image cat.jpg", "",
        "classid probability label",
        "------- ----------- -----",
        "281     0.3800000   tabby, tabby cat",
        "7       0.0125000",
    ]  # fmt: skip
    assert format_table(results, 2, False).splitlines()[5:8] == [
        "classid probability",
        "------- -----------",
        "281     0.3800000",
    ]


def test_top_n_equals_openvino(cache_env: Env, models: dict[str, str]) -> None:
    pictures = zoo.default_pictures()
    proc = classify(cache_env, "-m", models["classifier"], "-i", *map(str, pictures), "-nt", "5")
    assert proc.returncode == 0, proc.stderr
    assert "Top 5 results:" in proc.stdout
    assert "classid probability label" in proc.stdout  # labels from classifier.labels beside the model
    check_against_openvino(proc.stdout, models["classifier"], pictures, 5)
    assert "class number" in proc.stdout


def test_batch_is_number_of_pictures_when_model_takes_it(cache_env: Env, models: dict[str, str]) -> None:
    pictures = zoo.default_pictures()
    assert len(pictures) == 3
    proc = classify(cache_env, "-m", models["batch3"], "-i", *map(str, pictures), "-nt", "3")
    assert proc.returncode == 0, proc.stderr
    assert "Batch size is 3" in proc.stdout
    check_against_openvino(proc.stdout, models["batch3"], pictures, 3)


def test_fewer_pictures_than_batch_and_folder_input(
    cache_env: Env, models: dict[str, str], tmp_path: Path
) -> None:
    zoo.copy_default_pictures(tmp_path / "two")
    (tmp_path / "two" / "rocket.jpg").unlink()
    proc = classify(cache_env, "-m", models["batch3"], "-i", str(tmp_path / "two"), "-nt", "10")
    assert proc.returncode == 0, proc.stderr
    two = sorted((tmp_path / "two").iterdir())
    check_against_openvino(proc.stdout, models["batch3"], two, 10)


def test_top_n_clamped_to_classes_and_labels_option(
    cache_env: Env, models: dict[str, str], tmp_path: Path
) -> None:
    labels = tmp_path / "my.labels"
    labels.write_text("".join(f"label-{i}\n" for i in range(10)))
    picture = zoo.default_pictures()[1]
    proc = classify(
        cache_env, "-m", models["classifier"], "-i", str(picture), "-nt", "50", "--labels", str(labels)
    )
    assert proc.returncode == 0, proc.stderr
    assert "Top 10 results:" in proc.stdout
    rows = parse(proc.stdout)[str(picture)]
    assert len(rows) == 10 and all(label == f"label-{cid}" for cid, _, label in rows)


def test_embedded_model_default_pictures(cache_env: Env) -> None:
    proc = classify(cache_env, "-nt", "3")
    assert proc.returncode == 0, proc.stderr
    tables = parse(proc.stdout)
    assert len(tables) == 3
    for path, rows in tables.items():
        assert rows[0][0] in zoo.EXPECTED_CLASSES[Path(path).name]
        assert rows[0][2]  # ImageNet labels
    assert "espresso" in proc.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-nt", "0"), ("-nt",)),
        (("-i", "/nonexistent/cat.jpg"), ("no such file",)),
        (("--labels", "/nonexistent/labels.txt"), ("labels",)),
        (("-m", "/nonexistent/model.onnx"), ("not found",)),
    ],
)
def test_bad_input(
    cache_env: Env, models: dict[str, str], args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    base = ["-m", models["classifier"]] if "-m" not in args else []
    proc = classify(cache_env, *base, *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("acl-async: error:")
    assert all(w in lines[0] for w in words), lines[0]


def test_model_without_picture_input_and_broken_picture(cache_env: Env, models: dict[str, str],
                                                        tmp_path: Path) -> None:  # fmt: skip
    proc = classify(cache_env, "-m", models["vector"], "-i", str(zoo.default_pictures()[0]))
    assert proc.returncode == 2 and "picture input" in proc.stderr, proc.stderr
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    proc = classify(cache_env, "-m", models["classifier"], "-i", str(broken))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "broken.jpg" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_output_one_file_same_columns_as_ray(cache_env: Env, models: dict[str, str], tmp_path: Path,
                                             suffix: str) -> None:  # fmt: skip
    """``classify --output`` without Ray: one file, the Ray pipeline's columns, the table's values."""
    pictures = zoo.default_pictures()
    argv = ["-m", models["classifier"], "-i", *map(str, pictures), "-nt", "3"]
    table = parse(classify(cache_env, *argv).stdout)
    out = tmp_path / f"results{suffix}"
    proc = classify(cache_env, *argv, "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"{len(pictures)} results written to {out}" in proc.stdout
    assert out.is_file()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    elif suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    else:
        import csv

        lines = out.read_text().splitlines()
        assert lines.count(lines[0]) == 1  # one header
        rows = [{k: v if k == "path" else json.loads(v) for k, v in r.items()} for r in csv.DictReader(lines)]
    assert [r["path"] for r in rows] == [str(p.absolute()) for p in pictures]
    for r, p in zip(rows, pictures, strict=True):
        expected = table[str(p)]
        assert r["top_ids"] == [c for c, _, _ in expected]
        np.testing.assert_allclose(r["probabilities"], [v for _, v, _ in expected], atol=1e-6)
        assert r["labels"] == [label for _, _, label in expected]
    again = classify(cache_env, *argv, "--output", str(out))
    assert again.returncode == 2 and "--overwrite" in again.stderr
    assert classify(cache_env, *argv, "--output", str(out), "--overwrite").returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
