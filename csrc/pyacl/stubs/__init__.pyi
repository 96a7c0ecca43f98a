"""Type stub of `acl` (pyACL as acl-async implements it), checked against the module by
tests/test_pyacl_stub.py and mypy.stubtest. Handles and pointers are ints; producers return (value, ret)."""

import os
from collections.abc import Sequence
from typing import TypedDict

from . import mdl as mdl
from . import media as media
from . import op as op
from . import rt as rt
from . import util as util

class _Dims(TypedDict):
    name: str
    dimCount: int
    dims: list[int]

__backend__: str
__implementation__: str

def _library_path() -> str: ...
def _strict() -> bool: ...
def _signatures() -> dict[str, tuple[list[str], int]]: ...
def app_log(log_level: int, message: str) -> None:
    """acl.app_log(log_level, message): 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR"""

def create_data_buffer(data: int, size: int) -> int:
    """data_buffer = acl.create_data_buffer(data, size): 0 on failure"""

def create_tensor_desc(data_type: int, dims: Sequence[int] | None, format: int) -> int:
    """tensor_desc = acl.create_tensor_desc(data_type, dims, format): 0 on failure"""

def data_type_size(data_type: int) -> int:
    """size = acl.data_type_size(data_type): bytes per element, 0 for types without a fixed size"""

def destroy_data_buffer(data_buffer: int) -> int:
    """ret = acl.destroy_data_buffer(data_buffer)"""

def destroy_tensor_desc(tensor_desc: int) -> None:
    """acl.destroy_tensor_desc(tensor_desc)"""

def finalize() -> int:
    """ret = acl.finalize()"""

def finalize_reference() -> tuple[int, int]:
    """ref_count, ret = acl.finalize_reference(): drops one acl.init reference; finalizes at 0"""

def float16_to_float(value: int) -> float:
    """value = acl.float16_to_float(value): the fp16 bit pattern (int) as a float"""

def float_to_float16(value: float) -> int:
    """value = acl.float_to_float16(value): the fp16 bit pattern (int) of a float"""

def get_data_buffer_addr(data_buffer: int) -> int:
    """data = acl.get_data_buffer_addr(data_buffer): 0 on failure"""

def get_data_buffer_size(data_buffer: int) -> int:
    """size = acl.get_data_buffer_size(data_buffer) (32-bit; deprecated, use get_data_buffer_size_v2)"""

def get_data_buffer_size_v2(data_buffer: int) -> int:
    """size = acl.get_data_buffer_size_v2(data_buffer)"""

def get_recent_err_msg() -> str:
    """msg = acl.get_recent_err_msg(): why the last ACL call of this thread failed"""

def get_soc_name() -> str | None:
    """name = acl.get_soc_name()"""

def get_tensor_desc_address(tensor_desc: int) -> int:
    """ptr = acl.get_tensor_desc_address(tensor_desc)"""

def get_tensor_desc_by_index(tensor_desc: int, index: int) -> int:
    """tensor_desc = acl.get_tensor_desc_by_index(tensor_desc, index)"""

def get_tensor_desc_dim(tensor_desc: int, index: int) -> int:
    """dim = acl.get_tensor_desc_dim(tensor_desc, index) (deprecated: get_tensor_desc_dim_v2)"""

def get_tensor_desc_dim_range(tensor_desc: int, index: int, dim_range_num: int) -> tuple[list[int], int]:
    """dim_range, ret = acl.get_tensor_desc_dim_range(tensor_desc, index, dim_range_num)"""

def get_tensor_desc_dim_v2(tensor_desc: int, index: int) -> tuple[int, int]:
    """dim_size, ret = acl.get_tensor_desc_dim_v2(tensor_desc, index)"""

def get_tensor_desc_element_count(tensor_desc: int) -> int:
    """count = acl.get_tensor_desc_element_count(tensor_desc)"""

def get_tensor_desc_format(tensor_desc: int) -> int:
    """format = acl.get_tensor_desc_format(tensor_desc)"""

def get_tensor_desc_name(tensor_desc: int) -> str:
    """name = acl.get_tensor_desc_name(tensor_desc)"""

def get_tensor_desc_num_dims(tensor_desc: int) -> int:
    """num = acl.get_tensor_desc_num_dims(tensor_desc)"""

def get_tensor_desc_size(tensor_desc: int) -> int:
    """size = acl.get_tensor_desc_size(tensor_desc)"""

def get_tensor_desc_type(tensor_desc: int) -> int:
    """data_type = acl.get_tensor_desc_type(tensor_desc)"""

def get_version() -> tuple[int, int, int, int]:
    """major, minor, patch, ret = acl.get_version()"""

def init(config_path: str | os.PathLike[str] | None = None) -> int:
    """ret = acl.init(config_path=None)"""

def set_tensor_const(tensor_desc: int, data_buffer: int, length: int) -> int:
    """ret = acl.set_tensor_const(tensor_desc, data_buffer, length): data_buffer is a host address"""

def set_tensor_desc_name(tensor_desc: int, name: str) -> None:
    """acl.set_tensor_desc_name(tensor_desc, name)"""

def set_tensor_dynamic_input(tensor_desc: int, dynamic_input_name: str) -> int:
    """ret = acl.set_tensor_dynamic_input(tensor_desc, dynamic_input_name)"""

def set_tensor_format(tensor_desc: int, format: int) -> int:
    """ret = acl.set_tensor_format(tensor_desc, format)"""

def set_tensor_origin_format(tensor_desc: int, format: int) -> int:
    """ret = acl.set_tensor_origin_format(tensor_desc, format)"""

def set_tensor_origin_shape(tensor_desc: int, dims: Sequence[int] | None) -> int:
    """ret = acl.set_tensor_origin_shape(tensor_desc, dims)"""

def set_tensor_place_ment(tensor_desc: int, mem_type: int) -> int:
    """ret = acl.set_tensor_place_ment(tensor_desc, mem_type): aclSetTensorPlaceMent"""

def set_tensor_shape(tensor_desc: int, dims: Sequence[int] | None) -> int:
    """ret = acl.set_tensor_shape(tensor_desc, dims)"""

def set_tensor_shape_range(tensor_desc: int, dims_range: Sequence[Sequence[int]]) -> int:
    """ret = acl.set_tensor_shape_range(tensor_desc, dims_range): [[min, max], ...] per dimension"""

def set_tensor_storage_format(tensor_desc: int, format: int) -> int:
    """ret = acl.set_tensor_storage_format(tensor_desc, format)"""

def set_tensor_storage_shape(tensor_desc: int, dims: Sequence[int] | None) -> int:
    """ret = acl.set_tensor_storage_shape(tensor_desc, dims)"""

def set_tensor_value_range(tensor_desc: int, value_range: Sequence[Sequence[int]]) -> int:
    """ret = acl.set_tensor_value_range(tensor_desc, value_range)"""

def trans_tensor_desc_format(src_desc: int, dst_format: int) -> tuple[int, int]:
    """dst_desc, ret = acl.trans_tensor_desc_format(src_desc, dst_format)"""

def update_data_buffer(data_buffer: int, data: int, size: int) -> int:
    """ret = acl.update_data_buffer(data_buffer, data, size)"""
