"""Python acllite (Ascend/samples, inference/acllite/acllitePY at fc2aea93) finds every acl.media function
it calls, with the number of positional arguments it passes. The names and counts were read from its
acllite_image.py, acllite_imageproc.py, acllite_utils.py and dvpp_vdec.py (the dvpp_* calls; its vdec_*
video calls are not bound) and are kept here as a literal, since the samples mirror is not in CI."""

from __future__ import annotations

import pytest

acl = pytest.importorskip("acl")
if not hasattr(acl, "media") or not hasattr(acl.media, "dvpp_malloc"):
    pytest.skip("acl.media needs the host runtime's libacl_dvpp", allow_module_level=True)

#: acl.media function -> positional arguments acllite passes it.
ACLLITE_CALLS = {
    "dvpp_create_channel": 1,
    "dvpp_create_channel_desc": 0,
    "dvpp_create_jpege_config": 0,
    "dvpp_create_pic_desc": 0,
    "dvpp_create_resize_config": 0,
    "dvpp_create_roi_config": 4,
    "dvpp_create_stream_desc": 0,
    "dvpp_destroy_channel": 1,
    "dvpp_destroy_channel_desc": 1,
    "dvpp_destroy_jpege_config": 1,
    "dvpp_destroy_pic_desc": 1,
    "dvpp_destroy_resize_config": 1,
    "dvpp_destroy_stream_desc": 1,
    "dvpp_free": 1,
    "dvpp_get_pic_desc_data": 1,
    "dvpp_get_pic_desc_ret_code": 1,
    "dvpp_get_pic_desc_size": 1,
    "dvpp_get_stream_desc_data": 1,
    "dvpp_get_stream_desc_size": 1,
    "dvpp_jpeg_decode_async": 5,
    "dvpp_jpeg_encode_async": 6,
    "dvpp_jpeg_predict_dec_size": 3,
    "dvpp_jpeg_predict_enc_size": 2,
    "dvpp_malloc": 1,
    "dvpp_set_jpege_config_level": 2,
    "dvpp_set_pic_desc_data": 2,
    "dvpp_set_pic_desc_format": 2,
    "dvpp_set_pic_desc_height": 2,
    "dvpp_set_pic_desc_height_stride": 2,
    "dvpp_set_pic_desc_size": 2,
    "dvpp_set_pic_desc_width": 2,
    "dvpp_set_pic_desc_width_stride": 2,
    "dvpp_set_stream_desc_data": 2,
    "dvpp_set_stream_desc_size": 2,
    "dvpp_vpc_crop_and_paste_async": 6,
    "dvpp_vpc_resize_async": 5,
}


def test_acllite_finds_every_acl_media_function_it_calls():
    missing = sorted(name for name in ACLLITE_CALLS if not callable(getattr(acl.media, name, None)))
    assert missing == [], "acl.media functions acllite calls that are missing"


def test_acllite_passes_as_many_arguments_as_each_function_takes():
    signatures = acl._signatures()
    wrong = {}
    for name, count in ACLLITE_CALLS.items():
        params, required = signatures[f"acl.media.{name}"]
        if not required <= count <= len(params):
            wrong[name] = (count, list(params))
    assert wrong == {}, "acllite's argument counts the binding refuses"
