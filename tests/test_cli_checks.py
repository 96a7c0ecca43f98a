"""The rough edges a new user hits first: benchmark_app's options, unknown options, and every check that
needs no device made before ACL is initialized (``-d 99`` names no device: a check made after ACL init
would fail on the device instead, with exit status 1 and another message)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli as run
from models import make_classifier_model

from acl_async import zoo

NO_DEVICE = ("-d", "99")


@pytest.fixture
def cls(tmp_path: Path) -> str:
    return make_classifier_model(tmp_path / "cls.onnx")  # [1,3,8,8] -> 10 classes


def check_error(proc, status: int, message: str) -> None:  # noqa: ANN001
    assert proc.returncode == status, (proc.stdout, proc.stderr)
    assert message in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "init success" not in proc.stdout


def test_unknown_options_are_named(cache_env: dict[str, str]) -> None:
    check_error(run(cache_env, "--outfmt", "TXT"), 2, "unknown option --outfmt")
    check_error(run(cache_env, "--outfmt=TXT"), 2, "unknown option --outfmt")
    check_error(run(cache_env, "bench", "-nireqs", "2"), 2, "unknown option -nireqs; did you mean -nireq?")
    check_error(run(cache_env, "bench", "-hnt", "latency"), 2, "unknown option -hnt")
    check_error(run(cache_env, "model", "build", "efficientnet-lite0", "--out", "x"), 2, "option --out")


def test_single_dash_options_are_not_read_as_help(cache_env: dict[str, str], cls: str) -> None:
    """``-hint`` used to be ``-h`` + ``int``: the help, exit 0, nothing run."""
    out = Path(cache_env["ACL_ASYNC_CACHE_DIR"]) / "hint.json"
    proc = run(cache_env, "bench", "-m", cls, "-hint", "latency", "-niter", "4", "--report-json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "usage:" not in proc.stdout
    (latency,) = json.loads(out.read_text())["runs"]
    assert latency["requests"] == 1 and latency["count"] == 4  # latency: one request in flight
    proc = run(cache_env, "bench", "-m", cls, "-nstreams", "3", "-niter", "3", "--report-json", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["runs"][0]["requests"] == 3  # one request per stream


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-nireq", "2", "-nstreams", "3"), "give one of them"),
        (("-nireq", "100000", "-niter", "1"), "at most 1022 requests"),
        (("-nireq", "5000", "-api", "queue"), "at most 1022 requests"),
        (("-shape", "[1,3,9,9]"), "is [1, 3, 8, 8], not [1, 3, 9, 9]: ACL models have static shapes"),
        (("-shape", "x[1,3,8,8]"), "no input 'x'"),
        (("-shape", "1,3,8,8"), "expected [d1,d2,...]"),
        (("-shape", "[1,3,8,8]", "-b", "2"), "-b 2 and -shape (batch 1) disagree"),
        (("-hint", "fastest"), "invalid choice"),
        (("-nthreads", "0"), "-nthreads must be >= 1"),
    ],
)
def test_bench_options_checked_before_acl_init(
    cache_env: dict[str, str], cls: str, args: tuple[str, ...], message: str
) -> None:
    check_error(run(cache_env, "bench", *NO_DEVICE, "-m", cls, *args), 2, message)


def test_bench_shape_of_the_model_runs(cache_env: dict[str, str], cls: str) -> None:
    proc = run(cache_env, "bench", "-m", cls, "-shape", "[1,3,8,8]", "-nthreads", "1", "-niter", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "Throughput" in proc.stdout


def test_driver_checks_before_acl_init(cache_env: dict[str, str], tmp_path: Path, cls: str) -> None:
    text_jpg = tmp_path / "notes.jpg"
    text_jpg.write_text("not a picture\n")
    wrong_npy = tmp_path / "wrong.npy"
    np.save(wrong_npy, np.zeros((1, 3, 7, 7), np.float32))
    wrong_type = tmp_path / "wrong_type.npy"
    np.save(wrong_type, np.zeros((1, 3, 8, 8), np.float64))
    (tmp_path / "folder").mkdir()
    cases = [
        (("2", "-c", str(tmp_path / "acl.json")), 2, "config file not found"),
        (("bench", "-c", str(tmp_path)), 2, "is a folder, not an acl.json"),
        (("2", "-m", str(tmp_path / "folder")), 2, "is a folder; give the model"),
        (("2", "-m", cls, "-nt", "11"), 2, "-nt 11: the model has only 10 classes"),
        (("2", "-m", cls, "-i", str(text_jpg)), 1, "not a picture Pillow can read"),
        (("2", "-m", cls, "-i", str(wrong_npy)), 1, "shape [1, 3, 7, 7], the model input is [1, 3, 8, 8]"),
        (("2", "-m", cls, "-i", str(wrong_type)), 1, "holds float64"),
    ]
    for (command, *args), status, message in cases:
        check_error(run(cache_env, command, *NO_DEVICE, *args), status, message)


def test_top_up_to_the_class_count_runs(cache_env: dict[str, str], cls: str) -> None:
    pictures = [str(p) for p in zoo.default_pictures()]
    proc = run(cache_env, "1", "-m", cls, "-nt", "10", "-q", "-i", *pictures[:1])
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 10, proc.stdout  # one execution, its 10 classes


def test_plot_without_matplotlib_says_which_extra(monkeypatch: pytest.MonkeyPatch, capsys, cls: str) -> None:
    from acl_async.bench import plot
    from acl_async.cli import main

    monkeypatch.setattr(plot, "matplotlib_available", lambda: False)
    assert main(["bench", "-m", cls, "--plot", "x.png"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'acl-async[plot]'" in err and err.count("\n") == 1
