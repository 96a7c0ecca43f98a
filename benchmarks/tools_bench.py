"""Huawei's msame and ais_bench on our runtime vs ``acl-async bench -api sync``, same model and input.

Both tools are thin loops over ``aclmdlExecute``: a rate gap to ``acl-async bench -api sync`` is runtime
overhead to find (issue 21 asks each tool for >= 0.95x acl-async's rate). Their code is not part of this
project: pass a checkout of https://github.com/Ascend/tools (``--tools-src``); msame is built from it here
with its own ``build.sh`` against the installed SDK, ais_bench runs from its source with the ``aclruntime``
backend built by its Readme's ``pip wheel ./backend/`` (``--ais-python``: a Python where it is installed).
They link ``-lacl_dvpp``: the SDK must have ``libacl_dvpp.so``.

Rounds are interleaved (msame, ais_bench, acl-async, msame, ...) and the medians compared; on a shared
machine only the ratios mean anything.  The tools' figures are their own per-``aclmdlExecute`` means,
acl-async's is its Throughput line (the Python loop included).

``--callgrind`` counts instructions instead (valgrind's callgrind; repeatable on a loaded machine): each
side runs with ``--loop 1`` and ``--loop N``, and the difference divided by N - 1 is the instructions of
one more execution: in the whole process, in OpenVINO's ``InferRequest::infer``, and in ``aclmdlExecute``
outside it (the runtime's own per-execution work).

usage: python benchmarks/tools_bench.py --tools-src ~/tools [--model m.om --input in.bin] [--loop 100]
       [--rounds 3] [--ais-python python3] [--cann-path SDK] [--json out.json] [--callgrind]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from acl_async import sdk

ROOT = Path(__file__).resolve().parents[1]


def _env(cann_path: Path | None) -> dict[str, str]:
    """The SDK's --env; ``cann_path``: another SDK tree to build against (e.g. ours plus a libacl_dvpp.so)."""
    env = dict(os.environ)
    env.update({k: v for k, v in sdk.env_vars().items() if k not in ("THIRDPART_PATH", "LD_LIBRARY_PATH")})
    libs = [str(sdk.lib_dir())]
    if cann_path:
        env.update(CANN_PATH=str(cann_path), DDK_PATH=str(cann_path),
                   NPU_HOST_LIB=str(cann_path / "runtime/lib64/stub"))  # fmt: skip
        libs.append(str(cann_path / "runtime/lib64"))
    env["LD_LIBRARY_PATH"] = ":".join([*libs, env.get("LD_LIBRARY_PATH", "")]).rstrip(":")
    return env


def _default_model(work: Path) -> tuple[Path, Path]:
    import numpy as np

    sys.path.insert(0, str(ROOT / "tests"))
    import atc_models

    from acl_async.cli import main as cli_main

    onnx = atc_models.make_classifier(work / "net.onnx")
    argv = ["atc", "--framework=5", "--soc_version=Ascend310", f"--model={onnx}", f"--output={work / 'net'}",
            "--input_shape=data:1,3,224,224"]  # fmt: skip
    if cli_main(argv) != 0:
        raise SystemExit("tools_bench: acl-async atc failed")
    data = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    data.tofile(work / "in.bin")
    return work / "net.om", work / "in.bin"


def build_msame(tools_src: Path, work: Path, env: dict[str, str]) -> Path:
    if not (Path(env["NPU_HOST_LIB"]) / "libacl_dvpp.so").is_file():
        raise SystemExit("tools_bench: the SDK has no libacl_dvpp.so, which msame links (-lacl_dvpp)")
    src = work / "msame"
    shutil.copytree(tools_src / "msame", src)
    out = src / "out"
    subprocess.run(["bash", "build.sh", "g++", str(out)], cwd=src, env=env, check=True, capture_output=True)
    return out / "msame"


def _rate(pattern: str, text: str, per_ms: bool) -> float:
    m = re.findall(pattern, text)
    if not m:
        raise SystemExit(f"tools_bench: no {pattern!r} in the output:\n{text[-2000:]}")
    value = float(m[-1])
    return 1000.0 / value if per_ms else value


def msame_cmd(exe: Path, model: Path, data: Path, loop: int, work: Path) -> list[str]:
    return [str(exe), "--model", str(model), "--input", str(data), "--output", str(work / "o"),
            "--outfmt", "BIN", "--loop", str(loop)]  # fmt: skip


def ais_cmd(python: str, model: Path, data: Path, loop: int, work: Path) -> list[str]:
    return [python, "-m", "ais_bench", "--model", str(model), "--input", str(data), "--output",
            str(work / "a"), "--outfmt", "BIN", "--loop", str(loop)]  # fmt: skip


def ais_env(tools_src: Path, env: dict[str, str]) -> dict[str, str]:
    return {**env, "PYTHONPATH": str(tools_src / "ais-bench_workload/tool/ais_bench")}


def acl_async_cmd(model: Path, loop: int) -> list[str]:
    return [sys.executable, "-m", "acl_async", "bench", "-m", str(model), "-api", "sync", "-niter", str(loop)]


def run_msame(exe: Path, model: Path, data: Path, loop: int, work: Path, env: dict[str, str]) -> float:
    out = subprocess.run(msame_cmd(exe, model, data, loop, work), env=env, cwd=work, capture_output=True,
                         text=True, check=True)  # fmt: skip
    # msame's mean without the first (warm-up) execution, in ms per execution.
    return _rate(r"average time without first time: ([0-9.]+) ms", out.stdout, per_ms=True)


def run_ais(python: str, tools_src: Path, model: Path, data: Path, loop: int, work: Path, env: dict) -> float:
    out = subprocess.run(ais_cmd(python, model, data, loop, work), env=ais_env(tools_src, env), cwd=work,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return _rate(r"NPU_compute_time.mean\(([0-9.]+)\)", out.stdout + out.stderr, per_ms=True)


def run_acl_async(model: Path, loop: int, env: dict[str, str]) -> float:
    out = subprocess.run(acl_async_cmd(model, loop), env=env, capture_output=True, text=True, check=True)
    return _rate(r"Throughput:\s+([0-9.]+) FPS", out.stdout, per_ms=False)


def _instructions(cmd: list[str], env: dict[str, str], work: Path) -> tuple[int, int, int]:
    """Instructions of ``cmd`` under callgrind: in total, inside ``aclmdlExecute`` and inside OpenVINO's
    ``InferRequest::infer``."""
    out = work / "callgrind.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd], env=env, cwd=work,
                   capture_output=True, check=True)  # fmt: skip
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    out.unlink()

    def count(pattern: str) -> int:
        found = re.search(pattern, text, re.M)
        return int(found.group(1).replace(",", "")) if found else 0

    total = count(r"^\s*([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS")
    execute = count(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*:aclmdlExecute ")
    infer = count(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*ov::InferRequest::infer\(\)")
    return total, execute, infer


def per_execution(
    make_cmd: Callable[[int], list[str]], loop: int, env: dict[str, str], work: Path
) -> dict[str, int]:
    """Instructions of one more execution: (loop ``loop`` - loop 1) / (``loop`` - 1).  ``runtime``: the
    part in ``aclmdlExecute`` outside OpenVINO's infer (exact); ``instructions``: the whole process's
    (a Python process's total varies by some 100k instructions per execution from run to run)."""
    first = _instructions(make_cmd(1), env, work)
    last = _instructions(make_cmd(loop), env, work)
    total, execute, infer = ((b - a) / (loop - 1) for a, b in zip(first, last, strict=True))
    return {"instructions": round(total), "in_infer": round(infer), "runtime": round(execute - infer)}


def callgrind_report(
    args: argparse.Namespace, exe: Path, model: Path, data: Path, work: Path, env: dict[str, str]
) -> dict[str, dict[str, int]]:
    loop = max(args.loop, 2)
    sides: dict[str, tuple[Callable[[int], list[str]], dict[str, str]]] = {
        "msame": (lambda n: msame_cmd(exe, model, data, n, work), env),
        "acl-async": (lambda n: acl_async_cmd(model, n), env),
    }
    if args.ais_python:
        python = args.ais_python
        sides["ais_bench"] = (lambda n: ais_cmd(python, model, data, n, work), ais_env(args.tools_src, env))
    result = {name: per_execution(make, loop, side_env, work) for name, (make, side_env) in sides.items()}
    for name, r in result.items():
        print(f"{name:10s} {r['instructions']:>12,} instructions per execution, {r['in_infer']:>12,} in "
              f"OpenVINO's infer, {r['runtime']:>7,} in aclmdlExecute outside it")  # fmt: skip
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tools-src", type=Path, required=True, help="a checkout of github.com/Ascend/tools")
    p.add_argument(
        "--model", type=Path, help=".om to run (default: a 224x224 classifier made by acl-async atc)"
    )
    p.add_argument("--input", type=Path, help=".bin input of --model")
    p.add_argument("--loop", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument(
        "--ais-python", help="a Python with ais_bench's aclruntime installed (default: skip ais_bench)"
    )
    p.add_argument("--cann-path", type=Path, help="build the tools against this SDK tree (default: ours)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--callgrind", action="store_true", help="count instructions per execution (valgrind)")
    args = p.parse_args()
    env = _env(args.cann_path)
    with tempfile.TemporaryDirectory(prefix="tools_bench_") as tmp:
        work = Path(tmp)
        model, data = (args.model, args.input) if args.model else _default_model(work)
        exe = build_msame(args.tools_src, work, env)
        if args.callgrind:
            counts = callgrind_report(args, exe, model, data, work, env)
            if args.json:
                args.json.write_text(json.dumps({"loop": args.loop, "callgrind": counts}, indent=1))
            return 0
        rates: dict[str, list[float]] = {"msame": [], "acl-async": []}
        if args.ais_python:
            rates["ais_bench"] = []
        for _ in range(args.rounds):
            rates["msame"].append(run_msame(exe, model, data, args.loop, work, env))
            if args.ais_python:
                rates["ais_bench"].append(
                    run_ais(args.ais_python, args.tools_src, model, data, args.loop, work, env)
                )
            rates["acl-async"].append(run_acl_async(model, args.loop, env))
    base = statistics.median(rates["acl-async"])
    result = {name: {"median_per_s": statistics.median(r), "runs": r, "ratio": statistics.median(r) / base}
              for name, r in rates.items()}  # fmt: skip
    for name, r in result.items():
        print(f"{name:10s} {r['median_per_s']:10.1f} executions/s  {r['ratio']:.2f}x acl-async -api sync")
    if args.json:
        args.json.write_text(
            json.dumps({"loop": args.loop, "rounds": args.rounds, "results": result}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
