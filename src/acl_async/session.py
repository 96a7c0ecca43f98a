"""Session: the ACL runtime, one device and one context, and everything made from them.

Huawei's sample does ``aclInit``, ``aclrtSetDevice``, ``aclrtCreateContext``, ``aclrtCreateStream`` and
``aclrtGetRunMode`` in that order; a :class:`Session` does the first three on creation (the stream and
the report thread are made on first use) and undoes all of it on :meth:`Session.close`, children first:
runners and queues made through the session, then the context (its streams, models, pools and report
threads), the device and the runtime reference.
"""

from __future__ import annotations

import ctypes
import errno
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from . import _acl
from .errors import ClosedError

if TYPE_CHECKING:  # pragma: no cover
    from .infer_queue import InferQueue
    from .runner import AsyncRunner

__all__ = ["ModelSource", "Session"]

#: What :meth:`Session.load_model` accepts: a file path, or the model bytes.
ModelSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

_LIVE: weakref.WeakSet[Session] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """CANN does not support ACL across fork(): in the child the parent's sessions are closed
    (ClosedError) and their objects are never released, since releasing them would stop
    streams and join threads that only exist in the parent (the runtime fails such calls)."""
    for session in list(_LIVE):
        session._closed = True
        keep = [session] + [child for child in (ref() for ref in session._children) if child is not None]
        for obj in keep:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Session:
    """``aclInit`` (reference-counted), ``aclrtSetDevice(device_id)`` and a context, as a context manager.

    ``config`` is an ``acl.json`` path (or None); it only matters when this session is the one that
    initializes ACL in the process.
    """

    def __init__(self, device_id: int = 0, config: str | os.PathLike[str] | None = None) -> None:
        if isinstance(device_id, bool) or not isinstance(device_id, int):
            raise TypeError(f"device_id must be an int, got {type(device_id).__name__}")
        if device_id < 0:
            raise ValueError(f"device_id must be >= 0, got {device_id}")
        if config is not None and not Path(config).is_file():
            raise FileNotFoundError(errno.ENOENT, "ACL config file not found", os.fspath(config))
        self._closed = False
        self._children: list[weakref.ref[Any]] = []
        self._stream: _acl.Stream | None = None
        self._report_thread: _acl.ReportThread | None = None
        self._runtime = _acl.Runtime(config)
        self._device: _acl.Device | None = None
        self._context: _acl.Context | None = None
        try:
            self._device = _acl.Device(device_id, self._runtime)
            self._context = _acl.Context(self._device)
        except BaseException:
            self.close()
            raise
        _LIVE.add(self)

    # -- state ---------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def _check(self) -> _acl.Context:
        if self._closed or self._context is None:
            raise ClosedError("the Session is closed")
        return self._context

    @property
    def runtime(self) -> _acl.Runtime:
        return self._runtime

    @property
    def device(self) -> _acl.Device:
        self._check()
        assert self._device is not None
        return self._device

    @property
    def context(self) -> _acl.Context:
        return self._check()

    @property
    def device_id(self) -> int:
        return self.device.id

    @property
    def run_mode(self) -> str:
        """``"host"`` (ACL_HOST: inputs/outputs are copied between host and device) or ``"device"``."""
        return self.device.run_mode

    @property
    def stream(self) -> _acl.Stream:
        """The session's default stream (made on first use)."""
        context = self._check()
        if self._stream is None or self._stream.closed:
            self._stream = _acl.Stream(context)
        return self._stream

    @property
    def report_thread(self) -> _acl.ReportThread:
        """The session's shared report thread (made on first use)."""
        context = self._check()
        if self._report_thread is None or self._report_thread.closed:
            self._report_thread = _acl.ReportThread(context)
        return self._report_thread

    # -- factories -----------------------------------------------------------------------------

    def create_stream(self) -> _acl.Stream:
        return _acl.Stream(self._check())

    def create_event(self) -> _acl.Event:
        return _acl.Event(self._check())

    def create_report_thread(self, poll_ms: int = 20) -> _acl.ReportThread:
        return _acl.ReportThread(self._check(), poll_ms)

    def load_model(self, model: ModelSource) -> _acl.Model:
        """Load a model from a file path or from bytes (FileNotFoundError for a missing file,
        AclError when the runtime cannot load it)."""
        return _acl.Model(self._check(), model)

    def create_pool(self, model: _acl.Model, size: int) -> _acl.MemoryPool:
        self._check()
        return _acl.MemoryPool(model, size)

    def create_runner(self, model: _acl.Model, **options: Any) -> AsyncRunner:
        """An :class:`~acl_async.AsyncRunner` on ``model`` (closed with the session)."""
        from .runner import AsyncRunner

        self._check()
        return self._adopt(AsyncRunner(model, **options))

    def create_infer_queue(self, model: _acl.Model, jobs: int = 0) -> InferQueue:
        """An :class:`~acl_async.InferQueue` on ``model`` (closed with the session)."""
        from .infer_queue import InferQueue

        self._check()
        return self._adopt(InferQueue(model, jobs))

    def synchronize(self, timeout: float | None = None) -> None:
        """Synchronize the default stream (see ``Stream.synchronize``)."""
        self.stream.synchronize(timeout)

    def _adopt(self, child: Any) -> Any:
        self._children = [ref for ref in self._children if ref() is not None]
        self._children.append(weakref.ref(child))
        return child

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close everything made through the session, then the context, device and runtime reference.
        Idempotent."""
        if self._closed:
            return
        self._closed = True
        children, self._children = self._children, []
        for ref in reversed(children):
            child = ref()
            if child is not None:
                _quietly(child.close)
        for resource in (self._context, self._device, self._runtime):
            if resource is not None:
                resource.close()
        self._stream = None
        self._report_thread = None

    def __enter__(self) -> Session:
        self._check()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._closed or self._device is None:
            return "<Session closed>"
        return f"<Session device={self._device.id} run_mode={self._device.run_mode}>"


def _quietly(close: Callable[[], None]) -> None:
    try:
        close()
    except Exception:  # noqa: BLE001 - closing must go on; the child's own close reports
        pass
