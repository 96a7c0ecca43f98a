#include "tensor_desc.h"

#include <sstream>


namespace acl_async {

namespace {

size_t numpy_size(aclDataType dtype) noexcept {
  switch (dtype) {
    case ACL_INT8:
    case ACL_UINT8:
    case ACL_BOOL:
      return 1;
    case ACL_FLOAT16:
    case ACL_INT16:
    case ACL_UINT16:
      return 2;
    case ACL_FLOAT:
    case ACL_INT32:
    case ACL_UINT32:
      return 4;
    case ACL_DOUBLE:
    case ACL_INT64:
    case ACL_UINT64:
    case ACL_COMPLEX64:
      return 8;
    case ACL_COMPLEX128:
      return 16;
    default:
      return 1;  // raw bytes
  }
}

}  // namespace

const char* dtype_name(aclDataType dtype) noexcept {
  switch (dtype) {
    case ACL_FLOAT:
      return "float32";
    case ACL_FLOAT16:
      return "float16";
    case ACL_DOUBLE:
      return "float64";
    case ACL_INT8:
      return "int8";
    case ACL_UINT8:
      return "uint8";
    case ACL_INT16:
      return "int16";
    case ACL_UINT16:
      return "uint16";
    case ACL_INT32:
      return "int32";
    case ACL_UINT32:
      return "uint32";
    case ACL_INT64:
      return "int64";
    case ACL_UINT64:
      return "uint64";
    case ACL_BOOL:
      return "bool";
    case ACL_COMPLEX64:
      return "complex64";
    case ACL_COMPLEX128:
      return "complex128";
    case ACL_BF16:
      return "bfloat16";
    case ACL_STRING:
      return "string";
    case ACL_DT_UNDEFINED:
      return "undefined";
    default:
      return "unknown";
  }
}

const char* format_name(aclFormat format) noexcept {
  switch (format) {
    case ACL_FORMAT_NCHW:
      return "NCHW";
    case ACL_FORMAT_NHWC:
      return "NHWC";
    case ACL_FORMAT_ND:
      return "ND";
    case ACL_FORMAT_NC1HWC0:
      return "NC1HWC0";
    case ACL_FORMAT_FRACTAL_Z:
      return "FRACTAL_Z";
    case ACL_FORMAT_NC1HWC0_C04:
      return "NC1HWC0_C04";
    case ACL_FORMAT_HWCN:
      return "HWCN";
    case ACL_FORMAT_NDHWC:
      return "NDHWC";
    case ACL_FORMAT_FRACTAL_NZ:
      return "FRACTAL_NZ";
    case ACL_FORMAT_NCDHW:
      return "NCDHW";
    case ACL_FORMAT_NDC1HWC0:
      return "NDC1HWC0";
    case ACL_FRACTAL_Z_3D:
      return "FRACTAL_Z_3D";
    case ACL_FORMAT_NC:
      return "NC";
    case ACL_FORMAT_NCL:
      return "NCL";
    case ACL_FORMAT_UNDEFINED:
      return "UNDEFINED";
    default:
      return "UNKNOWN";
  }
}

bool TensorDesc::dynamic() const noexcept {
  for (int64_t d : dims) {
    if (d < 0) return true;
  }
  return false;
}

bool TensorDesc::typed() const noexcept {
  switch (dtype) {
    case ACL_FLOAT:
    case ACL_FLOAT16:
    case ACL_DOUBLE:
    case ACL_INT8:
    case ACL_UINT8:
    case ACL_INT16:
    case ACL_UINT16:
    case ACL_INT32:
    case ACL_UINT32:
    case ACL_INT64:
    case ACL_UINT64:
    case ACL_BOOL:
    case ACL_COMPLEX64:
    case ACL_COMPLEX128:
      return true;
    default:
      return false;
  }
}

const char* TensorDesc::element_name() const noexcept { return typed() ? dtype_name(dtype) : "uint8"; }

size_t TensorDesc::itemsize() const noexcept { return numpy_size(dtype); }

std::vector<int64_t> TensorDesc::view_shape() const {
  std::vector<int64_t> shape;
  if (typed() && !dynamic()) {
    size_t count = 1;
    for (int64_t d : dims) {
      shape.push_back(d);
      count *= static_cast<size_t>(d);
    }
    if (count * itemsize() == size) return shape;
  }
  return {static_cast<int64_t>(size / itemsize())};
}

std::string TensorDesc::describe() const {
  std::ostringstream out;
  out << element_name() << " (";
  auto shape = view_shape();
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  if (shape.size() == 1) out << ",";
  out << ")";
  return out.str();
}

bool Layout::same_sizes(const Layout& other) const noexcept {
  if (inputs.size() != other.inputs.size() || outputs.size() != other.outputs.size()) return false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].size != other.inputs[i].size) return false;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].size != other.outputs[i].size) return false;
  }
  return true;
}

}  // namespace acl_async
