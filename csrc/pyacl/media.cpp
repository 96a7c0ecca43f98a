// pyACL: `acl.media`, the DVPP v1 API (acl/ops/acl_dvpp.h) under pyACL's names and return shapes
// (CANN's aclpythondevg "acl.media" pages, e.g. `dev_ptr, ret = acl.media.dvpp_malloc(size)`,
// `width, height, components, ret = acl.media.dvpp_jpeg_get_image_info(data, size)`): handles and
// pointers are ints, producers return (value, ret), getters plain values. DVPP memory is registered
// as device memory for the strict range checks of acl.rt.memcpy. Every call that can wait runs
// without the GIL. Kept in its own file; written against the public C API only.
#ifdef ACL_PYACL_HAS_DVPP
#define ENABLE_DVPP_INTERFACE
#include "acl/ops/acl_dvpp.h"
#endif

#include <type_traits>

#include "common.h"

namespace pyacl {

#ifdef ACL_PYACL_HAS_DVPP
namespace {

// A setter `name(handle, value)` -> ret over C `fn(T*, V)`.
template <typename T, typename V>
void setter(py::module_& m, const char* name, aclError (*fn)(T*, V), const char* doc) {
  defn(
      m, name, {"desc", "value"}, 2,
      [fn](Args& a) -> py::object { return py::int_(fn(as<T>(a.ptr(0)), static_cast<V>(a.i64(1)))); }, doc);
}

// A getter `name(handle)` -> value over C `fn(const T*)`.
template <typename T, typename R>
void getter(py::module_& m, const char* name, R (*fn)(const T*), const char* doc) {
  defn(
      m, name, {"desc"}, 1,
      [fn](Args& a) -> py::object {
        R v = fn(as<const T>(a.ptr(0)));
        if constexpr (std::is_pointer<R>::value)
          return ptr_obj(v);
        else
          return py::int_(static_cast<int64_t>(v));
      },
      doc);
}

// `name()` -> handle, and `destroy(handle)` -> ret.
template <typename T>
void create_destroy(py::module_& m, const char* create, T* (*make)(), const char* destroy, aclError (*drop)(T*)) {
  defn(
      m, create, {}, 0, [make](Args&) -> py::object { return ptr_obj(make()); }, "desc = acl.media.<create>()");
  defn(
      m, destroy, {"desc"}, 1, [drop](Args& a) -> py::object { return py::int_(drop(as<T>(a.ptr(0)))); },
      "ret = acl.media.<destroy>(desc)");
}

}  // namespace
#endif

void bind_media(py::module_& m) {
#ifdef ACL_PYACL_HAS_DVPP
  // ---- memory
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
  create_destroy<acldvppPicDesc>(m, "dvpp_create_pic_desc", acldvppCreatePicDesc, "dvpp_destroy_pic_desc",
                                 acldvppDestroyPicDesc);
  defn(
      m, "dvpp_set_pic_desc_data", {"desc", "data"}, 2,
      [](Args& a) -> py::object {
        return py::int_(acldvppSetPicDescData(as<acldvppPicDesc>(a.ptr(0)), as<void>(a.ptr(1))));
      },
      "ret = acl.media.dvpp_set_pic_desc_data(desc, data)");
  setter(m, "dvpp_set_pic_desc_size", acldvppSetPicDescSize, "ret = acl.media.dvpp_set_pic_desc_size(desc, size)");
  setter(m, "dvpp_set_pic_desc_format", acldvppSetPicDescFormat, "ret = acl.media.dvpp_set_pic_desc_format(desc, fmt)");
  setter(m, "dvpp_set_pic_desc_width", acldvppSetPicDescWidth, "ret = acl.media.dvpp_set_pic_desc_width(desc, w)");
  setter(m, "dvpp_set_pic_desc_height", acldvppSetPicDescHeight, "ret = acl.media.dvpp_set_pic_desc_height(desc, h)");
  setter(m, "dvpp_set_pic_desc_width_stride", acldvppSetPicDescWidthStride,
         "ret = acl.media.dvpp_set_pic_desc_width_stride(desc, ws)");
  setter(m, "dvpp_set_pic_desc_height_stride", acldvppSetPicDescHeightStride,
         "ret = acl.media.dvpp_set_pic_desc_height_stride(desc, hs)");
  setter(m, "dvpp_set_pic_desc_ret_code", acldvppSetPicDescRetCode,
         "ret = acl.media.dvpp_set_pic_desc_ret_code(desc, code)");
  getter(m, "dvpp_get_pic_desc_data", acldvppGetPicDescData, "data = acl.media.dvpp_get_pic_desc_data(desc)");
  getter(m, "dvpp_get_pic_desc_size", acldvppGetPicDescSize, "size = acl.media.dvpp_get_pic_desc_size(desc)");
  getter(m, "dvpp_get_pic_desc_format", acldvppGetPicDescFormat, "fmt = acl.media.dvpp_get_pic_desc_format(desc)");
  getter(m, "dvpp_get_pic_desc_width", acldvppGetPicDescWidth, "w = acl.media.dvpp_get_pic_desc_width(desc)");
  getter(m, "dvpp_get_pic_desc_height", acldvppGetPicDescHeight, "h = acl.media.dvpp_get_pic_desc_height(desc)");
  getter(m, "dvpp_get_pic_desc_width_stride", acldvppGetPicDescWidthStride,
         "ws = acl.media.dvpp_get_pic_desc_width_stride(desc)");
  getter(m, "dvpp_get_pic_desc_height_stride", acldvppGetPicDescHeightStride,
         "hs = acl.media.dvpp_get_pic_desc_height_stride(desc)");
  getter(m, "dvpp_get_pic_desc_ret_code", acldvppGetPicDescRetCode,
         "code = acl.media.dvpp_get_pic_desc_ret_code(desc)");

  // ---- channels
  create_destroy<acldvppChannelDesc>(m, "dvpp_create_channel_desc", acldvppCreateChannelDesc,
                                     "dvpp_destroy_channel_desc", acldvppDestroyChannelDesc);
  defn(
      m, "dvpp_create_channel", {"channel_desc"}, 1,
      [](Args& a) -> py::object { return py::int_(acldvppCreateChannel(as<acldvppChannelDesc>(a.ptr(0)))); },
      "ret = acl.media.dvpp_create_channel(channel_desc)");
  defn(
      m, "dvpp_destroy_channel", {"channel_desc"}, 1,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        return py::int_(call_nogil([&] { return acldvppDestroyChannel(ch); }));
      },
      "ret = acl.media.dvpp_destroy_channel(channel_desc)");
  setter(m, "dvpp_set_channel_desc_mode", acldvppSetChannelDescMode,
         "ret = acl.media.dvpp_set_channel_desc_mode(channel_desc, mode)");
  getter(m, "dvpp_get_channel_desc_channel_id", acldvppGetChannelDescChannelId,
         "id = acl.media.dvpp_get_channel_desc_channel_id(channel_desc)");

  // ---- configurations
  defn(
      m, "dvpp_create_roi_config", {"left", "right", "top", "bottom"}, 4,
      [](Args& a) -> py::object { return ptr_obj(acldvppCreateRoiConfig(a.u32(0), a.u32(1), a.u32(2), a.u32(3))); },
      "roi = acl.media.dvpp_create_roi_config(left, right, top, bottom)");
  defn(
      m, "dvpp_destroy_roi_config", {"roi"}, 1,
      [](Args& a) -> py::object { return py::int_(acldvppDestroyRoiConfig(as<acldvppRoiConfig>(a.ptr(0)))); },
      "ret = acl.media.dvpp_destroy_roi_config(roi)");
  defn(
      m, "dvpp_set_roi_config", {"roi", "left", "right", "top", "bottom"}, 5,
      [](Args& a) -> py::object {
        return py::int_(acldvppSetRoiConfig(as<acldvppRoiConfig>(a.ptr(0)), a.u32(1), a.u32(2), a.u32(3), a.u32(4)));
      },
      "ret = acl.media.dvpp_set_roi_config(roi, left, right, top, bottom)");
  create_destroy<acldvppResizeConfig>(m, "dvpp_create_resize_config", acldvppCreateResizeConfig,
                                      "dvpp_destroy_resize_config", acldvppDestroyResizeConfig);
  setter(m, "dvpp_set_resize_config_interpolation", acldvppSetResizeConfigInterpolation,
         "ret = acl.media.dvpp_set_resize_config_interpolation(config, interpolation)");
  getter(m, "dvpp_get_resize_config_interpolation", acldvppGetResizeConfigInterpolation,
         "interpolation = acl.media.dvpp_get_resize_config_interpolation(config)");
  create_destroy<acldvppJpegeConfig>(m, "dvpp_create_jpege_config", acldvppCreateJpegeConfig,
                                     "dvpp_destroy_jpege_config", acldvppDestroyJpegeConfig);
  setter(m, "dvpp_set_jpege_config_level", acldvppSetJpegeConfigLevel,
         "ret = acl.media.dvpp_set_jpege_config_level(config, level)");
  getter(m, "dvpp_get_jpege_config_level", acldvppGetJpegeConfigLevel,
         "level = acl.media.dvpp_get_jpege_config_level(config)");

  // ---- JPEG
  defn(
      m, "dvpp_jpeg_get_image_info", {"data", "size"}, 2,
      [](Args& a) -> py::object {
        uint32_t w = 0, h = 0;
        int32_t c = 0;
        const void* data = as<const void>(a.ptr(0));
        uint32_t size = a.u32(1);
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(0), size, false)) return py::make_tuple(w, h, c, e);
        aclError ret = call_nogil([&] { return acldvppJpegGetImageInfo(data, size, &w, &h, &c); });
        return py::make_tuple(w, h, c, ret);
      },
      "width, height, components, ret = acl.media.dvpp_jpeg_get_image_info(data, size)");
  defn(
      m, "dvpp_jpeg_get_image_info_v2", {"data", "size"}, 2,
      [](Args& a) -> py::object {
        uint32_t w = 0, h = 0;
        int32_t c = 0;
        acldvppJpegFormat f = ACL_JPEG_CSS_UNKNOWN;
        const void* data = as<const void>(a.ptr(0));
        uint32_t size = a.u32(1);
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(0), size, false))
          return py::make_tuple(w, h, c, static_cast<int>(f), e);
        aclError ret = call_nogil([&] { return acldvppJpegGetImageInfoV2(data, size, &w, &h, &c, &f); });
        return py::make_tuple(w, h, c, static_cast<int>(f), ret);
      },
      "width, height, components, format, ret = acl.media.dvpp_jpeg_get_image_info_v2(data, size)");
  defn(
      m, "dvpp_jpeg_predict_dec_size", {"data", "size", "output_pixel_format"}, 3,
      [](Args& a) -> py::object {
        uint32_t out = 0;
        const void* data = as<const void>(a.ptr(0));
        uint32_t size = a.u32(1);
        auto fmt = static_cast<acldvppPixelFormat>(a.i32(2));
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(0), size, false)) return pair(py::int_(out), e);
        aclError ret = call_nogil([&] { return acldvppJpegPredictDecSize(data, size, fmt, &out); });
        return pair(py::int_(out), ret);
      },
      "decode_size, ret = acl.media.dvpp_jpeg_predict_dec_size(data, size, output_pixel_format)");
  defn(
      m, "dvpp_jpeg_decode_async", {"channel_desc", "data", "size", "output_desc", "stream"}, 5,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        const void* data = as<const void>(a.ptr(1));
        uint32_t size = a.u32(2);
        auto* out = as<acldvppPicDesc>(a.ptr(3));
        aclrtStream s = as<void>(a.ptr(4));
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(1), size, true)) return py::int_(e);
        return py::int_(call_nogil([&] { return acldvppJpegDecodeAsync(ch, data, size, out, s); }));
      },
      "ret = acl.media.dvpp_jpeg_decode_async(channel_desc, data, size, output_desc, stream)");
  defn(
      m, "dvpp_jpeg_predict_enc_size", {"input_desc", "config"}, 2,
      [](Args& a) -> py::object {
        uint32_t out = 0;
        aclError ret = acldvppJpegPredictEncSize(as<const acldvppPicDesc>(a.ptr(0)),
                                                 as<const acldvppJpegeConfig>(a.ptr(1)), &out);
        return pair(py::int_(out), ret);
      },
      "size, ret = acl.media.dvpp_jpeg_predict_enc_size(input_desc, config)");
  defn(
      m, "dvpp_jpeg_encode_async", {"channel_desc", "input_desc", "data", "size_ptr", "config", "stream"}, 6,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        const void* data = as<const void>(a.ptr(2));
        auto* size = as<uint32_t>(a.ptr(3));  // pyACL: the address of a uint32 (np.array(...).ctypes / bytes_to_ptr)
        auto* cfg = as<acldvppJpegeConfig>(a.ptr(4));
        aclrtStream s = as<void>(a.ptr(5));
        if (!size) return py::int_(refuse(ACL_ERROR_INVALID_PARAM, "%s: size_ptr must not be 0", a.fn().c_str()));
        // *size_ptr is read now and written by the task: host memory pyACL handed out.
        if (aclError e = ranges::admit(a.fn(), "size_ptr", a.ptr(3), sizeof(uint32_t), false)) return py::int_(e);
        return py::int_(call_nogil([&] { return acldvppJpegEncodeAsync(ch, in, data, size, cfg, s); }));
      },
      "ret = acl.media.dvpp_jpeg_encode_async(channel_desc, input_desc, data, size_ptr, config, stream)");

  // ---- PNG
  defn(
      m, "dvpp_png_get_image_info", {"data", "size"}, 2,
      [](Args& a) -> py::object {
        uint32_t w = 0, h = 0;
        int32_t c = 0;
        const void* data = as<const void>(a.ptr(0));
        uint32_t size = a.u32(1);
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(0), size, false)) return py::make_tuple(w, h, c, e);
        aclError ret = call_nogil([&] { return acldvppPngGetImageInfo(data, size, &w, &h, &c); });
        return py::make_tuple(w, h, c, ret);
      },
      "width, height, components, ret = acl.media.dvpp_png_get_image_info(data, size)");
  defn(
      m, "dvpp_png_predict_dec_size", {"data", "size", "output_pixel_format"}, 3,
      [](Args& a) -> py::object {
        uint32_t out = 0;
        const void* data = as<const void>(a.ptr(0));
        uint32_t size = a.u32(1);
        auto fmt = static_cast<acldvppPixelFormat>(a.i32(2));
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(0), size, false)) return pair(py::int_(out), e);
        aclError ret = call_nogil([&] { return acldvppPngPredictDecSize(data, size, fmt, &out); });
        return pair(py::int_(out), ret);
      },
      "decode_size, ret = acl.media.dvpp_png_predict_dec_size(data, size, output_pixel_format)");
  defn(
      m, "dvpp_png_decode_async", {"channel_desc", "data", "size", "output_desc", "stream"}, 5,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        const void* data = as<const void>(a.ptr(1));
        uint32_t size = a.u32(2);
        auto* out = as<acldvppPicDesc>(a.ptr(3));
        aclrtStream s = as<void>(a.ptr(4));
        if (aclError e = ranges::admit(a.fn(), "data", a.ptr(1), size, true)) return py::int_(e);
        return py::int_(call_nogil([&] { return acldvppPngDecodeAsync(ch, data, size, out, s); }));
      },
      "ret = acl.media.dvpp_png_decode_async(channel_desc, data, size, output_desc, stream)");

  // ---- VPC
  defn(
      m, "dvpp_vpc_resize_async", {"channel_desc", "input_desc", "output_desc", "resize_config", "stream"}, 5,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        auto* out = as<acldvppPicDesc>(a.ptr(2));
        auto* cfg = as<acldvppResizeConfig>(a.ptr(3));
        aclrtStream s = as<void>(a.ptr(4));
        return py::int_(call_nogil([&] { return acldvppVpcResizeAsync(ch, in, out, cfg, s); }));
      },
      "ret = acl.media.dvpp_vpc_resize_async(channel_desc, input_desc, output_desc, resize_config, stream)");
  defn(
      m, "dvpp_vpc_crop_async", {"channel_desc", "input_desc", "output_desc", "crop_area", "stream"}, 5,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        auto* out = as<acldvppPicDesc>(a.ptr(2));
        auto* roi = as<acldvppRoiConfig>(a.ptr(3));
        aclrtStream s = as<void>(a.ptr(4));
        return py::int_(call_nogil([&] { return acldvppVpcCropAsync(ch, in, out, roi, s); }));
      },
      "ret = acl.media.dvpp_vpc_crop_async(channel_desc, input_desc, output_desc, crop_area, stream)");
  defn(
      m, "dvpp_vpc_crop_and_paste_async",
      {"channel_desc", "input_desc", "output_desc", "crop_area", "paste_area", "stream"}, 6,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        auto* out = as<acldvppPicDesc>(a.ptr(2));
        auto* crop = as<acldvppRoiConfig>(a.ptr(3));
        auto* paste = as<acldvppRoiConfig>(a.ptr(4));
        aclrtStream s = as<void>(a.ptr(5));
        return py::int_(call_nogil([&] { return acldvppVpcCropAndPasteAsync(ch, in, out, crop, paste, s); }));
      },
      "ret = acl.media.dvpp_vpc_crop_and_paste_async(channel_desc, input_desc, output_desc, crop_area, "
      "paste_area, stream)");
  defn(
      m, "dvpp_vpc_convert_color_async", {"channel_desc", "input_desc", "output_desc", "stream"}, 4,
      [](Args& a) -> py::object {
        auto* ch = as<acldvppChannelDesc>(a.ptr(0));
        auto* in = as<acldvppPicDesc>(a.ptr(1));
        auto* out = as<acldvppPicDesc>(a.ptr(2));
        aclrtStream s = as<void>(a.ptr(3));
        return py::int_(call_nogil([&] { return acldvppVpcConvertColorAsync(ch, in, out, s); }));
      },
      "ret = acl.media.dvpp_vpc_convert_color_async(channel_desc, input_desc, output_desc, stream)");
#else
  (void)m;
#endif
}

}  // namespace pyacl
