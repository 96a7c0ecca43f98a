"""Type stub of `acl.media` (DVPP v1 image API: handles and pointers are ints; producers return
(value, ret), getters the value)."""

from collections.abc import Callable, Sequence
from typing import Any

def dvpp_clear_hist(hist: int) -> int:
    """ret = acl.media.dvpp_clear_hist(hist)"""

def dvpp_create_batch_pic_desc(batch_size: int) -> int:
    """batch_desc = acl.media.dvpp_create_batch_pic_desc(batch_size)"""

def dvpp_create_border_config() -> int:
    """config = acl.media.dvpp_create_border_config()"""

def dvpp_create_channel(channel_desc: int) -> int:
    """ret = acl.media.dvpp_create_channel(channel_desc)"""

def dvpp_create_channel_desc() -> int:
    """desc = acl.media.dvpp_create_channel_desc()"""

def dvpp_create_hist() -> int:
    """hist = acl.media.dvpp_create_hist()"""

def dvpp_create_jpege_config() -> int:
    """config = acl.media.dvpp_create_jpege_config()"""

def dvpp_create_lut_map() -> int:
    """lut_map = acl.media.dvpp_create_lut_map()"""

def dvpp_create_pic_desc() -> int:
    """desc = acl.media.dvpp_create_pic_desc()"""

def dvpp_create_resize_config() -> int:
    """config = acl.media.dvpp_create_resize_config()"""

def dvpp_create_roi_config(left: int, right: int, top: int, bottom: int) -> int:
    """roi = acl.media.dvpp_create_roi_config(left, right, top, bottom)"""

def dvpp_create_stream_desc() -> int:
    """desc = acl.media.dvpp_create_stream_desc()"""

def dvpp_destroy_batch_pic_desc(batch_desc: int) -> int:
    """ret = acl.media.dvpp_destroy_batch_pic_desc(batch_desc)"""

def dvpp_destroy_border_config(config: int) -> int:
    """ret = acl.media.dvpp_destroy_border_config(config)"""

def dvpp_destroy_channel(channel_desc: int) -> int:
    """ret = acl.media.dvpp_destroy_channel(channel_desc)"""

def dvpp_destroy_channel_desc(desc: int) -> int:
    """ret = acl.media.dvpp_destroy_channel_desc(desc)"""

def dvpp_destroy_hist(hist: int) -> int:
    """ret = acl.media.dvpp_destroy_hist(hist)"""

def dvpp_destroy_jpege_config(desc: int) -> int:
    """ret = acl.media.dvpp_destroy_jpege_config(desc)"""

def dvpp_destroy_lut_map(lut_map: int) -> int:
    """ret = acl.media.dvpp_destroy_lut_map(lut_map)"""

def dvpp_destroy_pic_desc(desc: int) -> int:
    """ret = acl.media.dvpp_destroy_pic_desc(desc)"""

def dvpp_destroy_resize_config(desc: int) -> int:
    """ret = acl.media.dvpp_destroy_resize_config(desc)"""

def dvpp_destroy_roi_config(roi: int) -> int:
    """ret = acl.media.dvpp_destroy_roi_config(roi)"""

def dvpp_destroy_stream_desc(desc: int) -> int:
    """ret = acl.media.dvpp_destroy_stream_desc(desc)"""

def dvpp_free(dev_ptr: int) -> int:
    """ret = acl.media.dvpp_free(dev_ptr)"""

def dvpp_get_border_config_border_type(config: int) -> int:
    """border_type = acl.media.dvpp_get_border_config_border_type(config)"""

def dvpp_get_border_config_bottom(config: int) -> int:
    """bottom = acl.media.dvpp_get_border_config_bottom(config)"""

def dvpp_get_border_config_left(config: int) -> int:
    """left = acl.media.dvpp_get_border_config_left(config)"""

def dvpp_get_border_config_right(config: int) -> int:
    """right = acl.media.dvpp_get_border_config_right(config)"""

def dvpp_get_border_config_top(config: int) -> int:
    """top = acl.media.dvpp_get_border_config_top(config)"""

def dvpp_get_border_config_value(config: int, index: int) -> float:
    """value = acl.media.dvpp_get_border_config_value(config, index)"""

def dvpp_get_channel_desc_channel_id(desc: int) -> int:
    """id = acl.media.dvpp_get_channel_desc_channel_id(channel_desc)"""

def dvpp_get_channel_desc_param(
    channel_desc: int,
    param_type: int,
    length: int,
    param: int,
) -> tuple[int, int]:
    """ret_size, ret = acl.media.dvpp_get_channel_desc_param(channel_desc, param_type, length, param)"""

def dvpp_get_hist_data(hist: int, dim: int) -> tuple[int, int, int]:
    """data, length, ret = acl.media.dvpp_get_hist_data(hist, dim)"""

def dvpp_get_hist_dims(hist: int) -> int:
    """dims = acl.media.dvpp_get_hist_dims(hist)"""

def dvpp_get_hist_ret_code(hist: int) -> int:
    """code = acl.media.dvpp_get_hist_ret_code(hist)"""

def dvpp_get_jpege_config_level(desc: int) -> int:
    """level = acl.media.dvpp_get_jpege_config_level(config)"""

def dvpp_get_lut_map_data(lut_map: int, dim: int) -> tuple[int, int, int]:
    """data, length, ret = acl.media.dvpp_get_lut_map_data(lut_map, dim)"""

def dvpp_get_lut_map_dims(lut_map: int) -> int:
    """dims = acl.media.dvpp_get_lut_map_dims(lut_map)"""

def dvpp_get_pic_desc(batch_desc: int, index: int) -> int:
    """desc = acl.media.dvpp_get_pic_desc(batch_desc, index)"""

def dvpp_get_pic_desc_data(desc: int) -> int:
    """data = acl.media.dvpp_get_pic_desc_data(desc)"""

def dvpp_get_pic_desc_format(desc: int) -> int:
    """fmt = acl.media.dvpp_get_pic_desc_format(desc)"""

def dvpp_get_pic_desc_height(desc: int) -> int:
    """h = acl.media.dvpp_get_pic_desc_height(desc)"""

def dvpp_get_pic_desc_height_stride(desc: int) -> int:
    """hs = acl.media.dvpp_get_pic_desc_height_stride(desc)"""

def dvpp_get_pic_desc_ret_code(desc: int) -> int:
    """code = acl.media.dvpp_get_pic_desc_ret_code(desc)"""

def dvpp_get_pic_desc_size(desc: int) -> int:
    """size = acl.media.dvpp_get_pic_desc_size(desc)"""

def dvpp_get_pic_desc_width(desc: int) -> int:
    """w = acl.media.dvpp_get_pic_desc_width(desc)"""

def dvpp_get_pic_desc_width_stride(desc: int) -> int:
    """ws = acl.media.dvpp_get_pic_desc_width_stride(desc)"""

def dvpp_get_resize_config_interpolation(desc: int) -> int:
    """interpolation = acl.media.dvpp_get_resize_config_interpolation(config)"""

def dvpp_get_stream_desc_data(desc: int) -> int:
    """data = acl.media.dvpp_get_stream_desc_data(desc)"""

def dvpp_get_stream_desc_eos(desc: int) -> int:
    """eos = acl.media.dvpp_get_stream_desc_eos(desc)"""

def dvpp_get_stream_desc_format(desc: int) -> int:
    """format = acl.media.dvpp_get_stream_desc_format(desc)"""

def dvpp_get_stream_desc_ret_code(desc: int) -> int:
    """ret_code = acl.media.dvpp_get_stream_desc_ret_code(desc)"""

def dvpp_get_stream_desc_size(desc: int) -> int:
    """size = acl.media.dvpp_get_stream_desc_size(desc)"""

def dvpp_get_stream_desc_timestamp(desc: int) -> int:
    """timestamp = acl.media.dvpp_get_stream_desc_timestamp(desc)"""

def dvpp_jpeg_decode_async(channel_desc: int, data: int, size: int, output_desc: int, stream: int) -> int:
    """ret = acl.media.dvpp_jpeg_decode_async(channel_desc, data, size, output_desc, stream)"""

def dvpp_jpeg_encode_async(
    channel_desc: int,
    input_desc: int,
    data: int,
    size_ptr: int,
    config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_jpeg_encode_async(channel_desc, input_desc, data, size_ptr, config, stream)"""

def dvpp_jpeg_get_image_info(data: int, size: int) -> tuple[int, int, int, int]:
    """width, height, components, ret = acl.media.dvpp_jpeg_get_image_info(data, size)"""

def dvpp_jpeg_get_image_info_v2(data: int, size: int) -> tuple[int, int, int, int, int]:
    """width, height, components, format, ret = acl.media.dvpp_jpeg_get_image_info_v2(data, size)"""

def dvpp_jpeg_predict_dec_size(data: int, size: int, output_pixel_format: int) -> tuple[int, int]:
    """decode_size, ret = acl.media.dvpp_jpeg_predict_dec_size(data, size, output_pixel_format)"""

def dvpp_jpeg_predict_enc_size(input_desc: int, config: int) -> tuple[int, int]:
    """size, ret = acl.media.dvpp_jpeg_predict_enc_size(input_desc, config)"""

def dvpp_malloc(size: int) -> tuple[int, int]:
    """dev_ptr, ret = acl.media.dvpp_malloc(size)"""

def dvpp_png_decode_async(channel_desc: int, data: int, size: int, output_desc: int, stream: int) -> int:
    """ret = acl.media.dvpp_png_decode_async(channel_desc, data, size, output_desc, stream)"""

def dvpp_png_get_image_info(data: int, size: int) -> tuple[int, int, int, int]:
    """width, height, components, ret = acl.media.dvpp_png_get_image_info(data, size)"""

def dvpp_png_predict_dec_size(data: int, size: int, output_pixel_format: int) -> tuple[int, int]:
    """decode_size, ret = acl.media.dvpp_png_predict_dec_size(data, size, output_pixel_format)"""

def dvpp_set_border_config_border_type(config: int, border_type: int) -> int:
    """ret = acl.media.dvpp_set_border_config_border_type(config, border_type)"""

def dvpp_set_border_config_bottom(config: int, bottom: int) -> int:
    """ret = acl.media.dvpp_set_border_config_bottom(config, bottom)"""

def dvpp_set_border_config_left(config: int, left: int) -> int:
    """ret = acl.media.dvpp_set_border_config_left(config, left)"""

def dvpp_set_border_config_right(config: int, right: int) -> int:
    """ret = acl.media.dvpp_set_border_config_right(config, right)"""

def dvpp_set_border_config_top(config: int, top: int) -> int:
    """ret = acl.media.dvpp_set_border_config_top(config, top)"""

def dvpp_set_border_config_value(config: int, index: int, value: float) -> int:
    """ret = acl.media.dvpp_set_border_config_value(config, index, value)"""

def dvpp_set_channel_desc_mode(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_channel_desc_mode(channel_desc, mode)"""

def dvpp_set_channel_desc_param(channel_desc: int, param_type: int, length: int, param: int) -> int:
    """ret = acl.media.dvpp_set_channel_desc_param(channel_desc, param_type, length, param)"""

def dvpp_set_jpege_config_level(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_jpege_config_level(config, level)"""

def dvpp_set_pic_desc_data(desc: int, data: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_data(desc, data)"""

def dvpp_set_pic_desc_format(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_format(desc, fmt)"""

def dvpp_set_pic_desc_height(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_height(desc, h)"""

def dvpp_set_pic_desc_height_stride(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_height_stride(desc, hs)"""

def dvpp_set_pic_desc_ret_code(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_ret_code(desc, code)"""

def dvpp_set_pic_desc_size(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_size(desc, size)"""

def dvpp_set_pic_desc_width(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_width(desc, w)"""

def dvpp_set_pic_desc_width_stride(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_pic_desc_width_stride(desc, ws)"""

def dvpp_set_resize_config_interpolation(desc: int, value: int) -> int:
    """ret = acl.media.dvpp_set_resize_config_interpolation(config, interpolation)"""

def dvpp_set_roi_config(roi: int, left: int, right: int, top: int, bottom: int) -> int:
    """ret = acl.media.dvpp_set_roi_config(roi, left, right, top, bottom)"""

def dvpp_set_roi_config_bottom(roi: int, bottom: int) -> int:
    """ret = acl.media.dvpp_set_roi_config_bottom(roi, bottom)"""

def dvpp_set_roi_config_left(roi: int, left: int) -> int:
    """ret = acl.media.dvpp_set_roi_config_left(roi, left)"""

def dvpp_set_roi_config_right(roi: int, right: int) -> int:
    """ret = acl.media.dvpp_set_roi_config_right(roi, right)"""

def dvpp_set_roi_config_top(roi: int, top: int) -> int:
    """ret = acl.media.dvpp_set_roi_config_top(roi, top)"""

def dvpp_set_stream_desc_data(desc: int, data: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_data(desc, data)"""

def dvpp_set_stream_desc_eos(desc: int, eos: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_eos(desc, eos)"""

def dvpp_set_stream_desc_format(desc: int, format: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_format(desc, format)"""

def dvpp_set_stream_desc_ret_code(desc: int, ret_code: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_ret_code(desc, ret_code)"""

def dvpp_set_stream_desc_size(desc: int, size: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_size(desc, size)"""

def dvpp_set_stream_desc_timestamp(desc: int, timestamp: int) -> int:
    """ret = acl.media.dvpp_set_stream_desc_timestamp(desc, timestamp)"""

def dvpp_vpc_batch_crop_and_paste_async(
    channel_desc: int,
    src_batch_pic_descs: int,
    roi_nums_list: Sequence[int],
    dst_batch_pic_descs: int,
    crop_area_list: Sequence[int],
    paste_area_list: Sequence[int],
    stream: int,
) -> tuple[int, int]:
    """dst_batch_pic_descs, ret = acl.media.dvpp_vpc_batch_crop_and_paste_async(
    channel_desc, src_batch_pic_descs,
    roi_nums_list, dst_batch_pic_descs, crop_area_list, paste_area_list, stream)"""

def dvpp_vpc_batch_crop_async(
    channel_desc: int,
    src_batch_pic_descs: int,
    roi_nums_list: Sequence[int],
    dst_batch_pic_descs: int,
    crop_area_list: Sequence[int],
    stream: int,
) -> tuple[int, int]:
    """dst_batch_pic_descs, ret = acl.media.dvpp_vpc_batch_crop_async(channel_desc, src_batch_pic_descs,
    roi_nums_list, dst_batch_pic_descs, crop_area_list, stream)"""

def dvpp_vpc_batch_crop_resize_async(
    channel_desc: int,
    src_batch_pic_descs: int,
    roi_nums_list: Sequence[int],
    dst_batch_pic_descs: int,
    crop_area_list: Sequence[int],
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_batch_crop_resize_async(channel_desc, src_batch_pic_descs,
    roi_nums_list, dst_batch_pic_descs, crop_area_list, resize_config, stream)"""

def dvpp_vpc_batch_crop_resize_make_border_async(
    channel_desc: int,
    src_batch_pic_descs: int,
    roi_nums_list: Sequence[int],
    dst_batch_pic_descs: int,
    crop_area_list: Sequence[int],
    border_config_list: Sequence[int],
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_batch_crop_resize_make_border_async(channel_desc, src_batch_pic_descs,
    roi_nums_list, dst_batch_pic_descs, crop_area_list, border_config_list, resize_config, stream)"""

def dvpp_vpc_batch_crop_resize_paste_async(
    channel_desc: int,
    src_batch_pic_descs: int,
    roi_nums_list: Sequence[int],
    dst_batch_pic_descs: int,
    crop_area_list: Sequence[int],
    paste_area_list: Sequence[int],
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_batch_crop_resize_paste_async(channel_desc, src_batch_pic_descs,
    roi_nums_list, dst_batch_pic_descs, crop_area_list, paste_area_list, resize_config, stream)"""

def dvpp_vpc_calc_hist_async(
    channel_desc: int,
    src_pic_desc: int,
    hist: int,
    reserve: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_calc_hist_async(channel_desc, src_pic_desc, hist, reserve, stream)"""

def dvpp_vpc_convert_color_async(channel_desc: int, input_desc: int, output_desc: int, stream: int) -> int:
    """ret = acl.media.dvpp_vpc_convert_color_async(channel_desc, input_desc, output_desc, stream)"""

def dvpp_vpc_crop_and_paste_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    crop_area: int,
    paste_area: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_crop_and_paste_async(
    channel_desc, input_desc, output_desc, crop_area, paste_area, stream)"""

def dvpp_vpc_crop_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    crop_area: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_crop_async(channel_desc, input_desc, output_desc, crop_area, stream)"""

def dvpp_vpc_crop_resize_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    crop_area: int,
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_crop_resize_async(
    channel_desc, input_desc, output_desc, crop_area, resize_config, stream)"""

def dvpp_vpc_crop_resize_paste_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    crop_area: int,
    paste_area: int,
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_crop_resize_paste_async(
    channel_desc, input_desc, output_desc, crop_area, paste_area, resize_config, stream)"""

def dvpp_vpc_equalize_hist_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    lut_map: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_equalize_hist_async(
    channel_desc, input_desc, output_desc, lut_map, stream)"""

def dvpp_vpc_make_border_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    border_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_make_border_async(
    channel_desc, input_desc, output_desc, border_config, stream)"""

def dvpp_vpc_pyr_down_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    reserve: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_pyr_down_async(channel_desc, input_desc, output_desc, reserve, stream)"""

def dvpp_vpc_resize_async(
    channel_desc: int,
    input_desc: int,
    output_desc: int,
    resize_config: int,
    stream: int,
) -> int:
    """ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)"""

# ---- video decode (acl.media.vdec_*, media_video.cpp)

def vdec_create_channel(channel_desc: int) -> int:
    """ret = acl.media.vdec_create_channel(channel_desc)"""

def vdec_create_channel_desc() -> int:
    """channel_desc = acl.media.vdec_create_channel_desc()"""

def vdec_create_frame_config() -> int:
    """config = acl.media.vdec_create_frame_config()"""

def vdec_destroy_channel(channel_desc: int) -> int:
    """ret = acl.media.vdec_destroy_channel(channel_desc): decodes the frames in flight and returns after
    their callbacks ran
    """

def vdec_destroy_channel_desc(channel_desc: int) -> int:
    """ret = acl.media.vdec_destroy_channel_desc(channel_desc)"""

def vdec_destroy_frame_config(config: int) -> int:
    """ret = acl.media.vdec_destroy_frame_config(config)"""

def vdec_get_channel_desc_bit_depth(channel_desc: int) -> int:
    """bit_depth = acl.media.vdec_get_channel_desc_bit_depth(channel_desc)"""

def vdec_get_channel_desc_callback(channel_desc: int) -> Callable[[int, int, Any], object] | None:
    """callback = acl.media.vdec_get_channel_desc_callback(channel_desc): the Python callback set, or None"""

def vdec_get_channel_desc_channel_id(channel_desc: int) -> int:
    """channel_id = acl.media.vdec_get_channel_desc_channel_id(channel_desc)"""

def vdec_get_channel_desc_entype(channel_desc: int) -> int:
    """en_type = acl.media.vdec_get_channel_desc_entype(channel_desc)"""

def vdec_get_channel_desc_out_mode(channel_desc: int) -> int:
    """out_mode = acl.media.vdec_get_channel_desc_out_mode(channel_desc)"""

def vdec_get_channel_desc_out_pic_format(channel_desc: int) -> int:
    """out_pic_format = acl.media.vdec_get_channel_desc_out_pic_format(channel_desc)"""

def vdec_get_channel_desc_out_pic_height(channel_desc: int) -> int:
    """out_pic_height = acl.media.vdec_get_channel_desc_out_pic_height(channel_desc)"""

def vdec_get_channel_desc_out_pic_width(channel_desc: int) -> int:
    """out_pic_width = acl.media.vdec_get_channel_desc_out_pic_width(channel_desc)"""

def vdec_get_channel_desc_ref_frame_num(channel_desc: int) -> int:
    """ref_frame_num = acl.media.vdec_get_channel_desc_ref_frame_num(channel_desc)"""

def vdec_get_channel_desc_thread_id(channel_desc: int) -> int:
    """thread_id = acl.media.vdec_get_channel_desc_thread_id(channel_desc)"""

def vdec_send_frame(channel_desc: int, input: int, output: int, config: int, user_data: Any) -> int:
    """ret = acl.media.vdec_send_frame(channel_desc, input, output, config, user_data): queues one frame; an
    input with EOS set returns after every sent frame's callback ran
    """

def vdec_send_skipped_frame(channel_desc: int, input: int, config: int, user_data: Any) -> int:
    """ret = acl.media.vdec_send_skipped_frame(channel_desc, input, config, user_data): decodes the frame
    without output (the callback gets output 0)
    """

def vdec_set_channel_desc_bit_depth(channel_desc: int, bit_depth: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_bit_depth(channel_desc, bit_depth)"""

def vdec_set_channel_desc_callback(channel_desc: int, callback: Callable[[int, int, Any], object]) -> int:
    """ret = acl.media.vdec_set_channel_desc_callback(channel_desc, callback): callback(input_stream_desc,
    output_pic_desc, user_data) runs on the channel's thread inside acl.rt.process_report
    """

def vdec_set_channel_desc_channel_id(channel_desc: int, channel_id: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_channel_id(channel_desc, channel_id)"""

def vdec_set_channel_desc_entype(channel_desc: int, en_type: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_entype(channel_desc, en_type)"""

def vdec_set_channel_desc_out_mode(channel_desc: int, out_mode: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_out_mode(channel_desc, out_mode)"""

def vdec_set_channel_desc_out_pic_format(channel_desc: int, out_pic_format: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_out_pic_format(channel_desc, out_pic_format)"""

def vdec_set_channel_desc_out_pic_height(channel_desc: int, out_pic_height: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_out_pic_height(channel_desc, out_pic_height)"""

def vdec_set_channel_desc_out_pic_width(channel_desc: int, out_pic_width: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_out_pic_width(channel_desc, out_pic_width)"""

def vdec_set_channel_desc_ref_frame_num(channel_desc: int, ref_frame_num: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_ref_frame_num(channel_desc, ref_frame_num)"""

def vdec_set_channel_desc_thread_id(channel_desc: int, thread_id: int) -> int:
    """ret = acl.media.vdec_set_channel_desc_thread_id(channel_desc, thread_id)"""

# ---- video encode (acl.media.venc_*, media_video.cpp)

def venc_create_channel(channel_desc: int) -> int:
    """ret = acl.media.venc_create_channel(channel_desc)"""

def venc_create_channel_desc() -> int:
    """channel_desc = acl.media.venc_create_channel_desc()"""

def venc_create_frame_config() -> int:
    """config = acl.media.venc_create_frame_config()"""

def venc_destroy_channel(channel_desc: int) -> int:
    """ret = acl.media.venc_destroy_channel(channel_desc): encodes the pictures in flight and returns after
    their callbacks ran
    """

def venc_destroy_channel_desc(channel_desc: int) -> int:
    """ret = acl.media.venc_destroy_channel_desc(channel_desc)"""

def venc_destroy_frame_config(config: int) -> int:
    """ret = acl.media.venc_destroy_frame_config(config)"""

def venc_get_channel_desc_buf_addr(channel_desc: int) -> int:
    """buf_addr = acl.media.venc_get_channel_desc_buf_addr(channel_desc)"""

def venc_get_channel_desc_buf_size(channel_desc: int) -> int:
    """buf_size = acl.media.venc_get_channel_desc_buf_size(channel_desc)"""

def venc_get_channel_desc_callback(channel_desc: int) -> Callable[[int, int, Any], object] | None:
    """callback = acl.media.venc_get_channel_desc_callback(channel_desc): the Python callback set, or None"""

def venc_get_channel_desc_channel_id(channel_desc: int) -> int:
    """channel_id = acl.media.venc_get_channel_desc_channel_id(channel_desc)"""

def venc_get_channel_desc_entype(channel_desc: int) -> int:
    """en_type = acl.media.venc_get_channel_desc_entype(channel_desc)"""

def venc_get_channel_desc_key_frame_interval(channel_desc: int) -> int:
    """key_frame_interval = acl.media.venc_get_channel_desc_key_frame_interval(channel_desc)"""

def venc_get_channel_desc_max_bit_rate(channel_desc: int) -> int:
    """max_bit_rate = acl.media.venc_get_channel_desc_max_bit_rate(channel_desc)"""

def venc_get_channel_desc_pic_format(channel_desc: int) -> int:
    """pic_format = acl.media.venc_get_channel_desc_pic_format(channel_desc)"""

def venc_get_channel_desc_pic_height(channel_desc: int) -> int:
    """pic_height = acl.media.venc_get_channel_desc_pic_height(channel_desc)"""

def venc_get_channel_desc_pic_width(channel_desc: int) -> int:
    """pic_width = acl.media.venc_get_channel_desc_pic_width(channel_desc)"""

def venc_get_channel_desc_rc_mode(channel_desc: int) -> int:
    """rc_mode = acl.media.venc_get_channel_desc_rc_mode(channel_desc)"""

def venc_get_channel_desc_src_rate(channel_desc: int) -> int:
    """src_rate = acl.media.venc_get_channel_desc_src_rate(channel_desc)"""

def venc_get_channel_desc_thread_id(channel_desc: int) -> int:
    """thread_id = acl.media.venc_get_channel_desc_thread_id(channel_desc)"""

def venc_get_frame_config_eos(config: int) -> int:
    """eos = acl.media.venc_get_frame_config_eos(config)"""

def venc_get_frame_config_force_i_frame(config: int) -> int:
    """force_i_frame = acl.media.venc_get_frame_config_force_i_frame(config)"""

def venc_send_frame(channel_desc: int, input: int, reserve: int, config: int, user_data: Any) -> int:
    """ret = acl.media.venc_send_frame(channel_desc, input, reserve, config, user_data): encodes one picture
    (read before returning); input 0 with the config's EOS flag returns after every callback ran
    """

def venc_set_channel_desc_buf_addr(channel_desc: int, buf_addr: int) -> int:
    """ret = acl.media.venc_set_channel_desc_buf_addr(channel_desc, buf_addr)"""

def venc_set_channel_desc_buf_size(channel_desc: int, buf_size: int) -> int:
    """ret = acl.media.venc_set_channel_desc_buf_size(channel_desc, buf_size)"""

def venc_set_channel_desc_callback(channel_desc: int, callback: Callable[[int, int, Any], object]) -> int:
    """ret = acl.media.venc_set_channel_desc_callback(channel_desc, callback): callback(input_pic_desc,
    output_stream_desc, user_data) runs on the channel's thread inside acl.rt.process_report
    """

def venc_set_channel_desc_entype(channel_desc: int, en_type: int) -> int:
    """ret = acl.media.venc_set_channel_desc_entype(channel_desc, en_type)"""

def venc_set_channel_desc_key_frame_interval(channel_desc: int, key_frame_interval: int) -> int:
    """ret = acl.media.venc_set_channel_desc_key_frame_interval(channel_desc, key_frame_interval)"""

def venc_set_channel_desc_max_bit_rate(channel_desc: int, max_bit_rate: int) -> int:
    """ret = acl.media.venc_set_channel_desc_max_bit_rate(channel_desc, max_bit_rate)"""

def venc_set_channel_desc_pic_format(channel_desc: int, pic_format: int) -> int:
    """ret = acl.media.venc_set_channel_desc_pic_format(channel_desc, pic_format)"""

def venc_set_channel_desc_pic_height(channel_desc: int, pic_height: int) -> int:
    """ret = acl.media.venc_set_channel_desc_pic_height(channel_desc, pic_height)"""

def venc_set_channel_desc_pic_width(channel_desc: int, pic_width: int) -> int:
    """ret = acl.media.venc_set_channel_desc_pic_width(channel_desc, pic_width)"""

def venc_set_channel_desc_rc_mode(channel_desc: int, rc_mode: int) -> int:
    """ret = acl.media.venc_set_channel_desc_rc_mode(channel_desc, rc_mode)"""

def venc_set_channel_desc_src_rate(channel_desc: int, src_rate: int) -> int:
    """ret = acl.media.venc_set_channel_desc_src_rate(channel_desc, src_rate)"""

def venc_set_channel_desc_thread_id(channel_desc: int, thread_id: int) -> int:
    """ret = acl.media.venc_set_channel_desc_thread_id(channel_desc, thread_id)"""

def venc_set_frame_config_eos(config: int, eos: int) -> int:
    """ret = acl.media.venc_set_frame_config_eos(config, eos)"""

def venc_set_frame_config_force_i_frame(config: int, force_i_frame: int) -> int:
    """ret = acl.media.venc_set_frame_config_force_i_frame(config, force_i_frame)"""
