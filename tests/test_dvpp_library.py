"""libacl_dvpp.so and its link stub: every function acl/ops/acl_dvpp.h declares is exported by both,
the stub has no dependencies, ``--coverage`` counts the header against its own library, and a call of
an unimplemented function fails with a message naming it (through ctypes, as any caller sees it)."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from acl_async import sdk

pytestmark = pytest.mark.skipif(sdk.backend() != "host", reason="the host runtime's DVPP library")

HEADER = Path(__file__).resolve().parents[1] / "csrc" / "host" / "include" / "acl" / "ops" / "acl_dvpp.h"


def declared() -> set[str]:
    text = re.sub(r"/\*.*?\*/", " ", HEADER.read_text(encoding="utf-8"), flags=re.S)
    return set(re.findall(r"ACL_FUNC_VISIBILITY\s+[^;(]*?\b(\w+)\s*\(", text))


def exports(lib: Path) -> set[str]:
    out = subprocess.run(
        ["nm", "-D", "--defined-only", str(lib.resolve())], capture_output=True, text=True, check=True
    )
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


@pytest.mark.skipif(shutil.which("nm") is None, reason="needs nm")
def test_library_and_stub_export_every_declared_function():
    names = declared()
    assert len(names) == 176
    lib = sdk.lib_dir() / "libacl_dvpp.so"
    stub = sdk.lib_dir() / "stub" / "libacl_dvpp.so"
    assert names <= exports(lib), sorted(names - exports(lib))
    c_names = {n for n in exports(lib) if not n.startswith("_Z")}
    assert c_names == names, sorted(c_names - names)  # nothing else leaks (libjpeg, libyuv stay inside)
    assert exports(stub) == names
    if shutil.which("readelf"):
        dyn = subprocess.run(["readelf", "-d", str(stub)], capture_output=True, text=True, check=True).stdout
        assert "NEEDED" not in dyn and "libacl_dvpp.so" in dyn


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf")
def test_pixel_libraries_come_from_the_registry_wheels():
    """libjpeg-turbo and libyuv are the static builds of the wheels cmake/DvppPixelLibs.cmake pins (not a
    system copy the build machine happens to have: Debian's is libjpeg-turbo 2.1), and no pixel or codec
    library is needed at load time (libpng and libavcodec are dlopen'ed from Pillow's and PyAV's wheels)."""
    lib = (sdk.lib_dir() / "libacl_dvpp.so").resolve()
    dyn = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn)
    assert needed and not [n for n in needed if re.match(r"lib(jpeg|turbojpeg|png|yuv|av|sw)", n)], needed
    pins = (Path(__file__).resolve().parents[1] / "cmake" / "DvppPixelLibs.cmake").read_text(encoding="utf-8")
    version = re.search(r'"comma-deps-libjpeg==(\d+\.\d+\.\d+)', pins).group(1)
    assert f"libjpeg-turbo version {version}".encode() in lib.read_bytes()


def test_coverage_counts_acl_dvpp_h():
    from acl_async import coverage

    rows, _ = coverage.coverage()
    row = {r.header: r for r in rows}["ops/acl_dvpp.h"]
    assert len(row.declared) == 176 and set(row.exported) == set(row.declared)


def test_unimplemented_function_fails_with_a_message():
    ascendcl = ctypes.CDLL(str(sdk.lib_dir() / "libascendcl.so"))
    dvpp = ctypes.CDLL(str(sdk.lib_dir() / "libacl_dvpp.so"))
    ascendcl.aclGetRecentErrMsg.restype = ctypes.c_char_p
    assert dvpp.acldvppVpcPyrDownAsync(None, None, None, None, None) == 200006  # FEATURE_UNSUPPORTED
    msg = ascendcl.aclGetRecentErrMsg().decode()
    assert msg.startswith("acldvppVpcPyrDownAsync: ") and "does not support" in msg
    dvpp.acldvppCreatePicDesc.restype = ctypes.c_void_p
    desc = dvpp.acldvppCreatePicDesc()
    assert dvpp.acldvppSetPicDescWidth(ctypes.c_void_p(desc), 640) == 0
    assert dvpp.acldvppGetPicDescWidth(ctypes.c_void_p(desc)) == 640
    assert dvpp.acldvppDestroyPicDesc(ctypes.c_void_p(desc)) == 0
