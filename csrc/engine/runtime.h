// Runtime: one reference to the process-wide ACL initialization. aclInit runs
// when the first reference is made, aclFinalize when the last is released (or
// at interpreter exit, when shutdown() closes everything still open).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "resource.h"

namespace acl_async {

class Runtime : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  explicit Runtime(Key) noexcept : Resource("Runtime") {}
  static std::shared_ptr<Runtime> create(const std::optional<std::string>& config);
  ~Runtime() override { close_from_destructor(); }

  // Live references (0 when ACL is not initialized by us).
  static int refcount() noexcept;
  // Counts our aclInit calls: memory made under one initialization is not
  // freed under another (or after aclFinalize).
  static uint64_t generation() noexcept;
  static bool initialized() noexcept;

 protected:
  void release() noexcept override;
};

// Allocations made through acl_async (numpy views can keep them alive after
// close): aclFinalize and aclrtResetDevice wait until none is left.
void note_memory_allocated() noexcept;
void note_memory_freed() noexcept;
// aclrtResetDevice(id) now, or when the last allocation is freed.
void reset_device_when_unused(int32_t id) noexcept;

// Closes every live Runtime (and with it every device, context, stream, ...),
// then runs deferred work. Registered with Python's atexit.
void shutdown() noexcept;

}  // namespace acl_async
