// Memory: one ACL allocation (aclrtMalloc or aclrtMallocHost), freed when the
// last owner drops it (the binding's numpy views own it too). Dataset: an
// aclmdlDataset with its aclDataBuffers, built once per block.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "acl/acl.h"
#include "context.h"
#include "tensor_desc.h"

namespace acl_async {

class Memory {
  struct Key {
    explicit Key() = default;
  };

 public:
  enum class Kind { Device, Host };
  Memory(Key, Kind kind, void* data, size_t size, std::shared_ptr<Context> context,
         uint64_t generation) noexcept
      : kind_(kind), data_(data), size_(size), context_(std::move(context)), generation_(generation) {}
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  static std::shared_ptr<Memory> allocate(Kind kind, size_t size, const std::shared_ptr<Context>& context);

  void* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }

 private:
  Kind kind_;
  void* data_;
  size_t size_;
  std::shared_ptr<Context> context_;
  uint64_t generation_;
};

class Dataset {
 public:
  Dataset();
  ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;
  void add(void* data, size_t size);
  aclmdlDataset* get() const noexcept { return dataset_; }

 private:
  aclmdlDataset* dataset_;
  std::vector<aclDataBuffer*> buffers_;
};

// Locks `mu`; if it is busy, waits with the host lock (the GIL) released (holders never need it).
std::unique_lock<std::mutex> lock_releasing_gil(std::mutex& mu);

}  // namespace acl_async
