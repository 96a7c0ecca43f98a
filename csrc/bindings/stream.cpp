// Stream: the Python class.
#include "bindings.h"
#include "errors.h"
#include "report_thread.h"
#include "event.h"

#include "stream.h"

namespace acl_async {

void regclass_Stream(py::module_& m) {
  py::class_<Stream, std::shared_ptr<Stream>> cls(m, "Stream", R"doc(
An ACL stream: a FIFO of tasks (copies, model executions, callbacks).
)doc");
  cls.def(py::init(&Stream::create), py::arg("context"))
      .def_property_readonly("context", &Stream::context)
      .def(
          "synchronize", [](Stream& self, std::optional<double> timeout) { self.synchronize(timeout); },
          py::arg("timeout") = py::none(), R"doc(
Wait (GIL released) until every task queued on the stream has finished.
``timeout`` in seconds (None: forever); expiry raises AclTimeoutError
(a TimeoutError). Then re-raises, once, the first exception raised by a
Python callback launched on this stream since the previous synchronize.
)doc")
      .def(
          "wait_event",
          [](Stream& self, Event& event) {
            aclrtStream stream = self.handle();
            aclrtEvent handle = event.handle();
            self.context()->activate();
            check(aclrtStreamWaitEvent(stream, handle), "aclrtStreamWaitEvent");
          },
          py::arg("event"), "Make later tasks of this stream wait for ``event`` (aclrtStreamWaitEvent).")
      .def_property_readonly("report_thread", &Stream::subscriber,
                             "The ReportThread this stream is subscribed to, or None.");
  def_resource_methods(cls);
}

}  // namespace acl_async
