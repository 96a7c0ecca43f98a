// pyACL: `acl.media`, the DVPP v1 API (acl/ops/acl_dvpp.h) under pyACL's names and return shapes
// (CANN's aclpythondevg "acl.media" pages, e.g. `dev_ptr, ret = acl.media.dvpp_malloc(size)`,
// `width, height, components, ret = acl.media.dvpp_jpeg_get_image_info(data, size)`): handles and
// pointers are ints, producers return (value, ret), getters plain values. DVPP memory is registered
// as device memory for the strict range checks of acl.rt.memcpy. Every C call runs without the GIL
// (bind<>), pure getters keep it (Quick). Kept in its own file; written against the public C API only.
#ifdef ACL_PYACL_HAS_DVPP
#define ENABLE_DVPP_INTERFACE
#include "acl/ops/acl_dvpp.h"
#endif

#include "common.h"

namespace pyacl {

void bind_media(py::module_& m) {
#ifdef ACL_PYACL_HAS_DVPP
  // ---- memory: DVPP memory is registered as device memory (ranges::add) for the strict checks.
  defn(
      m, "dvpp_malloc", {"size"}, 1,
      [](Args& a) -> py::object {
        size_t size = a.size(0);
        void* p = nullptr;
        aclError ret = call_nogil([&] { return acldvppMalloc(&p, size); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Device);
        return pair(ptr_obj(p), ret);
      },
      "dev_ptr, ret = acl.media.dvpp_malloc(size)");
  defn(
      m, "dvpp_free", {"dev_ptr"}, 1,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        aclError ret = call_nogil([&] { return acldvppFree(as<void>(p)); });
        if (ret == ACL_SUCCESS) ranges::remove(p);
        return py::int_(ret);
      },
      "ret = acl.media.dvpp_free(dev_ptr)");

  // ---- picture descriptions
  bind<acldvppCreatePicDesc>(m, "dvpp_create_pic_desc", "desc = acl.media.dvpp_create_pic_desc()");
  bind<acldvppDestroyPicDesc>(m, "dvpp_destroy_pic_desc", "ret = acl.media.dvpp_destroy_pic_desc(desc)", In{"desc"});
  bind<acldvppSetPicDescData>(m, "dvpp_set_pic_desc_data", "ret = acl.media.dvpp_set_pic_desc_data(desc, data)",
                              In{"desc"}, In{"data"});
  bind<acldvppSetPicDescSize>(m, "dvpp_set_pic_desc_size", "ret = acl.media.dvpp_set_pic_desc_size(desc, size)",
                              In{"desc"}, In{"value"});
  bind<acldvppSetPicDescFormat>(m, "dvpp_set_pic_desc_format", "ret = acl.media.dvpp_set_pic_desc_format(desc, fmt)",
                                In{"desc"}, In{"value"});
  bind<acldvppSetPicDescWidth>(m, "dvpp_set_pic_desc_width", "ret = acl.media.dvpp_set_pic_desc_width(desc, w)",
                               In{"desc"}, In{"value"});
  bind<acldvppSetPicDescHeight>(m, "dvpp_set_pic_desc_height", "ret = acl.media.dvpp_set_pic_desc_height(desc, h)",
                                In{"desc"}, In{"value"});
  bind<acldvppSetPicDescWidthStride>(m, "dvpp_set_pic_desc_width_stride",
                                     "ret = acl.media.dvpp_set_pic_desc_width_stride(desc, ws)", In{"desc"},
                                     In{"value"});
  bind<acldvppSetPicDescHeightStride>(m, "dvpp_set_pic_desc_height_stride",
                                      "ret = acl.media.dvpp_set_pic_desc_height_stride(desc, hs)", In{"desc"},
                                      In{"value"});
  bind<acldvppSetPicDescRetCode>(m, "dvpp_set_pic_desc_ret_code",
                                 "ret = acl.media.dvpp_set_pic_desc_ret_code(desc, code)", In{"desc"}, In{"value"});
  bind<acldvppGetPicDescData, Quick>(m, "dvpp_get_pic_desc_data", "data = acl.media.dvpp_get_pic_desc_data(desc)",
                                     In{"desc"});
  bind<acldvppGetPicDescSize, Quick>(m, "dvpp_get_pic_desc_size", "size = acl.media.dvpp_get_pic_desc_size(desc)",
                                     In{"desc"});
  bind<acldvppGetPicDescFormat, Quick>(m, "dvpp_get_pic_desc_format",
                                       "fmt = acl.media.dvpp_get_pic_desc_format(desc)", In{"desc"});
  bind<acldvppGetPicDescWidth, Quick>(m, "dvpp_get_pic_desc_width", "w = acl.media.dvpp_get_pic_desc_width(desc)",
                                      In{"desc"});
  bind<acldvppGetPicDescHeight, Quick>(m, "dvpp_get_pic_desc_height", "h = acl.media.dvpp_get_pic_desc_height(desc)",
                                       In{"desc"});
  bind<acldvppGetPicDescWidthStride, Quick>(m, "dvpp_get_pic_desc_width_stride",
                                            "ws = acl.media.dvpp_get_pic_desc_width_stride(desc)", In{"desc"});
  bind<acldvppGetPicDescHeightStride, Quick>(m, "dvpp_get_pic_desc_height_stride",
                                             "hs = acl.media.dvpp_get_pic_desc_height_stride(desc)", In{"desc"});
  bind<acldvppGetPicDescRetCode, Quick>(m, "dvpp_get_pic_desc_ret_code",
                                        "code = acl.media.dvpp_get_pic_desc_ret_code(desc)", In{"desc"});

  // ---- channels
  bind<acldvppCreateChannelDesc>(m, "dvpp_create_channel_desc", "desc = acl.media.dvpp_create_channel_desc()");
  bind<acldvppDestroyChannelDesc>(m, "dvpp_destroy_channel_desc", "ret = acl.media.dvpp_destroy_channel_desc(desc)",
                                  In{"desc"});
  bind<acldvppCreateChannel>(m, "dvpp_create_channel", "ret = acl.media.dvpp_create_channel(channel_desc)",
                             In{"channel_desc"});
  bind<acldvppDestroyChannel>(m, "dvpp_destroy_channel", "ret = acl.media.dvpp_destroy_channel(channel_desc)",
                              In{"channel_desc"});
  bind<acldvppSetChannelDescMode>(m, "dvpp_set_channel_desc_mode",
                                  "ret = acl.media.dvpp_set_channel_desc_mode(channel_desc, mode)", In{"desc"},
                                  In{"value"});
  bind<acldvppGetChannelDescChannelId, Quick>(m, "dvpp_get_channel_desc_channel_id",
                                              "id = acl.media.dvpp_get_channel_desc_channel_id(channel_desc)",
                                              In{"desc"});

  // ---- configurations
  bind<acldvppCreateRoiConfig>(m, "dvpp_create_roi_config",
                               "roi = acl.media.dvpp_create_roi_config(left, right, top, bottom)", In{"left"},
                               In{"right"}, In{"top"}, In{"bottom"});
  bind<acldvppDestroyRoiConfig>(m, "dvpp_destroy_roi_config", "ret = acl.media.dvpp_destroy_roi_config(roi)",
                                In{"roi"});
  bind<acldvppSetRoiConfig>(m, "dvpp_set_roi_config", "ret = acl.media.dvpp_set_roi_config(roi, left, right, top, bottom)",
                            In{"roi"}, In{"left"}, In{"right"}, In{"top"}, In{"bottom"});
  bind<acldvppCreateResizeConfig>(m, "dvpp_create_resize_config", "config = acl.media.dvpp_create_resize_config()");
  bind<acldvppDestroyResizeConfig>(m, "dvpp_destroy_resize_config",
                                   "ret = acl.media.dvpp_destroy_resize_config(desc)", In{"desc"});
  bind<acldvppSetResizeConfigInterpolation>(m, "dvpp_set_resize_config_interpolation",
                                            "ret = acl.media.dvpp_set_resize_config_interpolation(config, interpolation)",
                                            In{"desc"}, In{"value"});
  bind<acldvppGetResizeConfigInterpolation, Quick>(
      m, "dvpp_get_resize_config_interpolation",
      "interpolation = acl.media.dvpp_get_resize_config_interpolation(config)", In{"desc"});
  bind<acldvppCreateJpegeConfig>(m, "dvpp_create_jpege_config", "config = acl.media.dvpp_create_jpege_config()");
  bind<acldvppDestroyJpegeConfig>(m, "dvpp_destroy_jpege_config", "ret = acl.media.dvpp_destroy_jpege_config(desc)",
                                  In{"desc"});
  bind<acldvppSetJpegeConfigLevel>(m, "dvpp_set_jpege_config_level",
                                   "ret = acl.media.dvpp_set_jpege_config_level(config, level)", In{"desc"},
                                   In{"value"});
  bind<acldvppGetJpegeConfigLevel, Quick>(m, "dvpp_get_jpege_config_level",
                                          "level = acl.media.dvpp_get_jpege_config_level(config)", In{"desc"});

  // ---- JPEG: `data` of the image info and size predictions is host memory read by the C call.
  bind<acldvppJpegGetImageInfo>(m, "dvpp_jpeg_get_image_info",
                                "width, height, components, ret = acl.media.dvpp_jpeg_get_image_info(data, size)",
                                HostPtr<1>{"data"}, In{"size"}, Out(), Out(), Out());
  bind<acldvppJpegGetImageInfoV2>(
      m, "dvpp_jpeg_get_image_info_v2",
      "width, height, components, format, ret = acl.media.dvpp_jpeg_get_image_info_v2(data, size)",
      HostPtr<1>{"data"}, In{"size"}, Out(), Out(), Out(), Out());
  bind<acldvppJpegPredictDecSize>(
      m, "dvpp_jpeg_predict_dec_size",
      "decode_size, ret = acl.media.dvpp_jpeg_predict_dec_size(data, size, output_pixel_format)",
      HostPtr<1>{"data"}, In{"size"}, In{"output_pixel_format"}, Out());
  bind<acldvppJpegDecodeAsync>(m, "dvpp_jpeg_decode_async",
                               "ret = acl.media.dvpp_jpeg_decode_async(channel_desc, data, size, output_desc, stream)",
                               In{"channel_desc"}, In{"data"}, In{"size"}, In{"output_desc"}, In{"stream"});
  bind<acldvppJpegPredictEncSize>(m, "dvpp_jpeg_predict_enc_size",
                                  "size, ret = acl.media.dvpp_jpeg_predict_enc_size(input_desc, config)",
                                  In{"input_desc"}, In{"config"}, Out());
  // `size_ptr` is the address of a uint32 (np.array(..., np.uint32) through numpy_to_ptr): in, the
  // buffer's size; out, the JPEG's. No length parameter for bind's HostPtr, hence defn.
  defn(
      m, "dvpp_jpeg_encode_async", {"channel_desc", "input_desc", "data", "size_ptr", "config", "stream"}, 6,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        const void* data = as<const void>(a.ptr(2));
        uintptr_t size_ptr = a.ptr(3);
        auto* cfg = as<acldvppJpegeConfig>(a.ptr(4));
        aclrtStream s = as<void>(a.ptr(5));
        if (!size_ptr) return py::int_(refuse(ACL_ERROR_INVALID_PARAM, "%s: size_ptr must not be 0", a.fn().c_str()));
        if (aclError e = ranges::admit(a.fn(), "size_ptr", size_ptr, sizeof(uint32_t), false)) return py::int_(e);
        auto* size = as<uint32_t>(size_ptr);
        return py::int_(call_nogil([&] { return acldvppJpegEncodeAsync(ch, in, data, size, cfg, s); }));
      },
      "ret = acl.media.dvpp_jpeg_encode_async(channel_desc, input_desc, data, size_ptr, config, stream)");

  // ---- PNG
  bind<acldvppPngGetImageInfo>(m, "dvpp_png_get_image_info",
                               "width, height, components, ret = acl.media.dvpp_png_get_image_info(data, size)",
                               HostPtr<1>{"data"}, In{"size"}, Out(), Out(), Out());
  bind<acldvppPngPredictDecSize>(
      m, "dvpp_png_predict_dec_size",
      "decode_size, ret = acl.media.dvpp_png_predict_dec_size(data, size, output_pixel_format)", HostPtr<1>{"data"},
      In{"size"}, In{"output_pixel_format"}, Out());
  bind<acldvppPngDecodeAsync>(m, "dvpp_png_decode_async",
                              "ret = acl.media.dvpp_png_decode_async(channel_desc, data, size, output_desc, stream)",
                              In{"channel_desc"}, In{"data"}, In{"size"}, In{"output_desc"}, In{"stream"});

  // ---- VPC
  bind<acldvppVpcResizeAsync>(
      m, "dvpp_vpc_resize_async",
      "ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)",
      In{"channel_desc"}, In{"input_desc"}, In{"output_desc"}, In{"resize_config"}, In{"stream"});
  bind<acldvppVpcCropAsync>(
      m, "dvpp_vpc_crop_async",
      "ret = acl.media.dvpp_vpc_crop_async(channel_desc, input_desc, output_desc, crop_area, stream)",
      In{"channel_desc"}, In{"input_desc"}, In{"output_desc"}, In{"crop_area"}, In{"stream"});
  bind<acldvppVpcCropAndPasteAsync>(m, "dvpp_vpc_crop_and_paste_async",
                                    "ret = acl.media.dvpp_vpc_crop_and_paste_async(channel_desc, input_desc, "
                                    "output_desc, crop_area, paste_area, stream)",
                                    In{"channel_desc"}, In{"input_desc"}, In{"output_desc"}, In{"crop_area"},
                                    In{"paste_area"}, In{"stream"});
  bind<acldvppVpcConvertColorAsync>(
      m, "dvpp_vpc_convert_color_async",
      "ret = acl.media.dvpp_vpc_convert_color_async(channel_desc, input_desc, output_desc, stream)",
      In{"channel_desc"}, In{"input_desc"}, In{"output_desc"}, In{"stream"});
#else
  (void)m;
#endif
}

}  // namespace pyacl
