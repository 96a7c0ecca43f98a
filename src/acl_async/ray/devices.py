"""Which device an actor owns: what Ray assigned it, never a guess.

Ray knows Ascend NPUs as the ``NPU`` resource: a task or actor that asks for ``{"NPU": 1}`` gets one NPU
id (``ray.get_runtime_context().get_accelerator_ids()["NPU"]``) and Ray sets
``ASCEND_RT_VISIBLE_DEVICES`` to the ids it was given.  CANN then numbers the visible devices from 0, in
the order of that variable, so the device to open is the position of the assigned id in it.  Without an
``NPU`` assignment the actor runs on the host runtime's device 0.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["VISIBLE_DEVICES_ENV", "AssignedDevice", "assigned_device", "logical_device"]

VISIBLE_DEVICES_ENV = "ASCEND_RT_VISIBLE_DEVICES"


@dataclass(frozen=True)
class AssignedDevice:
    """``device_id`` to open (``aclrtSetDevice``), and the physical NPU id Ray gave (None on CPU)."""

    device_id: int
    npu: str | None

    def describe(self) -> str:
        return f"NPU {self.npu}" if self.npu is not None else "CPU (host runtime)"


def logical_device(npu_ids: list[str], visible: str | None) -> AssignedDevice:
    """The device for the first of ``npu_ids`` given ``ASCEND_RT_VISIBLE_DEVICES`` = ``visible``.

    With no ids: device 0 (host runtime).  With ids and the variable set: the id's position in it.  With
    ids and no variable (``RAY_EXPERIMENTAL_NOSET_ASCEND_RT_VISIBLE_DEVICES``): the id itself.
    """
    if not npu_ids:
        return AssignedDevice(0, None)
    npu = str(npu_ids[0])
    if visible is None or not visible.strip():
        return AssignedDevice(int(npu), npu)
    order = [v.strip() for v in visible.split(",")]
    if npu not in order:
        raise RuntimeError(f"Ray assigned NPU {npu} but {VISIBLE_DEVICES_ENV}={visible!r} does not list it")
    return AssignedDevice(order.index(npu), npu)


def assigned_device() -> AssignedDevice:
    """The device of the calling Ray task or actor."""
    import ray

    ids = ray.get_runtime_context().get_accelerator_ids().get("NPU", [])
    return logical_device(list(ids), os.environ.get(VISIBLE_DEVICES_ENV))
