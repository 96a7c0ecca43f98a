"""A Caffe network (``.prototxt`` + ``.caffemodel``) translated to an OpenVINO model, with Caffe's
semantics (those of BVLC Caffe's layer implementations, which Huawei's atc reproduces):

- Pooling rounds up (``ceil((H + 2p - k) / s) + 1``, minus one when the last window would start in
  the padding); AVE divides by the window clipped to ``H + pad`` (padding counted, overhang not).
- Layers may work in place (``top == bottom``): a blob name always means its latest producer.
- BatchNorm's third blob is a scale factor: mean and variance are divided by it (0 means 0).
- Outputs are the tops no later layer reads, in order of appearance, named ``layer:port:top``.

Every problem is a ``ValueError`` of one line naming the file and the layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .schema import NetParameter

__all__ = ["SUPPORTED_LAYERS", "read_caffe"]

_Out = Any  # an openvino Output


def _ops() -> Any:
    import openvino.opset13 as ops

    return ops


def _const(value: Any, dtype: Any = np.float32) -> _Out:
    return _ops().constant(np.asarray(value, dtype=dtype))


class _Net:
    def __init__(self, prototxt: str, caffemodel: str, shapes: dict[str, list[int]]) -> None:
        self.prototxt, self.caffemodel = prototxt, caffemodel
        self.net = _parse_prototxt(prototxt)
        self.blobs = _parse_caffemodel(caffemodel)
        self.shapes = shapes
        self.tensors: dict[str, _Out] = {}
        self.params: list[Any] = []
        self.producer: dict[str, tuple[str, int]] = {}
        self.consumed: set[tuple[str, int]] = set()
        self.order: list[tuple[str, int, str]] = []
        self.made: dict[tuple[str, int], _Out] = {}
        self.yolo_heads: dict[str, tuple[_Out, Any]] = {}

    # ---- helpers used by the layer functions ----
    def fail(self, layer: Any, text: str, *, model: bool = False) -> ValueError:
        where = self.caffemodel if model else self.prototxt
        return ValueError(f"{where}: layer '{layer.name}' ({layer.type}): {text}")

    def weights(self, layer: Any, count: tuple[int, ...] | int) -> list[np.ndarray]:
        """The layer's blobs from the caffemodel; ``count`` the accepted numbers of blobs."""
        counts = (count,) if isinstance(count, int) else count
        blobs = self.blobs.get(layer.name)
        if blobs is None or (not blobs and 0 not in counts):
            raise self.fail(layer, "missing blob: the caffemodel has no weights for this layer", model=True)
        if len(blobs) not in counts:
            raise self.fail(
                layer,
                f"{len(blobs)} blob(s) in the caffemodel, the prototxt needs {' or '.join(map(str, counts))}",
                model=True,
            )
        return blobs

    def check_shape(self, layer: Any, what: str, blob: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        if blob.size != math.prod(shape):
            raise self.fail(
                layer,
                f"{what} blob has shape {tuple(blob.shape)}, the prototxt needs {tuple(shape)}",
                model=True,
            )
        return blob.reshape(shape)

    def shape(self, layer: Any, x: _Out) -> list[int]:
        ps = x.get_partial_shape()
        if ps.rank.is_dynamic:
            raise self.fail(layer, "input of unknown rank")
        return [d.get_length() if d.is_static else -1 for d in ps]


def _parse_prototxt(path: str) -> Any:
    from google.protobuf import text_format

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--model: cannot read '{path}': {getattr(exc, 'strerror', None) or exc}") from None
    net = NetParameter()
    try:
        text_format.Parse(text, net, allow_unknown_field=True)
    except text_format.ParseError as exc:
        raise ValueError(f"{path}: not a Caffe prototxt: {exc}") from None
    if not net.layer and not net.layers:
        raise ValueError(f"{path}: no layers (a Caffe prototxt has 'layer {{ ... }}' blocks)")
    if net.layers:
        raise ValueError(
            f"{path}: V1 'layers' blocks: upgrade the prototxt with Caffe's upgrade_net_proto_text"
        )
    return net


def _blob_array(blob: Any) -> np.ndarray:
    data = np.asarray(blob.data if len(blob.data) else blob.double_data, dtype=np.float32)
    if blob.HasField("shape"):
        shape = tuple(int(d) for d in blob.shape.dim)
    else:  # legacy 4-D blobs
        shape = tuple(int(v) for v in (blob.num, blob.channels, blob.height, blob.width))
    if math.prod(shape) != data.size:
        raise ValueError(f"blob of shape {shape} holds {data.size} values")
    return data.reshape(shape)


def _parse_caffemodel(path: str) -> dict[str, list[np.ndarray]]:
    from google.protobuf.message import DecodeError

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"--weight: cannot read '{path}': {exc.strerror or exc}") from None
    net = NetParameter()
    try:
        net.ParseFromString(data)
    except DecodeError as exc:
        raise ValueError(f"--weight: '{path}' is not a binary Caffe model (.caffemodel): {exc}") from None
    out: dict[str, list[np.ndarray]] = {}
    for layer in [*net.layer, *net.layers]:
        try:
            out[layer.name] = [_blob_array(b) for b in layer.blobs]
        except ValueError as exc:
            raise ValueError(f"{path}: layer '{layer.name}': {exc}") from None
    if not out:
        raise ValueError(f"--weight: '{path}' holds no layers (not a .caffemodel?)")
    return out


# ---- layers ----


def _pair(layer: Any, p: Any, name: str, default: int | None) -> tuple[int, int]:
    """kernel/stride/pad of a Convolution: repeated ``name`` or ``name_h``/``name_w``."""
    h, w = getattr(p, f"{name}_h", None), getattr(p, f"{name}_w", None)
    if p.HasField(f"{name}_h") or p.HasField(f"{name}_w"):
        return int(h), int(w)
    values = list(getattr(p, name if name != "kernel" else "kernel_size"))
    if not values:
        if default is None:
            raise ValueError(f"layer '{layer.name}' ({layer.type}): {name} is required")
        return default, default
    if len(values) == 1:
        return int(values[0]), int(values[0])
    return int(values[0]), int(values[1])


def _conv(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.convolution_param
    try:
        kh, kw = _pair(layer, p, "kernel", None)
        sh, sw = _pair(layer, p, "stride", 1)
        ph, pw = _pair(layer, p, "pad", 0)
    except ValueError as exc:
        raise ValueError(f"{net.prototxt}: {exc}") from None
    dil = [int(d) for d in p.dilation] or [1]
    dh, dw = (dil[0], dil[-1])
    group, n_out = int(p.group), int(p.num_output)
    shape = net.shape(layer, x[0])
    if len(shape) != 4 or shape[1] == -1:
        raise net.fail(layer, f"needs a 4-D input with known channels, got {shape}")
    c = shape[1]
    if c % group or n_out % group:
        raise net.fail(layer, f"group {group} does not divide {c} input / {n_out} output channels")
    blobs = net.weights(layer, 2 if p.bias_term else 1)
    deconv = layer.type == "Deconvolution"
    if deconv:
        w = net.check_shape(layer, "weight", blobs[0], (c, n_out // group, kh, kw))
    else:
        w = net.check_shape(layer, "weight", blobs[0], (n_out, c // group, kh, kw))
    args = dict(strides=[sh, sw], pads_begin=[ph, pw], pads_end=[ph, pw], dilations=[dh, dw])
    if deconv:
        if group == 1:
            y = ops.convolution_backprop_data(x[0], _const(w), **args)
        else:
            gw = w.reshape(group, c // group, n_out // group, kh, kw)
            y = ops.group_convolution_backprop_data(x[0], _const(gw), **args)
    elif group == 1:
        y = ops.convolution(x[0], _const(w), **args)
    else:
        y = ops.group_convolution(x[0], _const(w.reshape(group, n_out // group, c // group, kh, kw)), **args)
    if p.bias_term:
        b = net.check_shape(layer, "bias", blobs[1], (n_out,))
        y = ops.add(y, _const(b.reshape(1, n_out, 1, 1)))
    return [y.output(0)]


def _pool(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.pooling_param
    shape = net.shape(layer, x[0])
    if len(shape) != 4:
        raise net.fail(layer, f"needs a 4-D input, got {shape}")
    method = p.pool  # 0 MAX, 1 AVE, 2 STOCHASTIC
    if method == 2:
        raise net.fail(layer, "STOCHASTIC pooling is not translated")
    if p.global_pooling:
        if p.HasField("kernel_size") or p.HasField("kernel_h"):
            raise net.fail(layer, "global_pooling with a kernel size")
        fn = ops.reduce_max if method == 0 else ops.reduce_mean
        return [fn(x[0], _const([2, 3], np.int64), True).output(0)]
    kh = int(p.kernel_h if p.HasField("kernel_h") else p.kernel_size)
    kw = int(p.kernel_w if p.HasField("kernel_w") else p.kernel_size)
    if not kh or not kw:
        raise net.fail(layer, "kernel_size (or kernel_h and kernel_w) is required")
    sh = int(p.stride_h if p.HasField("stride_h") else p.stride)
    sw = int(p.stride_w if p.HasField("stride_w") else p.stride)
    ph = int(p.pad_h if p.HasField("pad_h") else p.pad)
    pw = int(p.pad_w if p.HasField("pad_w") else p.pad)
    h, w = shape[2], shape[3]
    if h == -1 or w == -1:
        raise net.fail(layer, "needs a static height and width (set them with --input_shape)")
    ceil = p.round_mode == 0 and p.ceil_mode

    def size(n: int, k: int, s: int, pad: int) -> int:
        if ceil:
            out = math.ceil((n + 2 * pad - k) / s) + 1
            if pad and (out - 1) * s >= n + pad:
                out -= 1  # the last window may not start in the padding
        else:
            out = (n + 2 * pad - k) // s + 1
        return out

    oh, ow = size(h, kh, sh, ph), size(w, kw, sw, pw)
    # OpenVINO's floor rounding with explicit end padding gives exactly Caffe's windows.
    end = [
        max(pad, (o - 1) * s + k - n - pad) for o, s, k, n, pad in ((oh, sh, kh, h, ph), (ow, sw, kw, w, pw))
    ]
    args = dict(
        strides=[sh, sw], pads_begin=[ph, pw], pads_end=end, kernel_shape=[kh, kw], rounding_type="floor"
    )
    if method == 0:
        return [ops.max_pool(x[0], dilations=[1, 1], **args).output(0)]
    y = ops.avg_pool(x[0], exclude_pad=True, **args)

    # Caffe divides by the window clipped to [-pad, n + pad); exclude_pad divided by the part inside [0, n).
    def ratio(o: int, s: int, k: int, n: int, pad: int) -> np.ndarray:
        starts = np.arange(o) * s - pad
        caffe = np.minimum(starts + k, n + pad) - starts
        inside = np.minimum(starts + k, n) - np.maximum(starts, 0)
        return inside / caffe

    r = np.outer(ratio(oh, sh, kh, h, ph), ratio(ow, sw, kw, w, pw))
    if not np.allclose(r, 1.0):
        y = ops.multiply(y, _const(r.reshape(1, 1, oh, ow)))
    return [y.output(0)]


def _inner_product(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.inner_product_param
    shape = net.shape(layer, x[0])
    axis = p.axis % len(shape)
    k = math.prod(shape[axis:])
    if -1 in shape[axis:]:
        raise net.fail(layer, f"needs static dimensions from axis {axis}, got {shape}")
    n_out = int(p.num_output)
    blobs = net.weights(layer, 2 if p.bias_term else 1)
    w = net.check_shape(layer, "weight", blobs[0], (k, n_out) if p.transpose else (n_out, k))
    flat = ops.reshape(x[0], _const([0] * axis + [-1], np.int64), True)
    y = ops.matmul(flat, _const(w), False, not p.transpose)
    if p.bias_term:
        y = ops.add(y, _const(net.check_shape(layer, "bias", blobs[1], (n_out,))))
    return [y.output(0)]


def _relu(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    slope = layer.relu_param.negative_slope
    if slope == 0:
        return [ops.relu(x[0]).output(0)]
    return [ops.prelu(x[0], _const([slope])).output(0)]


def _prelu(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    shape = net.shape(layer, x[0])
    n = 1 if layer.prelu_param.channel_shared else shape[1]
    slope = net.check_shape(layer, "slope", net.weights(layer, 1)[0], (n,))
    if n == 1:
        return [ops.prelu(x[0], _const(slope)).output(0)]
    return [ops.prelu(x[0], _const(slope.reshape([n] + [1] * (len(shape) - 2)))).output(0)]


def _batch_norm(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    shape = net.shape(layer, x[0])
    c = shape[1]
    blobs = net.weights(layer, 3)
    mean = net.check_shape(layer, "mean", blobs[0], (c,)).astype(np.float64)
    var = net.check_shape(layer, "variance", blobs[1], (c,)).astype(np.float64)
    s = float(net.check_shape(layer, "scale factor", blobs[2], (1,))[0])
    factor = 0.0 if s == 0 else 1.0 / s
    mean, var = mean * factor, var * factor
    inv = 1.0 / np.sqrt(var + layer.batch_norm_param.eps)
    bshape = [1, c] + [1] * (len(shape) - 2)
    y = ops.multiply(ops.subtract(x[0], _const(mean.reshape(bshape))), _const(inv.reshape(bshape)))
    return [y.output(0)]


def _axis_shape(
    net: _Net, layer: Any, shape: list[int], axis: int, num_axes: int, tail: list[int]
) -> list[int]:
    """The broadcast shape of a Scale/Bias parameter covering ``shape[axis:axis+num_axes]``."""
    axis %= len(shape)
    end = len(shape) if num_axes == -1 else axis + num_axes
    if shape[axis:end] != tail and math.prod(shape[axis:end]) != math.prod(tail):
        raise net.fail(
            layer, f"parameter shape {tail} does not match input dims {shape[axis:end]}", model=True
        )
    return [1] * axis + shape[axis:end] + [1] * (len(shape) - end)


def _scale(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.scale_param if layer.type == "Scale" else layer.bias_param
    shape = net.shape(layer, x[0])
    axis = p.axis % len(shape)
    end = len(shape) if p.num_axes == -1 else axis + p.num_axes
    target = shape[axis:end]
    bias_term = layer.type == "Bias" or p.bias_term
    if len(x) == 2:
        other = ops.reshape(x[1], _const([1] * axis + target + [1] * (len(shape) - end), np.int64), False)
        blobs = net.weights(layer, (0, 1)) if layer.type == "Scale" and bias_term else []
        y = ops.multiply(x[0], other) if layer.type == "Scale" else ops.add(x[0], other)
        if blobs:
            y = ops.add(y, _const(blobs[0].reshape(_axis_shape(net, layer, shape, axis, p.num_axes, target))))
        return [y.output(0)]
    bshape = _axis_shape(net, layer, shape, axis, p.num_axes, target)
    if layer.type == "Bias":
        b = net.check_shape(layer, "bias", net.weights(layer, 1)[0], tuple(target))
        return [ops.add(x[0], _const(b.reshape(bshape))).output(0)]
    blobs = net.weights(layer, 2 if bias_term else 1)
    g = net.check_shape(layer, "scale", blobs[0], tuple(target))
    y = ops.multiply(x[0], _const(g.reshape(bshape)))
    if bias_term:
        b = net.check_shape(layer, "bias", blobs[1], tuple(target))
        y = ops.add(y, _const(b.reshape(bshape)))
    return [y.output(0)]


def _eltwise(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.eltwise_param
    if len(x) < 2:
        raise net.fail(layer, "needs at least two bottoms")
    coeff = list(p.coeff)
    if coeff and (p.operation != 1 or len(coeff) != len(x)):
        raise net.fail(layer, "coeff needs operation SUM and one value per bottom")
    y = x[0]
    if coeff and coeff[0] != 1:
        y = ops.multiply(y, _const(coeff[0]))
    for i, other in enumerate(x[1:], 1):
        if p.operation == 0:
            y = ops.multiply(y, other)
        elif p.operation == 2:
            y = ops.maximum(y, other)
        else:
            if coeff and coeff[i] != 1:
                other = ops.multiply(other, _const(coeff[i]))
            y = ops.add(y, other)
    return [y.output(0) if hasattr(y, "output") else y]


def _concat(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    p = layer.concat_param
    axis = p.axis if p.HasField("axis") or not p.HasField("concat_dim") else p.concat_dim
    if len(x) == 1:
        return [x[0]]
    return [_ops().concat(x, int(axis)).output(0)]


def _slice(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.slice_param
    shape = net.shape(layer, x[0])
    axis = (p.axis if p.HasField("axis") or not p.HasField("slice_dim") else p.slice_dim) % len(shape)
    n = shape[axis]
    tops = len(layer.top)
    points = [int(v) for v in p.slice_point]
    if points:
        if len(points) != tops - 1 or points != sorted(points) or points[-1] >= n:
            raise net.fail(layer, f"slice_point {points} does not cut dimension {n} into {tops} parts")
        lengths = np.diff([0, *points, n]).tolist()
    else:
        if n == -1 or n % tops:
            raise net.fail(layer, f"dimension {n} does not split into {tops} equal parts")
        lengths = [n // tops] * tops
    split = ops.variadic_split(x[0], _const(axis, np.int64), _const(lengths, np.int64))
    return list(split.outputs())


def _softmax(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    return [_ops().softmax(x[0], int(layer.softmax_param.axis)).output(0)]


def _lrn(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.lrn_param
    if p.local_size % 2 == 0:
        raise net.fail(layer, f"local_size {p.local_size} must be odd")
    if p.norm_region == 0:
        y = ops.lrn(x[0], _const([1], np.int64), p.alpha, p.beta, p.k, p.local_size)
    else:  # WITHIN_CHANNEL: (1 + alpha / n^2 * sum of squares over the n x n window) ^ beta
        y = ops.lrn(x[0], _const([2, 3], np.int64), p.alpha, p.beta, 1.0, p.local_size)
    return [y.output(0)]


def _identity(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    return [x[0]] * max(1, len(layer.top))


def _flatten(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    p = layer.flatten_param
    shape = net.shape(layer, x[0])
    axis, end = p.axis % len(shape), p.end_axis % len(shape)
    rest = shape[end + 1 :]
    if -1 in rest or -1 in shape[1:axis]:
        raise net.fail(layer, f"needs static dimensions around the flattened range, got {shape}")
    pattern = [0] * axis + [-1] + rest
    return [_ops().reshape(x[0], _const(pattern, np.int64), True).output(0)]


def _reshape(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    p = layer.reshape_param
    dims = [int(d) for d in p.shape.dim]
    shape = net.shape(layer, x[0])
    axis = p.axis if p.axis >= 0 else len(shape) + p.axis + 1
    end = len(shape) if p.num_axes == -1 else axis + p.num_axes
    if not 0 <= axis <= end <= len(shape):
        raise net.fail(layer, f"axis {p.axis} / num_axes {p.num_axes} do not fit the input {shape}")
    if -1 in shape[end:]:
        raise net.fail(layer, f"needs static dimensions after the reshaped range, got {shape}")
    # Caffe's 0 copies the input dimension at the same position, which is OpenVINO's special_zero; the
    # dimensions before `axis` are copied and those after `axis + num_axes` kept.
    pattern = [0] * axis + dims + shape[end:]
    return [_ops().reshape(x[0], _const(pattern, np.int64), True).output(0)]


def _permute(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    rank = len(net.shape(layer, x[0]))
    order = [int(o) for o in layer.permute_param.order]
    if len(set(order)) != len(order) or any(o >= rank for o in order):
        raise net.fail(layer, f"order {order} is not a permutation of {rank} axes")
    order += [i for i in range(rank) if i not in order]
    return [_ops().transpose(x[0], _const(order, np.int64)).output(0)]


def _power(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.power_param
    y: Any = x[0]
    if p.scale != 1:
        y = ops.multiply(y, _const(p.scale))
    if p.shift != 0:
        y = ops.add(y, _const(p.shift))
    if p.power != 1:
        y = ops.power(y, _const(p.power))
    return [y.output(0) if hasattr(y, "output") else y]


def _unary(fn: str) -> Callable[[_Net, Any, list[_Out]], list[_Out]]:
    def run(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
        ops = _ops()
        if fn == "elu":
            return [ops.elu(x[0], layer.elu_param.alpha).output(0)]
        if fn == "bnll":
            return [ops.log(ops.add(ops.exp(x[0]), _const(1.0))).output(0)]
        return [getattr(ops, fn)(x[0]).output(0)]

    return run


def _exp_log(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.exp_param if layer.type == "Exp" else layer.log_param
    base = p.base
    inner: Any = x[0]
    if p.scale != 1:
        inner = ops.multiply(inner, _const(p.scale))
    if p.shift != 0:
        inner = ops.add(inner, _const(p.shift))
    ln_base = 1.0 if base == -1 else math.log(base)
    if layer.type == "Exp":  # base ^ (shift + scale * x)
        y = ops.exp(ops.multiply(inner, _const(ln_base)) if ln_base != 1 else inner)
    else:  # log_base(shift + scale * x)
        y = ops.log(inner)
        if ln_base != 1:
            y = ops.divide(y, _const(ln_base))
    return [y.output(0)]


def _clip(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    if layer.type == "ReLU6":
        lo, hi = 0.0, 6.0
    else:
        p = layer.clip_param
        if not p.HasField("min") or not p.HasField("max"):
            raise net.fail(layer, "clip_param needs min and max")
        lo, hi = p.min, p.max
    return [_ops().clamp(x[0], lo, hi).output(0)]


def _swish(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    beta = layer.swish_param.beta
    return [ops.multiply(x[0], ops.sigmoid(ops.multiply(x[0], _const(beta)))).output(0)]


def _shuffle_channel(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    shape = net.shape(layer, x[0])
    g = int(layer.shuffle_channel_param.group)
    if len(shape) != 4 or shape[1] == -1 or shape[1] % g:
        raise net.fail(layer, f"group {g} does not divide the channels of {shape}")
    c = shape[1]
    y = ops.reshape(x[0], _const([0, g, c // g, -1], np.int64), True)
    y = ops.transpose(y, _const([0, 2, 1, 3], np.int64))
    return [ops.reshape(y, ops.shape_of(x[0]), False).output(0)]


def _threshold(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    return [ops.convert(ops.greater(x[0], _const(layer.threshold_param.threshold)), "f32").output(0)]


def _normalize(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.norm_param
    shape = net.shape(layer, x[0])
    c = shape[1]
    axes = list(range(1, len(shape))) if p.across_spatial else [1]
    sq = ops.reduce_sum(ops.multiply(x[0], x[0]), _const(axes, np.int64), True)
    norm = ops.sqrt(ops.add(sq, _const(p.eps)))
    y = ops.divide(x[0], norm)
    n = 1 if p.channel_shared else c
    scale = net.check_shape(layer, "scale", net.weights(layer, 1)[0], (n,))
    y = ops.multiply(y, _const(scale.reshape([1, n] + [1] * (len(shape) - 2))))
    return [y.output(0)]


def _upsample(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    if len(x) != 1:
        raise net.fail(layer, "the pooling-mask form (two bottoms) is not translated")
    p = layer.upsample_param
    huawei = p.HasField("stride") or p.HasField("stride_h") or p.HasField("stride_w")
    if huawei:  # atc's own Upsample: stride is the factor, scale multiplies the values
        sh = p.stride_h if p.HasField("stride_h") else p.stride if p.HasField("stride") else 2
        sw = p.stride_w if p.HasField("stride_w") else p.stride if p.HasField("stride") else 2
        multiplier = p.scale if p.HasField("scale") else 1.0
    else:  # the YOLOv3 forks': scale is the factor
        factor = p.scale if p.HasField("scale") else 2
        sh = p.scale_h if p.HasField("scale_h") else factor
        sw = p.scale_w if p.HasField("scale_w") else factor
        multiplier = 1.0
    if sh != int(sh) or sw != int(sw) or sh < 1 or sw < 1:
        raise net.fail(layer, f"upsampling factors {sh}x{sw} must be positive integers")
    y = ops.interpolate(
        x[0],
        _const([sh, sw], np.float32),
        mode="nearest",
        shape_calculation_mode="scales",
        axes=_const([2, 3], np.int64),
        nearest_mode="floor",
        coordinate_transformation_mode="asymmetric",
    )
    if multiplier != 1:
        y = ops.multiply(y, _const(multiplier))
    return [y.output(0)]


def _argmax(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    p = layer.argmax_param
    k = int(p.top_k)
    if p.HasField("axis"):
        t = ops.topk(x[0], _const(k, np.int64), int(p.axis), "max", "value", "i64")
        if p.out_max_val:
            return [t.output(0)]
        return [ops.convert(t.output(1), "f32").output(0)]
    flat = ops.reshape(x[0], _const([0, -1], np.int64), True)
    t = ops.topk(flat, _const(k, np.int64), 1, "max", "value", "i64")
    idx = ops.unsqueeze(ops.convert(t.output(1), "f32"), _const([1], np.int64))
    if p.out_max_val:
        return [ops.concat([idx, ops.unsqueeze(t.output(0), _const([1], np.int64))], 1).output(0)]
    return [idx.output(0)]


def _crop(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    ops = _ops()
    if len(x) != 2:
        raise net.fail(layer, "needs two bottoms (the blob and the reference shape)")
    src, ref = net.shape(layer, x[0]), net.shape(layer, x[1])
    axis = layer.crop_param.axis % len(src)
    offsets = [int(o) for o in layer.crop_param.offset] or [0]
    if len(offsets) == 1:
        offsets = offsets * (len(src) - axis)
    begin = [0] * axis + offsets
    end = src[:axis] + [b + r for b, r in zip(offsets, ref[axis:], strict=False)]
    if any(e > s for e, s in zip(end[axis:], src[axis:], strict=True)):
        raise net.fail(layer, f"offsets {offsets} and reference {ref} exceed the input {src}")
    end = [0] * axis + end[axis:]
    mask = [1] * axis + [0] * (len(src) - axis)
    y = ops.strided_slice(
        x[0], _const(begin, np.int64), _const(end, np.int64), _const([1] * len(src), np.int64), mask, mask
    )
    return [y.output(0)]


def _prior_box(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    """SSD's PriorBox: a constant of the feature map's and the picture's static sizes, [1, 2, H*W*P*4]
    (boxes, then variances); per cell: each min size, its max size (sqrt(min*max)), then the ratios."""
    p = layer.prior_box_param
    if len(x) != 2:
        raise net.fail(layer, "needs two bottoms (the feature map and the picture)")
    fmap, img = net.shape(layer, x[0]), net.shape(layer, x[1])
    lh, lw = fmap[2], fmap[3]
    ih = p.img_h if p.HasField("img_h") else p.img_size if p.HasField("img_size") else img[2]
    iw = p.img_w if p.HasField("img_w") else p.img_size if p.HasField("img_size") else img[3]
    if -1 in (lh, lw, ih, iw):
        raise net.fail(layer, "needs static feature map and picture sizes")
    sh = p.step_h if p.HasField("step_h") else p.step if p.HasField("step") else ih / lh
    sw = p.step_w if p.HasField("step_w") else p.step if p.HasField("step") else iw / lw
    mins, maxs = list(p.min_size), list(p.max_size)
    if not mins or (maxs and len(maxs) != len(mins)):
        raise net.fail(layer, "needs min_size (and as many max_size, if any)")
    ratios = [1.0]
    for ar in p.aspect_ratio:
        if all(abs(ar - r) > 1e-6 for r in ratios):
            ratios.append(ar)
            if p.flip:
                ratios.append(1.0 / ar)
    boxes = []
    for h in range(lh):
        for w in range(lw):
            cx, cy = (w + p.offset) * sw, (h + p.offset) * sh
            for i, m in enumerate(mins):
                sizes = [(m, m)]
                if maxs:
                    sizes.append((math.sqrt(m * maxs[i]),) * 2)
                sizes += [(m * math.sqrt(r), m / math.sqrt(r)) for r in ratios if abs(r - 1) >= 1e-6]
                for bw, bh in sizes:
                    boxes.append(
                        [(cx - bw / 2) / iw, (cy - bh / 2) / ih, (cx + bw / 2) / iw, (cy + bh / 2) / ih]
                    )
    b = np.asarray(boxes, dtype=np.float64).reshape(-1)
    if p.clip:
        b = np.clip(b, 0.0, 1.0)
    var = list(p.variance) or [0.1]
    if len(var) not in (1, 4):
        raise net.fail(layer, f"{len(var)} variances: give 1 or 4")
    v = np.tile(np.asarray(var * (4 // len(var)), dtype=np.float64), len(boxes))
    return [_const(np.stack([b, v])[None]).output(0)]


def _detection_output(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    """SSD's DetectionOutput as OpenVINO's DetectionOutput (a port of the same Caffe layer): [1, 1, K, 7]
    rows (image, label, score, xmin, ymin, xmax, ymax); unused rows start with image id -1."""
    if len(x) != 3:
        raise net.fail(layer, "needs three bottoms (locations, confidences, priors)")
    p = layer.detection_output_param
    if not p.HasField("num_classes"):
        raise net.fail(layer, "num_classes is required")
    if p.code_type == 3:
        raise net.fail(layer, "code_type CORNER_SIZE is not translated")
    nms = p.nms_param
    top_k = nms.top_k if nms.HasField("top_k") else -1
    keep = p.keep_top_k if p.keep_top_k > 0 else top_k
    if keep <= 0:
        raise net.fail(layer, "keep_top_k (or nms_param.top_k) is required for a fixed-size output")
    attrs = {
        "keep_top_k": [int(keep)],
        "nms_threshold": float(nms.nms_threshold),
        "background_label_id": int(p.background_label_id),
        "top_k": int(top_k),
        "variance_encoded_in_target": bool(p.variance_encoded_in_target),
        "code_type": "caffe.PriorBoxParameter." + ("CORNER" if p.code_type == 1 else "CENTER_SIZE"),
        "share_location": bool(p.share_location),
        "confidence_threshold": float(p.confidence_threshold)
        if p.HasField("confidence_threshold")
        else -1e30,
        "normalized": True,
        "num_classes": int(p.num_classes),
    }
    import openvino.opset1 as ops1

    return [ops1.detection_output(x[0], x[1], x[2], attrs).output(0)]


def _ssd_detection_output(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    """atc's SSDDetectionOutput (bottoms loc, conf, priors; tops out_boxnum, y): Caffe SSD's DetectionOutput
    with out_boxnum [1, 8] int32 (the count first) and y [1, keep_top_k, 8] rows (image, label, score, xmin,
    ymin, xmax, ymax, 0), the valid rows first and the rest zero, as Huawei's VGG-SSD samples read them."""
    import openvino.opset1 as ops1

    ops = _ops()
    p = layer.ssddetectionoutput_param
    if len(x) != 3 or len(layer.top) != 2:
        raise net.fail(layer, "needs three bottoms (locations, confidences, priors) and two tops")
    if p.code_type not in (1, 2):
        raise net.fail(layer, f"code_type {p.code_type} is not translated (1 CORNER, 2 CENTER_SIZE)")
    keep = int(p.keep_top_k)
    if keep <= 0 or net.shape(layer, x[0])[0] != 1:
        raise net.fail(layer, "needs keep_top_k > 0 and batch 1")
    attrs = {
        "keep_top_k": [keep],
        "nms_threshold": float(p.iou_threshold),
        "background_label_id": int(p.background_label_id),
        "top_k": int(p.top_k),
        "variance_encoded_in_target": bool(p.variance_encoded_in_target),
        "code_type": "caffe.PriorBoxParameter." + ("CORNER" if p.code_type == 1 else "CENTER_SIZE"),
        "share_location": bool(p.share_location),
        "confidence_threshold": float(p.confidence_threshold),
        "normalized": True,
        "num_classes": int(p.num_classes),
    }
    det = ops1.detection_output(x[0], x[1], x[2], attrs)
    rows = ops.reshape(det, _const([keep, 7], np.int64), False)
    first = ops.gather(rows, _const([0], np.int64), _const(1, np.int64))  # image id; -1 ends the list
    running = ops.cumsum(ops.convert(ops.less(first, _const(0.0)), "f32"), _const(0, np.int64))
    mask = ops.convert(
        ops.equal(running, _const(0.0)), "f32"
    )  # [keep, 1]: 1 before the first -1 (valid rows)
    y = ops.concat([ops.multiply(rows, mask), _const(np.zeros((keep, 1)))], 1)
    y = ops.reshape(y, _const([1, keep, 8], np.int64), False)
    count = ops.convert(ops.reduce_sum(mask, _const([0, 1], np.int64), False), "i32")
    num = ops.pad(
        ops.reshape(count, _const([1, 1], np.int64), False),
        _const([0, 0], np.int64),
        _const([0, 7], np.int64),
        "constant",
        _const(0, np.int32),
    )
    return [num.output(0), y.output(0)]


def _yolo(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    """Huawei's Yolo layer only regroups a head for YoloV3DetectionOutput (three tops: coordinates,
    objectness, classes); here its three tops carry the head itself and the decoding happens there."""
    p = layer.yolo_param
    shape = net.shape(layer, x[0])
    if p.yolo_version.upper() != "V3":
        raise net.fail(layer, f"yolo_version {p.yolo_version} is not translated (V3 is)")
    if len(shape) != 4 or shape[1] != p.boxes * (p.coords + 1 + p.classes):
        raise net.fail(layer, f"input {shape} is not [N, boxes*(coords+1+classes), H, W]")
    if len(layer.top) != 3:
        raise net.fail(layer, "needs three tops (coords, obj, classes)")
    net.yolo_heads[layer.top[0]] = (x[0], p)
    return [x[0]] * 3


def _yolov3_detection_output(net: _Net, layer: Any, x: list[_Out]) -> list[_Out]:
    """Huawei's YoloV3DetectionOutput: the three heads (low, mid, high resolution order of the bottoms)
    decoded with their anchors (biases_low/mid/high, in network-input pixels), score = objectness x class
    probability (objectness above obj_threshold, score above score_threshold), per-class NMS (iou_threshold,
    pre_nms_topn per class, post_nms_topn in all), boxes in pixels of img_info's image size
    ([netH, netW, imgH, imgW]). box_out [1, 6 * post_nms_topn]: x1, y1, x2, y2, score, class as six rows of
    `count` values each; box_out_num [1, 8] int32, count first."""
    import openvino.opset9 as ops9

    ops = _ops()
    p = layer.yolov3_detection_output_param
    if len(x) != 10 or len(layer.top) != 2:
        raise net.fail(layer, "needs 10 bottoms (3 coords, 3 obj, 3 classes, img_info) and 2 tops")
    heads = []
    for b in list(layer.bottom)[:3]:
        if b not in net.yolo_heads:
            raise net.fail(layer, f"bottom '{b}' is not the coords top of a Yolo layer")
        heads.append(net.yolo_heads[b])
    biases = [list(p.biases_low), list(p.biases_mid), list(p.biases_high)]
    nb, nc = int(p.boxes), int(p.classes)
    if any(len(bi) != 2 * nb for bi in biases):
        raise net.fail(layer, f"biases_low/mid/high need {2 * nb} values each")
    img = x[9]
    info = net.shape(layer, img)
    if info[0] != 1 or info[-1] != 4:
        raise net.fail(layer, f"img_info {info}: batch 1 with [netH, netW, imgH, imgW] is translated")
    info_f = ops.reshape(img, _const([4], np.int64), False)

    def pick(i: int) -> Any:
        return ops.gather(info_f, _const([i], np.int64), _const(0, np.int64))

    net_h, net_w, img_h, img_w = (pick(i) for i in range(4))
    all_boxes, all_scores = [], []
    for (head, _), anchors in zip(heads, biases, strict=True):
        n, _, h, w = net.shape(layer, head)
        if n != 1 or h == -1 or w == -1:
            raise net.fail(layer, "heads need batch 1 and static sizes")
        t = ops.reshape(head, _const([nb, 5 + nc, h * w], np.int64), False)
        t = ops.transpose(t, _const([0, 2, 1], np.int64))  # [boxes, cells, 5 + classes]
        t = ops.reshape(t, _const([nb * h * w, 5 + nc], np.int64), False)
        cols = ops.split(
            ops.slice(
                t, _const([0], np.int64), _const([5], np.int64), _const([1], np.int64), _const([1], np.int64)
            ),
            _const(1, np.int64),
            5,
        ).outputs()
        cls = ops.sigmoid(
            ops.slice(
                t,
                _const([5], np.int64),
                _const([5 + nc], np.int64),
                _const([1], np.int64),
                _const([1], np.int64),
            )
        )
        grid_x = np.tile(np.arange(w), nb * h).astype(np.float32)[:, None]
        grid_y = np.tile(np.repeat(np.arange(h), w), nb).astype(np.float32)[:, None]
        aw = np.repeat(np.asarray(anchors[0::2], np.float32), h * w)[:, None]
        ah = np.repeat(np.asarray(anchors[1::2], np.float32), h * w)[:, None]
        bx = ops.divide(ops.add(ops.sigmoid(cols[0]), _const(grid_x)), _const(float(w)))
        by = ops.divide(ops.add(ops.sigmoid(cols[1]), _const(grid_y)), _const(float(h)))
        bw = ops.divide(ops.multiply(ops.exp(cols[2]), _const(aw)), net_w)
        bh = ops.divide(ops.multiply(ops.exp(cols[3]), _const(ah)), net_h)
        half_w, half_h = ops.multiply(bw, _const(0.5)), ops.multiply(bh, _const(0.5))
        box = ops.concat(
            [
                ops.multiply(ops.subtract(bx, half_w), img_w),
                ops.multiply(ops.subtract(by, half_h), img_h),
                ops.multiply(ops.add(bx, half_w), img_w),
                ops.multiply(ops.add(by, half_h), img_h),
            ],
            1,
        )
        obj = ops.sigmoid(cols[4])
        keep = ops.convert(ops.greater(obj, _const(p.obj_threshold)), "f32")
        all_boxes.append(box)
        all_scores.append(ops.multiply(ops.multiply(cls, obj), keep))
    boxes = ops.unsqueeze(ops.concat(all_boxes, 0), _const(0, np.int64))  # [1, M, 4]
    scores = ops.unsqueeze(
        ops.transpose(ops.concat(all_scores, 0), _const([1, 0], np.int64)), _const(0, np.int64)
    )
    nms = ops9.multiclass_nms(
        boxes,
        scores,
        sort_result_type="score",
        output_type="i32",
        iou_threshold=p.iou_threshold,
        score_threshold=p.score_threshold,
        nms_top_k=int(p.pre_nms_topn),
        keep_top_k=int(p.post_nms_topn),
        normalized=True,
    )
    sel = nms.output(0)  # [K, 6]: class, score, x1, y1, x2, y2
    rows = ops.gather(sel, _const([2, 3, 4, 5, 1, 0], np.int64), _const(1, np.int64))
    flat = ops.reshape(ops.transpose(rows, _const([1, 0], np.int64)), _const([1, -1], np.int64), False)
    count = ops.reshape(nms.output(2), _const([1], np.int64), False)  # i32 [1]
    pad_end = ops.concat(
        [
            _const([0], np.int64),
            ops.subtract(
                _const([6 * int(p.post_nms_topn)], np.int64),
                ops.multiply(ops.convert(count, "i64"), _const([6], np.int64)),
            ),
        ],
        0,
    )
    box_out = ops.pad(flat, _const([0, 0], np.int64), pad_end, "constant", _const(0.0))
    # a static [1, 6 * post_nms_topn], so the runtime can size the output buffer
    box_out = ops.reshape(box_out, _const([1, 6 * int(p.post_nms_topn)], np.int64), False)
    num = ops.pad(
        ops.reshape(count, _const([1, 1], np.int64), False),
        _const([0, 0], np.int64),
        _const([0, 7], np.int64),
        "constant",
        _const(0, np.int32),
    )
    return [box_out.output(0), num.output(0)]


_LAYERS: dict[str, Callable[[_Net, Any, list[_Out]], list[_Out]]] = {
    "Convolution": _conv,
    "Deconvolution": _conv,
    "Pooling": _pool,
    "InnerProduct": _inner_product,
    "ReLU": _relu,
    "PReLU": _prelu,
    "Sigmoid": _unary("sigmoid"),
    "TanH": _unary("tanh"),
    "ELU": _unary("elu"),
    "AbsVal": _unary("absolute"),
    "BNLL": _unary("bnll"),
    "Exp": _exp_log,
    "Log": _exp_log,
    "Power": _power,
    "Threshold": _threshold,
    "ReLU6": _clip,
    "Clip": _clip,
    "Swish": _swish,
    "ShuffleChannel": _shuffle_channel,
    "BatchNorm": _batch_norm,
    "Scale": _scale,
    "Bias": _scale,
    "Eltwise": _eltwise,
    "Concat": _concat,
    "Slice": _slice,
    "Split": _identity,
    "Softmax": _softmax,
    "LRN": _lrn,
    "Dropout": _identity,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Permute": _permute,
    "Normalize": _normalize,
    "Upsample": _upsample,
    "ArgMax": _argmax,
    "Crop": _crop,
    "PriorBox": _prior_box,
    "DetectionOutput": _detection_output,
    "SSDDetectionOutput": _ssd_detection_output,
    "Yolo": _yolo,
    "YoloV3DetectionOutput": _yolov3_detection_output,
}
SUPPORTED_LAYERS = tuple(sorted(_LAYERS))
_TEST = 1


def _outputs(net: _Net, out_nodes: list[tuple[str, int | None]]) -> list[tuple[str, int, str, _Out]]:
    """``--out_nodes`` for Caffe: ``layer:port`` (a layer's top by index) or a top name (its last writer)."""
    tops = {(layer, port): top for layer, port, top in net.order}
    chosen = []
    for node, port in out_nodes:
        if port is not None and (node, port) in net.made:
            chosen.append((node, port, tops[(node, port)], net.made[(node, port)]))
        elif port is None and node in net.producer:
            layer, p = net.producer[node]
            chosen.append((layer, p, node, net.made[(layer, p)]))
        else:
            label = f"{node}:{port}" if port is not None else node
            raise ValueError(
                f"--out_nodes: {net.prototxt} has no layer output '{label}' (give LAYER:PORT or a top)"
            )
    return chosen


def _active(layer: Any) -> bool:
    """Whether the layer is part of the TEST-phase network (Caffe's NetStateRule, phase only)."""
    if layer.include:
        return any(not r.HasField("phase") or r.phase == _TEST for r in layer.include)
    return not any(r.HasField("phase") and r.phase == _TEST for r in layer.exclude)


def _inputs(net: _Net) -> list[tuple[str, list[int]]]:
    n = net.net
    found: list[tuple[str, list[int]]] = []
    legacy = list(n.input_dim)
    for i, name in enumerate(n.input):
        if i < len(n.input_shape):
            dims = [int(d) for d in n.input_shape[i].dim]
        elif legacy:
            dims = legacy[4 * i : 4 * i + 4]
        else:
            dims = []
        found.append((name, dims))
    for layer in n.layer:
        if layer.type == "Input" and _active(layer):
            shapes = layer.input_param.shape
            for i, top in enumerate(layer.top):
                s = shapes[i] if i < len(shapes) else shapes[-1] if shapes else None
                found.append((top, [int(d) for d in s.dim] if s is not None else []))
    return found


def read_caffe(
    prototxt: str,
    caffemodel: str,
    shapes: dict[str, list[int]],
    out_nodes: list[tuple[str, int | None]] | None = None,
) -> Any:
    """Translates the network; ``shapes`` (from ``--input_shape``) override the prototxt's input shapes;
    ``out_nodes`` (``layer:port`` or a top name) choose and order the outputs."""
    import openvino as ov

    ops = _ops()
    net = _Net(prototxt, caffemodel, shapes)
    inputs = _inputs(net)
    if not inputs:
        raise ValueError(f"{prototxt}: no input (give 'input:' with 'input_shape' or an Input layer)")
    for name, dims in inputs:
        if name in shapes:
            if dims and len(dims) != len(shapes[name]):
                raise ValueError(f"--input_shape: '{name}' has rank {len(dims)}, not {len(shapes[name])}")
            dims = shapes[name]
        if not dims:
            raise ValueError(
                f"{prototxt}: input '{name}' has no shape; give it with --input_shape={name}:N,C,H,W"
            )
        param = ops.parameter(
            ov.PartialShape([ov.Dimension(-1) if d == -1 else ov.Dimension(d) for d in dims]),
            ov.Type.f32,
            name,
        )
        param.output(0).set_names({name})
        net.params.append(param)
        net.tensors[name] = param.output(0)
    for name in shapes:
        if name not in net.tensors:
            known = ", ".join(n for n, _ in inputs)
            raise ValueError(f"--input_shape: the model has no input '{name}' (inputs: {known})")
    for layer in net.net.layer:
        if layer.type == "Input" or not _active(layer):
            continue
        fn = _LAYERS.get(layer.type)
        if fn is None:
            raise ValueError(
                f"{prototxt}: layer '{layer.name}' of type '{layer.type}' is not translated by acl-async atc "
                f"(supported: {', '.join(SUPPORTED_LAYERS)})"
            )
        bottoms = []
        for b in layer.bottom:
            if b not in net.tensors:
                raise ValueError(
                    f"{prototxt}: layer '{layer.name}' reads blob '{b}', which no earlier layer makes"
                )
            bottoms.append(net.tensors[b])
            if b in net.producer:
                net.consumed.add(net.producer[b])
        if not bottoms:
            raise net.fail(layer, "has no bottom")
        try:
            outs = fn(net, layer, bottoms)
        except ValueError:
            raise
        except Exception as exc:  # OpenVINO's shape inference rejects the layer's parameters
            from ..reason import ov_reason

            raise net.fail(layer, ov_reason(exc)) from None
        if len(outs) < len(layer.top):
            raise net.fail(layer, f"makes {len(outs)} output(s), the prototxt names {len(layer.top)} tops")
        for port, (top, out) in enumerate(zip(layer.top, outs, strict=False)):
            net.tensors[top] = out
            net.producer[top] = (layer.name, port)
            net.made[(layer.name, port)] = out
            net.order.append((layer.name, port, top))
    chosen = (
        _outputs(net, out_nodes)
        if out_nodes
        else [
            (layer_name, port, top, net.made[(layer_name, port)])
            for layer_name, port, top in net.order
            if (layer_name, port) not in net.consumed and net.producer.get(top) == (layer_name, port)
        ]
    )
    results = []
    for layer_name, port, top, out in chosen:
        name = f"{layer_name}:{port}:{top}"
        out.get_tensor().set_names({name})
        res = ops.result(out)
        res.set_friendly_name(name)
        results.append(res)
    if not results:
        raise ValueError(f"{prototxt}: the network has no output")
    model = ov.Model(results, net.params, net.net.name or Path(prototxt).stem)
    return model
