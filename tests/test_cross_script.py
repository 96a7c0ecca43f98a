"""Bad input to scripts/cross_compile_aarch64.sh: one line saying what to install or set,
and a non-zero exit, before anything slow happens.

The machine's real cross compiler and headers are hidden: PATH holds only a few
standard tools (and, where a test needs one, a fake ``aarch64-linux-gnu-g++`` that
only answers ``-dumpmachine``), so these run in well under a second each anywhere.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "cross_compile_aarch64.sh"
BASH = shutil.which("bash") or "/bin/bash"
PYVER = f"{sys.version_info[0]}.{sys.version_info[1]}"

# What the script may call before its checks are done (never the cross tools).
TOOLS = [
    "od",
    "tr",
    "head",
    "ls",
    "sed",
    "grep",
    "mkdir",
    "rm",
    "ln",
    "cp",
    "mv",
    "cat",
    "dirname",
    "basename",
    "env",
    "uname",
]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the script targets Linux hosts")


def _write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    """A PATH folder with standard tools only: no cross compiler, no cmake."""
    d = tmp_path / "tools"
    d.mkdir()
    for name in TOOLS:
        found = shutil.which(name)
        if found and not name.startswith("aarch64"):
            (d / name).symlink_to(found)
    return d


def _fake_compiler(tmp_path: Path, machine: str = "aarch64-linux-gnu") -> Path:
    d = tmp_path / "fakecc"
    d.mkdir(exist_ok=True)
    for tool in ("gcc", "g++"):
        _write_exe(
            d / f"aarch64-linux-gnu-{tool}",
            f'#!/bin/sh\n[ "$1" = -dumpmachine ] && echo {machine} && exit 0\nexit 1\n',
        )
    return d


def _run(args, path_dirs, env_extra=None, unset=()):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DDK_PATH",
            "NPU_HOST_LIB",
            "ACL_ASYNC_BACKEND",
            "ACL_ASYNC_CROSS_PREFIX",
            "ACL_ASYNC_CROSS_PYTHON_INCLUDE",
            "PYTHON",
        }
    }
    for k in unset:
        env.pop(k, None)
    env["PATH"] = os.pathsep.join(str(p) for p in path_dirs)
    env["PYTHON"] = sys.executable
    env.update(env_extra or {})
    return subprocess.run(
        [BASH, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def _one_line_error(proc, *needles):
    assert proc.returncode != 0, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert proc.stdout.strip() == ""
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _fake_ddk(tmp_path: Path, *, header=True, stub_machine: int | None = 183) -> Path:
    ddk = tmp_path / "ascend-toolkit" / "latest" / "arm64-linux"
    (ddk / "runtime" / "include" / "acl").mkdir(parents=True)
    if header:
        (ddk / "runtime" / "include" / "acl" / "acl.h").write_text("/* fake */\n")
    if stub_machine is not None:
        stub = ddk / "runtime" / "lib64" / "stub"
        stub.mkdir(parents=True)
        # ELF64 little-endian header with e_machine at offset 18.
        head = bytearray(64)
        head[0:4] = b"\x7fELF"
        head[4], head[5], head[6] = 2, 1, 1
        head[16] = 3  # ET_DYN
        head[18:20] = stub_machine.to_bytes(2, "little")
        (stub / "libascendcl.so").write_bytes(bytes(head))
    return ddk


def test_script_is_executable_bash():
    assert SCRIPT.is_file()
    assert os.access(SCRIPT, os.X_OK)
    assert subprocess.run([BASH, "-n", str(SCRIPT)]).returncode == 0


def test_help(tools):
    proc = _run(["--help"], [tools])
    assert proc.returncode == 0
    assert "DDK_PATH" in proc.stdout and "aarch64" in proc.stdout


def test_missing_cross_compiler(tools):
    proc = _run([], [tools])
    _one_line_error(proc, "aarch64-linux-gnu-g++", "apt-get install g++-aarch64-linux-gnu")


def test_missing_cross_compiler_cann_path(tools, tmp_path):
    proc = _run(["--backend", "cann"], [tools], {"DDK_PATH": str(_fake_ddk(tmp_path))})
    _one_line_error(proc, "g++-aarch64-linux-gnu")


def test_compiler_for_the_wrong_machine(tools, tmp_path):
    proc = _run([], [_fake_compiler(tmp_path, machine="x86_64-linux-gnu"), tools])
    _one_line_error(proc, "not aarch64", "g++-aarch64-linux-gnu")


def test_missing_arm64_python_headers(tools, tmp_path):
    proc = _run(
        [],
        [_fake_compiler(tmp_path), tools],
        {"ACL_ASYNC_CROSS_PYTHON_INCLUDE": str(tmp_path / "no-such-include")},
    )
    _one_line_error(proc, "arm64 Python", f"libpython{PYVER}-dev:arm64", "dpkg --add-architecture arm64")


def test_arm64_headers_not_needed_without_wheel(tools, tmp_path):
    # --no-wheel --sdk with CANN: no Python headers asked for; it fails later on DDK_PATH.
    proc = _run(
        ["--no-wheel", "--sdk", "--backend", "cann"],
        [_fake_compiler(tmp_path), tools],
        {"ACL_ASYNC_CROSS_PYTHON_INCLUDE": str(tmp_path / "no-such-include")},
    )
    line = _one_line_error(proc, "DDK_PATH")
    assert "Python" not in line


def test_cann_without_ddk_path(tools, tmp_path):
    proc = _run(["--backend", "cann"], [_fake_compiler(tmp_path), tools])
    _one_line_error(proc, "DDK_PATH is not set", "arm64-linux")


def test_cann_backend_from_environment(tools, tmp_path):
    proc = _run([], [_fake_compiler(tmp_path), tools], {"ACL_ASYNC_BACKEND": "cann"})
    _one_line_error(proc, "DDK_PATH is not set")


def test_cann_with_empty_ddk_path(tools, tmp_path):
    proc = _run(["--backend", "cann"], [_fake_compiler(tmp_path), tools], {"DDK_PATH": ""})
    _one_line_error(proc, "DDK_PATH is not set")


def test_ddk_path_not_a_folder(tools, tmp_path):
    proc = _run([], [_fake_compiler(tmp_path), tools], {"DDK_PATH": str(tmp_path / "nowhere")})
    _one_line_error(proc, "DDK_PATH=", "not a folder", "arm64-linux")


def test_ddk_path_without_acl_headers(tools, tmp_path):
    ddk = _fake_ddk(tmp_path, header=False)
    proc = _run([], [_fake_compiler(tmp_path), tools], {"DDK_PATH": str(ddk)})
    _one_line_error(proc, "runtime/include/acl/acl.h", "arm64-linux")


def test_ddk_path_without_stub(tools, tmp_path):
    ddk = _fake_ddk(tmp_path, stub_machine=None)
    proc = _run([], [_fake_compiler(tmp_path), tools], {"DDK_PATH": str(ddk)})
    _one_line_error(proc, "libascendcl.so", "NPU_HOST_LIB", "runtime/lib64/stub")


def test_npu_host_lib_without_library(tools, tmp_path):
    ddk = _fake_ddk(tmp_path)
    proc = _run(
        [], [_fake_compiler(tmp_path), tools], {"DDK_PATH": str(ddk), "NPU_HOST_LIB": str(tmp_path / "empty")}
    )
    _one_line_error(proc, "NPU_HOST_LIB=")


def test_ddk_path_of_an_x86_toolkit(tools, tmp_path):
    ddk = _fake_ddk(tmp_path, stub_machine=62)  # EM_X86_64
    proc = _run([], [_fake_compiler(tmp_path), tools], {"DDK_PATH": str(ddk)})
    _one_line_error(proc, "not an AArch64 library", "arm64-linux")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--backend", "npu"], "auto, cann or host"),
        (["--frobnicate"], "unknown option"),
        (["-j", "zero"], "positive number"),
        (["--no-wheel"], "nothing to do"),
    ],
)
def test_bad_options(tools, args, needle):
    proc = _run(args, [tools])
    _one_line_error(proc, needle)
