// Strict mode (default; ACL_HOST_STRICT=0 relaxes): what runs here must run
// on an NPU in ACL_HOST run mode. Each rule returns the ACL error an NPU
// would give, with a message; in relaxed mode the rules pass.
//   - memcpy kind must match where dst/src were allocated (device/host),
//     and device ranges must lie inside their allocation;
//   - model execution buffers must be device memory (sizes: see model.h);
//   - memset takes host or device memory (the runtime decides by address), but
//     a range inside an ACL allocation must not overrun it;
//   - cache flush/invalidate ranges lie inside an ACL allocation;
//   - 2-D copies go host to device or device to host only;
//   - LoadWithMem work/weight pointers are device memory, large enough;
//   - a model id executes on one stream at a time (see ModelInstance).
#pragma once

#include <cstddef>

#include "acl/acl.h"

namespace acl_host {
namespace strict {

aclError check_memcpy(void* dst, const void* src, size_t count, aclrtMemcpyKind kind);
// aclrtMemcpy (synchronous): its kind is "reserved, the value given has no effect: the runtime judges
// from the source and destination addresses whether the copy can be made" (aclcppdevg, aclrtMemcpy,
// CANN 5.0.4 to 8.0), so only the ranges are checked, whatever the kind says.
aclError check_memcpy_by_address(void* dst, const void* src, size_t count, aclrtMemcpyKind kind);
// One side of a copy: [ptr, ptr+len) is device memory when want_device (else
// not), inside its allocation. `side` names it ("dst"/"src").
aclError check_copy_side(const void* ptr, size_t len, bool want_device, const char* side,
                         aclrtMemcpyKind kind);
// aclrtMemset[Async]: any memory; a range in an ACL allocation must fit in it.
aclError check_memset(const void* ptr, size_t count);
// Any (ptr, size) argument: a range touching an ACL allocation lies inside it
// (other memory passes). Every check below applies this same rule.
aclError check_range(const void* ptr, size_t size, const char* what);
// [ptr, ptr+size) must lie inside one ACL allocation (device or host).
aclError check_acl_range(const void* ptr, size_t size, const char* what);
// [ptr, ptr+size) must be device memory. `what` names the buffer in messages.
aclError check_device_range(const void* ptr, size_t size, const char* what);
aclError check_load_memory(void* work, size_t work_size, void* weight, size_t weight_size, size_t need_work,
                           size_t need_weight);

}  // namespace strict
}  // namespace acl_host
