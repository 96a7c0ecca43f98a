// pyACL: `acl.mdl` models: size queries, loading, unloading, load/execute configuration handles and
// execution.
#include <map>
#include <mutex>

#include "common.h"

namespace pyacl {

namespace {

#ifdef ACL_MDL_LOAD_FROM_FILE
// Strings given to set_config_opt (paths) must outlive the handle.
std::mutex g_strings_m;
std::map<uintptr_t, std::vector<std::string>>* g_strings =
    new std::map<uintptr_t, std::vector<std::string>>();

// The bytes of one option value, typed by the attribute's suffix (_PTR, _SIZET, _INT32).
struct OptValue {
  union {
    const void* ptr;
    size_t sizet;
    int32_t i32;
  } v{};
  size_t size = 0;
};

bool is_ptr_attr(aclmdlConfigAttr attr) {
  switch (attr) {
    case ACL_MDL_MEM_ADDR_PTR:
    case ACL_MDL_WEIGHT_ADDR_PTR:
    case ACL_MDL_WORKSPACE_ADDR_PTR:
    case ACL_MDL_INPUTQ_ADDR_PTR:
    case ACL_MDL_OUTPUTQ_ADDR_PTR:
    case ACL_MDL_MODEL_DESC_PTR:
    case ACL_MDL_KERNEL_PTR:
    case ACL_MDL_KERNEL_ARGS_PTR:
    case ACL_MDL_STATIC_TASK_PTR:
    case ACL_MDL_DYNAMIC_TASK_PTR:
    case ACL_MDL_FIFO_PTR:
      return true;
    default:
      return false;
  }
}
#endif

}  // namespace

void bind_mdl_model(py::module_& m) {
  // ---- sizes and loading (model bytes in memory are read on the host: admitted)
  bind<aclmdlQuerySize>(m, "query_size", Call{"work_size, weight_size, ret"}, In{"model_path"}, Out(), Out());
  bind<aclmdlQuerySizeFromMem>(m, "query_size_from_mem", Call{"work_size, weight_size, ret"}, HostPtr<1>{"model"},
                               In{"model_size"}, Out(), Out());
  bind<aclmdlLoadFromFile>(m, "load_from_file", Call{"model_id, ret"}, In{"model_path"}, Out());
  bind<aclmdlLoadFromFileWithMem>(m, "load_from_file_with_mem", Call{"model_id, ret"}, In{"model_path"}, Out(),
                                  In{"work_ptr"}, In{"work_size"}, In{"weight_ptr"}, In{"weight_size"});
  bind<aclmdlLoadFromMem>(m, "load_from_mem", Call{"model_id, ret"}, HostPtr<1>{"model"}, In{"model_size"}, Out());
  bind<aclmdlLoadFromMemWithMem>(m, "load_from_mem_with_mem", Call{"model_id, ret"}, HostPtr<1>{"model"},
                                 In{"model_size"}, Out(), In{"work_ptr"}, In{"work_size"}, In{"weight_ptr"},
                                 In{"weight_size"});
  bind<aclmdlUnload>(m, "unload", Call{"ret"}, In{"model_id"});

  // ---- execution
  bind<aclmdlExecute>(m, "execute", Call{"ret"}, In{"model_id"}, In{"input"}, In{"output"});
  bind<aclmdlExecuteAsync>(m, "execute_async", Call{"ret"}, In{"model_id"}, In{"input"}, In{"output"}, In{"stream"});

#ifdef ACL_MDL_LOAD_FROM_FILE
  // ---- configuration handles
  bind<aclmdlCreateConfigHandle, Quick>(m, "create_config_handle",
                                        "handle = acl.mdl.create_config_handle(): 0 on failure");
  defn(
      m, "destroy_config_handle", {"handle"}, 1,
      [](Args& a) -> py::object {
        const uintptr_t h = a.ptr(0);
        aclError ret = aclmdlDestroyConfigHandle(as<aclmdlConfigHandle>(h));
        if (ret == ACL_SUCCESS) {
          std::lock_guard<std::mutex> lock(g_strings_m);
          g_strings->erase(h);
        }
        return py::int_(ret);
      },
      "ret = acl.mdl.destroy_config_handle(handle)");
  defn(
      m, "set_config_opt", {"handle", "attr", "attr_value"}, 3,
      [](Args& a) -> py::object {
        const uintptr_t h = a.ptr(0);
        const auto attr = a.integer<aclmdlConfigAttr>(1);
        OptValue val;
        if (attr == ACL_MDL_PATH_PTR || attr == ACL_MDL_WEIGHT_PATH_PTR) {
          std::string s = a.str(2);
          std::lock_guard<std::mutex> lock(g_strings_m);
          auto& keep = (*g_strings)[h];
          keep.push_back(std::move(s));
          val.v.ptr = keep.back().c_str();
          val.size = sizeof(const char*);
        } else if (attr == ACL_MDL_PRIORITY_INT32 || attr == ACL_MDL_WITHOUT_GRAPH_INT32) {
          val.v.i32 = a.i32(2);
          val.size = sizeof(int32_t);
        } else if (is_ptr_attr(attr)) {
          val.v.ptr = as<void>(a.ptr(2));
          val.size = sizeof(void*);
        } else {
          val.v.sizet = a.size(2);
          val.size = sizeof(size_t);
        }
        return py::int_(aclmdlSetConfigOpt(as<aclmdlConfigHandle>(h), attr, &val.v, val.size));
      },
      "ret = acl.mdl.set_config_opt(handle, attr, attr_value): a str for the path attributes, an int "
      "otherwise");
  bind<aclmdlLoadWithConfig>(m, "load_with_config", Call{"model_id, ret"}, In{"handle"}, Out());
  bind<aclmdlCreateExecConfigHandle, Quick>(m, "create_exec_config_handle",
                                            "handle = acl.mdl.create_exec_config_handle(): 0 on failure");
  bind<aclmdlDestroyExecConfigHandle, Quick>(m, "destroy_exec_config_handle", Call{"ret"}, In{"handle"});
  defn(
      m, "set_exec_config_opt", {"handle", "attr", "attr_value"}, 3,
      [](Args& a) -> py::object {
        const uintptr_t h = a.ptr(0);
        const auto attr = a.integer<aclmdlExecConfigAttr>(1);
        OptValue val;
        if (attr == ACL_MDL_STREAM_SYNC_TIMEOUT || attr == ACL_MDL_EVENT_SYNC_TIMEOUT) {
          val.v.i32 = a.i32(2);
          val.size = sizeof(int32_t);
        } else if (attr == ACL_MDL_WORK_ADDR_PTR) {
          val.v.ptr = as<void>(a.ptr(2));
          val.size = sizeof(void*);
        } else {
          val.v.sizet = a.size(2);
          val.size = sizeof(size_t);
        }
        return py::int_(aclmdlSetExecConfigOpt(as<aclmdlExecConfigHandle>(h), attr, &val.v, val.size));
      },
      "ret = acl.mdl.set_exec_config_opt(handle, attr, attr_value)");
  bind<aclmdlExecuteV2>(m, "execute_v2", Call{"ret"}, In{"model_id"}, In{"input"}, In{"output"}, In{"stream"},
                        In{"handle"});
  bind<aclmdlExecuteAsyncV2>(m, "execute_async_v2", Call{"ret"}, In{"model_id"}, In{"input"}, In{"output"},
                             In{"stream"}, In{"handle"});
#endif
}

}  // namespace pyacl
