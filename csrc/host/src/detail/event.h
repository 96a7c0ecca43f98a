// Events: aclrtRecordEvent queues a task that stamps steady_clock time when
// the stream reaches it; aclrtStreamWaitEvent queues a task that waits for it.
#ifndef ACL_HOST_DETAIL_EVENT_H
#define ACL_HOST_DETAIL_EVENT_H

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

    aclrtEvent handle() { return static_cast<aclrtEvent>(this); }

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
    bool wait(uint64_t gen, const std::atomic<bool> *stop, int64_t timeout_ms);
    // Time of the latest completed record; false when none.
    bool timestamp(Clock::time_point &t);
    // Wakes waiters (aclFinalize, stream abort).
    void wake();
    void kill();

private:
    std::mutex m_;
    std::condition_variable cv_;
    uint64_t recorded_ = 0;
    uint64_t completed_ = 0;
    bool has_stamp_ = false;
    bool dead_ = false;
    Clock::time_point stamp_{};
};

namespace event {
std::shared_ptr<Event> lookup(aclrtEvent handle);
// Wakes every event waiter (a stream is aborting).
void wake_all();
void release_all();
}  // namespace event

}  // namespace acl_host

#endif  // ACL_HOST_DETAIL_EVENT_H
