"""The SDK layout Huawei's tools (msame, ais_bench) and samples link against (issue 21).

- ``libacl_cblas.so``, ``libacl_op_compiler.so`` and ``libmsprofiler.so`` beside ``libascendcl.so``, each
  with its link-time stub generated from its own header (no function of another library's header in it),
  and ``aclmdlCreateAndGetOpDesc`` declared: a C program links ``-lascendcl -lacl_cblas -lacl_op_compiler
  -lmsprofiler`` against the stubs and runs against the real libraries, which return the documented
  ACL_ERROR_API_NOT_SUPPORT with ``aclGetRecentErrMsg()`` saying why.
- ``--env`` and the package's ``set_env.sh`` export the same variables (CANN_PATH ... as CANN's set_env.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acl_async import sdk

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux"),
    pytest.mark.skipif(sdk.backend() != "host", reason="the host runtime's SDK layout"),
]
TIMEOUT = 300
COMPANIONS = {
    "acl_cblas": ("acl/ops/acl_cblas.h", "aclblasGemmEx"),
    "acl_op_compiler": ("acl/acl_op_compiler.h", "aclopCompile"),
    "msprofiler": ("acl/acl_prof.h", "aclprofInit"),
}


def _exports(lib: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(lib)], capture_output=True, text=True, check=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if " T " in line}


def _declared(header: Path) -> set[str]:
    text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.S)
    return set(re.findall(r"ACL_FUNC_VISIBILITY\s+[^;(]*?\b(\w+)\s*\(", text))


@pytest.mark.skipif(shutil.which("nm") is None, reason="needs nm")
def test_each_stub_holds_exactly_its_own_headers_functions():
    inc = sdk.include_dir()
    own = {lib: _declared(inc / header) for lib, (header, _) in COMPANIONS.items()}
    for lib, (_, probe) in COMPANIONS.items():
        assert (sdk.lib_dir() / f"lib{lib}.so").is_file()
        stub = _exports(sdk.stub_dir() / f"lib{lib}.so")
        assert probe in own[lib] and stub == own[lib], lib
    ascendcl = _exports(sdk.stub_dir() / "libascendcl.so")
    assert "aclmdlCreateAndGetOpDesc" in ascendcl
    for lib, names in own.items():
        assert not names & ascendcl, f"lib{lib}'s functions leaked into the libascendcl stub"
    # The real library has them all (the companions load it).
    real = _exports(sdk.lib_dir() / "libascendcl.so")
    assert set().union(*own.values()) <= real


PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "acl/acl.h"
#include "acl/acl_op_compiler.h"
#include "acl/acl_prof.h"
#include "acl/ops/acl_cblas.h"

static int fails_with_message(aclError e, const char* what) {
  const char* msg = aclGetRecentErrMsg();
  if (e != ACL_ERROR_API_NOT_SUPPORT || !msg || !strstr(msg, what)) {
    printf("FAIL %d %s\n", (int)e, msg ? msg : "(null)");
    return 1;
  }
  printf("ok %s\n", msg);
  return 0;
}

int main(void) {
  int bad = 0;
  aclopHandle* handle = (aclopHandle*)&bad;
  char name[64] = "x";
  aclTensorDesc *in = NULL, *out = NULL;
  size_t nin = 9, nout = 9;
  if (aclInit(NULL) != ACL_SUCCESS) return 3;
  bad += fails_with_message(aclblasGemvEx(ACL_TRANS_N, 2, 2, NULL, NULL, 2, ACL_FLOAT, NULL, 1, ACL_FLOAT,
                                          NULL, NULL, 1, ACL_FLOAT, ACL_COMPUTE_HIGH_PRECISION, NULL),
                            "single operators");
  aclError gemv = aclblasCreateHandleForHgemv(ACL_TRANS_N, 2, 2, ACL_COMPUTE_HIGH_PRECISION, &handle);
  bad += fails_with_message(gemv, "single operators");
  /* GEMM runs as a single operator: with no GEMM model loaded, ACL_ERROR_OP_NOT_FOUND. */
  bad += aclblasGemmEx(ACL_TRANS_N, ACL_TRANS_N, ACL_TRANS_N, 2, 2, 2, NULL, NULL, -1, ACL_FLOAT16, NULL, -1,
                       ACL_FLOAT16, NULL, NULL, -1, ACL_FLOAT16, ACL_COMPUTE_HIGH_PRECISION, NULL) != 100024;
  bad += handle != NULL;
  bad += fails_with_message(
      aclopCompile("Add", 0, NULL, 0, NULL, NULL, ACL_ENGINE_SYS, ACL_COMPILE_SYS, NULL), "single operators");
  bad += aclCreateGraphDumpOpt() != NULL;
  bad += fails_with_message(aclmdlCreateAndGetOpDesc(0, 0, 7, name, sizeof name, &in, &nin, &out, &nout),
                            "no operator description");
  bad += name[0] != '\0' || nin != 0 || nout != 0 || in || out;
  bad += aclmdlCreateAndGetOpDesc(0, 0, 7, NULL, 0, &in, &nin, &out, &nout) != ACL_ERROR_INVALID_PARAM;
  bad += aclprofFinalize() != ACL_ERROR_PROF_NOT_RUN; /* never initialized */
  aclFinalize();
  printf("bad=%d\n", bad);
  return bad;
}
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_program_links_the_stubs_and_runs_on_the_real_libraries(tmp_path):
    src = tmp_path / "tools.c"
    src.write_text(PROGRAM)
    exe = tmp_path / "tools"
    libs = ["-lascendcl", "-lacl_cblas", "-lacl_op_compiler", "-lmsprofiler"]
    subprocess.run(
        ["cc", "-std=c99", "-Wall", "-Werror", "-o", str(exe), str(src), f"-I{sdk.include_dir()}",
         f"-L{sdk.stub_dir()}", "-Wl,--no-as-needed", *libs],
        check=True, timeout=TIMEOUT,
    )  # fmt: skip
    needed = subprocess.run(["readelf", "-d", str(exe)], capture_output=True, text=True).stdout
    for lib in ("libacl_cblas.so", "libacl_op_compiler.so", "libmsprofiler.so"):
        assert lib in needed
    env = {**os.environ, "LD_LIBRARY_PATH": str(sdk.lib_dir())}
    result = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 0 and "bad=0" in result.stdout, result.stdout + result.stderr
    # Against the stubs alone, the stub's message names itself.
    env["LD_LIBRARY_PATH"] = str(sdk.stub_dir())
    result = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 3


def test_env_and_set_env_sh_export_what_the_tools_read(tmp_path):
    env_lines = subprocess.run(
        [sys.executable, "-m", "acl_async", "--env"],
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout
    names = ["CANN_PATH", "ASCEND_TOOLKIT_HOME", "ASCEND_HOME_PATH", "ASCEND_AICPU_PATH", "ASCEND_OPP_PATH"]
    names += ["DDK_PATH", "INSTALL_DIR", "NPU_HOST_LIB", "CPU_ARCH", "THIRDPART_PATH", "LD_LIBRARY_PATH"]
    show = "".join(f'echo "{n}=${n}"\n' for n in names)
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LD_LIBRARY_PATH": "/x"}
    set_env = Path(sdk.__file__).resolve().with_name("set_env.sh")
    assert set_env.is_file()
    outs = []
    for prologue in (f'eval "$({sys.executable} -m acl_async --env)"', f"source {set_env}"):
        script = tmp_path / "show.sh"
        script.write_text(f"{prologue}\n{show}")
        outs.append(
            subprocess.run(["bash", str(script)], capture_output=True, text=True, env=base, check=True).stdout
        )
    assert outs[0] == outs[1]
    values = dict(line.split("=", 1) for line in outs[0].splitlines())
    ddk = str(sdk.ddk_path())
    assert values["CANN_PATH"] == values["ASCEND_TOOLKIT_HOME"] == values["ASCEND_HOME_PATH"] == ddk
    # What ais_bench's setup.py checks, and msame's CMakeLists derives from CANN_PATH.
    assert (Path(values["CANN_PATH"]) / "runtime/lib64/stub/libascendcl.so").is_file()
    assert values["NPU_HOST_LIB"] == str(sdk.stub_dir())
    assert values["LD_LIBRARY_PATH"] == f"{sdk.lib_dir()}:/x"
    assert "export CANN_PATH=" in env_lines
