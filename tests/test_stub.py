"""acl_async/_acl.pyi against the extension: parameter names and defaults of every method.

mypy.stubtest (.ci/sanitize.sh) checks that the stub and the extension have the same names, but
pybind11 functions have no introspectable signature, so it cannot compare parameters. pybind11
writes each signature on the first line of the docstring; this test compares those with the
stub's, and checks that no C++ type name leaks into them (a class bound before the classes its
methods take: csrc/bindings/module.cpp's registration order).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from acl_async import _acl

STUB = Path(_acl.__file__).with_name("_acl.pyi")
if not STUB.is_file():
    STUB = Path(__file__).resolve().parents[1] / "src" / "acl_async" / "_acl.pyi"

# Signatures that must name a class bound later (a cycle: each side takes the other).
CYCLES = {"Event.record", "Stream.report_thread", "Block.pool"}


def _split_params(text: str) -> list[str]:
    """Top-level comma split (types hold brackets with commas)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def _runtime_params(doc: str, name: str) -> list[tuple[str, str | None]]:
    first = doc.splitlines()[0]
    m = re.fullmatch(rf"{re.escape(name)}\((.*)\) -> .*", first)
    assert m, f"{name}: no pybind11 signature line in {first!r}"
    params = []
    for part in _split_params(m.group(1)):
        default = part.split(" = ", 1)[1] if " = " in part else None
        params.append((part.split(":", 1)[0].split(" = ", 1)[0].strip(), default))
    return params


def _stub_params(fn: ast.FunctionDef) -> list[tuple[str, str | None]]:
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + [ast.unparse(d) for d in args.defaults]
    params = [(a.arg, d) for a, d in zip(positional, defaults, strict=True)]
    if args.vararg:
        params.append(("*" + args.vararg.arg, None))
    params += [
        (a.arg, None if d is None else ast.unparse(d))
        for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]
    if args.kwarg:
        params.append(("**" + args.kwarg.arg, None))
    return params


def _stub_methods() -> list[tuple[str, str, ast.FunctionDef]]:
    tree = ast.parse(STUB.read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    found = []
    for cls in classes.values():
        if not hasattr(_acl, cls.name):
            continue
        # The class's own methods, then those of its stub-only bases (_Resource: close, ...).
        bodies = [cls.body] + [
            classes[b.id].body for b in cls.bases if isinstance(b, ast.Name) and b.id in classes
        ]
        seen = set()
        for body in bodies:
            for node in body:
                if isinstance(node, ast.FunctionDef) and node.name not in seen:
                    seen.add(node.name)
                    found.append((cls.name, node.name, node))
    return found


def _is_property(node: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Name) and d.id == "property" or isinstance(d, ast.Attribute)
        for d in node.decorator_list
    )


@pytest.mark.parametrize(
    ("cls", "name", "node"), _stub_methods(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_stub_matches_the_extension(cls, name, node):
    runtime = getattr(getattr(_acl, cls), name)
    doc = (runtime.fget if isinstance(runtime, property) else runtime).__doc__ or ""
    if _is_property(node) or doc.startswith("(arg0"):
        if f"{cls}.{name}" not in CYCLES:
            assert "::" not in doc.splitlines()[0], f"{cls}.{name}: C++ type name in {doc.splitlines()[0]!r}"
        return
    if "Overloaded function" in doc or name in ("__buffer__",):
        pytest.skip("no single signature to compare")
    got = _runtime_params(doc, name)
    want = _stub_params(node)
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    if not is_static:
        got, want = got[1:], want[1:]  # self
    assert [n for n, _ in want] == [n for n, _ in got], f"{cls}.{name}: stub {want} != extension {got}"
    for (n, stub_default), (_, ext_default) in zip(want, got, strict=True):
        assert (stub_default is None) == (ext_default is None), f"{cls}.{name}({n}): default differs"
        if stub_default is not None:
            assert stub_default == ext_default, f"{cls}.{name}({n}): {stub_default} != {ext_default}"
    if f"{cls}.{name}" not in CYCLES:
        assert "::" not in doc.splitlines()[0], f"{cls}.{name}: C++ type name in {doc.splitlines()[0]!r}"


def test_stub_functions_match_the_extension():
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            got = _runtime_params(getattr(_acl, node.name).__doc__, node.name)
            assert [n for n, _ in got] == [n for n, _ in _stub_params(node)], node.name
