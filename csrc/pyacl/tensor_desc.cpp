// pyACL: `acl` tensor descriptions (aclTensorDesc). Compiled when acl.h declares them.
#include "common.h"

#ifdef ACL_TENSOR_SHAPE_RANGE_NUM

namespace pyacl {

namespace {

std::vector<int64_t> int_list(const Args& a, size_t i) {
  py::handle h = a.get(i);
  if (!PyList_Check(h.ptr()) && !PyTuple_Check(h.ptr())) a.type_error(i, "list of int");
  std::vector<int64_t> out;
  for (py::handle v : h) {
    if (PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr())) a.type_error(i, "list of int");
    out.push_back(py::cast<int64_t>(v));
  }
  return out;
}

template <size_t N>
std::vector<std::array<int64_t, N>> range_list(const Args& a, size_t i) {
  py::handle h = a.get(i);
  if (!PyList_Check(h.ptr()) && !PyTuple_Check(h.ptr())) a.type_error(i, "list of [min, max] pairs");
  std::vector<std::array<int64_t, N>> out;
  for (py::handle pair_obj : h) {
    if (!PySequence_Check(pair_obj.ptr()) || PySequence_Size(pair_obj.ptr()) != static_cast<Py_ssize_t>(N))
      a.type_error(i, "list of [min, max] pairs");
    std::array<int64_t, N> r{};
    for (size_t k = 0; k < N; ++k)
      r[k] = py::cast<int64_t>(py::reinterpret_borrow<py::sequence>(pair_obj)[k]);
    out.push_back(r);
  }
  return out;
}

aclTensorDesc* desc_of(const Args& a, size_t i) { return as<aclTensorDesc>(a.ptr(i)); }

}  // namespace

void bind_tensor_desc(py::module_& m) {
  defn(
      m, "create_tensor_desc", {"data_type", "dims", "format"}, 3,
      [](Args& a) -> py::object {
        auto dt = static_cast<aclDataType>(a.i32(0));
        std::vector<int64_t> dims = a.get(1).is_none() ? std::vector<int64_t>() : int_list(a, 1);
        auto fmt = static_cast<aclFormat>(a.i32(2));
        aclTensorDesc* d =
            aclCreateTensorDesc(dt, static_cast<int>(dims.size()), dims.empty() ? nullptr : dims.data(), fmt);
        handles::add(reinterpret_cast<uintptr_t>(d), Kind::TensorDesc);
        return ptr_obj(d);
      },
      "tensor_desc = acl.create_tensor_desc(data_type, dims, format): 0 on failure");
  defn(
      m, "destroy_tensor_desc", {"tensor_desc"}, 1,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::TensorDesc)) return py::none();
        aclDestroyTensorDesc(desc_of(a, 0));
        handles::remove(a.ptr(0));
        return py::none();
      },
      "acl.destroy_tensor_desc(tensor_desc)");
  defn(
      m, "set_tensor_shape_range", {"tensor_desc", "dims_range"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);
        auto r = range_list<ACL_TENSOR_SHAPE_RANGE_NUM>(a, 1);
        return py::int_(aclSetTensorShapeRange(
            desc_of(a, 0), r.size(), reinterpret_cast<int64_t (*)[ACL_TENSOR_SHAPE_RANGE_NUM]>(r.data())));
      },
      "ret = acl.set_tensor_shape_range(tensor_desc, dims_range): [[min, max], ...] per dimension");
  defn(
      m, "set_tensor_value_range", {"tensor_desc", "value_range"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);
        auto r = range_list<ACL_TENSOR_VALUE_RANGE_NUM>(a, 1);
        return py::int_(aclSetTensorValueRange(
            desc_of(a, 0), r.size(), reinterpret_cast<int64_t (*)[ACL_TENSOR_VALUE_RANGE_NUM]>(r.data())));
      },
      "ret = acl.set_tensor_value_range(tensor_desc, value_range)");

#define PYACL_TD_GETTER(pyname, expr, fallback, doc)                 \
  defn(                                                              \
      m, pyname, {"tensor_desc"}, 1,                                 \
      [](Args& a) -> py::object {                                    \
        if (handles::check(a, 0, Kind::TensorDesc)) return fallback; \
        return expr;                                                 \
      },                                                             \
      doc)
  PYACL_TD_GETTER("get_tensor_desc_type", py::int_(static_cast<int>(aclGetTensorDescType(desc_of(a, 0)))),
                  py::int_(-1), "data_type = acl.get_tensor_desc_type(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_format", py::int_(static_cast<int>(aclGetTensorDescFormat(desc_of(a, 0)))),
                  py::int_(-1), "format = acl.get_tensor_desc_format(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_size", py::int_(aclGetTensorDescSize(desc_of(a, 0))), py::int_(0),
                  "size = acl.get_tensor_desc_size(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_element_count", py::int_(aclGetTensorDescElementCount(desc_of(a, 0))),
                  py::int_(0), "count = acl.get_tensor_desc_element_count(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_num_dims", py::int_(aclGetTensorDescNumDims(desc_of(a, 0))), py::int_(0),
                  "num = acl.get_tensor_desc_num_dims(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_name", py::str([&] {
                    const char* n = aclGetTensorDescName(desc_of(a, 0));
                    return n ? n : "";
                  }()),
                  py::str(""), "name = acl.get_tensor_desc_name(tensor_desc)");
  PYACL_TD_GETTER("get_tensor_desc_address", ptr_obj(aclGetTensorDescAddress(desc_of(a, 0))), py::int_(0),
                  "ptr = acl.get_tensor_desc_address(tensor_desc)");
#undef PYACL_TD_GETTER

  defn(
      m, "get_tensor_desc_dim", {"tensor_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::TensorDesc)) return py::int_(-1);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        return py::int_(aclGetTensorDescDim(desc_of(a, 0), a.size(1)));
#pragma GCC diagnostic pop
      },
      "dim = acl.get_tensor_desc_dim(tensor_desc, index) (deprecated: get_tensor_desc_dim_v2)");
  defn(
      m, "get_tensor_desc_dim_v2", {"tensor_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return pair(py::int_(0), e);
        int64_t d = 0;
        aclError ret = aclGetTensorDescDimV2(desc_of(a, 0), a.size(1), &d);
        return pair(py::int_(d), ret);
      },
      "dim_size, ret = acl.get_tensor_desc_dim_v2(tensor_desc, index)");
  defn(
      m, "get_tensor_desc_dim_range", {"tensor_desc", "index", "dim_range_num"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return pair(py::list(), e);
        size_t n = a.size(2);
        if (n > 64) throw py::value_error(a.fn() + "(): dim_range_num must be <= 64");
        std::vector<int64_t> r(n ? n : 1);
        aclError ret = aclGetTensorDescDimRange(desc_of(a, 0), a.size(1), n, r.data());
        py::list out;
        for (size_t i = 0; i < n; ++i) out.append(r[i]);
        return pair(out, ret);
      },
      "dim_range, ret = acl.get_tensor_desc_dim_range(tensor_desc, index, dim_range_num)");
  defn(
      m, "set_tensor_desc_name", {"tensor_desc", "name"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::TensorDesc)) return py::none();
        std::string name = a.str(1);
        aclSetTensorDescName(desc_of(a, 0), name.c_str());
        return py::none();
      },
      "acl.set_tensor_desc_name(tensor_desc, name)");
  defn(
      m, "trans_tensor_desc_format", {"src_desc", "dst_format"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return pair(py::int_(0), e);
        aclTensorDesc* dst = nullptr;
        aclError ret = aclTransTensorDescFormat(desc_of(a, 0), static_cast<aclFormat>(a.i32(1)), &dst);
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(dst), Kind::TensorDesc);
        return pair(ptr_obj(dst), ret);
      },
      "dst_desc, ret = acl.trans_tensor_desc_format(src_desc, dst_format)");

#define PYACL_TD_FORMAT(pyname, cfn)                                                 \
  defn(                                                                              \
      m, pyname, {"tensor_desc", "format"}, 2,                                       \
      [](Args& a) -> py::object {                                                    \
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e); \
        return py::int_(cfn(desc_of(a, 0), static_cast<aclFormat>(a.i32(1))));       \
      },                                                                             \
      "ret = acl." pyname "(tensor_desc, format)")
#define PYACL_TD_SHAPE(pyname, cfn)                                                                   \
  defn(                                                                                               \
      m, pyname, {"tensor_desc", "dims"}, 2,                                                          \
      [](Args& a) -> py::object {                                                                     \
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);                  \
        std::vector<int64_t> dims = int_list(a, 1);                                                   \
        return py::int_(                                                                              \
            cfn(desc_of(a, 0), static_cast<int>(dims.size()), dims.empty() ? nullptr : dims.data())); \
      },                                                                                              \
      "ret = acl." pyname "(tensor_desc, dims)")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  PYACL_TD_FORMAT("set_tensor_storage_format", aclSetTensorStorageFormat);
  PYACL_TD_SHAPE("set_tensor_storage_shape", aclSetTensorStorageShape);
#pragma GCC diagnostic pop
  PYACL_TD_FORMAT("set_tensor_format", aclSetTensorFormat);
  PYACL_TD_SHAPE("set_tensor_shape", aclSetTensorShape);
  PYACL_TD_FORMAT("set_tensor_origin_format", aclSetTensorOriginFormat);
  PYACL_TD_SHAPE("set_tensor_origin_shape", aclSetTensorOriginShape);
#undef PYACL_TD_FORMAT
#undef PYACL_TD_SHAPE

  defn(
      m, "get_tensor_desc_by_index", {"tensor_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::TensorDesc)) return py::int_(0);
        aclTensorDesc* d = aclGetTensorDescByIndex(desc_of(a, 0), a.size(1));
        handles::add(reinterpret_cast<uintptr_t>(d), Kind::TensorDesc);
        return ptr_obj(d);
      },
      "tensor_desc = acl.get_tensor_desc_by_index(tensor_desc, index)");
  defn(
      m, "set_tensor_dynamic_input", {"tensor_desc", "dynamic_input_name"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);
        std::string name = a.str(1);
        return py::int_(aclSetTensorDynamicInput(desc_of(a, 0), name.c_str()));
      },
      "ret = acl.set_tensor_dynamic_input(tensor_desc, dynamic_input_name)");
  defn(
      m, "set_tensor_const", {"tensor_desc", "data_buffer", "length"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);
        uintptr_t p = a.ptr(1);
        size_t n = a.size(2);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "data_buffer", p, n, false)) return py::int_(e);
        return py::int_(aclSetTensorConst(desc_of(a, 0), as<void>(p), n));
      },
      "ret = acl.set_tensor_const(tensor_desc, data_buffer, length): data_buffer is a host address");
  defn(
      m, "set_tensor_place_ment", {"tensor_desc", "mem_type"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::TensorDesc)) return py::int_(e);
        return py::int_(aclSetTensorPlaceMent(desc_of(a, 0), static_cast<aclMemType>(a.i32(1))));
      },
      "ret = acl.set_tensor_place_ment(tensor_desc, mem_type): aclSetTensorPlaceMent");
}

}  // namespace pyacl

#else

namespace pyacl {
void bind_tensor_desc(py::module_&) {}
}  // namespace pyacl

#endif
