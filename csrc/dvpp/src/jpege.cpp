// JPEGE on the CPU: acldvppJpegPredictEncSize and acldvppJpegEncodeAsync (libjpeg-turbo,
// baseline Huffman, 4:2:0) from YUV420SP NV12/NV21. The encode level is libjpeg's quality
// (0 means 100, as acldvppSetJpegeConfigLevel documents). *size says the output buffer's
// capacity and, once the stream has run the task, the encoded length. Rules: image.h (JPEGE).
#include <algorithm>

#include "channel.h"
#include "image.h"
#include "jpeg_codec.h"
#include "memory.h"
#include "task.h"

using namespace acl_dvpp;

namespace {

aclError check_input(const char* api, const Pic& p) {
  const char* relax = " (strict mode; ACL_HOST_STRICT=0 relaxes)";
  if (!p.data) return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc has no data (acldvppSetPicDescData)");
  if (!p.yuv420sp())
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "inputDesc format %d (%s): the host runtime's JPEGE takes YUV420SP NV12 or NV21",
                static_cast<int>(p.format), format_name(p.format));
  if (p.width == 0 || p.height == 0)
    return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc width %u x height %u must not be 0", p.width, p.height);
  if (p.width_stride < p.width || p.height_stride < p.height || p.height_stride % 2)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "inputDesc strides %u x %u must cover width %u x height %u (height stride even)", p.width_stride,
                p.height_stride, p.width, p.height);
  if (strict()) {
    if (p.width % 2 || p.height % 2)
      return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc width %u and height %u must be even%s", p.width,
                  p.height, relax);
    if (p.width_stride % 16)
      return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc width stride %u must be a multiple of 16%s",
                  p.width_stride, relax);
    if (p.height_stride != p.height && p.height_stride != std::max(align_up(p.height, 16), 32u))
      return fail(api, ACL_ERROR_INVALID_PARAM,
                  "inputDesc height stride %u must be the height %u or the height rounded up to 16 (at least 32)%s",
                  p.height_stride, p.height, relax);
    if (p.width < 32 || p.height < 32 || p.width > 8192 || p.height > 8192)
      return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc %u x %u is outside JPEGE's 32 x 32 to 8192 x 8192%s",
                  p.width, p.height, relax);
  }
  uint64_t need = buffer_size(p.format, p.width_stride, p.height_stride);
  if (p.size < need)
    return fail(api, ACL_ERROR_INVALID_PARAM, "inputDesc size %u is smaller than the %llu bytes its layout needs",
                p.size, static_cast<unsigned long long>(need));
  return check_dvpp_memory(api, p.data, need, "inputDesc data");
}

// An upper bound of the encoded size: twice the raw 4:2:0 size plus room for the headers.
uint32_t predict(const Pic& p) {
  uint64_t raw = static_cast<uint64_t>(align_up(p.width, 16)) * align_up(p.height, 16) * 3 / 2;
  return static_cast<uint32_t>(align_up(static_cast<uint32_t>(raw * 2 + 8192), 128));
}

}  // namespace

extern "C" {

aclError acldvppJpegPredictEncSize(const acldvppPicDesc* inputDesc, const acldvppJpegeConfig* config,
                                   uint32_t* size) {
  DVPP_NULL(size);
  Pic p;
  {
    Access a(__func__);
    const acldvppPicDesc* in = a.get(inputDesc, "inputDesc");
    if (!in || !a.get(config, "config")) return a.error();
    p = snapshot(in);
  }
  if (!p.yuv420sp() || p.width == 0 || p.height == 0 || p.width > 16384 || p.height > 16384)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "inputDesc must be YUV420SP NV12/NV21 with a size in 1..16384 (got %s, %u x %u)",
                     format_name(p.format), p.width, p.height);
  *size = predict(p);
  return ACL_SUCCESS;
}

aclError acldvppJpegEncodeAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc, const void* data,
                                uint32_t* size, acldvppJpegeConfig* config, aclrtStream stream) {
  Pic in;
  uint32_t level;
  {
    Access a(__func__);  // the descriptions are read under the lock, the stream is reached without it
    if (aclError e = check_channel(a, channelDesc, DVPP_CHNMODE_JPEGE)) return e;
    const acldvppPicDesc* input = a.get(inputDesc, "inputDesc");
    const acldvppJpegeConfig* cfg = a.get(config, "config");
    if (!input || !cfg) return a.error();
    in = snapshot(input);
    level = cfg->level;
  }
  DVPP_NULL(data);
  DVPP_NULL(size);
  ReadPin pin_size(size, sizeof *size);
  if (aclError e = check_range(__func__, size, sizeof *size, "size")) return e;  // read now, written by the task
  if (aclError e = check_input(__func__, in)) return e;
  uint32_t capacity = *size;
  if (capacity == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "*size (the output buffer's capacity) must not be 0");
  if (aclError e = check_dvpp_memory(__func__, data, capacity, "data")) return e;
  int quality = level == 0 ? 100 : static_cast<int>(level);
  uint8_t* out = static_cast<uint8_t*>(const_cast<void*>(data));
  return launch(__func__, stream, [in, out, capacity, size, quality](std::string& msg) -> aclError {
    const int w = static_cast<int>(in.width), h = static_cast<int>(in.height);
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    // libjpeg's raw input reads whole 16-pixel blocks: planes padded to 16 columns.
    const int ys = static_cast<int>(align_up(in.width, 16)), cs = ys / 2;
    std::vector<uint8_t> yp(static_cast<size_t>(ys) * h), up(static_cast<size_t>(cs) * ch), vp(up.size());
    const bool vu = in.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
    for (int r = 0; r < h; ++r) {
      const uint8_t* src = in.data + static_cast<size_t>(r) * in.width_stride;
      uint8_t* dst = yp.data() + static_cast<size_t>(r) * ys;
      std::copy(src, src + w, dst);
      std::fill(dst + w, dst + ys, src[w - 1]);
    }
    for (int r = 0; r < ch; ++r) {
      const uint8_t* src = in.uv() + static_cast<size_t>(r) * in.width_stride;
      uint8_t* u = up.data() + static_cast<size_t>(r) * cs;
      uint8_t* v = vp.data() + static_cast<size_t>(r) * cs;
      for (int c = 0; c < cs; ++c) {
        int k = c < cw ? c : cw - 1;
        u[c] = src[2 * k + (vu ? 1 : 0)];
        v[c] = src[2 * k + (vu ? 0 : 1)];
      }
    }
    std::vector<uint8_t> jpeg;
    std::string why;
    if (!jpeg_encode_420(yp.data(), ys, up.data(), vp.data(), cs, w, h, quality, jpeg, why)) {
      msg = format("acldvppJpegEncodeAsync: %s", why.c_str());
      return ACL_ERROR_FAILURE;
    }
    if (jpeg.size() > capacity) {
      msg = format("acldvppJpegEncodeAsync: the %zu-byte JPEG does not fit the %u-byte output buffer", jpeg.size(),
                   capacity);
      return ACL_ERROR_FAILURE;
    }
    std::copy(jpeg.begin(), jpeg.end(), out);
    *size = static_cast<uint32_t>(jpeg.size());
    return ACL_SUCCESS;
  }, {{in.data, in.size}, {out, capacity}, {size, sizeof *size}}, RunsOn::AnyThread);
}

}  // extern "C"
