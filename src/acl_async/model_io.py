"""Model I/O: what every feature (``bench``, ``classify``, ``ray``, the CLI) needs to use a model.

Load a model in a session, describe its inputs, check the batch it can take, tell whether it takes
pictures and how to preprocess them, and open an :class:`~acl_async.InferQueue` on it.  A core module:
it imports only core modules (see ``tests/test_layers.py``), and nothing here touches the device at
import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .preprocess import PreprocessSpec, infer_layout, spec_for_model

__all__ = [
    "DYNAMIC_TENSOR_NAME",
    "MAX_REQUESTS",
    "MAX_STREAMS",
    "BatchError",
    "InputDesc",
    "check_batch",
    "check_model_io",
    "check_requests",
    "describe_inputs",
    "has_gears",
    "is_picture_input",
    "load_model",
    "model_batch",
    "open_queue",
    "picture_spec",
    "suggested_requests",
]

#: The extra input of a model converted with dynamic batch profiles (``acl-async atc``): it holds the
#: batch size of each execution.
DYNAMIC_TENSOR_NAME = "ascend_mbatch_shape_data"


#: One ACL stream per request in flight (``bench -api async``, and each InferQueue job): CANN's
#: ``aclrtCreateStream`` allows 1024 streams per device on Atlas inference products (512 on Atlas 200I/500
#: A2), the default stream and one for internal synchronisation included.
MAX_STREAMS = 1024
MAX_REQUESTS = MAX_STREAMS - 2


def check_requests(requests: int, what: str = "requests in flight") -> None:
    """LimitError (before anything is allocated) when ``requests`` streams cannot exist on a device."""
    if requests > MAX_REQUESTS:
        from .errors import LimitError

        raise LimitError(f"{requests} {what} need {requests} streams; a device has at most {MAX_STREAMS} "
                         f"(aclrtCreateStream), so at most {MAX_REQUESTS} requests")  # fmt: skip


class BatchError(ValueError):
    """The model cannot take the requested batch or inputs (a usage error)."""


@dataclass(frozen=True)
class InputDesc:
    """One model input as the ACL model description gives it (-1 for a dynamic dimension)."""

    name: str
    dims: tuple[int, ...]
    dtype: str
    #: Its static AIPP ``input_format`` and source (height, width) from the ACL API (None: no static
    #: AIPP, or not asked: then the model file is read, see :func:`is_picture_input`).
    aipp_format: str | None = None
    aipp_hw: tuple[int, int] | None = None


# -- loading --------------------------------------------------------------------------------------


def load_model(session: Any, path: str | Path) -> Any:
    """``session.load_model(path)``: an ``acl_async._acl.Model``."""
    return session.load_model(str(path))


def check_model_io(model_path: Path, model: Any) -> None:
    """The sample feeds the first input and classifies the first output: ValueError (one line) for a
    model that has none."""
    for kind in ("inputs", "outputs"):
        if not getattr(model, kind):
            need = "the sample needs an input and an output"
            raise ValueError(f"{model_path}: the model has no {kind} ({need})")


def describe_inputs(model: Any) -> list[InputDesc]:
    """The model's inputs from its ACL description, with the first input's static AIPP (the ACL API's
    AIPP info, as on an Ascend host with a CANN .om)."""
    descs = [
        InputDesc(str(desc.name), tuple(int(n) for n in desc.shape), np.dtype(desc.dtype).name)
        for desc in model.inputs
    ]
    if descs:
        from .dvpp_preprocess import model_aipp

        aipp = model_aipp(int(model.id))
        if aipp is not None:
            descs[0] = replace(descs[0], aipp_format=aipp.input_format, aipp_hw=(aipp.height, aipp.width))
    return descs


def suggested_requests(model: Any) -> int:
    """The device's suggested number of requests in flight (on the host runtime: OpenVINO's optimal
    number of infer requests for the model)."""
    from . import infer_queue

    return max(1, int(infer_queue.suggested_jobs(model)))


def open_queue(model: Any, jobs: int = 0, max_jobs: int | None = None) -> Any:
    """An :class:`acl_async.InferQueue` on ``model``: ``jobs`` (0: the device's suggested number),
    at most ``max_jobs``."""
    from .infer_queue import InferQueue

    if jobs == 0 and max_jobs is not None:
        jobs = max(1, min(max_jobs, suggested_requests(model)))
    check_requests(jobs, "InferQueue jobs")
    return InferQueue(model, jobs=jobs)


# -- batch ----------------------------------------------------------------------------------------


def model_batch(descs: Sequence[InputDesc]) -> int | None:
    """The batch the model takes: the first dimension of its first input (None when dynamic, or when the
    input has fewer than 2 dimensions: no batch dimension)."""
    if not descs or len(descs[0].dims) < 2:
        return None
    first = int(descs[0].dims[0])
    return first if first > 0 else None


def has_gears(descs: Sequence[InputDesc]) -> bool:
    """A model with dynamic batch or image size profiles (its inputs are sized for the largest one)."""
    return any(d.name == DYNAMIC_TENSOR_NAME for d in descs)


def check_batch(descs: Sequence[InputDesc], requested: int | None) -> int:
    """The batch to use; ValueError when the model cannot take ``requested``.

    ACL models have static shapes, so a batch other than the model's own is refused; a model whose
    first dimension is dynamic cannot be sized by the memory pool.
    """
    if not descs:
        raise ValueError("the model has no inputs")
    if has_gears(descs):  # buffers of the largest profile; the runtime checks that -b is a profile
        own = model_batch(descs) or 1
        if requested is not None and requested > own:
            raise ValueError(f"the model's largest batch profile is {own}, not {requested}")
        return requested or own
    for desc in descs:
        if any(int(d) <= 0 for d in desc.dims):
            raise ValueError(
                f"input {desc.name!r} has dynamic dims {list(desc.dims)}: ACL models need static shapes"
            )
    own = model_batch(descs)
    if own is None:
        if requested not in (None, 1):
            raise ValueError(f"the model has no batch dimension, so it cannot take batch {requested}")
        return 1
    if requested is not None and requested != own:
        raise ValueError(
            f"the model takes batch {own} (input {descs[0].name!r} {list(descs[0].dims)}), not {requested}: "
            "ACL models have a static batch"
        )
    return own


# -- pictures -------------------------------------------------------------------------------------


def is_picture_input(descs: Sequence[InputDesc], model: Path | None = None) -> bool:
    """One 4-D input with 3 channels (NCHW or NHWC) of a picture element type, or (``model``: its file)
    the YUV420SP input ``[N, H*3/2, W, 1]`` of a static AIPP model (the model's AIPP info says so)."""
    if len(descs) != 1 or len(descs[0].dims) != 4 or descs[0].dtype not in ("float32", "float16", "uint8"):
        return False
    try:
        infer_layout(descs[0].dims)
    except ValueError:
        return model is not None and descs[0].dtype == "uint8" and _is_nv12_input(model, descs[0])
    return True


def _aipp_format(model: Path, desc: InputDesc) -> str | None:
    """The input's static AIPP format: the ACL API's (``desc`` from :func:`describe_inputs`), else
    what the model file says (an ``acl-async atc`` .om read without loading it)."""
    from . import zoo

    if desc.aipp_format is not None:
        return desc.aipp_format
    try:
        return zoo.read_aipp_format(model)
    except (ValueError, OSError):
        return None


def _nv12_dims(desc: InputDesc) -> tuple[int, ...]:
    """``[N, H*3/2, W, 1]`` of a YUV420SP AIPP input: its AIPP source size when the ACL API gave it (a
    CANN .om may describe the input in the network's own layout), else its dims."""
    if desc.aipp_hw is None:
        return desc.dims
    h, w = desc.aipp_hw
    return (desc.dims[0] if desc.dims else 1, h * 3 // 2, w, 1)


def _is_nv12_input(model: Path, desc: InputDesc) -> bool:
    from .yuv import YUV420SP, nv12_hw

    if _aipp_format(model, desc) != YUV420SP:
        return False
    try:
        nv12_hw(_nv12_dims(desc))
    except ValueError:
        return False
    return True


def picture_spec(model: Path, descs: Sequence[InputDesc]) -> PreprocessSpec:
    """The model's own preprocessing (ONNX metadata), else one inferred from its input description."""
    from . import zoo

    try:
        return zoo.model_preprocess_spec(model)
    except (ValueError, OSError):
        if _is_nv12_input(model, descs[0]):
            from .yuv import YUV420SP

            return spec_for_model(list(_nv12_dims(descs[0])), descs[0].dtype, None, YUV420SP)
        return spec_for_model(list(descs[0].dims), descs[0].dtype, None, None)
