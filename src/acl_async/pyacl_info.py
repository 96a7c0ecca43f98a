"""``python -m acl_async --pyacl-info``: which ``acl`` (pyACL) module Python imports, and which
``libascendcl`` it calls.

On an Ascend host, CANN's ``set_env.sh`` puts the real pyACL on ``PYTHONPATH``; ``PYTHONPATH`` comes
before site-packages, so CANN's ``acl`` wins over the one acl-async installs. This says which one won.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

__all__ = ["describe", "loaded_libascendcl", "main"]


def loaded_libascendcl() -> list[str]:
    """Paths of the ``libascendcl`` libraries mapped into this process (Linux ``/proc/self/maps``)."""
    found: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split(maxsplit=5)[-1].strip() if line.count(" ") >= 5 else ""
                if os.path.basename(path).startswith("libascendcl") and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def describe() -> list[str]:
    """Lines describing the importable ``acl`` module; raises ImportError when there is none."""
    acl = importlib.import_module("acl")
    origin = getattr(acl, "__file__", None) or "(built in)"
    ours = getattr(acl, "__implementation__", None) == "acl-async"
    lines = [f"acl module: {origin}"]
    if ours:
        lines.append(f"implementation: acl-async pyACL ({acl.__backend__} backend)")
        lines.append(f"strict mode: {'on' if acl._strict() else 'off'}")
        libs = [acl._library_path()]
    else:
        lines.append("implementation: CANN pyACL (not acl-async's)")
        libs = loaded_libascendcl()
    for lib in libs or ["(not found in this process)"]:
        lines.append(f"libascendcl: {Path(lib).resolve() if lib.startswith('/') else lib}")
    pythonpath = os.environ.get("PYTHONPATH", "")
    if pythonpath:
        lines.append(f"PYTHONPATH: {pythonpath}")
    return lines


def main() -> int:
    try:
        lines = describe()
    except ImportError as exc:
        print(f"acl_async: error: no importable acl module: {exc}", flush=True)
        return 1
    print("\n".join(lines))
    return 0
