// Host callbacks: aclrtSubscribeReport binds a stream to a thread (the
// pthread_t of the thread calling aclrtProcessReport); aclrtLaunchCallback
// queues a task that, when the stream reaches it, hands the callback to that
// thread's pending queue. BLOCK holds the stream until the callback returns.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <atomic>
#include <vector>
#include <memory>
#include <mutex>

#include "acl/acl.h"
#include "detail/idle_spin.h"

namespace acl_host {

class Stream;

struct PendingCallback {
  aclrtCallback fn = nullptr;
  void* user = nullptr;
  std::weak_ptr<Stream> stream;    // set for BLOCK callbacks
  uint64_t ticket = 0;             // BLOCK ticket on that stream
  const Stream* origin = nullptr;  // the stream that launched it
};

// One per subscribed thread id.
class ReportQueue {
 public:
  explicit ReportQueue(uint64_t tid) : tid_(tid) {}
  uint64_t tid() const { return tid_; }

  // Hands a callback to the thread; false when the thread is gone or the
  // runtime is finalizing (the callback is dropped; BLOCK is released).
  bool push(PendingCallback&& cb);
  // Drops pending callbacks of one stream (nullptr: all), releasing BLOCK waits.
  void drop(const Stream* origin);
  // Runs every pending callback on the calling thread; waits up to
  // timeout_ms (< 0: forever) for the first. Returns the number run, or -1
  // when woken because nothing is subscribed any more.
  int process(int64_t timeout_ms);
  // The thread exited / aclFinalize: drop everything, refuse new work.
  void close();
  void reopen();
  void wake();
  // The kernel thread id of the subscribed thread (0: unknown, never
  // checked; < 0: it had exited already), so that its exit is noticed even
  // when it never called aclrtProcessReport (no exit guard on that thread).
  void set_os_thread(int64_t os_tid) { os_tid_.store(os_tid, std::memory_order_release); }
  // True when the subscribed thread is known to have exited.
  bool owner_exited() const;

  std::atomic<int> subscriptions{0};  // changed under the report registry lock

 private:
  const uint64_t tid_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<PendingCallback> q_;
  std::atomic<uint64_t> pushed_{0};     // callbacks ever queued, readable without m_ (the spin)
  IdleSpin idle_spin_;                  // the processing thread only
  std::vector<PendingCallback> spare_;  // recycled storage for q_
  bool closed_ = false;
  uint64_t wake_seq_ = 0;
  std::atomic<int64_t> os_tid_{0};
};

namespace report {

uint64_t self_id();  // pthread_self() as uint64_t
// How long a BLOCK callback waits between checks that its report thread lives.
constexpr int64_t kOwnerCheckMs = 100;
aclError subscribe(uint64_t tid, const std::shared_ptr<Stream>& s);
aclError unsubscribe(uint64_t tid, const std::shared_ptr<Stream>& s);
aclError process(int32_t timeout_ms);
// Marks the calling thread as a report thread (its exit drops what is queued for it), running nothing.
void watch_thread();
// A stream is being destroyed: drop its subscription.
void forget_stream(const std::shared_ptr<Stream>& s);
void release_all();

}  // namespace report
}  // namespace acl_host
