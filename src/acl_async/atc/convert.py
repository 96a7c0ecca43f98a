"""The conversion itself: read the network, shape it, choose its outputs, fuse AIPP, write the container."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .aipp import AippConfig, parse_aipp_config
from .aipp_graph import insert_aipp
from .container import OmContainer, write_container
from .flags import FRAMEWORKS, AtcOptions
from .outputs import graph_def_order, select_outputs
from .reason import ov_reason

__all__ = ["convert", "ConversionResult", "read_network"]

log = logging.getLogger("acl_async.atc")

_OUTPUT_TYPES = {"FP32": "f32", "FP16": "f16", "UINT8": "u8", "INT8": "i8"}
_CANN_MAGIC = b"IMOD"


class ConversionResult:
    def __init__(self, path: Path, meta: dict[str, str], inputs: list[str], outputs: list[str]) -> None:
        self.path = path
        self.meta = meta
        self.inputs = inputs
        self.outputs = outputs


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """OpenVINO's TensorFlow frontend logs parse attempts to fd 2 (absl); the reason comes back in the
    exception, so the native log is dropped to keep errors on one line."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _check_source(opts: AtcOptions) -> Path:
    path = Path(opts.model)
    if opts.framework == 3 and path.is_dir():
        if not (path / "saved_model.pb").is_file():
            raise ValueError(
                f"--model: directory '{path}' is not a TensorFlow SavedModel (no saved_model.pb)"
            )
        return path
    if not path.is_file():
        raise ValueError(f"--model: '{path}' does not exist or is not a file")
    head = path.read_bytes()[:4]
    if head == _CANN_MAGIC:
        raise ValueError(f"--model: '{path}' is already a CANN offline model (.om)")
    suffix = path.suffix.lower()
    if opts.framework == 3 and suffix != ".pb":
        raise ValueError(
            f"--framework=3: '{path}' is not a TensorFlow frozen graph (.pb) or SavedModel directory"
        )
    if opts.framework == 5 and suffix != ".onnx":
        raise ValueError(f"--framework=5: '{path}' is not an ONNX file (.onnx)")
    if opts.framework == 0:
        if suffix != ".prototxt":
            raise ValueError(f"--framework=0: '{path}' is not a Caffe network (.prototxt)")
        if not Path(opts.weight).is_file():
            raise ValueError(f"--weight: '{opts.weight}' does not exist or is not a file")
    return path


def read_network(opts: AtcOptions) -> Any:
    """The source network as an OpenVINO model (Caffe: with ``--input_shape`` and ``--out_nodes`` applied)."""
    import openvino as ov

    path = _check_source(opts)
    if opts.framework == 0:
        from .caffe import read_caffe

        try:
            return read_caffe(str(path), opts.weight, opts.input_shape, opts.out_nodes)
        except ValueError:
            raise
        except Exception as exc:
            raise ValueError(f"--model: cannot translate '{path}': {ov_reason(exc)}") from None
    try:
        with _quiet_native_stderr():
            return ov.Core().read_model(str(path))
    except Exception as exc:  # OpenVINO raises RuntimeError subclasses with long traces
        raise ValueError(
            f"--model: cannot read '{path}' as {FRAMEWORKS[opts.framework]}: {ov_reason(exc)}"
        ) from None


def _input_names(model: Any) -> list[str]:
    return [p.get_any_name() if p.get_names() else p.get_node().get_friendly_name() for p in model.inputs]


def _find_input(
    model: Any, name: str, flag: str = "--input_shape", aliases: dict[str, str] | None = None
) -> int:
    """An input by tensor name, op name, or a TensorFlow placeholder name with or without ``:0`` (in a
    SavedModel also through its serving signature, which names OpenVINO's inputs)."""
    candidates = {name, name[:-2] if name.endswith(":0") else f"{name}:0"}
    candidates |= {aliases[c] for c in list(candidates) if aliases and c in aliases}
    for i, port in enumerate(model.inputs):
        names = set(port.get_names()) | {port.get_node().get_friendly_name()}
        if candidates & names:
            return i
    raise ValueError(f"{flag}: the model has no input '{name}' (inputs: {', '.join(_input_names(model))})")


def _aliases(opts: AtcOptions) -> dict[str, str]:
    if opts.framework != 3 or not Path(opts.model).is_dir():
        return {}
    from .tf_schema import saved_model_input_aliases

    return saved_model_input_aliases(str(Path(opts.model) / "saved_model.pb"))


def _reshape(model: Any, opts: AtcOptions) -> None:
    import openvino as ov

    shapes = {}
    aliases = _aliases(opts)
    for name, dims in opts.input_shape.items():
        i = _find_input(model, name, aliases=aliases)
        current = model.inputs[i].get_partial_shape()
        if current.rank.is_static and current.rank.get_length() != len(dims):
            raise ValueError(f"--input_shape: '{name}' has rank {current.rank.get_length()}, not {len(dims)}")
        shapes[model.inputs[i]] = ov.PartialShape([ov.Dimension(d) for d in dims])
    for name, ranges in opts.input_shape_range.items():
        i = _find_input(model, name, "--input_shape_range", aliases)
        current = model.inputs[i].get_partial_shape()
        if current.rank.is_static and current.rank.get_length() != len(ranges):
            raise ValueError(
                f"--input_shape_range: '{name}' has rank {current.rank.get_length()}, not {len(ranges)}"
            )
        shapes[model.inputs[i]] = ov.PartialShape(
            [
                ov.Dimension(lo) if lo == hi else ov.Dimension(lo, hi) if hi != -1 else ov.Dimension(-1)
                for lo, hi in ranges
            ]
        )
    if not shapes:
        return
    try:
        model.reshape(shapes)
    except Exception as exc:
        raise ValueError(f"--input_shape: the model does not take that shape: {ov_reason(exc)}") from None


def _types(model: Any, opts: AtcOptions, aipp_ranks: set[int]) -> Any:
    from openvino.preprocess import PrePostProcessor

    if not opts.input_fp16_nodes and not opts.output_type and not opts.output_types:
        return model
    wanted = dict(opts.output_types)
    ppp = PrePostProcessor(model)
    for name in opts.input_fp16_nodes:
        i = _find_input(model, name, "--input_fp16_nodes", _aliases(opts))
        if i in aipp_ranks:
            raise ValueError(f"--input_fp16_nodes: '{name}' takes AIPP pictures (uint8)")
        ppp.input(i).tensor().set_element_type(_ov_type("f16"))
    for i, port in enumerate(model.outputs):
        kind = opts.output_type
        if wanted:
            producer = port.get_node().input_value(0)
            names = {*port.get_names(), f"{producer.get_node().get_friendly_name()}:{producer.get_index()}"}
            names |= {
                n.rsplit(":", 1)[0] for n in port.get_names() if n.count(":") == 2
            }  # Caffe layer:port:top
            kind = next((wanted.pop(n) for n in list(wanted) if n in names), "")
        if kind:
            ppp.output(i).tensor().set_element_type(_ov_type(_OUTPUT_TYPES[kind]))
    if wanted:
        raise ValueError(
            f"--output_type: the model has no output {', '.join(wanted)} (outputs: "
            f"{', '.join(p.get_any_name() for p in model.outputs if p.get_names())})"
        )
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


def _gear_shapes(model: Any, gear: tuple[int, ...], mode: str) -> dict[int, list[int]]:
    """Input shapes of one profile: batch/hw repeat the profile per input, dims spread it over all -1s."""
    shapes = {}
    values = iter(gear)
    for i, p in enumerate(model.inputs):
        dims = _dims(p)
        if -1 not in dims:
            continue
        it = values if mode == "dims" else iter(gear * (dims.count(-1) // len(gear)))
        shapes[i] = [next(it) if d == -1 else d for d in dims]
    return shapes


def _dynamic_meta(model: Any, opts: AtcOptions, names: list[str]) -> dict[str, str]:
    import openvino as ov

    meta: dict[str, str] = {}
    if opts.input_shape_range:
        meta["input_shape_range"] = opts.input_shape_range_text
    if not opts.dynamic:
        return meta
    dynamic = [(names[i], _dims(p)) for i, p in enumerate(model.inputs) if -1 in _dims(p)]
    mode = "batch" if opts.dynamic_batch_size else "hw" if opts.dynamic_image_size else "dims"
    gears: list[tuple[int, ...]] = (
        [(b,) for b in opts.dynamic_batch_size]
        if mode == "batch"
        else list(opts.dynamic_image_size)
        if mode == "hw"
        else list(opts.dynamic_dims)
    )
    unknown = sum(d.count(-1) for _, d in dynamic)
    if mode == "dims":
        if unknown != len(gears[0]):
            raise ValueError(
                f"--dynamic_dims: the converted model has {unknown} unknown dimension(s), each profile gives "
                f"{len(gears[0])}"
            )
    else:
        width = 1 if mode == "batch" else 2
        for name, dims in dynamic:
            if dims.count(-1) != width:
                raise ValueError(
                    f"input '{name}' has {dims.count(-1)} unknown dimension(s) after conversion, "
                    f"the profiles give {width}"
                )
    meta["dynamic"] = mode
    meta["gears"] = ";".join(",".join(map(str, g)) for g in gears)
    meta["dynamic_inputs"] = ";".join(f"{n}:{','.join(map(str, d))}" for n, d in dynamic)
    # Every profile must give a valid network: check them all now, not at load time.
    for g in gears:
        shapes = _gear_shapes(model, g, mode)
        try:
            model.clone().reshape({i: ov.PartialShape(s) for i, s in shapes.items()})
        except Exception as exc:
            raise ValueError(
                f"profile {','.join(map(str, g))}: the model does not take it: {ov_reason(exc)}"
            ) from None
    return meta


def _original_files(opts: AtcOptions) -> list[Path]:
    if opts.framework == 0:
        return [Path(opts.model), Path(opts.weight)]
    path = Path(opts.model)
    if path.is_dir():  # a SavedModel: its graph and variables
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path]


def _pack_original(opts: AtcOptions, weights: bytes) -> tuple[bytes, str]:
    """The source files appended after the IR weights (OpenVINO reads only the ranges its constants
    name), listed as ``name:offset:size`` (offsets in the weights section) for ``model show``."""
    root = Path(opts.model) if Path(opts.model).is_dir() else None
    parts, entries, offset = [weights], [], len(weights)
    for f in _original_files(opts):
        data = f.read_bytes()
        name = str(f.relative_to(root.parent)) if root else f.name
        if any(c in name for c in ";=\n") or name.count(":"):
            raise ValueError(f"--save_original_model: cannot record the file name '{name}'")
        entries.append(f"{name}:{offset}:{len(data)}")
        parts.append(data)
        offset += len(data)
    return b"".join(parts), ";".join(entries)


def _graph_def_nodes(path: str) -> list[str]:
    """The node names of a frozen GraphDef, in the file's order (empty when it cannot be read)."""
    from google.protobuf.message import DecodeError

    from .tf_schema import GraphDef

    graph = GraphDef()
    try:
        graph.ParseFromString(Path(path).read_bytes())
    except (DecodeError, OSError):
        return []
    return [node.name for node in graph.node]


def prepare(opts: AtcOptions) -> tuple[Any, list[AippConfig]]:
    """The network read, reshaped, with its outputs chosen and AIPP and types applied."""
    aipp: list[AippConfig] = parse_aipp_config(opts.insert_op_conf) if opts.insert_op_conf else []
    model = read_network(opts)
    if opts.framework != 0:
        _reshape(model, opts)
        if opts.out_nodes:
            model = select_outputs(model, opts.out_nodes)
        elif opts.framework == 3 and Path(opts.model).is_file():
            model = graph_def_order(model, _graph_def_nodes(opts.model))
    elif opts.input_shape_range:
        _reshape(model, opts)
    layout = "NHWC" if opts.input_format == "NHWC" else "NCHW"
    for cfg in aipp:
        model = insert_aipp(model, cfg, layout)
    model = _types(model, opts, {c.related_input_rank for c in aipp})
    return model, aipp


def convert(opts: AtcOptions) -> ConversionResult:
    """Runs one conversion and writes ``opts.om_path`` atomically; ``ValueError`` on bad input."""
    import openvino as ov

    out = Path(opts.om_path)
    if not out.parent.is_dir():
        raise ValueError(f"--output: directory '{out.parent}' does not exist")
    model, aipp = prepare(opts)
    meta: dict[str, str] = {
        "format": "acl-async-om",
        "version": "1",
        "framework": f"{opts.framework} ({FRAMEWORKS[opts.framework]})",
        "source": Path(opts.model).name,
        "soc_version": opts.soc_version,
        "input_format": opts.input_format,
        "input_shape": ";".join(f"{k}:{','.join(map(str, v))}" for k, v in opts.input_shape.items()),
        "output_type": opts.output_type or ";".join(f"{k}:{v}" for k, v in opts.output_types.items()),
        "input_fp16_nodes": ";".join(opts.input_fp16_nodes),
    }
    if opts.weight:
        meta["weight"] = Path(opts.weight).name
    if opts.out_nodes:
        meta["out_nodes"] = ";".join(n if p is None else f"{n}:{p}" for n, p in opts.out_nodes)
    names = _input_names(model)
    meta.update(_dynamic_meta(model, opts, names))
    meta.update(_onnx_metadata(opts))
    for cfg in aipp:
        meta.update(
            {k.replace("aipp.", f"aipp{cfg.related_input_rank}.", 1): v for k, v in cfg.to_meta().items()}
        )
    # Static AIPP the host runs: the input callers feed is the uint8 picture (as with in-graph AIPP).
    pictures = {c.related_input_rank: c for c in aipp if c.on_host and c.mode == "static"}
    meta["inputs"] = ";".join(
        f"{n}:{','.join(map(str, pictures[i].input_shape(_dims(p)[0])))}:u8"
        if i in pictures
        else f"{n}:{','.join(map(str, _dims(p)))}:{p.get_element_type().get_type_name()}"
        for i, (n, p) in enumerate(zip(names, model.inputs, strict=True))
    )
    outputs = [p.get_any_name() if p.get_names() else "" for p in model.outputs]
    meta["outputs"] = ";".join(outputs)
    for k, v in opts.ignored.items():
        meta[f"ignored.{k}"] = v.replace("\n", " ")

    with tempfile.TemporaryDirectory(prefix="acl-async-atc-") as tmp:
        xml = Path(tmp) / "model.xml"
        try:
            ov.save_model(model, str(xml), compress_to_fp16=False)
        except Exception as exc:
            raise ValueError(f"cannot serialize the converted model: {ov_reason(exc)}") from None
        weights = xml.with_suffix(".bin").read_bytes()
        if opts.save_original_model:
            weights, meta["original_model"] = _pack_original(opts, weights)
        container = OmContainer(meta, xml.read_bytes(), weights)
    path = write_container(container, out)
    log.info("wrote %s", path)
    return ConversionResult(path, meta, names, outputs)
