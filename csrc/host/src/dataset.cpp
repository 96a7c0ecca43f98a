// Datasets: ordered lists of data buffers.
#include <memory>
#include <mutex>
#include <unordered_map>

#include "acl/acl.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/util.h"

namespace acl_host {
namespace handles {
namespace {

struct Datasets {
  std::unordered_map<const aclmdlDataset*, std::unique_ptr<aclmdlDataset>> live;
};
Datasets& datasets() {
  static NoDestructor<Datasets> d;
  return *d;
}

}  // namespace

bool dataset_valid_locked(const aclmdlDataset* d) { return d && datasets().live.count(d) != 0; }

aclError snapshot(const aclmdlDataset* d, const char* what, IoList& out) {
  std::lock_guard<std::mutex> lock(mutex());
  if (!d) return fail(ACL_ERROR_INVALID_PARAM, "%s dataset must not be NULL", what);
  if (!dataset_valid_locked(d))
    return fail(ACL_ERROR_INVALID_PARAM, "%s dataset %p is not a live dataset (destroyed or never created)",
                what, static_cast<const void*>(d));
  for (size_t i = 0; i < d->buffers.size(); ++i) {
    const aclDataBuffer* b = d->buffers[i];
    if (!buffer_valid_locked(b))
      return fail(ACL_ERROR_INVALID_PARAM, "%s dataset buffer %zu (%p) was destroyed", what, i,
                  static_cast<const void*>(b));
    out.push_back(IoRef{b->data, b->size});
  }
  return ACL_SUCCESS;
}

}  // namespace handles
}  // namespace acl_host

using namespace acl_host;

namespace {

aclError bad_dataset(const aclmdlDataset* d) {
  if (!d) return fail(ACL_ERROR_INVALID_PARAM, "dataset must not be NULL");
  return fail(ACL_ERROR_INVALID_PARAM, "dataset %p is not a live dataset (destroyed or never created)",
              static_cast<const void*>(d));
}

}  // namespace

extern "C" {

aclmdlDataset* aclmdlCreateDataset() ACL_API_TRY {
  ACL_API();
  auto d = std::make_unique<aclmdlDataset>();
  aclmdlDataset* raw = d.get();
  std::lock_guard<std::mutex> lock(handles::mutex());
  handles::datasets().live.emplace(raw, std::move(d));
  return raw;
} ACL_API_CATCH

aclError aclmdlDestroyDataset(const aclmdlDataset* dataset) ACL_API_TRY {
  ACL_API();
  std::unique_ptr<aclmdlDataset> doomed;
  std::lock_guard<std::mutex> lock(handles::mutex());
  auto& live = handles::datasets().live;
  auto it = dataset ? live.find(dataset) : live.end();
  if (it == live.end()) return bad_dataset(dataset);
  doomed = std::move(it->second);  // the buffers stay: they belong to the caller
  live.erase(it);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlAddDatasetBuffer(aclmdlDataset* dataset, aclDataBuffer* dataBuffer) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(dataset)) return bad_dataset(dataset);
  if (!dataBuffer) return fail(ACL_ERROR_INVALID_PARAM, "dataBuffer must not be NULL");
  if (!handles::buffer_valid_locked(dataBuffer))
    return fail(ACL_ERROR_INVALID_PARAM,
                "dataBuffer %p is not a live data buffer (destroyed or never created)",
                static_cast<const void*>(dataBuffer));
  dataset->buffers.push_back(dataBuffer);
  return ACL_SUCCESS;
} ACL_API_CATCH

size_t aclmdlGetDatasetNumBuffers(const aclmdlDataset* dataset) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(dataset)) {
    bad_dataset(dataset);
    return 0;
  }
  return dataset->buffers.size();
} ACL_API_CATCH

aclDataBuffer* aclmdlGetDatasetBuffer(const aclmdlDataset* dataset, size_t index) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(dataset)) {
    bad_dataset(dataset);
    return nullptr;
  }
  if (index >= dataset->buffers.size()) {
    fail(ACL_ERROR_INVALID_PARAM, "index %zu out of range: the dataset holds %zu buffer(s)", index,
         dataset->buffers.size());
    return nullptr;
  }
  return dataset->buffers[index];
} ACL_API_CATCH

}  // extern "C"
