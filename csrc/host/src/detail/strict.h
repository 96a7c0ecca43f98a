// Strict mode (default; ACL_HOST_STRICT=0 relaxes): what runs here must run
// on an NPU in ACL_HOST run mode. Each rule returns the ACL error an NPU
// would give, with a message; in relaxed mode the rules pass.
//   - memcpy kind must match where dst/src were allocated (device/host),
//     and device ranges must lie inside their allocation;
//   - model execution buffers must be device memory (sizes: see model.h);
//   - memset targets device memory;
//   - LoadWithMem work/weight pointers are device memory, large enough;
//   - a model id executes on one stream at a time (see ModelInstance).
#ifndef ACL_HOST_DETAIL_STRICT_H
#define ACL_HOST_DETAIL_STRICT_H

#include <cstddef>

#include "acl/acl.h"

namespace acl_host {
namespace strict {

aclError check_memcpy(void *dst, const void *src, size_t count, aclrtMemcpyKind kind);
// [ptr, ptr+size) must be device memory. `what` names the buffer in messages.
aclError check_device_range(const void *ptr, size_t size, const char *what);
aclError check_load_memory(void *work, size_t work_size, void *weight, size_t weight_size,
                           size_t need_work, size_t need_weight);

}  // namespace strict
}  // namespace acl_host

#endif  // ACL_HOST_DETAIL_STRICT_H
