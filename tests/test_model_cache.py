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
