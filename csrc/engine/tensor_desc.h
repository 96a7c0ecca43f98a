// TensorDesc: one model input or output as the model description gives it
// (name, dims, ACL data type, format, byte size), and the host array view of
// it (element type and shape; the binding makes the numpy dtype).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "acl/acl.h"

namespace acl_async {

struct TensorDesc {
  size_t index = 0;
  std::string name;
  std::vector<int64_t> dims;
  aclDataType dtype = ACL_DT_UNDEFINED;
  aclFormat format = ACL_FORMAT_UNDEFINED;
  size_t size = 0;  // bytes (aclmdlGet{Input,Output}SizeByIndex)

  bool dynamic() const noexcept;
  // True when host arrays have the ACL type as element type (numpy has it); else they hold
  // bytes as they are (uint8).
  bool typed() const noexcept;
  // The host array element type's name: dtype_name(dtype), or "uint8" when not typed().
  const char* element_name() const noexcept;
  size_t itemsize() const noexcept;
  // The shape of a host view: dims when they match the byte size, else (size / itemsize,).
  std::vector<int64_t> view_shape() const;
  std::string describe() const;  // e.g. "float32 (1, 3, 224, 224)"
};

// The inputs and outputs of a model.
struct Layout {
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  bool same_sizes(const Layout& other) const noexcept;
};

const char* dtype_name(aclDataType dtype) noexcept;
const char* format_name(aclFormat format) noexcept;

}  // namespace acl_async
