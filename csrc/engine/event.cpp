#include "event.h"

#include "errors.h"
#include "host_hooks.h"
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
    HostUnlock nogil;
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

}  // namespace acl_async
