"""Which libavcodec VDEC uses: libacl_dvpp dlopens PyAV's copy (``av.libs/libavcodec-*.so``) first, then
the system's ``libavcodec.so.59``-``62`` (csrc/dvpp/src/avcodec.cpp). A machine that also has the
system's FFmpeg (this one does) would hide a broken lookup of the wheel's copy, which is all a fresh
machine has, so the test reads the process's mappings after a VDEC channel is created, in a fresh
interpreter that never imports PyAV (whose own modules map its libavcodec)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "vdec_create_channel"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

# Creates an H.264 VDEC channel through acl.media (acllite's way: a report thread from acl.util) and
# prints every mapped file whose name holds "libavcodec".
_CHILD = r"""
import json
import acl

assert acl.init() in (0, 100002) and acl.rt.set_device(0) == 0
context, _ = acl.rt.create_context(0)
run = [True]

def loop(_args):
    acl.rt.set_context(context)
    while run[0]:
        acl.rt.process_report(20)

tid, ret = acl.util.start_thread(loop, [])
assert ret == 0
m = acl.media
desc = m.vdec_create_channel_desc()
m.vdec_set_channel_desc_channel_id(desc, 0)
m.vdec_set_channel_desc_thread_id(desc, tid)
m.vdec_set_channel_desc_callback(desc, lambda inp, out, user: None)
m.vdec_set_channel_desc_entype(desc, 3)  # H264_HIGH
m.vdec_set_channel_desc_out_pic_format(desc, 1)  # NV12
assert m.vdec_create_channel(desc) == 0, acl.get_recent_err_msg()
maps = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libavcodec" in line})
assert m.vdec_destroy_channel(desc) == 0
run[0] = False
acl.util.stop_thread(tid)
print(json.dumps(maps))
"""


def _pyav_libavcodec() -> list[Path]:
    spec = importlib.util.find_spec("av")  # found, not imported
    if spec is None or spec.origin is None:
        return []
    return sorted((Path(spec.origin).resolve().parent.parent / "av.libs").glob("libavcodec-*.so*"))


def test_vdec_loads_pyavs_libavcodec() -> None:
    """After a VDEC channel is created the process maps libavcodec from PyAV's wheel and from nowhere else."""
    wheel_copies = _pyav_libavcodec()
    if not wheel_copies:
        pytest.skip("no PyAV wheel with av.libs installed: VDEC uses the system's libavcodec")
    env = {k: v for k, v in os.environ.items() if k != "ACL_DVPP_LIBAVCODEC"}
    done = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    mapped = [Path(p).resolve() for p in json.loads(done.stdout.strip().splitlines()[-1])]
    assert mapped, "no libavcodec mapped after creating a VDEC channel"
    assert set(mapped) <= {p.resolve() for p in wheel_copies}, f"libavcodec mapped from {mapped}, not av.libs"
