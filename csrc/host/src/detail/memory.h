// Device memory (a bounded arena accounted per allocation) and host memory
// from aclrtMallocHost. Every allocation is registered as a [ptr, ptr+size)
// range so strict mode can tell where any pointer lives.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detail/util.h"

namespace acl_host {
namespace memory {

enum class Kind { Foreign, Device, Host };

struct Where {
  Kind kind = Kind::Foreign;
  const void* base = nullptr;  // start of the allocation holding the pointer
  size_t size = 0;             // its size (as requested)
  // True when [ptr, ptr+len) lies inside the allocation.
  bool contains = false;
};

// Classifies [ptr, ptr+len): the allocation it starts in (or in whose guard bytes), else
// the allocation it reaches into (contains = false), else Foreign.
Where classify(const void* ptr, size_t len);

inline const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Device:
      return "device memory (aclrtMalloc)";
    case Kind::Host:
      return "host memory (aclrtMallocHost)";
    default:
      return "memory not allocated by ACL";
  }
}

// Keeps the ACL allocations under some ranges alive while queued stream work
// uses them (a stream task holds one): aclrtFree/aclrtFreeHost of a pinned
// allocation waits until every task pinning it has ended (relaxed mode) or is
// refused (strict mode), so memory is never freed under queued work.
class Pins {
 public:
  Pins() = default;
  Pins(Pins&& o) noexcept : held_(o.held_) { o.held_.clear(); }
  Pins& operator=(Pins&& o) noexcept {
    if (this != &o) {
      release();
      held_ = o.held_;
      o.held_.clear();
    }
    return *this;
  }
  Pins(const Pins&) = delete;
  Pins& operator=(const Pins&) = delete;
  ~Pins() { release(); }
  // Pins the allocation(s) holding the first and last byte of [ptr, ptr+len), if any.
  void add(const void* ptr, size_t len);
  void release();
  bool empty() const { return held_.size() == 0; }

  struct Held {
    uintptr_t base;
    uint64_t serial;  // tells a block from a later one at the same address
  };

 private:
  SmallVec<Held, 4> held_;
};

// Bytes of the device arena in use.
size_t device_used();

// Frees everything (aclFinalize).
void release_all();

}  // namespace memory
}  // namespace acl_host
