// The chroma of a bilinear NV12 down-scale, faster. libyuv's UVScale blends each output row from
// two source rows (InterpolateRow, SIMD) and then filters the interleaved pairs horizontally
// with ScaleUVFilterCols, which has no x86 SIMD version: measured, it took as long as the whole
// luma plane's horizontal pass for a quarter of its samples (1080p -> 224x224). Here the blended
// row is split into its U and V halves (SplitUVRow), each filtered by the luma plane's SIMD
// ScaleFilterCols, and merged back (MergeUVRow): the same sampling positions (libyuv's
// ScaleSlope), the same vertical blend, the horizontal weights at libyuv's luma precision (7
// bits instead of 16, so a sample may differ by one). Every kernel is libyuv's; the other cases
// (up-scales, integer steps, nearest neighbour, CPUs without these kernels) are libyuv's UVScale.
#include "scale_nv12.h"

#include <vector>

#include "libyuv/cpu_id.h"
#include "libyuv/row.h"
#include "libyuv/scale_row.h"

namespace acl_dvpp {
namespace {

using Interpolate = void (*)(uint8_t*, const uint8_t*, ptrdiff_t, int, int);
using Split = void (*)(const uint8_t*, uint8_t*, uint8_t*, int);
using Merge = void (*)(const uint8_t*, const uint8_t*, uint8_t*, int);
using Cols = void (*)(uint8_t*, const uint8_t*, int, int, int);

// The sampling of a UV plane that libyuv's ScaleUV would give to ScaleUVBilinearDown; false for
// every other case (they stay libyuv's).
struct Plan {
  libyuv::FilterMode filter;
  int x, y, dx, dy;
};

bool plan_split(int sw, int sh, int dw, int dh, libyuv::FilterMode requested, Plan& p) {
#if defined(HAS_SCALEFILTERCOLS_SSSE3) && !defined(HAS_SCALEUVFILTERCOLS_SSSE3)
  if (!libyuv::TestCpuFlag(libyuv::kCpuHasSSSE3)) return false;
  if (sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 || sw >= 32768 || sh > 32768) return false;
  p.filter = libyuv::ScaleFilterReduce(sw, sh, dw, dh, requested);
  if (p.filter != libyuv::kFilterBilinear && p.filter != libyuv::kFilterLinear) return false;
  p.x = p.y = p.dx = p.dy = 0;
  libyuv::ScaleSlope(sw, sh, dw, dh, p.filter, &p.x, &p.y, &p.dx, &p.dy);
  if (((p.dx | p.dy) & 0xffff) == 0) return false;             // integer steps: copies and box paths
  if (p.dx == 0x10000 && (p.x & 0xffff) == 0) return false;    // vertical only
  if ((dh + 1) / 2 == sh || (dw + 1) / 2 == sw) return false;  // the 2x up-scalers
  return p.dy >= 0x10000;                                      // libyuv's bilinear down-scaler
#else
  (void)sw, (void)sh, (void)dw, (void)dh, (void)requested, (void)p;
  return false;
#endif
}

#if defined(HAS_SCALEFILTERCOLS_SSSE3) && !defined(HAS_SCALEUVFILTERCOLS_SSSE3)
Interpolate interpolate_for(int width) {
  Interpolate f = libyuv::InterpolateRow_C;
#if defined(HAS_INTERPOLATEROW_SSSE3)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasSSSE3))
    f = width % 16 ? libyuv::InterpolateRow_Any_SSSE3 : libyuv::InterpolateRow_SSSE3;
#endif
#if defined(HAS_INTERPOLATEROW_AVX2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasAVX2))
    f = width % 32 ? libyuv::InterpolateRow_Any_AVX2 : libyuv::InterpolateRow_AVX2;
#endif
  return f;
}

Split split_for(int width) {
  Split f = libyuv::SplitUVRow_C;
#if defined(HAS_SPLITUVROW_SSE2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasSSE2))
    f = width % 16 ? libyuv::SplitUVRow_Any_SSE2 : libyuv::SplitUVRow_SSE2;
#endif
#if defined(HAS_SPLITUVROW_AVX2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasAVX2))
    f = width % 32 ? libyuv::SplitUVRow_Any_AVX2 : libyuv::SplitUVRow_AVX2;
#endif
  return f;
}

Merge merge_for(int width) {
  Merge f = libyuv::MergeUVRow_C;
#if defined(HAS_MERGEUVROW_SSE2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasSSE2))
    f = width % 16 ? libyuv::MergeUVRow_Any_SSE2 : libyuv::MergeUVRow_SSE2;
#endif
#if defined(HAS_MERGEUVROW_AVX2)
  if (libyuv::TestCpuFlag(libyuv::kCpuHasAVX2))
    f = width % 16 ? libyuv::MergeUVRow_Any_AVX2 : libyuv::MergeUVRow_AVX2;
#endif
  return f;
}

// ScaleUVBilinearDown's loop (the same clipped source columns, row positions and blend), with
// the horizontal pass on the split planes.
int scale_uv_split(const uint8_t* src, int ss, int sw, int sh, uint8_t* dst, int ds, int dw, int dh, Plan p) {
  int64_t xlast = p.x + static_cast<int64_t>(dw - 1) * p.dx;
  int64_t xl = p.dx >= 0 ? p.x : xlast, xr = p.dx >= 0 ? xlast : p.x;
  xl = (xl >> 16) & ~3;    // left edge, 4-aligned
  xr = (xr >> 16) + 1;     // the right-most pair a blend reads
  xr = (xr + 1 + 3) & ~3;  // one past it, 4-aligned
  if (xr > sw) xr = sw;
  const int clip = static_cast<int>(xr - xl);  // pairs
  src += xl * 2;
  int x = p.x - static_cast<int>(xl << 16);
  const Interpolate interpolate = interpolate_for(clip * 2);
  const Split split = split_for(clip);
  const Merge merge = merge_for(dw);
  const Cols cols = libyuv::ScaleFilterCols_SSSE3;
  // row: the blended pairs; u, v: its halves; du, dv: the filtered halves (64 spare bytes each).
  const size_t row_size = static_cast<size_t>(clip) * 2 + 64, half = static_cast<size_t>(clip) + 64,
               out = static_cast<size_t>(dw) + 64;
  std::vector<uint8_t> buf(row_size + 2 * half + 2 * out);
  uint8_t* row = buf.data();
  uint8_t* u = row + row_size;
  uint8_t* v = u + half;
  uint8_t* du = v + half;
  uint8_t* dv = du + out;
  const int max_y = (sh - 1) << 16;
  int y = p.y > max_y ? max_y : p.y;
  for (int j = 0; j < dh; ++j) {
    const uint8_t* s = src + static_cast<ptrdiff_t>(y >> 16) * ss;
    if (p.filter == libyuv::kFilterLinear) {
      split(s, u, v, clip);
    } else {
      interpolate(row, s, ss, clip * 2, (y >> 8) & 255);
      split(row, u, v, clip);
    }
    cols(du, u, dw, x, p.dx);
    cols(dv, v, dw, x, p.dx);
    merge(du, dv, dst + static_cast<ptrdiff_t>(j) * ds, dw);
    y += p.dy;
    if (y > max_y) y = max_y;
  }
  return 0;
}
#endif

}  // namespace

bool nv12_scale_splits_chroma(int sw, int sh, int dw, int dh, libyuv::FilterMode filter) {
  Plan p;
  return plan_split((sw + 1) / 2, (sh + 1) / 2, (dw + 1) / 2, (dh + 1) / 2, filter, p);
}

int nv12_scale(const uint8_t* sy, int sys, const uint8_t* suv, int suvs, int sw, int sh, uint8_t* dy, int dys,
               uint8_t* duv, int duvs, int dw, int dh, libyuv::FilterMode filter) {
  Plan p;
  const int sw2 = (sw + 1) / 2, sh2 = (sh + 1) / 2, dw2 = (dw + 1) / 2, dh2 = (dh + 1) / 2;
  if (!sy || !suv || !dy || !duv || !plan_split(sw2, sh2, dw2, dh2, filter, p))
    return libyuv::NV12Scale(sy, sys, suv, suvs, sw, sh, dy, dys, duv, duvs, dw, dh, filter);
  if (int r = libyuv::ScalePlane(sy, sys, sw, sh, dy, dys, dw, dh, filter)) return r;
#if defined(HAS_SCALEFILTERCOLS_SSSE3) && !defined(HAS_SCALEUVFILTERCOLS_SSSE3)
  return scale_uv_split(suv, suvs, sw2, sh2, duv, duvs, dw2, dh2, p);
#else
  return -1;  // plan_split is false here
#endif
}

}  // namespace acl_dvpp
