"""The conversion itself: read the network, shape it, fuse AIPP, write the container."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from .aipp import AippConfig, parse_aipp_config
from .aipp_graph import insert_aipp
from .container import OmContainer, write_container
from .flags import FRAMEWORKS, AtcOptions

__all__ = ["convert", "ConversionResult"]

log = logging.getLogger("acl_async.atc")

_OUTPUT_TYPES = {"FP32": "f32", "FP16": "f16", "UINT8": "u8", "INT8": "i8"}
_CANN_MAGIC = b"IMOD"


class ConversionResult:
    def __init__(self, path: Path, meta: dict[str, str], inputs: list[str], outputs: list[str]) -> None:
        self.path = path
        self.meta = meta
        self.inputs = inputs
        self.outputs = outputs


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _read(opts: AtcOptions) -> Any:
    import openvino as ov

    path = Path(opts.model)
    if not path.is_file():
        raise ValueError(f"--model: '{path}' does not exist or is not a file")
    head = path.read_bytes()[:4]
    if head == _CANN_MAGIC:
        raise ValueError(f"--model: '{path}' is already a CANN offline model (.om)")
    if opts.framework == 3 and path.suffix.lower() != ".pb":
        raise ValueError(f"--framework=3: '{path}' is not a TensorFlow frozen graph (.pb)")
    if opts.framework == 5 and path.suffix.lower() != ".onnx":
        raise ValueError(f"--framework=5: '{path}' is not an ONNX file (.onnx)")
    try:
        return ov.Core().read_model(str(path))
    except Exception as exc:  # OpenVINO raises RuntimeError subclasses with long traces
        raise ValueError(
            f"--model: cannot read '{path}' as {FRAMEWORKS[opts.framework]}: {_first_line(exc)}"
        ) from None


def _input_names(model: Any) -> list[str]:
    return [p.get_any_name() if p.get_names() else p.get_node().get_friendly_name() for p in model.inputs]


def _find_input(model: Any, name: str) -> int:
    for i, port in enumerate(model.inputs):
        if name in port.get_names() or port.get_node().get_friendly_name() == name:
            return i
    raise ValueError(
        f"--input_shape: the model has no input '{name}' (inputs: {', '.join(_input_names(model))})"
    )


def _reshape(model: Any, opts: AtcOptions) -> None:
    import openvino as ov

    if not opts.input_shape:
        return
    shapes = {}
    for name, dims in opts.input_shape.items():
        i = _find_input(model, name)
        current = model.inputs[i].get_partial_shape()
        if current.rank.is_static and current.rank.get_length() != len(dims):
            raise ValueError(f"--input_shape: '{name}' has rank {current.rank.get_length()}, not {len(dims)}")
        shapes[model.inputs[i]] = ov.PartialShape(
            [ov.Dimension(-1) if d == -1 else ov.Dimension(d) for d in dims]
        )
    try:
        model.reshape(shapes)
    except Exception as exc:
        raise ValueError(f"--input_shape: the model does not take that shape: {_first_line(exc)}") from None


def _types(model: Any, opts: AtcOptions, aipp_ranks: set[int]) -> Any:
    from openvino.preprocess import PrePostProcessor

    if not opts.input_fp16_nodes and not opts.output_type:
        return model
    ppp = PrePostProcessor(model)
    for name in opts.input_fp16_nodes:
        i = _find_input(model, name)
        if i in aipp_ranks:
            raise ValueError(f"--input_fp16_nodes: '{name}' takes AIPP pictures (uint8)")
        ppp.input(i).tensor().set_element_type(_ov_type("f16"))
    if opts.output_type:
        for i in range(len(model.outputs)):
            ppp.output(i).tensor().set_element_type(_ov_type(_OUTPUT_TYPES[opts.output_type]))
    return ppp.build()


def _ov_type(name: str) -> Any:
    import openvino as ov

    return {"f32": ov.Type.f32, "f16": ov.Type.f16, "u8": ov.Type.u8, "i8": ov.Type.i8}[name]


def _onnx_metadata(opts: AtcOptions) -> dict[str, str]:
    """The ONNX model's ``metadata_props`` (labels, preprocessing) as ``meta.<key>`` entries."""
    if opts.framework != 5:
        return {}
    try:
        import onnx

        model = onnx.load_model(opts.model, load_external_data=False)
    except Exception:  # the model was read by OpenVINO already; metadata is a bonus
        return {}
    out = {}
    for prop in model.metadata_props:
        if "\n" not in prop.key and "=" not in prop.key and "\n" not in prop.value:
            out[f"meta.{prop.key}"] = prop.value
    return out


def _dims(port: Any) -> list[int]:
    ps = port.get_partial_shape()
    return [d.get_length() if d.is_static else -1 for d in ps]


def convert(opts: AtcOptions) -> ConversionResult:
    """Runs one conversion and writes ``opts.om_path`` atomically; ``ValueError`` on bad input."""
    import openvino as ov

    aipp: list[AippConfig] = parse_aipp_config(opts.insert_op_conf) if opts.insert_op_conf else []
    model = _read(opts)
    _reshape(model, opts)
    layout = "NHWC" if opts.input_format == "NHWC" else "NCHW"
    for cfg in aipp:
        model = insert_aipp(model, cfg, layout)
    model = _types(model, opts, {c.related_input_rank for c in aipp})

    meta: dict[str, str] = {
        "format": "acl-async-om",
        "version": "1",
        "framework": f"{opts.framework} ({FRAMEWORKS[opts.framework]})",
        "source": Path(opts.model).name,
        "soc_version": opts.soc_version,
        "input_format": opts.input_format,
        "input_shape": ";".join(f"{k}:{','.join(map(str, v))}" for k, v in opts.input_shape.items()),
        "output_type": opts.output_type,
        "input_fp16_nodes": ";".join(opts.input_fp16_nodes),
    }
    names = _input_names(model)
    if opts.dynamic_batch_size or opts.dynamic_image_size:
        dynamic = [(names[i], _dims(p)) for i, p in enumerate(model.inputs) if -1 in _dims(p)]
        width = 1 if opts.dynamic_batch_size else 2
        for name, dims in dynamic:
            if dims.count(-1) != width:
                raise ValueError(
                    f"input '{name}' has {dims.count(-1)} unknown dimension(s) after conversion, "
                    f"the profiles give {width}"
                )
        meta["dynamic"] = "batch" if opts.dynamic_batch_size else "hw"
        gears = [(b,) for b in opts.dynamic_batch_size] or list(opts.dynamic_image_size)
        meta["gears"] = ";".join(",".join(map(str, g)) for g in gears)
        meta["dynamic_inputs"] = ";".join(f"{n}:{','.join(map(str, d))}" for n, d in dynamic)
        # Every profile must give a valid network: check them all now, not at load time.
        for g in gears:
            shapes = {}
            for i, p in enumerate(model.inputs):
                dims = _dims(p)
                if -1 not in dims:
                    continue
                it = iter(g * (dims.count(-1) // len(g)))
                shapes[i] = [next(it) if d == -1 else d for d in dims]
            try:
                model.clone().reshape({i: ov.PartialShape(s) for i, s in shapes.items()})
            except Exception as exc:
                raise ValueError(
                    f"profile {','.join(map(str, g))}: the model does not take it: {_first_line(exc)}"
                ) from None
    meta.update(_onnx_metadata(opts))
    for cfg in aipp:
        meta.update(
            {k.replace("aipp.", f"aipp{cfg.related_input_rank}.", 1): v for k, v in cfg.to_meta().items()}
        )
    meta["inputs"] = ";".join(
        f"{n}:{','.join(map(str, _dims(p)))}:{p.get_element_type().get_type_name()}"
        for n, p in zip(names, model.inputs, strict=True)
    )

    with tempfile.TemporaryDirectory(prefix="acl-async-atc-") as tmp:
        xml = Path(tmp) / "model.xml"
        try:
            ov.save_model(model, str(xml), compress_to_fp16=False)
        except Exception as exc:
            raise ValueError(f"cannot serialize the converted model: {_first_line(exc)}") from None
        container = OmContainer(meta, xml.read_bytes(), xml.with_suffix(".bin").read_bytes())
    out = Path(opts.om_path)
    if not out.parent.is_dir():
        raise ValueError(f"--output: directory '{out.parent}' does not exist")
    path = write_container(container, out)
    outputs = [p.get_any_name() if p.get_names() else "" for p in model.outputs]
    log.info("wrote %s", path)
    return ConversionResult(path, meta, names, outputs)
