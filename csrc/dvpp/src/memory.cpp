// acldvppMalloc / acldvppFree: device memory (aclrtMalloc, so aclrtMemcpy, model inputs and
// the device's free-memory count see it) registered as DVPP memory, which strict mode asks
// for where CANN's docs require it. Sizes as CANN's acldvppMalloc page says: the request
// rounded up to 32 bytes plus 32 (aclcppdevg "acldvppMalloc", e.g. canncommercial/800
// apiref/appdevgapi/aclcppdevg_03_0323).
#include "memory.h"

#include <cstdint>
#include <map>
#include <mutex>

namespace acl_dvpp {
namespace {

struct Block {
  size_t size;      // usable size
  uint64_t serial;  // tells a block from a later one at the same address
};

struct Registry {
  std::mutex m;
  std::map<uintptr_t, Block> blocks;  // start -> block
  uint64_t next_serial = 0;
};

Registry& reg() {
  static Registry* r = new Registry();  // never destroyed: used until exit
  return *r;
}

}  // namespace

bool is_dvpp_range(const void* ptr, size_t size) {
  Registry& r = reg();
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(r.m);
  auto it = r.blocks.upper_bound(p);
  if (it == r.blocks.begin()) return false;
  --it;
  return p - it->first <= it->second.size && size <= it->second.size - (p - it->first);
}

aclError check_range(const char* api, const void* ptr, size_t size, const char* what) {
  if (!ptr || size == 0) return ACL_SUCCESS;
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  const uintptr_t last = size - 1 > UINTPTR_MAX - p ? UINTPTR_MAX : p + (size - 1);
  for (uintptr_t end : {p, last}) {
    const void* base = nullptr;
    size_t len = 0;
    if (acl_host_ext_find_allocation(reinterpret_cast<const void*>(end), &base, &len) == 0) continue;
    const uintptr_t b = reinterpret_cast<uintptr_t>(base);
    if (p < b || size > len || p - b > len - size)
      return fail(api, ACL_ERROR_INVALID_PARAM,
                  "%s %p (%zu bytes) overruns the %zu-byte ACL allocation at %p", what, ptr, size, len, base);
  }
  return ACL_SUCCESS;
}

aclError check_dvpp_memory(const char* api, const void* ptr, size_t size, const char* what) {
  if (is_dvpp_range(ptr, size)) return ACL_SUCCESS;
  // A range touching an ACL allocation (DVPP memory is one too) must fit it in either mode.
  if (aclError e = check_range(api, ptr, size, what)) return e;
  if (!strict()) return ACL_SUCCESS;  // relaxed: other memory is the caller's word
  return fail(api, ACL_ERROR_INVALID_PARAM,
              "%s %p (%zu bytes) is not inside memory from acldvppMalloc; DVPP reads and writes only "
              "DVPP memory (strict mode; ACL_HOST_STRICT=0 relaxes)",
              what, ptr, size);
}

}  // namespace acl_dvpp

using namespace acl_dvpp;

extern "C" {

aclError acldvppMalloc(void** devPtr, size_t size) {
  DVPP_NULL(devPtr);
  if (size == 0) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  if (size > (SIZE_MAX >> 2)) return DVPP_FAIL(ACL_ERROR_BAD_ALLOC, "cannot allocate %zu bytes", size);
  size_t reserved = (size + 31) / 32 * 32 + 32;
  void* p = nullptr;
  aclError e = aclrtMalloc(&p, reserved, ACL_MEM_MALLOC_HUGE_FIRST);
  if (e != ACL_SUCCESS) return e;  // aclrtMalloc left its message
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  r.blocks[reinterpret_cast<uintptr_t>(p)] = Block{reserved, ++r.next_serial};
  *devPtr = p;
  return ACL_SUCCESS;
}

aclError acldvppFree(void* devPtr) {
  DVPP_NULL(devPtr);
  Registry& r = reg();
  const uintptr_t key = reinterpret_cast<uintptr_t>(devPtr);
  uint64_t serial = 0;
  {
    std::lock_guard<std::mutex> lock(r.m);
    auto it = r.blocks.find(key);
    if (it != r.blocks.end()) {
      serial = it->second.serial;
    } else if (strict()) {
      return DVPP_FAIL(ACL_ERROR_INVALID_PARAM,
                       "devPtr %p was not returned by acldvppMalloc (strict mode; ACL_HOST_STRICT=0 relaxes)", devPtr);
    }
  }
  // aclrtFree first: a block a queued DVPP task or copy still uses (pinned) is refused in strict
  // mode (and stays DVPP memory) or waited for in relaxed mode.
  aclError e = aclrtFree(devPtr);
  if (e != ACL_SUCCESS || serial == 0) return e;
  std::lock_guard<std::mutex> lock(r.m);
  auto it = r.blocks.find(key);
  if (it != r.blocks.end() && it->second.serial == serial) r.blocks.erase(it);
  return ACL_SUCCESS;
}

}  // extern "C"
