// write_yuv420sp (yuv420sp_write.h). On x86-64 the output rows are written with non-temporal stores:
// the output is only written here (the caller reads it later, often on another thread), so storing
// around the caches skips reading each destination line first and keeps the decoder's reference
// pictures cached. Elsewhere, and for unaligned destinations, libyuv's I420ToNV12/NV21.
#include "yuv420sp_write.h"

#include <cstring>

#include "libyuv.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define ACL_DVPP_STREAM_STORES 1
#endif

namespace acl_dvpp {

#ifdef ACL_DVPP_STREAM_STORES
namespace {

bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }

void copy_row(const uint8_t* s, uint8_t* d, int n) {
  int x = 0;
  for (; x + 64 <= n; x += 64) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + x));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + x + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + x + 32));
    const __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + x + 48));
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + x), a);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + x + 16), b);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + x + 32), c);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + x + 48), e);
  }
  for (; x + 16 <= n; x += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + x), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + x)));
  if (x < n) std::memcpy(d + x, s + x, static_cast<size_t>(n - x));
}

// n chroma pairs: first[i], second[i] -> d[2i], d[2i+1].
void merge_row(const uint8_t* first, const uint8_t* second, uint8_t* d, int n) {
  int x = 0;
  for (; x + 16 <= n; x += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + x));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + x));
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + 2 * x), _mm_unpacklo_epi8(a, b));
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + 2 * x + 16), _mm_unpackhi_epi8(a, b));
  }
  for (; x < n; ++x) {
    d[2 * x] = first[x];
    d[2 * x + 1] = second[x];
  }
}

}  // namespace
#endif

void write_yuv420sp(const uint8_t* y, int y_stride, const uint8_t* u, int u_stride, const uint8_t* v, int v_stride,
                    uint8_t* dst_y, uint8_t* dst_uv, int dst_stride, int w, int h, bool nv21) {
#ifdef ACL_DVPP_STREAM_STORES
  if (aligned16(dst_y) && aligned16(dst_uv) && dst_stride % 16 == 0) {
    for (int r = 0; r < h; ++r)
      copy_row(y + static_cast<ptrdiff_t>(r) * y_stride, dst_y + static_cast<ptrdiff_t>(r) * dst_stride, w);
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    for (int r = 0; r < ch; ++r) {
      const uint8_t* ur = u + static_cast<ptrdiff_t>(r) * u_stride;
      const uint8_t* vr = v + static_cast<ptrdiff_t>(r) * v_stride;
      merge_row(nv21 ? vr : ur, nv21 ? ur : vr, dst_uv + static_cast<ptrdiff_t>(r) * dst_stride, cw);
    }
    _mm_sfence();  // the streamed lines are visible before the frame's callback is queued
    return;
  }
#endif
  if (nv21)
    libyuv::I420ToNV21(y, y_stride, u, u_stride, v, v_stride, dst_y, dst_stride, dst_uv, dst_stride, w, h);
  else
    libyuv::I420ToNV12(y, y_stride, u, u_stride, v, v_stride, dst_y, dst_stride, dst_uv, dst_stride, w, h);
}

}  // namespace acl_dvpp
