"""The host runtime's compiled-model cache: models are shared by content, never by hash alone."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from acl_async._build_info import BACKEND
from models import make_add_model

pytestmark = pytest.mark.skipif(BACKEND != "host", reason="the host runtime's cache")

CHILD = """
import sys, numpy as np
from acl_async import Session
with Session() as session:
    for path, const in zip(sys.argv[1::2], sys.argv[2::2]):
        for model in (session.load_model(path), session.load_model(open(path, "rb").read())):
            out = model.infer(np.zeros((1, 4), np.float32))[0]
            assert (out == float(const)).all(), (path, const, out)
print("ok")
"""


def test_colliding_keys_never_share_a_compiled_model(tmp_path):
    """With every cache key forced equal (a hash collision for each pair), each model still runs
    itself: the cache compares the content, not only its hash."""
    models = []
    for const in (1.0, 2.0, 3.0):
        models += [make_add_model(tmp_path / f"add{const}.onnx", (1, 4), np.float32, const=const), str(const)]
    env = dict(os.environ, ACL_HOST_MODEL_CACHE_KEY_MASK="0")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *models], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


DISK_CHILD = """
import sys, numpy as np
from acl_async import Session
with Session() as session:
    out = session.load_model(sys.argv[1]).infer(np.ones((1, 1024), np.float32))[0]
np.save(sys.argv[2], out)
"""


def _load_in_child(model: str, out: str, cache: object | None) -> str:
    """Load and run ``model`` in a new process (ACL_HOST_CACHE_DIR=``cache``); its INFO log lines."""
    env = dict(os.environ, ASCEND_GLOBAL_LOG_LEVEL="1", ASCEND_SLOG_PRINT_TO_STDOUT="1")
    env.pop("ACL_HOST_CACHE_DIR", None)
    if cache is not None:
        env["ACL_HOST_CACHE_DIR"] = str(cache)
    proc = subprocess.run([sys.executable, "-c", DISK_CHILD, model, out], env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def test_cache_dir_second_process_imports_what_the_first_compiled(tmp_path):
    """ACL_HOST_CACHE_DIR (README "Execution policy"): the first process compiles the model (both
    variants of an adaptive model) into OpenVINO's cache there, the next one imports it, same outputs."""
    from test_exec_policy import _big_model

    model = _big_model(tmp_path / "big.onnx")
    cache = tmp_path / "cache"
    first = _load_in_child(model, str(tmp_path / "a.npy"), cache)
    assert "compiled and stored in OpenVINO's model cache" in first and "imported from" not in first, first
    assert [p for p in cache.iterdir() if p.suffix == ".blob"]  # one blob serves both variants
    second = _load_in_child(model, str(tmp_path / "b.npy"), cache)
    assert f"imported from OpenVINO's model cache in '{cache}'" in second, second
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy"))


def test_no_cache_dir_no_cache(tmp_path):
    from test_exec_policy import _big_model

    model = _big_model(tmp_path / "big.onnx")
    out = _load_in_child(model, str(tmp_path / "a.npy"), None)
    assert "model cache" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npy", "big.onnx"]
