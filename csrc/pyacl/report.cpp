// pyACL: `acl.rt` report threads and host callbacks. A Python callback queued
// by acl.rt.launch_callback runs on the thread subscribed to its stream, inside
// that thread's acl.rt.process_report, which waits with the GIL released and
// takes it only to call Python.
#include <memory>

#include "common.h"

namespace pyacl {

namespace {

struct PendingCallback {
  py::object fn;
  py::object user_data;
};

void run_callback(void* raw) {
  auto* cb = static_cast<PendingCallback*>(raw);
  if (!cb || python_exiting()) return;  // the interpreter is gone: nothing can run (nor be released)
  PyGILState_STATE gil = PyGILState_Ensure();
  {
    std::unique_ptr<PendingCallback> own(cb);
    PyObject* r = PyObject_CallFunctionObjArgs(own->fn.ptr(), own->user_data.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.rt.launch_callback callback", own->fn);
  }
  PyGILState_Release(gil);
}

}  // namespace

void bind_report(py::module_& m) {
  defn(
      m, "subscribe_report", {"thread_id", "stream"}, 2,
      [](Args& a) -> py::object {
        uint64_t tid = a.u64(0);
        if (aclError e = handles::check(a, 1, Kind::Stream)) return py::int_(e);
        return py::int_(aclrtSubscribeReport(tid, as<void>(a.ptr(1))));
      },
      "ret = acl.rt.subscribe_report(thread_id, stream): thread_id from acl.util.start_thread");

  defn(
      m, "unsubscribe_report", {"thread_id", "stream"}, 2,
      [](Args& a) -> py::object {
        uint64_t tid = a.u64(0);
        if (aclError e = handles::check(a, 1, Kind::Stream)) return py::int_(e);
        uintptr_t s = a.ptr(1);
        py::gil_scoped_release nogil;
        return py::int_(aclrtUnSubscribeReport(tid, as<void>(s)));
      },
      "ret = acl.rt.unsubscribe_report(thread_id, stream): aclrtUnSubscribeReport");

  defn(
      m, "process_report", {"timeout"}, 1,
      [](Args& a) -> py::object {
        int32_t timeout = a.i32(0);
        aclError ret;
        {
          py::gil_scoped_release nogil;
          ret = aclrtProcessReport(timeout);
        }
        return py::int_(ret);
      },
      "ret = acl.rt.process_report(timeout): runs this thread's pending callbacks; timeout in ms, -1 "
      "forever");

  defn(
      m, "launch_callback", {"fn", "user_data", "block_type", "stream"}, 4,
      [](Args& a) -> py::object {
        if (!PyCallable_Check(a.get(0).ptr())) a.type_error(0, "callable");
        auto block = static_cast<aclrtCallbackBlockType>(a.i32(2));
        if (aclError e = handles::check(a, 3, Kind::Stream)) return py::int_(e);
        uintptr_t s = a.ptr(3);
        auto cb = std::make_unique<PendingCallback>();
        cb->fn = py::reinterpret_borrow<py::object>(a.get(0));
        cb->user_data = py::reinterpret_borrow<py::object>(a.get(1));
        aclError ret;
        {
          py::gil_scoped_release nogil;
          ret = aclrtLaunchCallback(&run_callback, cb.get(), block, as<void>(s));
        }
        if (ret == ACL_SUCCESS) cb.release();  // run_callback owns it now
        return py::int_(ret);
      },
      "ret = acl.rt.launch_callback(fn, user_data, block_type, stream): fn(user_data) runs on the thread "
      "subscribed to stream, inside its acl.rt.process_report; block_type 1 holds the stream until fn "
      "returns");
}

}  // namespace pyacl
