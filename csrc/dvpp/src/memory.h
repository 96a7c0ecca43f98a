// DVPP memory: what acldvppMalloc handed out.
#pragma once

#include <cstddef>

#include "common.h"

namespace acl_dvpp {

// [ptr, ptr+size) lies inside one acldvppMalloc block.
bool is_dvpp_range(const void* ptr, size_t size);
// The runtime's range rule, in both modes: a range [ptr, ptr+size) that touches an ACL allocation
// (aclrtMalloc, aclrtMallocHost, acldvppMalloc; or its guard bytes) lies inside it, wherever it
// starts; else ACL_ERROR_INVALID_PARAM naming `what`. Judged at both ends of the range (a range
// that starts before an allocation and ends after it is not seen). NULL and size 0 pass.
aclError check_range(const char* api, const void* ptr, size_t size, const char* what);
// Strict mode: fails (ACL_ERROR_INVALID_PARAM, message naming `what`) unless [ptr, ptr+size)
// is DVPP memory. Relaxed mode accepts any pointer.
aclError check_dvpp_memory(const char* api, const void* ptr, size_t size, const char* what);

// Pins the ACL allocation holding [ptr, ptr+size) while a synchronous call reads it (image info,
// size prediction): another thread's acldvppFree/aclrtFree of it meanwhile is refused in strict
// mode (207002) and waits in relaxed mode, as for the *Async tasks' buffers. Made before the
// range check, so the memory checked is the memory read.
class ReadPin {
 public:
  ReadPin(const void* ptr, size_t size) : handle_(acl_host_ext_pin(ptr, size)) {}
  ~ReadPin() { acl_host_ext_unpin(handle_); }
  ReadPin(const ReadPin&) = delete;
  ReadPin& operator=(const ReadPin&) = delete;

 private:
  void* handle_;
};

}  // namespace acl_dvpp
