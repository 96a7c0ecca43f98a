"""VPC resize of a big picture runs in two column bands at once (csrc/dvpp/src/vpc.cpp, helper.cpp):
the bands must join into the one picture a single bilinear scale gives. A horizontal luma ramp and
a vertical chroma ramp, scaled down and up: every output pixel is the ramp's value at that pixel's
centre (luma within 1.5 grey levels; chroma within 3.5: libyuv's up-scaler maps the end pixels onto
each other, not the centres), so a missing, shifted or doubled band fails."""

from __future__ import annotations

import numpy as np
import pytest

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

from test_dvpp_vpc_chroma import pic  # noqa: E402 - a described DVPP picture, filled when given data

D2H, NV12 = 2, 1


def _ramp_centres(n_out: int, n_in: int, top: float) -> np.ndarray:
    """A ramp 0..top over n_in pixels sampled at the centres of n_out pixels (clamped at the ends)."""
    pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    return pos * top / (n_in - 1)


# Resizes with at least 2 M of pixel work (vpc.cpp's kSplitWork: output rows x (wider width + output
# width)) are split; 1440p -> 224x224 (0.6 M) is one call.
@pytest.mark.parametrize(("sw", "sh", "dw", "dh"), [(2560, 1440, 1280, 720), (2560, 1440, 3840, 2160)])
def test_big_resize_is_one_picture(dvpp, sw, sh, dw, dh):
    channel, stream = dvpp
    y = np.tile(np.round(np.arange(sw) * 200 / (sw - 1)).astype(np.uint8), (sh, 1))
    uv = np.empty((sh // 2, sw), np.uint8)
    uv[:, 0::2] = np.round(np.arange(sh // 2) * 100 / (sh // 2 - 1))[:, None].astype(np.uint8) + 50
    uv[:, 1::2] = 90
    src, src_mem, _ = pic(sw, sh, sw, NV12, np.concatenate([y.ravel(), uv.ravel()]).tobytes())
    dst, dst_mem, size = pic(dw, dh, dw, NV12)
    cfg = acl.media.dvpp_create_resize_config()
    assert acl.media.dvpp_vpc_resize_async(channel, src, dst, cfg, stream) == 0
    assert acl.rt.synchronize_stream(stream) == 0, acl.get_recent_err_msg()
    out = np.zeros(size, np.uint8)
    assert acl.rt.memcpy(acl.util.numpy_to_ptr(out), size, dst_mem, size, D2H) == 0
    oy, ouv = out[: dw * dh].reshape(dh, dw), out[dw * dh :].reshape(dh // 2, dw)
    want_y = _ramp_centres(dw, sw, 200.0)[None, :]
    want_u = 50 + _ramp_centres(dh // 2, sh // 2, 100.0)[:, None]
    assert np.abs(oy - want_y).max() <= 1.5
    assert np.abs(ouv[:, 0::2] - want_u).max() <= 3.5 and (np.abs(ouv[:, 1::2].astype(int) - 90) <= 1).all()
    for h in (src, dst):
        acl.media.dvpp_destroy_pic_desc(h)
    acl.media.dvpp_destroy_resize_config(cfg)
    for mem in (src_mem, dst_mem):
        acl.media.dvpp_free(mem)
