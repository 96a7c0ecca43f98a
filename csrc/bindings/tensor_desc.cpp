// TensorDesc: the Python class and the numpy view of a tensor.
#include "bindings.h"
#include "errors.h"

#include "tensor_desc.h"

#include <sstream>

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

}  // namespace

py::dtype numpy_dtype(const TensorDesc& desc) {
  int typenum = numpy_typenum(desc.dtype);
  return py::dtype(typenum < 0 ? static_cast<int>(npy::NPY_UINT8_) : typenum);
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
      .def_property_readonly("dtype", &numpy_dtype,
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
