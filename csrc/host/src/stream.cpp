// Streams: one worker thread per stream serving a FIFO of tasks.
#include "detail/stream.h"

#include <pthread.h>

#include <chrono>
#include <cstring>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/error.h"
#include "detail/event.h"
#include "detail/exec_policy.h"
#include "detail/exception.h"
#include "detail/model.h"
#include "detail/observe.h"
#include "detail/report.h"
#include "detail/runtime.h"
#include "selftest_plant.h"

namespace acl_host {
namespace {
std::atomic<uint32_t> g_next_stream_id{0};
std::atomic<uint64_t> g_run_by_synchronize{0};  // acl_host_ext_tasks_run_by_synchronize

size_t span_2d(size_t pitch, size_t width, size_t height) {
  return height == 0 ? 0 : (height - 1) * pitch + width;  // no overflow: aclrtMemcpy2dAsync checked it
}

// Every range a task touches, pinned for the task's lifetime (memory::Pins).
void pin_memory(Task& t) {
  switch (t.kind) {
    case TaskKind::Execute:
      for (size_t i = 0; i < t.io.size(); ++i) t.pins.add(t.io[i].ptr, t.io[i].size);
      break;
    case TaskKind::Memcpy:
      t.pins.add(t.dst, t.count);
      t.pins.add(t.src, t.count);
      break;
    case TaskKind::Memset:
      t.pins.add(t.dst, t.count);
      break;
    case TaskKind::Memcpy2d:
      t.pins.add(t.dst, span_2d(t.dpitch, t.count, t.height));
      t.pins.add(t.src, span_2d(t.spitch, t.count, t.height));
      break;
    default:
      break;
  }
}
}  // namespace

Stream::Stream(Context* owner, int device, bool is_default)
    : owner_(owner),
      device_(device),
      is_default_(is_default),
      id_(g_next_stream_id.fetch_add(1, std::memory_order_relaxed)) {
  try {
    worker_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "acl-stream");  // per-thread CPU in top -H, /proc/*/task
      run();
    });
  } catch (const std::system_error& e) {  // no thread (EAGAIN: a thread limit): a resource error
    throw Error(ACL_ERROR_RT_NO_STREAM_RESOURCE,
                format("cannot start the worker thread of a stream: %s", e.what()));
  }
}

Stream::~Stream() { shutdown(true); }

aclError Stream::enqueue(Task&& task) {
  pin_memory(task);
  if (task.kind == TaskKind::Memcpy || task.kind == TaskKind::Memcpy2d || task.kind == TaskKind::Memset)
    task.any_thread = true;
  std::unique_lock<std::mutex> lock(m_);
  if (stop_) {
    lock.unlock();
    discard(task);
    return fail(ACL_ERROR_INVALID_RESOURCE_HANDLE, "stream %p is being destroyed", static_cast<void*>(this));
  }
  queue_.push(std::move(task));
  ++enqueued_;
  posted_.store(enqueued_, std::memory_order_release);
  bool wake = worker_idle_;
  lock.unlock();
  if (wake) work_cv_.notify_one();
  return ACL_SUCCESS;
}

aclError Stream::synchronize(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(m_);
  const uint64_t target = enqueued_;
  if (timeout_ms < 0) run_here(lock, target);  // a task run here could outlast a timeout
  auto done = [&] { return completed_ >= target; };
  const auto waiting = sync_targets_.insert(target);
  bool ok = true;
  if (timeout_ms < 0) {
    state_cv_.wait(lock, done);
  } else {
    ok = state_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), done);
  }
  sync_targets_.erase(waiting);
  if (!ok)
    return fail(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT,
                "stream %p did not finish its work within %lld ms (%llu task(s) left)",
                static_cast<void*>(this), static_cast<long long>(timeout_ms),
                static_cast<unsigned long long>(target - completed_));
  aclError err = first_error_;
  if (err == ACL_SUCCESS) return ACL_SUCCESS;
  std::string msg;
  msg.swap(first_error_msg_);
  first_error_ = ACL_SUCCESS;
  lock.unlock();
  return fail(err, "work queued on stream %p failed: %s", static_cast<void*>(this), msg.c_str());
}

bool Stream::idle() {
  std::lock_guard<std::mutex> lock(m_);
  return completed_ >= enqueued_;
}

void Stream::shutdown(bool abort) {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (abort) abort_.store(true, std::memory_order_release);
    stop_ = true;
    closed_.store(true, std::memory_order_release);
  }
  work_cv_.notify_all();
  state_cv_.notify_all();
  if (abort) event::wake_all();
  std::lock_guard<std::mutex> lock(join_m_);
  if (worker_.joinable()) {
    if (worker_.get_id() == std::this_thread::get_id())
      worker_.detach();
    else
      worker_.join();
  }
}

std::shared_ptr<ReportQueue> Stream::subscriber() {
  std::lock_guard<std::mutex> lock(m_);
  return subscriber_;
}

void Stream::set_subscriber(std::shared_ptr<ReportQueue> q) {
  std::lock_guard<std::mutex> lock(m_);
  subscriber_ = std::move(q);
}

void Stream::callback_done(uint64_t ticket) {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (ticket > cb_done_) cb_done_ = ticket;
  }
  state_cv_.notify_all();
}

void Stream::run() {
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    while ((queue_.empty() || borrowed_) && !(stop_ && !borrowed_)) {
      // The next task is likely microseconds away, unless this stream runs
      // heavy models: there a spin would only slow the next inference down.
      if (idle_spin_.begin() && !heavy_models_) {
        const uint64_t seen = enqueued_;
        lock.unlock();
        idle_spin_.spin([&] {
          return posted_.load(std::memory_order_acquire) == seen && !closed_.load(std::memory_order_acquire);
        });
        lock.lock();
        continue;
      }
      worker_idle_ = true;
      work_cv_.wait(lock);
      worker_idle_ = false;
    }
    idle_spin_.end();
    if (queue_.empty()) break;  // stopped and drained
    Task task = std::move(queue_.front());
    queue_.pop();
    const bool started = ahead_ && ahead_->seq == popped_;
    ++popped_;
    const bool aborting = abort_.load(std::memory_order_acquire);
    lock.unlock();
    std::string msg;
    aclError err = run_task(task, started, aborting, msg);
    task = Task();  // drop references outside the lock
    complete(lock, err, msg);
  }
}

aclError Stream::run_task(Task& task, bool started_ahead, bool aborting, std::string& msg) {
  try {  // nothing may escape the worker (std::terminate): a failed task fails its stream
    if (started_ahead) return finish_ahead(task, aborting, msg);
    if (aborting) {
      discard(task);
      return ACL_SUCCESS;
    }
    if (task.kind != TaskKind::Execute) return execute(task, msg);
    const auto t0 = std::chrono::steady_clock::now();
    const aclError err = execute_model(task, msg);
    heavy_models_ = std::chrono::steady_clock::now() - t0 > IdleSpin::kShortBusy;
    return err;
  } catch (const std::exception& e) {
    msg = std::string("internal error: ") + e.what();
    return ACL_ERROR_INTERNAL_ERROR;
  }
}

void Stream::complete(std::unique_lock<std::mutex>& lock, aclError err, std::string& msg) {
  if (err != ACL_SUCCESS)
    exception::report(static_cast<uint32_t>(completed_), id_, static_cast<uint32_t>(device_), err);
  lock.lock();
  ++completed_;
  if (err != ACL_SUCCESS && first_error_ == ACL_SUCCESS) {
    first_error_ = err;
    first_error_msg_ = std::move(msg);
  }
  // Wake synchronize only once a waiter's last task is done (not after every task of a long queue,
  // e.g. twice per VDEC frame while an EOS waits for the whole clip).
  if (!sync_targets_.empty() && completed_ >= *sync_targets_.begin()) state_cv_.notify_all();
}

// A thread about to wait for the worker runs what the worker has not started yet, when that is
// plain memory work (a copy, a DVPP picture): its wait would otherwise be the worker's wake-up
// from its futex sleep plus its own, 0.05-1 ms apiece on a small VM, longer than a 1080p resize.
// The order stays the queue's: nothing runs here while the worker runs a task (popped_ ==
// completed_), and the worker takes nothing while borrowed_. A look-ahead execution in flight
// sits behind NO_BLOCK callbacks (find_ahead), so the front is then never any_thread.
void Stream::run_here(std::unique_lock<std::mutex>& lock, uint64_t target) {
  bool ran = false;
  while (completed_ < target && popped_ == completed_ && !borrowed_ && !queue_.empty() &&
         queue_.front().any_thread && !abort_.load(std::memory_order_acquire)) {
    Task task = std::move(queue_.front());
    queue_.pop();
    ++popped_;
    borrowed_ = ran = true;
    lock.unlock();
    std::string msg;
    aclError err = run_task(task, false, false, msg);
    task = Task();
    g_run_by_synchronize.fetch_add(1, std::memory_order_relaxed);
    complete(lock, err, msg);
    borrowed_ = false;
  }
  if (ran && worker_idle_ && (!queue_.empty() || stop_)) work_cv_.notify_one();
}

namespace {
bool overlap(const IoRef& a, const IoRef& b) {
  const auto pa = reinterpret_cast<uintptr_t>(a.ptr), pb = reinterpret_cast<uintptr_t>(b.ptr);
  return pa < pb + b.size && pb < pa + a.size;
}

// No memory written by one execution is read or written by the other (inputs may be shared).
bool independent(const Task& a, const Task& b) {
  for (size_t i = 0; i < a.io.size(); ++i)
    for (size_t j = 0; j < b.io.size(); ++j)
      if ((i >= a.num_inputs || j >= b.num_inputs) && overlap(a.io[i], b.io[j])) return false;
  return true;
}

constexpr size_t kLookAhead = 8;  // queued tasks examined for the next execution
std::atomic<uint64_t> g_started_ahead{0};  // acl_host_ext_executions_started_ahead
}  // namespace

aclError Stream::execute_model(Task& task, std::string& msg) {
  ModelInstance& m = *task.model;
  // One busy model load (this one) and the next execution queued: the two take a core each,
  // instead of one after the other on the LATENCY variant (OpenVINO THROUGHPUT with two requests
  // outruns LATENCY with one); a lone execution keeps LATENCY's every core.
  Ahead next;
  if (task.shapes || !m.pipelinable() || exec_policy::busy() > 1 || !find_ahead(task, next) ||
      !m.claim_pipe(this))
    return execute(task, msg);
  aclError err = m.start(0, task.io, task.num_inputs, msg);
  if (err == ACL_SUCCESS) {
    next.slot = 1;
    next.err = m.start(1, next.io, next.num_inputs, next.msg);
    g_started_ahead.fetch_add(1, std::memory_order_relaxed);
    ahead_ = std::move(next);
    err = m.finish(0, msg);
  } else {
    m.release_pipe(this);
  }
  m.end();
  return err;
}

aclError Stream::finish_ahead(Task& task, bool aborting, std::string& msg) {
  ModelInstance& m = *task.model;
  Ahead mine = std::move(*ahead_);
  ahead_.reset();
  Ahead next;
  if (!aborting && mine.err == ACL_SUCCESS && exec_policy::busy() <= 1 && find_ahead(task, next)) {
    next.slot = 1 - mine.slot;
    next.err = m.start(next.slot, next.io, next.num_inputs, next.msg);
    g_started_ahead.fetch_add(1, std::memory_order_relaxed);
    ahead_ = std::move(next);
  }
  aclError err = mine.err;
  msg = std::move(mine.msg);
  if (err == ACL_SUCCESS) err = m.finish(mine.slot, msg);  // waited for even when aborting
  if (!ahead_) m.release_pipe(this);
  m.end();
  return aborting ? ACL_SUCCESS : err;
}

bool Stream::find_ahead(const Task& task, Ahead& next) {
  std::lock_guard<std::mutex> lock(m_);
  for (size_t i = 0; i < queue_.size() && i < kLookAhead; ++i) {
    const Task& t = queue_.at(i);
    if (t.kind == TaskKind::Callback && !t.block) continue;
    if (t.kind != TaskKind::Execute || t.model != task.model || t.shapes || !independent(task, t)) return false;
    next.seq = popped_ + i;
    next.io = t.io;  // the queued task keeps its memory pinned until it is popped and done
    next.num_inputs = t.num_inputs;
    return true;
  }
  return false;
}

void Stream::discard(Task& task) {
  switch (task.kind) {
    case TaskKind::Execute:
      if (task.model) task.model->end();
      break;
    case TaskKind::RecordEvent:
      if (task.event) task.event->complete(task.generation);  // never leave waiters hanging
      break;
    default:
      break;
  }
}

aclError Stream::execute(Task& task, std::string& msg) {
  observe::TaskScope profiled(id_, device_, task.kind);  // the trace of this task (profiling on)
  switch (task.kind) {
    case TaskKind::Execute: {
      aclError e = task.model->run(task.io, task.num_inputs, msg, task.shapes.get());
      task.model->end();
      return e;
    }
    case TaskKind::Memcpy:
      acl_async::selftest::race("host-race");
      std::memmove(task.dst, task.src, task.count);
      return ACL_SUCCESS;
    case TaskKind::Memset:
      std::memset(task.dst, task.value, task.count);
      return ACL_SUCCESS;
    case TaskKind::Memcpy2d:
      for (size_t row = 0; row < task.height; ++row)
        std::memmove(static_cast<char*>(task.dst) + row * task.dpitch,
                     static_cast<const char*>(task.src) + row * task.spitch, task.count);
      return ACL_SUCCESS;
    case TaskKind::Callback:
      return run_callback(task);
    case TaskKind::RecordEvent:
      task.event->complete(task.generation);
      return ACL_SUCCESS;
    case TaskKind::WaitEvent: {
      const int64_t limit = event::op_wait_timeout_ms();
      if (!task.event->wait(task.generation, &abort_, limit) && limit >= 0 && !aborting()) {
        msg = format("the event wait did not end within the %lld s set by aclrtSetOpWaitTimeout",
                     static_cast<long long>(limit / 1000));
        return ACL_ERROR_RT_EVENT_SYNC_TIMEOUT;
      }
      return ACL_SUCCESS;
    }
    case TaskKind::ResetEvent:
      task.event->reset(task.generation);
      return ACL_SUCCESS;
    case TaskKind::HostTask: {
      char text[512] = {0};
      aclError e = task.host_fn(task.host_user.get(), text, sizeof text);
      if (e != ACL_SUCCESS) msg = text;
      return e;
    }
    case TaskKind::None:
      break;
  }
  return ACL_SUCCESS;
}

aclError Stream::run_callback(Task& task) {
  std::shared_ptr<ReportQueue> sub;
  uint64_t ticket = 0;
  {
    std::lock_guard<std::mutex> lock(m_);
    sub = subscriber_;
    if (sub && task.block) ticket = ++cb_issued_;
  }
  if (!sub) return ACL_SUCCESS;  // unsubscribed since the launch: dropped
  PendingCallback cb;
  cb.fn = task.fn;
  cb.user = task.user;
  cb.origin = this;
  if (task.block) {
    cb.stream = weak_from_this();
    cb.ticket = ticket;
  }
  if (!sub->push(std::move(cb))) return ACL_SUCCESS;  // report thread gone: dropped
  if (task.block) {
    // A subscribed thread that exits without ever calling aclrtProcessReport
    // arms no exit guard: check now and then that it lives. Once it is gone
    // its queue closes as for any report thread that ended (README: queued
    // callbacks are dropped, never run on a dead thread, and the BLOCK wait
    // is released). ACL documents no error for this, so the stream goes on
    // and its synchronize succeeds, like every dropped callback here.
    std::unique_lock<std::mutex> lock(m_);
    auto done = [&] { return cb_done_ >= ticket || abort_.load(std::memory_order_acquire); };
    while (!state_cv_.wait_for(lock, std::chrono::milliseconds(report::kOwnerCheckMs), done)) {
      lock.unlock();
      if (sub->owner_exited()) sub->close();  // releases this wait (callback_done)
      lock.lock();
    }
  }
  return ACL_SUCCESS;
}

namespace stream {
namespace {

struct Registry {
  std::mutex m;
  std::unordered_map<const void*, std::shared_ptr<Stream>> user;
  std::vector<std::weak_ptr<Stream>> defaults;
};
Registry& reg() {
  static NoDestructor<Registry> r;
  return *r;
}

}  // namespace

std::shared_ptr<Stream> create(Context* ctx) {
  auto s = std::make_shared<Stream>(ctx, ctx->device(), false);
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  r.user.emplace(s.get(), s);
  return s;
}

void register_default(const std::shared_ptr<Stream>& s) {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  // Forget expired entries now and then.
  if (r.defaults.size() >= 16) {
    std::vector<std::weak_ptr<Stream>> keep;
    for (auto& w : r.defaults)
      if (!w.expired()) keep.push_back(w);
    r.defaults.swap(keep);
  }
  r.defaults.push_back(s);
}

std::shared_ptr<Stream> lookup(aclrtStream handle) {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  auto it = r.user.find(handle);
  return it == r.user.end() ? nullptr : it->second;
}

aclError resolve(aclrtStream handle, bool check_context, std::shared_ptr<Stream>& out) {
  if (!handle) {
    std::shared_ptr<Context> ctx;
    if (aclError e = context::require_current(ctx)) return e;
    out = ctx->default_stream();
    if (!out) return fail(ACL_ERROR_RT_CONTEXT_NULL, "the current context was destroyed");
    return ACL_SUCCESS;
  }
  out = lookup(handle);
  if (!out)
    return fail(ACL_ERROR_INVALID_RESOURCE_HANDLE, "stream %p does not exist (destroyed or never created)",
                handle);
  if (check_context) {
    std::shared_ptr<Context> ctx;
    if (aclError e = context::require_current(ctx)) return e;
    if (out->owner() != ctx.get())
      return fail(ACL_ERROR_RT_STREAM_CONTEXT,
                  "stream %p belongs to another context than the current one (%p): call "
                  "aclrtSetCurrentContext first",
                  handle, ctx->handle());
  }
  return ACL_SUCCESS;
}

void destroy(const std::shared_ptr<Stream>& s, bool abort) {
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    r.user.erase(s.get());
  }
  s->shutdown(abort);  // waits for the pending work (callbacks included)
  report::forget_stream(s);
}

void destroy_owned_by(const Context* ctx, bool abort) {
  std::vector<std::shared_ptr<Stream>> doomed;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    for (auto it = r.user.begin(); it != r.user.end();) {
      if (it->second->owner() == ctx) {
        doomed.push_back(std::move(it->second));
        it = r.user.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : doomed) {
    s->shutdown(abort);
    report::forget_stream(s);
  }
}

aclError synchronize_device(int device, int64_t timeout_ms) {
  std::vector<std::shared_ptr<Stream>> all;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    for (auto& kv : r.user)
      if (kv.second->device() == device) all.push_back(kv.second);
    for (auto& w : r.defaults)
      if (auto s = w.lock())
        if (s->device() == device && !s->closed()) all.push_back(std::move(s));
  }
  aclError first = ACL_SUCCESS;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (auto& s : all) {
    int64_t left = -1;
    if (timeout_ms >= 0) {
      left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      if (left < 0) left = 0;
    }
    aclError e = s->synchronize(left);
    if (e == ACL_ERROR_RT_STREAM_SYNC_TIMEOUT) return e;
    if (e != ACL_SUCCESS && first == ACL_SUCCESS) first = e;
  }
  return first;
}

uint64_t started_ahead() { return g_started_ahead.load(std::memory_order_relaxed); }
uint64_t run_by_synchronize() { return g_run_by_synchronize.load(std::memory_order_relaxed); }

void release_all() {
  std::vector<std::shared_ptr<Stream>> doomed;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    for (auto& kv : r.user) doomed.push_back(std::move(kv.second));
    r.user.clear();
    for (auto& w : r.defaults)
      if (auto s = w.lock()) doomed.push_back(std::move(s));
    r.defaults.clear();
  }
  for (auto& s : doomed) s->shutdown(true);
}

}  // namespace stream
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtCreateStream(aclrtStream* stream) ACL_API_TRY {
  ACL_API();
  if (!stream) return fail(ACL_ERROR_INVALID_PARAM, "stream must not be NULL");
  if (aclError e = require_init()) return e;
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  *stream = stream::create(ctx.get())->handle();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtDestroyStream(aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (!stream)
    return fail(ACL_ERROR_INVALID_PARAM, "stream must not be NULL (the default stream is not destroyable)");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  stream::destroy(s, false);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtSynchronizeStream(aclrtStream stream) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  return s->synchronize(-1);
} ACL_API_CATCH

aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream, int32_t timeout) ACL_API_TRY {
  ACL_API();
  if (timeout < -1)
    return fail(ACL_ERROR_RT_PARAM_INVALID, "timeout must be -1 (wait forever) or >= 0 ms, got %d", timeout);
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  return s->synchronize(timeout == -1 ? -1 : timeout);
} ACL_API_CATCH

aclError aclrtStreamGetPriority(aclrtStream stream, uint32_t* priority) ACL_API_TRY {
  ACL_API();
  if (!priority) return fail(ACL_ERROR_INVALID_PARAM, "priority must not be NULL");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  *priority = s->priority();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtStreamGetFlags(aclrtStream stream, uint32_t* flags) ACL_API_TRY {
  ACL_API();
  if (!flags) return fail(ACL_ERROR_INVALID_PARAM, "flags must not be NULL");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  *flags = s->flags();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtStreamGetId(aclrtStream stream, int32_t* streamId) ACL_API_TRY {
  ACL_API();
  if (!streamId) return fail(ACL_ERROR_INVALID_PARAM, "streamId must not be NULL");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  *streamId = static_cast<int32_t>(s->id());
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtDestroyStreamForce(aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (!stream)
    return fail(ACL_ERROR_INVALID_PARAM, "stream must not be NULL (the default stream is not destroyable)");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  stream::destroy(s, true);  // pending tasks are dropped
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtStreamQuery(aclrtStream stream, aclrtStreamStatus* status) ACL_API_TRY {
  ACL_API();
  if (!status) return fail(ACL_ERROR_INVALID_PARAM, "status must not be NULL");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, false, s)) return e;
  *status = s->idle() ? ACL_STREAM_STATUS_COMPLETE : ACL_STREAM_STATUS_NOT_READY;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtCreateStreamWithConfig(aclrtStream* stream, uint32_t priority, uint32_t flag) ACL_API_TRY {
  ACL_API();
  if (!stream) return fail(ACL_ERROR_INVALID_PARAM, "stream must not be NULL");
  if (priority > 7) return fail(ACL_ERROR_INVALID_PARAM, "priority must be 0..7, got %u", priority);
  if (aclError e = require_init()) return e;
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  // Every host stream is served by its own worker thread: the flags and the
  // priority change nothing on the CPU (they are kept for the getters).
  auto s = stream::create(ctx.get());
  s->set_config(priority, flag);
  *stream = s->handle();
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
