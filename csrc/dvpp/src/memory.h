// DVPP memory: what acldvppMalloc handed out.
#pragma once

#include <cstddef>

#include "common.h"

namespace acl_dvpp {

// [ptr, ptr+size) lies inside one acldvppMalloc block.
bool is_dvpp_range(const void* ptr, size_t size);
// Strict mode: fails (ACL_ERROR_INVALID_PARAM, message naming `what`) unless [ptr, ptr+size)
// is DVPP memory. Relaxed mode accepts any pointer.
aclError check_dvpp_memory(const char* api, const void* ptr, size_t size, const char* what);

}  // namespace acl_dvpp
