// Model load configuration handles (aclmdlCreateConfigHandle, aclmdlSetConfigOpt,
// aclmdlLoadWithConfig), execution configuration handles and aclmdlExecute[Async]V2.
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/model.h"
#include "detail/util.h"

struct aclmdlConfigHandle {
  std::map<int, size_t> sizes;      // *_SIZET
  std::map<int, int32_t> ints;      // *_INT32
  std::map<int, const void*> ptrs;  // *_PTR (shallow)
  std::string path;                 // ACL_MDL_PATH_PTR (deep copy)
  std::string weight_path;          // ACL_MDL_WEIGHT_PATH_PTR (deep copy)
};

struct aclmdlExecConfigHandle {
  int32_t stream_sync_timeout = -1;  // ms
  int32_t event_sync_timeout = -1;
  void* work = nullptr;
  size_t work_size = 0;
};

namespace acl_host {
namespace {

template <typename T>
struct Live {
  std::mutex m;
  std::unordered_map<const T*, std::unique_ptr<T>> all;
};
template <typename T>
Live<T>& live() {
  static NoDestructor<Live<T>> l;
  return *l;
}

template <typename T>
T* create() {
  auto h = std::unique_ptr<T>(new T());
  T* raw = h.get();
  std::lock_guard<std::mutex> lock(live<T>().m);
  live<T>().all.emplace(raw, std::move(h));
  return raw;
}

template <typename T>
aclError destroy(const T* h) {
  if (!h) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  std::unique_ptr<T> doomed;
  std::lock_guard<std::mutex> lock(live<T>().m);
  auto it = live<T>().all.find(h);
  if (it == live<T>().all.end())
    return fail(ACL_ERROR_INVALID_PARAM,
                "handle %p is not a live handle of this kind (destroyed or never created)",
                static_cast<const void*>(h));
  doomed = std::move(it->second);
  live<T>().all.erase(it);
  return ACL_SUCCESS;
}

template <typename T>
bool is_live(const T* h) {
  std::lock_guard<std::mutex> lock(live<T>().m);
  return h && live<T>().all.count(h) != 0;
}

enum class Value { Int32, SizeT, Ptr, Path };

bool config_attr_kind(int attr, Value& kind) {
  switch (attr) {
    case ACL_MDL_PRIORITY_INT32:
    case ACL_MDL_WITHOUT_GRAPH_INT32:
      kind = Value::Int32;
      return true;
    case ACL_MDL_PATH_PTR:
    case ACL_MDL_WEIGHT_PATH_PTR:
      kind = Value::Path;
      return true;
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
      kind = Value::Ptr;
      return true;
    default:
      if (attr < ACL_MDL_PRIORITY_INT32 || attr > ACL_MDL_WITHOUT_GRAPH_INT32) return false;
      kind = Value::SizeT;  // the *_SIZET attributes and ACL_MDL_WORKSPACE_MEM_OPTIMIZE
      return true;
  }
}

aclError need_size(size_t got, size_t want, const char* type) {
  if (got == want) return ACL_SUCCESS;
  return fail(ACL_ERROR_INVALID_PARAM, "valueSize is %zu, but the attribute takes a %s (%zu bytes)", got,
              type, want);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclmdlConfigHandle* aclmdlCreateConfigHandle() ACL_API_TRY {
  ACL_API();
  return create<aclmdlConfigHandle>();
} ACL_API_CATCH

aclError aclmdlDestroyConfigHandle(aclmdlConfigHandle* handle) ACL_API_TRY {
  ACL_API();
  return destroy(handle);
} ACL_API_CATCH

aclError aclmdlSetConfigOpt(aclmdlConfigHandle* handle, aclmdlConfigAttr attr, const void* attrValue,
                            size_t valueSize) ACL_API_TRY {
  ACL_API();
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  if (!attrValue) return fail(ACL_ERROR_INVALID_PARAM, "attrValue must not be NULL");
  const int a = static_cast<int>(attr);
  Value kind;
  if (!config_attr_kind(a, kind)) return fail(ACL_ERROR_INVALID_PARAM, "attr %d is no aclmdlConfigAttr", a);
  std::lock_guard<std::mutex> lock(live<aclmdlConfigHandle>().m);
  if (!live<aclmdlConfigHandle>().all.count(handle))
    return fail(ACL_ERROR_INVALID_PARAM,
                "handle %p is not a live aclmdlConfigHandle (destroyed or never created)",
                static_cast<const void*>(handle));
  switch (kind) {
    case Value::Int32: {
      if (aclError e = need_size(valueSize, sizeof(int32_t), "int32_t")) return e;
      int32_t v;
      std::memcpy(&v, attrValue, sizeof v);
      if (a == ACL_MDL_PRIORITY_INT32 && (v < 0 || v > 7))
        return fail(ACL_ERROR_INVALID_PARAM, "ACL_MDL_PRIORITY_INT32 must be 0..7, got %d", v);
      handle->ints[a] = v;
      return ACL_SUCCESS;
    }
    case Value::SizeT: {
      if (aclError e = need_size(valueSize, sizeof(size_t), "size_t")) return e;
      size_t v;
      std::memcpy(&v, attrValue, sizeof v);
      if (a == ACL_MDL_LOAD_TYPE_SIZET && (v < ACL_MDL_LOAD_FROM_FILE || v > ACL_MDL_LOAD_FROM_MEM_WITH_Q))
        return fail(ACL_ERROR_INVALID_PARAM,
                    "ACL_MDL_LOAD_TYPE_SIZET must be ACL_MDL_LOAD_FROM_* (1..6), got %zu", v);
      handle->sizes[a] = v;
      return ACL_SUCCESS;
    }
    case Value::Ptr: {
      if (aclError e = need_size(valueSize, sizeof(void*), "pointer")) return e;
      const void* v;
      std::memcpy(&v, attrValue, sizeof v);
      handle->ptrs[a] = v;
      return ACL_SUCCESS;
    }
    case Value::Path: {
      if (aclError e = need_size(valueSize, sizeof(char*), "pointer to a path")) return e;
      const char* v;
      std::memcpy(&v, attrValue, sizeof v);
      if (!v) return fail(ACL_ERROR_INVALID_PARAM, "the path attrValue points to must not be NULL");
      (a == ACL_MDL_PATH_PTR ? handle->path : handle->weight_path) = v;
      return ACL_SUCCESS;
    }
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlLoadWithConfig(const aclmdlConfigHandle* handle, uint32_t* modelId) ACL_API_TRY {
  ACL_API();
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  if (!modelId) return fail(ACL_ERROR_INVALID_PARAM, "modelId must not be NULL");
  aclmdlConfigHandle h;
  {
    std::lock_guard<std::mutex> lock(live<aclmdlConfigHandle>().m);
    auto it = live<aclmdlConfigHandle>().all.find(handle);
    if (it == live<aclmdlConfigHandle>().all.end())
      return fail(ACL_ERROR_INVALID_PARAM,
                  "handle %p is not a live aclmdlConfigHandle (destroyed or never created)",
                  static_cast<const void*>(handle));
    h = *it->second;
  }
  auto type = h.sizes.find(ACL_MDL_LOAD_TYPE_SIZET);
  if (type == h.sizes.end()) return fail(ACL_ERROR_INVALID_PARAM, "ACL_MDL_LOAD_TYPE_SIZET is not set");
  auto ptr = [&](int a) -> void* {
    auto it = h.ptrs.find(a);
    return it == h.ptrs.end() ? nullptr : const_cast<void*>(it->second);
  };
  auto size = [&](int a) -> size_t {
    auto it = h.sizes.find(a);
    return it == h.sizes.end() ? 0 : it->second;
  };
  const size_t t = type->second;
  if (t == ACL_MDL_LOAD_FROM_FILE || t == ACL_MDL_LOAD_FROM_FILE_WITH_MEM) {
    if (h.path.empty())
      return fail(ACL_ERROR_INVALID_PARAM, "ACL_MDL_PATH_PTR is not set (needed by ACL_MDL_LOAD_FROM_FILE%s)",
                  t == ACL_MDL_LOAD_FROM_FILE ? "" : "_WITH_MEM");
    return model::load_file(h.path.c_str(), modelId, ptr(ACL_MDL_WORKSPACE_ADDR_PTR),
                            size(ACL_MDL_WORKSPACE_SIZET), ptr(ACL_MDL_WEIGHT_ADDR_PTR),
                            size(ACL_MDL_WEIGHT_SIZET), t == ACL_MDL_LOAD_FROM_FILE_WITH_MEM);
  }
  if (t == ACL_MDL_LOAD_FROM_MEM || t == ACL_MDL_LOAD_FROM_MEM_WITH_MEM) {
    const void* mem = ptr(ACL_MDL_MEM_ADDR_PTR);
    const size_t mem_size = size(ACL_MDL_MEM_SIZET);
    if (!mem)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "ACL_MDL_MEM_ADDR_PTR is not set (needed by ACL_MDL_LOAD_FROM_MEM*)");
    if (mem_size == 0)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "ACL_MDL_MEM_SIZET is not set or 0 (needed by ACL_MDL_LOAD_FROM_MEM*)");
    return model::load_mem(mem, mem_size, modelId, ptr(ACL_MDL_WORKSPACE_ADDR_PTR),
                           size(ACL_MDL_WORKSPACE_SIZET), ptr(ACL_MDL_WEIGHT_ADDR_PTR),
                           size(ACL_MDL_WEIGHT_SIZET), t == ACL_MDL_LOAD_FROM_MEM_WITH_MEM);
  }
  return fail(ACL_ERROR_API_NOT_SUPPORT,
              "ACL_MDL_LOAD_TYPE_SIZET %zu (a load with queues) is not supported by the host "
              "runtime: it has no data queues",
              t);
} ACL_API_CATCH

aclmdlExecConfigHandle* aclmdlCreateExecConfigHandle() ACL_API_TRY {
  ACL_API();
  return create<aclmdlExecConfigHandle>();
} ACL_API_CATCH

aclError aclmdlDestroyExecConfigHandle(const aclmdlExecConfigHandle* handle) ACL_API_TRY {
  ACL_API();
  return destroy(handle);
} ACL_API_CATCH

aclError aclmdlSetExecConfigOpt(aclmdlExecConfigHandle* handle, aclmdlExecConfigAttr attr,
                                const void* attrValue, size_t valueSize) ACL_API_TRY {
  ACL_API();
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  if (!attrValue) return fail(ACL_ERROR_INVALID_PARAM, "attrValue must not be NULL");
  const int a = static_cast<int>(attr);
  if (a < ACL_MDL_STREAM_SYNC_TIMEOUT || a > ACL_MDL_MEC_TIMETHR_SIZET)
    return fail(ACL_ERROR_INVALID_PARAM, "attr %d is no aclmdlExecConfigAttr", a);
  std::lock_guard<std::mutex> lock(live<aclmdlExecConfigHandle>().m);
  if (!live<aclmdlExecConfigHandle>().all.count(handle))
    return fail(ACL_ERROR_INVALID_PARAM,
                "handle %p is not a live aclmdlExecConfigHandle (destroyed or never created)",
                static_cast<const void*>(handle));
  switch (a) {
    case ACL_MDL_STREAM_SYNC_TIMEOUT:
    case ACL_MDL_EVENT_SYNC_TIMEOUT: {
      if (aclError e = need_size(valueSize, sizeof(int32_t), "int32_t")) return e;
      int32_t v;
      std::memcpy(&v, attrValue, sizeof v);
      if (v < -1) return fail(ACL_ERROR_INVALID_PARAM, "a timeout is -1 (forever) or >= 0 ms, got %d", v);
      (a == ACL_MDL_STREAM_SYNC_TIMEOUT ? handle->stream_sync_timeout : handle->event_sync_timeout) = v;
      return ACL_SUCCESS;
    }
    case ACL_MDL_WORK_ADDR_PTR: {
      if (aclError e = need_size(valueSize, sizeof(void*), "pointer")) return e;
      std::memcpy(&handle->work, attrValue, sizeof(void*));
      return ACL_SUCCESS;
    }
    default: {
      if (aclError e = need_size(valueSize, sizeof(size_t), "size_t")) return e;
      if (a == ACL_MDL_WORK_SIZET) std::memcpy(&handle->work_size, attrValue, sizeof(size_t));
      return ACL_SUCCESS;  // reserved attributes: accepted, no effect on the CPU
    }
  }
} ACL_API_CATCH

aclError aclmdlExecuteAsyncV2(uint32_t modelId, const aclmdlDataset* input, aclmdlDataset* output,
                              aclrtStream stream, const aclmdlExecConfigHandle* handle) ACL_API_TRY {
  ACL_API();
  if (handle && !is_live(handle))
    return fail(ACL_ERROR_INVALID_PARAM,
                "handle %p is not a live aclmdlExecConfigHandle (destroyed or never created)",
                static_cast<const void*>(handle));
  return aclmdlExecuteAsync(modelId, input, output, stream);
} ACL_API_CATCH

aclError aclmdlExecuteV2(uint32_t modelId, const aclmdlDataset* input, aclmdlDataset* output,
                         aclrtStream stream, const aclmdlExecConfigHandle* handle) ACL_API_TRY {
  ACL_API();
  int32_t timeout = -1;
  if (handle) {
    std::lock_guard<std::mutex> lock(live<aclmdlExecConfigHandle>().m);
    if (!live<aclmdlExecConfigHandle>().all.count(handle))
      return fail(ACL_ERROR_INVALID_PARAM,
                  "handle %p is not a live aclmdlExecConfigHandle (destroyed or never created)",
                  static_cast<const void*>(handle));
    timeout = handle->stream_sync_timeout;
  }
  // Ordered after the work already queued on the stream, and returns with the outputs.
  if (aclError e = aclmdlExecuteAsync(modelId, input, output, stream)) return e;
  return aclrtSynchronizeStreamWithTimeout(stream, timeout);
} ACL_API_CATCH

}  // extern "C"
