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

}  // namespace acl_dvpp
