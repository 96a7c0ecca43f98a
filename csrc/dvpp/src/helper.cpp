// The helper thread of helper.h: started on first use, stopped and joined at unload.
// Handing work to a sleeping thread is a gamble on a busy machine: the wake-up can take
// milliseconds when the other CPUs are taken, and the caller would wait for it. So a sleeping
// helper gets no work: the caller runs both halves and only wakes it, and the helper then stays
// awake (yielding) for kHot, long enough for the next picture of a stream of them. A half the
// helper has not started by the time the caller is done with its own is taken back.
#include "helper.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include <pthread.h>

namespace acl_dvpp {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::microseconds kHot{300};

// A fork()ed child has no helper thread (and its lock may have been held at the fork): there the
// callers run both halves, and the parent's thread object is let go without a join.
std::atomic<bool> g_forked{false};
struct AtFork {
  AtFork() { ::pthread_atfork(nullptr, nullptr, [] { g_forked.store(true, std::memory_order_relaxed); }); }
} g_at_fork;

class Helper {
 public:
  Helper() : usable_(std::thread::hardware_concurrency() > 1) {}
  ~Helper() {
    if (g_forked.load(std::memory_order_relaxed)) {
      static_cast<void>(thread_.release());  // the parent's thread, and perhaps its held lock
      return;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
      posted_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    if (thread_) thread_->join();
  }

  // Hands `job` to the helper; false (nothing handed over) when it is busy or unavailable.
  bool offer(const std::function<void()>* job) {
    bool wake;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!usable_ || stop_ || job_ || running_ || done_) return false;
      if (!thread_) {
        try {
          sleeping_ = true;  // until it runs: the caller keeps this call's work
          thread_ = std::make_unique<std::thread>([this] { loop(); });
        } catch (...) {  // no thread: the caller runs both halves
          usable_ = false;
          return false;
        }
      }
      wake = sleeping_;
      if (!wake) {
        job_ = job;
        posted_.fetch_add(1, std::memory_order_release);
      }
    }
    if (wake) cv_.notify_all();  // for the next call: this one runs on the caller
    return !wake;
  }

  // After the caller's own half: true when the helper ran (or is running) the job, and has now
  // finished it; false when it had not started, and the caller runs it instead.
  bool collect() {
    std::unique_lock<std::mutex> lock(m_);
    if (job_) {
      job_ = nullptr;
      return false;
    }
    cv_.wait(lock, [this] { return done_; });
    done_ = false;
    return true;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(m_);
    sleeping_ = false;
    for (;;) {
      // Awake (a job done, or woken): stay so for kHot, then sleep.
      const auto until = Clock::now() + kHot;
      while (!job_ && !stop_) {
        if (Clock::now() < until) {
          const uint64_t seen = posted_.load(std::memory_order_acquire);
          lock.unlock();
          while (posted_.load(std::memory_order_acquire) == seen && Clock::now() < until) std::this_thread::yield();
          lock.lock();
          continue;
        }
        sleeping_ = true;
        cv_.wait(lock);
        sleeping_ = false;
        break;  // woken: a new kHot period
      }
      if (stop_) return;
      if (!job_) continue;
      const std::function<void()>* job = job_;
      job_ = nullptr;
      running_ = true;
      lock.unlock();
      (*job)();  // the halves throw nothing: they only call libyuv
      lock.lock();
      running_ = false;
      done_ = true;
      cv_.notify_all();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::atomic<uint64_t> posted_{0};             // bumped by each offer (the helper's spin watches it)
  const std::function<void()>* job_ = nullptr;  // offered, not yet taken
  bool running_ = false;                        // taken, running on the helper
  bool done_ = false;                           // finished, not yet collected
  bool sleeping_ = false;
  bool stop_ = false;
  bool usable_;
  std::unique_ptr<std::thread> thread_;
};

Helper& helper() {
  static Helper h;
  return h;
}

}  // namespace

void run_both(const std::function<void()>& first, const std::function<void()>& second) {
  if (g_forked.load(std::memory_order_relaxed)) {
    first();
    second();
    return;
  }
  Helper& h = helper();
  if (!h.offer(&second)) {
    first();
    second();
    return;
  }
  first();
  if (!h.collect()) second();
}

}  // namespace acl_dvpp
