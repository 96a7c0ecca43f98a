"""Caffe networks (``--framework=0``): our own reader of Caffe's message format and translator to OpenVINO."""

from __future__ import annotations

from .translate import SUPPORTED_LAYERS, read_caffe

__all__ = ["SUPPORTED_LAYERS", "read_caffe"]
