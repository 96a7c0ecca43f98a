"""`acl-async atc`: flag parsing, AIPP configuration, conversion, one-line errors and atomic output."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import atc_models  # noqa: E402

from acl_async.atc import parse_aipp_config, parse_atc_args, read_container  # noqa: E402
from acl_async.atc.aipp import parse_aipp_text  # noqa: E402
from acl_async.cli import main as cli_main  # noqa: E402

BASE = ["--framework=5", "--soc_version=Ascend310"]


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory) -> str:
    return atc_models.make_classifier(tmp_path_factory.mktemp("atc") / "net.onnx")


def atc_main(argv):
    return cli_main(["atc", *argv])


def run(argv, capsys):
    code = atc_main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# ---- flags ----


def test_every_flag_parsed(tmp_path):
    opts = parse_atc_args([
        "--model=net.onnx", "--framework=5", "--output=out/net", "--input_shape=data:-1,3,16,16;aux:1,2",
        "--input_format=NCHW", "--soc_version=Ascend310P3", "--dynamic_batch_size=1,2,4,8",
        "--input_fp16_nodes=aux", "--output_type=FP16", "--insert_op_conf=aipp.cfg", "--log=info",
    ])  # fmt: skip
    assert opts.model == "net.onnx" and opts.framework == 5 and opts.om_path == "out/net.om"
    assert opts.input_shape == {"data": [-1, 3, 16, 16], "aux": [1, 2]}
    assert opts.soc_version == "Ascend310P3" and opts.dynamic_batch_size == [1, 2, 4, 8]
    assert opts.input_fp16_nodes == ["aux"] and opts.output_type == "FP16"
    assert opts.insert_op_conf == "aipp.cfg" and opts.log == "info"
    hw = parse_atc_args(
        [
            "--model=m.pb",
            "--framework=3",
            "--output=o",
            "--soc_version=S",
            "--input_format=NHWC",
            "--input_shape=x:1,-1,-1,3",
            "--dynamic_image_size=224,224;448,448",
        ]
    )
    assert hw.dynamic_image_size == [(224, 224), (448, 448)] and hw.framework == 3


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--frobnicate=1"], "unknown flag --frobnicate"),
        (["--framework=9"], "--framework: 9 is not one of"),
        (["--framework=abc"], "--framework: 'abc' is not an integer"),
        (["--framework=0"], "--weight is required with --framework=0"),
        (["--framework=1"], "export ONNX from MindSpore (mindspore.export("),
        (["--mode=1"], "--om is required with --mode=1"),
        (["--mode=5"], "--mode=5: the host runs 0 (convert), 1"),
        (["--output_type=prob:x:FP16"], "is not NODE:INDEX:TYPE"),
        (["--output_type=prob:0:FP64"], "'FP64' is not one of"),
        (["--out_nodes=;"], "--out_nodes: no node given"),
        (
            ["--input_shape=data:-1,3,4,4", "--dynamic_dims=1,2;3,4"],
            "each profile gives 2 values, --input_shape has 1",
        ),
        (["--input_shape=data:-1,3,4,4", "--dynamic_dims=1;2,3"], "needs 1 values"),
        (["--input_shape_range=data:[2~1,3]"], "LOW~HIGH"),
        (["--input_shape_range=data:[1~2,x]"], "is not N, LOW~HIGH or -1"),
        (["--input_shape_range=data:[1~2,3]", "--dynamic_batch_size=1,2"], "cannot be used together"),
        (["--save_original_model=maybe"], "not true or false"),
        (["--input_format=NCWH"], "--input_format"),
        (["--output_type=FP64"], "--output_type"),
        (["--log=loud"], "--log"),
        (["--input_shape=data"], "--input_shape"),
        (["--input_shape=data:1,x,3"], "--input_shape: dimension 'x'"),
        (["--input_shape=data:1,0,3"], "must be positive or -1"),
        (["--input_shape=data:-1,3,16,16"], "no --dynamic_batch_size"),
        (["--input_shape=data:1,3,16,16", "--dynamic_batch_size=1,2"], "no -1 given"),
        (["--dynamic_batch_size=1,2"], "needs --input_shape"),
        (["--input_shape=data:-1,3,16,16", "--dynamic_batch_size=1,0"], "below 1"),
        (["--input_shape=data:-1,3,16,16", "--dynamic_batch_size=1,1"], "given twice"),
        (["--input_shape=data:1,-1,16,16", "--dynamic_batch_size=1,2"], "only dimension 0"),
        (["--input_shape=data:1,3,-1,16", "--dynamic_image_size=8,8"], "exactly H and W"),
        (["--input_shape=data:1,3,-1,-1", "--dynamic_image_size=8"], "needs 2 values"),
        (["--input_shape=data:-1,3,-1,-1", "--dynamic_batch_size=1", "--dynamic_image_size=8,8"], "together"),
        (["--model=again.onnx"], "--model is given twice"),
        (["stray"], "unexpected argument 'stray'"),
    ],
)
def test_bad_flags_one_line_exit_2(extra, message, capsys):
    given = {a.split("=", 1)[0] for a in extra}
    base = [a for a in ["--model=net.onnx", *BASE, "--output=o"] if a.split("=", 1)[0] not in given]
    if extra == ["--model=again.onnx"]:
        base.append("--model=net.onnx")
    code, out, err = run([*base, *extra], capsys)
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("missing", ["--model", "--framework", "--output", "--soc_version"])
def test_required_flags(missing, capsys):
    argv = [a for a in ["--model=net.onnx", *BASE, "--output=o"] if not a.startswith(missing + "=")]
    code, _, err = run(argv, capsys)
    assert code == 2 and f"{missing} is required" in err


# ---- AIPP configuration ----


def test_aipp_parsed(tmp_path):
    cfg = parse_aipp_config(atc_models.write_aipp(tmp_path / "a.cfg", {
        "input_format": "YUV420SP_U8", "src_image_size_w": 20, "src_image_size_h": 18, "crop": True,
        "load_start_pos_w": 2, "load_start_pos_h": 2, "crop_size_w": 16, "crop_size_h": 16,
        "csc_switch": True,
        "rbuv_swap_switch": True, "mean_chn_0": 104, "min_chn_1": 1.5, "var_reci_chn_2": 0.25,
        **atc_models.JPEG_YUV2RGB,
    }))[0]  # fmt: skip
    assert cfg.input_format == "YUV420SP_U8" and cfg.format_code == 1
    assert (cfg.src_image_size_w, cfg.src_image_size_h, cfg.crop_size_w) == (20, 18, 16)
    assert cfg.matrix == [256, 0, 359, 256, -88, -183, 256, 454, 0] and cfg.input_bias == [0, 128, 128]
    assert (
        cfg.rbuv_swap_switch
        and cfg.mean_chn[0] == 104
        and cfg.min_chn[1] == 1.5
        and cfg.var_reci_chn[2] == 0.25
    )


@pytest.mark.parametrize(
    "body, message",
    [
        ("aipp_mode: static\ninput_format: RGB888_U8\ncolour: 3", "unknown key 'colour'"),
        ("aipp_mode: static\ninput_format: BGR_U8", "input_format 'BGR_U8'"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nmean_chn_0: 300", "out of range"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nmatrix_r0c0: 40000", "out of range"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nsrc_image_size_w: 5000", "out of range"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nvar_reci_chn_0: x", "must be a number"),
        ("aipp_mode: static\ninput_format: RGB888_U8\ncrop: maybe", "true or false"),
        ("aipp_mode: dynamic\ninput_format: RGB888_U8", "input_format cannot be set with aipp_mode dynamic"),
        ("input_format: RGB888_U8", "aipp_mode is required"),
        ("aipp_mode: static", "input_format is required"),
        ("aipp_mode: static\ninput_format: RGB888_U8\nresize_output_w: 8", "resize_output_w = 8 is out of"),
        ("aipp_mode: static\ninput_format: YUV400_U8\ncsc_switch: true", "not available with YUV400_U8"),
    ],
)
def test_bad_aipp(body, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_aipp_text("aipp_op {\n" + body + "\n}\n")


def test_bad_aipp_file_is_a_one_line_cli_error(tmp_path, onnx_model, capsys):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text("aipp_op {\n aipp_mode: static\n input_format: RGB888_U8\n colour: 1\n}\n")
    out = tmp_path / "net"
    code, _, err = run(
        [
            f"--model={onnx_model}",
            *BASE,
            f"--output={out}",
            "--input_shape=data:1,3,16,16",
            f"--insert_op_conf={cfg}",
        ],
        capsys,
    )
    assert code == 2 and "unknown key 'colour'" in err and err.count("\n") == 1
    assert not out.with_suffix(".om").exists() and list(tmp_path.iterdir()) == [cfg]


# ---- conversion ----


def test_convert_dynamic_batch_writes_our_container(tmp_path, onnx_model, capsys):
    out = tmp_path / "net_dyn"
    code, stdout, _ = run(
        [
            f"--model={onnx_model}",
            *BASE,
            f"--output={out}",
            "--input_shape=data:-1,3,16,16",
            "--dynamic_batch_size=1,2,4,8",
            "--output_type=FP32",
        ],
        capsys,
    )
    assert code == 0 and "Ascend310" in stdout and "1;2;4;8" in stdout
    data = (tmp_path / "net_dyn.om").read_bytes()
    assert data[:8] == b"ACLAOM01" and data[:4] != b"IMOD"
    c = read_container(tmp_path / "net_dyn.om")
    assert (
        c.meta["soc_version"] == "Ascend310" and c.meta["dynamic"] == "batch" and c.meta["gears"] == "1;2;4;8"
    )
    assert c.meta["dynamic_inputs"] == "data:-1,3,16,16" and c.xml.lstrip().startswith(b"<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net_dyn.om"]  # no temporary left behind
    assert (tmp_path / "net_dyn.om").stat().st_mode & 0o044  # readable by others, like atc's output


def test_convert_errors(tmp_path, onnx_model, capsys):
    out = f"--output={tmp_path / 'o'}"
    code, _, err = run([f"--model={tmp_path / 'missing.onnx'}", *BASE, out], capsys)
    assert code == 2 and "does not exist" in err
    code, _, err = run([f"--model={onnx_model}", *BASE, out, "--input_shape=image:1,3,16,16"], capsys)
    assert code == 2 and "no input 'image'" in err
    code, _, err = run([f"--model={onnx_model}", *BASE, out, "--input_shape=data:1,3,16"], capsys)
    assert code == 2 and "rank" in err
    cann = tmp_path / "real.onnx"
    cann.write_bytes(b"IMOD" + bytes(60))
    code, _, err = run([f"--model={cann}", *BASE, out], capsys)
    assert code == 2 and "CANN offline model" in err
    code, _, err = run([f"--model={onnx_model}", "--framework=3", "--soc_version=S", out], capsys)
    assert code == 2 and "not a TensorFlow frozen graph" in err
    code, _, err = run([f"--model={onnx_model}", *BASE, f"--output={tmp_path / 'no' / 'dir' / 'o'}"], capsys)
    assert code == 2 and "does not exist" in err
    assert not any(p.suffix == ".om" for p in tmp_path.rglob("*"))


def test_aipp_size_must_match_model(tmp_path, onnx_model, capsys):
    cfg = atc_models.write_aipp(
        tmp_path / "a.cfg", {"input_format": "RGB888_U8", "src_image_size_w": 20, "src_image_size_h": 20}
    )
    code, _, err = run(
        [
            f"--model={onnx_model}",
            *BASE,
            f"--output={tmp_path / 'o'}",
            "--input_shape=data:1,3,16,16",
            f"--insert_op_conf={cfg}",
        ],
        capsys,
    )
    assert code == 2 and "set crop, resize or padding" in err


def test_subcommand_help_and_no_flags(capsys):
    assert cli_main(["atc", "--help"]) == 0
    assert "--dynamic_batch_size" in capsys.readouterr().out
    code, _, err = run([], capsys)
    assert code == 2 and "no flags given" in err


def test_flag_spellings_and_shape_ranges():
    """argparse takes atc's `--flag value` and gflags' `-flag=value`; ranges may sit in --input_shape."""
    opts = parse_atc_args(
        [
            "--model",
            "m.onnx",
            "--framework",
            "5",
            "-output=o",
            "--soc_version=S",
            "--input_shape=x:1~8,3,-1,224;y:2",
            "--out_nodes=a:0;b",
            "--log=info",
        ]
    )
    assert opts.model == "m.onnx" and opts.output == "o" and opts.input_shape == {}
    assert opts.input_shape_range == {"x": [(1, 8), (3, 3), (1, -1), (224, 224)], "y": [(2, 2)]}
    assert opts.input_shape_range_text == "x:1~8,3,-1,224;y:2" and opts.out_nodes == [("a", 0), ("b", None)]
    dims = parse_atc_args(
        [
            "--model=m.onnx",
            "--framework=5",
            "--output=o",
            "--soc_version=S",
            "--input_shape=x:-1,3,-1;y:-1",
            "--dynamic_dims=1,8,2;4,16,3",
            "--input_format=ND",
        ]
    )
    assert dims.dynamic_dims == [(1, 8, 2), (4, 16, 3)] and dims.dynamic
    tf = parse_atc_args(["--model=m.pb", "--framework=3", "--output=o", "--soc_version=S", "--log=debug"])
    assert tf.input_format == "NHWC"  # atc's default for TensorFlow
