// pyACL: `acl.rt` event flags, stream configuration and queries, more memory
// and synchronization calls, exception info. Compiled when acl_rt.h declares them.
#include <mutex>

#include "common.h"

#ifdef ACL_EVENT_SYNC

namespace pyacl {

namespace {

template <typename F>
aclError nogil(F f) {
  py::gil_scoped_release release;
  return f();
}

// The Python callable of acl.rt.set_exception_info_callback (GIL held to touch it).
py::object* g_exception_cb = nullptr;
// The exception info being reported on this thread (strict: the getters accept only it).
thread_local const aclrtExceptionInfo* t_info = nullptr;

void run_exception_cb(aclrtExceptionInfo* info) {
  if (python_exiting() || !g_exception_cb) return;
  PyGILState_STATE gil = PyGILState_Ensure();
  if (g_exception_cb && !g_exception_cb->is_none()) {
    py::object fn = *g_exception_cb;
    t_info = info;
    PyObject* r = PyObject_CallFunctionObjArgs(fn.ptr(), ptr_obj(info).ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.rt.set_exception_info_callback callback", fn);
    t_info = nullptr;
  }
  PyGILState_Release(gil);
}

aclError check_2d(const Args& a, uintptr_t dst, size_t dpitch, uintptr_t src, size_t spitch, size_t width,
                  size_t height) {
  if (!strict() || !dst || !src || !height || !width) return ACL_SUCCESS;
  if (aclError e = ranges::check(a.fn(), "dst", dst, dpitch * (height - 1) + width, false)) return e;
  return ranges::check(a.fn(), "src", src, spitch * (height - 1) + width, false);
}

}  // namespace

void bind_rt_ext(py::module_& m) {
  // ---- events
  defn(
      m, "create_event_with_flag", {"flag"}, 1,
      [](Args& a) -> py::object {
        aclrtEvent e = nullptr;
        aclError ret = aclrtCreateEventWithFlag(&e, a.u32(0));
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(e), Kind::Event);
        return pair(ptr_obj(e), ret);
      },
      "event, ret = acl.rt.create_event_with_flag(flag)");
  defn(
      m, "create_event_ex_with_flag", {"flag"}, 1,
      [](Args& a) -> py::object {
        aclrtEvent e = nullptr;
        aclError ret = aclrtCreateEventExWithFlag(&e, a.u32(0));
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(e), Kind::Event);
        return pair(ptr_obj(e), ret);
      },
      "event, ret = acl.rt.create_event_ex_with_flag(flag)");
  defn(
      m, "reset_event", {"event", "stream"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return py::int_(e);
        if (aclError e = handles::check(a, 1, Kind::Stream)) return py::int_(e);
        return py::int_(aclrtResetEvent(as<void>(a.ptr(0)), as<void>(a.ptr(1))));
      },
      "ret = acl.rt.reset_event(event, stream)");
  defn(
      m, "synchronize_event_with_timeout", {"event", "timeout"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        int32_t t = a.i32(1);
        return py::int_(nogil([&] { return aclrtSynchronizeEventWithTimeout(as<void>(h), t); }));
      },
      "ret = acl.rt.synchronize_event_with_timeout(event, timeout)");
  defn(
      m, "event_get_timestamp", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return pair(py::int_(0), e);
        uint64_t ts = 0;
        aclError ret = aclrtEventGetTimestamp(as<void>(a.ptr(0)), &ts);
        return pair(py::int_(ts), ret);
      },
      "timestamp, ret = acl.rt.event_get_timestamp(event)");
  defn(
      m, "query_event_wait_status", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return pair(py::int_(0), e);
        aclrtEventWaitStatus st = ACL_EVENT_WAIT_STATUS_RESERVED;
        aclError ret = aclrtQueryEventWaitStatus(as<void>(a.ptr(0)), &st);
        return pair(py::int_(static_cast<int>(st)), ret);
      },
      "status, ret = acl.rt.query_event_wait_status(event)");

  // ---- streams and devices
  defn(
      m, "create_stream_with_config", {"priority", "flag"}, 2,
      [](Args& a) -> py::object {
        uint32_t prio = a.u32(0), flag = a.u32(1);
        aclrtStream s = nullptr;
        aclError ret = nogil([&] { return aclrtCreateStreamWithConfig(&s, prio, flag); });
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(s), Kind::Stream);
        return pair(ptr_obj(s), ret);
      },
      "stream, ret = acl.rt.create_stream_with_config(priority, flag)");
  defn(
      m, "stream_query", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return pair(py::int_(0), e);
        aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
        aclError ret = aclrtStreamQuery(as<void>(a.ptr(0)), &st);
        return pair(py::int_(static_cast<int>(st)), ret);
      },
      "status, ret = acl.rt.stream_query(stream): 0 complete, 1 not ready");
  defn(
      m, "stream_get_priority", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return pair(py::int_(0), e);
        uint32_t v = 0;
        aclError ret = aclrtStreamGetPriority(as<void>(a.ptr(0)), &v);
        return pair(py::int_(v), ret);
      },
      "priority, ret = acl.rt.stream_get_priority(stream)");
  defn(
      m, "stream_get_flags", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return pair(py::int_(0), e);
        uint32_t v = 0;
        aclError ret = aclrtStreamGetFlags(as<void>(a.ptr(0)), &v);
        return pair(py::int_(v), ret);
      },
      "flags, ret = acl.rt.stream_get_flags(stream)");
  defn(
      m, "stream_get_id", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return pair(py::int_(0), e);
        int32_t v = 0;
        aclError ret = aclrtStreamGetId(as<void>(a.ptr(0)), &v);
        return pair(py::int_(v), ret);
      },
      "stream_id, ret = acl.rt.stream_get_id(stream)");
  defn(
      m, "destroy_stream_force", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = nogil([&] { return aclrtDestroyStreamForce(as<void>(h)); });
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.rt.destroy_stream_force(stream)");
  defn(
      m, "reset_device_force", {"device_id"}, 1,
      [](Args& a) -> py::object {
        int32_t id = a.i32(0);
        return py::int_(nogil([&] { return aclrtResetDeviceForce(id); }));
      },
      "ret = acl.rt.reset_device_force(device_id)");
  defn(
      m, "synchronize_device_with_timeout", {"timeout"}, 1,
      [](Args& a) -> py::object {
        int32_t t = a.i32(0);
        return py::int_(nogil([&] { return aclrtSynchronizeDeviceWithTimeout(t); }));
      },
      "ret = acl.rt.synchronize_device_with_timeout(timeout)");
  defn(
      m, "set_op_wait_timeout", {"timeout"}, 1,
      [](Args& a) -> py::object { return py::int_(aclrtSetOpWaitTimeout(a.u32(0))); },
      "ret = acl.rt.set_op_wait_timeout(timeout)");
  defn(
      m, "device_can_access_peer", {"device_id", "peer_device_id"}, 2,
      [](Args& a) -> py::object {
        int32_t can = 0;
        aclError ret = aclrtDeviceCanAccessPeer(&can, a.i32(0), a.i32(1));
        return pair(py::int_(can), ret);
      },
      "can_access_peer, ret = acl.rt.device_can_access_peer(device_id, peer_device_id)");
  defn(
      m, "get_device_utilization_rate", {"device_id"}, 1,
      [](Args& a) -> py::object {
        aclrtUtilizationInfo info{};
        aclError ret = aclrtGetDeviceUtilizationRate(a.i32(0), &info);
        py::dict d;
        d["cubeUtilization"] = info.cubeUtilization;
        d["vectorUtilization"] = info.vectorUtilization;
        d["aicpuUtilization"] = info.aicpuUtilization;
        d["memoryUtilization"] = info.memoryUtilization;
        return pair(d, ret);
      },
      "utilization_info, ret = acl.rt.get_device_utilization_rate(device_id)");

  // ---- memory
  defn(
      m, "malloc_cached", {"size", "policy"}, 2,
      [](Args& a) -> py::object {
        size_t size = a.size(0);
        auto policy = static_cast<aclrtMemMallocPolicy>(a.i32(1));
        void* p = nullptr;
        aclError ret = nogil([&] { return aclrtMallocCached(&p, size, policy); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Device);
        return pair(ptr_obj(p), ret);
      },
      "dev_ptr, ret = acl.rt.malloc_cached(size, policy)");
  defn(
      m, "mem_flush", {"dev_ptr", "size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "dev_ptr", p, n, false)) return py::int_(e);
        return py::int_(aclrtMemFlush(as<void>(p), n));
      },
      "ret = acl.rt.mem_flush(dev_ptr, size)");
  defn(
      m, "mem_invalidate", {"dev_ptr", "size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "dev_ptr", p, n, false)) return py::int_(e);
        return py::int_(aclrtMemInvalidate(as<void>(p), n));
      },
      "ret = acl.rt.mem_invalidate(dev_ptr, size)");
  Impl memcpy2d = [](Args& a) -> py::object {
    uintptr_t dst = a.ptr(0), src = a.ptr(2);
    size_t dpitch = a.size(1), spitch = a.size(3), width = a.size(4), height = a.size(5);
    auto kind = static_cast<aclrtMemcpyKind>(a.i32(6));
    if (aclError e = check_2d(a, dst, dpitch, src, spitch, width, height)) return py::int_(e);
    return py::int_(nogil(
        [&] { return aclrtMemcpy2d(as<void>(dst), dpitch, as<void>(src), spitch, width, height, kind); }));
  };
  Impl memcpy2d_async = [](Args& a) -> py::object {
    uintptr_t dst = a.ptr(0), src = a.ptr(2);
    size_t dpitch = a.size(1), spitch = a.size(3), width = a.size(4), height = a.size(5);
    auto kind = static_cast<aclrtMemcpyKind>(a.i32(6));
    if (aclError e = handles::check(a, 7, Kind::Stream)) return py::int_(e);
    uintptr_t s = a.ptr(7);
    if (aclError e = check_2d(a, dst, dpitch, src, spitch, width, height)) return py::int_(e);
    return py::int_(nogil([&] {
      return aclrtMemcpy2dAsync(as<void>(dst), dpitch, as<void>(src), spitch, width, height, kind,
                                as<void>(s));
    }));
  };
  const std::vector<const char*> p2d = {"dst", "dpitch", "src", "spitch", "width", "height", "kind"};
  const std::vector<const char*> p2da = {"dst",   "dpitch", "src",  "spitch",
                                         "width", "height", "kind", "stream"};
  for (const char* name : {"memcpy_2d", "memcpy2d"})
    defn(m, name, p2d, 7, memcpy2d, "ret = acl.rt.memcpy_2d(dst, dpitch, src, spitch, width, height, kind)");
  for (const char* name : {"memcpy_2d_async", "memcpy2d_async"})
    defn(m, name, p2da, 8, memcpy2d_async,
         "ret = acl.rt.memcpy_2d_async(dst, dpitch, src, spitch, width, height, kind, stream)");

  // ---- errors and exception info
  defn(
      m, "get_last_error", {"level"}, 1,
      [](Args& a) -> py::object {
        return py::int_(aclrtGetLastError(static_cast<aclrtLastErrLevel>(a.i32(0))));
      },
      "ret = acl.rt.get_last_error(level): the thread's last error code, then cleared");
  defn(
      m, "peek_at_last_error", {"level"}, 1,
      [](Args& a) -> py::object {
        return py::int_(aclrtPeekAtLastError(static_cast<aclrtLastErrLevel>(a.i32(0))));
      },
      "ret = acl.rt.peek_at_last_error(level)");
  defn(
      m, "set_exception_info_callback", {"callback"}, 1,
      [](Args& a) -> py::object {
        py::handle cb = a.get(0);
        if (!cb.is_none() && !PyCallable_Check(cb.ptr())) a.type_error(0, "callable or None");
        if (!g_exception_cb) g_exception_cb = new py::object();  // never freed: C threads may read it at exit
        *g_exception_cb = py::reinterpret_borrow<py::object>(cb);
        return py::int_(aclrtSetExceptionInfoCallback(cb.is_none() ? nullptr : &run_exception_cb));
      },
      "ret = acl.rt.set_exception_info_callback(callback): callback(exception_info) on task failures");
#define PYACL_EXC_GETTER(pyname, cfn)                                                    \
  defn(                                                                                  \
      m, pyname, {"info"}, 1,                                                            \
      [](Args& a) -> py::object {                                                        \
        if (strict() && reinterpret_cast<const aclrtExceptionInfo*>(a.ptr(0)) != t_info) \
          return py::int_(0); /* only valid inside the exception callback */             \
        return py::int_(cfn(as<const aclrtExceptionInfo>(a.ptr(0))));                    \
      },                                                                                 \
      "value = acl.rt." pyname "(info)")
  PYACL_EXC_GETTER("get_task_id_from_exception_info", aclrtGetTaskIdFromExceptionInfo);
  PYACL_EXC_GETTER("get_stream_id_from_exception_info", aclrtGetStreamIdFromExceptionInfo);
  PYACL_EXC_GETTER("get_thread_id_from_exception_info", aclrtGetThreadIdFromExceptionInfo);
  PYACL_EXC_GETTER("get_device_id_from_exception_info", aclrtGetDeviceIdFromExceptionInfo);
  PYACL_EXC_GETTER("get_error_code_from_exception_info", aclrtGetErrorCodeFromExceptionInfo);
#undef PYACL_EXC_GETTER
}

}  // namespace pyacl

#else

namespace pyacl {
void bind_rt_ext(py::module_&) {}
}  // namespace pyacl

#endif
