"""The subcommands of ``acl-async``: name -> module, imported only when chosen.

Each module ``acl_async.cli.<name>`` exposes ``main(argv: list[str]) -> int`` and lets exceptions
propagate: :func:`acl_async.cli.main` turns them into the one-line message and the exit status.
To add a subcommand, add a module and one line here.
"""

from __future__ import annotations

__all__ = ["COMMANDS", "DEFAULT", "HIDDEN"]

#: name -> (module, one-line summary for ``acl-async --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("acl_async.cli.run", "Huawei's resnet50_async sample (the default when no subcommand is given)"),
    "bench": ("acl_async.cli.bench", "throughput and latency, like OpenVINO's benchmark_app"),
    "classify": ("acl_async.cli.classify", "classify pictures, like OpenVINO's classification_sample_async"),
    "model": ("acl_async.cli.model", "build, locate or list the embedded models"),
    "atc": ("acl_async.cli.atc", "convert ONNX / TensorFlow models to .om, CANN's atc flags (gears, AIPP)"),
}

#: Modules run for a first argument that is not a command name: the SDK flags (``--libdir`` ...).
HIDDEN: dict[str, str] = {"sdk": "acl_async.cli.sdk"}

#: The subcommand run when the first argument is not a subcommand name.
DEFAULT = "run"
