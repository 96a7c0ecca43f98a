// ReportThread: the Python class, and Python callbacks on its thread.
#include "bindings.h"
#include "errors.h"
#include "stream.h"

#include "pyutil.h"
#include "report_thread.h"

namespace acl_async {

namespace {

// A Python callable queued on a stream: runs on the report thread with the GIL
// taken only for the call; its exception waits on the stream for the next synchronize.
struct PythonCallback {
  SafeObject fn;
  std::shared_ptr<PendingErrors> errors;
};

void run_python_callback(void* data) {
  std::unique_ptr<PythonCallback> record(static_cast<PythonCallback*>(data));
  if (!common::interpreter_exiting()) {  // (SafeObject leaks its reference then)
    ReportThreadGil gil;
    try {
      record->fn.get()();
    } catch (py::error_already_set& e) {
      record->errors->add(e);
    } catch (const std::exception& e) {
      record->errors->add_message(e.what());
    }
    record.reset();  // drop the callable while the GIL is held
  }
}

// ReportThread.launch_callback: the engine's launch_native with a Python callable.
void launch_python_callback(ReportThread& thread, const py::object& fn, const std::shared_ptr<Stream>& stream,
                            bool block) {
  if (!PyCallable_Check(fn.ptr())) {
    throw py::type_error("callback must be callable, got " + std::string(Py_TYPE(fn.ptr())->tp_name));
  }
  auto record = std::make_unique<PythonCallback>(
      PythonCallback{SafeObject(fn), std::static_pointer_cast<PendingErrors>(stream->errors())});
  thread.launch_native(run_python_callback, record.get(), stream, block);
  record.release();  // owned by the queued callback now
}

}  // namespace

void regclass_ReportThread(py::module_& m) {
  py::class_<ReportThread, std::shared_ptr<ReportThread>> cls(m, "ReportThread", R"doc(
A C++ thread that runs the callbacks of its streams (aclrtSubscribeReport +
a loop on aclrtProcessReport(poll_ms)). Python callbacks run there with the
GIL taken only for the call. Closing waits for the subscribed streams (their
pending callbacks run), then stops and joins the thread.
)doc");
  cls.def(py::init([](std::shared_ptr<Context> context, int32_t poll_ms) {
            return ReportThread::create(std::move(context), poll_ms);
          }),
          py::arg("context"), py::arg("poll_ms") = 20)
      .def("subscribe", &ReportThread::subscribe, py::arg("stream"),
           "aclrtSubscribeReport(thread, stream); a stream has at most one report thread.")
      .def("unsubscribe", &ReportThread::unsubscribe, py::arg("stream"),
           "Wait for the stream's tasks, then aclrtUnSubscribeReport.")
      .def("launch_callback", &launch_python_callback, py::arg("fn"), py::arg("stream"),
           py::arg("block") = true, R"doc(
Queue ``fn()`` on ``stream`` (aclrtLaunchCallback): it runs on this thread
after every earlier task of the stream; with ``block`` later tasks wait for
it to return. An exception it raises is re-raised, once, by the stream's
next ``synchronize()``. Subscribes the stream if it has no report thread.
)doc")
      .def_property_readonly("thread_id", &ReportThread::thread_id,
                             "The pthread id given to aclrtSubscribeReport.")
      .def_property_readonly("poll_ms", &ReportThread::poll_ms)
      .def_property_readonly("streams", &ReportThread::streams)
      .def_property_readonly("context", &ReportThread::context)
      .def("is_current", &ReportThread::is_current,
           "True when called from this report thread (in a callback).");
  def_resource_methods(cls);
}

}  // namespace acl_async
