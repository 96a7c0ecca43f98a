"""The AIPP configuration file of ``--insert_op_conf`` (static AIPP), parsed and validated.

The file holds one ``aipp_op { key : value ... }`` block per AIPP-processed input (``#`` starts a
comment). Order of the steps: channel swap (``rbuv_swap_switch``, of the input's R/B or U/V), crop,
resize (bilinear, half-pixel centres, 11-bit integer weights, rounded to 8 bits), padding
(``padding_value``), colour space conversion (CSC), then data type conversion
``out = (in - mean_chn_i - min_chn_i) * var_reci_chn_i`` per channel. CSC, with ``M`` the
``matrix_rXcY`` coefficients::

    YUV input (YUV420SP_U8, YUV400_U8):   out = (M @ (in - input_bias)) >> 8
    RGB input (RGB888_U8, XRGB8888_U8):   out = ((M @ in) >> 8) + output_bias

(``>> 8`` an arithmetic shift, i.e. floor division by 256; results clamped to 0..255, the 8-bit
pixels the hardware produces). The host runtime runs AIPP in front of the network
(csrc/host/src/aipp_apply.cpp): ``aipp_mode: dynamic`` (whose parameters come with each execution,
``aclmdlSetInputAIPP``) and static AIPP feeding a static float32 network input (its parameters in the
container's ``aipp<i>.*`` metadata, ``aipp<i>.mode=host``). Static AIPP in front of a dynamic or
non-float32 network input (``--dynamic_batch_size``, ``--dynamic_image_size``) becomes graph operations
(:mod:`.aipp_graph`), as in .om files written before the host ran static AIPP.
Unknown keys, values out of CANN's documented ranges and features acl-async does not implement
(single-line mode, rotation) are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from .protoschema import Field, build

__all__ = ["AippConfig", "INPUT_FORMATS", "parse_aipp_config", "parse_aipp_text"]

# aclAippInputFormat values (CANN's acl_mdl.h).
INPUT_FORMATS = {"YUV420SP_U8": 1, "XRGB8888_U8": 2, "RGB888_U8": 3, "YUV400_U8": 4}
# Keys CANN knows that acl-async does not implement: allowed only with these (default) values.
_UNSUPPORTED = {
    "single_line_mode": False,
    "support_rotation": False,
}
_IGNORED_KEYS = ("input_edge_idx",)
# Keys a dynamic block may hold: the others come from aclmdlSetAIPP* at run time.
_DYNAMIC_KEYS = {"aipp_mode", "related_input_rank", "max_src_image_size", "input_edge_idx", *_UNSUPPORTED}
MAX_SRC_IMAGE_SIZE = 4096 * 4096 * 4  # an XRGB8888 picture of CANN's largest source size
_MATRIX_RANGE = (-32677, 32676)
_BIAS_RANGE = (0, 255)


# CSC on without a matrix or biases: the defaults CANN documents and its ATC applies (graphengine
# ge_aipp_op.cc SetCscDefaultValue; the ATC guide's "YUV420SP_U8 to BGR" sample, canncommercial/800
# atlasatc_16_0028, gives the same values): YUV input, BT.601 narrow range YUV -> BGR (row 0 makes B),
# input_bias 16, 128, 128; RGB input, RGB -> BT.601 narrow YUV, output_bias 16, 128, 128.
YUV2BGR_MATRIX = (298, 516, 0, 298, -100, -208, 298, 0, 409)
RGB2YUV_MATRIX = (66, 129, 25, -38, -74, 112, 112, -94, -18)


def _default_matrix() -> list[int]:
    return list(YUV2BGR_MATRIX)


@dataclass
class AippConfig:
    """One static ``aipp_op`` block."""

    input_format: str = ""
    mode: str = "static"
    related_input_rank: int = 0
    max_src_image_size: int = 0
    layout: str = "NCHW"  # the network input's, set by insert_aipp
    src_image_size_w: int = 0
    src_image_size_h: int = 0
    crop: bool = False
    load_start_pos_w: int = 0
    load_start_pos_h: int = 0
    crop_size_w: int = 0
    crop_size_h: int = 0
    resize: bool = False
    resize_output_w: int = 0
    resize_output_h: int = 0
    padding: bool = False
    left_padding_size: int = 0
    right_padding_size: int = 0
    top_padding_size: int = 0
    bottom_padding_size: int = 0
    padding_value: float = 0.0
    csc_switch: bool = False
    rbuv_swap_switch: bool = False
    ax_swap_switch: bool = False
    matrix: list[int] = field(default_factory=_default_matrix)  # r0c0 .. r2c2
    output_bias: list[int] = field(default_factory=lambda: [16, 128, 128])
    input_bias: list[int] = field(default_factory=lambda: [16, 128, 128])
    mean_chn: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    min_chn: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])
    var_reci_chn: list[float] = field(default_factory=lambda: [1.0, 1.0, 1.0, 1.0])
    host: bool = False  # static AIPP the host runs (set by insert_aipp; not a key of the file)

    @property
    def format_code(self) -> int:
        return INPUT_FORMATS.get(self.input_format, 0)

    @property
    def on_host(self) -> bool:
        """Run by the host runtime in front of the network, not in the graph: dynamic, resize and padding
        always; the rest when :func:`.aipp_graph.insert_aipp` found a static float32 network input."""
        return self.mode == "dynamic" or self.resize or self.padding or self.host

    @property
    def is_yuv(self) -> bool:
        return self.input_format in ("YUV420SP_U8", "YUV400_U8")

    @property
    def source_channels(self) -> int:
        """Channels of the picture AIPP produces before CSC (what the network sees)."""
        return 1 if self.input_format == "YUV400_U8" else 3

    def csc_to_gray(self, channels: int) -> bool:
        """RGB888/XRGB8888 in, CSC on, a one-channel network input: AIPP keeps CSC's first output (Y)."""
        return channels == 1 and self.csc_switch and not self.is_yuv

    def input_shape(self, batch: int) -> list[int]:
        """The model input after AIPP: uint8, NHWC, the source size (YUV420SP: one plane of H*3/2 rows)."""
        w, h = self.src_image_size_w, self.src_image_size_h
        if self.input_format == "YUV420SP_U8":
            return [batch, h * 3 // 2, w, 1]
        channels = {"RGB888_U8": 3, "XRGB8888_U8": 4, "YUV400_U8": 1}[self.input_format]
        return [batch, h, w, channels]

    def output_hw(self) -> tuple[int, int]:
        h, w = (
            (self.crop_size_h, self.crop_size_w)
            if self.crop
            else (self.src_image_size_h, self.src_image_size_w)
        )
        if self.resize:
            h, w = self.resize_output_h, self.resize_output_w
        if self.padding:
            h += self.top_padding_size + self.bottom_padding_size
            w += self.left_padding_size + self.right_padding_size
        return h, w

    def to_meta(self) -> dict[str, str]:
        """Flat ``aipp.*`` entries for the container (read by the host runtime)."""
        out: dict[str, str] = {}
        for f in fields(self):
            if f.name == "host":
                continue
            v = getattr(self, f.name)
            if isinstance(v, list):
                out[f"aipp.{f.name}"] = ",".join(
                    repr(float(x)) if isinstance(x, float) else str(x) for x in v
                )
            elif isinstance(v, float):
                out[f"aipp.{f.name}"] = repr(v)
            elif isinstance(v, bool):
                out[f"aipp.{f.name}"] = "1" if v else "0"
            else:
                out[f"aipp.{f.name}"] = str(v)
        out["aipp.format_code"] = str(self.format_code)
        if self.on_host:
            out["aipp.mode"] = "dynamic" if self.mode == "dynamic" else "host"
        else:
            del out["aipp.mode"]
        return out

    def validate_for_model(self, height: int, width: int, channels: int) -> None:
        """Checks the block against the network input it feeds (NCHW ``channels, height, width``)."""
        if self.src_image_size_w == 0:
            self.src_image_size_w = width if not self.crop else 0
        if self.src_image_size_h == 0:
            self.src_image_size_h = height if not self.crop else 0
        if self.src_image_size_w == 0 or self.src_image_size_h == 0:
            raise ValueError("aipp: src_image_size_w and src_image_size_h are required with crop")
        if self.input_format == "YUV420SP_U8" and (self.src_image_size_w % 2 or self.src_image_size_h % 2):
            raise ValueError("aipp: YUV420SP_U8 needs an even src_image_size_w and src_image_size_h")
        if self.crop:
            if self.crop_size_w == 0:
                self.crop_size_w = width
            if self.crop_size_h == 0:
                self.crop_size_h = height
            if self.load_start_pos_w + self.crop_size_w > self.src_image_size_w:
                raise ValueError("aipp: load_start_pos_w + crop_size_w exceeds src_image_size_w")
            if self.load_start_pos_h + self.crop_size_h > self.src_image_size_h:
                raise ValueError("aipp: load_start_pos_h + crop_size_h exceeds src_image_size_h")
            if self.input_format == "YUV420SP_U8" and (
                self.load_start_pos_w % 2 or self.load_start_pos_h % 2
            ):
                raise ValueError("aipp: YUV420SP_U8 needs even load_start_pos_w and load_start_pos_h")
        if self.resize:
            in_h, in_w = (
                (self.crop_size_h, self.crop_size_w)
                if self.crop
                else (self.src_image_size_h, self.src_image_size_w)
            )
            for axis, out, src in (("w", self.resize_output_w, in_w), ("h", self.resize_output_h, in_h)):
                if out == 0:
                    raise ValueError(f"aipp: resize needs resize_output_{axis}")
                if not (src <= out * 16 and out <= src * 16):
                    raise ValueError(
                        f"aipp: resize_output_{axis} = {out}: the scaling ratio from {src} "
                        "must lie in [1/16, 16]"
                    )
        out_h, out_w = self.output_hw()
        if (out_h, out_w) != (height, width):
            raise ValueError(
                f"aipp: AIPP makes {out_w}x{out_h} (w x h) pictures but the model input is {width}x{height}; "
                "set crop, resize or padding so that they make the model's size"
            )
        # CANN's CSC configuration guide (atlasatc_16_0021) converts RGB pictures to a one-channel (GRAY,
        # YUV400) model input: CSC's row 0 (Y) and output_bias_0 make the channel.
        if channels != self.source_channels and not self.csc_to_gray(channels):
            raise ValueError(
                f"aipp: {self.input_format} makes {self.source_channels}-channel pictures, the model input "
                f"has {channels} channels"
            )


def _bool(key: str, value: str) -> bool:
    v = value.lower()
    if v in ("true", "1"):
        return True
    if v in ("false", "0"):
        return False
    raise ValueError(f"aipp: {key} must be true or false, not '{value}'")


def _int(key: str, value: str, lo: int, hi: int) -> int:
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ValueError(f"aipp: {key} must be an integer, not '{value}'")
    n = int(value)
    if not lo <= n <= hi:
        raise ValueError(f"aipp: {key} = {n} is out of range [{lo}, {hi}]")
    return n


def _float(key: str, value: str, lo: float, hi: float) -> float:
    try:
        x = float(value)
    except ValueError:
        raise ValueError(f"aipp: {key} must be a number, not '{value}'") from None
    if not lo <= x <= hi:
        raise ValueError(f"aipp: {key} = {value} is out of range [{lo:g}, {hi:g}]")
    return x


def _apply(cfg: AippConfig, key: str, value: str, seen: set[str]) -> None:
    if key in seen:
        raise ValueError(f"aipp: {key} is given twice")
    seen.add(key)
    if key == "aipp_mode":
        if value not in ("static", "dynamic"):
            raise ValueError(f"aipp: aipp_mode must be static or dynamic, not '{value}'")
        cfg.mode = value
    elif key == "max_src_image_size":
        cfg.max_src_image_size = _int(key, value, 0, MAX_SRC_IMAGE_SIZE)
    elif key in ("resize_output_w", "resize_output_h"):
        setattr(cfg, key, _int(key, value, 16, 1920 if key.endswith("_w") else 4096))
    elif key.endswith("_padding_size"):
        setattr(cfg, key, _int(key, value, 0, 32))
    elif key == "padding_value":
        cfg.padding_value = _float(key, value, 0.0, 255.0)
    elif key == "input_format":
        if value not in INPUT_FORMATS:  # CANN's other formats exist, the host's AIPP takes these
            raise ValueError(f"aipp: input_format '{value}' is not one of {', '.join(INPUT_FORMATS)}")
        cfg.input_format = value
    elif key == "related_input_rank":
        cfg.related_input_rank = _int(key, value, 0, 1024)
    elif key in ("src_image_size_w", "src_image_size_h"):
        setattr(cfg, key, _int(key, value, 0, 4096))
    elif key in ("load_start_pos_w", "load_start_pos_h"):
        setattr(cfg, key, _int(key, value, 0, 4095))
    elif key in ("crop_size_w", "crop_size_h"):
        setattr(cfg, key, _int(key, value, 0, 4096))
    elif key in ("crop", "resize", "padding", "csc_switch", "rbuv_swap_switch", "ax_swap_switch"):
        setattr(cfg, key, _bool(key, value))
    elif m := re.fullmatch(r"matrix_r([0-2])c([0-2])", key):
        cfg.matrix[int(m.group(1)) * 3 + int(m.group(2))] = _int(key, value, *_MATRIX_RANGE)
    elif m := re.fullmatch(r"(output_bias|input_bias)_([0-2])", key):
        getattr(cfg, m.group(1))[int(m.group(2))] = _int(key, value, *_BIAS_RANGE)
    elif m := re.fullmatch(r"mean_chn_([0-3])", key):
        cfg.mean_chn[int(m.group(1))] = _int(key, value, 0, 255)
    elif m := re.fullmatch(r"min_chn_([0-3])", key):
        cfg.min_chn[int(m.group(1))] = _float(key, value, 0.0, 255.0)
    elif m := re.fullmatch(r"var_reci_chn_([0-3])", key):
        cfg.var_reci_chn[int(m.group(1))] = _float(key, value, -65504.0, 65504.0)
    elif key in _UNSUPPORTED:
        if _bool(key, value) != _UNSUPPORTED[key]:
            raise ValueError(f"aipp: {key} is not supported by acl-async atc")
    elif key in _IGNORED_KEYS:
        pass
    else:
        raise ValueError(f"aipp: unknown key '{key}'")


_INPUT_FORMAT_NAMES = {
    "UNDEFINED": 0, **INPUT_FORMATS, "NC1HWC0DI_FP16": 5, "NC1HWC0DI_S8": 6, "ARGB8888_U8": 7, "YUYV_U8": 8,
    "YUV422SP_U8": 9, "AYUV444_U8": 10, "RAW10": 11, "RAW12": 12, "RAW16": 13, "RAW24": 14, "RGB16": 15,
    "RGB20": 16, "RGB24": 17, "RGB8_IR": 18, "RGB16_IR": 19, "RGB24_IR": 20,
}  # fmt: skip
_INT_KEYS = (
    "src_image_size_w", "src_image_size_h", "load_start_pos_w", "load_start_pos_h", "crop_size_w",
    "crop_size_h", "resize_output_w", "resize_output_h", "left_padding_size", "right_padding_size",
    "top_padding_size", "bottom_padding_size",
    *(f"matrix_r{r}c{c}" for r in range(3) for c in range(3)),
    *(f"{b}_{i}" for b in ("output_bias", "input_bias") for i in range(3)),
    *(f"mean_chn_{i}" for i in range(4)),
)  # fmt: skip
_BOOL_KEYS = (
    "crop",
    "resize",
    "padding",
    "csc_switch",
    "rbuv_swap_switch",
    "ax_swap_switch",
    "single_line_mode",
    "support_rotation",
)
_FLOAT_KEYS = ("padding_value", *(f"min_chn_{i}" for i in range(4)), *(f"var_reci_chn_{i}" for i in range(4)))


@cache
def _schema() -> dict[str, Any]:
    """CANN's ``insert_op.proto`` messages, the fields acl-async reads (names and types as CANN's)."""
    fields: list[Field] = [
        ("opt", "AippOpParams.AippMode", "aipp_mode", 1, None),
        ("opt", "uint32", "related_input_rank", 2, None),
        ("rep", "uint32", "input_edge_idx", 3, None),
        ("opt", "uint32", "max_src_image_size", 4, None),
        ("opt", "AippOpParams.InputFormat", "input_format", 5, None),
    ]
    number = 10
    for kind, keys in (("int32", _INT_KEYS), ("bool", _BOOL_KEYS), ("float", _FLOAT_KEYS)):
        for key in keys:
            fields.append(("opt", kind, key, number, None))
            number += 1
    enums = {"AippOpParams.AippMode": {"undefined": 0, "static": 1, "dynamic": 2},
             "AippOpParams.InputFormat": _INPUT_FORMAT_NAMES}  # fmt: skip
    messages = {"AippOpParams": fields, "InsertNewOp": [("rep", "AippOpParams", "aipp_op", 1, None)]}
    return build("acl_async_aipp", messages, enums)


_PARSE_ERRORS = (
    (re.compile(r'has no field named "(\w+)"'), "unknown key '{0}'"),
    (re.compile(r'Enum type "[\w.]*InputFormat" has no value named (\w+)'),
     "input_format '{0}' is not one of " + ", ".join(INPUT_FORMATS)),
    (re.compile(r'Enum type "[\w.]*AippMode" has no value named (\w+)'),
     "aipp_mode must be static or dynamic, not '{0}'"),
    (re.compile(r'multiple "(\w+)" fields'), "{0} is given twice"),
    (re.compile(r"Couldn't parse float: (\S+)"), "a value must be a number, not '{0}'"),
    (re.compile(r"Couldn't parse integer: (\S+)"), "a value must be an integer, not '{0}'"),
    (re.compile(r'Invalid value for boolean field "(\w+)"'), "{0} must be true or false"),
    (re.compile(r"Expected \"true\" or \"false\""), "a switch must be true or false"),
)  # fmt: skip


def _parse_error(exc: Exception) -> str:
    text = str(exc)
    for pattern, message in _PARSE_ERRORS:
        if m := pattern.search(text):
            return "aipp: " + message.format(*m.groups())
    return f"aipp: {text}"


def _block(msg: Any, blocks: list[AippConfig]) -> AippConfig:
    cfg, seen = AippConfig(), set[str]()
    for fd, value in msg.ListFields():
        if fd.enum_type is not None:
            value = fd.enum_type.values_by_number[value].name
        elif fd.name == "input_edge_idx":
            continue  # input_edge_idx: not used on the host
        _apply(cfg, fd.name, str(value), seen)
    if "aipp_mode" not in seen:
        raise ValueError("aipp: aipp_mode is required (aipp_mode: static)")
    if cfg.mode == "dynamic":
        extra = sorted(seen - _DYNAMIC_KEYS)
        if extra:
            raise ValueError(
                f"aipp: {extra[0]} cannot be set with aipp_mode dynamic "
                "(the aclmdlSetAIPP* calls give it at run time)"
            )
    elif cfg.max_src_image_size:
        raise ValueError("aipp: max_src_image_size is for aipp_mode dynamic")
    elif not cfg.input_format:
        raise ValueError("aipp: input_format is required")
    if cfg.input_format == "YUV400_U8" and cfg.csc_switch:
        raise ValueError("aipp: csc_switch is not available with YUV400_U8")
    if not cfg.is_yuv:  # CANN's defaults for RGB input, coefficient by coefficient (see YUV2BGR_MATRIX)
        for i in range(9):
            if f"matrix_r{i // 3}c{i % 3}" not in seen:
                cfg.matrix[i] = RGB2YUV_MATRIX[i]
    if any(b.related_input_rank == cfg.related_input_rank for b in blocks):
        raise ValueError(f"aipp: two aipp_op blocks for related_input_rank {cfg.related_input_rank}")
    return cfg


def parse_aipp_text(text: str, origin: str = "insert_op_conf") -> list[AippConfig]:
    """Parses every ``aipp_op`` block of a configuration file's text (protobuf text format)."""
    from google.protobuf import text_format

    doc = _schema()["InsertNewOp"]()
    try:
        text_format.Parse(text, doc)
    except text_format.ParseError as exc:
        line = f":{exc.GetLine()}" if exc.GetLine() else ""
        raise ValueError(f"{origin}{line}: {_parse_error(exc)}") from None
    blocks: list[AippConfig] = []
    for i, msg in enumerate(doc.aipp_op):
        try:
            blocks.append(_block(msg, blocks))
        except ValueError as exc:
            raise ValueError(f"{origin}: aipp_op #{i + 1}: {exc}") from None
    if not blocks:
        raise ValueError(f"{origin}: no aipp_op block")
    return blocks


def parse_aipp_config(path: str | Path) -> list[AippConfig]:
    """Reads and parses an AIPP configuration file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--insert_op_conf: cannot read '{p}': {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"--insert_op_conf: '{p}' is not a text file") from None
    return parse_aipp_text(text, str(p))
