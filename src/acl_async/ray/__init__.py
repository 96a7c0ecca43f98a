"""Scale-out on Ray: classify a whole dataset across many hosts and NPUs (``pip install 'acl-async[ray]'``).

    from acl_async.ray import classify_dataset
    summary = classify_dataset(["pictures/"], "model.onnx", output="results.parquet")
    print(summary.format())

One Ray Data pipeline: CPU tasks read, decode and preprocess the pictures; a pool of actors, one per
device (``{"NPU": 1}`` each when the cluster has NPUs, else on the host runtime), each owning an
acl_async Session and InferQueue on the device Ray assigned, classifies them; Ray's writers write the
results.  Ray itself is imported only when a run starts.
"""

from __future__ import annotations

from .actor import ActorInfo, ClassifyActor
from .devices import AssignedDevice, assigned_device, logical_device
from .errors import (
    ClusterError,
    ModelLoadError,
    OutputExistsError,
    RayNotInstalledError,
    RayRunError,
    ResourceError,
)
from .pipeline import DEFAULT_BATCH_SIZE, classify_dataset, list_inputs
from .summary import RunSummary

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ActorInfo",
    "AssignedDevice",
    "ClassifyActor",
    "ClusterError",
    "ModelLoadError",
    "OutputExistsError",
    "RayNotInstalledError",
    "RayRunError",
    "ResourceError",
    "RunSummary",
    "assigned_device",
    "classify_dataset",
    "list_inputs",
    "logical_device",
]
