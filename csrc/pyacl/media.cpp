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

#include <algorithm>
#include <limits>
#include <vector>

#include "common.h"

namespace pyacl {

void bind_media_video(py::module_& m);  // media_video.cpp: acl.media.vdec_*

#ifdef ACL_PYACL_HAS_DVPP
namespace {

// Argument i: a list (or tuple) of ints, as a C array of T (uint32 counts or handles).
template <typename T>
std::vector<T> ints(const Args& a, size_t i) {
  py::handle h = a.get(i);
  if (!py::isinstance<py::list>(h) && !py::isinstance<py::tuple>(h)) a.type_error(i, "a list of ints");
  std::vector<T> out;
  for (py::handle x : h) {
    if (!py::isinstance<py::int_>(x)) a.type_error(i, "a list of ints");
    uint64_t v = 0;
    try {
      v = x.cast<uint64_t>();
    } catch (const py::cast_error&) {
      a.range_error(i);
    }
    if (v > std::numeric_limits<T>::max()) a.range_error(i);
    out.push_back(static_cast<T>(v));
  }
  return out;
}

template <typename H>
std::vector<H*> handles(const Args& a, size_t i) {
  std::vector<H*> out;
  for (uintptr_t v : ints<uintptr_t>(a, i)) out.push_back(reinterpret_cast<H*>(v));
  return out;
}

// The arguments shared by the batch VPC calls: (channel_desc, src, roi_nums_list, dst, crop_area_list,
// [paste_area_list at `paste`], [resize_config at `resize`], stream last). The C function reads
// roiNums[0..size) and one crop (paste) area per ROI: shorter lists are refused here, before C reads past them.
struct Batch {
  acldvppChannelDesc* ch;
  acldvppBatchPicDesc* src;
  std::vector<uint32_t> nums;
  acldvppBatchPicDesc* dst;
  std::vector<acldvppRoiConfig*> crops, pastes;
  acldvppResizeConfig* resize = nullptr;
  aclrtStream stream;
  size_t rois = 0;
  aclError refused = ACL_SUCCESS;

  Batch(const Args& a, size_t crop, size_t paste, size_t resize_at)
      : ch(as<acldvppChannelDesc>(a.ptr(0))),
        src(as<acldvppBatchPicDesc>(a.ptr(1))),
        nums(ints<uint32_t>(a, 2)),
        dst(as<acldvppBatchPicDesc>(a.ptr(3))),
        crops(handles<acldvppRoiConfig>(a, crop)),
        stream(as<void>(a.ptr(std::max({crop, paste, resize_at}) + 1))) {
    if (paste) pastes = handles<acldvppRoiConfig>(a, paste);
    if (resize_at) resize = as<acldvppResizeConfig>(a.ptr(resize_at));
    for (uint32_t n : nums) rois += n;
    if (crops.size() < rois || (paste && pastes.size() < rois))
      refused = refuse(ACL_ERROR_INVALID_PARAM, "%s: crop/paste area lists have fewer than sum(roi_nums_list) = %zu entries",
                       a.fn().c_str(), rois);
  }
  uint32_t size() const { return static_cast<uint32_t>(nums.size()); }
};

}  // namespace
#endif

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
  bind<acldvppCreatePicDesc>(m, "dvpp_create_pic_desc", Call{"desc"});
  bind<acldvppDestroyPicDesc>(m, "dvpp_destroy_pic_desc", Call{"ret"}, In{"desc"});
  bind<acldvppSetPicDescData>(m, "dvpp_set_pic_desc_data", Call{"ret"}, In{"desc"}, In{"data"});
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
  bind<acldvppGetPicDescData, Quick>(m, "dvpp_get_pic_desc_data", Call{"data"}, In{"desc"});
  bind<acldvppGetPicDescSize, Quick>(m, "dvpp_get_pic_desc_size", Call{"size"}, In{"desc"});
  bind<acldvppGetPicDescFormat, Quick>(m, "dvpp_get_pic_desc_format", Call{"fmt"}, In{"desc"});
  bind<acldvppGetPicDescWidth, Quick>(m, "dvpp_get_pic_desc_width", Call{"w"}, In{"desc"});
  bind<acldvppGetPicDescHeight, Quick>(m, "dvpp_get_pic_desc_height", Call{"h"}, In{"desc"});
  bind<acldvppGetPicDescWidthStride, Quick>(m, "dvpp_get_pic_desc_width_stride", Call{"ws"}, In{"desc"});
  bind<acldvppGetPicDescHeightStride, Quick>(m, "dvpp_get_pic_desc_height_stride", Call{"hs"}, In{"desc"});
  bind<acldvppGetPicDescRetCode, Quick>(m, "dvpp_get_pic_desc_ret_code", Call{"code"}, In{"desc"});

  // ---- channels
  bind<acldvppCreateChannelDesc>(m, "dvpp_create_channel_desc", Call{"desc"});
  bind<acldvppDestroyChannelDesc>(m, "dvpp_destroy_channel_desc", Call{"ret"}, In{"desc"});
  bind<acldvppCreateChannel>(m, "dvpp_create_channel", Call{"ret"}, In{"channel_desc"});
  bind<acldvppDestroyChannel>(m, "dvpp_destroy_channel", Call{"ret"}, In{"channel_desc"});
  bind<acldvppSetChannelDescMode>(m, "dvpp_set_channel_desc_mode",
                                  "ret = acl.media.dvpp_set_channel_desc_mode(channel_desc, mode)", In{"desc"},
                                  In{"value"});
  bind<acldvppGetChannelDescChannelId, Quick>(m, "dvpp_get_channel_desc_channel_id",
                                              "id = acl.media.dvpp_get_channel_desc_channel_id(channel_desc)",
                                              In{"desc"});

  // ---- configurations
  bind<acldvppCreateRoiConfig>(m, "dvpp_create_roi_config", Call{"roi"}, In{"left"}, In{"right"}, In{"top"},
                               In{"bottom"});
  bind<acldvppDestroyRoiConfig>(m, "dvpp_destroy_roi_config", Call{"ret"}, In{"roi"});
  bind<acldvppSetRoiConfig>(m, "dvpp_set_roi_config", Call{"ret"}, In{"roi"}, In{"left"}, In{"right"}, In{"top"},
                            In{"bottom"});
  bind<acldvppSetRoiConfigLeft>(m, "dvpp_set_roi_config_left", Call{"ret"}, In{"roi"}, In{"left"});
  bind<acldvppSetRoiConfigRight>(m, "dvpp_set_roi_config_right", Call{"ret"}, In{"roi"}, In{"right"});
  bind<acldvppSetRoiConfigTop>(m, "dvpp_set_roi_config_top", Call{"ret"}, In{"roi"}, In{"top"});
  bind<acldvppSetRoiConfigBottom>(m, "dvpp_set_roi_config_bottom", Call{"ret"}, In{"roi"}, In{"bottom"});
  bind<acldvppCreateResizeConfig>(m, "dvpp_create_resize_config", Call{"config"});
  bind<acldvppDestroyResizeConfig>(m, "dvpp_destroy_resize_config", Call{"ret"}, In{"desc"});
  bind<acldvppSetResizeConfigInterpolation>(m, "dvpp_set_resize_config_interpolation",
                                            "ret = acl.media.dvpp_set_resize_config_interpolation(config, interpolation)",
                                            In{"desc"}, In{"value"});
  bind<acldvppGetResizeConfigInterpolation, Quick>(
      m, "dvpp_get_resize_config_interpolation",
      "interpolation = acl.media.dvpp_get_resize_config_interpolation(config)", In{"desc"});
  bind<acldvppCreateJpegeConfig>(m, "dvpp_create_jpege_config", Call{"config"});
  bind<acldvppDestroyJpegeConfig>(m, "dvpp_destroy_jpege_config", Call{"ret"}, In{"desc"});
  bind<acldvppSetJpegeConfigLevel>(m, "dvpp_set_jpege_config_level",
                                   "ret = acl.media.dvpp_set_jpege_config_level(config, level)", In{"desc"},
                                   In{"value"});
  bind<acldvppGetJpegeConfigLevel, Quick>(m, "dvpp_get_jpege_config_level",
                                          "level = acl.media.dvpp_get_jpege_config_level(config)", In{"desc"});

  // ---- JPEG: `data` of the image info and size predictions is host memory read by the C call.
  bind<acldvppJpegGetImageInfo>(m, "dvpp_jpeg_get_image_info", Call{"width, height, components, ret"},
                                HostPtr<1>{"data"}, In{"size"}, Out(), Out(), Out());
  bind<acldvppJpegGetImageInfoV2>(m, "dvpp_jpeg_get_image_info_v2", Call{"width, height, components, format, ret"},
                                  HostPtr<1>{"data"}, In{"size"}, Out(), Out(), Out(), Out());
  bind<acldvppJpegPredictDecSize>(m, "dvpp_jpeg_predict_dec_size", Call{"decode_size, ret"}, HostPtr<1>{"data"},
                                  In{"size"}, In{"output_pixel_format"}, Out());
  bind<acldvppJpegDecodeAsync>(m, "dvpp_jpeg_decode_async", Call{"ret"}, In{"channel_desc"}, CheckedPtr<2>{"data"},
                               In{"size"}, In{"output_desc"}, In{"stream"});
  bind<acldvppJpegPredictEncSize>(m, "dvpp_jpeg_predict_enc_size", Call{"size, ret"}, In{"input_desc"}, In{"config"},
                                  Out());
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
  bind<acldvppPngGetImageInfo>(m, "dvpp_png_get_image_info", Call{"width, height, components, ret"}, HostPtr<1>{"data"},
                               In{"size"}, Out(), Out(), Out());
  bind<acldvppPngPredictDecSize>(m, "dvpp_png_predict_dec_size", Call{"decode_size, ret"}, HostPtr<1>{"data"},
                                 In{"size"}, In{"output_pixel_format"}, Out());
  bind<acldvppPngDecodeAsync>(m, "dvpp_png_decode_async", Call{"ret"}, In{"channel_desc"}, CheckedPtr<2>{"data"},
                              In{"size"}, In{"output_desc"}, In{"stream"});

  // ---- VPC
  bind<acldvppVpcResizeAsync>(m, "dvpp_vpc_resize_async", Call{"ret"}, In{"channel_desc"}, In{"input_desc"},
                              In{"output_desc"}, In{"resize_config"}, In{"stream"});
  bind<acldvppVpcCropAsync>(m, "dvpp_vpc_crop_async", Call{"ret"}, In{"channel_desc"}, In{"input_desc"},
                            In{"output_desc"}, In{"crop_area"}, In{"stream"});
  bind<acldvppVpcCropAndPasteAsync>(m, "dvpp_vpc_crop_and_paste_async", Call{"ret"}, In{"channel_desc"},
                                    In{"input_desc"}, In{"output_desc"}, In{"crop_area"}, In{"paste_area"},
                                    In{"stream"});
  bind<acldvppVpcConvertColorAsync>(m, "dvpp_vpc_convert_color_async", Call{"ret"}, In{"channel_desc"},
                                    In{"input_desc"}, In{"output_desc"}, In{"stream"});
  bind<acldvppVpcCropResizeAsync>(m, "dvpp_vpc_crop_resize_async", Call{"ret"}, In{"channel_desc"}, In{"input_desc"},
                                  In{"output_desc"}, In{"crop_area"}, In{"resize_config"}, In{"stream"});
  bind<acldvppVpcCropResizePasteAsync>(m, "dvpp_vpc_crop_resize_paste_async", Call{"ret"}, In{"channel_desc"},
                                       In{"input_desc"}, In{"output_desc"}, In{"crop_area"}, In{"paste_area"},
                                       In{"resize_config"}, In{"stream"});

  // ---- batches of pictures
  bind<acldvppCreateBatchPicDesc>(m, "dvpp_create_batch_pic_desc", Call{"batch_desc"}, In{"batch_size"});
  bind<acldvppGetPicDesc, Quick>(m, "dvpp_get_pic_desc", Call{"desc"}, In{"batch_desc"}, In{"index"});
  bind<acldvppDestroyBatchPicDesc>(m, "dvpp_destroy_batch_pic_desc", Call{"ret"}, In{"batch_desc"});
  // The batch VPC calls take Python lists for the C arrays (pyACL's roi_nums_list, crop_area_list, ...).
  defn(
      m, "dvpp_vpc_batch_crop_async",
      {"channel_desc", "src_batch_pic_descs", "roi_nums_list", "dst_batch_pic_descs", "crop_area_list", "stream"}, 6,
      [](Args& a) -> py::object {
        Batch b(a, 4, 0, 0);
        aclError ret = b.refused ? b.refused : call_nogil([&] {
          return acldvppVpcBatchCropAsync(b.ch, b.src, b.nums.data(), b.size(), b.dst, b.crops.data(), b.stream);
        });
        return pair(ptr_obj(b.dst), ret);
      },
      "dst_batch_pic_descs, ret = acl.media.dvpp_vpc_batch_crop_async(channel_desc, src_batch_pic_descs, "
      "roi_nums_list, dst_batch_pic_descs, crop_area_list, stream)");
  defn(
      m, "dvpp_vpc_batch_crop_resize_async",
      {"channel_desc", "src_batch_pic_descs", "roi_nums_list", "dst_batch_pic_descs", "crop_area_list",
       "resize_config", "stream"},
      7,
      [](Args& a) -> py::object {
        Batch b(a, 4, 0, 5);
        return py::int_(b.refused ? b.refused : call_nogil([&] {
          return acldvppVpcBatchCropResizeAsync(b.ch, b.src, b.nums.data(), b.size(), b.dst, b.crops.data(),
                                                b.resize, b.stream);
        }));
      },
      "ret = acl.media.dvpp_vpc_batch_crop_resize_async(channel_desc, src_batch_pic_descs, roi_nums_list, "
      "dst_batch_pic_descs, crop_area_list, resize_config, stream)");
  defn(
      m, "dvpp_vpc_batch_crop_and_paste_async",
      {"channel_desc", "src_batch_pic_descs", "roi_nums_list", "dst_batch_pic_descs", "crop_area_list",
       "paste_area_list", "stream"},
      7,
      [](Args& a) -> py::object {
        Batch b(a, 4, 5, 0);
        aclError ret = b.refused ? b.refused : call_nogil([&] {
          return acldvppVpcBatchCropAndPasteAsync(b.ch, b.src, b.nums.data(), b.size(), b.dst, b.crops.data(),
                                                  b.pastes.data(), b.stream);
        });
        return pair(ptr_obj(b.dst), ret);
      },
      "dst_batch_pic_descs, ret = acl.media.dvpp_vpc_batch_crop_and_paste_async(channel_desc, "
      "src_batch_pic_descs, roi_nums_list, dst_batch_pic_descs, crop_area_list, paste_area_list, stream)");
  defn(
      m, "dvpp_vpc_batch_crop_resize_paste_async",
      {"channel_desc", "src_batch_pic_descs", "roi_nums_list", "dst_batch_pic_descs", "crop_area_list",
       "paste_area_list", "resize_config", "stream"},
      8,
      [](Args& a) -> py::object {
        Batch b(a, 4, 5, 6);
        return py::int_(b.refused ? b.refused : call_nogil([&] {
          return acldvppVpcBatchCropResizePasteAsync(b.ch, b.src, b.nums.data(), b.size(), b.dst, b.crops.data(),
                                                     b.pastes.data(), b.resize, b.stream);
        }));
      },
      "ret = acl.media.dvpp_vpc_batch_crop_resize_paste_async(channel_desc, src_batch_pic_descs, roi_nums_list, "
      "dst_batch_pic_descs, crop_area_list, paste_area_list, resize_config, stream)");
  defn(
      m, "dvpp_vpc_batch_crop_resize_make_border_async",
      {"channel_desc", "src_batch_pic_descs", "roi_nums_list", "dst_batch_pic_descs", "crop_area_list",
       "border_config_list", "resize_config", "stream"},
      8,
      [](Args& a) -> py::object {
        Batch b(a, 4, 0, 6);
        std::vector<acldvppBorderConfig*> borders = handles<acldvppBorderConfig>(a, 5);
        if (!b.refused && borders.size() < b.rois)
          b.refused = refuse(ACL_ERROR_INVALID_PARAM, "%s: border_config_list has fewer than %zu entries",
                             a.fn().c_str(), b.rois);
        return py::int_(b.refused ? b.refused : call_nogil([&] {
          return acldvppVpcBatchCropResizeMakeBorderAsync(b.ch, b.src, b.nums.data(), b.size(), b.dst,
                                                          b.crops.data(), borders.data(), b.resize, b.stream);
        }));
      },
      "ret = acl.media.dvpp_vpc_batch_crop_resize_make_border_async(channel_desc, src_batch_pic_descs, "
      "roi_nums_list, dst_batch_pic_descs, crop_area_list, border_config_list, resize_config, stream)");

  // ---- borders
  bind<acldvppCreateBorderConfig>(m, "dvpp_create_border_config", Call{"config"});
  bind<acldvppDestroyBorderConfig>(m, "dvpp_destroy_border_config", Call{"ret"}, In{"config"});
  bind<acldvppSetBorderConfigValue>(m, "dvpp_set_border_config_value", Call{"ret"}, In{"config"}, In{"index"},
                                    In{"value"});
  bind<acldvppSetBorderConfigBorderType>(m, "dvpp_set_border_config_border_type", Call{"ret"}, In{"config"},
                                         In{"border_type"});
  bind<acldvppSetBorderConfigTop>(m, "dvpp_set_border_config_top", Call{"ret"}, In{"config"}, In{"top"});
  bind<acldvppSetBorderConfigBottom>(m, "dvpp_set_border_config_bottom", Call{"ret"}, In{"config"}, In{"bottom"});
  bind<acldvppSetBorderConfigLeft>(m, "dvpp_set_border_config_left", Call{"ret"}, In{"config"}, In{"left"});
  bind<acldvppSetBorderConfigRight>(m, "dvpp_set_border_config_right", Call{"ret"}, In{"config"}, In{"right"});
  bind<acldvppGetBorderConfigValue, Quick>(m, "dvpp_get_border_config_value", Call{"value"}, In{"config"}, In{"index"});
  bind<acldvppGetBorderConfigBorderType, Quick>(m, "dvpp_get_border_config_border_type", Call{"border_type"},
                                                In{"config"});
  bind<acldvppGetBorderConfigTop, Quick>(m, "dvpp_get_border_config_top", Call{"top"}, In{"config"});
  bind<acldvppGetBorderConfigBottom, Quick>(m, "dvpp_get_border_config_bottom", Call{"bottom"}, In{"config"});
  bind<acldvppGetBorderConfigLeft, Quick>(m, "dvpp_get_border_config_left", Call{"left"}, In{"config"});
  bind<acldvppGetBorderConfigRight, Quick>(m, "dvpp_get_border_config_right", Call{"right"}, In{"config"});
  bind<acldvppVpcMakeBorderAsync>(m, "dvpp_vpc_make_border_async", Call{"ret"}, In{"channel_desc"}, In{"input_desc"},
                                  In{"output_desc"}, In{"border_config"}, In{"stream"});

  // ---- pyramids, histograms, LUT equalisation (the host runtime answers ACL_ERROR_FEATURE_UNSUPPORTED)
  bind<acldvppVpcPyrDownAsync>(m, "dvpp_vpc_pyr_down_async", Call{"ret"}, In{"channel_desc"}, In{"input_desc"},
                               In{"output_desc"}, In{"reserve"}, In{"stream"});
  bind<acldvppCreateHist>(m, "dvpp_create_hist", Call{"hist"});
  bind<acldvppDestroyHist>(m, "dvpp_destroy_hist", Call{"ret"}, In{"hist"});
  bind<acldvppGetHistDims, Quick>(m, "dvpp_get_hist_dims", Call{"dims"}, In{"hist"});
  bind<acldvppGetHistData>(m, "dvpp_get_hist_data", Call{"data, length, ret"}, In{"hist"}, In{"dim"}, Out(), Out());
  bind<acldvppGetHistRetCode, Quick>(m, "dvpp_get_hist_ret_code", Call{"code"}, In{"hist"});
  bind<acldvppClearHist>(m, "dvpp_clear_hist", Call{"ret"}, In{"hist"});
  bind<acldvppVpcCalcHistAsync>(m, "dvpp_vpc_calc_hist_async", Call{"ret"}, In{"channel_desc"}, In{"src_pic_desc"},
                                In{"hist"}, In{"reserve"}, In{"stream"});
  bind<acldvppCreateLutMap>(m, "dvpp_create_lut_map", Call{"lut_map"});
  bind<acldvppDestroyLutMap>(m, "dvpp_destroy_lut_map", Call{"ret"}, In{"lut_map"});
  bind<acldvppGetLutMapDims, Quick>(m, "dvpp_get_lut_map_dims", Call{"dims"}, In{"lut_map"});
  bind<acldvppGetLutMapData>(m, "dvpp_get_lut_map_data", Call{"data, length, ret"}, In{"lut_map"}, In{"dim"}, Out(),
                             Out());
  bind<acldvppVpcEqualizeHistAsync>(m, "dvpp_vpc_equalize_hist_async", Call{"ret"}, In{"channel_desc"},
                                    In{"input_desc"}, In{"output_desc"}, In{"lut_map"}, In{"stream"});

  // ---- channel parameters: `param` is host memory of `length` bytes
  bind<acldvppSetChannelDescParam>(m, "dvpp_set_channel_desc_param", Call{"ret"}, In{"channel_desc"}, In{"param_type"},
                                   In{"length"}, HostPtr<2>{"param"});
  bind<acldvppGetChannelDescParam>(m, "dvpp_get_channel_desc_param", Call{"ret_size, ret"}, In{"channel_desc"},
                                   In{"param_type"}, In{"length"}, Out(), HostPtr<2>{"param"});

  // ---- stream descriptions (video decode's input; acllite's dvpp_vdec)
  bind<acldvppCreateStreamDesc>(m, "dvpp_create_stream_desc", Call{"desc"});
  bind<acldvppDestroyStreamDesc>(m, "dvpp_destroy_stream_desc", Call{"ret"}, In{"desc"});
  bind<acldvppSetStreamDescData>(m, "dvpp_set_stream_desc_data", Call{"ret"}, In{"desc"}, In{"data"});
  bind<acldvppSetStreamDescSize>(m, "dvpp_set_stream_desc_size", Call{"ret"}, In{"desc"}, In{"size"});
  bind<acldvppSetStreamDescFormat>(m, "dvpp_set_stream_desc_format", Call{"ret"}, In{"desc"}, In{"format"});
  bind<acldvppSetStreamDescTimestamp>(m, "dvpp_set_stream_desc_timestamp", Call{"ret"}, In{"desc"}, In{"timestamp"});
  bind<acldvppSetStreamDescRetCode>(m, "dvpp_set_stream_desc_ret_code", Call{"ret"}, In{"desc"}, In{"ret_code"});
  bind<acldvppSetStreamDescEos>(m, "dvpp_set_stream_desc_eos", Call{"ret"}, In{"desc"}, In{"eos"});
  bind<acldvppGetStreamDescData, Quick>(m, "dvpp_get_stream_desc_data", Call{"data"}, In{"desc"});
  bind<acldvppGetStreamDescSize, Quick>(m, "dvpp_get_stream_desc_size", Call{"size"}, In{"desc"});
  bind<acldvppGetStreamDescFormat, Quick>(m, "dvpp_get_stream_desc_format", Call{"format"}, In{"desc"});
  bind<acldvppGetStreamDescTimestamp, Quick>(m, "dvpp_get_stream_desc_timestamp", Call{"timestamp"}, In{"desc"});
  bind<acldvppGetStreamDescRetCode, Quick>(m, "dvpp_get_stream_desc_ret_code", Call{"ret_code"}, In{"desc"});
  bind<acldvppGetStreamDescEos, Quick>(m, "dvpp_get_stream_desc_eos", Call{"eos"}, In{"desc"});
#else
  (void)m;
#endif
  bind_media_video(m);
}

}  // namespace pyacl
