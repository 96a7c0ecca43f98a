// Device memory (a bounded arena accounted per allocation) and host memory
// from aclrtMallocHost. Every allocation is registered as a [ptr, ptr+size)
// range so strict mode can tell where any pointer lives.
#pragma once

#include <cstddef>

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

// Classifies [ptr, ptr+len).
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

// Bytes of the device arena in use.
size_t device_used();

// Frees everything (aclFinalize).
void release_all();

}  // namespace memory
}  // namespace acl_host
