"""End to end: the ``acl-async`` driver (Huawei's sample run) on the embedded model and pictures."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli
from models import make_add_model, make_classifier_model

from acl_async import zoo

RESULT = re.compile(r"^\[INFO\]  top 1: index\[(\d+)\] value\[([0-9.e+-]+)\](?: (.*))?$")
PICTURES = list(zoo.EXPECTED_CLASSES)  # round-robin order of the default inputs


run = run_cli


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
        (("2", "--dump", "/proc/acl-async-cannot-write"), "not writable"),
        (("benchmark",), "did you mean 'bench'?"),
        (("clasify", "-i", "x"), "did you mean 'classify'?"),
        (("-m", "/nonexistent/model.onnx"), "model file not found"),  # options first: the default run
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


def test_console_script_and_subcommand_help(cache_env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("acl-async")
    assert script.is_file(), "pip install should put the acl-async console script beside python"
    proc = subprocess.run([str(script), "--help"], env=cache_env, capture_output=True, text=True)
    assert proc.returncode == 0 and "EXECUTE_TIMES" in proc.stdout
    for sub in ("bench", "classify", "model"):
        proc = run(cache_env, sub, "--help")
        assert proc.returncode == 0 and f"acl-async {sub}" in proc.stdout, proc.stderr
    for command in ("run", "bench", "classify", "model"):  # every subcommand is listed in the help
        assert f"  {command} " in proc.stdout or command in run(cache_env, "--help").stdout
    module = [sys.executable, "-m", "acl_async.cli", "model", "list"]  # python -m acl_async.cli too
    proc = subprocess.run(module, env=cache_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "efficientnet-lite0" in proc.stdout, proc.stderr


def test_exit_statuses_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() maps each kind of exception to its status and prints at most one line, in one place."""
    from acl_async import cli
    from acl_async.cli import commands
    from acl_async.errors import AclError, LimitError

    cases = [
        (LimitError("pool of 10**9 blocks needs 4 TB"), 2, "acl-async: error: pool of 10**9 blocks"),
        (AclError(507011, "aclmdlExecute", "boom"), 1, "acl-async: error: aclmdlExecute failed"),
        (FileNotFoundError(2, "No such file or directory", "/x/y"), 1, "acl-async: error: /x/y: No such"),
        (ValueError("bad\nvalue"), 1, "acl-async: error: bad value"),
        (KeyboardInterrupt(), 130, "acl-async: interrupted"),
        (cli.Terminated(), 143, "acl-async: terminated"),
        (BrokenPipeError(), 141, None),
    ]
    fake = types.ModuleType("acl_async_test_command")
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    monkeypatch.setitem(commands.COMMANDS, "boom", (fake.__name__, "raises"))
    for exc, status, message in cases:

        def main(argv: list[str], exc: BaseException = exc) -> int:
            raise exc

        fake.main = main  # type: ignore[attr-defined]
        err = io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        assert cli.main(["boom"]) == status, exc
        lines = err.getvalue().splitlines()
        if message is None:
            assert lines == []
        else:
            assert len(lines) == 1 and lines[0].startswith(message), lines


# -- checked before ACL is initialized (device 99 does not exist: reaching ACL would exit 1) ---------


def test_usage_errors_come_before_acl_init(cache_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    model = make_classifier_model(tmp_path / "cls.onnx")  # 10 classes
    vector = make_add_model(tmp_path / "vector.onnx", (1, 16))
    (tmp_path / "three.labels").write_text("a\nb\nc\n")
    cases = [
        (("2", "-d", "99", "-i", str(tmp_path / "empty")), "no input files"),
        (("2", "-d", "99", "-m", model, "--labels", str(tmp_path / "three.labels")), "3 lines, but"),
        (("classify", "-d", "99", "-m", model, "--labels", str(tmp_path / "three.labels")), "has 10 classes"),
        (("bench", "-d", "99", "-m", model, "-b", "4", "-niter", "1"), "takes batch 1"),
        (("bench", "-d", "99", "-m", vector, "-i", str(zoo.default_pictures()[0]), "-niter", "1"),
         "needs a model with one picture input"),
        (("2", "-d", "99", "--dump", "/proc/acl-async-cannot-write"), "not writable"),
        (("model", "build", "efficientnet-lite0", "-o", "/proc/x.onnx"), "not writable"),
    ]
    for args, message in cases:
        proc = run(cache_env, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1 and ".tmp" not in proc.stderr, proc.stderr
        assert "init success" not in proc.stdout


def test_labels_beside_the_model_are_checked_too(cache_env: dict[str, str], tmp_path: Path) -> None:
    model = make_classifier_model(tmp_path / "cls.onnx")
    (tmp_path / "cls.labels").write_text("".join(f"class {i}\n" for i in range(10)))
    proc = run(cache_env, "1", "-m", model, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json_results(proc.stdout)[0]["top"][0]["label"].startswith("class ")
    (tmp_path / "cls.labels").write_text("one\ntwo\n")
    proc = run(cache_env, "1", "-m", model)
    assert proc.returncode == 2 and "cls.labels: 2 lines" in proc.stderr, proc.stderr


# -- the dump folder policy ---------------------------------------------------------------------------


def test_dump_folder_of_an_earlier_run_is_refused_unless_overwrite(
    cache_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run(cache_env, "5", "1", "2", "--dump", str(out), "-q").returncode == 0
    (out / ".output9_0.bin.x1y2.tmp").write_bytes(b"debris of a killed run")
    (out / "notes.txt").write_text("mine")
    proc = run(cache_env, "2", "1", "2", "--dump", str(out), "-q")
    assert proc.returncode == 2 and "--overwrite" in proc.stderr, proc.stderr
    assert len(list(out.glob("output*"))) == 5  # untouched
    proc = run(cache_env, "2", "1", "2", "--dump", str(out), "-q", "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "output1_0.bin", "output2_0.bin"]


def test_dump_files_follow_the_umask(cache_env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run(
        ["sh", "-c", f'umask 002 && exec "{sys.executable}" -m acl_async 1 --dump "{tmp_path}/out" -q'],
        env=cache_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "output1_0.bin").stat().st_mode & 0o777 == 0o664
