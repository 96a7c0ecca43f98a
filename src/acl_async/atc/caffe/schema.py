"""Caffe's message format, the part acl-async reads, as a protobuf schema built at run time.

Field names, numbers and defaults follow Caffe's ``caffe.proto`` (BVLC, plus the SSD fork's
Permute/PriorBox/DetectionOutput/Normalize and the common ``Upsample``), declared here as data and
turned into message classes with ``descriptor_pb2`` + ``message_factory``: no ``protoc``, no Caffe.
Fields we do not declare are skipped when a ``.prototxt`` is parsed (``allow_unknown_field``) and
kept as unknown fields in a binary ``.caffemodel``; the translator only reads declared ones.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..protoschema import Field, build

__all__ = ["message_class", "NetParameter"]

_PACKAGE = "acl_async_caffe"

# message -> [(label, type, name, number, default)]; enums as "Message.Enum" names.
_ENUMS: dict[str, dict[str, int]] = {
    "PoolingParameter.PoolMethod": {"MAX": 0, "AVE": 1, "STOCHASTIC": 2},
    "EltwiseParameter.EltwiseOp": {"PROD": 0, "SUM": 1, "MAX": 2},
    "LRNParameter.NormRegion": {"ACROSS_CHANNELS": 0, "WITHIN_CHANNEL": 1},
    "ReductionParameter.ReductionOp": {"SUM": 1, "ASUM": 2, "SUMSQ": 3, "MEAN": 4},
    "PoolingParameter.RoundMode": {"CEIL": 0, "FLOOR": 1},  # a common fork's field
    "NetStateRule.Phase": {"TRAIN": 0, "TEST": 1},
    "PriorBoxParameter.CodeType": {"CORNER": 1, "CENTER_SIZE": 2, "CORNER_SIZE": 3},
}
_ENGINE = ("opt", "int32", "engine", 0, None)  # an enum in Caffe; never used on the host
_MESSAGES: dict[str, list[Field]] = {
    "BlobShape": [("rep", "int64", "dim", 1, None)],
    "BlobProto": [
        ("opt", "BlobShape", "shape", 7, None),
        ("rep", "float", "data", 5, None),
        ("rep", "double", "double_data", 8, None),
        ("opt", "int32", "num", 1, 0),
        ("opt", "int32", "channels", 2, 0),
        ("opt", "int32", "height", 3, 0),
        ("opt", "int32", "width", 4, 0),
    ],
    "NetParameter": [
        ("opt", "string", "name", 1, None),
        ("rep", "string", "input", 3, None),
        ("rep", "BlobShape", "input_shape", 8, None),
        ("rep", "int32", "input_dim", 4, None),
        ("rep", "LayerParameter", "layer", 100, None),
        ("rep", "V1LayerParameter", "layers", 2, None),
    ],
    "V1LayerParameter": [
        ("rep", "string", "bottom", 2, None),
        ("rep", "string", "top", 3, None),
        ("opt", "string", "name", 4, None),
        ("opt", "int32", "type", 5, None),
        ("rep", "BlobProto", "blobs", 6, None),
    ],
    "NetStateRule": [("opt", "NetStateRule.Phase", "phase", 1, None)],
    "LayerParameter": [
        ("opt", "string", "name", 1, None),
        ("opt", "string", "type", 2, None),
        ("rep", "string", "bottom", 3, None),
        ("rep", "string", "top", 4, None),
        ("rep", "BlobProto", "blobs", 7, None),
        ("rep", "NetStateRule", "include", 8, None),
        ("rep", "NetStateRule", "exclude", 9, None),
        ("opt", "ArgMaxParameter", "argmax_param", 103, None),
        ("opt", "BatchNormParameter", "batch_norm_param", 139, None),
        ("opt", "BiasParameter", "bias_param", 141, None),
        ("opt", "ConcatParameter", "concat_param", 104, None),
        ("opt", "ConvolutionParameter", "convolution_param", 106, None),
        ("opt", "CropParameter", "crop_param", 144, None),
        ("opt", "DropoutParameter", "dropout_param", 108, None),
        ("opt", "EltwiseParameter", "eltwise_param", 110, None),
        ("opt", "ELUParameter", "elu_param", 140, None),
        ("opt", "ExpParameter", "exp_param", 111, None),
        ("opt", "FlattenParameter", "flatten_param", 135, None),
        ("opt", "InnerProductParameter", "inner_product_param", 117, None),
        ("opt", "InputParameter", "input_param", 143, None),
        ("opt", "LogParameter", "log_param", 134, None),
        ("opt", "LRNParameter", "lrn_param", 118, None),
        ("opt", "PoolingParameter", "pooling_param", 121, None),
        ("opt", "PowerParameter", "power_param", 122, None),
        ("opt", "PReLUParameter", "prelu_param", 131, None),
        ("opt", "ReductionParameter", "reduction_param", 136, None),
        ("opt", "ReLUParameter", "relu_param", 123, None),
        ("opt", "ReshapeParameter", "reshape_param", 133, None),
        ("opt", "ScaleParameter", "scale_param", 142, None),
        ("opt", "SoftmaxParameter", "softmax_param", 125, None),
        ("opt", "SliceParameter", "slice_param", 126, None),
        ("opt", "ThresholdParameter", "threshold_param", 128, None),
        ("opt", "TileParameter", "tile_param", 138, None),
        ("opt", "PermuteParameter", "permute_param", 202, None),
        ("opt", "NormalizeParameter", "norm_param", 206, None),
        ("opt", "UpsampleParameter", "upsample_param", 149, None),
        ("opt", "ClipParameter", "clip_param", 148, None),
        ("opt", "SwishParameter", "swish_param", 147, None),
        ("opt", "ShuffleChannelParameter", "shuffle_channel_param", 164, None),
        ("opt", "SSDDetectionOutputParameter", "ssddetectionoutput_param", 232, None),
        ("opt", "YoloParameter", "yolo_param", 500, None),
        ("opt", "YoloV3DetectionOutputParameter", "yolov3_detection_output_param", 501, None),
        ("opt", "PriorBoxParameter", "prior_box_param", 203, None),
        ("opt", "DetectionOutputParameter", "detection_output_param", 204, None),
    ],
    "ClipParameter": [("opt", "float", "min", 1, None), ("opt", "float", "max", 2, None)],
    "SwishParameter": [("opt", "float", "beta", 1, 1.0)],
    "ShuffleChannelParameter": [("opt", "uint32", "group", 1, 1)],
    # Huawei's YOLOv3 post-processing layers (atc's "Modifying YOLOv3 Prototxt"); numbers our own
    "YoloParameter": [
        ("opt", "int32", "boxes", 1, 3),
        ("opt", "int32", "coords", 2, 4),
        ("opt", "int32", "classes", 3, 80),
        ("opt", "string", "yolo_version", 4, "V3"),
        ("opt", "bool", "softmax", 5, False),
        ("opt", "bool", "background", 6, False),
        ("opt", "bool", "softmaxtree", 7, False),
    ],
    "YoloV3DetectionOutputParameter": [
        ("opt", "int32", "boxes", 1, 3),
        ("opt", "int32", "classes", 2, 80),
        ("opt", "bool", "relative", 3, True),
        ("opt", "float", "obj_threshold", 4, 0.5),
        ("opt", "float", "score_threshold", 5, 0.5),
        ("opt", "float", "iou_threshold", 6, 0.45),
        ("opt", "int32", "pre_nms_topn", 7, 512),
        ("opt", "int32", "post_nms_topn", 8, 512),
        ("rep", "float", "biases_high", 9, None),
        ("rep", "float", "biases_mid", 10, None),
        ("rep", "float", "biases_low", 11, None),
        ("opt", "int32", "coords", 12, 4),
    ],
    "SSDDetectionOutputParameter": [  # atc's "Modifying SSD Prototxt"
        ("opt", "int32", "num_classes", 1, 2),
        ("opt", "bool", "share_location", 2, True),
        ("opt", "int32", "background_label_id", 3, 0),
        ("opt", "float", "iou_threshold", 4, 0.45),
        ("opt", "int32", "top_k", 5, 400),
        ("opt", "float", "eta", 6, 1.0),
        ("opt", "bool", "variance_encoded_in_target", 7, False),
        ("opt", "int32", "code_type", 8, 2),
        ("opt", "int32", "keep_top_k", 9, 200),
        ("opt", "float", "confidence_threshold", 10, 0.01),
    ],
    "PriorBoxParameter": [
        ("rep", "float", "min_size", 1, None),
        ("rep", "float", "max_size", 2, None),
        ("rep", "float", "aspect_ratio", 3, None),
        ("opt", "bool", "flip", 4, True),
        ("opt", "bool", "clip", 5, False),
        ("rep", "float", "variance", 6, None),
        ("opt", "uint32", "img_size", 7, None),
        ("opt", "uint32", "img_h", 8, None),
        ("opt", "uint32", "img_w", 9, None),
        ("opt", "float", "step", 10, None),
        ("opt", "float", "step_h", 11, None),
        ("opt", "float", "step_w", 12, None),
        ("opt", "float", "offset", 13, 0.5),
    ],
    "NonMaximumSuppressionParameter": [
        ("opt", "float", "nms_threshold", 1, 0.3),
        ("opt", "int32", "top_k", 2, None),
        ("opt", "float", "eta", 3, 1.0),
    ],
    "DetectionOutputParameter": [
        ("opt", "uint32", "num_classes", 1, None),
        ("opt", "bool", "share_location", 2, True),
        ("opt", "int32", "background_label_id", 3, 0),
        ("opt", "NonMaximumSuppressionParameter", "nms_param", 4, None),
        ("opt", "PriorBoxParameter.CodeType", "code_type", 6, "CORNER"),
        ("opt", "int32", "keep_top_k", 7, -1),
        ("opt", "bool", "variance_encoded_in_target", 8, False),
        ("opt", "float", "confidence_threshold", 9, None),
    ],
    "FillerParameter": [("opt", "string", "type", 1, "constant"), ("opt", "float", "value", 2, 0.0)],
    "ArgMaxParameter": [
        ("opt", "bool", "out_max_val", 1, False),
        ("opt", "uint32", "top_k", 2, 1),
        ("opt", "int32", "axis", 3, None),
    ],
    "BatchNormParameter": [
        ("opt", "bool", "use_global_stats", 1, None),
        ("opt", "float", "moving_average_fraction", 2, 0.999),
        ("opt", "float", "eps", 3, 1e-5),
    ],
    "BiasParameter": [
        ("opt", "int32", "axis", 1, 1),
        ("opt", "int32", "num_axes", 2, 1),
        ("opt", "FillerParameter", "filler", 3, None),
    ],
    "ConcatParameter": [("opt", "int32", "axis", 2, 1), ("opt", "uint32", "concat_dim", 1, 1)],
    "ConvolutionParameter": [
        ("opt", "uint32", "num_output", 1, None),
        ("opt", "bool", "bias_term", 2, True),
        ("rep", "uint32", "pad", 3, None),
        ("rep", "uint32", "kernel_size", 4, None),
        ("rep", "uint32", "stride", 6, None),
        ("rep", "uint32", "dilation", 18, None),
        ("opt", "uint32", "pad_h", 9, 0),
        ("opt", "uint32", "pad_w", 10, 0),
        ("opt", "uint32", "kernel_h", 11, None),
        ("opt", "uint32", "kernel_w", 12, None),
        ("opt", "uint32", "stride_h", 13, None),
        ("opt", "uint32", "stride_w", 14, None),
        ("opt", "uint32", "group", 5, 1),
        _ENGINE[:3] + (15, None),
        ("opt", "int32", "axis", 16, 1),
        ("opt", "bool", "force_nd_im2col", 17, False),
    ],
    "CropParameter": [("opt", "int32", "axis", 1, 2), ("rep", "uint32", "offset", 2, None)],
    "DropoutParameter": [("opt", "float", "dropout_ratio", 1, 0.5), ("opt", "bool", "scale_train", 2, True)],
    "EltwiseParameter": [
        ("opt", "EltwiseParameter.EltwiseOp", "operation", 1, "SUM"),
        ("rep", "float", "coeff", 2, None),
        ("opt", "bool", "stable_prod_grad", 3, True),
    ],
    "ELUParameter": [("opt", "float", "alpha", 1, 1.0)],
    "ExpParameter": [
        ("opt", "float", "base", 1, -1.0),
        ("opt", "float", "scale", 2, 1.0),
        ("opt", "float", "shift", 3, 0.0),
    ],
    "FlattenParameter": [("opt", "int32", "axis", 1, 1), ("opt", "int32", "end_axis", 2, -1)],
    "InnerProductParameter": [
        ("opt", "uint32", "num_output", 1, None),
        ("opt", "bool", "bias_term", 2, True),
        ("opt", "int32", "axis", 5, 1),
        ("opt", "bool", "transpose", 6, False),
    ],
    "InputParameter": [("rep", "BlobShape", "shape", 1, None)],
    "LogParameter": [
        ("opt", "float", "base", 1, -1.0),
        ("opt", "float", "scale", 2, 1.0),
        ("opt", "float", "shift", 3, 0.0),
    ],
    "LRNParameter": [
        ("opt", "uint32", "local_size", 1, 5),
        ("opt", "float", "alpha", 2, 1.0),
        ("opt", "float", "beta", 3, 0.75),
        ("opt", "LRNParameter.NormRegion", "norm_region", 4, "ACROSS_CHANNELS"),
        ("opt", "float", "k", 5, 1.0),
    ],
    "PoolingParameter": [
        ("opt", "PoolingParameter.PoolMethod", "pool", 1, "MAX"),
        ("opt", "uint32", "pad", 4, 0),
        ("opt", "uint32", "pad_h", 9, 0),
        ("opt", "uint32", "pad_w", 10, 0),
        ("opt", "uint32", "kernel_size", 2, None),
        ("opt", "uint32", "kernel_h", 5, None),
        ("opt", "uint32", "kernel_w", 6, None),
        ("opt", "uint32", "stride", 3, 1),
        ("opt", "uint32", "stride_h", 7, None),
        ("opt", "uint32", "stride_w", 8, None),
        _ENGINE[:3] + (11, None),
        ("opt", "bool", "global_pooling", 12, False),
        ("opt", "PoolingParameter.RoundMode", "round_mode", 13, "CEIL"),
        ("opt", "bool", "ceil_mode", 14, True),  # another fork's spelling of the same switch
    ],
    "PowerParameter": [
        ("opt", "float", "power", 1, 1.0),
        ("opt", "float", "scale", 2, 1.0),
        ("opt", "float", "shift", 3, 0.0),
    ],
    "PReLUParameter": [
        ("opt", "FillerParameter", "filler", 1, None),
        ("opt", "bool", "channel_shared", 2, False),
    ],
    "ReductionParameter": [
        ("opt", "ReductionParameter.ReductionOp", "operation", 1, "SUM"),
        ("opt", "int32", "axis", 2, 0),
        ("opt", "float", "coeff", 3, 1.0),
    ],
    "ReLUParameter": [("opt", "float", "negative_slope", 1, 0.0), _ENGINE[:3] + (2, None)],
    "ReshapeParameter": [
        ("opt", "BlobShape", "shape", 1, None),
        ("opt", "int32", "axis", 2, 0),
        ("opt", "int32", "num_axes", 3, -1),
    ],
    "ScaleParameter": [
        ("opt", "int32", "axis", 1, 1),
        ("opt", "int32", "num_axes", 2, 1),
        ("opt", "FillerParameter", "filler", 3, None),
        ("opt", "bool", "bias_term", 4, False),
        ("opt", "FillerParameter", "bias_filler", 5, None),
    ],
    "SoftmaxParameter": [_ENGINE[:3] + (1, None), ("opt", "int32", "axis", 2, 1)],
    "SliceParameter": [
        ("opt", "int32", "axis", 3, 1),
        ("rep", "uint32", "slice_point", 2, None),
        ("opt", "uint32", "slice_dim", 1, 1),
    ],
    "ThresholdParameter": [("opt", "float", "threshold", 1, 0.0)],
    "TileParameter": [("opt", "int32", "axis", 1, 1), ("opt", "int32", "tiles", 2, None)],
    "PermuteParameter": [("rep", "uint32", "order", 1, None)],
    "NormalizeParameter": [
        ("opt", "bool", "across_spatial", 1, True),
        ("opt", "FillerParameter", "scale_filler", 2, None),
        ("opt", "bool", "channel_shared", 3, True),
        ("opt", "float", "eps", 4, 1e-10),
    ],
    # YOLOv3 forks: scale is the factor; atc's own: stride is the factor and scale multiplies the values
    "UpsampleParameter": [
        ("opt", "float", "scale", 1, None),
        ("opt", "int32", "stride", 2, None),
        ("opt", "int32", "stride_h", 3, None),
        ("opt", "int32", "stride_w", 4, None),
        ("opt", "uint32", "scale_h", 5, None),
        ("opt", "uint32", "scale_w", 6, None),
    ],
}


@cache
def _classes() -> dict[str, Any]:
    return build(_PACKAGE, _MESSAGES, _ENUMS, packed=True)


def message_class(name: str) -> Any:
    """The generated message class of one of the schema's messages (``"NetParameter"``, ...)."""
    return _classes()[name]


def NetParameter() -> Any:  # noqa: N802  (reads like the message it makes)
    return message_class("NetParameter")()
