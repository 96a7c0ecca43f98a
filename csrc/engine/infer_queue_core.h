// InferQueueCore: the engine part of InferQueue (OpenVINO AsyncInferQueue semantics, valid on a
// real NPU), plain C++. Each job owns a stream, its own load of the model (a model id may not run
// on two streams at once) and one pool block. start() takes an idle job (waiting while none is:
// back-pressure), writes its inputs, queues copies + execution + a native completion callback;
// completions are recorded on the report thread. The user's callbacks (InferQueueHost::collect)
// run in completion order on whichever thread is waiting in start()/wait_all(), or on the report
// thread when nobody waits for a while. close() refuses new requests; finish() lets every accepted
// one complete (its work, then its callback) and frees the jobs.
//
// The binding (csrc/bindings/infer_queue.cpp) adds the Python parts through InferQueueHost:
// numpy outputs, the Python callback and its errors, the GIL.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "context.h"
#include "memory_pool.h"
#include "model.h"
#include "report_thread.h"
#include "stream.h"

namespace acl_async {

// What the owner attaches to a request (the binding: its Python userdata).
struct RequestTag {
  virtual ~RequestTag() = default;
};

// What the owner adds to the queue: how a completed request is delivered.
class InferQueueHost {
 public:
  virtual ~InferQueueHost() = default;
  // A request finished on the device: read its outputs from `block` (reused once the job is idle
  // again) and return the delivery, run right after the job became idle (may be empty). Both run
  // where callbacks run (see enter()) and must keep their own errors (what they throw is dropped).
  virtual std::function<void()> collect(Block& block, std::unique_ptr<RequestTag> tag) = 0;
  // Called by start() once it holds a job: throws to refuse the request (an earlier callback's error).
  virtual void check_start() {}
  // Runs `fn` (which delivers completed requests) on this thread: on the report thread
  // (`report_thread`) or in finish(). The binding takes the GIL; it skips `fn` when exiting().
  virtual void enter(bool report_thread, const std::function<void()>& fn) {
    (void)report_thread;
    fn();
  }
  // The host is going away (interpreter exit): no more deliveries.
  virtual bool exiting() const noexcept { return false; }
};

class InferQueueCore : public std::enable_shared_from_this<InferQueueCore> {
  struct Key {
    explicit Key() = default;
  };

 public:
  struct Job;
  InferQueueCore(Key, std::shared_ptr<Model> model, std::shared_ptr<InferQueueHost> host);
  ~InferQueueCore();
  // `jobs` loads of `model`; a pool of 2 * jobs blocks (one per job, as many spare ones).
  static std::shared_ptr<InferQueueCore> create(std::shared_ptr<Model> model, size_t jobs, int32_t poll_ms,
                                                std::shared_ptr<InferQueueHost> host);

  // Starts one request on an idle job, waiting (host lock released) while none is idle.
  // `filled` (a block of pool(), inputs written in place) becomes the job's block; otherwise
  // `write_inputs(block)` writes them into the job's own block. Not started, `filled` goes back.
  void start(const std::function<void(Block&)>& write_inputs, std::shared_ptr<Block> filled,
             std::unique_ptr<RequestTag> tag);
  // Until every started request finished and was delivered; WaitTimeout after `timeout_s`.
  void wait_all(std::optional<double> timeout_s);
  bool is_ready();
  size_t get_idle_request_id();
  // No new requests from here on (start() raises ClosedError); wakes the waiters.
  void close() noexcept;
  // After close(): every accepted request completes (work, then delivery), then the jobs are freed.
  void finish() noexcept;

  const std::shared_ptr<MemoryPool>& pool() const noexcept { return pool_; }
  const std::shared_ptr<Model>& model() const noexcept { return model_; }
  const std::shared_ptr<InferQueueHost>& host() const noexcept { return host_; }
  size_t size() const noexcept { return jobs_.size(); }
  // Each job's current tag (nullptr: none); the owner serialises it with start() and deliveries.
  void for_each_tag(const std::function<void(const RequestTag*)>& fn) const;
  size_t completed() const;
  size_t in_flight() const;
  bool timing() const;
  void set_timing(bool on);
  // (start, end) steady-clock ns pairs of the delivered requests since the last call.
  std::vector<int64_t> pop_timings();
  bool in_callback() const;
  // The idle-spin heuristic (tests): counts of waits that spun / slept at once, and its bound.
  std::pair<uint64_t, uint64_t> wait_stats() const;
  void set_spin_latency(int64_t ns);

  // Internal (the completion callback and the report thread).
  void on_done(Job& job);
  void run_unattended();

 private:
  class Caller;
  class Starting;
  void drain(std::unique_lock<std::mutex>& lock);
  template <class Pred>
  void wait_slice(std::unique_lock<std::mutex>& lock, std::optional<int64_t> deadline, Pred pred);
  void finish_accepted(std::unique_lock<std::mutex>& lock);
  bool can_drain() const {
    return !completed_.empty() &&
           (dispatcher_ == std::thread::id() || dispatcher_ == std::this_thread::get_id());
  }
  size_t acquire_slot(std::unique_lock<std::mutex>& lock);

  std::shared_ptr<Model> model_;
  std::shared_ptr<InferQueueHost> host_;
  std::shared_ptr<Context> context_;
  std::shared_ptr<ReportThread> report_;
  std::shared_ptr<MemoryPool> pool_;
  std::vector<std::unique_ptr<Job>> jobs_;

  // Everything below is guarded by `mu_`, whose holders never take the host lock.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<size_t> idle_;
  std::deque<size_t> completed_;  // finished on the device, not delivered yet
  size_t pending_ = 0;            // started, delivery not finished
  size_t starting_ = 0;           // threads between taking a job and queueing its work
  size_t callers_ = 0;            // threads inside start/wait_all/is_ready (they drain)
  int64_t unattended_since_ = 0;  // first time the report thread saw completions nobody collects
  std::thread::id dispatcher_;    // thread running deliveries (none: default id)
  bool closed_ = false;
  size_t done_ = 0;
  // Bumped (under `mu_`) whenever a job completes or becomes idle: lets a waiter
  // spin briefly on it without taking `mu_`.
  std::atomic<uint64_t> events_{0};
  int64_t last_latency_ns_ = -1;  // start to device completion of the last collected request (-1: none)
  int64_t spin_latency_ns_;       // waiters spin only after requests this fast
  uint64_t spins_ = 0;            // waits that spun before sleeping
  uint64_t sleeps_ = 0;           // waits that slept at once
  bool timing_ = false;
  std::vector<int64_t> timings_;  // start, end pairs (steady clock ns)
};

}  // namespace acl_async
