"""The driver under signals and faults: Ctrl-C, SIGTERM, a closed stdout, a full disk, a dump folder
made read-only, and file names that are not UTF-8. Each case checks the exit status, the one-line
message, that the files already written are whole and kept, and that no temporary file is left.

Synchronisation: the driver runs unbuffered and the test reads its result lines; a signal is sent
once N results were read (the run is then provably inside its loop), never after a sleep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FolderEvents

from acl_async import zoo

LONG_RUN = ["1000000", "1", "8"]  # far more than any test lets run: the run must stop early
OUTPUT_BYTES = 4000  # the embedded model's output: 1000 fp32


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    # Unbuffered pipes: read_lines() must not read ahead, because communicate() in finish() reads
    # the file descriptors themselves and would drop whatever a buffered reader had already taken.
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "acl_async", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )


def read_lines(proc: subprocess.Popen[bytes], count: int) -> list[bytes]:
    """The gate: block until the driver printed ``count`` result lines."""
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(count)]
    assert all(line.endswith(b"\n") for line in lines), (lines, proc.stderr.read() if proc.stderr else b"")
    return lines


def finish(proc: subprocess.Popen[bytes], timeout: float = 120) -> tuple[list[bytes], str]:
    """The rest of the output; a run that does not stop fails the test (and is killed)."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return stdout.splitlines(), stderr.decode(errors="replace")


def check_dump_folder(out: Path) -> list[Path]:
    files = sorted(out.iterdir())
    for f in files:
        assert f.name.startswith("output") and f.suffix == ".bin", f"left behind: {f.name}"
        assert f.stat().st_size == OUTPUT_BYTES, f"partial file: {f.name}"
    return files


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Broken pipe" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(("signum", "status", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                         (signal.SIGTERM, 143, "terminated")])  # fmt: skip
def test_signal_stops_cleanly_and_dumps_are_whole(
    cache_env: dict[str, str], default_model: str, tmp_path: Path, signum: int, status: int, word: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    events = FolderEvents(out)  # how each dump file appears: atomic writes only ever rename one in
    proc = start(cache_env, *LONG_RUN, "--dump", str(out), "-q")
    printed = read_lines(proc, 5)
    proc.send_signal(signum)
    rest, stderr = finish(proc)
    assert proc.returncode == status, stderr
    assert word in one_line(stderr)
    files = check_dump_folder(out)
    assert events.written_in_place("output") == []
    assert events.renamed_in("output") == [f.name for f in files]
    events.close()
    # every result printed was dumped first; the executions in flight finished before the exit
    assert len(files) == len(printed) + len(rest) >= 5
    assert len(files) < int(LONG_RUN[0])


def test_closed_stdout_is_a_quiet_exit(cache_env: dict[str, str], default_model: str) -> None:
    """``acl-async --json | head -1``: the driver stops at the first write into the closed pipe, exits
    141 (128 + SIGPIPE, what a shell reports for a tool killed by SIGPIPE) and says nothing."""
    proc = start(cache_env, *LONG_RUN, "--json")
    read_lines(proc, 1)
    assert proc.stdout is not None
    proc.stdout.close()
    _, stderr = finish(proc)
    assert proc.returncode == 141, stderr
    assert stderr == ""


def test_closed_stdout_through_a_shell_pipe(cache_env: dict[str, str], default_model: str) -> None:
    run = f'"{sys.executable}" -m acl_async {" ".join(LONG_RUN)} --json'
    cmd = f'{run} | head -n 2; echo "status ${{PIPESTATUS[0]}}"'
    proc = subprocess.run(["bash", "-c", cmd], env=cache_env, capture_output=True, text=True, timeout=120)
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and lines[-1] == "status 141", proc.stdout + proc.stderr
    assert proc.stderr == ""


# -- a full disk ---------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A folder on a 64 KiB tmpfs (room for a few dump files) when mounting is allowed; otherwise a
    folder whose file system says ENOSPC after 8 dump files (creating the next file fails, as on a full
    disk), injected through sitecustomize (dump files are not fsynced one by one)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                             capture_output=True).returncode == 0  # fmt: skip
    extra: dict[str, str] = {}
    if not mounted:
        site = tmp_path / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(
            "import errno, os, tempfile\n"
            "_real, _count = tempfile.mkstemp, [0]\n"
            "def mkstemp(*args, **kwargs):\n"
            f"    if str(kwargs.get('dir', '')).startswith({str(mount)!r}) and "
            "str(kwargs.get('prefix', '')).startswith('.output'):\n"
            "        _count[0] += 1\n"
            "        if _count[0] > 8:\n"
            "            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
            "    return _real(*args, **kwargs)\n"
            "tempfile.mkstemp = mkstemp\n"
        )
        extra["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    try:
        yield mount, extra
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=True)


def test_full_disk_stops_the_run_at_the_first_failed_write(
    cache_env: dict[str, str], default_model: str, small_disk: tuple[Path, dict[str, str]]
) -> None:
    mount, extra = small_disk
    out = mount / "out"
    proc = start({**cache_env, **extra}, *LONG_RUN, "--dump", str(out), "-q")
    printed, stderr = finish(proc)
    assert proc.returncode == 1, stderr
    message = one_line(stderr)
    assert "No space left on device" in message and str(out / "output") in message and ".tmp" not in message
    files = check_dump_folder(out)  # whole files kept, no temporary file left
    assert 1 <= len(files) == len(printed)  # nothing is printed for a result that was not dumped


def test_dump_folder_made_read_only_mid_run(
    cache_env: dict[str, str], default_model: str, tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; the full-disk test covers the failure path")
    out = tmp_path / "out"
    proc = start(cache_env, *LONG_RUN, "--dump", str(out), "-q")
    read_lines(proc, 3)
    out.chmod(0o555)
    try:
        _, stderr = finish(proc)
    finally:
        out.chmod(0o755)
    assert proc.returncode == 1 and "Permission denied" in one_line(stderr)
    check_dump_folder(out)


# -- file names that are not UTF-8 -----------------------------------------------------------------------


def test_paths_that_are_not_utf8(cache_env: dict[str, str], default_model: str, tmp_path: Path) -> None:
    base = os.fsencode(tmp_path)
    model = base + b"/caf\xe9.onnx"
    with open(model, "wb") as f:
        f.write(Path(default_model).read_bytes())
    pictures = base + b"/pics\xff"
    os.mkdir(pictures)
    for p in zoo.default_pictures():
        with open(pictures + b"/" + os.fsencode(p.stem) + b"\xe9.jpg", "wb") as f:
            f.write(p.read_bytes())
    bad = base + b"/bad\xe9.onnx"
    with open(bad, "wb") as f:
        f.write(b"not a model" * 50)
    python = [os.fsencode(sys.executable), b"-m", b"acl_async"]

    def run(*args: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*python, *args], env=cache_env, capture_output=True, timeout=300)

    proc = run(b"3", b"-m", model, b"-i", pictures, b"-q", b"--dump", base + b"/out\xfe")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3
    assert sorted(os.listdir(base + b"/out\xfe")) == [b"output1_0.bin", b"output2_0.bin", b"output3_0.bin"]
    proc = run(b"classify", b"-m", model, b"-i", pictures, b"-nt", b"1")
    assert proc.returncode == 0, proc.stderr
    assert b"Image " + pictures + b"/cat\xe9.jpg" in proc.stdout  # printed as the name's own bytes
    proc = run(b"bench", b"-m", model, b"-niter", b"2", b"-q", b"--report-json", base + b"/r\xe9.json")
    assert proc.returncode == 0 and os.path.isfile(base + b"/r\xe9.json"), proc.stderr
    proc = run(b"2", b"-m", bad)
    assert proc.returncode == 1
    assert "neither ONNX" in one_line(proc.stderr.decode(errors="replace"))
