#include "tensor_desc.h"

#include <sstream>

#include "bindings.h"

namespace acl_async {

namespace {

using npy = py::detail::npy_api;
constexpr int kNpyHalf = 23;  // NPY_HALF (pybind11 has no constant for it)

// numpy type number for the ACL types numpy has (-1 otherwise).
int numpy_typenum(aclDataType dtype) noexcept {
  switch (dtype) {
    case ACL_FLOAT:
      return npy::NPY_FLOAT32_;
    case ACL_FLOAT16:
      return kNpyHalf;
    case ACL_DOUBLE:
      return npy::NPY_FLOAT64_;
    case ACL_INT8:
      return npy::NPY_INT8_;
    case ACL_UINT8:
      return npy::NPY_UINT8_;
    case ACL_INT16:
      return npy::NPY_INT16_;
    case ACL_UINT16:
      return npy::NPY_UINT16_;
    case ACL_INT32:
      return npy::NPY_INT32_;
    case ACL_UINT32:
      return npy::NPY_UINT32_;
    case ACL_INT64:
      return npy::NPY_INT64_;
    case ACL_UINT64:
      return npy::NPY_UINT64_;
    case ACL_BOOL:
      return npy::NPY_BOOL_;
    case ACL_COMPLEX64:
      return npy::NPY_COMPLEX64_;
    case ACL_COMPLEX128:
      return npy::NPY_COMPLEX128_;
    default:
      return -1;
  }
}

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

py::dtype TensorDesc::numpy_dtype() const {
  int typenum = numpy_typenum(dtype);
  return py::dtype(typenum < 0 ? static_cast<int>(npy::NPY_UINT8_) : typenum);
}

size_t TensorDesc::itemsize() const noexcept { return numpy_size(dtype); }

std::vector<py::ssize_t> TensorDesc::view_shape() const {
  std::vector<py::ssize_t> shape;
  if (numpy_typenum(dtype) >= 0 && !dynamic()) {
    size_t count = 1;
    for (int64_t d : dims) {
      shape.push_back(static_cast<py::ssize_t>(d));
      count *= static_cast<size_t>(d);
    }
    if (count * itemsize() == size) return shape;
  }
  return {static_cast<py::ssize_t>(size / itemsize())};
}

std::string TensorDesc::describe() const {
  std::ostringstream out;
  out << py::str(numpy_dtype()).cast<std::string>() << " (";
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

void regclass_TensorDesc(py::module_& m) {
  py::class_<TensorDesc>(m, "TensorDesc", "A model input or output as the model description gives it.")
      .def_readonly("index", &TensorDesc::index)
      .def_readonly("name", &TensorDesc::name)
      .def_property_readonly(
          "shape",
          [](const TensorDesc& d) {
            py::tuple t(d.dims.size());
            for (size_t i = 0; i < d.dims.size(); ++i) t[i] = d.dims[i];
            return t;
          },
          "Dims from the model description (-1 for a dynamic dimension).")
      .def_property_readonly("dtype", &TensorDesc::numpy_dtype,
                             "numpy dtype of the host arrays (uint8 bytes for types numpy lacks).")
      .def_property_readonly(
          "acl_dtype", [](const TensorDesc& d) { return static_cast<int>(d.dtype); },
          "The aclDataType value.")
      .def_property_readonly("dtype_name", [](const TensorDesc& d) { return dtype_name(d.dtype); })
      .def_property_readonly(
          "format", [](const TensorDesc& d) { return format_name(d.format); },
          "The aclFormat name, e.g. 'NCHW' or 'ND'.")
      .def_property_readonly("acl_format", [](const TensorDesc& d) { return static_cast<int>(d.format); })
      .def_readonly("size", &TensorDesc::size, "Bytes of one buffer.")
      .def("__repr__", [](const TensorDesc& d) {
        std::ostringstream out;
        out << "TensorDesc(index=" << d.index << ", name='" << d.name << "', shape=(";
        for (size_t i = 0; i < d.dims.size(); ++i) out << (i ? ", " : "") << d.dims[i];
        if (d.dims.size() == 1) out << ",";
        out << "), dtype=" << dtype_name(d.dtype) << ", format=" << format_name(d.format)
            << ", size=" << d.size << ")";
        return out.str();
      });
}

}  // namespace acl_async
