// Strict-mode rules (see detail/strict.h).
#include "detail/strict.h"

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/memory.h"
#include "detail/runtime.h"

namespace acl_host {
namespace strict {
namespace {

using memory::Kind;

const char* kind_label(int kind) {
  switch (kind) {
    case 0:
      return "ACL_MEMCPY_HOST_TO_HOST";
    case 1:
      return "ACL_MEMCPY_HOST_TO_DEVICE";
    case 2:
      return "ACL_MEMCPY_DEVICE_TO_HOST";
    case 3:
      return "ACL_MEMCPY_DEVICE_TO_DEVICE";
    default:
      return "ACL_MEMCPY_DEFAULT";
  }
}

// The one range rule of every (ptr, size) argument: a range that touches an ACL
// allocation (or its guard bytes) lies inside it, whether it starts inside or outside.
aclError check_inside(const memory::Where& w, const void* ptr, size_t len, const char* what) {
  if (w.kind == Kind::Foreign || w.contains) return ACL_SUCCESS;
  return fail(ACL_ERROR_RT_PARAM_INVALID, "%s range [%p, +%zu) overruns its allocation (base %p, %zu bytes)", what,
              ptr, len, w.base, w.size);
}

// side: "dst"/"src"; want_device: the kind says this side is device memory.
aclError check_side(const void* ptr, size_t count, bool want_device, const char* side, int kind) {
  memory::Where w = memory::classify(ptr, count);
  bool is_device = w.kind == Kind::Device;
  if (want_device && !is_device)
    return fail(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
                "%s: %s %p is %s, but the kind says device memory (strict mode; ACL_HOST_STRICT=0 relaxes)",
                kind_label(kind), side, ptr, memory::kind_name(w.kind));
  if (!want_device && is_device)
    return fail(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
                "%s: %s %p is device memory, but the kind says host memory (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)",
                kind_label(kind), side, ptr);
  if (w.kind == Kind::Foreign || w.contains) return ACL_SUCCESS;
  return check_inside(w, ptr, count, format("%s: %s", kind_label(kind), side).c_str());
}

}  // namespace

aclError check_memcpy(void* dst, const void* src, size_t count, aclrtMemcpyKind kind) {
  if (!strict_mode()) return ACL_SUCCESS;
  int k = static_cast<int>(kind);
  switch (k) {
    case 0:  // host to host
      if (aclError e = check_side(dst, count, false, "dst", k)) return e;
      return check_side(src, count, false, "src", k);
    case 1:  // host to device
      if (aclError e = check_side(dst, count, true, "dst", k)) return e;
      return check_side(src, count, false, "src", k);
    case 2:  // device to host
      if (aclError e = check_side(dst, count, false, "dst", k)) return e;
      return check_side(src, count, true, "src", k);
    case 3:  // device to device
      if (aclError e = check_side(dst, count, true, "dst", k)) return e;
      return check_side(src, count, true, "src", k);
    default:  // the runtime picks the direction: only ranges are checked
      return check_memcpy_by_address(dst, src, count, kind);
  }
}

aclError check_memcpy_by_address(void* dst, const void* src, size_t count, aclrtMemcpyKind kind) {
  if (!strict_mode()) return ACL_SUCCESS;
  const int k = static_cast<int>(kind);
  memory::Where d = memory::classify(dst, count);
  if (aclError e = check_side(dst, count, d.kind == Kind::Device, "dst", k)) return e;
  memory::Where s = memory::classify(src, count);
  return check_side(src, count, s.kind == Kind::Device, "src", k);
}

aclError check_copy_side(const void* ptr, size_t len, bool want_device, const char* side,
                         aclrtMemcpyKind kind) {
  if (!strict_mode()) return ACL_SUCCESS;
  return check_side(ptr, len, want_device, side, static_cast<int>(kind));
}

aclError check_memset(const void* ptr, size_t count) {
  if (!strict_mode()) return ACL_SUCCESS;
  return check_inside(memory::classify(ptr, count), ptr, count, "devPtr");
}

aclError check_range(const void* ptr, size_t size, const char* what) {
  if (!strict_mode()) return ACL_SUCCESS;
  return check_inside(memory::classify(ptr, size), ptr, size, what);
}

aclError check_acl_range(const void* ptr, size_t size, const char* what) {
  if (!strict_mode()) return ACL_SUCCESS;
  memory::Where w = memory::classify(ptr, size);
  if (w.kind == Kind::Foreign)
    return fail(ACL_ERROR_INVALID_PARAM,
                "%s %p was not allocated by aclrtMalloc, aclrtMallocCached or aclrtMallocHost (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)",
                what, ptr);
  return check_inside(w, ptr, size, what);
}

aclError check_device_range(const void* ptr, size_t size, const char* what) {
  if (!strict_mode()) return ACL_SUCCESS;
  memory::Where w = memory::classify(ptr, size);
  if (w.kind != Kind::Device)
    return fail(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
                "%s %p is %s; the NPU only reaches device memory from aclrtMalloc (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)",
                what, ptr, memory::kind_name(w.kind));
  return check_inside(w, ptr, size, what);
}

aclError check_load_memory(void* work, size_t work_size, void* weight, size_t weight_size, size_t need_work,
                           size_t need_weight) {
  if (!strict_mode()) return ACL_SUCCESS;
  if (work) {
    if (work_size < need_work)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "workSize %zu is smaller than the %zu bytes aclmdlQuerySize reports", work_size, need_work);
    if (aclError e = check_device_range(work, work_size, "workPtr")) return e;
  }
  if (weight) {
    if (weight_size < need_weight)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "weightSize %zu is smaller than the %zu bytes aclmdlQuerySize reports", weight_size,
                  need_weight);
    if (aclError e = check_device_range(weight, weight_size, "weightPtr")) return e;
  }
  return ACL_SUCCESS;
}

}  // namespace strict
}  // namespace acl_host
