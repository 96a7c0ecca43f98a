"""Type stub of `acl.mdl`."""

import os
from typing import Any

from . import _Dims

def add_dataset_buffer(dataset: int, data_buffer: int) -> tuple[int, int]:
    """dataset, ret = acl.mdl.add_dataset_buffer(dataset, data_buffer)"""

def create_aipp(batch_size: int) -> int:
    """aipp_ptr = acl.mdl.create_aipp(batch_size): 0 on failure"""

def create_config_handle() -> int:
    """handle = acl.mdl.create_config_handle(): 0 on failure"""

def create_dataset() -> int:
    """dataset = acl.mdl.create_dataset(): 0 on failure"""

def create_desc() -> int:
    """model_desc = acl.mdl.create_desc(): 0 on failure"""

def create_exec_config_handle() -> int:
    """handle = acl.mdl.create_exec_config_handle(): 0 on failure"""

def destroy_aipp(aipp_parms_set: int) -> int:
    """ret = acl.mdl.destroy_aipp(aipp_parms_set)"""

def destroy_config_handle(handle: int) -> int:
    """ret = acl.mdl.destroy_config_handle(handle)"""

def destroy_dataset(dataset: int) -> int:
    """ret = acl.mdl.destroy_dataset(dataset)"""

def destroy_desc(model_desc: int) -> int:
    """ret = acl.mdl.destroy_desc(model_desc)"""

def destroy_exec_config_handle(handle: int) -> int:
    """ret = acl.mdl.destroy_exec_config_handle(handle)"""

def execute(model_id: int, input: int, output: int) -> int:
    """ret = acl.mdl.execute(model_id, input, output)"""

def execute_async(model_id: int, input: int, output: int, stream: int) -> int:
    """ret = acl.mdl.execute_async(model_id, input, output, stream)"""

def execute_async_v2(model_id: int, input: int, output: int, stream: int, handle: int) -> int:
    """ret = acl.mdl.execute_async_v2(model_id, input, output, stream, handle)"""

def execute_v2(model_id: int, input: int, output: int, stream: int, handle: int) -> int:
    """ret = acl.mdl.execute_v2(model_id, input, output, stream, handle)"""

def get_aipp_data_size(batch_size: int) -> tuple[int, int]:
    """mem_size, ret = acl.mdl.get_aipp_data_size(batch_size)"""

def get_aipp_type(model_id: int, index: int) -> tuple[int, int, int]:
    """type, dynamic_attached_data_index, ret = acl.mdl.get_aipp_type(model_id, index)"""

def get_cur_output_dims(model_desc: int, index: int) -> tuple[_Dims, int]:
    """dims, ret = acl.mdl.get_cur_output_dims(model_desc, index): the output dims of the last execution"""

def get_dataset_buffer(dataset: int, index: int) -> int:
    """data_buffer = acl.mdl.get_dataset_buffer(dataset, index): 0 on failure"""

def get_dataset_num_buffers(dataset: int) -> int:
    """num = acl.mdl.get_dataset_num_buffers(dataset)"""

def get_dataset_tensor_desc(dataset: int, index: int) -> int:
    """tensor_desc = acl.mdl.get_dataset_tensor_desc(dataset, index)"""

def get_desc(model_desc: int, model_id: int) -> int:
    """ret = acl.mdl.get_desc(model_desc, model_id)"""

def get_dynamic_batch(model_desc: int) -> tuple[dict[str, Any], int]:
    """batch, ret = acl.mdl.get_dynamic_batch(model_desc): {'batchCount', 'batch'}"""

def get_dynamic_hw(model_desc: int, index: int) -> tuple[dict[str, Any], int]:
    """hw, ret = acl.mdl.get_dynamic_hw(model_desc, index): {'hwCount', 'hw': [[h, w], ...]}"""

def get_first_aipp_info(model_id: int, index: int) -> tuple[dict[str, Any], int]:
    """aipp_info, ret = acl.mdl.get_first_aipp_info(model_id, index): the aclAippInfo fields as a dict"""

def get_input_data_type(model_desc: int, index: int) -> int:
    """data_type = acl.mdl.get_input_data_type(model_desc, index)"""

def get_input_dims(model_desc: int, index: int) -> tuple[_Dims, int]:
    """dims, ret = acl.mdl.get_input_dims(model_desc, index): dims = {'name', 'dimCount', 'dims'}"""

def get_input_dims_v2(model_desc: int, index: int) -> tuple[_Dims, int]:
    """dims, ret = acl.mdl.get_input_dims_v2(model_desc, index)"""

def get_input_dynamic_dims(model_desc: int, index: int, gear_count: int) -> tuple[list[_Dims], int]:
    """dims_list, ret = acl.mdl.get_input_dynamic_dims(model_desc, index, gear_count)"""

def get_input_dynamic_gear_count(model_desc: int, index: int) -> tuple[int, int]:
    """gear_count, ret = acl.mdl.get_input_dynamic_gear_count(model_desc, index): index -1"""

def get_input_format(model_desc: int, index: int) -> int:
    """format = acl.mdl.get_input_format(model_desc, index)"""

def get_input_index_by_name(model_desc: int, name: str) -> tuple[int, int]:
    """index, ret = acl.mdl.get_input_index_by_name(model_desc, name)"""

def get_input_name_by_index(model_desc: int, index: int) -> str:
    """name = acl.mdl.get_input_name_by_index(model_desc, index)"""

def get_input_size_by_index(model_desc: int, index: int) -> int:
    """size = acl.mdl.get_input_size_by_index(model_desc, index)"""

def get_num_inputs(model_desc: int) -> int:
    """num = acl.mdl.get_num_inputs(model_desc)"""

def get_num_outputs(model_desc: int) -> int:
    """num = acl.mdl.get_num_outputs(model_desc)"""

def get_output_data_type(model_desc: int, index: int) -> int:
    """data_type = acl.mdl.get_output_data_type(model_desc, index)"""

def get_output_dims(model_desc: int, index: int) -> tuple[_Dims, int]:
    """dims, ret = acl.mdl.get_output_dims(model_desc, index)"""

def get_output_format(model_desc: int, index: int) -> int:
    """format = acl.mdl.get_output_format(model_desc, index)"""

def get_output_index_by_name(model_desc: int, name: str) -> tuple[int, int]:
    """index, ret = acl.mdl.get_output_index_by_name(model_desc, name)"""

def get_output_name_by_index(model_desc: int, index: int) -> str:
    """name = acl.mdl.get_output_name_by_index(model_desc, index)"""

def get_output_size_by_index(model_desc: int, index: int) -> int:
    """size = acl.mdl.get_output_size_by_index(model_desc, index)"""

def load_from_file(model_path: str | os.PathLike[str]) -> tuple[int, int]:
    """model_id, ret = acl.mdl.load_from_file(model_path)"""

def load_from_file_with_mem(
    model_path: str | os.PathLike[str], work_ptr: int, work_size: int, weight_ptr: int, weight_size: int
) -> tuple[int, int]: ...
def load_from_mem(model: int, model_size: int) -> tuple[int, int]:
    """model_id, ret = acl.mdl.load_from_mem(model, model_size)"""

def load_from_mem_with_mem(
    model: int, model_size: int, work_ptr: int, work_size: int, weight_ptr: int, weight_size: int
) -> tuple[int, int]: ...
def load_with_config(handle: int) -> tuple[int, int]:
    """model_id, ret = acl.mdl.load_with_config(handle)"""

def query_size(model_path: str | os.PathLike[str]) -> tuple[int, int, int]:
    """work_size, weight_size, ret = acl.mdl.query_size(model_path)"""

def query_size_from_mem(model: int, model_size: int) -> tuple[int, int, int]:
    """work_size, weight_size, ret = acl.mdl.query_size_from_mem(model, model_size)"""

def set_aipp_ax_swap_switch(aipp_parms_set: int, ax_swap_switch: int) -> int:
    """ret = acl.mdl.set_aipp_ax_swap_switch(aipp_parms_set, ax_swap_switch)"""

def set_aipp_by_input_index(model_id: int, dataset: int, index: int, aipp_parms_set: int) -> int:
    """ret = acl.mdl.set_aipp_by_input_index(model_id, dataset, index, aipp_parms_set): index of the picture
    input
    """

def set_aipp_crop_params(
    aipp_parms_set: int,
    crop_switch: int,
    crop_start_pos_w: int,
    crop_start_pos_h: int,
    crop_size_w: int,
    crop_size_h: int,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_crop_params(aipp_parms_set, crop_switch, crop_start_pos_w, crop_start_pos_h,
    crop_size_w, crop_size_h, batch_index)
    """

def set_aipp_csc_params(
    aipp_parms_set: int,
    csc_switch: int,
    csc_matrix_R0C0: int,
    csc_matrix_R0C1: int,
    csc_matrix_R0C2: int,
    csc_matrix_R1C0: int,
    csc_matrix_R1C1: int,
    csc_matrix_R1C2: int,
    csc_matrix_R2C0: int,
    csc_matrix_R2C1: int,
    csc_matrix_R2C2: int,
    csc_output_bias_R0: int,
    csc_output_bias_R1: int,
    csc_output_bias_R2: int,
    csc_input_bias_R0: int,
    csc_input_bias_R1: int,
    csc_input_bias_R2: int,
) -> int:
    """ret = acl.mdl.set_aipp_csc_params(aipp_parms_set, csc_switch, csc_matrix_R0C0, ..., csc_matrix_R2C2,
    csc_output_bias_R0, csc_output_bias_R1, csc_output_bias_R2, csc_input_bias_R0, csc_input_bias_R1,
    csc_input_bias_R2)
    """

def set_aipp_dtc_pixel_mean(
    aipp_parms_set: int,
    dtc_pixel_mean_chn0: int,
    dtc_pixel_mean_chn1: int,
    dtc_pixel_mean_chn2: int,
    dtc_pixel_mean_chn3: int,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_dtc_pixel_mean(aipp_parms_set, dtc_pixel_mean_chn0, dtc_pixel_mean_chn1,
    dtc_pixel_mean_chn2, dtc_pixel_mean_chn3, batch_index)
    """

def set_aipp_dtc_pixel_min(
    aipp_parms_set: int,
    dtc_pixel_min_chn0: float,
    dtc_pixel_min_chn1: float,
    dtc_pixel_min_chn2: float,
    dtc_pixel_min_chn3: float,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_dtc_pixel_min(aipp_parms_set, dtc_pixel_min_chn0, dtc_pixel_min_chn1,
    dtc_pixel_min_chn2, dtc_pixel_min_chn3, batch_index)
    """

def set_aipp_input_format(aipp_parms_set: int, input_format: int) -> int:
    """ret = acl.mdl.set_aipp_input_format(aipp_parms_set, input_format)"""

def set_aipp_padding_params(
    aipp_parms_set: int,
    padding_switch: int,
    padding_size_top: int,
    padding_size_bottom: int,
    padding_size_left: int,
    padding_size_right: int,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_padding_params(aipp_parms_set, padding_switch, padding_size_top,
    padding_size_bottom, padding_size_left, padding_size_right, batch_index)
    """

def set_aipp_pixel_var_reci(
    aipp_parms_set: int,
    dtc_pixel_var_reci_chn0: float,
    dtc_pixel_var_reci_chn1: float,
    dtc_pixel_var_reci_chn2: float,
    dtc_pixel_var_reci_chn3: float,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_pixel_var_reci(aipp_parms_set, dtc_pixel_var_reci_chn0,
    dtc_pixel_var_reci_chn1, dtc_pixel_var_reci_chn2, dtc_pixel_var_reci_chn3, batch_index)
    """

def set_aipp_rbuv_swap_switch(aipp_parms_set: int, rbuv_swap_switch: int) -> int:
    """ret = acl.mdl.set_aipp_rbuv_swap_switch(aipp_parms_set, rbuv_swap_switch)"""

def set_aipp_scf_params(
    aipp_parms_set: int,
    scf_switch: int,
    scf_input_size_w: int,
    scf_input_size_h: int,
    scf_output_size_w: int,
    scf_output_size_h: int,
    batch_index: int,
) -> int:
    """ret = acl.mdl.set_aipp_scf_params(aipp_parms_set, scf_switch, scf_input_size_w, scf_input_size_h,
    scf_output_size_w, scf_output_size_h, batch_index)
    """

def set_aipp_src_image_size(aipp_parms_set: int, src_image_size_w: int, src_image_size_h: int) -> int:
    """ret = acl.mdl.set_aipp_src_image_size(aipp_parms_set, src_image_size_w, src_image_size_h)"""

def set_config_opt(handle: int, attr: int, attr_value: int | str) -> int: ...
def set_dataset_tensor_desc(dataset: int, tensor_desc: int, index: int) -> tuple[int, int]:
    """dataset, ret = acl.mdl.set_dataset_tensor_desc(dataset, tensor_desc, index)"""

def set_dynamic_batch_size(model_id: int, dataset: int, index: int, batch_size: int) -> int:
    """ret = acl.mdl.set_dynamic_batch_size(model_id, dataset, index, batch_size)"""

def set_dynamic_hw_size(model_id: int, dataset: int, index: int, height: int, width: int) -> int:
    """ret = acl.mdl.set_dynamic_hw_size(model_id, dataset, index, height, width)"""

def set_exec_config_opt(handle: int, attr: int, attr_value: int | str) -> int:
    """ret = acl.mdl.set_exec_config_opt(handle, attr, attr_value)"""

def set_input_aipp(model_id: int, dataset: int, index: int, aipp_parms_set: int) -> int:
    """ret = acl.mdl.set_input_aipp(model_id, dataset, index, aipp_parms_set): index of the
    ascend_dynamic_aipp_data input
    """

def set_input_dynamic_dims(model_id: int, dataset: int, index: int, dims: _Dims | dict[str, Any]) -> int: ...
def unload(model_id: int) -> int:
    """ret = acl.mdl.unload(model_id)"""
