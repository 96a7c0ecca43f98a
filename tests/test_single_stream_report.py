"""benchmarks/single_stream.py's report: the tables issue 24 asks for and the README block it rewrites."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def single_stream():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("single_stream", ROOT / "benchmarks" / "single_stream.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _values(m) -> dict[str, dict[str, list[float]]]:  # noqa: ANN001
    one = {"sample `acl-async N 1 P`": [30.0, 40.0, 50.0], m.REFERENCE: [20.0, 20.0, 20.0]}
    ray = {m.LOCAL_CLASSIFY: [100.0, 50.0, 200.0], m.RAY_CLASSIFY: [80.0, 45.0, 60.0]}
    return {"Model A": one, "Model B": dict(one), m.RAY_MODEL: ray}


def test_tables_give_medians_and_ratios(single_stream):
    lines = single_stream.tables(_values(single_stream))
    assert lines[0] == "| run | Model A | Model B |"
    assert "| sample `acl-async N 1 P` | 40.0 (2.00x) | 40.0 (2.00x) |" in lines
    # Ray: the median of the per-round ratios (0.80, 0.90, 0.30), not the ratio of medians (60 / 100)
    assert f"| {single_stream.RAY_CLASSIFY} | 60.0 | 0.80x (0.80, 0.90, 0.30) |" in lines
    assert f"| {single_stream.LOCAL_CLASSIFY} | 100.0 | 1.00x (1.00, 1.00, 1.00) |" in lines


def test_readme_block_replaced_between_the_markers_only(single_stream):
    text = (ROOT / "README.md").read_text()
    new = single_stream.replace_block(text, "NEW TABLE")
    head, _, tail = text.partition(single_stream.README_BEGIN)
    assert new.startswith(head) and new.endswith(tail.partition(single_stream.README_END)[2])
    assert f"{single_stream.README_BEGIN}\nNEW TABLE\n{single_stream.README_END}" in new
    assert single_stream.replace_block(new, "AGAIN").count("NEW TABLE") == 0
    with pytest.raises(SystemExit, match="single-stream-table"):
        single_stream.replace_block("no markers here", "x")


def test_ray_rows_alone_give_the_ray_table_only(single_stream):
    values = _values(single_stream)
    lines = single_stream.tables({single_stream.RAY_MODEL: values[single_stream.RAY_MODEL]})
    assert lines[0].startswith("| run (EfficientNet-Lite0")
    assert f"| {single_stream.RAY_CLASSIFY} | 60.0 | 0.80x (0.80, 0.90, 0.30) |" in lines


def test_readme_block_leaves_the_baseline_row_out(single_stream, monkeypatch):
    monkeypatch.setattr(single_stream.run_all, "machine", lambda: {})
    values = _values(single_stream)
    base = f"{single_stream.RAY_CLASSIFY}, {single_stream.BASELINE} `/venv/bin/python`"
    values[single_stream.RAY_MODEL][base] = [1.0, 2.0, 3.0]
    assert base in "\n".join(single_stream.tables(values))  # in the report
    block = single_stream.readme_block(values, "1", "2", 3, 3000)
    assert single_stream.BASELINE not in block and single_stream.RAY_CLASSIFY in block
