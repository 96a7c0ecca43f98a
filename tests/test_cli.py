"""End to end: the ``acl-async`` driver (Huawei's sample run) on the embedded model and pictures."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from acl_async import zoo

RESULT = re.compile(r"^\[INFO\]  top 1: index\[(\d+)\] value\[([0-9.e+-]+)\](?: (.*))?$")
PICTURES = list(zoo.EXPECTED_CLASSES)  # round-robin order of the default inputs


@pytest.fixture(scope="session")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    env["ACL_ASYNC_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    env.pop("ASCEND_DEVICE_ID", None)
    return env


def run(
    env: dict[str, str], *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "acl_async", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def json_results(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_reference_run_100_1_100(cache_env: dict[str, str]) -> None:
    proc = run(cache_env, "100", "1", "100")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "[INFO]  execute times = 100" in lines
    assert "[INFO]  callback interval = 1" in lines
    assert "[INFO]  memory pool size = 100" in lines
    assert "[INFO]  execute sample success" in lines
    results = [m for m in map(RESULT.match, lines) if m]
    assert len(results) == 100
    for n, match in enumerate(results):
        picture = PICTURES[n % len(PICTURES)]
        assert int(match.group(1)) in zoo.EXPECTED_CLASSES[picture], (n, picture, match.group(0))
        assert 0.0 < float(match.group(2)) <= 1.0
        assert match.group(3)  # the ImageNet label is appended
    assert "espresso" in proc.stdout


@pytest.mark.parametrize(
    "args, expected", [(("7", "3", "2"), 7), (("5", "0", "5"), 5), (("4", "10", "1"), 4)]
)
def test_every_execution_is_processed(
    cache_env: dict[str, str], args: tuple[str, ...], expected: int
) -> None:
    proc = run(cache_env, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    results = json_results(proc.stdout)
    assert [r["execution"] for r in results] == list(range(1, expected + 1))
    for r in results:
        picture = PICTURES[(r["execution"] - 1) % len(PICTURES)]
        assert r["input"] == picture
        assert r["top"][0]["index"] in zoo.EXPECTED_CLASSES[picture]


def test_top_n_and_quiet(cache_env: dict[str, str]) -> None:
    proc = run(cache_env, "3", "1", "3", "-nt", "5", "-q")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 15 and all(line.startswith("top ") for line in lines)
    values = [float(re.search(r"value\[([^\]]+)\]", line).group(1)) for line in lines[:5]]
    assert values == sorted(values, reverse=True)


def test_dump_files_match_printed_results(cache_env: dict[str, str], tmp_path: Path) -> None:
    proc = run(cache_env, "6", "4", "3", "--dump", str(tmp_path / "out"), "--json")
    assert proc.returncode == 0, proc.stderr
    files = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in files] == sorted(f"output{n}_0.bin" for n in range(1, 7))
    for r in json_results(proc.stdout):
        prob = np.fromfile(tmp_path / "out" / f"output{r['execution']}_0.bin", dtype=np.float32)
        assert prob.size == 1000  # the model's output byte size: 1000 fp32
        assert int(prob.argmax()) == r["top"][0]["index"]
        assert prob.max() == pytest.approx(r["top"][0]["value"], rel=1e-6)


def test_dump_npy_and_txt(cache_env: dict[str, str], tmp_path: Path) -> None:
    for fmt in ("npy", "txt"):
        proc = run(cache_env, "2", "1", "2", "--dump", str(tmp_path / fmt), "--dump-format", fmt, "--json")
        assert proc.returncode == 0, proc.stderr
        top = json_results(proc.stdout)[0]["top"][0]["index"]
        path = tmp_path / fmt / f"output1_0.{fmt}"
        data = np.load(path) if fmt == "npy" else np.loadtxt(path)
        assert int(np.asarray(data).reshape(-1).argmax()) == top


def test_bin_from_transfer_pic_classifies_like_the_picture(cache_env: dict[str, str], tmp_path: Path) -> None:
    pictures = zoo.copy_default_pictures(tmp_path / "pics")
    model = run(cache_env, "model", "path").stdout.strip()
    script = Path(__file__).resolve().parent.parent / "scripts" / "transfer_pic.py"
    conv = subprocess.run(
        [sys.executable, str(script), "--model", model, str(tmp_path / "pics")],
        env=cache_env,
        capture_output=True,
        text=True,
    )
    assert conv.returncode == 0, conv.stderr
    bins = sorted((tmp_path / "pics").glob("*.bin"))
    assert len(bins) == len(pictures)
    from_pics = json_results(
        run(cache_env, "3", "1", "3", "-i", *map(str, sorted(pictures)), "--json").stdout
    )
    from_bins = json_results(run(cache_env, "3", "1", "3", "-i", *map(str, bins), "--json").stdout)
    assert [r["top"][0]["index"] for r in from_bins] == [r["top"][0]["index"] for r in from_pics]
    for a, b in zip(from_bins, from_pics, strict=True):
        assert a["top"][0]["value"] == pytest.approx(b["top"][0]["value"], abs=1e-4)


@pytest.mark.parametrize(
    "args, message",
    [
        (("ten",), "EXECUTE_TIMES must be an integer"),  # not "abc": close to "atc"
        (("-5",), "EXECUTE_TIMES"),
        (("10", "-1"), "CALLBACK_INTERVAL"),
        (("10", "1", "0"), "POOL_SIZE must be >= 1"),
        (("10", "1", "1", "-m", "/nonexistent/model.onnx"), "model file not found"),
        (("1", "--json", "-q"), "not allowed with"),
        (("2", "--dump", "/proc/acl-async-cannot-write"), "cannot write dumps"),
        (("benchmark",), "did you mean 'bench'?"),
    ],
)
def test_usage_errors(cache_env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    proc = run(cache_env, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_runtime_errors(cache_env: dict[str, str], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"\x08\x07garbage" * 50)
    om = tmp_path / "resnet50.om"
    om.write_bytes(b"IMOD" + bytes(2000))
    (good,) = zoo.copy_default_pictures(tmp_path / "pics")[:1]
    bad_pic = tmp_path / "pics" / "broken.jpg"
    bad_pic.write_bytes(b"not a jpeg")
    short_bin = tmp_path / "short.bin"
    short_bin.write_bytes(bytes(100))
    cases = [
        (("2", "-m", str(corrupt)), str(corrupt.name)),
        (("2", "-m", str(om)), "ONNX"),
        (("2", "-i", str(good), str(bad_pic)), "broken.jpg"),
        (("2", "-i", str(short_bin)), "short.bin"),
    ]
    for args, message in cases:
        proc = run(cache_env, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_bad_picture_skipped_on_request(cache_env: dict[str, str], tmp_path: Path) -> None:
    pictures = zoo.copy_default_pictures(tmp_path / "pics")
    (tmp_path / "pics" / "broken.png").write_bytes(b"\x89PNG broken")
    proc = run(cache_env, "4", "2", "2", "-i", str(tmp_path / "pics"), "--bad-input", "skip", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "broken.png" in proc.stderr
    results = json_results(proc.stdout)
    assert len(results) == 4
    assert {r["input"] for r in results} <= {p.name for p in pictures}


def test_ctrl_c_stops_cleanly_and_dumps_are_whole(cache_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "acl_async", "100000", "1", "8", "--dump", str(out), "-q"],
        env=cache_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("output*_0.bin"))) < 5:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    files = list(out.iterdir())
    assert files, "the run was interrupted before it dumped anything"
    for f in files:
        assert f.name.startswith("output") and f.suffix == ".bin", f.name  # no temp files left
        assert f.stat().st_size == 4000


def test_console_script_and_subcommand_help(cache_env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("acl-async")
    assert script.is_file(), "pip install should put the acl-async console script beside python"
    proc = subprocess.run([str(script), "--help"], env=cache_env, capture_output=True, text=True)
    assert proc.returncode == 0 and "EXECUTE_TIMES" in proc.stdout
    for sub in ("bench", "classify", "model"):
        proc = run(cache_env, sub, "--help")
        assert proc.returncode == 0 and f"acl-async {sub}" in proc.stdout, proc.stderr
