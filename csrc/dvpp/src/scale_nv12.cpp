// Bilinear NV12 down-scales, faster. libyuv's ScalePlaneBilinearDown (and its UV twin) blends
// each output row from two source rows (InterpolateRow, SIMD), then filters it horizontally,
// computing every sample's position as it goes: ScaleFilterCols_SSSE3 makes two luma samples
// per step, and ScaleUVFilterCols has no x86 SIMD version at all. Measured on 1080p -> 224x224,
// those horizontal passes took two thirds of the time. The positions are the same for every row,
// so here they are computed once per picture (libyuv's ScaleSlope and stepping, its 7-bit
// weights) into a table, and the horizontal pass gathers 16 luma or 8 chroma samples per step
// with one multiply-add: the same output as libyuv's luma kernel, byte for byte. The vertical
// blend is libyuv's InterpolateRow. Every other case (up-scales, integer steps, nearest
// neighbour, CPUs without SSSE3, aarch64's NEON kernels) is libyuv's: its ScalePlane for luma,
// and for chroma too (U and V split into planes, scaled, merged back) whenever that scale
// blends neighbours. libyuv's interleaved UV scaler blends columns with weights 127 - f and f
// (its BLENDER, "bug 607"), a gain of 127/128: every up-scale, and every down-scale off the
// table path, pulled U and V towards 0 (a flat U of 250 came out 248, grey's 128 as 127).
#include "scale_nv12.h"

#include <cstddef>
#include <cstring>
#include <vector>

#include "libyuv/cpu_id.h"
#include "libyuv/row.h"
#include "libyuv/scale_row.h"

#if defined(HAS_INTERPOLATEROW_SSSE3)
#include <immintrin.h>
#define ACL_DVPP_TABLE_COLS 1
#endif

namespace acl_dvpp {
namespace {

// The sampling libyuv's ScalePlane/UVScale give a plane in their bilinear down-scaler.
struct Plan {
  libyuv::FilterMode filter;
  int x, y, dx, dy;
};

bool plan_down(int sw, int sh, int dw, int dh, libyuv::FilterMode requested, Plan& p) {
#if defined(ACL_DVPP_TABLE_COLS)
  if (!libyuv::TestCpuFlag(libyuv::kCpuHasSSSE3)) return false;
  if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || sw >= 32768 || sh > 32768) return false;
  p.filter = libyuv::ScaleFilterReduce(sw, sh, dw, dh, requested);
  if (p.filter != libyuv::kFilterBilinear && p.filter != libyuv::kFilterLinear) return false;
  p.x = p.y = p.dx = p.dy = 0;
  libyuv::ScaleSlope(sw, sh, dw, dh, p.filter, &p.x, &p.y, &p.dx, &p.dy);
  if (((p.dx | p.dy) & 0xffff) == 0) return false;             // integer steps: copies and box paths
  if (p.dx == 0x10000 && (p.x & 0xffff) == 0) return false;    // vertical only
  if ((dh + 1) / 2 == sh || (dw + 1) / 2 == sw) return false;  // the 2x up-scalers
  return p.dy >= 0x10000 && p.dx > 0;                          // libyuv's bilinear down-scaler
#else
  (void)sw, (void)sh, (void)dw, (void)dh, (void)requested, (void)p;
  return false;
#endif
}

#if defined(ACL_DVPP_TABLE_COLS)
using Interpolate = void (*)(uint8_t*, const uint8_t*, ptrdiff_t, int, int);

Interpolate interpolate_for(int width) {
  Interpolate f = libyuv::InterpolateRow_SSSE3;
  if (width % 16) f = libyuv::InterpolateRow_Any_SSSE3;
#if defined(HAS_INTERPOLATEROW_AVX2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasAVX2))
    f = width % 32 ? libyuv::InterpolateRow_Any_AVX2 : libyuv::InterpolateRow_AVX2;
#endif
  return f;
}

uint16_t load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One output sample from the pixels a (left) and b (right) and the 7-bit weight f of b is
// (128a + f(b - a) + 64) >> 7, libyuv's BLENDER. pmaddubsw multiplies unsigned by signed bytes,
// so the pixels are made signed (x - 128) and the weights (128 - f, f) stay unsigned; 0x4000
// puts the 128 * 128 back before the shift.
__attribute__((target("ssse3"))) __m128i blend(__m128i pairs, const uint8_t* weights) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(weights));
  const __m128i s = _mm_maddubs_epi16(w, _mm_xor_si128(pairs, _mm_set1_epi8(static_cast<char>(0x80))));
  return _mm_srli_epi16(_mm_add_epi16(s, _mm_set1_epi16(0x4000 + 0x40)), 7);
}

// Luma: 16 samples per step; `offset` and `weight` (2 bytes a sample) padded to a multiple of 16.
__attribute__((target("ssse3"))) void cols_y(uint8_t* dst, const uint8_t* row, const int32_t* o,
                                            const uint8_t* weight, int n) {
  for (int k = 0; k < n; k += 16, o += 16, weight += 32) {
    const __m128i lo = _mm_setr_epi16(load16(row + o[0]), load16(row + o[1]), load16(row + o[2]),
                                      load16(row + o[3]), load16(row + o[4]), load16(row + o[5]),
                                      load16(row + o[6]), load16(row + o[7]));
    const __m128i hi = _mm_setr_epi16(load16(row + o[8]), load16(row + o[9]), load16(row + o[10]),
                                      load16(row + o[11]), load16(row + o[12]), load16(row + o[13]),
                                      load16(row + o[14]), load16(row + o[15]));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + k),
                     _mm_packus_epi16(blend(lo, weight), blend(hi, weight + 16)));
  }
}

// Chroma: 8 pairs per step, each read as (u0 v0 u1 v1) and shuffled to (u0 u1 v0 v1); weights
// (128 - f, f, 128 - f, f) a pair; `offset` and `weight` padded to a multiple of 8.
__attribute__((target("ssse3"))) void cols_uv(uint8_t* dst, const uint8_t* row, const int32_t* o,
                                             const uint8_t* weight, int n) {
  const __m128i order = _mm_setr_epi8(0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15);
  for (int k = 0; k < n; k += 8, o += 8, weight += 32) {
    const __m128i lo = _mm_setr_epi32(static_cast<int>(load32(row + o[0])), static_cast<int>(load32(row + o[1])),
                                      static_cast<int>(load32(row + o[2])), static_cast<int>(load32(row + o[3])));
    const __m128i hi = _mm_setr_epi32(static_cast<int>(load32(row + o[4])), static_cast<int>(load32(row + o[5])),
                                      static_cast<int>(load32(row + o[6])), static_cast<int>(load32(row + o[7])));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 2 * k),
                     _mm_packus_epi16(blend(_mm_shuffle_epi8(lo, order), weight),
                                      blend(_mm_shuffle_epi8(hi, order), weight + 16)));
  }
}

// ScalePlaneBilinearDown's loop over a plane of `bpp`-byte pixels (1: luma, 2: UV pairs): the same
// clipped source columns, row positions and vertical blend; the horizontal pass from the table.
int scale_down(const uint8_t* src, int ss, int sw, int sh, uint8_t* dst, int ds, int dw, int dh, Plan p, int bpp) {
  const int64_t xlast = p.x + static_cast<int64_t>(dw - 1) * p.dx;
  const int xl = static_cast<int>(p.x >> 16);
  int xr = static_cast<int>(xlast >> 16) + 2;  // one past the right-most pixel a blend reads
  if (xr > sw) xr = sw;
  const int clip = xr - xl;  // pixels
  src += static_cast<ptrdiff_t>(xl) * bpp;
  const int block = bpp == 1 ? 16 : 8, n = (dw + block - 1) / block * block;
  std::vector<int32_t> offset(n, 0);
  std::vector<uint8_t> weight(static_cast<size_t>(n) * 2 * bpp, 0);
  int64_t x = p.x - (static_cast<int64_t>(xl) << 16);
  for (int k = 0; k < dw; ++k, x += p.dx) {
    offset[k] = static_cast<int32_t>(x >> 16) * bpp;
    const auto f = static_cast<uint8_t>((x >> 9) & 0x7f);
    for (int c = 0; c < bpp; ++c) {
      weight[(static_cast<size_t>(k) * bpp + c) * 2] = static_cast<uint8_t>(128 - f);
      weight[(static_cast<size_t>(k) * bpp + c) * 2 + 1] = f;
    }
  }
  // row: the blended source row plus room for the right-most pixel's missing neighbour (weight 0)
  // and a 32-bit read; line: the filtered row, a whole number of steps.
  const size_t row_bytes = static_cast<size_t>(clip) * bpp;
  std::vector<uint8_t> buf(row_bytes + 64 + static_cast<size_t>(n) * bpp);
  uint8_t* row = buf.data();
  uint8_t* line = row + row_bytes + 64;
  const Interpolate interpolate = interpolate_for(static_cast<int>(row_bytes));
  const int max_y = (sh - 1) << 16;
  int y = p.y > max_y ? max_y : p.y;
  for (int j = 0; j < dh; ++j) {
    const uint8_t* s = src + static_cast<ptrdiff_t>(y >> 16) * ss;
    if (p.filter == libyuv::kFilterLinear)
      std::memcpy(row, s, row_bytes);
    else
      interpolate(row, s, ss, static_cast<int>(row_bytes), (y >> 8) & 255);
    if (bpp == 1)
      cols_y(line, row, offset.data(), weight.data(), n);
    else
      cols_uv(line, row, offset.data(), weight.data(), n);
    std::memcpy(dst + static_cast<ptrdiff_t>(j) * ds, line, static_cast<size_t>(dw) * bpp);
    y += p.dy;
    if (y > max_y) y = max_y;
  }
  return 0;
}
#endif

// The interleaved chroma plane scaled as two planes by libyuv's ScalePlane, whose blends weigh
// 128 - f and f as its luma's do; the sample positions are the same as libyuv's UVScale's.
int uv_scale_planar(const uint8_t* suv, int suvs, int sw, int sh, uint8_t* duv, int duvs, int dw, int dh,
                    libyuv::FilterMode filter) {
  const size_t src = static_cast<size_t>(sw) * sh, dst = static_cast<size_t>(dw) * dh;
  std::vector<uint8_t> buf(2 * (src + dst));
  uint8_t* su = buf.data();
  uint8_t* sv = su + src;
  uint8_t* du = sv + src;
  uint8_t* dv = du + dst;
  libyuv::SplitUVPlane(suv, suvs, su, sw, sv, sw, sw, sh);
  int r = libyuv::ScalePlane(su, sw, sw, sh, du, dw, dw, dh, filter);
  if (r == 0) r = libyuv::ScalePlane(sv, sw, sw, sh, dv, dw, dw, dh, filter);
  if (r == 0) libyuv::MergeUVPlane(du, dw, dv, dw, duv, duvs, dw, dh);
  return r;
}

}  // namespace

int nv12_scale(const uint8_t* sy, int sys, const uint8_t* suv, int suvs, int sw, int sh, uint8_t* dy, int dys,
               uint8_t* duv, int duvs, int dw, int dh, libyuv::FilterMode filter) {
  Plan py, puv;
  const int sw2 = (sw + 1) / 2, sh2 = (sh + 1) / 2, dw2 = (dw + 1) / 2, dh2 = (dh + 1) / 2;
  if (!sy || !suv || !dy || !duv || sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0)
    return libyuv::NV12Scale(sy, sys, suv, suvs, sw, sh, dy, dys, duv, duvs, dw, dh, filter);
  if (!plan_down(sw, sh, dw, dh, filter, py) || !plan_down(sw2, sh2, dw2, dh2, filter, puv)) {
    const libyuv::FilterMode uv_filter = libyuv::ScaleFilterReduce(sw2, sh2, dw2, dh2, filter);
    if (uv_filter != libyuv::kFilterBilinear && uv_filter != libyuv::kFilterLinear)
      return libyuv::NV12Scale(sy, sys, suv, suvs, sw, sh, dy, dys, duv, duvs, dw, dh, filter);
    const int r = libyuv::ScalePlane(sy, sys, sw, sh, dy, dys, dw, dh, filter);
    return r != 0 ? r : uv_scale_planar(suv, suvs, sw2, sh2, duv, duvs, dw2, dh2, filter);
  }
#if defined(ACL_DVPP_TABLE_COLS)
  scale_down(sy, sys, sw, sh, dy, dys, dw, dh, py, 1);
  return scale_down(suv, suvs, sw2, sh2, duv, duvs, dw2, dh2, puv, 2);
#else
  return -1;  // plan_down is false here
#endif
}

}  // namespace acl_dvpp
