"""The import contract: the package's layers depend one way, CLI -> features -> core.

* **cli**: ``acl_async.cli`` (argument parsing, messages, exit status);
* **features**: ``bench``, ``classify``, ``ray``, ``atc``, ``pipeline``, ``sample_run``: each may
  import the core and the shared ``pipeline`` stage, never the CLI nor another feature;
* **core**: everything else (``session``, ``runner``, ``infer_queue``, ``model_io``, ``preprocess``,
  ``_acl``, ``zoo``, ``labels``, ...): never a feature nor the CLI.  ``atc.container`` is the model file
  format the runtime reads, so it counts as core.

Every import is checked, also those inside functions and under ``TYPE_CHECKING``: an import moved into
a function to hide a dependency is still a dependency.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

# The package the tests run against (installed, like every other test's), found without importing it.
_SPEC = importlib.util.find_spec("acl_async")
assert _SPEC is not None and _SPEC.submodule_search_locations
PACKAGE = Path(list(_SPEC.submodule_search_locations)[0])

CLI = "cli"
FEATURES = ("bench", "classify", "ray", "atc", "pipeline", "sample_run")
SHARED_FEATURES = ("pipeline",)
CORE_EXCEPTIONS = ("atc.container",)
RANK = {"core": 0, "feature": 1, "cli": 2}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> tuple[str, str]:
    """(layer, unit) of a module name relative to the package ("" is the package itself: core)."""
    if module == CLI or module.startswith(CLI + "."):
        return "cli", CLI
    for exception in CORE_EXCEPTIONS:
        if module == exception or module.startswith(exception + "."):
            return "core", module
    top = module.split(".")[0]
    if top in FEATURES:
        return "feature", top
    return "core", top


def _exists(module: str) -> bool:
    base = PACKAGE.joinpath(*module.split(".")) if module else PACKAGE
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file() or module == "_acl"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module relative to the package) of every acl_async import in ``path``."""
    here = module_name(path).split(".") if module_name(path) else []
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "acl_async" or alias.name.startswith("acl_async."):
                    found.append((node.lineno, alias.name.partition(".")[2]))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "acl_async" or node.module.startswith("acl_async.")):
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:  # `from .. import zoo` imports the module acl_async.zoo
                sub = f"{target}.{alias.name}" if target else alias.name
                found.append((node.lineno, sub if _exists(sub) else target))
    return found


def violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        if here in ("", "__main__"):  # the package facade and `python -m acl_async` (-> cli)
            continue
        src_layer, src_unit = layer(here)
        for line, target in imported_modules(path):
            dst_layer, dst_unit = layer(target)
            where = f"acl_async/{path.relative_to(PACKAGE)}:{line} imports acl_async.{target}"
            if RANK[dst_layer] > RANK[src_layer]:
                out.append(f"{where}: {src_layer} must not import {dst_layer}")
            elif (src_layer == dst_layer == "feature" and src_unit != dst_unit
                  and dst_unit not in SHARED_FEATURES):  # fmt: skip
                out.append(f"{where}: feature {src_unit} must not import feature {dst_unit}")
    return out


def test_layers_depend_one_way() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("session", "from .bench.run import BenchOptions\n", "core must not import feature"),
        ("model_io", "def f():\n    from .cli import main\n", "core must not import cli"),
        ("ray.actor", "from ..bench import engine\n", "feature ray must not import feature bench"),
        ("bench.run", "import acl_async.cli.bench\n", "feature must not import cli"),
    ],
)
def test_contract_catches_a_wrong_import(monkeypatch, tmp_path, module, source, expected) -> None:
    """The checker itself: a file of the given module with a wrong import is reported."""
    real = PACKAGE.joinpath(*module.split(".")).with_suffix(".py")
    text = real.read_text() + "\n" + source
    original = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        return text if self == real else original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", read_text)
    assert any(expected in v for v in violations())


def test_features_use_model_io_not_bench() -> None:
    """classify, ray and the CLI reach model loading through the core model_io, at module level."""
    for rel in ("classify.py", "ray/actor.py", "ray/pipeline.py", "cli/classify.py"):
        tree = ast.parse((PACKAGE / rel).read_text())
        top = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
        assert any((n.module or "").endswith("model_io") for n in top), rel
