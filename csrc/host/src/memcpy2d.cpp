// 2-D copies (aclrtMemcpy2d[Async]): height rows of width bytes between
// pitched buffers.
#include <cstdint>
#include <cstring>
#include <memory>

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/runtime.h"
#include "detail/strict.h"
#include "detail/stream.h"

namespace acl_host {
namespace {

// Bytes spanned by `height` rows `pitch` apart, the last one `width` long.
bool extent(size_t pitch, size_t width, size_t height, size_t& out) {
  if (height - 1 > (SIZE_MAX - width) / pitch) return false;
  out = (height - 1) * pitch + width;
  return true;
}

aclError check_2d(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                  aclrtMemcpyKind kind) {
  if (!dst) return fail(ACL_ERROR_INVALID_PARAM, "dst must not be NULL");
  if (!src) return fail(ACL_ERROR_INVALID_PARAM, "src must not be NULL");
  if (width == 0 || height == 0)
    return fail(ACL_ERROR_INVALID_PARAM, "width (%zu) and height (%zu) must be greater than 0", width,
                height);
  if (dpitch < width)
    return fail(ACL_ERROR_INVALID_PARAM, "dpitch (%zu) is smaller than width (%zu)", dpitch, width);
  if (spitch < width)
    return fail(ACL_ERROR_INVALID_PARAM, "spitch (%zu) is smaller than width (%zu)", spitch, width);
  const int k = static_cast<int>(kind);
  if (k < ACL_MEMCPY_HOST_TO_HOST || k > ACL_MEMCPY_DEFAULT)
    return fail(ACL_ERROR_INVALID_PARAM, "invalid memcpy kind %d", k);
  size_t dspan = 0, sspan = 0;
  if (!extent(dpitch, width, height, dspan) || !extent(spitch, width, height, sspan))
    return fail(ACL_ERROR_INVALID_PARAM, "%zu rows of pitch %zu/%zu overflow the address space", height,
                dpitch, spitch);
  if (!strict_mode()) return ACL_SUCCESS;
  if (kind != ACL_MEMCPY_HOST_TO_DEVICE && kind != ACL_MEMCPY_DEVICE_TO_HOST)
    return fail(
        ACL_ERROR_RT_FEATURE_NOT_SUPPORT,
        "kind %d: 2-D copies go ACL_MEMCPY_HOST_TO_DEVICE or ACL_MEMCPY_DEVICE_TO_HOST only (strict mode; "
        "ACL_HOST_STRICT=0 relaxes)",
        k);
  // Each side as a whole range: where it lives and that it fits its allocation.
  if (aclError e = strict::check_copy_side(dst, dspan, kind == ACL_MEMCPY_HOST_TO_DEVICE, "dst", kind))
    return e;
  return strict::check_copy_side(src, sspan, kind == ACL_MEMCPY_DEVICE_TO_HOST, "src", kind);
}

void copy_rows(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height) {
  for (size_t row = 0; row < height; ++row)
    std::memmove(static_cast<char*>(dst) + row * dpitch, static_cast<const char*>(src) + row * spitch, width);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtMemcpy2d(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                       aclrtMemcpyKind kind) ACL_API_TRY {
  ACL_API();
  memory::Pins pins;  // as in aclrtMemcpy: no free between the check and the copy
  if (height > 0) {
    pins.add(dst, dpitch * (height - 1) + width);
    pins.add(src, spitch * (height - 1) + width);
  }
  if (aclError e = check_2d(dst, dpitch, src, spitch, width, height, kind)) return e;
  copy_rows(dst, dpitch, src, spitch, width, height);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtMemcpy2dAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width,
                            size_t height, aclrtMemcpyKind kind, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (aclError e = check_2d(dst, dpitch, src, spitch, width, height, kind)) return e;
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  Task t;
  t.kind = TaskKind::Memcpy2d;
  t.dst = dst;
  t.src = src;
  t.count = width;
  t.dpitch = dpitch;
  t.spitch = spitch;
  t.height = height;
  return s->enqueue(std::move(t));
} ACL_API_CATCH

}  // extern "C"
