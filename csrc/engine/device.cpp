#include "device.h"

#include "context.h"
#include "errors.h"
#include "host_hooks.h"

namespace acl_async {

std::shared_ptr<Device> Device::create(int32_t id, std::shared_ptr<Runtime> runtime) {
  run_deferred();
  runtime->check_open();
  aclError ret;
  {
    HostUnlock nogil;
    ret = aclrtSetDevice(id);
  }
  invalidate_current_context();  // aclrtSetDevice makes the device's default context current
  check(ret, "aclrtSetDevice");
  auto device = std::make_shared<Device>(Key{}, id, runtime);
  aclrtRunMode mode = ACL_HOST;
  ret = aclrtGetRunMode(&mode);
  if (ret != ACL_SUCCESS) {
    device->close();
    raise_acl(ret, "aclrtGetRunMode");
  }
  device->run_mode_ = mode;
  runtime->add_child(device);
  return device;
}

void Device::release() noexcept {
  int32_t id = id_;
  run_or_defer([id] {
    reset_device_when_unused(id);
    invalidate_current_context();
  });
}

}  // namespace acl_async
