"""The native layers stay apart (csrc/): the engine is plain C++ over the ACL C API, the binding
modules only register, and each shared rule has one implementation (csrc/common).

Read from the source tree; skipped where the sources are not present (an installed wheel).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSRC = Path(__file__).resolve().parents[1] / "csrc"
pytestmark = pytest.mark.skipif(not (CSRC / "engine").is_dir(), reason="sources not present")

PYTHON_MARKERS = re.compile(r"#include\s*[<\"](pybind11/|Python\.h)|\bpy::|\bPy[A-Z][A-Za-z]*_\w*\(|PyObject")


def sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".h", ".cpp"))


def code_of(path: Path) -> str:
    """The file without its // comments (they may name Python)."""
    return "\n".join(line.split("//", 1)[0] for line in path.read_text().splitlines())


def test_engine_uses_no_python() -> None:
    files = sources(CSRC / "engine")
    assert len(files) > 20
    offenders = [str(p.relative_to(CSRC)) for p in files if PYTHON_MARKERS.search(code_of(p))]
    assert offenders == []


def test_the_marker_finds_python() -> None:
    """The check above would see a pybind11 include or a CPython call."""
    assert PYTHON_MARKERS.search('#include <pybind11/pybind11.h>\n')
    assert PYTHON_MARKERS.search("  PyGILState_Ensure();")
    assert PYTHON_MARKERS.search("py::object x;")
    assert not PYTHON_MARKERS.search("std::vector<int> copy_outputs();")


def test_no_glob_decides_module_membership() -> None:
    lists = sorted(CSRC.rglob("CMakeLists.txt"))
    assert lists
    source_glob = re.compile(r"file\(GLOB[^)]*\.(cpp|c)\"")
    globbed = [str(p.relative_to(CSRC)) for p in lists if source_glob.search(p.read_text())]
    assert globbed == []


def test_one_interpreter_exit_rule_and_one_strict_parser() -> None:
    """Both bindings link the common layer; neither has its own copy of its rules."""
    assert "acl_async_pycommon" in (CSRC / "CMakeLists.txt").read_text()
    assert "acl_async_pycommon" in (CSRC / "pyacl" / "CMakeLists.txt").read_text()
    assert "acl_async_common" in (CSRC / "host" / "CMakeLists.txt").read_text()
    for folder in ("bindings", "pyacl", "engine"):
        for path in sources(CSRC / folder):
            code = code_of(path)
            assert "_Py_IsFinalizing" not in code and "Py_IsFinalizing" not in code, path
            assert '"ACL_HOST_STRICT"' not in code, path
    host = "\n".join(code_of(p) for p in sources(CSRC / "host" / "src"))
    assert '"ACL_HOST_STRICT"' not in host  # the runtime reads it through env_config too
