"""Errors of :mod:`acl_async.ray`, each a one-line message for the command line."""

from __future__ import annotations

__all__ = [
    "ClusterError",
    "ModelLoadError",
    "OutputExistsError",
    "RayNotInstalledError",
    "RayRunError",
    "ResourceError",
]

#: The command that installs what this package needs.
INSTALL_HINT = "pip install 'acl-async[ray]'"


class RayRunError(RuntimeError):
    """Base class: something that stops a Ray run before or while it runs (one-line message; a
    RuntimeError, so the command line reports it with exit status 1 unless it says otherwise)."""


class RayNotInstalledError(RayRunError):
    """``ray[data]`` is not importable (a usage error: exit status 2 on the command line)."""

    def __init__(self, detail: str = "") -> None:
        reason = f" ({detail})" if detail else ""
        super().__init__(f"Ray is not installed{reason}: {INSTALL_HINT}")


class ClusterError(RayRunError):
    """The Ray cluster cannot be reached or started."""


class ResourceError(RayRunError):
    """The cluster cannot give the actors asked for (e.g. more devices than it has NPUs)."""


class ModelLoadError(RayRunError):
    """The model cannot be loaded on the devices the actors get (reported once, not once per actor)."""


class OutputExistsError(RayRunError):
    """The output (or its errors output) exists and overwriting was not asked for."""
