"""``acl-async bench`` end to end on small generated models: the report block, -niter rounding, JSON/CSV,
--compare, --plot, --full-pipeline, and bad input (one line, exit 2).  No timing thresholds."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli
from models import make_add_model, make_classifier_model, make_dynamic_batch_model, make_two_output_model

from acl_async import zoo
from acl_async.bench.report import JSON_SCHEMA, csv_columns

Env = dict[str, str]
Models = dict[str, str]


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("models")
    return {
        "classifier": make_classifier_model(d / "classifier.onnx"),
        "batch2": make_add_model(d / "add_b2.onnx", (2, 3, 8, 8)),
        "vector": make_add_model(d / "add_vec.onnx", (1, 16)),
        "two_inputs": make_two_output_model(d / "two.onnx"),
        "dynamic": make_dynamic_batch_model(d / "dynamic.onnx"),
    }


def bench(cache_env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run_cli(cache_env, "bench", *args, timeout=timeout)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def field(stdout: str, name: str, occurrence: int = 0) -> str:
    values = re.findall(rf"^\[ INFO \]\s+{re.escape(name)}\s*(.+)$", stdout, re.M)
    return values[occurrence].strip()


def ms(text: str) -> float:
    value, unit = text.split()
    return float(value) / 1000.0 if unit == "us" else float(value)


def check_block(stdout: str, batch: int, occurrence: int = 0) -> int:
    count = int(field(stdout, "Count:", occurrence).split()[0])
    duration_ms = float(field(stdout, "Duration:", occurrence).split()[0])
    fps = float(field(stdout, "Throughput:", occurrence).split()[0])
    # count x batch / duration = throughput, within the rounding of the printed figures: the true
    # duration D lies within +-0.005 ms of the printed d, so |fps - expected| <= expected * 0.005 / D
    # with D >= d - 0.005 (matters for sub-0.1 ms runs of tiny models).
    expected = count * batch / (duration_ms / 1000.0)
    tolerance = 0.006 + expected * 0.005 / max(duration_ms - 0.005, 1e-9)
    assert abs(fps - expected) <= tolerance, (fps, expected)
    lo, med, avg, hi = (ms(field(stdout, n, occurrence)) for n in ("Min:", "Median:", "Average:", "Max:"))
    assert lo <= med <= hi and lo <= avg <= hi
    for name in ("Load model took", "First inference took", "Latency:"):
        assert field(stdout, name, occurrence) or name == "Latency:"
    return count


def one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("acl-async: error:"), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# -- runs -----------------------------------------------------------------------------------------


def test_sync_block(cache_env: Env, models: Models) -> None:
    out = ok(bench(cache_env, "-m", models["classifier"], "-api", "sync", "-niter", "7"))
    assert check_block(out, batch=1) == 7
    assert "inference-only" in out and "API: sync" in out


def test_async_rounds_niter_to_multiple_of_nireq(cache_env: Env, models: Models) -> None:
    proc = bench(cache_env, "-m", models["classifier"], "-api", "async", "-nireq", "4", "-niter", "10")
    out = ok(proc)
    assert check_block(out, batch=1) == 12
    assert "from 10 to 12" in proc.stderr
    assert "4 requests in flight on 4 streams" in out


def test_async_default_nireq_and_duration_mode(cache_env: Env, models: Models,
                                                tmp_path: Path) -> None:  # fmt: skip
    report = tmp_path / "r.json"
    out = ok(bench(cache_env, "-m", models["vector"], "-t", "0.3", "--report-json", str(report)))
    run = json.loads(report.read_text())["runs"][0]
    assert run["api"] == "async" and run["requests"] >= 1
    assert run["count"] % run["requests"] == 0 and run["count"] == check_block(out, batch=1)
    assert run["iterations_requested"] is None and run["time_requested_s"] == 0.3


def test_queue_api(cache_env: Env, models: Models) -> None:
    out = ok(bench(cache_env, "-m", models["classifier"], "-api", "queue", "-nireq", "2", "-niter", "5"))
    assert check_block(out, batch=1) == 6
    assert "InferQueue" in out


def test_batch_counts_in_throughput(cache_env: Env, models: Models, tmp_path: Path) -> None:
    report = tmp_path / "r.csv"
    out = ok(bench(cache_env, "-m", models["batch2"], "-b", "2", "-api", "sync", "-niter", "4",
                   "--report-csv", str(report)))  # fmt: skip
    assert check_block(out, batch=2) == 4
    row = next(csv.DictReader(report.open()))
    assert row["batch"] == "2"
    frames = 2 * int(row["count"])
    seconds = float(row["duration_ms"]) / 1000
    assert float(row["throughput_fps"]) == pytest.approx(frames / seconds, rel=1e-4)
    # without -b the model's own batch is used
    assert (
        check_block(ok(bench(cache_env, "-m", models["batch2"], "-api", "sync", "-niter", "2")), batch=2) == 2
    )


def test_percentiles_nearest_rank_in_block(cache_env: Env, models: Models, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    args = ["-m", models["vector"], "-api", "sync", "-niter", "9", "--percentiles", "50,100"]
    out = ok(bench(cache_env, *args, "--report-json", str(report)))
    assert field(out, "100 percentile:") == field(out, "Max:")
    assert field(out, "50 percentile:") == field(out, "Median:")
    lat = json.loads(report.read_text())["runs"][0]["latency_ms"]
    assert lat["percentiles"]["p100"] == lat["max"] and lat["percentiles"]["p50"] == lat["median"]


def test_json_and_csv_schema_with_compare(cache_env: Env, models: Models, tmp_path: Path) -> None:
    js, cs = tmp_path / "r.json", tmp_path / "r.csv"
    out = ok(bench(cache_env, "-m", models["classifier"], "--compare", "-nireq", "2", "-niter", "4",
                   "--report-json", str(js), "--report-csv", str(cs)))  # fmt: skip
    doc = json.loads(js.read_text())
    assert doc["schema"] == JSON_SCHEMA and doc["percentiles"] == [50, 90, 95, 99]
    runs = doc["runs"]
    assert [r["api"] for r in runs] == ["sync", "async", "queue"]
    assert [r["requests"] for r in runs] == [1, 2, 2]
    for n, run in enumerate(runs):
        assert run["count"] == 4 == check_block(out, batch=1, occurrence=n)
        assert run["mode"] == "inference-only" and run["batch"] == 1
        assert run["throughput_fps"] == pytest.approx(run["count"] / (run["duration_ms"] / 1000))
        lat = run["latency_ms"]
        assert lat["count"] == run["count"]
        assert lat["min"] <= lat["median"] <= lat["max"]
        assert list(lat["percentiles"]) == ["p50", "p90", "p95", "p99"]
        assert lat["percentiles"]["p50"] == lat["median"]
    rows = list(csv.DictReader(cs.open()))
    assert list(rows[0]) == csv_columns((50, 90, 95, 99))
    assert [r["api"] for r in rows] == ["sync", "async", "queue"]
    table = out[out.index("API  ") :].splitlines()
    assert [line.split()[0] for line in table[2:5]] == ["sync", "async", "queue"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_plot_writes_png(cache_env: Env, models: Models, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "bench.png"
    ok(bench(cache_env, "-m", models["vector"], "--compare", "-niter", "4", "--plot", str(png)))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bench.png"]


def test_full_pipeline_on_pictures(cache_env: Env, models: Models) -> None:
    pictures = [str(p) for p in zoo.default_pictures()]
    for api in ("sync", "async"):
        out = ok(bench(cache_env, "-m", models["classifier"], "--full-pipeline", "-api", api, "-nireq", "2",
                       "-niter", "4", "-i", *pictures))  # fmt: skip
        assert "full-pipeline" in out
        assert check_block(out, batch=1) == 4


def test_inference_only_with_pictures_and_tensors(cache_env: Env, models: Models,
                                                  tmp_path: Path) -> None:  # fmt: skip
    np.save(tmp_path / "x.npy", np.ones((1, 3, 8, 8), np.float32))
    out = ok(bench(cache_env, "-m", models["classifier"], "-niter", "2", "-nireq", "2", "-i", str(tmp_path),
                   str(zoo.default_pictures()[0])))  # fmt: skip
    assert "2 file(s)" in out and check_block(out, batch=1) == 2


def test_no_progress_bar_when_not_a_tty(cache_env: Env, models: Models) -> None:
    proc = bench(cache_env, "-m", models["vector"], "-api", "sync", "-t", "2.5")
    ok(proc)
    assert "\r" not in proc.stderr and "\r" not in proc.stdout


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-api", "turbo"), ("-api", "turbo")),
        (("-niter", "0"), ("-niter", ">= 1")),
        (("-niter", "ten"), ("-niter",)),
        (("-t", "-1"), ("-t", "positive")),
        (("-t", "0"), ("-t",)),
        (("-t", "nan"), ("-t",)),
        (("-niter", "5", "-t", "1"), ("not allowed with",)),
        (("-nireq", "0"), ("-nireq",)),
        (("-b", "0"), ("-b",)),
        (("--percentiles", "50,101"), ("percentile",)),
        (("--percentiles", "0"), ("percentile",)),
        (("--report-json", "/nonexistent-dir/r.json"), ("--report-json", "does not exist")),
        (("--report-csv", "/nonexistent-dir/r.csv"), ("--report-csv",)),
        (("--plot", "/nonexistent-dir/p.png"), ("--plot",)),
        (("--bogus",), ("--bogus",)),
    ],
)
def test_bad_arguments(cache_env: Env, models: Models, args: tuple[str, ...],
                       words: tuple[str, ...]) -> None:  # fmt: skip
    one_line_error(bench(cache_env, "-m", models["vector"], *args), *words)


def test_unwritable_report_paths_checked_before_running(cache_env: Env, models: Models,
                                                        tmp_path: Path) -> None:  # fmt: skip
    good = tmp_path / "ok.json"
    # a folder as the CSV path: nothing runs, nothing is written
    one_line_error(bench(cache_env, "-m", models["vector"], "-niter", "1", "--report-json", str(good),
                         "--report-csv", str(tmp_path)), "--report-csv", "folder")  # fmt: skip
    assert not good.exists()
    (tmp_path / "file").write_text("")
    one_line_error(bench(cache_env, "-m", models["vector"], "-niter", "1", "--report-json",
                         str(tmp_path / "file" / "r.json")), "--report-json")  # fmt: skip


def test_batch_the_model_cannot_take(cache_env: Env, models: Models) -> None:
    one_line_error(bench(cache_env, "-m", models["classifier"], "-b", "4", "-niter", "1"), "batch 1", "4")
    one_line_error(
        bench(cache_env, "-m", models["batch2"], "-b", "3", "-api", "sync", "-niter", "1"), "batch 2"
    )
    one_line_error(bench(cache_env, "-m", models["dynamic"], "-b", "4", "-niter", "1"), "dynamic")


def test_bad_model_and_inputs(cache_env: Env, models: Models, tmp_path: Path) -> None:
    one_line_error(bench(cache_env, "-m", str(tmp_path / "missing.onnx")), "not found")
    one_line_error(bench(cache_env, "-m", models["two_inputs"], "-niter", "1", "-i",
                         str(zoo.default_pictures()[0])), "picture input")  # fmt: skip
    one_line_error(bench(cache_env, "-m", models["vector"], "-niter", "1", "-i", str(tmp_path / "none.jpg")),
                   "none.jpg")  # fmt: skip
    one_line_error(
        bench(cache_env, "-m", models["vector"], "--full-pipeline", "-niter", "1"), "picture input"
    )
