// pyACL: `acl.rt` devices, contexts, streams, events, errors and exception info.
#include "common.h"

namespace pyacl {

namespace {

// Destroying a stream drops the callbacks still queued on it (the runtime never runs them).
template <aclError (*Fn)(aclrtStream)>
void bind_stream_destroy(py::module_& m, const char* name, const char* doc) {
  defn(
      m, name, {"stream"}, 1,
      [](Args& a) -> py::object {
        const uintptr_t s = a.ptr(0);
        aclError ret = call_nogil([s] { return Fn(as<void>(s)); });
        if (ret == ACL_SUCCESS) drop_stream_callbacks(s, "the stream was destroyed");
        return py::int_(ret);
      },
      doc);
}

// pyACL keeps the deprecated aclrtQueryEvent.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
aclError query_event(aclrtEvent event, aclrtEventStatus* status) { return aclrtQueryEvent(event, status); }
#pragma GCC diagnostic pop

#ifdef ACL_EVENT_SYNC
// The Python callable of acl.rt.set_exception_info_callback (GIL held to touch it).
py::object* g_exception_cb = nullptr;
// The exception info being reported on this thread (strict: the getters accept only it).
thread_local const aclrtExceptionInfo* t_info = nullptr;

void run_exception_cb(aclrtExceptionInfo* info) {
  if (interpreter_exiting() || !g_exception_cb) return;
  std::unique_ptr<py::object> fn;  // a reference of its own while it runs (released with the GIL)
  // This runs on the failed task's stream worker, which the runtime joins at process exit: if the
  // interpreter finalizes while it waits for the GIL, the thread must end (Python < 3.14's pthread_exit
  // unwinds it, `fn` left unreleased), not hang as the other threads asking for the GIL do
  // (run_with_gil, common::ensure_gil_or_hang).
  acl_async::common::on_forced_unwind(
      [&] {
        PyGILState_STATE state = PyGILState_Ensure();
        if (g_exception_cb && !g_exception_cb->is_none()) {
          fn = std::make_unique<py::object>(*g_exception_cb);
          t_info = info;
          PyObject* arg = ptr_obj(info).release().ptr();
          PyObject* r = PyObject_CallFunctionObjArgs(fn->ptr(), arg, nullptr);
          if (r)
            Py_DECREF(r);
          else
            report_exception("acl.rt.set_exception_info_callback callback", *fn);
          Py_DECREF(arg);
          t_info = nullptr;
          fn.reset();
        }
        PyGILState_Release(state);
      },
      [&]() noexcept { (void)fn.release(); });
}

// aclrtGetXxxFromExceptionInfo: the info pointer is only valid inside the exception callback.
template <uint32_t (*Fn)(const aclrtExceptionInfo*)>
void bind_exception_getter(py::module_& m, const char* name, const char* doc) {
  defn(
      m, name, {"info"}, 1,
      [](Args& a) -> py::object {
        const auto* info = as<const aclrtExceptionInfo>(a.ptr(0));
        if (strict() && info != t_info) return py::int_(0);
        return py::int_(Fn(info));
      },
      doc);
}
#endif

}  // namespace

void bind_rt_device(py::module_& m) {
  // ---- devices
  bind<aclrtSetDevice>(m, "set_device", Call{"ret"}, In{"device_id"});
  bind<aclrtResetDevice>(m, "reset_device", Call{"ret"}, In{"device_id"});
  bind<aclrtGetDevice, Quick>(m, "get_device", Call{"device_id, ret"}, Out());
  bind<aclrtGetDeviceCount, Quick>(m, "get_device_count", Call{"count, ret"}, Out());
  bind<aclrtGetRunMode, Quick>(m, "get_run_mode",
                               "run_mode, ret = acl.rt.get_run_mode(): 0 ACL_DEVICE, 1 ACL_HOST", Out());
  bind<aclrtSynchronizeDevice>(m, "synchronize_device", Call{"ret"});

  // ---- contexts
  bind<aclrtCreateContext>(m, "create_context", Call{"context, ret"}, Out(), In{"device_id"});
  bind<aclrtDestroyContext>(m, "destroy_context", Call{"ret"}, In{"context"});
  bind<aclrtSetCurrentContext>(m, "set_context", "ret = acl.rt.set_context(context): aclrtSetCurrentContext",
                               In{"context"});
  bind<aclrtGetCurrentContext, Quick>(m, "get_context",
                                      "context, ret = acl.rt.get_context(): aclrtGetCurrentContext", Out());

  // ---- streams
  bind<aclrtCreateStream>(m, "create_stream", Call{"stream, ret"}, Out());
  bind_stream_destroy<aclrtDestroyStream>(m, "destroy_stream", "ret = acl.rt.destroy_stream(stream)");
  bind<aclrtSynchronizeStream>(m, "synchronize_stream", Call{"ret"}, In{"stream"});
  bind<aclrtSynchronizeStreamWithTimeout>(
      m, "synchronize_stream_with_timeout",
      "ret = acl.rt.synchronize_stream_with_timeout(stream, timeout): timeout in ms, -1 forever",
      In{"stream"}, In{"timeout"});

  // ---- events
  bind<aclrtCreateEvent>(m, "create_event", Call{"event, ret"}, Out());
  bind<aclrtDestroyEvent>(m, "destroy_event", Call{"ret"}, In{"event"});
  bind<aclrtRecordEvent>(m, "record_event", Call{"ret"}, In{"event"}, In{"stream"});
  bind<query_event, Quick>(m, "query_event",
                           "status, ret = acl.rt.query_event(event): 0 complete, 1 not ready", In{"event"},
                           Out());
  bind<aclrtQueryEventStatus, Quick>(
      m, "query_event_status", "status, ret = acl.rt.query_event_status(event): 1 complete, 0 not ready",
      In{"event"}, Out());
  bind<aclrtSynchronizeEvent>(m, "synchronize_event", Call{"ret"}, In{"event"});
  bind<aclrtEventElapsedTime, Quick>(m, "event_elapsed_time", Call{"ms, ret"}, Out(), In{"start"}, In{"end"});
  bind<aclrtStreamWaitEvent>(m, "stream_wait_event", Call{"ret"}, In{"stream"}, In{"event"});

  // ---- memory information
  bind<aclrtGetMemInfo, Quick>(m, "get_mem_info", Call{"free, total, ret"}, In{"attr"}, Out(), Out());

#ifdef ACL_EVENT_SYNC
  // ---- event flags, stream configuration and queries
  bind<aclrtCreateEventWithFlag>(m, "create_event_with_flag", Call{"event, ret"}, Out(), In{"flag"});
  bind<aclrtCreateEventExWithFlag>(m, "create_event_ex_with_flag", Call{"event, ret"}, Out(), In{"flag"});
  bind<aclrtResetEvent>(m, "reset_event", Call{"ret"}, In{"event"}, In{"stream"});
  bind<aclrtSynchronizeEventWithTimeout>(m, "synchronize_event_with_timeout", Call{"ret"}, In{"event"}, In{"timeout"});
  bind<aclrtEventGetTimestamp, Quick>(m, "event_get_timestamp", Call{"timestamp, ret"}, In{"event"}, Out());
  bind<aclrtQueryEventWaitStatus, Quick>(m, "query_event_wait_status", Call{"status, ret"}, In{"event"}, Out());
  bind<aclrtCreateStreamWithConfig>(m, "create_stream_with_config", Call{"stream, ret"}, Out(), In{"priority"},
                                    In{"flag"});
  bind<aclrtStreamQuery, Quick>(m, "stream_query",
                                "status, ret = acl.rt.stream_query(stream): 0 complete, 1 not ready",
                                In{"stream"}, Out());
  bind<aclrtStreamGetPriority, Quick>(m, "stream_get_priority", Call{"priority, ret"}, In{"stream"}, Out());
  bind<aclrtStreamGetFlags, Quick>(m, "stream_get_flags", Call{"flags, ret"}, In{"stream"}, Out());
  bind<aclrtStreamGetId, Quick>(m, "stream_get_id", Call{"stream_id, ret"}, In{"stream"}, Out());
  bind_stream_destroy<aclrtDestroyStreamForce>(m, "destroy_stream_force",
                                               "ret = acl.rt.destroy_stream_force(stream)");
  bind<aclrtResetDeviceForce>(m, "reset_device_force", Call{"ret"}, In{"device_id"});
  bind<aclrtSynchronizeDeviceWithTimeout>(m, "synchronize_device_with_timeout", Call{"ret"}, In{"timeout"});
  bind<aclrtSetOpWaitTimeout, Quick>(m, "set_op_wait_timeout", Call{"ret"}, In{"timeout"});
  bind<aclrtDeviceCanAccessPeer, Quick>(m, "device_can_access_peer", Call{"can_access_peer, ret"}, Out(),
                                        In{"device_id"}, In{"peer_device_id"});
  defn(
      m, "get_device_utilization_rate", {"device_id"}, 1,
      [](Args& a) -> py::object {
        const int32_t id = a.i32(0);
        aclrtUtilizationInfo info{};
        aclError ret = call_nogil([&] { return aclrtGetDeviceUtilizationRate(id, &info); });
        py::dict d;
        d["cubeUtilization"] = info.cubeUtilization;
        d["vectorUtilization"] = info.vectorUtilization;
        d["aicpuUtilization"] = info.aicpuUtilization;
        d["memoryUtilization"] = info.memoryUtilization;
        return pair(d, ret);
      },
      "utilization_info, ret = acl.rt.get_device_utilization_rate(device_id)");

  // ---- errors and exception info
  bind<aclrtGetLastError, Quick>(
      m, "get_last_error", "ret = acl.rt.get_last_error(level): the thread's last error code, then cleared",
      In{"level"});
  bind<aclrtPeekAtLastError, Quick>(m, "peek_at_last_error", Call{"ret"}, In{"level"});
  defn(
      m, "set_exception_info_callback", {"callback"}, 1,
      [](Args& a) -> py::object {
        py::handle cb = a.get(0);
        if (!cb.is_none() && !PyCallable_Check(cb.ptr())) a.type_error(0, "callable or None");
        if (!g_exception_cb) g_exception_cb = new py::object();  // never freed: C threads may read it at exit
        *g_exception_cb = py::reinterpret_borrow<py::object>(cb);
        aclrtExceptionInfoCallback fn = cb.is_none() ? nullptr : &run_exception_cb;
        return py::int_(call_nogil([fn] { return aclrtSetExceptionInfoCallback(fn); }));
      },
      "ret = acl.rt.set_exception_info_callback(callback): callback(exception_info) on task failures");
  bind_exception_getter<aclrtGetTaskIdFromExceptionInfo>(
      m, "get_task_id_from_exception_info", "value = acl.rt.get_task_id_from_exception_info(info)");
  bind_exception_getter<aclrtGetStreamIdFromExceptionInfo>(
      m, "get_stream_id_from_exception_info", "value = acl.rt.get_stream_id_from_exception_info(info)");
  bind_exception_getter<aclrtGetThreadIdFromExceptionInfo>(
      m, "get_thread_id_from_exception_info", "value = acl.rt.get_thread_id_from_exception_info(info)");
  bind_exception_getter<aclrtGetDeviceIdFromExceptionInfo>(
      m, "get_device_id_from_exception_info", "value = acl.rt.get_device_id_from_exception_info(info)");
  bind_exception_getter<aclrtGetErrorCodeFromExceptionInfo>(
      m, "get_error_code_from_exception_info", "value = acl.rt.get_error_code_from_exception_info(info)");
#endif
}

}  // namespace pyacl
