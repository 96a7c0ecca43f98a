"""Pure-Python parts of ``acl-async bench``: percentiles, summaries, reports, loops (with a fake engine),
progress and plot.  No timing thresholds."""

from __future__ import annotations

import csv
import io
import json
import math
import threading

import pytest

from acl_async.bench import report
from acl_async.bench.loops import AsyncLoop, LoopTimeout, StopRule, round_up, run_sync
from acl_async.bench.progress import Progress
from acl_async.bench.result import BenchResult
from acl_async.bench.stats import nearest_rank, parse_percentiles, percentile, summarize

# -- percentiles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([15, 20, 35, 40, 50], 5, 15),
        ([15, 20, 35, 40, 50], 30, 20),
        ([15, 20, 35, 40, 50], 40, 20),
        ([15, 20, 35, 40, 50], 50, 35),
        ([15, 20, 35, 40, 50], 100, 50),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 50, 8),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 75, 15),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 100, 20),
        ([1, 2, 3, 4], 50, 2),  # lower middle value, never an interpolation
        ([4, 1, 3, 2], 75, 3),  # unsorted input
        ([42.5], 1, 42.5),  # n = 1: every percentile is the value
        ([42.5], 50, 42.5),
        ([42.5], 100, 42.5),
        (list(range(1, 101)), 99, 99),
        (list(range(1, 101)), 99.5, 100),
        (list(range(1, 1001)), 99.9, 999),
    ],
)
def test_percentile_nearest_rank(values: list[float], p: float, expected: float) -> None:
    assert percentile(values, p) == expected


def test_percentile_100_is_max_and_matches_benchmark_app() -> None:
    values = [0.7, 0.1, 9.5, 3.3, 2.2, 8.8, 4.4]
    assert percentile(values, 100) == max(values)
    ordered = sorted(values)
    for p in (1, 10, 33.3, 50, 90, 95, 99, 100):  # benchmark_app: values[ceil(len * p / 100) - 1]
        assert percentile(values, p) == ordered[math.ceil(len(ordered) * p / 100) - 1]


def test_percentile_rank_float_noise() -> None:
    hundred = range(1, 101)
    assert percentile(hundred, 29) == 29  # 0.29 * 100 is 28.999999999999996 in floating point
    assert percentile(hundred, 7) == 7  # numpy alone: 0.07 * 100 = 7.000000000000001, rank 8
    assert percentile(range(1, 26), 28) == 7  # numpy alone: 0.28 * 25 = 7.000000000000001, rank 8
    assert percentile([1, 2, 3], 100) == 3
    assert percentile([5], 0.001) == 5


def test_nearest_rank_is_the_ceil_rule_on_a_grid() -> None:
    """Every p in 0.1 steps and n up to 300: rank ceil(p/100 x n) exactly (no float noise)."""
    ps = [k / 10 for k in range(1, 1001)]
    for n in range(1, 301):
        got = nearest_rank(range(1, n + 1), ps)
        assert got == [min(max(math.ceil(round(p * n / 100, 9)), 1), n) for p in ps], n


@pytest.mark.parametrize("p", [0, -1, 100.01, float("nan"), float("inf")])
def test_percentile_rejects_bad_p(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([1, 2, 3], p)


def test_percentile_rejects_empty() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)


def test_parse_percentiles() -> None:
    assert parse_percentiles("99,50, 90,50") == (50.0, 90.0, 99.0)
    assert parse_percentiles("99.9") == (99.9,)
    for bad in ("", "50,", "abc", "0", "101", "50,-1"):
        with pytest.raises(ValueError):
            parse_percentiles(bad)


def test_summarize() -> None:
    s = summarize([4.0, 1.0, 3.0, 2.0], (50, 75, 100))
    assert (s.count, s.median, s.average, s.min, s.max) == (4, 2.0, 2.5, 1.0, 4.0)
    assert s.percentiles == {50.0: 2.0, 75.0: 3.0, 100.0: 4.0}
    one = summarize([7.0], (50, 99, 100))
    assert one.median == one.min == one.max == one.average == 7.0
    assert set(one.percentiles.values()) == {7.0}
    assert one.to_dict()["percentiles"] == {"p50": 7.0, "p99": 7.0, "p100": 7.0}


# -- reports --------------------------------------------------------------------------------------


def _result(api: str = "async", count: int = 8, batch: int = 2, duration_s: float = 0.5) -> BenchResult:
    return BenchResult(
        api=api, mode="inference-only", model="m.onnx", batch=batch, requests=4 if api != "sync" else 1,
        count=count, duration_s=duration_s, latencies_ms=[float(i + 1) for i in range(count)],
        load_ms=12.5, first_inference_ms=3.25, percentiles=(50, 90, 99.9), iterations_requested=count,
    )  # fmt: skip


def _field(lines: list[str], name: str) -> str:
    for line in lines:
        body = line.removeprefix(report.PREFIX).strip()
        if body.startswith(name):
            return body[len(name) :].strip()
    raise AssertionError(f"{name} not in report")


def test_report_block_fields_consistent() -> None:
    r = _result(count=8, batch=2, duration_s=0.5)
    lines = report.format_report(r)
    text = "\n".join(lines)
    for name in (
        "Count:",
        "Duration:",
        "Latency:",
        "Median:",
        "Average:",
        "Min:",
        "Max:",
        "Throughput:",
        "First inference took",
        "Load model took",
        "90 percentile:",
        "99.9 percentile:",
    ):
        assert name in text
    count = int(_field(lines, "Count:").split()[0])
    duration_ms = float(_field(lines, "Duration:").split()[0])
    fps = float(_field(lines, "Throughput:").split()[0])
    assert count == 8
    assert fps == pytest.approx(count * r.batch / (duration_ms / 1000), abs=0.01)
    assert fps == pytest.approx(32.0)
    assert _field(lines, "Median:") == "4.00 ms"
    assert _field(lines, "Max:") == "8.00 ms"


def test_report_microseconds_below_one_ms() -> None:
    r = _result(count=2)
    r.latencies_ms = [0.25, 0.5]
    assert _field(report.format_report(r), "Median:") == "250.00 us"


def test_json_schema(tmp_path) -> None:  # noqa: ANN001
    results = [_result("sync"), _result("async")]
    path = report.write_json(tmp_path / "r.json", results, (50, 90, 99.9), "0.1.0")
    doc = json.loads(path.read_text())
    assert doc["schema"] == report.JSON_SCHEMA
    assert doc["percentiles"] == [50, 90, 99.9]
    assert [run["api"] for run in doc["runs"]] == ["sync", "async"]
    run = doc["runs"][1]
    for key in (
        "mode",
        "model",
        "device",
        "batch",
        "requests",
        "count",
        "duration_ms",
        "throughput_fps",
        "load_ms",
        "first_inference_ms",
        "latency_ms",
        "iterations_requested",
        "time_requested_s",
    ):
        assert key in run
    assert run["throughput_fps"] == pytest.approx(run["batch"] * run["count"] / (run["duration_ms"] / 1000))
    lat = run["latency_ms"]
    assert set(lat) == {"count", "median", "average", "min", "max", "percentiles"}
    assert set(lat["percentiles"]) == {"p50", "p90", "p99.9"}
    assert lat["percentiles"]["p99.9"] == lat["max"]
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_csv_schema(tmp_path) -> None:  # noqa: ANN001
    results = [_result("sync"), _result("async"), _result("queue")]
    path = report.write_csv(tmp_path / "r.csv", results, (50, 90, 99.9))
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == report.csv_columns((50, 90, 99.9))
    assert list(rows[0])[-3:] == ["latency_p50_ms", "latency_p90_ms", "latency_p99.9_ms"]
    assert [row["api"] for row in rows] == ["sync", "async", "queue"]
    for row in rows:
        frames = int(row["batch"]) * int(row["count"])
        assert float(row["throughput_fps"]) == pytest.approx(frames / (float(row["duration_ms"]) / 1000))


def test_compare_table() -> None:
    table = report.format_compare([_result("sync", duration_s=1.0), _result("async", duration_s=0.5)])
    lines = table.splitlines()
    assert lines[0].split()[0] == "API"
    assert lines[2].split()[0] == "sync" and lines[2].endswith("1.00x")
    assert lines[3].split()[0] == "async" and lines[3].endswith("2.00x")


# -- loops ----------------------------------------------------------------------------------------


def test_round_up() -> None:
    assert round_up(10, 4) == 12
    assert round_up(12, 4) == 12
    assert round_up(1, 3) == 3
    assert round_up(5, 1) == 5
    with pytest.raises(ValueError):
        round_up(0, 4)


def test_stop_rule() -> None:
    with pytest.raises(ValueError):
        StopRule()
    with pytest.raises(ValueError):
        StopRule(iterations=10, multiple=4)
    rule = StopRule(duration_s=1.0, multiple=3)
    assert rule.more(0, 0.0) and rule.more(4, 2.0) and not rule.more(6, 2.0)


def test_run_sync_counts_and_duration() -> None:
    calls: list[int] = []
    timings = run_sync(lambda: calls.append(1), StopRule(iterations=7), prepare=lambda i: calls.append(0))
    assert timings.count == 7 and calls == [0, 1] * 7
    assert timings.duration_s >= sum(timings.latencies_s) * 0.999


class FakeEngine:
    """Completes each submitted request on a worker thread, like a report thread would."""

    def __init__(self, loop: AsyncLoop, delay: float = 0.0) -> None:
        self.loop = loop
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.submitted: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def submit(self, rid: int, i: int) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.submitted.append((rid, i))
        threading.Timer(self.delay, self._done, (rid,)).start()

    def _done(self, rid: int) -> None:
        with self.lock:
            self.in_flight -= 1
        self.loop.complete(rid)


def test_async_loop_rounds_and_keeps_n_in_flight() -> None:
    loop = AsyncLoop(4)
    engine = FakeEngine(loop, delay=0.002)
    timings = loop.run(engine.submit, StopRule(iterations=round_up(10, 4), multiple=4))
    assert timings.count == 12
    assert [i for _, i in engine.submitted] == list(range(12))
    assert {rid for rid, _ in engine.submitted} == {0, 1, 2, 3}
    assert engine.max_in_flight <= 4
    assert engine.in_flight == 0
    assert timings.last_end > timings.first_start


def test_async_loop_duration_mode_ends_on_multiple() -> None:
    loop = AsyncLoop(3)
    engine = FakeEngine(loop)
    timings = loop.run(engine.submit, StopRule(duration_s=0.05, multiple=3))
    assert timings.count % 3 == 0 and timings.count >= 3


def test_async_loop_prepare_runs_before_submit() -> None:
    loop = AsyncLoop(2)
    engine = FakeEngine(loop)
    order: list[str] = []
    timings = loop.run(
        lambda rid, i: (order.append(f"s{i}"), engine.submit(rid, i)),
        StopRule(iterations=4, multiple=2),
        prepare=lambda rid, i: order.append(f"p{i}"),
    )
    assert timings.count == 4
    assert order == ["p0", "s0", "p1", "s1", "p2", "s2", "p3", "s3"]


def test_async_loop_check_error_and_timeout() -> None:
    loop = AsyncLoop(1, check=lambda: (_ for _ in ()).throw(RuntimeError("callback failed")), timeout_s=5)
    with pytest.raises(RuntimeError, match="callback failed"):
        loop.run(lambda rid, i: None, StopRule(iterations=2))
    loop = AsyncLoop(1, timeout_s=0.2)
    with pytest.raises(LoopTimeout):
        loop.run(lambda rid, i: None, StopRule(iterations=2))


def test_async_loop_submit_error_propagates() -> None:
    loop = AsyncLoop(2)

    def submit(rid: int, i: int) -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        loop.run(submit, StopRule(iterations=2, multiple=2))


# -- progress -------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_silent_when_not_a_tty_or_short() -> None:
    pipe = _Tty(False)
    p = Progress(total=10, stream=pipe, delay=0.0, interval=0.0)
    p.update(5)
    p.close()
    assert pipe.getvalue() == ""
    tty = _Tty(True)
    p = Progress(total=10, stream=tty)  # 2 s delay: a short run draws nothing
    p.update(5)
    p.close()
    assert tty.getvalue() == ""


def test_progress_draws_on_tty_after_delay() -> None:
    tty = _Tty(True)
    p = Progress(total=10, stream=tty, delay=0.0, interval=0.0)
    p.update(5)
    drawn = tty.getvalue()
    assert "50%" in drawn and "5/10" in drawn and "<" in drawn  # done/total [elapsed<remaining]
    p.close()
    assert tty.getvalue().endswith("\r")  # erased: the report starts on a clean line


def test_progress_by_time_counts_seconds_and_shows_iterations() -> None:
    tty = _Tty(True)
    p = Progress(duration_s=1000.0, stream=tty, delay=0.0, interval=0.0)
    p.start -= 500.0  # half of the time gone
    p.update(42)
    drawn = tty.getvalue()
    assert "50%" in drawn and "/1000 s" in drawn and "42 iterations" in drawn
    p.close()


# -- plot -----------------------------------------------------------------------------------------


def test_plot_writes_png(tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("matplotlib")
    from acl_async.bench.plot import plot_results

    path = plot_results(tmp_path / "bench.png", [_result("sync"), _result("async"), _result("queue")], "m")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["bench.png"]


def test_working_shows_the_time_taken_and_erases_itself() -> None:
    from acl_async.progress import working

    tty = _Tty(True)
    with working("converting net.onnx", stream=tty, delay=0.0):
        assert "converting net.onnx: 00:00" in tty.getvalue()
    assert tty.getvalue().endswith("\r")
    pipe = _Tty(False)
    with working("converting net.onnx", stream=pipe, delay=0.0):
        pass
    assert pipe.getvalue() == ""
