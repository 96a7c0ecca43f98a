// pyACL: `acl.op`, single operators (acl/acl_op.h) under pyACL's names: lists of tensor descriptions and
// data buffers are lists of ints, handles and attributes are ints.
#include "common.h"

namespace pyacl {

namespace {

// A list (or tuple) argument of handles (ints) as pointers of type T.
template <typename T>
std::vector<T*> handle_list(const Args& a, size_t i) {
  py::handle h = a.get(i);
  if (h.is_none()) return {};
  if (!PyList_Check(h.ptr()) && !PyTuple_Check(h.ptr())) a.type_error(i, "list of int");
  std::vector<T*> out;
  for (py::handle v : h) {
    if (PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr())) a.type_error(i, "list of int");
    out.push_back(reinterpret_cast<T*>(static_cast<uintptr_t>(list_int(v, a.fn() + "(): a handle"))));
  }
  return out;
}

template <typename T>
T* data_or_null(std::vector<T>& v) {
  return v.empty() ? nullptr : v.data();
}

int count(size_t n) { return static_cast<int>(n); }

int64_t int_of(const Args& a, py::handle v) {
  if (PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr())) a.type_error(2, "list of int");
  return list_int(v, a.fn() + "(): a value");
}

// acl.op.<name>(attr, attr_name, values): each value converted by conv, then set(attr, name, n, values).
template <typename T, typename Set, typename Conv>
void list_setter(py::module_& m, const char* name, Set set, Conv conv) {
  const std::string doc = std::string("ret = acl.op.") + name + "(attr, attr_name, values)";
  defn(
      m, name, {"attr", "attr_name", "values"}, 3,
      [set, conv](Args& a) -> py::object {
        py::handle h = a.get(2);
        if (!PyList_Check(h.ptr()) && !PyTuple_Check(h.ptr())) a.type_error(2, "list");
        std::vector<T> values;
        for (py::handle v : h) values.push_back(conv(a, v));
        if (PyErr_Occurred()) throw py::error_already_set();
        std::string attr_name = a.str(1);
        auto* attr = as<aclopAttr>(a.ptr(0));
        return py::int_(set(attr, attr_name.c_str(), count(values.size()), data_or_null(values)));
      },
      doc.c_str());
}

// aclopExecute is deprecated in CANN's header; pyACL keeps acl.op.execute.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
aclError execute_v1(const char* type, int ni, const aclTensorDesc* const* id, const aclDataBuffer* const* ib, int no,
                    const aclTensorDesc* const* od, aclDataBuffer* const* ob, const aclopAttr* attr, aclrtStream s) {
  return aclopExecute(type, ni, id, ib, no, od, ob, attr, s);
}
#pragma GCC diagnostic pop

}  // namespace

void bind_op(py::module_& m) {
  bind<aclopSetModelDir>(m, "set_model_dir", Call{"ret"}, In{"model_dir"});
  bind<aclopLoad>(m, "load", Call{"ret"}, HostPtr<1>{"model"}, In{"model_size"});
  bind<aclopCreateAttr, Quick>(m, "create_attr", "attr = acl.op.create_attr(): 0 on failure");
  bind<aclopDestroyAttr, Quick>(m, "destroy_attr", "acl.op.destroy_attr(attr)", In{"attr"});
  bind<aclopSetAttrBool, Quick>(m, "set_attr_bool", Call{"ret"}, In{"attr"}, In{"attr_name"}, In{"attr_value"});
  bind<aclopSetAttrInt, Quick>(m, "set_attr_int", Call{"ret"}, In{"attr"}, In{"attr_name"}, In{"attr_value"});
  bind<aclopSetAttrFloat, Quick>(m, "set_attr_float", Call{"ret"}, In{"attr"}, In{"attr_name"}, In{"attr_value"});
  bind<aclopSetAttrString, Quick>(m, "set_attr_string", Call{"ret"}, In{"attr"}, In{"attr_name"},
                                  In{"attr_value"});
  bind<aclopSetAttrDataType, Quick>(m, "set_attr_data_type", Call{"ret"}, In{"attr"}, In{"attr_name"},
                                    In{"attr_value"});
  list_setter<int64_t>(m, "set_attr_list_int", aclopSetAttrListInt, int_of);
  list_setter<uint8_t>(m, "set_attr_list_bool", aclopSetAttrListBool,
                       [](const Args& a, py::handle v) { return static_cast<uint8_t>(int_of(a, v) != 0); });
  list_setter<float>(m, "set_attr_list_float", aclopSetAttrListFloat, [](const Args& a, py::handle v) {
    if (!PyFloat_Check(v.ptr()) && !PyIndex_Check(v.ptr())) a.type_error(2, "list of float");
    return static_cast<float>(PyFloat_AsDouble(v.ptr()));
  });
  list_setter<aclDataType>(m, "set_attr_list_data_type", aclopSetAttrListDataType,
                           [](const Args& a, py::handle v) { return static_cast<aclDataType>(int_of(a, v)); });
  defn(
      m, "set_attr_list_list_int", {"attr", "attr_name", "values"}, 3,
      [](Args& a) -> py::object {
        py::handle h = a.get(2);
        if (!PyList_Check(h.ptr()) && !PyTuple_Check(h.ptr())) a.type_error(2, "list of lists of int");
        std::vector<std::vector<int64_t>> lists;
        for (py::handle inner : h) {
          if (!PyList_Check(inner.ptr()) && !PyTuple_Check(inner.ptr())) a.type_error(2, "list of lists of int");
          lists.emplace_back();
          for (py::handle v : inner) lists.back().push_back(int_of(a, v));
        }
        std::vector<int> counts;
        std::vector<const int64_t*> rows;
        for (auto& l : lists) {
          counts.push_back(count(l.size()));
          rows.push_back(l.data());
        }
        std::string attr_name = a.str(1);
        auto* attr = as<aclopAttr>(a.ptr(0));
        return py::int_(aclopSetAttrListListInt(attr, attr_name.c_str(), count(lists.size()), data_or_null(counts),
                                                data_or_null(rows)));
      },
      "ret = acl.op.set_attr_list_list_int(attr, attr_name, values)");
  list_setter<std::string>(
      m, "set_attr_list_string",
      [](aclopAttr* attr, const char* name, int n, const std::string* values) {
        std::vector<const char*> v;
        for (int i = 0; i < n; ++i) v.push_back(values[i].c_str());
        return aclopSetAttrListString(attr, name, n, data_or_null(v));
      },
      [](const Args& a, py::handle v) {
        if (!PyUnicode_Check(v.ptr())) a.type_error(2, "list of str");
        return py::cast<std::string>(v);
      });
  defn(
      m, "execute_v2", {"op_type", "input_desc", "inputs", "output_desc", "outputs", "attr", "stream"}, 7,
      [](Args& a) -> py::object {
        std::string type = a.str(0);
        auto id = handle_list<aclTensorDesc>(a, 1);
        auto ib = handle_list<aclDataBuffer>(a, 2);
        auto od = handle_list<aclTensorDesc>(a, 3);
        auto ob = handle_list<aclDataBuffer>(a, 4);
        if (id.size() != ib.size() || od.size() != ob.size())
          return py::int_(refuse(ACL_ERROR_INVALID_PARAM, "%s(): %zu input descriptions for %zu inputs, %zu output "
                                 "descriptions for %zu outputs", a.fn().c_str(), id.size(), ib.size(), od.size(),
                                 ob.size()));
        auto* attr = as<aclopAttr>(a.ptr(5));
        auto* stream = as<void>(a.ptr(6));
        aclError ret = call_nogil([&] {
          return aclopExecuteV2(type.c_str(), count(id.size()), data_or_null(id), data_or_null(ib), count(od.size()),
                                data_or_null(od), data_or_null(ob), attr, stream);
        });
        return py::int_(ret);
      },
      "ret = acl.op.execute_v2(op_type, input_desc, inputs, output_desc, outputs, attr, stream)");
  defn(
      m, "execute", {"op_type", "input_desc", "inputs", "output_desc", "outputs", "attr", "stream"}, 7,
      [](Args& a) -> py::object {
        std::string type = a.str(0);
        auto id = handle_list<const aclTensorDesc>(a, 1);
        auto ib = handle_list<const aclDataBuffer>(a, 2);
        auto od = handle_list<const aclTensorDesc>(a, 3);
        auto ob = handle_list<aclDataBuffer>(a, 4);
        if (id.size() != ib.size() || od.size() != ob.size())
          return py::int_(refuse(ACL_ERROR_INVALID_PARAM, "%s(): description and buffer lists differ in length",
                                 a.fn().c_str()));
        auto* attr = as<const aclopAttr>(a.ptr(5));
        auto* stream = as<void>(a.ptr(6));
        aclError ret = call_nogil([&] {
          return execute_v1(type.c_str(), count(id.size()), data_or_null(id), data_or_null(ib), count(od.size()),
                            data_or_null(od), data_or_null(ob), attr, stream);
        });
        return py::int_(ret);
      },
      "ret = acl.op.execute(op_type, input_desc, inputs, output_desc, outputs, attr, stream)");
  defn(
      m, "create_handle", {"op_type", "input_desc", "output_desc", "op_attr"}, 4,
      [](Args& a) -> py::object {
        std::string type = a.str(0);
        auto id = handle_list<const aclTensorDesc>(a, 1);
        auto od = handle_list<const aclTensorDesc>(a, 2);
        auto* attr = as<const aclopAttr>(a.ptr(3));
        aclopHandle* handle = nullptr;
        aclError ret = call_nogil([&] {
          return aclopCreateHandle(type.c_str(), count(id.size()), data_or_null(id), count(od.size()),
                                   data_or_null(od), attr, &handle);
        });
        return pair(ptr_obj(handle), ret);
      },
      "handle, ret = acl.op.create_handle(op_type, input_desc, output_desc, op_attr)");
  bind<aclopDestroyHandle, Quick>(m, "destroy_handle", "acl.op.destroy_handle(handle)", In{"handle"});
  defn(
      m, "execute_with_handle", {"handle", "inputs", "outputs", "stream"}, 4,
      [](Args& a) -> py::object {
        auto* handle = as<aclopHandle>(a.ptr(0));
        auto ib = handle_list<const aclDataBuffer>(a, 1);
        auto ob = handle_list<aclDataBuffer>(a, 2);
        auto* stream = as<void>(a.ptr(3));
        aclError ret = call_nogil([&] {
          return aclopExecWithHandle(handle, count(ib.size()), data_or_null(ib), count(ob.size()), data_or_null(ob),
                                     stream);
        });
        return py::int_(ret);
      },
      "ret = acl.op.execute_with_handle(handle, inputs, outputs, stream)");
  bind<aclopCast>(m, "cast", Call{"ret"}, In{"input_desc"}, In{"input"}, In{"output_desc"}, In{"output"},
                  In{"truncate"}, In{"stream"});
  bind<aclopCreateHandleForCast>(m, "create_handle_for_cast",
                                 "handle, ret = acl.op.create_handle_for_cast(input_desc, output_desc, truncate)",
                                 In{"input_desc"}, In{"output_desc"}, In{"truncate"}, Out());
  bind<aclopSetMaxOpQueueNum, Quick>(m, "set_max_op_queue_num", Call{"ret"}, In{"max_op_num"});
}

}  // namespace pyacl
