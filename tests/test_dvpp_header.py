"""Conformance of acl/ops/acl_dvpp.h with CANN's: enum values and sizes, and every function's
signature as a function-pointer type, checked by the compiler against facts recorded from CANN's public
header (tests/dvpp_header_facts.py says where from). No copy of CANN's header is needed.

ACL_DVPP_HEADER_ROOT=<dir holding acl/ops/acl_dvpp.h> checks another copy with the same facts
(how the facts themselves were checked against the reference).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvpp_header_facts import ENUM_SIZES, ENUMS, FUNCTIONS  # noqa: E402

pytestmark = pytest.mark.skipif(
    shutil.which("c++") is None or shutil.which("cc") is None, reason="needs cc/c++"
)


def header_root() -> Path:
    return Path(os.environ.get("ACL_DVPP_HEADER_ROOT") or sdk.include_dir())


def acl_root() -> Path:
    return sdk.include_dir()  # acl/acl.h, which the DVPP header includes


def compile_source(
    tmp_path: Path, name: str, source: str, compiler: list[str]
) -> subprocess.CompletedProcess:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    cmd = [*compiler, "-fsyntax-only", "-Wall", "-Wextra", f"-I{header_root()}", f"-I{acl_root()}", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def facts_program() -> str:
    lines = [
        "#define ENABLE_DVPP_INTERFACE",
        '#include "acl/ops/acl_dvpp.h"',
        "#include <type_traits>",
    ]
    for enum, values in ENUMS.items():
        lines.append(f'static_assert(sizeof(enum {enum}) == {ENUM_SIZES[enum]}, "sizeof(enum {enum})");')
        for name, value in values.items():
            lines.append(f'static_assert({name} == {value}, "{enum}::{name} is {value}");')
    for name, ret, params in FUNCTIONS:
        lines.append(
            f"static_assert(std::is_same<decltype(&{name}), {ret} (*)({params})>::value, "
            f'"{name} is {ret}({params})");'
        )
    return "\n".join(lines) + "\n"


def test_enums_and_signatures_match_cann(tmp_path):
    result = compile_source(tmp_path, "facts.cpp", facts_program(), ["c++", "-std=c++11"])
    assert result.returncode == 0, result.stderr[-4000:]


def test_facts_cover_every_declaration():
    """Every function our header declares is a recorded CANN one, and every recorded one is declared."""
    text = (header_root() / "acl" / "ops" / "acl_dvpp.h").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    declared = re.findall(r"ACL_FUNC_VISIBILITY\s+[^;(]*?\b(\w+)\s*\(", text)
    assert sorted(declared) == sorted(name for name, _, _ in FUNCTIONS)
    assert len(FUNCTIONS) == 176


def test_header_is_c99_and_cxx11(tmp_path):
    src = (
        '#define ENABLE_DVPP_INTERFACE\n#include "acl/ops/acl_dvpp.h"\n'
        "int use(void) { return PIXEL_FORMAT_RGB_888; }\n"
    )
    c = compile_source(tmp_path, "c99.c", src, ["cc", "-std=c99", "-pedantic-errors"])
    assert c.returncode == 0, c.stderr
    cxx = compile_source(tmp_path, "cxx11.cpp", src, ["c++", "-std=c++11", "-pedantic-errors"])
    assert cxx.returncode == 0, cxx.stderr


def test_needs_enable_dvpp_interface_like_cann(tmp_path):
    result = compile_source(tmp_path, "nodef.c", '#include "acl/ops/acl_dvpp.h"\n', ["cc", "-std=c99"])
    assert result.returncode != 0 and "ENABLE_DVPP_INTERFACE" in result.stderr
