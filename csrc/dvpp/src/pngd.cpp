// PNGD on the CPU (libpng, see png_codec.h): acldvppPngGetImageInfo, acldvppPngPredictDecSize and
// acldvppPngDecodeAsync into RGB888 or RGBA8888 with CANN's output strides: width rounded up to 128
// times 3 (RGB) or 4 (RGBA) bytes, height rounded up to 16; PIXEL_FORMAT_UNKNOWN keeps the source's
// format (RGB/grey -> RGB888, with alpha -> RGBA8888); 32 x 32 to 4096 x 4096 ("PNGD Functions and
// Restrictions", canncommercial/800 apiref/appdevgapi/aclcppdevg_03_0367). As for JPEGD, the data is
// read when the stream runs the task, which fills the output description's size fields.
#include <memory>
#include <mutex>

#include "channel.h"
#include "image.h"
#include "memory.h"
#include "png_codec.h"
#include "task.h"

using namespace acl_dvpp;

namespace {

// Output format for `requested` (UNKNOWN: the source's); false when PNGD cannot produce it.
bool out_format(const PngInfo& info, acldvppPixelFormat requested, acldvppPixelFormat& out) {
  if (requested == PIXEL_FORMAT_UNKNOWN) {
    out = info.alpha() ? PIXEL_FORMAT_RGBA_8888 : PIXEL_FORMAT_RGB_888;
    return true;
  }
  out = requested;
  return requested == PIXEL_FORMAT_RGB_888 || (requested == PIXEL_FORMAT_RGBA_8888 && info.alpha());
}

uint32_t channels_of(acldvppPixelFormat f) { return f == PIXEL_FORMAT_RGBA_8888 ? 4 : 3; }

uint64_t dec_size(const PngInfo& info, acldvppPixelFormat f) {
  return static_cast<uint64_t>(align_up(info.width, 128)) * channels_of(f) * align_up(info.height, 16);
}

// ACL_ERROR_FEATURE_UNSUPPORTED when no libpng can be loaded.
aclError need_libpng(const char* api) {
  std::string why;
  if (png_available(why)) return ACL_SUCCESS;
  return fail(api, ACL_ERROR_FEATURE_UNSUPPORTED, "the host runtime's PNGD needs libpng: %s", why.c_str());
}

bool size_ok(const PngInfo& info, std::string& why) {
  uint32_t lo = strict() ? 32 : 1, hi = strict() ? 4096 : 16384;
  if (info.width >= lo && info.height >= lo && info.width <= hi && info.height <= hi) return true;
  why = format("%u x %u is outside PNGD's %u x %u to %u x %u%s", info.width, info.height, lo, lo, hi, hi,
               strict() ? " (strict mode; ACL_HOST_STRICT=0 allows 1 x 1 to 16384 x 16384)" : "");
  return false;
}

}  // namespace

extern "C" {

aclError acldvppPngGetImageInfo(const void* data, uint32_t dataSize, uint32_t* width, uint32_t* height,
                                int32_t* components) {
  DVPP_NULL(data);
  if (dataSize == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "dataSize must be greater than 0");
  ReadPin pin(data, dataSize);
  if (aclError e = check_range(__func__, data, dataSize, "data")) return e;
  if (aclError e = need_libpng(__func__)) return e;
  PngInfo info;
  std::string why;
  if (!png_info(static_cast<const uint8_t*>(data), dataSize, info, why))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "data (%u bytes): %s", dataSize, why.c_str());
  if (width) *width = info.width;
  if (height) *height = info.height;
  if (components) *components = info.components;
  return ACL_SUCCESS;
}

aclError acldvppPngPredictDecSize(const void* data, uint32_t dataSize, acldvppPixelFormat outputPixelFormat,
                                  uint32_t* decSize) {
  DVPP_NULL(data);
  DVPP_NULL(decSize);
  if (dataSize == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "dataSize must be greater than 0");
  ReadPin pin(data, dataSize);
  if (aclError e = check_range(__func__, data, dataSize, "data")) return e;
  if (aclError e = need_libpng(__func__)) return e;
  PngInfo info;
  std::string why;
  if (!png_info(static_cast<const uint8_t*>(data), dataSize, info, why))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "data (%u bytes): %s", dataSize, why.c_str());
  acldvppPixelFormat f;
  if (!out_format(info, outputPixelFormat, f))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                     "outputPixelFormat %d: PNGD outputs PIXEL_FORMAT_RGB_888, PIXEL_FORMAT_RGBA_8888 (pictures "
                     "with alpha) or PIXEL_FORMAT_UNKNOWN (the source's)",
                     static_cast<int>(outputPixelFormat));
  if (!size_ok(info, why)) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "%s", why.c_str());
  *decSize = static_cast<uint32_t>(dec_size(info, f));
  return ACL_SUCCESS;
}

aclError acldvppPngDecodeAsync(acldvppChannelDesc* channelDesc, const void* data, uint32_t size,
                               acldvppPicDesc* outputDesc, aclrtStream stream) {
  Pic out;
  std::shared_ptr<acldvppPicDesc> desc;  // filled by the task: kept allocated until it has run
  {
    Access a(__func__);  // the descriptions are read under the lock, the stream is reached without it
    if (aclError e = check_channel(a, channelDesc, DVPP_CHNMODE_PNGD)) return e;
    acldvppPicDesc* output = a.get(outputDesc, "outputDesc");
    if (!output) return a.error();
    out = snapshot(output);
    desc = a.share(output);
  }
  DVPP_NULL(data);
  if (size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  if (aclError e = need_libpng(__func__)) return e;
  if (aclError e = check_dvpp_memory(__func__, data, size, "data")) return e;
  if (!out.data) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "outputDesc has no data (acldvppSetPicDescData)");
  if (out.format != PIXEL_FORMAT_RGB_888 && out.format != PIXEL_FORMAT_RGBA_8888 &&
      out.format != PIXEL_FORMAT_UNKNOWN)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                     "outputDesc format %d: PNGD outputs PIXEL_FORMAT_RGB_888, PIXEL_FORMAT_RGBA_8888 or "
                     "PIXEL_FORMAT_UNKNOWN",
                     static_cast<int>(out.format));
  if (out.size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "outputDesc size must be greater than 0");
  if (aclError e = check_dvpp_memory(__func__, out.data, out.size, "outputDesc data")) return e;
  const uint8_t* in = static_cast<const uint8_t*>(data);
  return launch(__func__, stream, [in, size, out, desc](std::string& msg) -> aclError {
    PngInfo info;
    std::string why;
    acldvppPixelFormat f = out.format;
    bool ok = png_info(in, size, info, why) && size_ok(info, why);
    if (ok && !out_format(info, out.format, f)) {
      why = "RGBA8888 output needs a picture with alpha";
      ok = false;
    }
    uint32_t ws = align_up(info.width, 128) * channels_of(f), hs = align_up(info.height, 16);
    if (ok && dec_size(info, f) > out.size) {
      why = format("outputDesc size %u is smaller than the %llu bytes the %u x %u picture needs "
                   "(acldvppPngPredictDecSize)",
                   out.size, static_cast<unsigned long long>(dec_size(info, f)), info.width, info.height);
      ok = false;
    }
    if (ok) ok = png_decode(in, size, static_cast<int>(channels_of(f)), out.data, ws, why);
    std::lock_guard<std::recursive_mutex> lock(handles::mutex());
    if (!ok) {
      desc->ret_code = 1;
      msg = format("acldvppPngDecodeAsync: %s", why.c_str());
      return ACL_ERROR_FAILURE;
    }
    desc->format = f;
    desc->width = info.width;
    desc->height = info.height;
    desc->width_stride = ws;
    desc->height_stride = hs;
    desc->ret_code = 0;
    return ACL_SUCCESS;
  }, {{in, size}, {out.data, out.size}}, RunsOn::AnyThread);
}

}  // extern "C"
