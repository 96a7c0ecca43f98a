// Devices 0..N-1 (N = 1, or ACL_HOST_DEVICE_COUNT). aclrtSetDevice counts a
// reference and creates the device's implicit default context (and stream);
// aclrtResetDevice drops them once the last reference goes.
#pragma once

#include <cstdint>
#include <memory>

#include "acl/acl.h"

namespace acl_host {

class Context;

namespace device {

int count();
// ACL_ERROR_RT_INVALID_DEVICEID (with a message) for ids outside 0..N-1.
aclError check_id(int32_t id);
// aclrtSetDevice: +1 reference; returns the default context.
std::shared_ptr<Context> acquire(int32_t id);
// aclrtResetDevice: -1 reference; the default context goes with the last one.
aclError release(int32_t id);
// Drops every reference to the device at once (aclrtResetDeviceForce).
aclError release_force(int32_t id);
// aclFinalize.
void release_all();

}  // namespace device
}  // namespace acl_host
