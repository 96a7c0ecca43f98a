"""``-shape`` as ``benchmark_app`` takes it, checked against an ACL model's static inputs.

``[1,3,224,224]`` gives every input's shape; ``data[1,3,224,224],mask[1,8]`` names inputs.  ACL models
have static shapes, so a shape must be the model's own; on a model with batch profiles (``acl-async atc
--dynamic_batch_size``) the first dimension picks the profile, as ``-b`` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..model_io import DYNAMIC_TENSOR_NAME, InputDesc, has_gears

__all__ = ["parse_shapes", "shape_batch"]

_ITEM = re.compile(r"\s*([^\[\],]*?)\s*\[([^\]]*)\]\s*(?:,|$)")


def parse_shapes(text: str) -> dict[str, tuple[int, ...]]:
    """``"[1,3,224,224]"`` -> ``{"": (1, 3, 224, 224)}``; ``"a[1,2],b[3]"`` -> ``{"a": (1, 2), "b": (3,)}``;
    ValueError for anything else."""
    shapes: dict[str, tuple[int, ...]] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _ITEM.match(text, pos)
        if match is None:
            raise ValueError(f"-shape {text!r}: expected [d1,d2,...] or name[d1,d2,...], comma-separated")
        name, body = match.group(1), match.group(2)
        try:
            dims = tuple(int(d) for d in body.split(","))
        except ValueError:
            raise ValueError(f"-shape {text!r}: dimensions must be integers, got [{body}]") from None
        if any(d < 1 for d in dims):
            raise ValueError(f"-shape {text!r}: dimensions must be >= 1 (ACL models have static shapes)")
        if name in shapes:
            raise ValueError(f"-shape {text!r}: {name or 'the unnamed shape'} given twice")
        shapes[name] = dims
        pos = match.end()
    if not shapes:
        raise ValueError("-shape: no shape given")
    if "" in shapes and len(shapes) > 1:
        raise ValueError(f"-shape {text!r}: either one shape for every input or named shapes, not both")
    return shapes


def shape_batch(descs: Sequence[InputDesc], shapes: Mapping[str, tuple[int, ...]]) -> int | None:
    """The batch ``shapes`` ask for (None: they name no batch); ValueError when an input does not
    exist or has another shape."""
    inputs = [d for d in descs if d.name != DYNAMIC_TENSOR_NAME]
    names = [d.name for d in inputs]
    for name in shapes:
        if name and name not in names:
            raise ValueError(f"-shape: the model has no input {name!r} (inputs: {', '.join(names)})")
    gears = has_gears(descs)
    batches = set()
    for desc in inputs:
        want = shapes.get(desc.name, shapes.get(""))
        if want is None:
            continue
        own = tuple(int(d) for d in desc.dims)
        if gears and len(want) == len(own) >= 2 and want[1:] == own[1:] and want[0] <= own[0]:
            batches.add(want[0])  # a batch profile: the runtime checks it is one of the model's
            continue
        if want != own:
            raise ValueError(f"-shape: input {desc.name!r} is {list(own)}, not {list(want)}: "
                             "ACL models have static shapes")  # fmt: skip
        if len(own) >= 2:
            batches.add(own[0])
    if len(batches) > 1:
        raise ValueError(f"-shape: the inputs ask for different batches {sorted(batches)}")
    return batches.pop() if batches else None
