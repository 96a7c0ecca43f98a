// The host AIPP's common case in one pass (detail/aipp_fast.h): decode, swap, crop, CSC and DTC per
// output row, from the picture bytes to the network's float input through three int32 row buffers
// (loops the compiler vectorises), no intermediate picture. The same integer steps as aipp_apply.cpp's
// generic path, and DTC gives exactly std::fma(v, var, -(mean + min) * var): the results are identical
// bit for bit.
#include "detail/aipp_fast.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "acl/acl.h"

namespace acl_host {
namespace aipp {
namespace {

// A row's three channels as int32 (after the R/B or U/V swap): simple loops the compiler vectorises.
struct Rows {
  std::vector<int32_t> c[3];
  explicit Rows(int w) {
    for (auto& v : c) v.resize(static_cast<size_t>(w) + 1);
  }
};

// Loads source row `sy` from column `x0`, `w` pixels, into `r` (channel order after the swap).
inline __attribute__((always_inline)) void load(const Header& h, const uint8_t* pic, int sy, int x0, int w, Rows& r) {
  const size_t W = static_cast<size_t>(h.src_w);
  const bool swap = h.rbuv_swap != 0;
  int32_t* c0 = r.c[0].data();
  int32_t* c1 = r.c[1].data();
  int32_t* c2 = r.c[2].data();
  switch (h.format) {
    case ACL_YUV420SP_U8: {
      const uint8_t* y = pic + static_cast<size_t>(sy) * W + x0;
      // x0 is even (check()): the chroma pair of pixel x is at (x & ~1).
      const uint8_t* uv = pic + W * static_cast<size_t>(h.src_h) + static_cast<size_t>(sy / 2) * W + x0;
      int32_t* u = swap ? c2 : c1;
      int32_t* v = swap ? c1 : c2;
      for (int x = 0; x < w; ++x) c0[x] = y[x];
      for (int x = 0; x < w; x += 2) {
        u[x] = u[x + 1] = uv[x];
        v[x] = v[x + 1] = uv[x + 1];  // rows hold w + 1 entries: an odd w writes one spare
      }
      return;
    }
    case ACL_XRGB8888_U8:
    case ACL_RGB888_U8: {
      const size_t bpp = h.format == ACL_XRGB8888_U8 ? 4 : 3;
      const uint8_t* p = pic + (static_cast<size_t>(sy) * W + x0) * bpp + (bpp == 4 && !h.ax_swap ? 1 : 0);
      int32_t* a = swap ? c2 : c0;
      int32_t* b = swap ? c0 : c2;
      for (int x = 0; x < w; ++x) {
        a[x] = p[x * bpp];
        c1[x] = p[x * bpp + 1];
        b[x] = p[x * bpp + 2];
      }
      return;
    }
    default: {
      const uint8_t* p = pic + static_cast<size_t>(sy) * W + x0;
      for (int x = 0; x < w; ++x) c0[x] = p[x];
    }
  }
}

// CSC in place: integer, `>> 8` (floor division by 256: |m| < 2^15 and |s| < 2^9, the sums fit in 32
// bits), clamped to 0..255.
inline __attribute__((always_inline)) void csc(const Header& h, int w, Rows& r) {
  const bool yuv = h.format == ACL_YUV420SP_U8;
  int32_t m[9], in_bias[3], out_bias[3];
  for (int i = 0; i < 9; ++i) m[i] = h.matrix[i];
  for (int i = 0; i < 3; ++i) {
    in_bias[i] = yuv ? h.in_bias[i] : 0;
    out_bias[i] = yuv ? 0 : h.out_bias[i];
  }
  // (x - b) folded into the sum: m . (x - b) = m . x - m . b.
  int32_t k[3];
  for (int i = 0; i < 3; ++i) k[i] = -(m[i * 3] * in_bias[0] + m[i * 3 + 1] * in_bias[1] + m[i * 3 + 2] * in_bias[2]);
  int32_t* c0 = r.c[0].data();
  int32_t* c1 = r.c[1].data();
  int32_t* c2 = r.c[2].data();
  for (int x = 0; x < w; ++x) {
    const int32_t s0 = c0[x], s1 = c1[x], s2 = c2[x];
    const int32_t r0 = ((m[0] * s0 + m[1] * s1 + m[2] * s2 + k[0]) >> 8) + out_bias[0];
    const int32_t r1 = ((m[3] * s0 + m[4] * s1 + m[5] * s2 + k[1]) >> 8) + out_bias[1];
    const int32_t r2 = ((m[6] * s0 + m[7] * s1 + m[8] * s2 + k[2]) >> 8) + out_bias[2];
    c0[x] = std::min(255, std::max(0, r0));
    c1[x] = std::min(255, std::max(0, r1));
    c2[x] = std::min(255, std::max(0, r2));
  }
}

// DTC of one channel: out = fma(v, mul, add) for v in 0..255. `exact`: double(v) * mul + add rounded
// once to float gives the fma's value for every v (checked), a loop the compiler vectorises; else a table.
struct Dtc {
  double mul = 1, add = 0;
  bool exact = false;
  float table[256];
};

Dtc make_dtc(float mul, float add) {
  Dtc d;
  d.mul = mul;
  d.add = add;
  d.exact = true;
  for (int v = 0; v < 256; ++v) {
    d.table[v] = std::fma(static_cast<float>(v), mul, add);
    const float f = static_cast<float>(static_cast<double>(v) * d.mul + d.add);
    if (std::memcmp(&f, &d.table[v], sizeof f) != 0) d.exact = false;
  }
  return d;
}

inline __attribute__((always_inline)) void dtc(const Dtc& d, const int32_t* s, int w, float* out, int step) {
  if (d.exact && step == 1) {
    for (int x = 0; x < w; ++x) out[x] = static_cast<float>(static_cast<double>(s[x]) * d.mul + d.add);
  } else if (d.exact) {
    for (int x = 0; x < w; ++x) out[static_cast<size_t>(x) * step] = static_cast<float>(s[x] * d.mul + d.add);
  } else {
    for (int x = 0; x < w; ++x) out[static_cast<size_t>(x) * step] = d.table[s[x]];
  }
}

}  // namespace

bool fast_path(const BatchParams& b) { return !b.scf && !b.padding; }

// x86-64: an AVX2 copy as well, chosen at load time by an ifunc (SSE2's 32-bit multiplies make CSC 3x
// slower). Not in sanitizer builds (__SANITIZE_*__): one code path there, no resolver run before their runtime.
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__) && !defined(ACL_HOST_NO_TARGET_CLONES) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
void apply_fast(const Header& h, const BatchParams& b, const uint8_t* pic, int channels, bool nchw, float* out) {
  const int x0 = b.crop ? b.crop_x : 0, y0 = b.crop ? b.crop_y : 0;
  const int w = b.crop ? b.crop_w : h.src_w, hh = b.crop ? b.crop_h : h.src_h;
  Dtc d[3];
  for (int c = 0; c < channels; ++c)
    d[c] = make_dtc(b.var[c], -(static_cast<float>(b.mean[c]) + b.min[c]) * b.var[c]);
  Rows r(w);
  const size_t plane = static_cast<size_t>(w) * hh;
  for (int y = 0; y < hh; ++y) {
    load(h, pic, y0 + y, x0, w, r);
    if (h.csc && channels == 3) csc(h, w, r);
    for (int c = 0; c < channels; ++c) {
      float* dst = nchw ? out + c * plane + static_cast<size_t>(y) * w : out + static_cast<size_t>(y) * w * channels + c;
      dtc(d[c], r.c[c].data(), w, dst, nchw ? 1 : channels);
    }
  }
}

}  // namespace aipp
}  // namespace acl_host
