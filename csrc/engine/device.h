// Device: aclrtSetDevice on creation, aclrtResetDevice on release.
#pragma once

#include <cstdint>
#include <memory>

#include "acl/acl.h"
#include "resource.h"
#include "runtime.h"

namespace acl_async {

class Device : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  Device(Key, int32_t id, std::shared_ptr<Runtime> runtime) noexcept
      : Resource("Device"), id_(id), runtime_(std::move(runtime)) {}
  ~Device() override { close_from_destructor(); }
  static std::shared_ptr<Device> create(int32_t id, std::shared_ptr<Runtime> runtime);

  int32_t id() const noexcept { return id_; }
  // ACL_HOST: device memory is not host-visible and needs copies (host runtime, PCIe cards).
  aclrtRunMode run_mode() const noexcept { return run_mode_; }
  const std::shared_ptr<Runtime>& runtime() const noexcept { return runtime_; }

 protected:
  void release() noexcept override;

 private:
  int32_t id_;
  aclrtRunMode run_mode_ = ACL_HOST;
  std::shared_ptr<Runtime> runtime_;
};

}  // namespace acl_async
