"""Which libpng PNGD uses: libacl_dvpp dlopens Pillow's copy (``pillow.libs/libpng16-*.so``) first,
then the system's ``libpng16.so.16`` (csrc/dvpp/src/png_codec.cpp). A machine that also has the
system's libpng would hide a broken Pillow lookup, so the test reads the process's mappings after a
PNG decode, in a fresh interpreter that never imports Pillow (whose own modules could map a libpng)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

# Decodes the PNG given as argv[1] through acl.media (the whole PNGD path: info, size, decode) and
# prints the decoded picture's first pixel and every mapped file whose name holds "libpng".
_CHILD = r"""
import json, sys
import acl

data = open(sys.argv[1], "rb").read()
H2D, D2H, RGB888 = 1, 2, 12
assert acl.init() in (0, 100002) and acl.rt.set_device(0) == 0
stream, ret = acl.rt.create_stream()
channel = acl.media.dvpp_create_channel_desc()
assert acl.media.dvpp_create_channel(channel) == 0
w, h, c, ret = acl.media.dvpp_png_get_image_info(acl.util.bytes_to_ptr(data), len(data))
assert ret == 0, acl.get_recent_err_msg()
size, ret = acl.media.dvpp_png_predict_dec_size(acl.util.bytes_to_ptr(data), len(data), RGB888)
src, _ = acl.media.dvpp_malloc(len(data))
dst, _ = acl.media.dvpp_malloc(size)
assert acl.rt.memcpy(src, len(data), acl.util.bytes_to_ptr(data), len(data), H2D) == 0
desc = acl.media.dvpp_create_pic_desc()
acl.media.dvpp_set_pic_desc_data(desc, dst)
acl.media.dvpp_set_pic_desc_size(desc, size)
acl.media.dvpp_set_pic_desc_format(desc, RGB888)
assert acl.media.dvpp_png_decode_async(channel, src, len(data), desc, stream) == 0
assert acl.rt.synchronize_stream(stream) == 0, acl.get_recent_err_msg()
out = bytearray(3)
assert acl.rt.memcpy(acl.util.bytes_to_ptr(out), 3, dst, 3, D2H) == 0
maps = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libpng" in line})
print(json.dumps({"pixel": list(out), "size": [w, h], "libpng": maps}))
"""


def _pillow_libpng() -> list[Path]:
    import PIL

    return sorted((Path(PIL.__file__).resolve().parent.parent / "pillow.libs").glob("libpng16-*.so*"))


def test_png_decode_loads_pillows_libpng(tmp_path: Path) -> None:
    """After a PNGD decode the process maps libpng from Pillow's wheel and from nowhere else."""
    wheel_copies = _pillow_libpng()
    if not wheel_copies:
        pytest.skip("this Pillow ships no libpng (pillow.libs): PNGD uses the system's")
    picture = tmp_path / "red.png"
    buf = io.BytesIO()
    Image.new("RGB", (40, 34), (200, 30, 10)).save(buf, "PNG")
    picture.write_bytes(buf.getvalue())
    env = {k: v for k, v in os.environ.items() if k != "ACL_DVPP_LIBPNG"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(picture)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["size"] == [40, 34] and seen["pixel"] == [200, 30, 10]  # decoded by that libpng
    mapped = [Path(p).resolve() for p in seen["libpng"]]
    assert mapped, "no libpng mapped after a PNG decode"
    assert set(mapped) <= {p.resolve() for p in wheel_copies}, f"libpng mapped from {mapped}, not pillow.libs"
