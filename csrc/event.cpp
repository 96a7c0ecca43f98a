#include "event.h"

#include "bindings.h"
#include "error.h"
#include "pyutil.h"
#include "stream.h"

namespace acl_async {

std::shared_ptr<Event> Event::create(std::shared_ptr<Context> context) {
  run_deferred();
  context->check_open();
  context->activate();
  aclrtEvent handle = nullptr;
  check(aclrtCreateEvent(&handle), "aclrtCreateEvent");
  auto event = std::make_shared<Event>(Key{}, context, handle);
  context->add_child(event);
  return event;
}

aclrtEvent Event::handle() const {
  if (closed()) throw ClosedError("Event is closed");
  return handle_;
}

void Event::record(Stream& stream) {
  aclrtEvent event = handle();
  aclrtStream s = stream.handle();
  context_->activate();
  check(aclrtRecordEvent(event, s), "aclrtRecordEvent");
}

bool Event::query() {
  aclrtEvent event = handle();
  context_->activate();
  aclrtEventRecordedStatus status = ACL_EVENT_RECORDED_STATUS_NOT_READY;
  check(aclrtQueryEventStatus(event, &status), "aclrtQueryEventStatus");
  return status == ACL_EVENT_RECORDED_STATUS_COMPLETE;
}

void Event::synchronize() {
  forbid_on_report_thread("Event.synchronize()");
  aclrtEvent event = handle();
  context_->activate();
  aclError ret;
  {
    GilRelease nogil;
    ret = aclrtSynchronizeEvent(event);
  }
  check(ret, "aclrtSynchronizeEvent");
}

float Event::elapsed_ms(Event& end) {
  aclrtEvent start_handle = handle();
  aclrtEvent end_handle = end.handle();
  context_->activate();
  float ms = 0.0f;
  check(aclrtEventElapsedTime(&ms, start_handle, end_handle), "aclrtEventElapsedTime");
  return ms;
}

void Event::release() noexcept {
  aclrtEvent handle = handle_;
  std::shared_ptr<Context> context = context_;
  run_or_defer([handle, context] {
    if (context->try_activate()) aclrtDestroyEvent(handle);
  });
}

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
