"""``acl-async atc``: CANN's model converter, the acl-async way.

Reads a Caffe network (``--framework=0``, our own translator: :mod:`acl_async.atc.caffe`), a TensorFlow
frozen graph or SavedModel (``--framework=3``) or an ONNX model (``--framework=5``) with OpenVINO, applies
``--input_shape`` / ``--input_shape_range``, ``--out_nodes`` (:mod:`.outputs`), the fp16 input nodes, the
output types and static AIPP (``--insert_op_conf``, :mod:`.aipp`) as graph operations, and writes
``<output>.om`` in acl-async's own container (:mod:`.container`), which the host runtime loads with its
dynamic batch / image size / dims profiles. ``--check_report`` is :mod:`.report`. Library code: errors
are ``ValueError`` / ``OSError`` of one line; the command (:mod:`acl_async.cli.atc`) turns them into
one-line messages and exit statuses.
"""

from __future__ import annotations

from .aipp import AippConfig, parse_aipp_config
from .container import OmContainer, read_container, write_container
from .convert import convert
from .flags import AtcOptions, parse_atc_args

__all__ = [
    "AippConfig",
    "AtcOptions",
    "OmContainer",
    "convert",
    "parse_aipp_config",
    "parse_atc_args",
    "read_container",
    "write_container",
]
