// Tensor descriptions attached to dataset buffers (aclmdlSet/GetDatasetTensorDesc).
#include <memory>
#include <mutex>

#include "acl/acl.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/tensor_desc.h"

using namespace acl_host;

extern "C" {

aclError aclmdlSetDatasetTensorDesc(aclmdlDataset* dataset, aclTensorDesc* tensorDesc, size_t index) ACL_API_TRY {
  ACL_API();
  if (!dataset) return fail(ACL_ERROR_INVALID_PARAM, "dataset must not be NULL");
  if (!tensorDesc) return fail(ACL_ERROR_INVALID_PARAM, "tensorDesc must not be NULL");
  if (!tensor_desc::live(tensorDesc))
    return fail(ACL_ERROR_INVALID_PARAM,
                "tensorDesc %p is not a live aclTensorDesc (destroyed or never created)",
                static_cast<const void*>(tensorDesc));
  std::shared_ptr<aclTensorDesc> copy = tensor_desc::make_shared_copy(*tensorDesc);
  std::shared_ptr<aclTensorDesc> old;  // released after the lock
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(dataset))
    return fail(ACL_ERROR_INVALID_PARAM, "dataset %p is not a live dataset (destroyed or never created)",
                static_cast<const void*>(dataset));
  if (index >= dataset->buffers.size())
    return fail(ACL_ERROR_INVALID_PARAM, "index %zu is out of range: the dataset has %zu buffer(s)", index,
                dataset->buffers.size());
  if (dataset->descs.size() < dataset->buffers.size()) dataset->descs.resize(dataset->buffers.size());
  old = std::move(dataset->descs[index]);
  dataset->descs[index] = std::move(copy);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclTensorDesc* aclmdlGetDatasetTensorDesc(const aclmdlDataset* dataset, size_t index) ACL_API_TRY {
  ACL_API();
  if (!dataset) {
    fail(ACL_ERROR_INVALID_PARAM, "dataset must not be NULL");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(dataset)) {
    fail(ACL_ERROR_INVALID_PARAM, "dataset %p is not a live dataset (destroyed or never created)",
         static_cast<const void*>(dataset));
    return nullptr;
  }
  if (index >= dataset->buffers.size()) {
    fail(ACL_ERROR_INVALID_PARAM, "index %zu is out of range: the dataset has %zu buffer(s)", index,
         dataset->buffers.size());
    return nullptr;
  }
  return index < dataset->descs.size() ? dataset->descs[index].get() : nullptr;
} ACL_API_CATCH

}  // extern "C"
