"""acl-async: asynchronous image classification through AscendCL (ACL).

The same code runs on Huawei Ascend NPUs (real CANN) and on any CPU (acl-async's host runtime, a
``libascendcl`` backed by OpenVINO)::

    import acl_async
    from acl_async import zoo
    from acl_async.preprocess import load_picture

    path = zoo.default_model_path()                   # the embedded EfficientNet-Lite0
    spec = zoo.model_preprocess_spec(path)
    inputs = [load_picture(p, spec) for p in zoo.default_pictures()]
    with acl_async.Session() as session:
        model = session.load_model(path)
        with acl_async.InferQueue(model) as queue:    # jobs=0: the device's suggested number
            queue.set_callback(lambda outputs, userdata: print(userdata, outputs[0].argmax()))
            for i, x in enumerate(inputs):
                queue.start_async(x, i)
            queue.wait_all()

The extension (``acl_async._acl``) is imported on first use of one of its names, so the pure-Python
modules (``acl_async.preprocess``, ``acl_async.labels``, ``acl_async.zoo``, ``acl_async.errors``)
import without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    AclError,
    AclMemoryError,
    AclModelError,
    AclParamError,
    AclTimeoutError,
    ClosedError,
    InputError,
    LimitError,
)


def _preload_openvino() -> None:
    """Load OpenVINO's runtime library when it is not where the host runtime's RUNPATH looks.

    ``libascendcl.so`` finds ``libopenvino.so.*`` at ``site-packages/openvino/libs``, beside this package.
    When ``openvino`` is installed elsewhere (a venv with system site-packages, a user install), load it
    by path first: the dynamic linker then resolves ``libascendcl.so``'s dependency by its soname.
    """
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.isdir(os.path.join(os.path.dirname(here), "openvino", "libs")):
        return
    try:
        from ._build_info import BACKEND
    except ImportError:
        return
    if BACKEND != "host":
        return
    import ctypes
    import glob
    import importlib.util

    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        return
    for location in spec.submodule_search_locations:
        for lib in sorted(glob.glob(os.path.join(location, "libs", "libopenvino.so.*"))):
            ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
            return


_preload_openvino()

# Public names resolved on first access: name -> submodule that defines it.
_LAZY: dict[str, str] = {
    "Session": "session",
    "AsyncRunner": "runner",
    "Result": "runner",
    "InferQueue": "infer_queue",
    "suggested_jobs": "infer_queue",
    "Runtime": "_acl",
    "Device": "_acl",
    "Context": "_acl",
    "Stream": "_acl",
    "Event": "_acl",
    "Model": "_acl",
    "TensorDesc": "_acl",
    "MemoryPool": "_acl",
    "Block": "_acl",
    "HostBuffer": "_acl",
    "ReportThread": "_acl",
    "ResultQueue": "_acl",
}

__all__ = [
    "AclError",
    "AclMemoryError",
    "AclModelError",
    "AclParamError",
    "AclTimeoutError",
    "AsyncRunner",
    "Block",
    "ClosedError",
    "Context",
    "Device",
    "Event",
    "HostBuffer",
    "InferQueue",
    "InputError",
    "LimitError",
    "MemoryPool",
    "Model",
    "ReportThread",
    "Result",
    "ResultQueue",
    "Runtime",
    "Session",
    "Stream",
    "TensorDesc",
    "__version__",
    "suggested_jobs",
]


def _version() -> str:
    """The installed distribution's version, read on first use of ``__version__``: importlib.metadata
    costs tens of milliseconds at import, a window in which Ctrl-C would print a traceback."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("acl-async")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})


if TYPE_CHECKING:  # pragma: no cover
    from ._acl import (
        Block,
        Context,
        Device,
        Event,
        HostBuffer,
        MemoryPool,
        Model,
        ReportThread,
        ResultQueue,
        Runtime,
        Stream,
        TensorDesc,
    )
    from .infer_queue import InferQueue, suggested_jobs
    from .runner import AsyncRunner, Result
    from .session import Session
