"""Preprocessing: the sample's spec, layout/type inference, tensor files and input collection."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from acl_async import preprocess as pp
from acl_async.preprocess import SAMPLE_SPEC, InputFileError, PictureError, PreprocessSpec


def _position_image(size: int = 256, blue: int = 200) -> Image.Image:
    """R = row index, G = column index, B constant: every pixel says where it came from."""
    rows, cols = np.indices((size, size))
    rgb = np.stack([rows, cols, np.full_like(rows, blue)], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb)


def test_sample_spec_shape_type_and_size() -> None:
    assert SAMPLE_SPEC.input_shape == (1, 3, 224, 224)
    assert SAMPLE_SPEC.nbytes == 301_056
    out = pp.preprocess_image(_position_image(), SAMPLE_SPEC)
    assert out.shape == (1, 3, 224, 224)
    assert out.dtype == np.float16
    assert out.flags.c_contiguous
    assert out.nbytes == 301_056


def test_sample_spec_crops_center_swaps_to_bgr_and_subtracts_means() -> None:
    # A 256x256 picture is not resized, so the 224 crop starts at row/column 16.
    out = pp.preprocess_image(_position_image(blue=200), SAMPLE_SPEC)[0].astype(np.float32)
    rows, cols = np.indices((224, 224))
    np.testing.assert_array_equal(out[0], np.full((224, 224), 200 - 104))  # B first
    np.testing.assert_array_equal(out[1], cols + 16 - 117)  # G
    np.testing.assert_array_equal(out[2], rows + 16 - 123)  # R last


def test_uniform_picture_of_any_size_gives_exact_values() -> None:
    picture = Image.new("RGB", (451, 300), (10, 20, 30))
    out = pp.preprocess_image(picture, SAMPLE_SPEC)[0]
    assert {float(v) for v in np.unique(out[0])} == {30 - 104}
    assert {float(v) for v in np.unique(out[1])} == {20 - 117}
    assert {float(v) for v in np.unique(out[2])} == {10 - 123}


def test_sample_spec_matches_the_sample_script_steps(tmp_path) -> None:
    """transferPic.py's own steps (with the filter it got by default: BICUBIC) give the same tensor."""
    path = tmp_path / "noise.png"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (300, 451, 3), dtype=np.uint8)).save(path)
    img = np.array(Image.open(path).resize((256, 256), getattr(Image, "Resampling", Image).BICUBIC))
    h_off, w_off = (img.shape[0] - 224) // 2, (img.shape[1] - 224) // 2
    img = img[h_off : img.shape[0] - h_off, w_off : img.shape[1] - w_off, :][:, :, ::-1].astype("float16")
    img[:, :, 0] -= 104
    img[:, :, 1] -= 117
    img[:, :, 2] -= 123
    expected = img.reshape([1, *img.shape]).transpose([0, 3, 1, 2])
    got = pp.load_picture(path, SAMPLE_SPEC)
    assert got.tobytes() == np.ascontiguousarray(expected).tobytes()


def test_nhwc_layout_and_normalisation() -> None:
    spec = PreprocessSpec(resize=256, crop=224, mean=127.5, std=127.5, layout="NHWC", dtype="float32")
    out = pp.preprocess_image(Image.new("RGB", (300, 300), (255, 0, 127)), spec)
    assert out.shape == (1, 224, 224, 3)
    np.testing.assert_allclose(out[0, 5, 7], [1.0, -1.0, -0.5 / 127.5], atol=1e-6)


def test_shorter_side_resize_keeps_aspect() -> None:
    spec = PreprocessSpec(resize=256, resize_mode="shorter", crop=None)
    assert spec.input_shape is None
    assert pp.preprocess_image(Image.new("RGB", (451, 300)), spec).shape == (1, 3, 256, 384)
    assert pp.preprocess_image(Image.new("RGB", (300, 451)), spec).shape == (1, 3, 384, 256)


def test_uint8_keeps_raw_pixels_and_rejects_normalisation() -> None:
    spec = PreprocessSpec(resize=4, crop=None, dtype="uint8", channel_order="BGR")
    out = pp.preprocess_image(Image.new("RGB", (8, 8), (1, 2, 3)), spec)
    assert out.dtype == np.uint8
    assert out[0, :, 0, 0].tolist() == [3, 2, 1]
    with pytest.raises(ValueError, match="uint8"):
        PreprocessSpec(dtype="uint8", mean=104)


@pytest.mark.parametrize(
    ("dims", "layout", "shape"),
    [
        ([1, 3, 224, 224], "NCHW", (1, 3, 224, 224)),
        ([1, 224, 224, 3], "NHWC", (1, 224, 224, 3)),
        ((1, 3, 300, 200), "NCHW", (1, 3, 300, 200)),
    ],
)
def test_spec_for_model_infers_layout_and_size(dims, layout, shape) -> None:
    spec = pp.spec_for_model(dims, "float32")
    assert spec.layout == layout
    assert spec.input_shape == shape
    assert spec.dtype == "float32"
    assert spec.channel_order == "BGR"  # no metadata: the sample's preprocessing


def test_spec_for_model_without_metadata_is_the_sample_spec() -> None:
    assert pp.spec_for_model([1, 3, 224, 224], np.float16) == SAMPLE_SPEC
    scaled = pp.spec_for_model([1, 3, 448, 448], "fp16")
    assert (scaled.resize, scaled.crop) == (512, 448)
    assert pp.spec_for_model([1, 224, 224, 3], "u8").mean == (0.0, 0.0, 0.0)


def test_spec_for_model_uses_metadata_and_model_type() -> None:
    stored = PreprocessSpec(resize=256, resize_mode="shorter", crop=224, mean=127.5, std=127.5)
    meta = {pp.METADATA_KEY: stored.to_json()}
    spec = pp.spec_for_model([1, 3, 224, 224], "float16", meta)
    assert spec == stored.replace(dtype="float16")
    with pytest.raises(ValueError, match="metadata"):
        pp.spec_for_model([1, 3, 300, 300], "float32", meta)


def test_spec_for_model_rejects_unknown_layouts() -> None:
    with pytest.raises(ValueError, match="layout"):
        pp.spec_for_model([1, 4, 224, 224], "float32")
    with pytest.raises(ValueError, match="4-D"):
        pp.spec_for_model([3, 224, 224], "float32")
    assert pp.infer_layout([-1, 3, -1, -1]) == ("NCHW", None)


def test_metadata_round_trip() -> None:
    spec = PreprocessSpec(resize=(256, 320), crop=(224, 288), channel_order="bgr", mean=[1, 2, 3], std=2)
    assert PreprocessSpec.from_metadata({pp.METADATA_KEY: spec.to_json()}) == spec
    assert PreprocessSpec.from_metadata({pp.METADATA_KEY: json.loads(spec.to_json())}) == spec
    assert PreprocessSpec.from_metadata({}) is None
    with pytest.raises(ValueError, match="JSON"):
        PreprocessSpec.from_metadata({pp.METADATA_KEY: "{nope"})


def test_bin_file_of_wrong_size_names_both_sizes(tmp_path) -> None:
    path = tmp_path / "short.bin"
    path.write_bytes(b"\0" * 1000)
    with pytest.raises(InputFileError) as info:
        pp.load_tensor_file(path, (1, 3, 224, 224), "float16")
    message = str(info.value)
    assert "1000 bytes" in message and "301056 bytes" in message
    assert isinstance(info.value, ValueError)


def test_bin_and_npy_files_load(tmp_path) -> None:
    data = np.arange(2 * 3 * 4 * 5, dtype=np.float16).reshape(2, 3, 4, 5)
    data.tofile(tmp_path / "t.bin")
    np.testing.assert_array_equal(pp.load_tensor_file(tmp_path / "t.bin", (2, 3, 4, 5), "float16"), data)
    np.save(tmp_path / "t.npy", data[0].astype(np.float32))
    loaded = pp.load_tensor_file(tmp_path / "t.npy", (1, 3, 4, 5), "float32")
    assert loaded.shape == (1, 3, 4, 5)
    with pytest.raises(InputFileError, match="float16"):
        pp.load_tensor_file(tmp_path / "t.npy", (1, 3, 4, 5), "float16")
    with pytest.raises(InputFileError, match="no such file"):
        pp.load_tensor_file(tmp_path / "missing.bin", (1, 3, 4, 5), "float16")


def test_load_input_checks_bin_against_the_spec(tmp_path) -> None:
    picture = tmp_path / "p.png"
    _position_image().save(picture)
    tensor = pp.load_picture(picture, SAMPLE_SPEC)
    pp.save_tensor(tensor, tmp_path / "p.bin")
    np.testing.assert_array_equal(pp.load_input(tmp_path / "p.bin", SAMPLE_SPEC), tensor)


def test_corrupt_and_missing_pictures_raise_picture_error(tmp_path) -> None:
    good = tmp_path / "good.jpg"
    _position_image().save(good, quality=90)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(good.read_bytes()[:600])
    text = tmp_path / "text.png"
    text.write_text("not a picture")
    for path in (truncated, text, tmp_path / "missing.jpg", tmp_path):
        with pytest.raises(PictureError) as info:
            pp.load_picture(path, SAMPLE_SPEC)
        assert info.value.path == path
        assert "\n" not in str(info.value)
        assert str(info.value).startswith(str(path))


def test_collect_inputs_expands_folders_sorted_case_insensitive(tmp_path) -> None:
    for name in ("b.PNG", "a.JPG", "c.jpeg", "d.bmp", "e.bin", "f.npy", "notes.txt", "g.JpEg"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.jpg").mkdir()
    extra = tmp_path / "notes.txt"
    found = pp.collect_inputs([tmp_path, extra, tmp_path / "a.JPG"])
    names = [p.name for p in found]
    assert names == ["a.JPG", "b.PNG", "c.jpeg", "d.bmp", "e.bin", "f.npy", "g.JpEg", "notes.txt"]
    pictures = pp.collect_inputs([tmp_path], pp.PICTURE_SUFFIXES)
    assert [p.name for p in pictures] == ["a.JPG", "b.PNG", "c.jpeg", "d.bmp", "g.JpEg"]
    with pytest.raises(InputFileError, match="no such file"):
        pp.collect_inputs([tmp_path / "missing"])


def test_bad_specs_are_rejected() -> None:
    for kwargs in (
        {"layout": "CHW"},
        {"channel_order": "RGBA"},
        {"dtype": "int64"},
        {"std": 0},
        {"mean": [1, 2]},
        {"resize": (256, 320), "resize_mode": "shorter"},
        {"interpolation": "magic"},
        {"crop": -1},
    ):
        with pytest.raises(ValueError):
            PreprocessSpec(**kwargs)
