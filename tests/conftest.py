"""Fixtures and helpers shared by the tests (one place: test files do not copy them).

* ``cache_env``: the environment for ``acl-async`` subprocesses: one model cache for the whole session
  (the embedded model is built once, in pytest's temporary folder, removed after a passing run),
  no ``ASCEND_DEVICE_ID``.
* ``default_model``: the embedded model built into that cache.
* ``session``, ``paths``: an ACL session per module and small generated models.
* ``ctx``: a raw ``_acl`` chain (runtime, device, context) and an add model [1,16] (+1), per test.
"""

from __future__ import annotations

import os

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


@pytest.fixture
def ctx(tmp_path):
    """A raw ``_acl`` context (its runtime and device closed after the test) and an add model [1,16]
    adding 1."""
    from acl_async import _acl

    runtime = _acl.Runtime()
    device = _acl.Device(0, runtime)
    context = _acl.Context(device)
    model = _acl.Model(context, make_add_model(tmp_path / "add.onnx", (1, 16), np.float32, const=1.0))
    yield context, model
    for obj in (context, device, runtime):
        obj.close()


@pytest.fixture(scope="session")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``os.environ`` with a session-wide model cache and without ``ASCEND_DEVICE_ID``."""
    env = dict(os.environ)
    env["ACL_ASYNC_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    env.pop("ASCEND_DEVICE_ID", None)
    return env


@pytest.fixture(scope="session")
def default_model(cache_env: dict[str, str]) -> str:
    """The embedded model, built once into the session's cache."""
    from acl_async import zoo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACL_ASYNC_CACHE_DIR", cache_env["ACL_ASYNC_CACHE_DIR"])
        return str(zoo.default_model_path())


@pytest.fixture(scope="module")
def pyacl_stream():
    """pyACL initialised on device 0, a new context and a stream in it: (context, stream); destroyed
    after the module (for modules that imported acl)."""
    import acl

    assert acl.init() in (0, 100002) and acl.rt.set_device(0) == 0
    context, ret = acl.rt.create_context(0)
    assert ret == 0
    stream, ret = acl.rt.create_stream()
    assert ret == 0
    yield context, stream
    acl.rt.set_context(context)
    assert acl.rt.destroy_stream(stream) == 0
    assert acl.rt.destroy_context(context) == 0


@pytest.fixture(scope="module")
def dvpp(pyacl_stream):
    """A DVPP channel and a stream in a new context (pyACL; for modules that checked acl.media exists):
    (channel description, stream)."""
    import acl

    channel = acl.media.dvpp_create_channel_desc()
    assert acl.media.dvpp_create_channel(channel) == 0
    yield channel, pyacl_stream[1]
    acl.media.dvpp_destroy_channel(channel)
    acl.media.dvpp_destroy_channel_desc(channel)
