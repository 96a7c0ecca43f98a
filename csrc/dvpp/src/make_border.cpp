// acldvppVpcMakeBorderAsync: the input picture inside borders of the configured widths, filled
// as acldvppBorderType says (constant values, or pixels replicated/reflected from the edge, the
// OpenCV conventions the type names come from). The output is input width + left + right by
// input height + top + bottom; constant values are in the picture's channel order (Y, U, V for
// YUV420SP; the byte order for RGB/BGR). YUV420SP borders are even (chroma is 2 x 2).
#include <cmath>

#include "channel.h"
#include "image.h"
#include "task.h"

using namespace acl_dvpp;

namespace {

// Source index for output coordinate i (may be outside [0, n)) under the border type.
int map_index(int i, int n, acldvppBorderType type) {
  if (i >= 0 && i < n) return i;
  if (type == BORDER_REPLICATE || n == 1) return i < 0 ? 0 : n - 1;
  // REFLECT: fedcba|abcdef|fedcba; REFLECT_101: gfedcb|abcdefgh|gfedcba
  int delta = type == BORDER_REFLECT_101 ? 1 : 0;
  while (i < 0 || i >= n) {
    if (i < 0) i = -i - 1 + delta;
    if (i >= n) i = 2 * n - i - 1 - delta;
  }
  return i;
}

// One plane of `channels` bytes per sample: output (ow x oh) from input (iw x ih) offset by (l, t).
void border_plane(const uint8_t* in, size_t in_stride, int iw, int ih, uint8_t* out, size_t out_stride, int ow,
                  int oh, int l, int t, int channels, acldvppBorderType type, const uint8_t* fill) {
  for (int y = 0; y < oh; ++y) {
    uint8_t* row = out + y * out_stride;
    int sy = y - t;
    bool y_in = sy >= 0 && sy < ih;
    for (int x = 0; x < ow; ++x) {
      int sx = x - l;
      if (type == BORDER_CONSTANT && (!y_in || sx < 0 || sx >= iw)) {
        for (int c = 0; c < channels; ++c) row[x * channels + c] = fill[c];
        continue;
      }
      const uint8_t* src = in + map_index(sy, ih, type) * in_stride + map_index(sx, iw, type) * channels;
      for (int c = 0; c < channels; ++c) row[x * channels + c] = src[c];
    }
  }
}

uint8_t to_u8(double v) { return static_cast<uint8_t>(std::lround(v < 0 ? 0 : v > 255 ? 255 : v)); }

}  // namespace

extern "C" {

aclError acldvppVpcMakeBorderAsync(const acldvppChannelDesc* channelDesc, const acldvppPicDesc* inputDesc,
                                   acldvppPicDesc* outputDesc, const acldvppBorderConfig* borderConfig,
                                   aclrtStream stream) {
  const char* api = __func__;
  Pic in, out;
  acldvppBorderConfig b;
  {
    Access a(api);  // the descriptions are read under the lock, the stream is reached without it
    if (aclError e = check_channel(a, channelDesc, DVPP_CHNMODE_VPC)) return e;
    const acldvppPicDesc* input = a.get(inputDesc, "inputDesc");
    const acldvppPicDesc* output = a.get(outputDesc, "outputDesc");
    const acldvppBorderConfig* border = a.get(borderConfig, "borderConfig");
    if (!input || !output || !border) return a.error();
    in = snapshot(input);
    out = snapshot(output);
    b = *border;
  }
  if (aclError e = check_vpc_pic(api, in, "inputDesc", false)) return e;
  if (aclError e = check_vpc_pic(api, out, "outputDesc", false)) return e;
  if (in.format != out.format)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "inputDesc and outputDesc formats differ (%s, %s)",
                     format_name(in.format), format_name(out.format));
  if (static_cast<uint64_t>(in.width) + b.left + b.right != out.width ||
      static_cast<uint64_t>(in.height) + b.top + b.bottom != out.height)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                     "outputDesc %u x %u is not the input %u x %u plus the borders (left %u, right %u, top %u, "
                     "bottom %u)",
                     out.width, out.height, in.width, in.height, b.left, b.right, b.top, b.bottom);
  if (in.yuv420sp() && ((b.left | b.right | b.top | b.bottom) & 1))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "YUV420SP borders must be even (left %u, right %u, top %u, bottom %u)",
                     b.left, b.right, b.top, b.bottom);
  if (in.data == out.data) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "inputDesc and outputDesc share their data");
  return launch(api, stream, [in, out, b](std::string&) -> aclError {
    uint8_t fill[3] = {to_u8(b.value[0]), to_u8(b.value[1]), to_u8(b.value[2])};
    int iw = static_cast<int>(in.width), ih = static_cast<int>(in.height);
    int ow = static_cast<int>(out.width), oh = static_cast<int>(out.height);
    int l = static_cast<int>(b.left), t = static_cast<int>(b.top);
    if (in.packed_rgb()) {
      border_plane(in.data, in.width_stride, iw, ih, out.data, out.width_stride, ow, oh, l, t, 3, b.type, fill);
      return ACL_SUCCESS;
    }
    border_plane(in.data, in.width_stride, iw, ih, out.data, out.width_stride, ow, oh, l, t, 1, b.type, fill);
    bool vu = in.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
    uint8_t uv_fill[2] = {vu ? fill[2] : fill[1], vu ? fill[1] : fill[2]};
    border_plane(in.uv(), in.width_stride, (iw + 1) / 2, (ih + 1) / 2, out.uv(), out.width_stride, (ow + 1) / 2,
                 (oh + 1) / 2, l / 2, t / 2, 2, b.type, uv_fill);
    return ACL_SUCCESS;
  }, {{in.data, in.size}, {out.data, out.size}}, RunsOn::AnyThread);
}

}  // extern "C"
