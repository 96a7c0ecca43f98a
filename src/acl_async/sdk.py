"""Where the ACL SDK is, for C/C++ applications: ``python -m acl_async --ddk-path`` and friends.

With the host runtime, the wheel carries a CANN-like SDK inside the package::

    acl_async/runtime/include/acl/*.h
    acl_async/runtime/lib64/libascendcl.so
    acl_async/runtime/lib64/stub/libascendcl.so      (link-time only, as CANN's)
    acl_async/runtime/lib64/cmake/acl_async/acl_asyncConfig.cmake

so Huawei's samples and tools (msame, ais_bench) build with ``eval "$(python -m acl_async --env)"`` or
``source <package>/set_env.sh`` (``DDK_PATH``, ``INSTALL_DIR``, ``CANN_PATH``, ``ASCEND_TOOLKIT_HOME``,
``ASCEND_HOME_PATH``, ``ASCEND_AICPU_PATH``, ``ASCEND_OPP_PATH``, ``NPU_HOST_LIB`` = the stub directory,
``CPU_ARCH``, ``THIRDPART_PATH``, and ``LD_LIBRARY_PATH`` for running, as CANN's ``set_env.sh`` does),
and CMake projects with
``-Dacl_async_DIR=$(python -m acl_async --cmakedir)``. With the CANN backend, the paths are the CANN
toolkit's the package was built against.
"""

from __future__ import annotations

import platform
import shlex
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "INFO_FLAGS",
    "SDK_COMMANDS",
    "SDK_FLAGS",
    "SdkError",
    "backend",
    "cmake_dir",
    "ddk_path",
    "env_script",
    "env_vars",
    "include_dir",
    "lib_dir",
    "stub_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parent


class SdkError(RuntimeError):
    """The asked-for part of the SDK does not exist for this build."""


def _build_info() -> tuple[str, str]:
    try:
        from ._build_info import BACKEND, CANN_DIR
    except ImportError as exc:
        raise SdkError("acl_async was not built (no acl_async/_build_info.py): install the package") from exc
    return str(BACKEND), str(CANN_DIR)


def backend() -> str:
    """``"host"`` (acl-async's CPU runtime) or ``"cann"`` (a CANN toolkit's libascendcl)."""
    return _build_info()[0]


def ddk_path() -> Path:
    """The directory holding ``runtime/include`` and ``runtime/lib64`` (like CANN's ``DDK_PATH``)."""
    kind, cann_dir = _build_info()
    if kind == "cann":
        if not cann_dir:
            raise SdkError("built for CANN, but the CANN directory was not recorded")
        return Path(cann_dir)
    return PACKAGE_DIR


def include_dir() -> Path:
    """The directory holding ``acl/acl.h``."""
    return ddk_path() / "runtime" / "include"


def lib_dir() -> Path:
    """The directory holding ``libascendcl.so``."""
    return ddk_path() / "runtime" / "lib64"


def stub_dir() -> Path:
    """The directory holding the link-time stub ``libascendcl.so`` (``NPU_HOST_LIB`` of the samples)."""
    return lib_dir() / "stub"


def env_vars() -> dict[str, str]:
    """What ``--env`` exports, unquoted (``THIRDPART_PATH`` and ``LD_LIBRARY_PATH`` as shell text)."""
    ddk = str(ddk_path())
    arch = platform.machine() or "x86_64"
    return {
        "DDK_PATH": ddk,
        "INSTALL_DIR": ddk,
        # CANN's set_env.sh: the toolkit root; ais_bench's setup.py and msame's CMakeLists read CANN_PATH.
        "CANN_PATH": ddk,
        "ASCEND_TOOLKIT_HOME": ddk,
        "ASCEND_HOME_PATH": ddk,
        "ASCEND_AICPU_PATH": ddk,
        "ASCEND_OPP_PATH": str(Path(ddk) / "opp"),
        "NPU_HOST_LIB": str(stub_dir()),
        "CPU_ARCH": arch,
        "THIRDPART_PATH": f"${{THIRDPART_PATH:-$HOME/Ascend/thirdpart/{arch}}}",
        "LD_LIBRARY_PATH": f"{lib_dir()}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}",
    }


def env_script() -> str:
    """Shell lines exporting what Huawei's samples and tools read: ``DDK_PATH``, ``INSTALL_DIR``,
    ``CANN_PATH``, ``ASCEND_TOOLKIT_HOME``, ``ASCEND_HOME_PATH``, ``ASCEND_AICPU_PATH`` (the SDK),
    ``ASCEND_OPP_PATH``, ``NPU_HOST_LIB`` (the stub directory, for linking), ``CPU_ARCH``,
    ``THIRDPART_PATH`` (kept when set; the samples' README copies ``samples/common`` there) and
    ``LD_LIBRARY_PATH`` (the real library, for running). The package's ``set_env.sh`` exports the same."""
    lines = []
    for name, value in env_vars().items():
        if name == "THIRDPART_PATH":
            lines.append(f'export {name}="{value}"')
        elif name == "LD_LIBRARY_PATH":
            tail = '"${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"'
            lines.append(f"export {name}={shlex.quote(str(lib_dir()))}{tail}")
        else:
            lines.append(f"export {name}={shlex.quote(value)}")
    return "\n".join(lines)


def cmake_dir() -> Path:
    """The directory holding ``acl_asyncConfig.cmake`` (host runtime builds only)."""
    if backend() == "cann":
        raise SdkError(
            "the CANN backend has no acl_async CMake package: use the toolkit "
            f"({ddk_path()}) with include_directories/link_directories"
        )
    return lib_dir() / "cmake" / "acl_async"


#: Command-line flag -> what it prints.
SDK_FLAGS: dict[str, Callable[[], Path | str]] = {
    "--ddk-path": ddk_path,
    "--includedir": include_dir,
    "--libdir": lib_dir,
    "--stubdir": stub_dir,
    "--cmakedir": cmake_dir,
    "--env": env_script,
}

#: Flags that print a report instead of a path: ``--pyacl-info`` (which ``acl`` module and libascendcl).
INFO_FLAGS = frozenset({"--pyacl-info"})

#: Everything ``acl-async`` takes as SDK flags first on its command line (``--coverage`` has options of
#: its own); the command line is :mod:`acl_async.cli.sdk`.
SDK_COMMANDS = frozenset([*SDK_FLAGS, "--coverage", "--install-ffmpeg", *INFO_FLAGS])
