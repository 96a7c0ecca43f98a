// Data buffers (an address and a size, owning nothing) and datasets (ordered
// lists of data buffers). Live handles are registered so a NULL, destroyed or
// foreign handle is reported instead of dereferenced.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "acl/acl.h"
#include "detail/stream.h"

struct aclDataBuffer {
  void* data;
  size_t size;
};

struct aclmdlDataset {
  std::vector<aclDataBuffer*> buffers;
  // aclmdlSetDatasetTensorDesc: the dataset's own copy per buffer index (or null).
  std::vector<std::shared_ptr<aclTensorDesc>> descs;
};

namespace acl_host {
namespace handles {

// Guards both registries below.
std::mutex& mutex();
// Registries (call with mutex() held).
bool buffer_valid_locked(const aclDataBuffer* b);
bool dataset_valid_locked(const aclmdlDataset* d);

// Copies a dataset's (address, size) pairs into out under one lock.
// Returns ACL_ERROR_INVALID_PARAM (with a message naming `what`) for a
// NULL/unknown dataset or buffer.
aclError snapshot(const aclmdlDataset* d, const char* what, IoList& out);

}  // namespace handles
}  // namespace acl_host
