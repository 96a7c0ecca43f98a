"""InferQueue: OpenVINO ``AsyncInferQueue`` semantics on ACL, and the device's suggested job count.

The per-request path (``start_async``, completion, ``cb(outputs, userdata)``) is the C++ class
``acl_async._acl.InferQueue``; this subclass adds ``jobs=0`` (the device's suggested number, see
:func:`suggested_jobs`) and a ``close()`` that lets requests in flight finish first.
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import _acl

__all__ = ["CANN_SUGGESTED_JOBS", "InferQueue", "suggested_jobs"]

log = logging.getLogger(__name__)

#: Requests in flight suggested on an Ascend NPU (real CANN): one executing, one being prepared.
CANN_SUGGESTED_JOBS = 2


def _backend() -> str:
    try:
        from ._build_info import BACKEND
    except ImportError:  # pragma: no cover - extension built without the generated module
        return "host"
    return str(BACKEND)


@lru_cache(maxsize=32)
def _openvino_optimal_requests(key: tuple[str, ...], path: str | None, data: bytes | None) -> int:
    """OpenVINO's OPTIMAL_NUMBER_OF_INFER_REQUESTS for the model compiled on CPU with the throughput hint
    (what the host runtime executes on). ``key`` identifies the model for the cache."""
    import numpy as np
    import openvino as ov

    from .atc.container import MAGIC, is_container, unpack

    core = ov.Core()
    if path is not None and is_container(path):  # an `acl-async atc` .om: its IR
        data = Path(path).read_bytes()
    if data is not None and data[: len(MAGIC)] == MAGIC:
        om = unpack(data)
        weights = np.frombuffer(om.weights, dtype=np.uint8) if om.weights else np.zeros(0, np.uint8)
        model = core.read_model(om.xml.decode("utf-8"), ov.Tensor(weights))
    elif path is not None:
        model = core.read_model(path)
    else:
        assert data is not None
        model = core.read_model(data)
    compiled = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT"})
    return int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))


def suggested_jobs(model: _acl.Model | str | os.PathLike[str] | bytes) -> int:
    """The device's suggested number of requests in flight for ``model`` (a loaded Model, a model file
    or model bytes).

    On the host runtime: OpenVINO's optimal number of infer requests for the model compiled on CPU with
    ``PERFORMANCE_HINT=THROUGHPUT`` (cached per model file and content). On an Ascend NPU (CANN): 2.
    """
    if _backend() != "host":
        return CANN_SUGGESTED_JOBS
    path: str | None = None
    data: bytes | None = None
    if isinstance(model, _acl.Model):
        path = model.path
        if path is None:
            data = model.source_bytes()
    elif isinstance(model, (bytes, bytearray, memoryview)):
        data = bytes(model)
    else:
        path = os.fspath(model)
    if path is not None:
        stat = Path(path).stat()
        key: tuple[str, ...] = ("file", os.path.abspath(path), str(stat.st_mtime_ns), str(stat.st_size))
    else:
        assert data is not None
        key = ("bytes", hashlib.sha256(data).hexdigest())
    try:
        return max(1, _openvino_optimal_requests(key, path, data if path is None else None))
    except Exception as exc:  # noqa: BLE001 - a suggestion: fall back rather than fail
        log.warning(
            "cannot ask OpenVINO for the optimal number of requests (%s); using %d", exc, CANN_SUGGESTED_JOBS
        )
        return CANN_SUGGESTED_JOBS


class InferQueue(_acl.InferQueue):
    """``jobs`` requests in flight on ``model``, each job with its own stream, model load and block.

    ``jobs=0`` asks :func:`suggested_jobs`. ``set_callback(cb)`` makes ``cb(outputs, userdata)`` run once
    per request (``outputs``: new numpy arrays, one per model output); ``start_async(inputs, userdata)``
    waits for an idle job; ``wait_all()`` waits for every request and callback. A callback's exception
    is re-raised once, by the next ``start_async`` or ``wait_all``.
    """

    def __init__(self, model: _acl.Model, jobs: int = 0, *, poll_ms: int = 20) -> None:
        if isinstance(jobs, bool) or not isinstance(jobs, int):
            raise TypeError(f"jobs must be an int, got {type(jobs).__name__}")
        if jobs < 0:
            raise ValueError(f"jobs must be >= 0 (0: the device's suggested number), got {jobs}")
        if jobs == 0:
            jobs = suggested_jobs(model)
        super().__init__(model, jobs, poll_ms)

    def close(self) -> None:
        """Let the requests in flight finish (their callbacks run), then release the jobs. An error a
        callback raised and nobody collected is reported as a warning. Idempotent."""
        if not self.closed:
            try:
                self.wait_all()
            except Exception as exc:  # noqa: BLE001 - close() must not fail on a callback's error
                warnings.warn(
                    f"InferQueue closed with an unreported callback error: {exc!r}",
                    RuntimeWarning,
                    stacklevel=2,
                )
        super().close()

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: Any) -> None:
        try:
            if exc_type is None and not self.closed:
                self.wait_all()
        finally:
            self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<InferQueue closed>"
        return f"<InferQueue jobs={len(self)} in_flight={self.in_flight} completed={self.completed}>"
