"""Type stub of `acl.util`."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy.typing as npt
from typing_extensions import Buffer

def bytes_to_ptr(data: Buffer) -> int: ...
def numpy_contiguous_to_ptr(data: npt.NDArray[Any]) -> tuple[int, npt.NDArray[Any]]: ...
def numpy_to_ptr(data: npt.NDArray[Any]) -> int:
    """ptr = acl.util.numpy_to_ptr(data): the address of the array's data (keep data alive while in use)"""

def ptr_to_bytes(ptr: int, size: int) -> bytes:
    """data = acl.util.ptr_to_bytes(ptr, size): a copy of size bytes at host address ptr"""

def ptr_to_numpy(ptr: int, shape: Sequence[int], type: int) -> npt.NDArray[Any]: ...
def start_thread(thr_func: Callable[[Any], object], args_list: Any) -> tuple[int, int]: ...
def stop_thread(thread_id: int) -> int:
    """ret = acl.util.stop_thread(thread_id): waits for the thread function to return"""
