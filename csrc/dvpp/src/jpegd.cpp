// JPEGD on the CPU: acldvppJpegGetImageInfo[V2], acldvppJpegPredictDecSize and
// acldvppJpegDecodeAsync (libjpeg-turbo), into YUV420SP NV12/NV21 with the Ascend 310's
// output strides (width rounded up to 128, height to 16), EXIF orientation applied, and CANN's
// refusals (progressive and arithmetic coding, CMYK, sizes outside 32 x 32 .. 8192 x 8192).
// Sources: image.h. The decode reads the JPEG when the stream reaches it (the data may come
// from an earlier aclrtMemcpyAsync), then fills the output description's width, height and
// strides, as the hardware does; a bad stream fails that task (aclrtSynchronizeStream returns
// ACL_ERROR_FAILURE with the reason) and sets the description's return code to 1.
#include <memory>
#include <mutex>

#include "channel.h"
#include "image.h"
#include "jpeg_codec.h"
#include "memory.h"
#include "task.h"

using namespace acl_dvpp;

namespace {

constexpr uint32_t kStrideW = 128, kStrideH = 16;  // Ascend 310 JPEGD output alignment

// The refusals shared by the synchronous and asynchronous paths.
bool supported(const JpegInfo& info, aclError& code, std::string& why) {
  code = ACL_ERROR_INVALID_PARAM;
  if (info.progressive) {
    why = "progressive JPEGs are not supported by JPEGD (baseline Huffman only)";
    return false;
  }
  if (info.arithmetic) {
    why = "arithmetic-coded JPEGs are not supported by JPEGD (Huffman only)";
    return false;
  }
  if (info.cmyk || (info.components != 1 && info.components != 3)) {
    why = format("JPEGs with %d components (CMYK/YCCK) are not supported by JPEGD", info.components);
    return false;
  }
  uint32_t lo = strict() ? 32 : 1, hi = strict() ? 8192 : 16384;
  if (info.width < lo || info.height < lo || info.width > hi || info.height > hi) {
    why = format("%u x %u is outside JPEGD's %u x %u to %u x %u%s", info.width, info.height, lo, lo, hi, hi,
                 strict() ? " (strict mode; ACL_HOST_STRICT=0 allows 1 x 1 to 16384 x 16384)" : "");
    return false;
  }
  return true;
}

uint32_t even_down(uint32_t v) { return v > 1 ? v & ~1u : v; }

uint64_t dec_size(const JpegInfo& info) {
  return static_cast<uint64_t>(align_up(info.out_width(), kStrideW)) * align_up(info.out_height(), kStrideH) * 3 / 2;
}

bool out_format_ok(acldvppPixelFormat f) {
  return f == PIXEL_FORMAT_YUV_SEMIPLANAR_420 || f == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
}

// Source pixel of output (x, y) for EXIF orientation o (w, h: the coded size).
inline size_t src_index(int o, uint32_t x, uint32_t y, uint32_t w, uint32_t h) {
  switch (o) {
    case 2: return static_cast<size_t>(y) * w + (w - 1 - x);
    case 3: return static_cast<size_t>(h - 1 - y) * w + (w - 1 - x);
    case 4: return static_cast<size_t>(h - 1 - y) * w + x;
    case 5: return static_cast<size_t>(x) * w + y;
    case 6: return static_cast<size_t>(h - 1 - x) * w + y;
    case 7: return static_cast<size_t>(h - 1 - x) * w + (w - 1 - y);
    case 8: return static_cast<size_t>(x) * w + (w - 1 - y);
    default: return static_cast<size_t>(y) * w + x;
  }
}

// Writes the oriented planes as YUV420SP (chroma: the mean of each 2 x 2 block).
void write_yuv420sp(const JpegInfo& info, const std::vector<uint8_t>& y, const std::vector<uint8_t>& cb,
                    const std::vector<uint8_t>& cr, uint8_t* out, uint32_t ws, uint32_t hs, bool vu) {
  const uint32_t W = info.out_width(), H = info.out_height(), w = info.width, h = info.height;
  const int o = info.orientation;
  for (uint32_t r = 0; r < H; ++r) {
    uint8_t* row = out + static_cast<size_t>(r) * ws;
    if (o == 1) {
      std::copy(y.begin() + static_cast<size_t>(r) * w, y.begin() + static_cast<size_t>(r) * w + w, row);
    } else {
      for (uint32_t c = 0; c < W; ++c) row[c] = y[src_index(o, c, r, w, h)];
    }
  }
  uint8_t* uv = out + static_cast<size_t>(ws) * hs;
  for (uint32_t r = 0; r < (H + 1) / 2; ++r) {
    uint8_t* row = uv + static_cast<size_t>(r) * ws;
    uint32_t r0 = 2 * r, r1 = 2 * r + 1 < H ? 2 * r + 1 : 2 * r;
    for (uint32_t c = 0; c < (W + 1) / 2; ++c) {
      uint32_t c0 = 2 * c, c1 = 2 * c + 1 < W ? 2 * c + 1 : 2 * c;
      size_t i00 = src_index(o, c0, r0, w, h), i01 = src_index(o, c1, r0, w, h);
      size_t i10 = src_index(o, c0, r1, w, h), i11 = src_index(o, c1, r1, w, h);
      uint8_t u = static_cast<uint8_t>((cb[i00] + cb[i01] + cb[i10] + cb[i11] + 2) / 4);
      uint8_t v = static_cast<uint8_t>((cr[i00] + cr[i01] + cr[i10] + cr[i11] + 2) / 4);
      row[2 * c] = vu ? v : u;
      row[2 * c + 1] = vu ? u : v;
    }
  }
}

}  // namespace

extern "C" {

aclError acldvppJpegGetImageInfo(const void* data, uint32_t size, uint32_t* width, uint32_t* height,
                                 int32_t* components) {
  return acldvppJpegGetImageInfoV2(data, size, width, height, components, nullptr);
}

aclError acldvppJpegGetImageInfoV2(const void* data, uint32_t size, uint32_t* width, uint32_t* height,
                                   int32_t* components, acldvppJpegFormat* format) {
  DVPP_NULL(data);
  if (size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  ReadPin pin(data, size);
  if (aclError e = check_range(__func__, data, size, "data")) return e;
  JpegInfo info;
  std::string why;
  if (!jpeg_info(static_cast<const uint8_t*>(data), size, info, why))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "data (%u bytes): %s", size, why.c_str());
  if (width) *width = info.width;
  if (height) *height = info.height;
  if (components) *components = info.components;
  if (format) *format = info.css;
  return ACL_SUCCESS;
}

aclError acldvppJpegPredictDecSize(const void* data, uint32_t dataSize, acldvppPixelFormat outputPixelFormat,
                                   uint32_t* decSize) {
  DVPP_NULL(data);
  DVPP_NULL(decSize);
  if (dataSize == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "dataSize must be greater than 0");
  ReadPin pin(data, dataSize);
  if (aclError e = check_range(__func__, data, dataSize, "data")) return e;
  if (!out_format_ok(outputPixelFormat))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                     "outputPixelFormat %d: the host runtime's JPEGD outputs YUV420SP NV12 or NV21 only",
                     static_cast<int>(outputPixelFormat));
  JpegInfo info;
  std::string why;
  if (!jpeg_info(static_cast<const uint8_t*>(data), dataSize, info, why))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "data (%u bytes): %s", dataSize, why.c_str());
  aclError code;
  if (!supported(info, code, why)) return DVPP_FAIL(code, "%s", why.c_str());
  *decSize = static_cast<uint32_t>(dec_size(info));
  return ACL_SUCCESS;
}

aclError acldvppJpegDecodeAsync(acldvppChannelDesc* channelDesc, const void* data, uint32_t size,
                                acldvppPicDesc* outputDesc, aclrtStream stream) {
  Pic out;
  std::shared_ptr<acldvppPicDesc> desc;  // filled by the task: kept allocated until it has run
  {
    Access a(__func__);  // the descriptions are read under the lock, the stream is reached without it
    if (aclError e = check_channel(a, channelDesc, DVPP_CHNMODE_JPEGD)) return e;
    acldvppPicDesc* output = a.get(outputDesc, "outputDesc");
    if (!output) return a.error();
    out = snapshot(output);
    desc = a.share(output);
  }
  DVPP_NULL(data);
  if (size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  if (aclError e = check_dvpp_memory(__func__, data, size, "data")) return e;
  if (!out.data) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "outputDesc has no data (acldvppSetPicDescData)");
  if (!out_format_ok(out.format))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                     "outputDesc format %d (%s): the host runtime's JPEGD outputs YUV420SP NV12 or NV21 only",
                     static_cast<int>(out.format), format_name(out.format));
  if (out.size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "outputDesc size must be greater than 0");
  if (aclError e = check_dvpp_memory(__func__, out.data, out.size, "outputDesc data")) return e;
  const uint8_t* in = static_cast<const uint8_t*>(data);
  return launch(__func__, stream, [in, size, out, desc](std::string& msg) -> aclError {
    JpegInfo info;
    aclError code = ACL_ERROR_FAILURE;
    std::string why;
    bool ok = jpeg_info(in, size, info, why) && supported(info, code, why);
    std::vector<uint8_t> y, cb, cr;
    if (ok) {
      uint64_t need = dec_size(info);
      if (need > out.size) {
        why = format("outputDesc size %u is smaller than the %llu bytes the %u x %u picture needs "
                     "(acldvppJpegPredictDecSize)",
                     out.size, static_cast<unsigned long long>(need), info.out_width(), info.out_height());
        ok = false;
      }
    }
    uint32_t ws = align_up(info.out_width(), kStrideW), hs = align_up(info.out_height(), kStrideH);
    const bool vu = out.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
    // 4:2:0 upright: libjpeg's planes as coded; otherwise full planes, oriented and averaged.
    const bool raw = info.css == ACL_JPEG_CSS_420 && info.orientation == 1;
    if (ok && raw) ok = jpeg_decode_420sp(in, size, info, out.data, ws, hs, vu, why);
    if (ok && !raw) ok = jpeg_decode_planes(in, size, info, y, cb, cr, why);
    if (ok && !raw) write_yuv420sp(info, y, cb, cr, out.data, ws, hs, vu);
    std::lock_guard<std::recursive_mutex> lock(handles::mutex());
    if (!ok) {
      desc->ret_code = 1;
      msg = format("acldvppJpegDecodeAsync: %s", why.c_str());
      return ACL_ERROR_FAILURE;
    }
    // An odd width or height is reported rounded down to even (CANN's default precision mode,
    // ACL_YUVOUT_ALIGN_DOWN_COMPAT: "the output's width and height are aligned down to 2"), which is
    // what VPC then takes (acldvppJpegDecodeAsync: read the output's size from the description).
    desc->width = even_down(info.out_width());
    desc->height = even_down(info.out_height());
    desc->width_stride = ws;
    desc->height_stride = hs;
    desc->ret_code = 0;
    return ACL_SUCCESS;
  }, {{in, size}, {out.data, out.size}}, RunsOn::AnyThread);
}

}  // extern "C"
