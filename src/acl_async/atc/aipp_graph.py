"""Static AIPP as OpenVINO graph operations in front of a network input, or checks for AIPP the host runs.

:func:`insert_aipp` leaves the network as it is when the host runtime runs the AIPP (csrc/host/src/
aipp_apply.cpp): dynamic AIPP, and static AIPP feeding a static float32 input (the C++ AIPP is several
times faster than these operations, several of which run as OpenVINO reference kernels). Only static
AIPP in front of a dynamic (``--dynamic_batch_size``/``--dynamic_image_size``) or non-float32 input
becomes graph operations.

The new input is uint8 NHWC at the source size (:meth:`AippConfig.input_shape`); the operations
follow the order and formulas documented in :mod:`acl_async.atc.aipp` and feed the network's old
input (NCHW or NHWC, float).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .aipp import AippConfig

__all__ = ["insert_aipp"]


def _const(values: Any, dtype: Any = np.float32) -> Any:
    from openvino import opset13 as ops

    return ops.constant(np.asarray(values, dtype=dtype))


def _slice(node: Any, axis: int, start: int, stop: int) -> Any:
    from openvino import opset13 as ops

    return ops.slice(
        node,
        _const([start], np.int64),
        _const([stop], np.int64),
        _const([1], np.int64),
        _const([axis], np.int64),
    )


def _yuv420sp_to_yuv(x: Any, h: int, w: int) -> Any:
    """[N, H*3/2, W, 1] NV12 -> [N, H, W, 3] (Y, U, V); chroma repeated over each 2x2 block."""
    from openvino import opset13 as ops

    y = _slice(x, 1, 0, h)
    uv = _slice(x, 1, h, h * 3 // 2)
    uv = ops.reshape(uv, _const([0, h // 2, 1, w // 2, 1, 2], np.int64), special_zero=True)
    uv = ops.broadcast(uv, _const([1, 1, 2, 1, 2, 1], np.int64), broadcast_spec="BIDIRECTIONAL")
    uv = ops.reshape(uv, _const([0, h, w, 2], np.int64), special_zero=True)
    return ops.concat([y, uv], axis=3)


def build_aipp(param: Any, cfg: AippConfig, layout: str, out_type: Any, out_channels: int = 0) -> Any:
    """The AIPP subgraph from ``param`` (uint8 NHWC) to the network's input (``layout``, ``out_type``,
    ``out_channels`` when known: 1 for an RGB picture through CSC to GRAY)."""
    from openvino import opset13 as ops

    x = ops.convert(param, "f32")
    src_h, src_w = cfg.src_image_size_h, cfg.src_image_size_w
    fmt = cfg.input_format
    if fmt == "YUV420SP_U8":
        x = _yuv420sp_to_yuv(x, src_h, src_w)
    elif fmt == "XRGB8888_U8":
        x = _slice(x, 3, 0, 3) if cfg.ax_swap_switch else _slice(x, 3, 1, 4)
    channels = cfg.source_channels
    # 1. channel swap: R<->B for RGB input, U<->V for YUV input.
    if cfg.rbuv_swap_switch and channels == 3:
        order = [0, 2, 1] if cfg.is_yuv else [2, 1, 0]
        x = ops.gather(x, _const(order, np.int64), _const(3, np.int64))
    # 2. crop.
    if cfg.crop:
        x = _slice(x, 1, cfg.load_start_pos_h, cfg.load_start_pos_h + cfg.crop_size_h)
        x = _slice(x, 2, cfg.load_start_pos_w, cfg.load_start_pos_w + cfg.crop_size_w)
    # 3. colour space conversion in int32 operations: exact whatever precision the CPU plugin picks for
    # float MatMuls (bf16 on CPUs that have it), as the host's AIPP (aipp_apply.cpp) computes it.
    if cfg.csc_switch and channels == 3:
        xi = ops.convert(x, "i32")
        if cfg.is_yuv:
            xi = ops.subtract(xi, _const(cfg.input_bias, np.int32))
        m = np.asarray(cfg.matrix, dtype=np.int32).reshape(3, 3)
        prod = ops.multiply(ops.unsqueeze(xi, _const([3], np.int64)), _const(m, np.int32))  # [N,H,W,3,3]
        acc = ops.reduce_sum(prod, _const([4], np.int64), keep_dims=False)
        rem = ops.floor_mod(acc, _const(256, np.int32))
        xi = ops.divide(ops.subtract(acc, rem), _const(256, np.int32))  # floor(acc / 256)
        if not cfg.is_yuv:
            xi = ops.add(xi, _const(cfg.output_bias, np.int32))
        x = ops.convert(ops.clamp(xi, 0.0, 255.0), "f32")
        if cfg.csc_to_gray(out_channels):
            x = _slice(x, 3, 0, 1)
            channels = 1
    # 4. data type conversion: (x - mean - min) * var_reci, per channel.
    mean = np.asarray(cfg.mean_chn[:channels], np.float32) + np.asarray(cfg.min_chn[:channels], np.float32)
    if mean.any():
        x = ops.subtract(x, _const(mean))
    var = np.asarray(cfg.var_reci_chn[:channels], np.float32)
    if not np.all(var == 1.0):
        x = ops.multiply(x, _const(var))
    if layout == "NCHW":
        x = ops.transpose(x, _const([0, 3, 1, 2], np.int64))
    if out_type != x.get_output_element_type(0):
        x = ops.convert(x, out_type)
    return x


def _check_host(cfg: AippConfig, old: Any, dims: list[int], axes: tuple[int, int, int]) -> None:
    """AIPP the host runtime runs in front of the network: the network input stays as it is."""
    import openvino as ov

    what = "aipp_mode dynamic" if cfg.mode == "dynamic" else "resize and padding"
    if -1 in dims:
        raise ValueError(
            f"aipp: {what} need(s) a static network input (no --dynamic_batch_size/--dynamic_image_size/"
            "--dynamic_dims; give --input_shape)"
        )
    if old.get_element_type() != ov.Type.f32:
        raise ValueError(
            f"aipp: {what} need(s) a float32 network input, '{old.get_friendly_name()}' is "
            f"{old.get_element_type().get_type_name()}"
        )
    c, h, w = (dims[a] for a in axes)
    if cfg.mode == "dynamic":
        if c not in (1, 3):
            raise ValueError(f"aipp: the model input has {c} channels; AIPP makes 1 or 3")
        if cfg.max_src_image_size == 0:
            cfg.max_src_image_size = h * w * 4  # an XRGB8888 picture of the network's size
        return
    cfg.validate_for_model(h, w, c)


def insert_aipp(model: Any, cfg: AippConfig, layout: str, host: bool = True) -> Any:
    """Returns a new model whose input ``cfg.related_input_rank`` takes AIPP's uint8 pictures, or ``model``
    itself when the host runs the AIPP (``host=False``: static AIPP in the graph wherever it can be)."""
    import openvino as ov
    from openvino import opset13 as ops

    params = list(model.get_parameters())
    if cfg.related_input_rank >= len(params):
        raise ValueError(
            f"aipp: related_input_rank {cfg.related_input_rank} but the model has {len(params)} input(s)"
        )
    old = params[cfg.related_input_rank]
    ps = old.get_output_partial_shape(0)
    if ps.rank.is_dynamic or ps.rank.get_length() != 4:
        raise ValueError(f"aipp: input '{old.get_friendly_name()}' must be 4-D (give --input_shape)")
    dims = [d.get_length() if d.is_static else -1 for d in ps]
    c_axis, h_axis, w_axis = (1, 2, 3) if layout == "NCHW" else (3, 1, 2)
    cfg.layout = layout
    if host and cfg.mode == "static" and -1 not in dims and old.get_element_type() == ov.Type.f32:
        cfg.host = True  # build_aipp's results bit for bit (tests/test_aipp_host_static.py)
    if cfg.on_host:
        _check_host(cfg, old, dims, (c_axis, h_axis, w_axis))
        return model
    if dims[c_axis] == -1:
        raise ValueError("aipp: the model input's channel dimension must be known (give --input_shape)")
    dynamic_hw = dims[h_axis] == -1 or dims[w_axis] == -1
    if dynamic_hw:
        if cfg.crop or cfg.src_image_size_w or cfg.src_image_size_h:
            raise ValueError("aipp: with --dynamic_image_size, crop must be off and src_image_size_w/h 0")
        if cfg.input_format == "YUV420SP_U8":
            raise ValueError("aipp: YUV420SP_U8 with --dynamic_image_size is not supported by acl-async atc")
        if dims[c_axis] != cfg.source_channels and not cfg.csc_to_gray(dims[c_axis]):
            raise ValueError(
                f"aipp: {cfg.input_format} makes {cfg.source_channels}-channel pictures but the model "
                f"input has {dims[c_axis]} channels"
            )
        new_dims = cfg.input_shape(dims[0])
        new_dims[1], new_dims[2] = -1, -1
    else:
        cfg.validate_for_model(dims[h_axis], dims[w_axis], dims[c_axis])
        new_dims = cfg.input_shape(dims[0])
    names = set(old.output(0).get_names())
    new = ops.parameter(ov.PartialShape(new_dims), ov.Type.u8, name=old.get_friendly_name())
    old.output(0).get_tensor().set_names(set())
    new.output(0).get_tensor().set_names(names or {old.get_friendly_name()})
    out = build_aipp(new, cfg, layout, old.get_element_type(), dims[c_axis])
    for target in list(old.output(0).get_target_inputs()):
        target.replace_source_output(out.output(0))
    params[cfg.related_input_rank] = new
    rebuilt = ov.Model(model.get_results(), params, model.get_friendly_name())
    rebuilt.validate_nodes_and_infer_types()
    return rebuilt
