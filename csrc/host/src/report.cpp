// Report threads: subscriptions, aclrtProcessReport and aclrtLaunchCallback.
#include "detail/report.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include <chrono>
#include <unordered_map>
#include <vector>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/error.h"
#include "detail/runtime.h"
#include "detail/stream.h"
#include "detail/util.h"

namespace acl_host {

namespace {

void release_blocked(std::vector<PendingCallback>& dropped) {
  for (auto& cb : dropped)
    if (cb.ticket)
      if (auto s = cb.stream.lock()) s->callback_done(cb.ticket);
  dropped.clear();
}

}  // namespace

bool ReportQueue::push(PendingCallback&& cb) {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (closed_) return false;
    q_.push_back(std::move(cb));
    pushed_.fetch_add(1, std::memory_order_release);
  }
  cv_.notify_all();
  return true;
}

void ReportQueue::drop(const Stream* origin) {
  std::vector<PendingCallback> dropped;
  {
    std::lock_guard<std::mutex> lock(m_);
    for (auto it = q_.begin(); it != q_.end();) {
      if (!origin || it->origin == origin) {
        dropped.push_back(std::move(*it));
        it = q_.erase(it);
      } else {
        ++it;
      }
    }
  }
  release_blocked(dropped);
}

int ReportQueue::process(int64_t timeout_ms) {
  std::vector<PendingCallback> batch;
  std::unique_lock<std::mutex> lock(m_);
  closed_ = false;  // the caller is alive (a reused pthread id reopens the queue)
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  while (q_.empty()) {
    if (closed_ || subscriptions.load(std::memory_order_acquire) == 0) return -1;
    if (idle_spin_.begin()) {  // the next callback is likely microseconds away
      const uint64_t seen = pushed_.load(std::memory_order_relaxed);
      lock.unlock();
      idle_spin_.spin([&] { return pushed_.load(std::memory_order_acquire) == seen; });
      lock.lock();
      continue;
    }
    const uint64_t seq = wake_seq_;
    auto ready = [&] { return !q_.empty() || closed_ || wake_seq_ != seq; };
    if (timeout_ms < 0) {
      cv_.wait(lock, ready);
    } else if (!cv_.wait_until(lock, deadline, ready)) {
      return 0;
    }
  }
  idle_spin_.end();
  // Take the whole queue; hand it a recycled vector so steady state does not allocate.
  batch.swap(q_);
  q_.swap(spare_);
  lock.unlock();
  int n = 0;
  acl_async::common::on_forced_unwind(
      [&] {
        for (auto& cb : batch) {
          try {
            cb.fn(cb.user);
          } catch (...) {
            // A callback must not throw; keep the stream going regardless.
            acl_async::common::rethrow_if_forced_unwind();
          }
          ++n;
          if (cb.ticket)
            if (auto s = cb.stream.lock()) s->callback_done(cb.ticket);
        }
      },
      // The thread ends inside a callback (pthread_exit, cancellation): that callback and the rest of
      // the batch are dropped as for any report thread that ended (their BLOCK waits released).
      [&]() noexcept {
        batch.erase(batch.begin(), batch.begin() + n);
        release_blocked(batch);
      });
  batch.clear();
  lock.lock();
  if (spare_.capacity() < batch.capacity()) spare_.swap(batch);
  return n;
}

void ReportQueue::close() {
  std::vector<PendingCallback> dropped;
  {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    dropped.swap(q_);
    ++wake_seq_;
  }
  cv_.notify_all();
  release_blocked(dropped);
}

void ReportQueue::reopen() {
  std::lock_guard<std::mutex> lock(m_);
  closed_ = false;
}

bool ReportQueue::owner_exited() const {
  const int64_t t = os_tid_.load(std::memory_order_acquire);
  if (t == 0) return false;
  if (t < 0) return true;
  // Signal 0 only checks that the thread exists in this process. Kernel
  // thread ids are reused only after the pid space wraps.
  return syscall(SYS_tgkill, static_cast<long>(getpid()), static_cast<long>(t), 0L) != 0 && errno == ESRCH;
}

void ReportQueue::wake() {
  {
    std::lock_guard<std::mutex> lock(m_);
    ++wake_seq_;
  }
  cv_.notify_all();
}

namespace report {
namespace {

struct Registry {
  std::mutex m;
  std::unordered_map<uint64_t, std::shared_ptr<ReportQueue>> queues;
};
Registry& reg() {
  static NoDestructor<Registry> r;
  return *r;
}

void thread_exited(uint64_t tid) {
  std::shared_ptr<ReportQueue> q;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    auto it = r.queues.find(tid);
    if (it == r.queues.end()) return;
    q = it->second;
  }
  // Nobody will run these callbacks any more: drop them and release the
  // streams blocked on them; later callbacks for this id are dropped too
  // until a live thread with that id processes reports again.
  q->close();
}

// Notices when a thread that processed reports exits.
struct ThreadGuard {
  uint64_t tid = 0;
  bool armed = false;
  ~ThreadGuard() {
    if (armed && process_alive()) thread_exited(tid);
  }
};
thread_local ThreadGuard tl_guard;

int64_t current_os_thread() {
  static thread_local const int64_t t = static_cast<int64_t>(syscall(SYS_gettid));
  return t;
}

// The kernel thread id behind a pthread id given to aclrtSubscribeReport, read
// while the thread is expected to live (a subscriber's exit is then checked
// with tgkill, never through its pthread_t, which dangles once it is joined).
// 0 when unknown: an id that is not a mapped, aligned pthread descriptor
// (ACL takes any number) is never dereferenced. < 0: the thread has exited.
int64_t os_thread_of(uint64_t tid) {
  if (tid == self_id()) return current_os_thread();
  if (tid == 0 || tid % alignof(void*) != 0) return 0;
  // glibc's pthread_getcpuclockid reads the descriptor's tid field, within
  // its first KiB on x86-64 and aarch64: those bytes must be mapped.
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t first = static_cast<uintptr_t>(tid) & ~(page - 1);
  const uintptr_t last = (static_cast<uintptr_t>(tid) + 1023) & ~(page - 1);
  unsigned char resident[2];
  if (mincore(reinterpret_cast<void*>(first), last - first + page, resident) != 0) return 0;
  clockid_t clock;
  const int rc = pthread_getcpuclockid(static_cast<pthread_t>(tid), &clock);
  if (rc == ESRCH) return -1;  // glibc: the descriptor's thread has exited
  // Linux's per-thread CPU clock id encodes the thread id: ~tid << 3 | 6.
  if (rc != 0 || (clock & 7) != 6) return 0;
  const int64_t os_tid = ~(static_cast<int64_t>(clock) >> 3);
  return os_tid > 0 ? os_tid : 0;
}

}  // namespace

uint64_t self_id() { return static_cast<uint64_t>(pthread_self()); }

aclError subscribe(uint64_t tid, const std::shared_ptr<Stream>& s) {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  if (auto cur = s->subscriber())
    return fail(ACL_ERROR_RT_STREAM_SUBSCRIBE,
                "stream %p is already subscribed by thread %llu (one thread per stream)",
                static_cast<void*>(s.get()), static_cast<unsigned long long>(cur->tid()));
  auto& q = r.queues[tid];
  if (!q) q = std::make_shared<ReportQueue>(tid);
  q->reopen();
  q->set_os_thread(os_thread_of(tid));
  q->subscriptions.fetch_add(1, std::memory_order_acq_rel);
  s->set_subscriber(q);
  return ACL_SUCCESS;
}

aclError unsubscribe(uint64_t tid, const std::shared_ptr<Stream>& s) {
  std::shared_ptr<ReportQueue> cur;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    cur = s->subscriber();
    if (!cur)
      return fail(ACL_ERROR_RT_STREAM_SUBSCRIBE, "stream %p is not subscribed to any thread",
                  static_cast<void*>(s.get()));
    if (cur->tid() != tid)
      return fail(ACL_ERROR_RT_THREAD_SUBSCRIBE, "stream %p is subscribed by thread %llu, not by thread %llu",
                  static_cast<void*>(s.get()), static_cast<unsigned long long>(cur->tid()),
                  static_cast<unsigned long long>(tid));
    s->set_subscriber(nullptr);
    cur->subscriptions.fetch_sub(1, std::memory_order_acq_rel);
  }
  cur->drop(s.get());
  cur->wake();
  return ACL_SUCCESS;
}

void forget_stream(const std::shared_ptr<Stream>& s) {
  std::shared_ptr<ReportQueue> cur;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    cur = s->subscriber();
    if (!cur) return;
    s->set_subscriber(nullptr);
    cur->subscriptions.fetch_sub(1, std::memory_order_acq_rel);
  }
  cur->drop(s.get());
  cur->wake();
}

void watch_thread() {
  if (!tl_guard.armed) {
    tl_guard.tid = self_id();
    tl_guard.armed = true;
  }
}

aclError process(int32_t timeout_ms) {
  const uint64_t tid = self_id();
  watch_thread();
  std::shared_ptr<ReportQueue> q;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    auto it = r.queues.find(tid);
    if (it != r.queues.end() && it->second->subscriptions.load() > 0) q = it->second;
  }
  if (!q)
    return fail(ACL_ERROR_RT_THREAD_SUBSCRIBE,
                "thread %llu is not subscribed to any stream (aclrtSubscribeReport first)",
                static_cast<unsigned long long>(tid));
  q->set_os_thread(current_os_thread());  // the caller is that thread, alive
  int n = q->process(timeout_ms);
  if (n > 0) return ACL_SUCCESS;
  if (n == 0)
    return fail_quiet(ACL_ERROR_RT_REPORT_TIMEOUT, "no callback arrived within %d ms",
                      static_cast<int>(timeout_ms));
  return fail_quiet(ACL_ERROR_RT_THREAD_SUBSCRIBE, "thread %llu is no longer subscribed to any stream",
                    static_cast<unsigned long long>(tid));
}

void release_all() {
  std::unordered_map<uint64_t, std::shared_ptr<ReportQueue>> doomed;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    doomed.swap(r.queues);
  }
  for (auto& kv : doomed) {
    kv.second->subscriptions.store(0);
    kv.second->close();
  }
}

}  // namespace report
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtSubscribeReport(uint64_t threadId, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (aclError e = require_init()) return e;
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  return report::subscribe(threadId, s);
} ACL_API_CATCH

aclError aclrtUnSubscribeReport(uint64_t threadId, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  return report::unsubscribe(threadId, s);
} ACL_API_CATCH

aclError aclrtProcessReport(int32_t timeout) ACL_API_TRY {
  ACL_API();
  if (timeout == 0 || timeout < -1)
    return fail(ACL_ERROR_INVALID_PARAM, "timeout must be -1 (wait forever) or > 0 ms, got %d", timeout);
  return report::process(timeout);
} ACL_API_CATCH

aclError aclrtLaunchCallback(aclrtCallback fn, void* userData, aclrtCallbackBlockType blockType,
                             aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (!fn) return fail(ACL_ERROR_INVALID_PARAM, "fn must not be NULL");
  const int bt = static_cast<int>(blockType);
  if (bt != 0 && bt != 1)
    return fail(ACL_ERROR_INVALID_PARAM,
                "blockType must be ACL_CALLBACK_NO_BLOCK or ACL_CALLBACK_BLOCK, got %d", bt);
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  if (!s->subscriber())
    return fail(ACL_ERROR_RT_STREAM_NO_CB_REG,
                "stream %p has no report thread: call aclrtSubscribeReport before aclrtLaunchCallback",
                static_cast<void*>(s.get()));
  if (stream) {
    std::shared_ptr<Stream> checked;
    if (aclError e = stream::resolve(stream, true, checked)) return e;
  }
  Task t;
  t.kind = TaskKind::Callback;
  t.fn = fn;
  t.user = userData;
  t.block = bt == 1;
  return s->enqueue(std::move(t));
} ACL_API_CATCH

}  // extern "C"
