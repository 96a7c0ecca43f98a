"""Bounded, seeded fuzzing (tests/fuzz_acl.py) of pyACL calls and of every model loader.

Each target runs in a child process: a crash (SIGSEGV, abort) fails the test with the child's
output instead of killing pytest, and a hang fails it at the timeout. The pyACL calls run under
``PYTHONMALLOC=debug``, which aborts at once when a binding touches a Python object without the
GIL. ``ACL_ASYNC_FUZZ_SEED`` and ``ACL_ASYNC_FUZZ_SECONDS`` repeat the run with other seeds or longer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models  # noqa: E402
import models  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the host runtime targets Linux")
FUZZ = Path(__file__).resolve().parent / "fuzz_acl.py"
SEED = int(os.environ.get("ACL_ASYNC_FUZZ_SEED", "20261205"))
SECONDS = float(os.environ.get("ACL_ASYNC_FUZZ_SECONDS", "20"))


def _fuzz(*args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(FUZZ), *args],
        capture_output=True,
        text=True,
        timeout=SECONDS * 4 + 120,
        env={**os.environ, "ACL_HOST_STRICT": "1", **(env or {})},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"fuzz {args[:2]} exited {proc.returncode}:\n{out[-4000:]}"
    assert out.startswith("fuzz: "), out[-4000:]
    return out


def test_random_pyacl_calls_from_threads(tmp_path):
    out = _fuzz("calls", str(SEED), str(SECONDS), "4", env={"PYTHONMALLOC": "debug"})
    calls = int(out.split()[1])
    assert calls > 100, out  # the harness really reached the bindings


def test_mutated_models_through_every_loader(tmp_path):
    onnx_model = models.make_classifier_model(tmp_path / "classifier.onnx")
    net = atc_models.make_classifier(tmp_path / "net.onnx")
    om = tmp_path / "batch"
    # Converted in a process of its own: OpenVINO numbers the nodes it makes (Constant_503) process-wide, so
    # an in-process conversion's .om (and with it every mutation the seed picks) would depend on which
    # tests ran before in this pytest process; SEED alone must decide the run.
    atc = [sys.executable, "-m", "acl_async", "atc", "--framework=5", "--soc_version=Ascend310",
           f"--model={net}", f"--output={om}", "--input_shape=data:-1,3,16,16",
           "--dynamic_batch_size=1,2,4"]  # fmt: skip
    res = subprocess.run(atc, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    out = _fuzz("models", str(SEED), str(SECONDS), f"{om}.om", onnx_model)
    assert int(out.split()[1]) > 0, out
