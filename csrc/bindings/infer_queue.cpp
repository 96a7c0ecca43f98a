#include "infer_queue.h"
#include "selftest_plant.h"

#include <utility>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bindings.h"
#include "errors.h"
#include "block_io.h"
#include "wait.h"
#include "resource_limits.h"
#include "pyutil.h"
#include "report_thread.h"

namespace acl_async {

namespace {
// Completions nobody collects for this long get their callbacks run on the report thread.
constexpr int64_t kUnattendedNs = 2'000'000;
// A waiter spins (yielding, GIL released) this long before sleeping on `cv`,
// but only when requests recently finished within kSpinLatencyNs: then the
// completion is imminent, and on small VMs the futex sleep + cross-CPU wake-up
// costs more than the whole request (P2 on 2 vCPUs: ~30k -> ~59k req/s). Slow
// models (latency above the bound) never spin.
constexpr int64_t kSpinNs = 50'000;
constexpr int64_t kSpinLatencyNs = 200'000;
}  // namespace

struct InferQueue::Core {
  struct Job {
    Core* core = nullptr;
    size_t index = 0;
    std::shared_ptr<Model> model;
    std::shared_ptr<Stream> stream;
    std::shared_ptr<Block> block;
    aclrtStream handle = nullptr;
    uint32_t model_id = 0;
    SafeObject userdata;  // set and taken with the GIL
    int64_t start_ns = 0;
    int64_t end_ns = 0;
  };

  std::shared_ptr<Context> context;
  std::shared_ptr<ReportThread> report;
  std::shared_ptr<MemoryPool> pool;
  std::vector<std::unique_ptr<Job>> jobs;

  // Everything below is guarded by `mu`, whose holders never take the GIL.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<size_t> idle;
  std::deque<size_t> completed;  // finished on the device, Python callback not run yet
  size_t pending = 0;            // started, Python callback not finished
  size_t starting = 0;           // threads between taking a job and queueing its work
  size_t callers = 0;            // threads inside start_async/wait_all/is_ready (they drain)
  int64_t unattended_since = 0;  // first time the report thread saw completions nobody collects
  std::thread::id dispatcher;    // thread running Python callbacks (none: default id)
  bool closed = false;
  size_t done = 0;
  // Bumped (under `mu`) whenever a job completes or becomes idle: lets a waiter
  // spin briefly on it without taking `mu`.
  std::atomic<uint64_t> events{0};
  int64_t last_latency_ns = -1;  // start to device completion of the last collected request (-1: none yet)
  int64_t spin_latency_ns = kSpinLatencyNs;  // waiters spin only after requests this fast
  uint64_t spins = 0;                        // waits that spun before sleeping
  uint64_t sleeps = 0;                       // waits that slept at once
  bool timing = false;
  std::vector<int64_t> timings;  // start, end pairs (steady clock ns)

  SafeObject callback;  // read and written with the GIL
  PendingErrors errors;

  // Runs the Python callbacks of completed jobs, oldest first. GIL held, `lock` held.
  void drain(std::unique_lock<std::mutex>& lock);
  // Waits one slice with the GIL released (lock held on entry and exit),
  // spinning first when the last request was fast.
  template <class Pred>
  void wait_slice(std::unique_lock<std::mutex>& lock, std::optional<int64_t> deadline, Pred pred);
  // Teardown: waits for the threads queueing work, then for the device work,
  // then runs every remaining Python callback. GIL held.
  void finish_accepted(std::unique_lock<std::mutex>& lock);
  bool can_drain() const {
    return !completed.empty() &&
           (dispatcher == std::thread::id() || dispatcher == std::this_thread::get_id());
  }
  size_t acquire_slot(std::unique_lock<std::mutex>& lock);
  // On the report thread after each aclrtProcessReport: runs the Python
  // callbacks of completed jobs that no Python thread collected for a while.
  void run_unattended();
};

namespace {

// Marks a Python thread inside the queue's API: it runs completed callbacks
// itself, so the report thread leaves them alone (no GIL hand-off).
class Caller {
 public:
  explicit Caller(InferQueue::Core& core) : core_(core) {
    std::lock_guard<std::mutex> lock(core_.mu);
    ++core_.callers;
  }
  ~Caller() {
    std::lock_guard<std::mutex> lock(core_.mu);
    --core_.callers;
  }
  Caller(const Caller&) = delete;
  Caller& operator=(const Caller&) = delete;

 private:
  InferQueue::Core& core_;
};

// Marks a thread between taking a job and queueing its work (`mu` held when
// made): closing waits for it, so nothing is queued on memory being freed.
thread_local const InferQueue::Core* tls_starting = nullptr;

class Starting {
 public:
  explicit Starting(InferQueue::Core& core) : core_(core), outer_(tls_starting) {
    ++core_.starting;
    tls_starting = &core_;
  }
  ~Starting() {
    tls_starting = outer_;
    bool wake;
    {
      std::lock_guard<std::mutex> lock(core_.mu);
      --core_.starting;
      wake = core_.closed;  // only closing waits for it
    }
    if (wake) core_.cv.notify_all();
  }
  Starting(const Starting&) = delete;
  Starting& operator=(const Starting&) = delete;

 private:
  InferQueue::Core& core_;
  const InferQueue::Core* outer_;
};

}  // namespace

namespace {

// Native completion callback: on the report thread, inside aclrtProcessReport,
// without the GIL. Python runs later, outside the ACL callback.
void job_done(void* data) {
  auto* job = static_cast<InferQueue::Core::Job*>(data);
  InferQueue::Core* core = job->core;
  acl_async::selftest::race("ext-race");
  job->end_ns = now_ns();
  {
    std::lock_guard<std::mutex> lock(core->mu);
    core->completed.push_back(job->index);
    core->events.fetch_add(1, std::memory_order_release);
  }
  core->cv.notify_all();
  job->stream->callbacks()->finished();
}

}  // namespace

void InferQueue::Core::drain(std::unique_lock<std::mutex>& lock) {
  std::thread::id previous = dispatcher;
  dispatcher = std::this_thread::get_id();
  lock.unlock();
  py::object cb = callback.get();
  lock.lock();
  while (!completed.empty()) {  // also after close(): every accepted request gets its callback
    size_t index = completed.front();
    completed.pop_front();
    Job& job = *jobs[index];
    lock.unlock();
    py::object outputs;
    bool call = !cb.is_none();
    if (call) {
      try {
        outputs = block_copy_outputs(*job.block);
      } catch (py::error_already_set& e) {
        errors.add(e);
        call = false;
      } catch (const std::exception& e) {
        errors.add_message(e.what());
        call = false;
      }
    }
    py::object userdata = job.userdata.take();
    int64_t start = job.start_ns, end = job.end_ns;
    lock.lock();
    last_latency_ns = end - start;
    idle.push_back(index);  // free before the callback runs: it may start the next request
    events.fetch_add(1, std::memory_order_release);
    ++done;
    if (timing) {
      timings.push_back(start);
      timings.push_back(end);
    }
    lock.unlock();
    cv.notify_all();
    if (call) {
      try {
        cb(std::move(outputs), std::move(userdata));
      } catch (py::error_already_set& e) {
        errors.add(e);
      }
    }
    outputs = py::object();
    userdata = py::object();
    lock.lock();
    --pending;
  }
  dispatcher = previous;
  lock.unlock();
  cv.notify_all();
  lock.lock();
}

void InferQueue::Core::run_unattended() {
  std::unique_lock<std::mutex> lock(mu);
  auto attended = [this] { return completed.empty() || callers > 0 || dispatcher != std::thread::id(); };
  if (attended()) {
    unattended_since = 0;
    return;
  }
  int64_t now = now_ns();
  if (unattended_since == 0) unattended_since = now;
  if (now - unattended_since < kUnattendedNs) {
    // Give a Python thread the chance to come back and run them itself.
    cv.wait_for(lock, std::chrono::nanoseconds(unattended_since + kUnattendedNs - now), attended);
    if (attended()) {
      unattended_since = 0;
      return;
    }
  }
  unattended_since = 0;
  lock.unlock();
  if (common::interpreter_exiting()) return;
  ReportThreadGil gil;
  lock.lock();
  if (dispatcher == std::thread::id()) drain(lock);
}

template <class Pred>
void InferQueue::Core::wait_slice(std::unique_lock<std::mutex>& lock, std::optional<int64_t> deadline,
                                  Pred pred) {
  bool spin = last_latency_ns >= 0 && last_latency_ns <= spin_latency_ns && !pred();
  ++(spin ? spins : sleeps);
  acl_async::wait_slice(cv, lock, deadline, pred, [&] {
    if (!spin) return;
    const uint64_t seen = events.load(std::memory_order_acquire);
    lock.unlock();
    const int64_t spin_until = std::min(slice_end(deadline), now_ns() + kSpinNs);
    while (events.load(std::memory_order_acquire) == seen && now_ns() < spin_until) std::this_thread::yield();
    lock.lock();
  });
}

size_t InferQueue::Core::acquire_slot(std::unique_lock<std::mutex>& lock) {
  while (true) {
    if (closed) throw ClosedError("InferQueue is closed");
    if (!idle.empty()) {
      size_t index = idle.front();
      idle.pop_front();
      return index;
    }
    if (can_drain()) {
      drain(lock);
      continue;
    }
    if (report->is_current()) {
      throw UsageError("InferQueue.start_async() in a callback found no idle job: waiting would deadlock");
    }
    wait_slice(lock, std::nullopt, [this] { return closed || !idle.empty() || can_drain(); });
  }
}

InferQueue::InferQueue(Key, std::shared_ptr<Model> model, std::shared_ptr<Core> core) noexcept
    : Resource("InferQueue"), model_(std::move(model)), core_(std::move(core)) {}

std::shared_ptr<InferQueue> InferQueue::create(std::shared_ptr<Model> model, size_t jobs, int32_t poll_ms) {
  run_deferred();
  model->check_open();
  if (jobs == 0) throw std::invalid_argument("an InferQueue needs at least 1 job");
  // Each job owns a stream (a thread in the host runtime), plus one report thread.
  check_threads_available("an InferQueue of " + std::to_string(jobs) + " jobs", jobs + 1);
  auto core = std::make_shared<Core>();
  core->context = model->context();
  std::weak_ptr<Core> weak_core = core;
  core->report = ReportThread::create(core->context, poll_ms, [weak_core] {
    if (auto c = weak_core.lock()) c->run_unattended();
  });
  // One block per job plus as many spare ones, which feed_queue decodes into ahead of start_block().
  core->pool = MemoryPool::create(core->context, model->layout(), 2 * jobs);
  auto queue = std::make_shared<InferQueue>(Key{}, model, core);  // closes the parts above if a load fails
  for (size_t i = 0; i < jobs; ++i) {
    check_interrupt();  // loading many jobs takes a while: Ctrl-C stops it (and closes them)
    auto job = std::make_unique<Core::Job>();
    job->core = core.get();
    job->index = i;
    job->model = model->load_copy();
    job->stream = Stream::create(core->context);
    core->report->subscribe(job->stream);
    job->block = core->pool->try_acquire();
    job->handle = job->stream->raw();
    job->model_id = job->model->id();
    core->jobs.push_back(std::move(job));
    core->idle.push_back(i);
  }
  core->context->add_child(queue);
  model->add_child(queue);  // closing the model closes the queues made from it first
  return queue;
}

void InferQueue::start_async(py::handle inputs, py::object userdata) {
  start(inputs, nullptr, std::move(userdata));
}

void InferQueue::start_block(const std::shared_ptr<Block>& block, py::object userdata) {
  if (!block) throw py::type_error("start_block() needs a Block");
  if (block->pool() != core_->pool)
    throw std::invalid_argument("start_block(): the block is not from this InferQueue's pool");
  block->check_usable("InferQueue.start_block()");
  {
    std::lock_guard<std::mutex> lock(core_->mu);  // job blocks change under it
    for (const auto& job : core_->jobs)
      if (job->block == block) throw std::invalid_argument("start_block(): the block belongs to a job");
  }
  start(py::none(), block, std::move(userdata));
}

void InferQueue::start(py::handle inputs, std::shared_ptr<Block> filled, py::object userdata) {
  run_deferred();
  Core& core = *core_;
  Caller caller(core);
  std::unique_lock<std::mutex> lock(core.mu);
  if (core.can_drain()) core.drain(lock);  // callbacks of finished requests first, here
  size_t index = core.acquire_slot(lock);
  Starting starting(core);  // closing waits until this request is queued (or given back)
  lock.unlock();
  Core::Job& job = *core.jobs[index];
  auto give_back = [&] {
    job.userdata.reset();
    if (filled) core.pool->give_back_quietly(*filled);  // not started: the caller's block goes back too
    std::lock_guard<std::mutex> relock(core.mu);
    core.idle.push_front(index);
  };
  if (!core.errors.empty()) {  // a callback failed since the last call: report it, start nothing
    give_back();
    core.errors.raise_if_any();
  }
  bool counted = false;
  try {
    if (filled) {
      // The inputs were written in place: the job executes that block, its own one goes to the pool.
      std::shared_ptr<Block> own;
      {
        std::lock_guard<std::mutex> relock(core.mu);
        own = std::exchange(job.block, filled);
      }
      filled.reset();
      core.pool->give_back_quietly(*own);
    } else {
      block_set_inputs(*job.block, inputs);
    }
    job.userdata = SafeObject(std::move(userdata));
    core.context->activate();
    job.start_ns = now_ns();
    {
      std::lock_guard<std::mutex> relock(core.mu);
      ++core.pending;
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
      std::lock_guard<std::mutex> relock(core.mu);
      --core.pending;
    }
    give_back();
    core.cv.notify_all();
    throw;
  }
}

void InferQueue::set_callback(py::object callback) {
  check_open();
  if (!callback.is_none() && !PyCallable_Check(callback.ptr())) {
    throw py::type_error("callback must be callable or None, got " +
                         std::string(Py_TYPE(callback.ptr())->tp_name));
  }
  core_->callback = SafeObject(std::move(callback));
}

py::object InferQueue::callback() const { return core_->callback.get(); }

void InferQueue::wait_all(std::optional<double> timeout_s) {
  run_deferred();
  Core& core = *core_;
  std::optional<int64_t> deadline = deadline_after(timeout_s);
  Caller caller(core);
  std::unique_lock<std::mutex> lock(core.mu);
  if (core.report->is_current() || core.dispatcher == std::this_thread::get_id()) {
    throw UsageError("InferQueue.wait_all() cannot be called from its own callback");
  }
  while (core.pending > 0) {
    if (core.closed) throw ClosedError("InferQueue is closed");
    if (core.can_drain()) {
      core.drain(lock);
      continue;
    }
    if (deadline && now_ns() >= *deadline) {
      throw WaitTimeout("InferQueue.wait_all(): " + std::to_string(core.pending) +
                        " request(s) still running after " + std::to_string(*timeout_s) + " s");
    }
    core.wait_slice(lock, deadline, [&core] { return core.closed || core.pending == 0 || core.can_drain(); });
  }
  if (core.closed) throw ClosedError("InferQueue is closed");
  lock.unlock();
  core.errors.raise_if_any();
}

bool InferQueue::is_ready() {
  check_open();
  Core& core = *core_;
  Caller caller(core);
  std::unique_lock<std::mutex> lock(core.mu);
  if (core.can_drain()) core.drain(lock);
  return !core.idle.empty();
}

size_t InferQueue::get_idle_request_id() {
  run_deferred();
  Core& core = *core_;
  Caller caller(core);
  std::unique_lock<std::mutex> lock(core.mu);
  size_t index = core.acquire_slot(lock);
  core.idle.push_front(index);  // only looked at: start_async takes it
  return index;
}

std::shared_ptr<MemoryPool> InferQueue::pool() const { return core_->pool; }

size_t InferQueue::size() const noexcept { return core_->jobs.size(); }

py::list InferQueue::userdata() const {
  py::list result;
  for (const auto& job : core_->jobs) result.append(job->userdata.get());
  return result;
}

size_t InferQueue::completed() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->done;
}

size_t InferQueue::in_flight() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->pending;
}

bool InferQueue::timing() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return core_->timing;
}

void InferQueue::set_timing(bool on) {
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->timing = on;
}

py::array InferQueue::pop_timings() {
  std::vector<int64_t> timings;
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    timings.swap(core_->timings);
  }
  py::array_t<int64_t> result({static_cast<py::ssize_t>(timings.size() / 2), static_cast<py::ssize_t>(2)});
  if (!timings.empty()) std::memcpy(result.mutable_data(), timings.data(), timings.size() * sizeof(int64_t));
  return std::move(result);
}

void InferQueue::Core::finish_accepted(std::unique_lock<std::mutex>& lock) {
  // Threads queueing work finish first (this one, if it is one of them, cannot).
  const size_t self = tls_starting == this ? 1 : 0;
  wait_quietly(cv, lock, [&] { return starting <= self; }, [] { return false; });
  // The device work, completions included (recorded by the report thread, which
  // may be closed already, its stop deferred behind this), then the report thread.
  lock.unlock();
  for (auto& job : jobs) job->stream->drain_quietly();
  report->close();
  lock.lock();
  // The Python callback of every completed request: here, or on the thread running them now.
  if (common::interpreter_exiting()) return;
  while (!completed.empty()) {
    if (can_drain()) {
      drain(lock);
      continue;
    }
    wait_quietly(cv, lock, [&] { return completed.empty() || can_drain(); }, [] { return false; });
  }
}

std::pair<uint64_t, uint64_t> InferQueue::wait_stats() const {
  std::lock_guard<std::mutex> lock(core_->mu);
  return {core_->spins, core_->sleeps};
}

void InferQueue::set_spin_latency(int64_t ns) {
  std::lock_guard<std::mutex> lock(core_->mu);
  core_->spin_latency_ns = ns;
}

bool InferQueue::in_callback() const {
  const Core& core = *core_;
  if (core.report->is_current()) return true;
  std::lock_guard<std::mutex> lock(core_->mu);
  return core.dispatcher == std::this_thread::get_id();
}

void InferQueue::release() noexcept {
  std::shared_ptr<Core> core = core_;
  {
    std::lock_guard<std::mutex> lock(core->mu);
    core->closed = true;  // start_async refuses new requests from here on
  }
  core->cv.notify_all();
  run_or_defer([core] {
    // Every accepted request completes: its work runs, then its callback.
    if (!common::interpreter_exiting()) {
      std::optional<py::gil_scoped_acquire> gil;
      if (!PyGILState_Check()) gil.emplace();
      std::unique_lock<std::mutex> lock(core->mu);
      try {
        core->finish_accepted(lock);
      } catch (...) {
      }
    } else {
      core->report->close();
    }
    // Nothing refers to the jobs any more.
    for (auto& job : core->jobs) job->userdata.reset();
    core->pool->close();
    for (auto& job : core->jobs) {
      job->stream->close();
      job->model->close();
    }
    core->callback.reset();
    core->errors.clear();
  });
}

void regclass_InferQueue(py::module_& m) {
  py::class_<InferQueue, std::shared_ptr<InferQueue>> cls(m, "InferQueue", R"doc(
``jobs`` parallel requests on ``model`` (each with its own stream, model load
and block), with OpenVINO AsyncInferQueue semantics. acl_async.InferQueue
(a subclass) also accepts jobs=0: the device's suggested number.
)doc");
  cls.def(py::init(&InferQueue::create), py::arg("model"), py::arg("jobs"), py::arg("poll_ms") = 20)
      .def("start_async", &InferQueue::start_async, py::arg("inputs"), py::arg("userdata") = py::none(),
           R"doc(
Start one request on an idle job, waiting (GIL released) while none is idle.
``inputs`` as for Block.set_inputs. Raises the first error of an earlier
callback instead (once; the request is not started then).
)doc")
      .def("start_block", &InferQueue::start_block, py::arg("block"), py::arg("userdata") = py::none(),
           R"doc(
start_async() for inputs written in place: ``block`` from ``pool`` (acquire()
it, write ``block.input(i)``) becomes the block of an idle job, which executes
it with no copy; the job's previous block goes back to the pool. Not started
(an earlier callback's error, closing), ``block`` goes back to the pool.
)doc")
      .def_property_readonly("pool", [](const InferQueue& self) { return self.pool(); },
                             "The blocks: one per job, as many spare ones for start_block().")
      .def("set_callback", &InferQueue::set_callback, py::arg("callback"), R"doc(
``callback(outputs, userdata)`` runs once per request, outputs being new
numpy arrays (one per model output). None removes it.
)doc")
      .def_property_readonly("callback", &InferQueue::callback)
      .def("wait_all", &InferQueue::wait_all, py::arg("timeout") = py::none(), R"doc(
Wait until every started request finished and its callback ran, then
re-raise (once) the first error a callback raised. ``timeout`` in seconds.
)doc")
      .def("is_ready", &InferQueue::is_ready, "True when a job is idle (start_async will not wait).")
      .def("get_idle_request_id", &InferQueue::get_idle_request_id, "Index of an idle job, waiting for one.")
      .def("__len__", &InferQueue::size)
      .def_property_readonly("jobs", &InferQueue::size)
      .def_property_readonly("userdata", &InferQueue::userdata, "Userdata of each job's current request.")
      .def_property_readonly("completed", &InferQueue::completed, "Requests whose callback finished.")
      .def_property_readonly("in_flight", &InferQueue::in_flight, "Requests started, callback not finished.")
      .def_property("timing", &InferQueue::timing, &InferQueue::set_timing,
                    "Record (start, end) steady-clock ns of each request, for pop_timings().")
      .def("pop_timings", &InferQueue::pop_timings, R"doc(
int64 array [n, 2]: start (start_async) and end (device completion) times,
steady-clock ns comparable with time.perf_counter_ns(), in callback order.
)doc")
      .def_property_readonly("model", &InferQueue::model)
      .def_property_readonly("in_callback", &InferQueue::in_callback,
                             "True when called from one of this queue's callbacks.")
      .def_property_readonly(
          "_wait_stats",
          [](const InferQueue& self) {
            auto [spins, sleeps] = self.wait_stats();
            return py::make_tuple(spins, sleeps);
          },
          "(waits that spun before sleeping, waits that slept at once): the idle-spin heuristic, for tests.")
      .def("_set_spin_latency", &InferQueue::set_spin_latency, py::arg("ns"),
           "Waiters spin only after requests that took at most ``ns`` (default 200 us); for tests.");
  def_resource_methods(cls);
}

}  // namespace acl_async
