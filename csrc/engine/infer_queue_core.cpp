#include "infer_queue_core.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "errors.h"
#include "host_hooks.h"
#include "resource.h"
#include "resource_limits.h"
#include "selftest_plant.h"
#include "wait.h"

namespace acl_async {

namespace {
// Completions nobody collects for this long get delivered on the report thread.
constexpr int64_t kUnattendedNs = 2'000'000;
// A waiter spins (yielding, host lock released) this long before sleeping on `cv_`,
// but only when requests recently finished within kSpinLatencyNs: then the
// completion is imminent, and on small VMs the futex sleep + cross-CPU wake-up
// costs more than the whole request (P2 on 2 vCPUs: ~30k -> ~59k req/s). Slow
// models (latency above the bound) never spin.
constexpr int64_t kSpinNs = 50'000;
constexpr int64_t kSpinLatencyNs = 200'000;
}  // namespace

struct InferQueueCore::Job {
  InferQueueCore* core = nullptr;
  size_t index = 0;
  std::shared_ptr<Model> model;
  std::shared_ptr<Stream> stream;
  std::shared_ptr<Block> block;
  aclrtStream handle = nullptr;
  uint32_t model_id = 0;
  std::unique_ptr<RequestTag> tag;  // set by start(), taken by the delivery
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

// Marks a thread inside the queue's API: it delivers completed requests itself,
// so the report thread leaves them alone (no host-lock hand-off).
class InferQueueCore::Caller {
 public:
  explicit Caller(InferQueueCore& core) : core_(core) {
    std::lock_guard<std::mutex> lock(core_.mu_);
    ++core_.callers_;
  }
  ~Caller() {
    std::lock_guard<std::mutex> lock(core_.mu_);
    --core_.callers_;
  }
  Caller(const Caller&) = delete;
  Caller& operator=(const Caller&) = delete;

 private:
  InferQueueCore& core_;
};

namespace {
// The queue whose job the calling thread is between taking and queueing.
thread_local const InferQueueCore* tls_starting = nullptr;
}  // namespace

// Marks a thread between taking a job and queueing its work (`mu_` held when
// made): closing waits for it, so nothing is queued on memory being freed.
class InferQueueCore::Starting {
 public:
  explicit Starting(InferQueueCore& core) : core_(core), outer_(tls_starting) {
    ++core_.starting_;
    tls_starting = &core_;
  }
  ~Starting() {
    tls_starting = outer_;
    bool wake;
    {
      std::lock_guard<std::mutex> lock(core_.mu_);
      --core_.starting_;
      wake = core_.closed_;  // only closing waits for it
    }
    if (wake) core_.cv_.notify_all();
  }
  Starting(const Starting&) = delete;
  Starting& operator=(const Starting&) = delete;

 private:
  InferQueueCore& core_;
  const InferQueueCore* outer_;
};

namespace {

// Native completion callback: on the report thread, inside aclrtProcessReport,
// without the host lock. Deliveries run later, outside the ACL callback.
void job_done(void* data) {
  auto* job = static_cast<InferQueueCore::Job*>(data);
  job->core->on_done(*job);
}

}  // namespace

void InferQueueCore::on_done(Job& job) {
  acl_async::selftest::race("ext-race");
  job.end_ns = now_ns();
  {
    std::lock_guard<std::mutex> lock(mu_);
    completed_.push_back(job.index);
    events_.fetch_add(1, std::memory_order_release);
  }
  cv_.notify_all();
  job.stream->callbacks()->finished();
}

InferQueueCore::InferQueueCore(Key, std::shared_ptr<Model> model, std::shared_ptr<InferQueueHost> host)
    : model_(std::move(model)), host_(std::move(host)), spin_latency_ns_(kSpinLatencyNs) {}

InferQueueCore::~InferQueueCore() = default;

std::shared_ptr<InferQueueCore> InferQueueCore::create(std::shared_ptr<Model> model, size_t jobs,
                                                       int32_t poll_ms,
                                                       std::shared_ptr<InferQueueHost> host) {
  run_deferred();
  model->check_open();
  if (!host) throw std::invalid_argument("an InferQueue needs a host");
  if (jobs == 0) throw std::invalid_argument("an InferQueue needs at least 1 job");
  // Each job owns a stream (a thread in the host runtime), plus one report thread.
  check_threads_available("an InferQueue of " + std::to_string(jobs) + " jobs", jobs + 1);
  auto core = std::make_shared<InferQueueCore>(Key{}, model, std::move(host));
  core->context_ = model->context();
  std::weak_ptr<InferQueueCore> weak_core = core;
  core->report_ = ReportThread::create(core->context_, poll_ms, [weak_core] {
    if (auto c = weak_core.lock()) c->run_unattended();
  });
  // One block per job plus as many spare ones, which feed_queue decodes into ahead of start_block().
  core->pool_ = MemoryPool::create(core->context_, model->layout(), 2 * jobs);
  try {
    for (size_t i = 0; i < jobs; ++i) {
      check_interrupt();  // loading many jobs takes a while: Ctrl-C stops it (and closes them)
      auto job = std::make_unique<Job>();
      job->core = core.get();
      job->index = i;
      job->model = model->load_copy();
      job->stream = Stream::create(core->context_);
      core->report_->subscribe(job->stream);
      job->block = core->pool_->try_acquire();
      job->handle = job->stream->raw();
      job->model_id = job->model->id();
      core->jobs_.push_back(std::move(job));
      core->idle_.push_back(i);
    }
  } catch (...) {
    core->close();
    core->finish();
    throw;
  }
  return core;
}

void InferQueueCore::drain(std::unique_lock<std::mutex>& lock) {
  std::thread::id previous = dispatcher_;
  dispatcher_ = std::this_thread::get_id();
  while (!completed_.empty()) {  // also after close(): every accepted request is delivered
    size_t index = completed_.front();
    completed_.pop_front();
    Job& job = *jobs_[index];
    lock.unlock();
    std::function<void()> deliver;
    try {
      deliver = host_->collect(*job.block, std::move(job.tag));
    } catch (...) {
    }
    int64_t start = job.start_ns, end = job.end_ns;
    lock.lock();
    last_latency_ns_ = end - start;
    idle_.push_back(index);  // free before the delivery runs: it may start the next request
    events_.fetch_add(1, std::memory_order_release);
    ++done_;
    if (timing_) {
      timings_.push_back(start);
      timings_.push_back(end);
    }
    lock.unlock();
    cv_.notify_all();
    if (deliver) {
      try {
        deliver();
      } catch (...) {
      }
    }
    deliver = nullptr;  // what it holds is dropped here, in the delivering context
    lock.lock();
    --pending_;
  }
  dispatcher_ = previous;
  lock.unlock();
  cv_.notify_all();
  lock.lock();
}

void InferQueueCore::run_unattended() {
  std::unique_lock<std::mutex> lock(mu_);
  auto attended = [this] { return completed_.empty() || callers_ > 0 || dispatcher_ != std::thread::id(); };
  if (attended()) {
    unattended_since_ = 0;
    return;
  }
  int64_t now = now_ns();
  if (unattended_since_ == 0) unattended_since_ = now;
  if (now - unattended_since_ < kUnattendedNs) {
    // Give a caller the chance to come back and deliver them itself.
    cv_.wait_for(lock, std::chrono::nanoseconds(unattended_since_ + kUnattendedNs - now), attended);
    if (attended()) {
      unattended_since_ = 0;
      return;
    }
  }
  unattended_since_ = 0;
  lock.unlock();
  if (host_->exiting()) return;
  host_->enter(true, [this] {
    std::unique_lock<std::mutex> relock(mu_);
    if (dispatcher_ == std::thread::id()) drain(relock);
  });
}

template <class Pred>
void InferQueueCore::wait_slice(std::unique_lock<std::mutex>& lock, std::optional<int64_t> deadline,
                                Pred pred) {
  bool spin = last_latency_ns_ >= 0 && last_latency_ns_ <= spin_latency_ns_ && !pred();
  ++(spin ? spins_ : sleeps_);
  acl_async::wait_slice(cv_, lock, deadline, pred, [&] {
    if (!spin) return;
    const uint64_t seen = events_.load(std::memory_order_acquire);
    lock.unlock();
    const int64_t spin_until = std::min(slice_end(deadline), now_ns() + kSpinNs);
    while (events_.load(std::memory_order_acquire) == seen && now_ns() < spin_until) {
      std::this_thread::yield();
    }
    lock.lock();
  });
}

size_t InferQueueCore::acquire_slot(std::unique_lock<std::mutex>& lock) {
  while (true) {
    if (closed_) throw ClosedError("InferQueue is closed");
    if (!idle_.empty()) {
      size_t index = idle_.front();
      idle_.pop_front();
      return index;
    }
    if (can_drain()) {
      drain(lock);
      continue;
    }
    if (report_->is_current()) {
      throw UsageError("InferQueue.start_async() in a callback found no idle job: waiting would deadlock");
    }
    wait_slice(lock, std::nullopt, [this] { return closed_ || !idle_.empty() || can_drain(); });
  }
}

void InferQueueCore::start(const std::function<void(Block&)>& write_inputs, std::shared_ptr<Block> filled,
                           std::unique_ptr<RequestTag> tag) {
  if (filled) {
    if (filled->pool() != pool_)
      throw std::invalid_argument("start_block(): the block is not from this InferQueue's pool");
    filled->check_usable("InferQueue.start_block()");
    std::lock_guard<std::mutex> lock(mu_);  // job blocks change under it
    for (const auto& job : jobs_)
      if (job->block == filled) throw std::invalid_argument("start_block(): the block belongs to a job");
  }
  run_deferred();
  Caller caller(*this);
  std::unique_lock<std::mutex> lock(mu_);
  if (can_drain()) drain(lock);  // deliveries of finished requests first, here
  size_t index = acquire_slot(lock);
  Starting starting(*this);  // closing waits until this request is queued (or given back)
  lock.unlock();
  Job& job = *jobs_[index];
  auto give_back = [&] {
    job.tag.reset();
    if (filled) pool_->give_back_quietly(*filled);  // not started: the caller's block goes back too
    std::lock_guard<std::mutex> relock(mu_);
    idle_.push_front(index);
  };
  try {
    host_->check_start();  // an earlier callback failed: report it, start nothing
  } catch (...) {
    tag.reset();
    give_back();
    throw;
  }
  bool counted = false;
  try {
    if (filled) {
      // The inputs were written in place: the job executes that block, its own one goes to the pool.
      std::shared_ptr<Block> own;
      {
        std::lock_guard<std::mutex> relock(mu_);
        own = std::exchange(job.block, filled);
      }
      filled.reset();
      pool_->give_back_quietly(*own);
    } else {
      write_inputs(*job.block);
    }
    job.tag = std::move(tag);
    context_->activate();
    job.start_ns = now_ns();
    {
      std::lock_guard<std::mutex> relock(mu_);
      ++pending_;
      counted = true;
    }
    acl_async::selftest::race("ext-race");
    job.block->enqueue(job.model_id, job.stream);
    CallbackTracker& tracker = *job.stream->callbacks();  // closing the report thread waits for it
    tracker.launched();
    aclError ret = aclrtLaunchCallback(job_done, &job, ACL_CALLBACK_NO_BLOCK, job.handle);
    if (ret != ACL_SUCCESS) {
      tracker.finished();
      raise_acl(ret, "aclrtLaunchCallback");
    }
  } catch (...) {
    if (counted) {
      std::lock_guard<std::mutex> relock(mu_);
      --pending_;
    }
    give_back();
    cv_.notify_all();
    throw;
  }
}

void InferQueueCore::wait_all(std::optional<double> timeout_s) {
  run_deferred();
  std::optional<int64_t> deadline = deadline_after(timeout_s);
  Caller caller(*this);
  std::unique_lock<std::mutex> lock(mu_);
  if (report_->is_current() || dispatcher_ == std::this_thread::get_id()) {
    throw UsageError("InferQueue.wait_all() cannot be called from its own callback");
  }
  while (pending_ > 0) {
    if (closed_) throw ClosedError("InferQueue is closed");
    if (can_drain()) {
      drain(lock);
      continue;
    }
    if (deadline && now_ns() >= *deadline) {
      throw WaitTimeout("InferQueue.wait_all(): " + std::to_string(pending_) +
                        " request(s) still running after " + std::to_string(*timeout_s) + " s");
    }
    wait_slice(lock, deadline, [this] { return closed_ || pending_ == 0 || can_drain(); });
  }
  if (closed_) throw ClosedError("InferQueue is closed");
}

bool InferQueueCore::is_ready() {
  Caller caller(*this);
  std::unique_lock<std::mutex> lock(mu_);
  if (can_drain()) drain(lock);
  return !idle_.empty();
}

size_t InferQueueCore::get_idle_request_id() {
  run_deferred();
  Caller caller(*this);
  std::unique_lock<std::mutex> lock(mu_);
  size_t index = acquire_slot(lock);
  idle_.push_front(index);  // only looked at: start() takes it
  return index;
}

void InferQueueCore::for_each_tag(const std::function<void(const RequestTag*)>& fn) const {
  for (const auto& job : jobs_) fn(job->tag.get());
}

size_t InferQueueCore::completed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return done_;
}

size_t InferQueueCore::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_;
}

bool InferQueueCore::timing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timing_;
}

void InferQueueCore::set_timing(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  timing_ = on;
}

std::vector<int64_t> InferQueueCore::pop_timings() {
  std::vector<int64_t> timings;
  std::lock_guard<std::mutex> lock(mu_);
  timings.swap(timings_);
  return timings;
}

std::pair<uint64_t, uint64_t> InferQueueCore::wait_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {spins_, sleeps_};
}

void InferQueueCore::set_spin_latency(int64_t ns) {
  std::lock_guard<std::mutex> lock(mu_);
  spin_latency_ns_ = ns;
}

bool InferQueueCore::in_callback() const {
  if (report_->is_current()) return true;
  std::lock_guard<std::mutex> lock(mu_);
  return dispatcher_ == std::this_thread::get_id();
}

void InferQueueCore::finish_accepted(std::unique_lock<std::mutex>& lock) {
  // Threads queueing work finish first (this one, if it is one of them, cannot).
  const size_t self = tls_starting == this ? 1 : 0;
  wait_quietly(cv_, lock, [&] { return starting_ <= self; }, [] { return false; });
  // The device work, completions included (recorded by the report thread, which
  // may be closed already, its stop deferred behind this), then the report thread.
  lock.unlock();
  for (auto& job : jobs_) job->stream->drain_quietly();
  report_->close();
  lock.lock();
  // The delivery of every completed request: here, or on the thread running them now.
  if (host_->exiting()) return;
  while (!completed_.empty()) {
    if (can_drain()) {
      drain(lock);
      continue;
    }
    wait_quietly(cv_, lock, [&] { return completed_.empty() || can_drain(); }, [] { return false; });
  }
}

void InferQueueCore::close() noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;  // start() refuses new requests from here on
  }
  cv_.notify_all();
}

void InferQueueCore::finish() noexcept {
  // Every accepted request completes: its work runs, then its delivery.
  if (!host_->exiting()) {
    try {
      host_->enter(false, [this] {
        std::unique_lock<std::mutex> lock(mu_);
        finish_accepted(lock);
      });
    } catch (...) {
    }
  }
  if (report_) report_->close();
  // Nothing refers to the jobs any more.
  for (auto& job : jobs_) job->tag.reset();
  if (pool_) pool_->close();
  for (auto& job : jobs_) {
    job->stream->close();
    job->model->close();
  }
}

}  // namespace acl_async
