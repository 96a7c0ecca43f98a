"""Fixtures shared by the Python API tests."""

from __future__ import annotations

import numpy as np
import pytest
from models import make_add_model, make_classifier_model, make_two_output_model


@pytest.fixture(scope="module")
def session():
    """One ACL session (runtime, device, context) per test module."""
    from acl_async import Session

    with Session() as s:
        yield s


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    """Small generated ONNX models: an add, a classifier [1,3,8,8] -> [1,10] and a two-output model."""
    d = tmp_path_factory.mktemp("models")
    return {
        "add": make_add_model(d / "add.onnx", (1, 4), np.float32, const=1.0),
        "cls": make_classifier_model(d / "cls.onnx"),
        "two": make_two_output_model(d / "two.onnx", (2, 3)),
    }
