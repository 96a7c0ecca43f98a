"""One model compile per node: the host runtime's compiled-model cache, shared by a node's actors.

The host runtime compiles a model for the CPU when it is loaded; with ``ACL_HOST_CACHE_DIR`` set it
stores the result in OpenVINO's model cache there and later loads import it instead (README "Execution
policy").  Each actor sets that folder (node-local, under :func:`acl_async.zoo.cache_dir`, unless the
environment already names one) before its runtime starts, and loads the model holding a lock on it: the
node's first actor compiles, the others wait and import.  On an NPU (CANN) the variable has no effect.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CACHE_ENV", "node_cache_dir", "use_node_cache"]

#: The host runtime's cache folder variable (read once, when the runtime starts in the process).
CACHE_ENV = "ACL_HOST_CACHE_DIR"


def node_cache_dir() -> Path:
    """The folder of compiled models on this node: ``$ACL_HOST_CACHE_DIR`` when set, else ``openvino``
    under acl-async's cache folder."""
    from ..zoo import cache_dir

    explicit = os.environ.get(CACHE_ENV)
    return Path(explicit) if explicit else cache_dir() / "openvino"


@contextmanager
def use_node_cache() -> Iterator[Path | None]:
    """Point the host runtime at the node's cache (if the environment does not already) and hold the
    node's compile lock: a model loaded inside is compiled once per node.  Yields the folder, or None
    when it cannot be created (the load then compiles without a cache)."""
    folder = node_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = os.open(folder / ".compile.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        yield None
        return
    os.environ.setdefault(CACHE_ENV, str(folder))
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder
    finally:
        os.close(lock)  # releases the lock
