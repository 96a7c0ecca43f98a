"""`acl-async atc` for AIPP the host runs: ``aipp_mode: dynamic``, static resize and padding (parsing, the
.om's metadata, bad input: one line naming the parameter, exit 2, no .om), and the container caps
--dynamic_batch_size/--dynamic_image_size/--dynamic_dims values are held to."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models  # noqa: E402
from test_atc import BASE, run  # noqa: E402

from acl_async.atc import read_container  # noqa: E402
from acl_async.atc.aipp import parse_aipp_text  # noqa: E402
from acl_async.atc.container import MAX_BATCH, MAX_DIM, MAX_IMAGE_SIDE, MAX_RANK  # noqa: E402
from acl_async.atc.flags import parse_input_shape  # noqa: E402


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory) -> str:
    return atc_models.make_classifier(tmp_path_factory.mktemp("atc_aipp") / "net.onnx")


def _block(body: str) -> str:
    return "aipp_op {\n" + body + "\n}\n"


def test_dynamic_block_parsed():
    cfg = parse_aipp_text(_block("aipp_mode: dynamic\nrelated_input_rank: 0\nmax_src_image_size: 921600"))[0]
    assert (cfg.mode, cfg.related_input_rank, cfg.max_src_image_size, cfg.on_host) == (
        "dynamic",
        0,
        921600,
        True,
    )
    meta = cfg.to_meta()
    assert meta["aipp.mode"] == "dynamic" and meta["aipp.max_src_image_size"] == "921600"


def test_resize_and_padding_parsed():
    cfg = parse_aipp_text(
        _block(
            "aipp_mode: static\ninput_format: RGB888_U8\nsrc_image_size_w: 64\nsrc_image_size_h: 48\n"
            "crop: true\n"
            "crop_size_w: 40\ncrop_size_h: 30\nresize: true\nresize_output_w: 20\nresize_output_h: 16\n"
            "padding: true\nleft_padding_size: 1\nright_padding_size: 3\ntop_padding_size: 2\n"
            "bottom_padding_size: 2\npadding_value: 9"
        )
    )[0]
    assert cfg.on_host and cfg.output_hw() == (20, 24)
    meta = cfg.to_meta()
    assert (
        meta["aipp.mode"] == "host"
        and meta["aipp.resize_output_w"] == "20"
        and meta["aipp.padding_value"] == "9.0"
    )
    plain = parse_aipp_text(_block("aipp_mode: static\ninput_format: RGB888_U8"))[0]
    assert not plain.on_host and "aipp.mode" not in plain.to_meta()  # until insert_aipp sees the network


@pytest.mark.parametrize(
    "body, message",
    [
        ("aipp_mode: dynamic\nmean_chn_0: 3", "mean_chn_0 cannot be set with aipp_mode dynamic"),
        ("aipp_mode: dynamic\nmax_src_image_size: 67108865", "max_src_image_size = 67108865 is out of range"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nmax_src_image_size: 10", "max_src_image_size is for"),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\npadding: true\ntop_padding_size: 33",
            "top_padding_size = 33 is out of range",
        ),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\nresize_output_w: 1921",
            "resize_output_w = 1921 is out of range",
        ),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\nresize_output_h: 15",
            "resize_output_h = 15 is out of range",
        ),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\npadding_value: 256",
            "padding_value = 256.0 is out of range",
        ),
    ],
)
def test_bad_dynamic_resize_padding(body, message):
    with pytest.raises(ValueError, match=message):
        parse_aipp_text(_block(body))


def _convert(tmp_path: Path, model: str, conf: str, capsys, *extra: str) -> tuple[int, str, Path]:
    cfg = tmp_path / "a.cfg"
    cfg.write_text(conf)
    out = tmp_path / "o"
    code, _, err = run(
        [f"--model={model}", *BASE, f"--output={out}", f"--insert_op_conf={cfg}", *extra], capsys
    )
    return code, err, out.with_suffix(".om")


def test_dynamic_aipp_written_into_the_om(tmp_path, onnx_model, capsys):
    code, err, om = _convert(
        tmp_path, onnx_model, _block("aipp_mode: dynamic"), capsys, "--input_shape=data:1,3,16,16"
    )
    assert code == 0, err
    meta = read_container(om).meta
    assert meta["aipp0.mode"] == "dynamic" and meta["aipp0.max_src_image_size"] == str(16 * 16 * 4)
    assert meta["aipp0.layout"] == "NCHW"


@pytest.mark.parametrize(
    "conf, extra, message",
    [
        (
            "aipp_mode: static\ninput_format: RGB888_U8\nsrc_image_size_w: 64\nsrc_image_size_h: 64\n"
            "resize: true\n"
            "resize_output_w: 16\nresize_output_h: 2000",
            "--input_shape=data:1,3,16,16",
            "resize_output_h = 2000: the scaling ratio from 64",
        ),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\nsrc_image_size_w: 16\nsrc_image_size_h: 16\n"
            "padding: true\n"
            "left_padding_size: 40",
            "--input_shape=data:1,3,16,16",
            "left_padding_size = 40 is out of range [0, 32]",
        ),
        (
            "aipp_mode: static\ninput_format: RGB888_U8\nsrc_image_size_w: 16\nsrc_image_size_h: 16\n"
            "padding: true\n"
            "left_padding_size: 4",
            "--input_shape=data:1,3,16,16",
            "AIPP makes 20x16",
        ),
        (
            "aipp_mode: dynamic",
            "--input_shape=data:-1,3,16,16;--dynamic_batch_size=1,2",
            "static network input",
        ),
    ],
)
def test_bad_host_aipp_is_a_one_line_error_and_no_om(tmp_path, onnx_model, capsys, conf, extra, message):
    code, err, om = _convert(tmp_path, onnx_model, _block(conf), capsys, *extra.split(";"))
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not om.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["a.cfg"]


@pytest.mark.parametrize(
    "flag, value, cap",
    [
        ("--dynamic_batch_size", f"1,{MAX_BATCH + 1}", MAX_BATCH),
        ("--dynamic_image_size", f"16,16;{MAX_IMAGE_SIDE + 1},16", MAX_IMAGE_SIDE),
    ],
)
def test_profile_values_held_to_the_container_caps(tmp_path, onnx_model, capsys, flag, value, cap):
    shape = "data:-1,3,16,16" if "batch" in flag else "data:1,3,-1,-1"
    out = tmp_path / "o"
    code, _, err = run(
        [f"--model={onnx_model}", *BASE, f"--output={out}", f"--input_shape={shape}", f"{flag}={value}"],
        capsys,
    )
    assert code == 2 and f"{flag}: {cap + 1} is above {cap}" in err and err.count("\n") == 1
    assert not out.with_suffix(".om").exists()


def test_input_shape_held_to_the_container_caps():
    with pytest.raises(ValueError, match=f"dimension {MAX_DIM + 1} of 'data' is above {MAX_DIM}"):
        parse_input_shape(f"data:1,{MAX_DIM + 1}")
    with pytest.raises(ValueError, match=f"'data' has {MAX_RANK + 1} dimensions, at most {MAX_RANK}"):
        parse_input_shape("data:" + ",".join(["1"] * (MAX_RANK + 1)))
    assert parse_input_shape(f"data:1,{MAX_DIM}") == {"data": [1, MAX_DIM]}
