"""``python -m acl_async --ddk-path|--includedir|--libdir|--cmakedir`` and the SDK it points to."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acl_async import cli, sdk
from acl_async.cli.sdk import USAGE as SDK_USAGE

TIMEOUT = 300


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "acl_async", *args], capture_output=True, text=True, timeout=TIMEOUT
    )


def test_paths_follow_the_ddk_layout():
    ddk = sdk.ddk_path()
    assert sdk.include_dir() == ddk / "runtime" / "include"
    assert sdk.lib_dir() == ddk / "runtime" / "lib64"
    if sdk.backend() == "host":
        assert ddk == Path(sdk.__file__).resolve().parent
        assert (sdk.include_dir() / "acl" / "acl.h").is_file()
        assert (sdk.lib_dir() / "libascendcl.so").is_file()
        assert (sdk.cmake_dir() / "acl_asyncConfig.cmake").is_file()
    else:
        with pytest.raises(sdk.SdkError):
            sdk.cmake_dir()


def test_command_line_prints_each_path():
    result = run_module("--ddk-path", "--includedir", "--libdir")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(sdk.ddk_path()), str(sdk.include_dir()), str(sdk.lib_dir())]
    result = run_module("--cmakedir")
    if sdk.backend() == "host":
        assert result.returncode == 0 and result.stdout.strip() == str(sdk.cmake_dir())
    else:
        assert result.returncode == 1 and "CMake" in result.stderr


def test_bad_sdk_options(capsys):
    assert cli.main(["--ddk-path", "--bogus"]) == 2
    assert capsys.readouterr().err == "acl-async: error: unknown SDK flag '--bogus' (see acl-async --help)\n"
    assert cli.main(["--libdir", "--help"]) == 0
    assert capsys.readouterr().out == SDK_USAGE + "\n"


def test_sdk_error_is_a_runtime_error(monkeypatch, capsys):
    def missing():
        raise sdk.SdkError("acl_async was not built")

    monkeypatch.setitem(sdk.SDK_FLAGS, "--libdir", missing)
    assert cli.main(["--libdir"]) == 1
    assert capsys.readouterr().err == "acl-async: error: acl_async was not built\n"


def test_help_lists_the_sdk_flags():
    result = run_module("--help")
    assert result.returncode == 0, result.stderr
    for flag in sdk.SDK_COMMANDS:
        assert flag in result.stdout


def test_sdk_flags_only_alone_and_first():
    result = run_module("3", "--libdir")
    assert result.returncode == 2
    assert "go first, without a run" in result.stderr


@pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None, reason="needs cmake and c++"
)
def test_a_cmake_project_builds_and_runs_against_the_sdk(tmp_path):
    if sdk.backend() != "host":
        pytest.skip("the CMake package exists for the host runtime only")
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.18)\nproject(app CXX)\n"
        "find_package(acl_async REQUIRED)\nadd_executable(app main.cpp)\n"
        "target_link_libraries(app PRIVATE acl_async::ascendcl)\n"
    )
    (src / "main.cpp").write_text(
        '#include "acl/acl.h"\n#include <cstdio>\n'
        "int main() {\n"
        "  if (aclInit(nullptr) != ACL_SUCCESS) return 1;\n"
        "  uint32_t n = 0;\n"
        "  if (aclrtGetDeviceCount(&n) != ACL_SUCCESS || n == 0) return 2;\n"
        '  std::printf("devices %u\\n", n);\n'
        "  return aclFinalize() == ACL_SUCCESS ? 0 : 3;\n}\n"
    )
    build = tmp_path / "build"
    cmake_dir = run_module("--cmakedir").stdout.strip()
    subprocess.run(
        ["cmake", "-S", str(src), "-B", str(build), f"-Dacl_async_DIR={cmake_dir}"],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    subprocess.run(["cmake", "--build", str(build)], check=True, capture_output=True, timeout=TIMEOUT)
    # The README's promise: the RUNPATHs (app -> libascendcl.so -> OpenVINO's libraries) are enough.
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    result = subprocess.run([str(build / "app")], capture_output=True, text=True, timeout=TIMEOUT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("devices ")


# ---- The stub directory, the samples' environment and the coverage report (issue 12) ----


@pytest.mark.skipif(sdk.backend() != "host", reason="the host runtime's SDK")
def test_stub_is_a_link_time_library_beside_the_runtime():
    stub = sdk.stub_dir() / "libascendcl.so"
    assert sdk.stub_dir() == sdk.lib_dir() / "stub"
    assert stub.is_file() and not stub.is_symlink()
    assert stub.stat().st_size < (sdk.lib_dir() / "libascendcl.so").stat().st_size
    result = run_module("--stubdir")
    assert result.returncode == 0 and result.stdout.strip() == str(sdk.stub_dir())


def test_env_exports_what_the_samples_read(tmp_path):
    result = run_module("--env")
    assert result.returncode == 0, result.stderr
    script = tmp_path / "env.sh"
    show = 'echo "$DDK_PATH|$INSTALL_DIR|$NPU_HOST_LIB|$CPU_ARCH|$THIRDPART_PATH"\necho "$LD_LIBRARY_PATH"\n'
    script.write_text(result.stdout + "\n" + show)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LD_LIBRARY_PATH": "/x"}
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, check=True)
    values, ld = out.stdout.splitlines()
    ddk, install, npu, arch, third = values.split("|")
    assert ddk == install == str(sdk.ddk_path())
    assert npu == str(sdk.lib_dir() / "stub")
    assert arch and third == f"{tmp_path}/Ascend/thirdpart/{arch}"
    assert ld == f"{sdk.lib_dir()}:/x"
    env["THIRDPART_PATH"] = "/kept"
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.splitlines()[0].split("|")[4] == "/kept"


@pytest.mark.skipif(sdk.backend() != "host", reason="the host runtime's coverage")
def test_coverage_reports_the_installed_library():
    from acl_async import coverage

    rows, acl_h = coverage.coverage()
    by = {r.header: r for r in rows}
    assert "acl_rt.h" in acl_h and "acl_base_mdl.h" in acl_h
    # What this build implements is found in the library; what it does not, is missing.
    assert "aclrtMemcpy2dAsync" in by["acl_rt.h"].exported
    assert "aclCreateTensorDesc" in by["acl_base_mdl.h"].exported
    assert "aclopExecuteV2" in by["acl_op.h"].exported  # single operators from atc --singleop models
    assert "aclmdlGetOpAttr" in by["acl_mdl.h"].missing
    # Declared by our SDK with a documented error (ACL_ERROR_API_NOT_SUPPORT): exported, so it links.
    assert "aclopCompile" in by["acl_op_compiler.h"].exported
    assert len(by["acl_base_mdl.h"].exported) == len(by["acl_base_mdl.h"].declared)
    result = run_module("--coverage", "--missing")
    assert result.returncode == 0, result.stderr
    assert "| `acl_rt.h` | 358 |" in result.stdout and "**`acl/acl.h` and its includes**" in result.stdout
    assert "aclmdlGetOpAttr" in result.stdout
    result = run_module("--coverage", "--library", "/nonexistent/libascendcl.so")
    assert result.returncode == 1 and "does not exist" in result.stderr
