"""Huawei's own pyACL samples run unchanged on `acl` (python/level2_simple_inference/1_classification/
resnet50_imagenet_classification and resnet50_async_imagenet_classification of Ascend/samples).

Their files are never copied into this project: the test reads them from a local clone named by
$ACL_ASYNC_SAMPLES_REPO (or the reference mirror of this project's machines) and skips without one. The
model is our stand-in for their resnet50.om (fp16 `data` in, fp32 out = 2 x input), so the top-1 value each
sample prints is checked against its own preprocessing of the picture.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from models import make_fp16_model

acl = pytest.importorskip("acl")
PIL = pytest.importorskip("PIL.Image")

REPO = Path(os.environ.get("ACL_ASYNC_SAMPLES_REPO", "/work/.mirror/Ascend+samples/repo"))
BASE = "python/level2_simple_inference/1_classification"
SAMPLES = ["resnet50_imagenet_classification", "resnet50_async_imagenet_classification"]


def extract(dest: Path, sample: str) -> Path:
    path = f"{BASE}/{sample}/src"
    if (REPO / ".git").is_dir() or (REPO / "HEAD").is_file():
        blob = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", path], capture_output=True).stdout
        if not blob:
            pytest.skip(f"{path} not in {REPO}")
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tarfile.open(fileobj=BytesIO(blob)).extractall(dest, **safe)
        return dest / BASE / sample
    if (REPO / path).is_dir():
        return REPO / BASE / sample
    pytest.skip("no clone of Ascend/samples (set ACL_ASYNC_SAMPLES_REPO)")


@pytest.mark.parametrize("sample", SAMPLES)
def test_huawei_sample_runs_unchanged(tmp_path, sample):
    root = extract(tmp_path, sample)
    (root / "data").mkdir(exist_ok=True)
    make_fp16_model(root / "model" / "resnet50.om", (1, 3, 224, 224), scale=2.0)
    rng = np.random.default_rng(3)
    picture = root / "data" / "noise.jpg"
    PIL.fromarray(rng.integers(0, 255, (260, 300, 3), dtype=np.uint8)).save(picture)
    args = ["--execute_times", "6", "--mem_pools", "6", "--callback_interval", "4"]
    if "async" not in sample:
        args = []
    r = subprocess.run(
        [sys.executable, "acl_net.py", *args], cwd=root / "src", capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr
    values = [float(v) for v in re.findall(r"^\[\d+\]: ([\d.]+)$", r.stdout, re.M)]
    assert values, r.stdout[-2000:]
    # The sample's own preprocessing of the picture, through the model: 2 x its largest element.
    probe = (
        "import sys, numpy as np\n"
        "sys.argv = ['x']\n"
        "import acl_net\n"
        f"print(2 * float(np.asarray(acl_net.transfer_pic({str(picture)!r}), np.float32).max()))\n"
    )
    expected = subprocess.run(
        [sys.executable, "-c", probe], cwd=root / "src", capture_output=True, text=True, timeout=120
    )
    assert expected.returncode == 0, expected.stderr[-2000:]
    assert values[0] == pytest.approx(float(expected.stdout.split()[-1]), rel=1e-6)
    assert max(values) == values[0]  # every execution saw the same picture
