// Events: record/wait tasks, status queries and elapsed time.
#include "detail/event.h"

#include <unordered_map>
#include <vector>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/error.h"
#include "detail/live_set.h"
#include "detail/runtime.h"
#include "detail/stream.h"
#include "detail/util.h"

namespace acl_host {

uint64_t Event::begin_record() {
  std::lock_guard<std::mutex> lock(m_);
  return ++recorded_;
}

void Event::complete(uint64_t generation) {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (generation > completed_) {
      completed_ = generation;
      stamp_ = Clock::now();
      has_stamp_ = true;
    }
  }
  cv_.notify_all();
}

bool Event::is_complete() {
  std::lock_guard<std::mutex> lock(m_);
  return recorded_ > reset_at_ && completed_ >= recorded_;
}

bool Event::ever_recorded() {
  std::lock_guard<std::mutex> lock(m_);
  return recorded_ > reset_at_;
}

void Event::reset(uint64_t at) {
  std::lock_guard<std::mutex> lock(m_);
  if (at > reset_at_) reset_at_ = at;
  if (recorded_ <= reset_at_) has_stamp_ = false;
}

uint64_t Event::latest() {
  std::lock_guard<std::mutex> lock(m_);
  return recorded_;
}

bool Event::wait(uint64_t gen, const std::atomic<bool>* stop, int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(m_);
  auto pred = [&] { return completed_ >= gen || dead_ || (stop && stop->load(std::memory_order_acquire)); };
  if (timeout_ms < 0) {
    cv_.wait(lock, pred);
  } else if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), pred)) {
    return false;
  }
  return completed_ >= gen;
}

bool Event::timestamp(Clock::time_point& t) {
  std::lock_guard<std::mutex> lock(m_);
  if (!has_stamp_ || recorded_ <= reset_at_) return false;
  t = stamp_;
  return true;
}

void Event::wake() {
  {
    std::lock_guard<std::mutex> lock(m_);
  }
  cv_.notify_all();
}

void Event::kill() {
  {
    std::lock_guard<std::mutex> lock(m_);
    dead_ = true;
  }
  cv_.notify_all();
}

namespace event {
namespace {

LiveSet<const void*, Event>& live() {
  static NoDestructor<LiveSet<const void*, Event>> set;
  return *set;
}

}  // namespace

std::shared_ptr<Event> lookup(aclrtEvent handle) { return live().find(handle); }

void wake_all() {
  for (auto& e : live().snapshot()) e->wake();
}

void release_all() {
  for (auto& kv : live().take_all()) kv.second->kill();
}

std::atomic<int64_t> g_op_wait_timeout_ms{-1};

int64_t op_wait_timeout_ms() { return g_op_wait_timeout_ms.load(std::memory_order_relaxed); }

aclError check_sync_use(const Event& e, const char* use) {
  if (!strict_mode()) return ACL_SUCCESS;
  if (!e.syncs())
    return fail(ACL_ERROR_INVALID_PARAM,
                "event %p was created without ACL_EVENT_SYNC: it cannot be used in %s (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)",
                static_cast<const void*>(&e), use);
  return ACL_SUCCESS;
}

aclError check_not_ex(const Event& e, const char* use) {
  if (!strict_mode() || !e.ex()) return ACL_SUCCESS;
  return fail(ACL_ERROR_INVALID_PARAM,
              "event %p was created by aclrtCreateEventExWithFlag: it cannot be used in %s (strict mode; "
              "ACL_HOST_STRICT=0 relaxes)",
              static_cast<const void*>(&e), use);
}

std::shared_ptr<Event> create(uint32_t flags = Event::kDefaultFlags, bool ex = false) {
  auto e = std::make_shared<Event>(flags, ex);
  live().add(e.get(), e);
  return e;
}

std::shared_ptr<Event> remove(aclrtEvent handle) { return live().take(handle); }

aclError get(aclrtEvent handle, std::shared_ptr<Event>& out) {
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "event must not be NULL");
  out = lookup(handle);
  if (!out)
    return fail(ACL_ERROR_INVALID_RESOURCE_HANDLE, "event %p does not exist (destroyed or never created)",
                handle);
  return ACL_SUCCESS;
}

// The end of every aclrtCreateEvent*: an initialised runtime and a current context, then the event.
aclError publish(aclrtEvent* event, uint32_t flags, bool ex) {
  if (aclError e = require_init()) return e;
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  *event = create(flags, ex)->handle();
  return ACL_SUCCESS;
}

// aclrtCreateEvent[Ex]WithFlag `fn`: `flag` is not 0, holds only flags of `known` (spelled `names`), and
// `alone` only by itself; the event is made an ex event when `ex`.
aclError create_with_flag(const char* fn, aclrtEvent* event, uint32_t flag, uint32_t known, const char* names,
                          uint32_t alone, const char* alone_name, bool ex) {
  if (!event) return fail(ACL_ERROR_INVALID_PARAM, "event must not be NULL");
  if (flag == 0 || (flag & ~known) != 0)
    return fail(ACL_ERROR_INVALID_PARAM, "flag 0x%x: %s takes %s", flag, fn, names);
  if ((flag & alone) != 0 && flag != alone)
    return fail(ACL_ERROR_INVALID_PARAM, "flag 0x%x: %s cannot be combined with other flags", flag, alone_name);
  return publish(event, flag, ex);
}

// Queues the event task `kind` for generation `generation` of `e` on `s`.
aclError enqueue(Stream& s, TaskKind kind, uint64_t generation, const std::shared_ptr<Event>& e) {
  Task t;
  t.kind = kind;
  t.generation = generation;
  t.event = e;
  return s.enqueue(std::move(t));
}

}  // namespace event
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtCreateEvent(aclrtEvent* event) ACL_API_TRY {
  ACL_API();
  if (!event) return fail(ACL_ERROR_INVALID_PARAM, "event must not be NULL");
  return event::publish(event, Event::kDefaultFlags, false);
} ACL_API_CATCH

aclError aclrtDestroyEvent(aclrtEvent event) ACL_API_TRY {
  ACL_API();
  if (!event) return fail(ACL_ERROR_INVALID_PARAM, "event must not be NULL");
  auto e = event::remove(event);
  if (!e)
    return fail(ACL_ERROR_INVALID_RESOURCE_HANDLE, "event %p does not exist (destroyed or never created)",
                event);
  // Queued record/wait tasks keep their own reference.
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtRecordEvent(aclrtEvent event, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  std::shared_ptr<Stream> s;
  if (aclError r = stream::resolve(stream, true, s)) return r;
  return event::enqueue(*s, TaskKind::RecordEvent, e->begin_record(), e);
} ACL_API_CATCH

aclError aclrtQueryEvent(aclrtEvent event, aclrtEventStatus* status) ACL_API_TRY {
  ACL_API();
  if (!status) return fail(ACL_ERROR_INVALID_PARAM, "status must not be NULL");
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  if (aclError r = event::check_not_ex(*e, "aclrtQueryEvent")) return r;
  *status = e->is_complete() ? ACL_EVENT_STATUS_COMPLETE : ACL_EVENT_STATUS_NOT_READY;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtQueryEventStatus(aclrtEvent event, aclrtEventRecordedStatus* status) ACL_API_TRY {
  ACL_API();
  if (!status) return fail(ACL_ERROR_INVALID_PARAM, "status must not be NULL");
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  *status = e->is_complete() ? ACL_EVENT_RECORDED_STATUS_COMPLETE : ACL_EVENT_RECORDED_STATUS_NOT_READY;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtSynchronizeEvent(aclrtEvent event) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  uint64_t gen = e->latest();
  if (gen == 0) return ACL_SUCCESS;  // never recorded: nothing to wait for
  e->wait(gen, nullptr, -1);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtEventElapsedTime(float* ms, aclrtEvent startEvent, aclrtEvent endEvent) ACL_API_TRY {
  ACL_API();
  if (!ms) return fail(ACL_ERROR_INVALID_PARAM, "ms must not be NULL");
  std::shared_ptr<Event> a, b;
  if (aclError r = event::get(startEvent, a)) return r;
  if (aclError r = event::get(endEvent, b)) return r;
  if (!a->ever_recorded() || !b->ever_recorded())
    return fail(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID, "%s event was never recorded",
                !a->ever_recorded() ? "the start" : "the end");
  if (((a->flags() | b->flags()) & ACL_EVENT_IPC) != 0 && strict_mode())
    return fail(ACL_ERROR_INVALID_PARAM,
                "an ACL_EVENT_IPC event cannot be used in aclrtEventElapsedTime (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)");
  if ((!a->timed() || !b->timed()) && strict_mode())
    return fail(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID,
                "%s event was created without ACL_EVENT_TIME_LINE and records no timestamp (strict mode; "
                "ACL_HOST_STRICT=0 relaxes)",
                !a->timed() ? "the start" : "the end");
  Event::Clock::time_point ta, tb;
  if (!a->is_complete() || !b->is_complete() || !a->timestamp(ta) || !b->timestamp(tb))
    return fail(ACL_ERROR_RT_EVENT_NOT_COMPLETE, "%s event has not completed yet (synchronize first)",
                !a->is_complete() ? "the start" : "the end");
  *ms = std::chrono::duration<float, std::milli>(tb - ta).count();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtStreamWaitEvent(aclrtStream stream, aclrtEvent event) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  if (aclError r = event::check_sync_use(*e, "aclrtStreamWaitEvent")) return r;
  std::shared_ptr<Stream> s;
  if (aclError r = stream::resolve(stream, true, s)) return r;
  uint64_t gen = e->latest();
  if (gen == 0) return ACL_SUCCESS;  // never recorded: nothing to wait for
  return event::enqueue(*s, TaskKind::WaitEvent, gen, e);
} ACL_API_CATCH

// ---- Events with flags, reset, synchronize with a timeout. ----

aclError aclrtCreateEventWithFlag(aclrtEvent* event, uint32_t flag) ACL_API_TRY {
  ACL_API();
  return event::create_with_flag(__func__, event, flag,
                                 ACL_EVENT_SYNC | ACL_EVENT_CAPTURE_STREAM_PROGRESS | ACL_EVENT_TIME_LINE |
                                     ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_EXTERNAL,
                                 "ACL_EVENT_SYNC, ACL_EVENT_TIME_LINE, ACL_EVENT_CAPTURE_STREAM_PROGRESS, "
                                 "ACL_EVENT_DEVICE_USE_ONLY or ACL_EVENT_EXTERNAL",
                                 ACL_EVENT_EXTERNAL, "ACL_EVENT_EXTERNAL", false);
} ACL_API_CATCH

aclError aclrtCreateEventExWithFlag(aclrtEvent* event, uint32_t flag) ACL_API_TRY {
  ACL_API();
  return event::create_with_flag(
      __func__, event, flag, ACL_EVENT_SYNC | ACL_EVENT_CAPTURE_STREAM_PROGRESS | ACL_EVENT_TIME_LINE | ACL_EVENT_IPC,
      "ACL_EVENT_SYNC, ACL_EVENT_TIME_LINE, ACL_EVENT_CAPTURE_STREAM_PROGRESS or ACL_EVENT_IPC", ACL_EVENT_IPC,
      "ACL_EVENT_IPC", true);
} ACL_API_CATCH

aclError aclrtResetEvent(aclrtEvent event, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  if (aclError r = event::check_not_ex(*e, "aclrtResetEvent")) return r;
  if (aclError r = event::check_sync_use(*e, "aclrtResetEvent")) return r;
  std::shared_ptr<Stream> s;
  if (aclError r = stream::resolve(stream, true, s)) return r;
  return event::enqueue(*s, TaskKind::ResetEvent, e->latest(), e);
} ACL_API_CATCH

aclError aclrtEventGetTimestamp(aclrtEvent event, uint64_t* timestamp) ACL_API_TRY {
  ACL_API();
  if (!timestamp) return fail(ACL_ERROR_INVALID_PARAM, "timestamp must not be NULL");
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  if (!e->ever_recorded())
    return fail(ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID, "event %p was never recorded", event);
  Event::Clock::time_point t;
  if (!e->is_complete() || !e->timestamp(t))
    return fail(ACL_ERROR_RT_EVENT_NOT_COMPLETE, "event %p has not completed yet (synchronize first)", event);
  *timestamp = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtQueryEventWaitStatus(aclrtEvent event, aclrtEventWaitStatus* status) ACL_API_TRY {
  ACL_API();
  if (!status) return fail(ACL_ERROR_INVALID_PARAM, "status must not be NULL");
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  if (aclError r = event::check_not_ex(*e, "aclrtQueryEventWaitStatus")) return r;
  if (aclError r = event::check_sync_use(*e, "aclrtQueryEventWaitStatus")) return r;
  *status = e->is_complete() ? ACL_EVENT_WAIT_STATUS_COMPLETE : ACL_EVENT_WAIT_STATUS_NOT_READY;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtSetOpWaitTimeout(uint32_t timeout) ACL_API_TRY {
  ACL_API();
  if (aclError e = require_init()) return e;
  event::g_op_wait_timeout_ms.store(timeout == 0 ? -1 : static_cast<int64_t>(timeout) * 1000,
                                    std::memory_order_relaxed);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtSynchronizeEventWithTimeout(aclrtEvent event, int32_t timeout) ACL_API_TRY {
  ACL_API();
  if (timeout < -1)
    return fail(ACL_ERROR_RT_PARAM_INVALID, "timeout must be -1 (wait forever), 0 (check) or > 0 ms, got %d",
                timeout);
  std::shared_ptr<Event> e;
  if (aclError r = event::get(event, e)) return r;
  uint64_t gen = e->latest();
  if (gen == 0) return ACL_SUCCESS;  // never recorded: nothing to wait for
  if (!e->wait(gen, nullptr, timeout))
    return fail(ACL_ERROR_RT_EVENT_SYNC_TIMEOUT, "event %p did not complete within %d ms", event, timeout);
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
