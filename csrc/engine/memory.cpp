#include "memory.h"

#include <algorithm>

#include "errors.h"
#include "host_hooks.h"
#include "runtime.h"

namespace acl_async {

std::shared_ptr<Memory> Memory::allocate(Kind kind, size_t size, const std::shared_ptr<Context>& context) {
  context->activate();
  void* data = nullptr;
  size_t bytes = std::max<size_t>(size, 1);  // ACL refuses 0-byte allocations
  if (kind == Kind::Device) {
    check(aclrtMalloc(&data, bytes, ACL_MEM_MALLOC_HUGE_FIRST), "aclrtMalloc");
  } else {
    check(aclrtMallocHost(&data, bytes), "aclrtMallocHost");
  }
  note_memory_allocated();
  return std::make_shared<Memory>(Key{}, kind, data, size, context, Runtime::generation());
}

Memory::~Memory() {
  void* data = data_;
  Kind kind = kind_;
  std::shared_ptr<Context> context = context_;
  uint64_t generation = generation_;
  run_or_defer([data, kind, context, generation] {
    // Memory of an earlier initialization died with its aclFinalize.
    if (Runtime::generation() == generation) {
      context->try_activate();
      if (kind == Kind::Device) {
        aclrtFree(data);
      } else {
        aclrtFreeHost(data);
      }
    }
    note_memory_freed();
  });
}

Dataset::Dataset() : dataset_(aclmdlCreateDataset()) {
  if (dataset_ == nullptr) raise_acl(ACL_ERROR_BAD_ALLOC, "aclmdlCreateDataset");
}

Dataset::~Dataset() {
  for (aclDataBuffer* buffer : buffers_) aclDestroyDataBuffer(buffer);
  aclmdlDestroyDataset(dataset_);
}

void Dataset::add(void* data, size_t size) {
  aclDataBuffer* buffer = aclCreateDataBuffer(data, size);
  if (buffer == nullptr) raise_acl(ACL_ERROR_BAD_ALLOC, "aclCreateDataBuffer");
  aclError ret = aclmdlAddDatasetBuffer(dataset_, buffer);
  if (ret != ACL_SUCCESS) {
    aclDestroyDataBuffer(buffer);
    raise_acl(ret, "aclmdlAddDatasetBuffer");
  }
  buffers_.push_back(buffer);
}

std::unique_lock<std::mutex> lock_releasing_gil(std::mutex& mu) {
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    HostUnlock nogil;
    lock.lock();
  }
  return lock;
}

}  // namespace acl_async
