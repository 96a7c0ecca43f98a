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
    out.push_back(list_int(v, a.fn() + "(): argument " + std::to_string(i + 1)));
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
      r[k] = list_int(py::reinterpret_borrow<py::sequence>(pair_obj)[k], a.fn() + "(): a [min, max] pair");
    out.push_back(r);
  }
  return out;
}

aclTensorDesc* desc_of(const Args& a, size_t i) { return as<aclTensorDesc>(a.ptr(i)); }

// The deprecated C functions pyACL keeps, behind names the binding templates can use without warnings.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int64_t tensor_desc_dim(const aclTensorDesc* desc, size_t index) { return aclGetTensorDescDim(desc, index); }
aclError tensor_storage_format(aclTensorDesc* desc, aclFormat format) {
  return aclSetTensorStorageFormat(desc, format);
}
#pragma GCC diagnostic pop
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
        return ptr_obj(d);
      },
      "tensor_desc = acl.create_tensor_desc(data_type, dims, format): 0 on failure");
  bind<aclDestroyTensorDesc, Quick>(m, "destroy_tensor_desc", "acl.destroy_tensor_desc(tensor_desc)",
                                    In{"tensor_desc"});
  defn(
      m, "set_tensor_shape_range", {"tensor_desc", "dims_range"}, 2,
      [](Args& a) -> py::object {
        auto r = range_list<ACL_TENSOR_SHAPE_RANGE_NUM>(a, 1);
        return py::int_(aclSetTensorShapeRange(
            desc_of(a, 0), r.size(), reinterpret_cast<int64_t (*)[ACL_TENSOR_SHAPE_RANGE_NUM]>(r.data())));
      },
      "ret = acl.set_tensor_shape_range(tensor_desc, dims_range): [[min, max], ...] per dimension");
  defn(
      m, "set_tensor_value_range", {"tensor_desc", "value_range"}, 2,
      [](Args& a) -> py::object {
        auto r = range_list<ACL_TENSOR_VALUE_RANGE_NUM>(a, 1);
        return py::int_(aclSetTensorValueRange(
            desc_of(a, 0), r.size(), reinterpret_cast<int64_t (*)[ACL_TENSOR_VALUE_RANGE_NUM]>(r.data())));
      },
      "ret = acl.set_tensor_value_range(tensor_desc, value_range)");

  bind<aclGetTensorDescType, Quick>(m, "get_tensor_desc_type", Call{"data_type"}, In{"tensor_desc"});
  bind<aclGetTensorDescFormat, Quick>(m, "get_tensor_desc_format", Call{"format"}, In{"tensor_desc"});
  bind<aclGetTensorDescSize, Quick>(m, "get_tensor_desc_size", Call{"size"}, In{"tensor_desc"});
  bind<aclGetTensorDescElementCount, Quick>(m, "get_tensor_desc_element_count", Call{"count"}, In{"tensor_desc"});
  bind<aclGetTensorDescNumDims, Quick>(m, "get_tensor_desc_num_dims", Call{"num"}, In{"tensor_desc"});
  bind<aclGetTensorDescName, Quick>(m, "get_tensor_desc_name", Call{"name"}, In{"tensor_desc"});
  bind<aclGetTensorDescAddress, Quick>(m, "get_tensor_desc_address", Call{"ptr"}, In{"tensor_desc"});

  bind<tensor_desc_dim, Quick>(
      m, "get_tensor_desc_dim",
      "dim = acl.get_tensor_desc_dim(tensor_desc, index) (deprecated: get_tensor_desc_dim_v2)",
      In{"tensor_desc"}, In{"index"});
  bind<aclGetTensorDescDimV2, Quick>(m, "get_tensor_desc_dim_v2", Call{"dim_size, ret"}, In{"tensor_desc"}, In{"index"},
                                     Out());
  defn(
      m, "get_tensor_desc_dim_range", {"tensor_desc", "index", "dim_range_num"}, 3,
      [](Args& a) -> py::object {
        size_t n = a.size(2);
        if (n > 64) throw py::value_error(a.fn() + "(): dim_range_num must be <= 64");
        std::vector<int64_t> r(n ? n : 1);
        aclError ret = aclGetTensorDescDimRange(desc_of(a, 0), a.size(1), n, r.data());
        py::list out;
        for (size_t i = 0; i < n; ++i) out.append(r[i]);
        return pair(out, ret);
      },
      "dim_range, ret = acl.get_tensor_desc_dim_range(tensor_desc, index, dim_range_num)");
  bind<aclSetTensorDescName, Quick>(m, "set_tensor_desc_name", "acl.set_tensor_desc_name(tensor_desc, name)",
                                    In{"tensor_desc"}, In{"name"});
  bind<aclTransTensorDescFormat, Quick>(m, "trans_tensor_desc_format", Call{"dst_desc, ret"}, In{"src_desc"},
                                        In{"dst_format"}, Out());

#define PYACL_TD_SHAPE(pyname, cfn)                                                                   \
  defn(                                                                                               \
      m, pyname, {"tensor_desc", "dims"}, 2,                                                          \
      [](Args& a) -> py::object {                                                                     \
        std::vector<int64_t> dims = int_list(a, 1);                                                   \
        return py::int_(                                                                              \
            cfn(desc_of(a, 0), static_cast<int>(dims.size()), dims.empty() ? nullptr : dims.data())); \
      },                                                                                              \
      "ret = acl." pyname "(tensor_desc, dims)")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  bind<tensor_storage_format, Quick>(m, "set_tensor_storage_format", Call{"ret"}, In{"tensor_desc"}, In{"format"});
  PYACL_TD_SHAPE("set_tensor_storage_shape", aclSetTensorStorageShape);
#pragma GCC diagnostic pop
  bind<aclSetTensorFormat, Quick>(m, "set_tensor_format", Call{"ret"}, In{"tensor_desc"}, In{"format"});
  PYACL_TD_SHAPE("set_tensor_shape", aclSetTensorShape);
  bind<aclSetTensorOriginFormat, Quick>(m, "set_tensor_origin_format", Call{"ret"}, In{"tensor_desc"}, In{"format"});
  PYACL_TD_SHAPE("set_tensor_origin_shape", aclSetTensorOriginShape);
#undef PYACL_TD_SHAPE

  bind<aclGetTensorDescByIndex, Quick>(m, "get_tensor_desc_by_index", Call{"tensor_desc"}, In{"tensor_desc"},
                                       In{"index"});
  bind<aclSetTensorDynamicInput, Quick>(m, "set_tensor_dynamic_input", Call{"ret"}, In{"tensor_desc"},
                                        In{"dynamic_input_name"});
  bind<aclSetTensorConst, Quick>(
      m, "set_tensor_const",
      "ret = acl.set_tensor_const(tensor_desc, data_buffer, length): data_buffer is a host "
      "address",
      In{"tensor_desc"}, HostPtr<2>{"data_buffer"}, In{"length"});
  bind<aclSetTensorPlaceMent, Quick>(
      m, "set_tensor_place_ment",
      "ret = acl.set_tensor_place_ment(tensor_desc, mem_type): aclSetTensorPlaceMent", In{"tensor_desc"},
      In{"mem_type"});
}

}  // namespace pyacl

#else

namespace pyacl {
void bind_tensor_desc(py::module_&) {}
}  // namespace pyacl

#endif
