// Events: aclrtRecordEvent queues a task that stamps steady_clock time when
// the stream reaches it; aclrtStreamWaitEvent queues a task that waits for it;
// aclrtResetEvent queues a task that forgets the records before it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "acl/acl.h"

namespace acl_host {

class Event {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Event(uint32_t flags = kDefaultFlags, bool ex = false) : flags_(flags), ex_(ex) {}
  // aclrtCreateEvent's events: synchronisation and timing.
  static constexpr uint32_t kDefaultFlags = ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE;

  aclrtEvent handle() { return static_cast<aclrtEvent>(this); }
  uint32_t flags() const { return flags_; }
  bool timed() const { return (flags_ & ACL_EVENT_TIME_LINE) != 0; }
  bool syncs() const { return (flags_ & ACL_EVENT_SYNC) != 0; }
  // Made by aclrtCreateEventExWithFlag.
  bool ex() const { return ex_; }

  // A record was queued: returns its generation.
  uint64_t begin_record();
  // The stream reached the record with that generation.
  void complete(uint64_t generation);
  // The latest queued record has completed (false when never recorded).
  bool is_complete();
  bool ever_recorded();
  // Generation of the latest queued record (0: never recorded).
  uint64_t latest();
  // Waits until the record of generation gen completed; false on
  // interruption (stop becomes true) or timeout.
  bool wait(uint64_t gen, const std::atomic<bool>* stop, int64_t timeout_ms);
  // Time of the latest completed record; false when none.
  bool timestamp(Clock::time_point& t);
  // A reset queued at generation `at` ran: until the next record, the event
  // reads as never recorded (not complete, no timestamp).
  void reset(uint64_t at);
  // Wakes waiters (aclFinalize, stream abort).
  void wake();
  void kill();

 private:
  const uint32_t flags_;
  const bool ex_;
  std::mutex m_;
  std::condition_variable cv_;
  uint64_t recorded_ = 0;
  uint64_t completed_ = 0;
  uint64_t reset_at_ = 0;  // records up to this generation were reset
  bool has_stamp_ = false;
  bool dead_ = false;
  Clock::time_point stamp_{};
};

namespace event {
std::shared_ptr<Event> lookup(aclrtEvent handle);
// aclrtSetOpWaitTimeout: how long a queued aclrtStreamWaitEvent waits (ms; -1 forever).
int64_t op_wait_timeout_ms();
// Strict-mode checks of the documented event rules; `use` names the API.
aclError check_sync_use(const Event& e, const char* use);
// Wakes every event waiter (a stream is aborting).
void wake_all();
void release_all();
}  // namespace event

}  // namespace acl_host
