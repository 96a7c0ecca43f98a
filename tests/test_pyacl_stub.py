"""The `acl` type stub (acl-stubs/, installed beside the module) against the module itself.

mypy.stubtest (.ci/sanitize.sh) checks names and kinds, but pyACL functions take ``*args, **kwargs`` at the
pybind11 level, so it cannot compare parameters. The module records every function's parameter names and
required count (``acl._signatures()``, written by the same call that defines the function); this test
compares the stub's functions with them, both ways.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

acl = pytest.importorskip("acl")

SOURCE = Path(__file__).resolve().parents[1] / "csrc" / "pyacl" / "stubs"
NAMESPACES = {
    "acl": "__init__.pyi",
    "acl.rt": "rt.pyi",
    "acl.mdl": "mdl.pyi",
    "acl.util": "util.pyi",
    "acl.media": "media.pyi",
    "acl.op": "op.pyi",
}


def stub_dir() -> Path:
    spec = importlib.util.find_spec("acl")
    assert spec and spec.origin
    installed = Path(spec.origin).parent / "acl-stubs"
    return installed if installed.is_dir() else SOURCE


def stub_functions(folder: Path) -> dict[str, tuple[list[str], int]]:
    found = {}
    for namespace, file in NAMESPACES.items():
        for node in ast.parse((folder / file).read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                args = node.args.posonlyargs + node.args.args
                assert not node.args.vararg and not node.args.kwarg, node.name
                required = len(args) - len(node.args.defaults)
                found[f"{namespace}.{node.name}"] = ([a.arg for a in args], required)
    return found


def test_installed_beside_the_module_and_equal_to_the_source():
    folder = stub_dir()
    assert folder != SOURCE, "acl-stubs/ is not installed next to the acl module"
    if SOURCE.is_dir():
        for file in NAMESPACES.values():
            assert (folder / file).read_text() == (SOURCE / file).read_text(), file


def test_stub_and_module_have_the_same_functions_and_parameters():
    stub = stub_functions(stub_dir())
    runtime = {name: (list(params), required) for name, (params, required) in acl._signatures().items()}
    assert sorted(set(runtime) - set(stub)) == [], "functions missing from the stub"
    assert sorted(set(stub) - set(runtime)) == [], "stub functions the module does not have"
    wrong = {name: (stub[name], runtime[name]) for name in runtime if stub[name] != runtime[name]}
    assert wrong == {}, "stub (params, required) != module"


def test_stub_return_shapes_follow_the_docstrings():
    """`ret`-only calls are `-> int`, `(value, ret)` producers a tuple ending in int: the stub's return
    annotation agrees with the module's own docstring for every function."""
    folder = stub_dir()
    for namespace, file in NAMESPACES.items():
        module = acl if namespace == "acl" else getattr(acl, namespace.split(".")[1])
        for node in ast.parse((folder / file).read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            doc = getattr(module, node.name).__doc__
            line = next(x for x in doc.splitlines() if "acl." in x and "(" in x)
            outs = line.split("(")[0].split(" = ")[0].split(",") if " = " in line.split("(")[0] else []
            ret = ast.unparse(node.returns)
            if len(outs) > 1:
                assert ret.startswith("tuple[") and ret.count(",") >= len(outs) - 1, (node.name, ret)
                assert ret.endswith(", int]") == (outs[-1].strip() == "ret"), (node.name, ret)
            elif outs == ["ret"]:
                assert ret == "int", (node.name, ret)
            elif not outs:
                assert ret == "None", (node.name, ret)


def test_mypy_stubtest_agrees(tmp_path):
    """What .ci/sanitize.sh runs: names and kinds of the stub against the module."""
    pytest.importorskip("mypy")
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "acl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
