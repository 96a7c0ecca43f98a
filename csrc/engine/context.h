// Context: aclrtCreateContext / aclrtDestroyContext. The current context is
// per thread in ACL; activate() makes this one current on the calling thread
// (cached per thread, so the common case costs one comparison).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "acl/acl.h"
#include "device.h"
#include "resource.h"

namespace acl_async {

class Context : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  Context(Key, std::shared_ptr<Device> device, aclrtContext handle) noexcept;
  ~Context() override { close_from_destructor(); }
  static std::shared_ptr<Context> create(std::shared_ptr<Device> device);

  // Makes the context current on this thread; ClosedError once destroyed.
  void activate();
  // Same without throwing, for teardown: works after close() until the
  // deferred aclrtDestroyContext ran; false once the context is destroyed.
  bool try_activate() noexcept;
  aclrtContext handle() const noexcept { return handle_.load(std::memory_order_acquire); }
  const std::shared_ptr<Device>& device() const noexcept { return device_; }
  aclrtRunMode run_mode() const noexcept { return device_->run_mode(); }

 protected:
  void release() noexcept override;

 private:
  std::shared_ptr<Device> device_;
  std::atomic<aclrtContext> handle_;  // null once closed
  aclrtContext raw_;                  // valid until *destroyed_
  std::shared_ptr<std::atomic<bool>> destroyed_;
  uint64_t serial_;
};

// Forget which context is current on this thread (after ACL changed it).
void invalidate_current_context() noexcept;

}  // namespace acl_async
