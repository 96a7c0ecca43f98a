// The host AIPP's common case in one pass (detail/aipp_fast.h): decode, swap, crop, CSC and DTC per
// output row, straight from the picture bytes to the network's float input, no intermediate picture.
// The same integer steps as aipp_apply.cpp's generic path; DTC through a 256-entry table per channel
// holding exactly std::fma(v, var, -(mean + min) * var), so the results are identical bit for bit.
#include "detail/aipp_fast.h"

#include <algorithm>
#include <cmath>

#include "acl/acl.h"

namespace acl_host {
namespace aipp {
namespace {

struct Tables {
  float dtc[3][256];
};

// One output row: `Fmt` the input format, `Csc` whether CSC runs, `Yuv` its YUV form (input bias).
template <int Fmt, bool Csc, bool Yuv>
void row(const Header& h, const uint8_t* pic, int sy, int x0, int w, int ch, const Tables& t, float* const* dst,
         int step) {
  const size_t W = static_cast<size_t>(h.src_w);
  const uint8_t* line = nullptr;
  const uint8_t* uv = nullptr;
  if (Fmt == ACL_YUV420SP_U8) {
    line = pic + static_cast<size_t>(sy) * W;
    uv = pic + W * static_cast<size_t>(h.src_h) + static_cast<size_t>(sy / 2) * W;
  } else {
    const size_t bpp = Fmt == ACL_XRGB8888_U8 ? 4 : Fmt == ACL_RGB888_U8 ? 3 : 1;
    line = pic + static_cast<size_t>(sy) * W * bpp + (Fmt == ACL_XRGB8888_U8 && !h.ax_swap ? 1 : 0);
  }
  int32_t m[9], bias[3];
  for (int i = 0; i < 9; ++i) m[i] = h.matrix[i];
  for (int i = 0; i < 3; ++i) bias[i] = Yuv ? h.in_bias[i] : h.out_bias[i];
  // Channel order after the R/B (U/V) swap.
  const bool yuv_swap = h.rbuv_swap && Fmt == ACL_YUV420SP_U8, rgb_swap = h.rbuv_swap && !yuv_swap;
  const int a = rgb_swap ? 2 : 0, b = yuv_swap ? 2 : 1, c = rgb_swap ? 0 : yuv_swap ? 1 : 2;
  float* d0 = dst[0];
  float* d1 = ch == 3 ? dst[1] : nullptr;
  float* d2 = ch == 3 ? dst[2] : nullptr;
  for (int x = 0; x < w; ++x) {
    const int sx = x0 + x;
    if (Fmt == ACL_YUV400_U8) {
      d0[static_cast<size_t>(x) * step] = t.dtc[0][line[sx]];
      continue;
    }
    int32_t v[3];
    if (Fmt == ACL_YUV420SP_U8) {
      const uint8_t* q = uv + (sx & ~1);
      v[0] = line[sx];
      v[1] = q[0];
      v[2] = q[1];
    } else {
      const size_t bpp = Fmt == ACL_XRGB8888_U8 ? 4 : 3;
      const uint8_t* q = line + static_cast<size_t>(sx) * bpp;
      v[0] = q[0];
      v[1] = q[1];
      v[2] = q[2];
    }
    int32_t s0 = v[a], s1 = v[b], s2 = v[c];
    if (Csc) {
      if (Yuv) s0 -= bias[0], s1 -= bias[1], s2 -= bias[2];
      // |m| < 2^15 and |s| < 2^8: the sums fit in 32 bits; >> 8 is floor division by 256.
      int32_t r0 = (m[0] * s0 + m[1] * s1 + m[2] * s2) >> 8;
      int32_t r1 = (m[3] * s0 + m[4] * s1 + m[5] * s2) >> 8;
      int32_t r2 = (m[6] * s0 + m[7] * s1 + m[8] * s2) >> 8;
      if (!Yuv) r0 += bias[0], r1 += bias[1], r2 += bias[2];
      s0 = std::min(255, std::max(0, r0));
      s1 = std::min(255, std::max(0, r1));
      s2 = std::min(255, std::max(0, r2));
    }
    const size_t o = static_cast<size_t>(x) * step;
    d0[o] = t.dtc[0][s0];
    d1[o] = t.dtc[1][s1];
    d2[o] = t.dtc[2][s2];
  }
}

using RowFn = void (*)(const Header&, const uint8_t*, int, int, int, int, const Tables&, float* const*, int);

template <int Fmt>
RowFn pick_csc(bool csc) {
  if (!csc) return &row<Fmt, false, false>;
  const bool yuv = Fmt == ACL_YUV420SP_U8;
  return yuv ? &row<Fmt, true, true> : &row<Fmt, true, false>;
}

RowFn pick(const Header& h) {
  switch (h.format) {
    case ACL_YUV420SP_U8:
      return pick_csc<ACL_YUV420SP_U8>(h.csc);
    case ACL_XRGB8888_U8:
      return pick_csc<ACL_XRGB8888_U8>(h.csc);
    case ACL_RGB888_U8:
      return pick_csc<ACL_RGB888_U8>(h.csc);
    case ACL_YUV400_U8:
      return &row<ACL_YUV400_U8, false, false>;  // CSC is refused for YUV400 (check())
    default:
      return nullptr;
  }
}

}  // namespace

bool fast_path(const BatchParams& b) { return !b.scf && !b.padding; }

void apply_fast(const Header& h, const BatchParams& b, const uint8_t* pic, int channels, bool nchw, float* out) {
  const int x0 = b.crop ? b.crop_x : 0, y0 = b.crop ? b.crop_y : 0;
  const int w = b.crop ? b.crop_w : h.src_w, hh = b.crop ? b.crop_h : h.src_h;
  Tables t;
  for (int c = 0; c < channels; ++c) {
    const float mul = b.var[c], add = -(static_cast<float>(b.mean[c]) + b.min[c]) * b.var[c];
    for (int v = 0; v < 256; ++v) t.dtc[c][v] = std::fma(static_cast<float>(v), mul, add);
  }
  const RowFn fn = pick(h);
  const size_t plane = static_cast<size_t>(w) * hh;
  for (int y = 0; y < hh; ++y) {
    float* dst[3];
    for (int c = 0; c < channels; ++c)
      dst[c] = nchw ? out + c * plane + static_cast<size_t>(y) * w : out + static_cast<size_t>(y) * w * channels + c;
    fn(h, pic, y0 + y, x0, w, channels, t, dst, nchw ? 1 : channels);
  }
}

}  // namespace aipp
}  // namespace acl_host
