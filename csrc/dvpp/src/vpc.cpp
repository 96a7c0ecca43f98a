// VPC on the CPU: resize, crop, crop-resize, crop-and-paste (single and batch) and colour
// conversion, over YUV420SP NV12/NV21 and packed RGB/BGR 888 (and, as input, the 310 table's other
// formats, converted to YUV420SP first: yuv_view_of), with libyuv's scalers and
// converters. Every operation is one crop box of an input scaled into one paste box of an
// output; checks run when the call is made, the pixels move when the stream reaches the task.
// Rules and their sources: image.h.
#include <cstring>
#include <vector>

#include "channel.h"
#include "helper.h"
#include "image.h"
#include "libyuv.h"
#include "scale_nv12.h"
#include "task.h"

using namespace acl_dvpp;

namespace {

struct Op {
  Pic in, out;
  Box src, dst;
};

const char* kRelax = " (strict mode; ACL_HOST_STRICT=0 relaxes)";

libyuv::FilterMode filter_of(const acldvppResizeConfig* cfg) {
  // 0 (default) and 1: bilinear; 2: nearest neighbour (acldvppSetResizeConfigInterpolation).
  return cfg && cfg->interpolation == 2 ? libyuv::kFilterNone : libyuv::kFilterBilinear;
}

aclError check_ratio(const char* api, const Box& s, const Box& d) {
  if (!strict()) return ACL_SUCCESS;
  // Scaling 1/32 to 16 in each direction.
  if (d.width * 32 < s.width || d.height * 32 < s.height || d.width > s.width * 16 || d.height > s.height * 16)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "scaling %u x %u to %u x %u is outside VPC's 1/32 to 16 ratio%s", s.width, s.height, d.width,
                d.height, kRelax);
  return ACL_SUCCESS;
}

void swap_uv(uint8_t* uv, int stride, int width, int height) {
  int pairs = (width + 1) / 2;
  for (int r = 0; r < (height + 1) / 2; ++r) {
    uint8_t* p = uv + static_cast<size_t>(r) * stride;
    for (int i = 0; i < pairs; ++i) std::swap(p[2 * i], p[2 * i + 1]);
  }
}

// A tightly packed NV12 buffer.
struct Nv12 {
  int w, h;
  std::vector<uint8_t> buf;
  Nv12(int width, int height) : w(width), h(height), buf(static_cast<size_t>(width) * height + 2 * ((width + 1) / 2) * ((height + 1) / 2)) {}
  uint8_t* y() { return buf.data(); }
  uint8_t* uv() { return buf.data() + static_cast<size_t>(w) * h; }
  int uv_stride() const { return 2 * ((w + 1) / 2); }
};

// The input box as NV12 (or NV21 kept as is when `vu`), with its own strides.
struct YuvView {
  const uint8_t* y;
  int y_stride;
  const uint8_t* uv;
  int uv_stride;
  bool vu;
};

// A 32-bit RGB input box as libyuv's ARGB (B, G, R, A in memory): CANN names the bytes in memory order.
void to_argb(const Pic& p, const uint8_t* src, int w, int h, std::vector<uint8_t>& argb) {
  argb.resize(static_cast<size_t>(w) * h * 4);
  const int ss = static_cast<int>(p.width_stride), ds = 4 * w;
  switch (p.format) {
    case PIXEL_FORMAT_ARGB_8888:  // A, R, G, B: libyuv's BGRA
      libyuv::BGRAToARGB(src, ss, argb.data(), ds, w, h);
      break;
    case PIXEL_FORMAT_ABGR_8888:  // A, B, G, R: libyuv's RGBA
      libyuv::RGBAToARGB(src, ss, argb.data(), ds, w, h);
      break;
    case PIXEL_FORMAT_RGBA_8888:  // R, G, B, A: libyuv's ABGR
      libyuv::ABGRToARGB(src, ss, argb.data(), ds, w, h);
      break;
    default:  // BGRA_8888: B, G, R, A is libyuv's ARGB
      libyuv::ARGBCopy(src, ss, argb.data(), ds, w, h);
  }
}

// The input box as NV12 (or NV21 kept as is when `vu`), with its own strides. Other input formats are
// converted into `scratch` first: RGB with the full-range BT.601 matrix (CANN's default CSC), YUV400
// with grey chroma (128), 4:2:2 and 4:4:4 chroma averaged down to 4:2:0.
YuvView yuv_view_of(const Pic& p, const Box& b, Nv12& scratch, const libyuv::FilterMode) {
  const size_t ws = p.width_stride;
  const uint8_t* y = p.data + b.top * ws + b.left;
  if (p.yuv420sp()) {
    const uint8_t* uv = p.uv() + static_cast<size_t>(b.top / 2) * ws + b.left;
    return YuvView{y, static_cast<int>(ws), uv, static_cast<int>(ws), p.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420};
  }
  const int w = static_cast<int>(b.width), h = static_cast<int>(b.height), cw = (w + 1) / 2, ch = (h + 1) / 2;
  const int sy = static_cast<int>(ws);
  uint8_t* dy = scratch.y();
  uint8_t* duv = scratch.uv();
  const int duvs = scratch.uv_stride();
  bool vu = false;
  const uint8_t* packed = p.data + b.top * ws + static_cast<size_t>(b.left) * p.packed_bytes();
  switch (p.format) {
    case PIXEL_FORMAT_YUV_400:
      libyuv::CopyPlane(y, sy, dy, w, w, h);
      libyuv::SetPlane(duv, duvs, duvs, ch, 128);
      break;
    case PIXEL_FORMAT_YUV_SEMIPLANAR_422:
    case PIXEL_FORMAT_YVU_SEMIPLANAR_422: {  // chroma rows at full height: two rows to one (box)
      libyuv::CopyPlane(y, sy, dy, w, w, h);
      libyuv::ScalePlane(p.uv() + b.top * ws + b.left, sy, 2 * cw, h, duv, duvs, 2 * cw, ch, libyuv::kFilterBox);
      vu = p.format == PIXEL_FORMAT_YVU_SEMIPLANAR_422;
      break;
    }
    case PIXEL_FORMAT_YUV_SEMIPLANAR_444:
    case PIXEL_FORMAT_YVU_SEMIPLANAR_444: {  // full-resolution chroma pairs: each plane 2 x 2 to 1 (box)
      libyuv::CopyPlane(y, sy, dy, w, w, h);
      std::vector<uint8_t> planes(2 * (static_cast<size_t>(w) * h + static_cast<size_t>(cw) * ch));
      uint8_t* u = planes.data();
      uint8_t* v = u + static_cast<size_t>(w) * h;
      uint8_t* su = v + static_cast<size_t>(w) * h;
      uint8_t* sv = su + static_cast<size_t>(cw) * ch;
      libyuv::SplitUVPlane(p.uv() + b.top * 2 * ws + 2 * static_cast<size_t>(b.left), 2 * sy, u, w, v, w, w, h);
      libyuv::ScalePlane(u, w, w, h, su, cw, cw, ch, libyuv::kFilterBox);
      libyuv::ScalePlane(v, w, w, h, sv, cw, cw, ch, libyuv::kFilterBox);
      libyuv::MergeUVPlane(su, cw, sv, cw, duv, duvs, cw, ch);
      vu = p.format == PIXEL_FORMAT_YVU_SEMIPLANAR_444;
      break;
    }
    case PIXEL_FORMAT_YUYV_PACKED_422:
    case PIXEL_FORMAT_YVYU_PACKED_422:  // Y0 V Y1 U: YUY2's layout with the chroma swapped
      libyuv::YUY2ToNV12(packed, sy, dy, w, duv, duvs, w, h);
      vu = p.format == PIXEL_FORMAT_YVYU_PACKED_422;
      break;
    case PIXEL_FORMAT_UYVY_PACKED_422:
    case PIXEL_FORMAT_VYUY_PACKED_422:
      libyuv::UYVYToNV12(packed, sy, dy, w, duv, duvs, w, h);
      vu = p.format == PIXEL_FORMAT_VYUY_PACKED_422;
      break;
    default: {  // packed RGB: to full-range YUV (BT.601 wide, CANN's default CSC matrix), then NV12
      std::vector<uint8_t> i420(static_cast<size_t>(w) * h + 2 * static_cast<size_t>(cw) * ch);
      uint8_t* iy = i420.data();
      uint8_t* iu = iy + static_cast<size_t>(w) * h;
      uint8_t* iv = iu + static_cast<size_t>(cw) * ch;
      if (p.format == PIXEL_FORMAT_RGB_888) {  // R,G,B bytes: libyuv's RAW
        libyuv::RAWToJ420(packed, sy, iy, w, iu, cw, iv, cw, w, h);
      } else if (p.format == PIXEL_FORMAT_BGR_888) {  // B,G,R bytes: libyuv's RGB24
        libyuv::RGB24ToJ420(packed, sy, iy, w, iu, cw, iv, cw, w, h);
      } else {
        std::vector<uint8_t> argb;
        to_argb(p, packed, w, h, argb);
        libyuv::ARGBToJ420(argb.data(), 4 * w, iy, w, iu, cw, iv, cw, w, h);
      }
      libyuv::I420ToNV12(iy, w, iu, cw, iv, cw, dy, w, duv, duvs, w, h);
    }
  }
  return YuvView{dy, w, duv, duvs, vu};
}

// nv12_scale (libyuv's NV12Scale, scale_nv12.h), on a big picture in two column bands at the
// same time (helper.h): the left part of the source into the left part of the output on this
// thread, the rest on the helper. Each band is one nv12_scale of its own, so the bands join
// without a seam only where the band's sampling is the whole picture's: libyuv samples a
// down-scale (and nearest neighbour) at step sw/dw from each band's edge, so the split must put
// an even number of source columns exactly onto an even number of output columns (sw * dc / dw,
// both widths even so the chroma plane keeps the luma's ratio); where no such split exists, one
// call. A bilinear up-scale maps end pixel onto end pixel (step (sw-1)/(dw-1)): no split is
// exact, the nearest one is off by at most a fifth of a source pixel (test_dvpp_vpc_bands.py).
// Only resizes with more than kSplitWork of pixel work are split: a helper's wake-up costs 0.05-1 ms on a
// small VM once anything else ran in between (a decode, a model, the other side of an interleaved
// benchmark; the guest packs lightly loaded threads onto one vCPU, so the second band waits for the
// first), more than a small output's whole resize. The work is the row blends and column samples of
// the output's rows (scale_nv12.cpp): on a quiet 2-vCPU VM 1080p -> 224x224 (0.48 M) takes 40 us in
// one call, 2160p -> 224x224 (0.91 M) 59 us, 2160p -> 720p (3.7 M) 450 us (benchmarks/DVPP_RESULTS.md).
constexpr int64_t kSplitWork = 2'000'000;

int64_t scale_work(int sw, int dw, int dh) { return static_cast<int64_t>(dh) * ((sw > dw ? sw : dw) + dw); }

// The output columns of the left band (even), or 0 for one call.
int split_columns(int sw, int dw, libyuv::FilterMode filter) {
  if (dw > sw && filter != libyuv::kFilterNone) return (dw / 2) & ~1;
  if (sw % 2 || dw % 2) return 0;
  for (int off = 0; off <= dw / 4; off += 2)  // the exact split nearest the middle
    for (int dc : {((dw / 2) & ~1) - off, ((dw / 2) & ~1) + off})
      if (dc >= 2 && dw - dc >= 2 && static_cast<int64_t>(sw) * dc % dw == 0 &&
          (static_cast<int64_t>(sw) * dc / dw) % 2 == 0)
        return dc;
  return 0;
}

int scale_nv12(const uint8_t* sy, int sys, const uint8_t* suv, int suvs, int sw, int sh, uint8_t* dy, int dys,
               uint8_t* duv, int duvs, int dw, int dh, libyuv::FilterMode filter) {
  const int dc =
      scale_work(sw, dw, dh) < kSplitWork ? 0 : split_columns(sw, dw, filter);  // output left
  const int sc = static_cast<int>((static_cast<int64_t>(sw) * dc + dw / 2) / dw) & ~1;  // source columns left
  if (dc < 2 || sc < 2 || dw - dc < 2 || sw - sc < 2)
    return nv12_scale(sy, sys, suv, suvs, sw, sh, dy, dys, duv, duvs, dw, dh, filter);
  int left = 0, right = 0;  // an NV12 column c has its chroma pair at byte c of its UV row (c even)
  run_both([&] { left = nv12_scale(sy, sys, suv, suvs, sc, sh, dy, dys, duv, duvs, dc, dh, filter); },
           [&] {
             right = nv12_scale(sy + sc, sys, suv + sc, suvs, sw - sc, sh, dy + dc, dys, duv + dc, duvs,
                                dw - dc, dh, filter);
           });
  return left != 0 ? left : right;
}

aclError run_op(const Op& op, libyuv::FilterMode filter, std::string& msg) {
  const bool direct = op.in.yuv420sp();
  Nv12 in_scratch(direct ? 0 : static_cast<int>(op.src.width), direct ? 0 : static_cast<int>(op.src.height));
  YuvView v = yuv_view_of(op.in, op.src, in_scratch, filter);
  int sw = static_cast<int>(op.src.width), sh = static_cast<int>(op.src.height);
  int dw = static_cast<int>(op.dst.width), dh = static_cast<int>(op.dst.height);
  if (op.out.yuv420sp()) {
    uint8_t* y = op.out.data + static_cast<size_t>(op.dst.top) * op.out.width_stride + op.dst.left;
    uint8_t* uv = op.out.uv() + static_cast<size_t>(op.dst.top / 2) * op.out.width_stride + op.dst.left;
    int st = static_cast<int>(op.out.width_stride);
    if (scale_nv12(v.y, v.y_stride, v.uv, v.uv_stride, sw, sh, y, st, uv, st, dw, dh, filter) != 0) {
      msg = format("libyuv could not scale %d x %d to %d x %d", sw, sh, dw, dh);
      return ACL_ERROR_FAILURE;
    }
    bool out_vu = op.out.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
    if (out_vu != v.vu) swap_uv(uv, st, dw, dh);
    return ACL_SUCCESS;
  }
  // Packed RGB/BGR output: scale in YUV, then convert with the full-range BT.601 matrix.
  Nv12 scaled(dw, dh);
  if (scale_nv12(v.y, v.y_stride, v.uv, v.uv_stride, sw, sh, scaled.y(), dw, scaled.uv(), scaled.uv_stride(), dw, dh,
                 filter) != 0) {
    msg = format("libyuv could not scale %d x %d to %d x %d", sw, sh, dw, dh);
    return ACL_ERROR_FAILURE;
  }
  uint8_t* dst = op.out.data + static_cast<size_t>(op.dst.top) * op.out.width_stride + static_cast<size_t>(op.dst.left) * 3;
  int st = static_cast<int>(op.out.width_stride);
  bool rgb = op.out.format == PIXEL_FORMAT_RGB_888;
  // libyuv's RGB24 is B,G,R in memory; R,G,B comes from the swapped (VU) matrix.
  if (v.vu)
    libyuv::NV21ToRGB24Matrix(scaled.y(), dw, scaled.uv(), scaled.uv_stride(), dst, st,
                              rgb ? &libyuv::kYvuJPEGConstants : &libyuv::kYuvJPEGConstants, dw, dh);
  else
    libyuv::NV12ToRGB24Matrix(scaled.y(), dw, scaled.uv(), scaled.uv_stride(), dst, st,
                              rgb ? &libyuv::kYvuJPEGConstants : &libyuv::kYuvJPEGConstants, dw, dh);
  return ACL_SUCCESS;
}

aclError queue(const char* api, std::vector<Op> ops, libyuv::FilterMode filter, aclrtStream stream) {
  std::vector<Pin> pins;
  pins.reserve(2 * ops.size());
  for (const Op& op : ops) {
    pins.push_back({op.in.data, op.in.size});
    pins.push_back({op.out.data, op.out.size});
  }
  return launch(api, stream, [ops, filter](std::string& msg) {
    for (const Op& op : ops)
      if (aclError e = run_op(op, filter, msg)) return e;
    return ACL_SUCCESS;
  }, pins, RunsOn::AnyThread);
}

// One picture pair: checks and the op scaling `crop` (NULL: whole input) into `paste` (NULL:
// whole output). The handles are looked up through `a` (names: `*_name`).
aclError make_op(Access& a, const acldvppPicDesc* in_h, const acldvppPicDesc* out_h, const acldvppRoiConfig* crop_h,
                 const acldvppRoiConfig* paste_h, bool color_only, Op& op, const char* in_name = "inputDesc",
                 const char* out_name = "outputDesc", const char* crop_name = "cropArea",
                 const char* paste_name = "pasteArea") {
  const char* api = a.api();
  const acldvppPicDesc* in = a.get(in_h, in_name);
  const acldvppPicDesc* out = a.get(out_h, out_name);
  acldvppRoiConfig *crop = nullptr, *paste = nullptr;
  if (!a.optional(crop_h, crop_name, crop) || !a.optional(paste_h, paste_name, paste) || !in || !out)
    return a.error();
  op.in = snapshot(in);
  op.out = snapshot(out);
  if (aclError e = check_vpc_pic(api, op.in, in_name, false, true)) return e;
  if (aclError e = check_vpc_pic(api, op.out, out_name, !color_only)) return e;
  vpc_input_size(op.in);
  if (crop) {
    if (aclError e = check_box(api, crop, op.in, crop_name, op.src)) return e;
  } else {
    op.src = Box{0, 0, op.in.width, op.in.height};
  }
  if (paste) {
    if (aclError e = check_box(api, paste, op.out, paste_name, op.dst)) return e;
    if (strict() && op.dst.left % 16)
      return fail(api, ACL_ERROR_INVALID_PARAM, "%s left %u must be a multiple of 16 on the Ascend 310%s",
                  paste_name, op.dst.left, kRelax);
  } else {
    op.dst = Box{0, 0, op.out.width, op.out.height};
  }
  if (color_only && (op.src.width != op.dst.width || op.src.height != op.dst.height))
    return fail(api, ACL_ERROR_INVALID_PARAM, "colour conversion keeps the size: input %u x %u, output %u x %u",
                op.src.width, op.src.height, op.dst.width, op.dst.height);
  if (op.in.data == op.out.data && (crop || paste || color_only))
    return fail(api, ACL_ERROR_INVALID_PARAM, "%s and %s must not share their data", in_name, out_name);
  return check_ratio(api, op.src, op.dst);
}

// The resize configuration's filter (checked live when `need_cfg`).
aclError filter_arg(Access& a, const acldvppResizeConfig* cfg_h, bool need_cfg, libyuv::FilterMode& filter) {
  const acldvppResizeConfig* cfg = nullptr;
  if (need_cfg && !(cfg = a.get(cfg_h, "resizeConfig"))) return a.error();
  filter = filter_of(cfg);
  return ACL_SUCCESS;
}

aclError single(const char* api, acldvppChannelDesc* channel, acldvppPicDesc* in, acldvppPicDesc* out,
                acldvppRoiConfig* crop, acldvppRoiConfig* paste, const acldvppResizeConfig* cfg, bool need_cfg,
                aclrtStream stream, bool color_only = false) {
  std::vector<Op> ops(1);
  libyuv::FilterMode filter;
  {
    Access a(api);  // the descriptions are read under the lock, the stream is reached without it
    if (aclError e = check_channel(a, channel, DVPP_CHNMODE_VPC)) return e;
    if (aclError e = filter_arg(a, cfg, need_cfg, filter)) return e;
    if (aclError e = make_op(a, in, out, crop, paste, color_only, ops[0])) return e;
  }
  return queue(api, std::move(ops), filter, stream);
}

aclError batch(const char* api, acldvppChannelDesc* channel, acldvppBatchPicDesc* src_h, uint32_t* roiNums,
               uint32_t size, acldvppBatchPicDesc* dst_h, acldvppRoiConfig* crops[], acldvppRoiConfig* pastes[],
               const acldvppResizeConfig* cfg, bool need_cfg, aclrtStream stream) {
  std::vector<Op> ops;
  libyuv::FilterMode filter;
  {
    Access a(api);
    if (aclError e = check_channel(a, channel, DVPP_CHNMODE_VPC)) return e;
    if (!roiNums || !crops)
      return fail(api, ACL_ERROR_INVALID_PARAM, "roiNums and cropAreas must not be NULL");
    acldvppBatchPicDesc* src = a.get(src_h, "srcBatchPicDescs");
    acldvppBatchPicDesc* dst = a.get(dst_h, "dstBatchPicDescs");
    if (!src || !dst) return a.error();
    if (aclError e = filter_arg(a, cfg, need_cfg, filter)) return e;
    if (size == 0) return fail(api, ACL_ERROR_INVALID_PARAM, "size (the number of input pictures) must not be 0");
    if (size > src->pics.size())
      return fail(api, ACL_ERROR_INVALID_PARAM, "srcBatchPicDescs holds %zu pictures, fewer than size = %u",
                  src->pics.size(), size);
    uint32_t k = 0;
    for (uint32_t i = 0; i < size; ++i) {
      if (roiNums[i] == 0) return fail(api, ACL_ERROR_INVALID_PARAM, "roiNums[%u] must not be 0", i);
      for (uint32_t j = 0; j < roiNums[i]; ++j, ++k) {
        if (k >= dst->pics.size())
          return fail(api, ACL_ERROR_INVALID_PARAM,
                      "dstBatchPicDescs holds %zu pictures, fewer than the %u+ crop areas", dst->pics.size(), k + 1);
        if (!crops[k]) return fail(api, ACL_ERROR_INVALID_PARAM, "cropAreas[%u] must not be NULL", k);
        if (pastes && !pastes[k]) return fail(api, ACL_ERROR_INVALID_PARAM, "pasteAreas[%u] must not be NULL", k);
        std::string in_name = format("srcBatchPicDescs[%u]", i), out_name = format("dstBatchPicDescs[%u]", k);
        std::string crop_name = format("cropAreas[%u]", k), paste_name = format("pasteAreas[%u]", k);
        Op op;
        if (aclError e = make_op(a, &src->pics[i], &dst->pics[k], crops[k], pastes ? pastes[k] : nullptr, false, op,
                                 in_name.c_str(), out_name.c_str(), crop_name.c_str(), paste_name.c_str()))
          return e;
        ops.push_back(op);
      }
    }
  }
  return queue(api, std::move(ops), filter, stream);
}

}  // namespace

extern "C" {

aclError acldvppVpcResizeAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc,
                               acldvppPicDesc* outputDesc, acldvppResizeConfig* resizeConfig, aclrtStream stream) {
  return single(__func__, channelDesc, inputDesc, outputDesc, nullptr, nullptr, resizeConfig, true, stream);
}

aclError acldvppVpcCropAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc, acldvppPicDesc* outputDesc,
                             acldvppRoiConfig* cropArea, aclrtStream stream) {
  if (!cropArea) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "cropArea must not be NULL");
  return single(__func__, channelDesc, inputDesc, outputDesc, cropArea, nullptr, nullptr, false, stream);
}

aclError acldvppVpcCropResizeAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc,
                                   acldvppPicDesc* outputDesc, acldvppRoiConfig* cropArea,
                                   acldvppResizeConfig* resizeConfig, aclrtStream stream) {
  if (!cropArea) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "cropArea must not be NULL");
  return single(__func__, channelDesc, inputDesc, outputDesc, cropArea, nullptr, resizeConfig, true, stream);
}

aclError acldvppVpcCropAndPasteAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc,
                                     acldvppPicDesc* outputDesc, acldvppRoiConfig* cropArea,
                                     acldvppRoiConfig* pasteArea, aclrtStream stream) {
  if (!cropArea || !pasteArea) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "cropArea and pasteArea must not be NULL");
  return single(__func__, channelDesc, inputDesc, outputDesc, cropArea, pasteArea, nullptr, false, stream);
}

aclError acldvppVpcCropResizePasteAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc,
                                        acldvppPicDesc* outputDesc, acldvppRoiConfig* cropArea,
                                        acldvppRoiConfig* pasteArea, acldvppResizeConfig* resizeConfig,
                                        aclrtStream stream) {
  if (!cropArea || !pasteArea) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "cropArea and pasteArea must not be NULL");
  return single(__func__, channelDesc, inputDesc, outputDesc, cropArea, pasteArea, resizeConfig, true, stream);
}

aclError acldvppVpcConvertColorAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc,
                                     acldvppPicDesc* outputDesc, aclrtStream stream) {
  return single(__func__, channelDesc, inputDesc, outputDesc, nullptr, nullptr, nullptr, false, stream, true);
}

aclError acldvppVpcBatchCropAsync(acldvppChannelDesc* channelDesc, acldvppBatchPicDesc* srcBatchPicDescs,
                                  uint32_t* roiNums, uint32_t size, acldvppBatchPicDesc* dstBatchPicDescs,
                                  acldvppRoiConfig* cropAreas[], aclrtStream stream) {
  return batch(__func__, channelDesc, srcBatchPicDescs, roiNums, size, dstBatchPicDescs, cropAreas, nullptr,
               nullptr, false, stream);
}

aclError acldvppVpcBatchCropResizeAsync(acldvppChannelDesc* channelDesc, acldvppBatchPicDesc* srcBatchPicDescs,
                                        uint32_t* roiNums, uint32_t size, acldvppBatchPicDesc* dstBatchPicDescs,
                                        acldvppRoiConfig* cropAreas[], acldvppResizeConfig* resizeConfig,
                                        aclrtStream stream) {
  return batch(__func__, channelDesc, srcBatchPicDescs, roiNums, size, dstBatchPicDescs, cropAreas, nullptr,
               resizeConfig, true, stream);
}

aclError acldvppVpcBatchCropAndPasteAsync(acldvppChannelDesc* channelDesc, acldvppBatchPicDesc* srcBatchPicDescs,
                                          uint32_t* roiNums, uint32_t size, acldvppBatchPicDesc* dstBatchPicDescs,
                                          acldvppRoiConfig* cropAreas[], acldvppRoiConfig* pasteAreas[],
                                          aclrtStream stream) {
  if (!pasteAreas) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "pasteAreas must not be NULL");
  return batch(__func__, channelDesc, srcBatchPicDescs, roiNums, size, dstBatchPicDescs, cropAreas, pasteAreas,
               nullptr, false, stream);
}

aclError acldvppVpcBatchCropResizePasteAsync(acldvppChannelDesc* channelDesc, acldvppBatchPicDesc* srcBatchPicDescs,
                                             uint32_t* roiNums, uint32_t size, acldvppBatchPicDesc* dstBatchPicDescs,
                                             acldvppRoiConfig* cropAreas[], acldvppRoiConfig* pasteAreas[],
                                             acldvppResizeConfig* resizeConfig, aclrtStream stream) {
  if (!pasteAreas) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "pasteAreas must not be NULL");
  return batch(__func__, channelDesc, srcBatchPicDescs, roiNums, size, dstBatchPicDescs, cropAreas, pasteAreas,
               resizeConfig, true, stream);
}

}  // extern "C"
