// Tensor descriptions (aclTensorDesc): plain values with a registry of live
// ones, so a NULL, destroyed or foreign pointer is reported, not dereferenced.
// Datasets own copies (aclmdlSetDatasetTensorDesc) that are live too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "acl/acl.h"

struct aclTensorDesc {
  aclDataType dtype = ACL_DT_UNDEFINED;
  aclFormat format = ACL_FORMAT_UNDEFINED;
  std::vector<int64_t> dims;
  aclFormat storage_format = ACL_FORMAT_UNDEFINED;
  std::vector<int64_t> storage_dims;
  aclFormat origin_format = ACL_FORMAT_UNDEFINED;
  std::vector<int64_t> origin_dims;
  std::vector<std::pair<int64_t, int64_t>> shape_range;
  std::vector<std::pair<int64_t, int64_t>> value_range;
  std::string name;
  std::string dynamic_input;
  std::vector<unsigned char> const_data;
  bool has_const = false;
  aclMemType placement = ACL_MEMTYPE_DEVICE;
};

namespace acl_host {
namespace tensor_desc {

// A registered copy of d, released by the returned pointer's deleter.
std::shared_ptr<aclTensorDesc> make_shared_copy(const aclTensorDesc& d);
// True while d is a live desc (created, or owned by a dataset).
bool live(const aclTensorDesc* d);

}  // namespace tensor_desc
}  // namespace acl_host
