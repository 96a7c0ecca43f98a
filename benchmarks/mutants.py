"""Targeted mutants: does the test suite notice when a rule is broken?

    python benchmarks/mutants.py                 # the Python mutants (minutes)
    python benchmarks/mutants.py --native        # also the C++ ones (a rebuild each: slow)
    python benchmarks/mutants.py --only fileio-in-place,gear-always-largest

Each mutant changes one line of one layer (the model-I/O core, the file writer, the CLI, bench, the host
runtime) the way a plausible slip would, then runs the test files that guard that rule; the mutant is
*killed* when they fail.  Python mutants run against a copy of the installed package placed first on
PYTHONPATH (subprocesses of the tests see it too); native mutants are built from a copy of the source
tree (``.ci-work/mutants``) into a build folder kept between runs (incremental) and installed beside
it.  The working tree and the installed package are never modified.  Prints one line per mutant and
the score; not run in CI (slow).  Needs the package installed with its test extra (``pip install '.[test]'``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # in the repository
    old: str
    new: str
    tests: tuple[str, ...]  # pytest node ids or files that must fail
    native: bool = False


MUTANTS = (
    # -- core: model I/O ------------------------------------------------------------------------------
    Mutant("batch-any", "src/acl_async/model_io.py",
           "    if requested is not None and requested != own:\n",
           "    if False:\n",
           ("tests/test_cli.py::test_usage_errors_come_before_acl_init",)),
    Mutant("picture-any-input", "src/acl_async/model_io.py",
           '"float16", "uint8"):\n        return False\n',
           '"float16", "uint8"):\n        return True\n',
           ("tests/test_cli.py::test_usage_errors_come_before_acl_init",)),
    Mutant("requests-unbounded", "src/acl_async/model_io.py",
           "    if requests > MAX_REQUESTS:\n", "    if False:\n",
           ("tests/test_cli_checks.py::test_bench_options_checked_before_acl_init",)),
    Mutant("core-imports-feature", "src/acl_async/model_io.py",
           "from .preprocess import PreprocessSpec, infer_layout, spec_for_model\n",
           "from .preprocess import PreprocessSpec, infer_layout, spec_for_model\n"
           "from .bench import stats  # noqa\n",
           ("tests/test_layers.py",)),
    # -- core: files and inputs -----------------------------------------------------------------------
    Mutant("fileio-in-place", "src/acl_async/fileio.py",
           '        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)\n',
           "        tmp = os.fspath(target)\n"
           "        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n",
           ("tests/test_cli_faults.py::test_signal_stops_cleanly_and_dumps_are_whole",)),
    Mutant("tensor-headers-unchecked", "src/acl_async/preprocess.py",
           "        if spec is not None and spec.input_shape is not None:\n            _check_tensor_header(",
           "        if False:\n            _check_tensor_header(",
           ("tests/test_cli_checks.py::test_driver_checks_before_acl_init",)),
    Mutant("top-n-ties-by-higher-index", "src/acl_async/results.py",
           "    best = sorted(part.tolist(), key=lambda i: (-flat[i], i))\n",
           "    best = sorted(part.tolist(), key=lambda i: (-flat[i], -i))\n",
           ("tests/test_results.py",)),
    # -- features: bench ------------------------------------------------------------------------------
    Mutant("percentile-float-noise", "src/acl_async/bench/stats.py",
           "_FLOAT_NOISE = 1e-12\n", "_FLOAT_NOISE = 0.0\n",
           ("tests/test_bench_units.py",)),
    Mutant("gear-tensor-zero", "src/acl_async/bench/inputs.py",
           "                        arrays[k][...] = self.batch\n",
           "                        arrays[k][...] = 0\n",
           ("tests/test_atc_runtime.py::test_bench_runs_each_dynamic_batch_gear",)),
    Mutant("shape-any", "src/acl_async/bench/shapes.py",
           "        if want != own:\n", "        if False:\n",
           ("tests/test_cli_checks.py::test_bench_options_checked_before_acl_init",)),
    Mutant("progress-never-drawn", "src/acl_async/bench/progress.py",
           "        self.enabled = not self._bar.disable\n", "        self.enabled = False\n",
           ("tests/test_bench_units.py",)),
    # -- CLI ------------------------------------------------------------------------------------------
    Mutant("unknown-option-unnamed", "src/acl_async/cli/options.py",
           "            if self._unknown_option(token):\n", "            if False:\n",
           ("tests/test_cli_checks.py::test_unknown_options_are_named",)),
    Mutant("hint-latency-ignored", "src/acl_async/cli/bench.py",
           '    if requests is None and args.hint == "latency":\n',
           '    if requests is None and args.hint == "latency-ignored":\n',
           ("tests/test_cli_checks.py::test_single_dash_options_are_not_read_as_help",)),
    Mutant("top-checked-after-init", "src/acl_async/cli/run.py",
           "    check_top(args.top, file_classes(model_path))\n", "",
           ("tests/test_cli_checks.py::test_driver_checks_before_acl_init",)),
    # -- host runtime (C++): a rebuild each ------------------------------------------------------------
    Mutant("gear-always-largest", "csrc/host/src/model_dynamic.cpp",
           "  const Gear& gear = d.gears[static_cast<size_t>(g)];\n",
           "  const Gear& gear = d.gears[d.largest];\n",
           ("tests/test_atc_runtime.py::test_bench_runs_each_dynamic_batch_gear",), native=True),
    Mutant("event-elapsed-zero", "csrc/host/src/event.cpp",
           "  *ms = std::chrono::duration<float, std::milli>(tb - ta).count();\n",
           "  *ms = 0.0f * std::chrono::duration<float, std::milli>(tb - ta).count();\n",
           ("tests/test_extension_runtime.py::test_events_record_query_elapsed",), native=True),
)  # fmt: skip


def installed_package() -> Path:
    spec = importlib.util.find_spec("acl_async")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("acl_async is not installed: pip install '.[test]' first")
    return Path(list(spec.submodule_search_locations)[0])


def mutate(text: str, mutant: Mutant) -> str:
    if text.count(mutant.old) != 1:
        found = text.count(mutant.old)
        raise ValueError(f"{mutant.name}: the line to mutate is {found} times in {mutant.path}, not once")
    return text.replace(mutant.old, mutant.new)


def run_tests(mutant: Mutant, site: Path) -> tuple[str, float]:
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    start = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests]
    proc = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": path}, capture_output=True)
    took = time.monotonic() - start
    if proc.returncode == 0:
        return "SURVIVED", took
    if proc.returncode == 1:
        return "killed", took
    return f"error (pytest exit {proc.returncode})", took


def python_mutant(mutant: Mutant, package: Path, scratch: Path) -> tuple[str, float]:
    site = scratch / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(package, site / "acl_async", symlinks=True)
    target = site / "acl_async" / Path(mutant.path).relative_to("src/acl_async")
    target.write_text(mutate(target.read_text(), mutant))
    return run_tests(mutant, site)


def _sync_tree(tree: Path) -> None:
    """``tree`` := the committed sources, rewriting only the files that differ (their mtimes tell the
    kept build folder what to recompile)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as fresh:
        subprocess.run(["tar", "-x", "-C", fresh], input=archive.stdout, check=True)
        for src in Path(fresh).rglob("*"):
            if src.is_file():
                dst = tree / src.relative_to(fresh)
                if not dst.is_file() or dst.read_bytes() != src.read_bytes():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dst)


def native_mutant(mutant: Mutant, work: Path, scratch: Path) -> tuple[str, float]:
    """Built from a copy of the sources in ``work`` (kept between runs: incremental), installed into
    ``scratch``."""
    tree, build, site = work / "tree", work / "build", scratch / "native-site"
    _sync_tree(tree)
    source = tree / mutant.path
    original = source.read_text()
    source.write_text(mutate(original, mutant))
    try:
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                        f"-Cbuild-dir={build}", "--target", str(site), str(tree)], check=True)  # fmt: skip
        return run_tests(mutant, site)
    finally:
        source.write_text(original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="targeted mutants, and the tests that must kill them")
    parser.add_argument("--native", action="store_true", help="also the C++ mutants (one rebuild each)")
    parser.add_argument("--only", help="comma-separated mutant names")
    parser.add_argument("--work", type=Path, default=ROOT / ".ci-work" / "mutants",
                        help="the native mutants' source copy and build folder (kept: incremental)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if args.native or not m.native]
    if args.only:
        names = set(args.only.split(","))
        chosen = [m for m in MUTANTS if m.name in names]
    for m in chosen:  # every mutant still applies to the current sources
        mutate((ROOT / m.path).read_text(), m)
    package = installed_package()
    killed = 0
    with tempfile.TemporaryDirectory(prefix="acl-async-mutants-") as tmp:
        scratch = Path(tmp)
        for m in chosen:
            if m.native:
                outcome, took = native_mutant(m, args.work, scratch)
            else:
                outcome, took = python_mutant(m, package, scratch)
            killed += outcome == "killed"
            print(f"{m.name:28} {outcome:10} {took:6.1f} s  {m.path}", flush=True)
    print(f"score: {killed}/{len(chosen)} mutants killed")
    return 0 if killed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
