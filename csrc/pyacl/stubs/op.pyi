"""Type stub of `acl.op` (single operators: descriptions, buffers, attributes and handles are ints)."""

from collections.abc import Sequence

def cast(input_desc: int, input: int, output_desc: int, output: int, truncate: int, stream: int) -> int:
    """ret = acl.op.cast(input_desc, input, output_desc, output, truncate, stream)"""

def create_attr() -> int:
    """attr = acl.op.create_attr(): 0 on failure"""

def create_handle(
    op_type: str, input_desc: Sequence[int], output_desc: Sequence[int], op_attr: int
) -> tuple[int, int]:
    """handle, ret = acl.op.create_handle(op_type, input_desc, output_desc, op_attr)"""

def create_handle_for_cast(input_desc: int, output_desc: int, truncate: int) -> tuple[int, int]:
    """handle, ret = acl.op.create_handle_for_cast(input_desc, output_desc, truncate)"""

def destroy_attr(attr: int) -> None:
    """acl.op.destroy_attr(attr)"""

def destroy_handle(handle: int) -> None:
    """acl.op.destroy_handle(handle)"""

def execute(
    op_type: str,
    input_desc: Sequence[int],
    inputs: Sequence[int],
    output_desc: Sequence[int],
    outputs: Sequence[int],
    attr: int,
    stream: int,
) -> int:
    """ret = acl.op.execute(op_type, input_desc, inputs, output_desc, outputs, attr, stream)"""

def execute_v2(
    op_type: str,
    input_desc: Sequence[int],
    inputs: Sequence[int],
    output_desc: Sequence[int],
    outputs: Sequence[int],
    attr: int,
    stream: int,
) -> int:
    """ret = acl.op.execute_v2(op_type, input_desc, inputs, output_desc, outputs, attr, stream)"""

def execute_with_handle(handle: int, inputs: Sequence[int], outputs: Sequence[int], stream: int) -> int:
    """ret = acl.op.execute_with_handle(handle, inputs, outputs, stream)"""

def load(model: int, model_size: int) -> int:
    """ret = acl.op.load(model, model_size)"""

def set_attr_bool(attr: int, attr_name: str, attr_value: int) -> int:
    """ret = acl.op.set_attr_bool(attr, attr_name, attr_value)"""

def set_attr_data_type(attr: int, attr_name: str, attr_value: int) -> int:
    """ret = acl.op.set_attr_data_type(attr, attr_name, attr_value)"""

def set_attr_float(attr: int, attr_name: str, attr_value: float) -> int:
    """ret = acl.op.set_attr_float(attr, attr_name, attr_value)"""

def set_attr_int(attr: int, attr_name: str, attr_value: int) -> int:
    """ret = acl.op.set_attr_int(attr, attr_name, attr_value)"""

def set_attr_list_bool(attr: int, attr_name: str, values: Sequence[int]) -> int:
    """ret = acl.op.set_attr_list_bool(attr, attr_name, values)"""

def set_attr_list_data_type(attr: int, attr_name: str, values: Sequence[int]) -> int:
    """ret = acl.op.set_attr_list_data_type(attr, attr_name, values)"""

def set_attr_list_float(attr: int, attr_name: str, values: Sequence[float]) -> int:
    """ret = acl.op.set_attr_list_float(attr, attr_name, values)"""

def set_attr_list_int(attr: int, attr_name: str, values: Sequence[int]) -> int:
    """ret = acl.op.set_attr_list_int(attr, attr_name, values)"""

def set_attr_list_list_int(attr: int, attr_name: str, values: Sequence[Sequence[int]]) -> int:
    """ret = acl.op.set_attr_list_list_int(attr, attr_name, values)"""

def set_attr_list_string(attr: int, attr_name: str, values: Sequence[str]) -> int:
    """ret = acl.op.set_attr_list_string(attr, attr_name, values)"""

def set_attr_string(attr: int, attr_name: str, attr_value: str) -> int:
    """ret = acl.op.set_attr_string(attr, attr_name, attr_value)"""

def set_max_op_queue_num(max_op_num: int) -> int:
    """ret = acl.op.set_max_op_queue_num(max_op_num)"""

def set_model_dir(model_dir: str) -> int:
    """ret = acl.op.set_model_dir(model_dir)"""
