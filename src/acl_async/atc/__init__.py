"""``acl-async atc``: CANN's model converter, the acl-async way.

Reads an ONNX model (``--framework=5``) or a TensorFlow frozen graph (``--framework=3``) with
OpenVINO, applies ``--input_shape``, the fp16 input nodes, the output type and static AIPP
(``--insert_op_conf``) as graph operations, and writes ``<output>.om`` in acl-async's own
container (:mod:`acl_async.atc.container`), which the host runtime loads with its dynamic batch /
dynamic image size gears. Library code: errors are ``ValueError`` / ``OSError``; the command
(:mod:`acl_async.atc.command`) turns them into one-line messages.
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
