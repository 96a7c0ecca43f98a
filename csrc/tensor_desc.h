// TensorDesc: one model input or output as the model description gives it
// (name, dims, ACL data type, format, byte size), and the numpy view of it.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "acl/acl.h"

namespace acl_async {

namespace py = pybind11;

struct TensorDesc {
  size_t index = 0;
  std::string name;
  std::vector<int64_t> dims;
  aclDataType dtype = ACL_DT_UNDEFINED;
  aclFormat format = ACL_FORMAT_UNDEFINED;
  size_t size = 0;  // bytes (aclmdlGet{Input,Output}SizeByIndex)

  bool dynamic() const noexcept;
  // numpy element type: the ACL type, or uint8 for types numpy lacks (bytes as they are).
  py::dtype numpy_dtype() const;
  size_t itemsize() const noexcept;
  // The numpy shape of a host view: dims when they match the byte size, else (size / itemsize,).
  std::vector<py::ssize_t> view_shape() const;
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
