// Event: the Python class.
#include "bindings.h"
#include "errors.h"
#include "stream.h"

#include "event.h"

namespace acl_async {

void regclass_Event(py::module_& m) {
  py::class_<Event, std::shared_ptr<Event>> cls(m, "Event", "An ACL event (aclrtCreateEvent).");
  cls.def(py::init(&Event::create), py::arg("context"))
      .def("record", &Event::record, py::arg("stream"), "Record the event on ``stream`` (aclrtRecordEvent).")
      .def("query", &Event::query, "True once the recorded work has completed (aclrtQueryEventStatus).")
      .def("synchronize", &Event::synchronize,
           "Wait (GIL released) for the recorded work (aclrtSynchronizeEvent).")
      .def("elapsed_ms", &Event::elapsed_ms, py::arg("end"),
           "Milliseconds between this event and ``end`` (aclrtEventElapsedTime).");
  def_resource_methods(cls);
}

}  // namespace acl_async
