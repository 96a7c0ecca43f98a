// The helper thread of helper.h: started on first use, stopped and joined at unload. Like a
// stream's worker it spins briefly before sleeping when work came in short gaps (IdleSpin); and
// a half it has not started by the time the caller is done with its own is taken back, so a
// helper that gets no CPU (a loaded machine) costs the caller nothing but a lock.
#include "helper.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "detail/idle_spin.h"

namespace acl_dvpp {
namespace {

class Helper {
 public:
  Helper() : usable_(std::thread::hardware_concurrency() > 1) {}
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
      posted_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Hands `job` to the helper; false (nothing handed over) when it is busy or unavailable.
  bool offer(const std::function<void()>* job) {
    bool wake;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!usable_ || stop_ || job_ || running_ || done_) return false;
      if (!thread_.joinable()) {
        try {
          thread_ = std::thread([this] { loop(); });
        } catch (...) {  // no thread: the caller runs both halves
          usable_ = false;
          return false;
        }
      }
      job_ = job;
      posted_.fetch_add(1, std::memory_order_release);
      wake = sleeping_;
    }
    if (wake) cv_.notify_all();
    return true;
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
    acl_host::IdleSpin spin;
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      while (!job_ && !stop_) {
        if (spin.begin()) {
          const uint64_t seen = posted_.load(std::memory_order_acquire);
          lock.unlock();
          spin.spin([&] { return posted_.load(std::memory_order_acquire) == seen; });
          lock.lock();
          continue;
        }
        sleeping_ = true;
        cv_.wait(lock);
        sleeping_ = false;
      }
      spin.end();
      if (!job_) return;  // stopped
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
  std::thread thread_;
};

Helper& helper() {
  static Helper h;
  return h;
}

}  // namespace

void run_both(const std::function<void()>& first, const std::function<void()>& second) {
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
