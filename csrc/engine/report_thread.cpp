#include "report_thread.h"

#include <pthread.h>

#include <chrono>
#include <string>

#include "errors.h"
#include "host_hooks.h"

namespace acl_async {

// Shared by the ReportThread object, its thread and its release.
struct ReportThread::State {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  size_t subscribed = 0;
  std::thread thread;
  std::function<void()> after_report;

  ~State() {
    if (thread.joinable()) thread.detach();  // never std::terminate (release always joins first)
  }
};

namespace {

void report_loop(std::shared_ptr<ReportThread::State> state, std::shared_ptr<Context> context,
                 int32_t poll_ms) {
  pthread_setname_np(pthread_self(), "acl-report");  // per-thread CPU in top -H, /proc/*/task
  mark_report_thread();
  context->try_activate();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(state->mu);
      // Not subscribed to anything: aclrtProcessReport would fail at once, so sleep here.
      state->cv.wait(lock, [&] { return state->stop || state->subscribed > 0; });
      if (state->stop) break;
    }
    aclError ret = aclrtProcessReport(poll_ms);
    if (state->after_report) state->after_report();
    if (ret == ACL_SUCCESS || ret == ACL_ERROR_RT_REPORT_TIMEOUT) continue;
    aclGetRecentErrMsg();
    // Raced with an unsubscribe (107012) or something else went wrong: back off.
    std::unique_lock<std::mutex> lock(state->mu);
    state->cv.wait_for(lock, std::chrono::milliseconds(2), [&] { return state->stop; });
  }
  if (host_hooks().thread_exit != nullptr) host_hooks().thread_exit();
}

struct NativeCallback {
  aclrtCallback fn;
  void* data;
  std::shared_ptr<CallbackTracker> tracker;
};

void run_native_callback(void* data) {
  std::unique_ptr<NativeCallback> record(static_cast<NativeCallback*>(data));
  record->fn(record->data);
  record->tracker->finished();
}

// Launches `fn(data)` on `handle`, counted by `tracker`.
void launch_counted(aclrtCallback fn, void* data, aclrtStream handle, bool block, CallbackTracker& tracker) {
  tracker.launched();
  aclError ret = aclrtLaunchCallback(fn, data, block ? ACL_CALLBACK_BLOCK : ACL_CALLBACK_NO_BLOCK, handle);
  if (ret != ACL_SUCCESS) {
    tracker.finished();
    raise_acl(ret, "aclrtLaunchCallback");
  }
}

}  // namespace

ReportThread::ReportThread(Key, std::shared_ptr<Context> context, int32_t poll_ms)
    : Resource("ReportThread"),
      context_(std::move(context)),
      poll_ms_(poll_ms),
      state_(std::make_shared<State>()) {}

std::shared_ptr<ReportThread> ReportThread::create(std::shared_ptr<Context> context, int32_t poll_ms,
                                                   std::function<void()> after_report) {
  run_deferred();
  if (poll_ms <= 0) throw std::invalid_argument("poll_ms must be > 0");
  context->check_open();
  auto thread = std::make_shared<ReportThread>(Key{}, context, poll_ms);
  thread->state_->after_report = std::move(after_report);
  thread->state_->thread = std::thread(report_loop, thread->state_, context, poll_ms);
  // On Linux, std::thread's native handle is the pthread_t that aclrtSubscribeReport wants.
  thread->thread_id_ = static_cast<uint64_t>(thread->state_->thread.native_handle());
  thread->std_id_ = thread->state_->thread.get_id();
  context->add_child(thread);
  return thread;
}

bool ReportThread::is_current() const noexcept { return std::this_thread::get_id() == std_id_; }

bool ReportThread::running() const noexcept {
  std::lock_guard<std::mutex> lock(state_->mu);
  return !state_->stop && state_->thread.joinable();
}

std::vector<std::shared_ptr<Stream>> ReportThread::streams() const {
  std::vector<std::shared_ptr<Stream>> result;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : streams_) {
    if (auto stream = entry.second.lock()) result.push_back(std::move(stream));
  }
  return result;
}

void ReportThread::subscribe(const std::shared_ptr<Stream>& stream) {
  check_open();
  aclrtStream handle = stream->handle();
  if (stream->context() != context_) throw std::invalid_argument("the stream belongs to another context");
  std::shared_ptr<ReportThread> current = stream->subscriber();
  if (current.get() == this) return;
  if (current) throw std::invalid_argument("the stream is already subscribed to another ReportThread");
  context_->activate();
  check(aclrtSubscribeReport(thread_id_, handle), "aclrtSubscribeReport");
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams_.emplace_back(handle, stream);
  }
  stream->set_subscriber(shared_from_this());
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    ++state_->subscribed;
  }
  state_->cv.notify_all();
}

void ReportThread::ensure_subscribed(const std::shared_ptr<Stream>& stream) {
  std::shared_ptr<ReportThread> current = stream->subscriber();
  if (current.get() == this) return;
  if (current) throw std::invalid_argument("the stream is subscribed to another ReportThread");
  subscribe(stream);
}

void ReportThread::unsubscribe(Stream& stream) {
  forbid_on_report_thread("ReportThread.unsubscribe()");
  aclrtStream handle = stream.handle();
  if (stream.subscriber().get() != this)
    throw std::invalid_argument("the stream is not subscribed to this thread");
  context_->activate();
  synchronize_with_callbacks(stream, std::nullopt);  // its pending callbacks run first
  stream.set_subscriber(nullptr);
  forget_stream(handle);
}

void ReportThread::forget_stream(aclrtStream handle) noexcept {
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = streams_.begin(); it != streams_.end(); ++it) {
      if (it->first == handle) {
        streams_.erase(it);
        found = true;
        break;
      }
    }
  }
  if (!found) return;
  aclrtUnSubscribeReport(thread_id_, handle);
  std::lock_guard<std::mutex> lock(state_->mu);
  --state_->subscribed;
}

void ReportThread::launch_native(aclrtCallback fn, void* data, const std::shared_ptr<Stream>& stream,
                                 bool block) {
  check_open();
  aclrtStream handle = stream->handle();
  ensure_subscribed(stream);
  stream->context()->activate();
  auto record = std::make_unique<NativeCallback>(NativeCallback{fn, data, stream->callbacks()});
  launch_counted(run_native_callback, record.get(), handle, block, *stream->callbacks());
  record.release();  // owned by the queued callback now
}

void ReportThread::release() noexcept {
  std::vector<std::pair<aclrtStream, std::shared_ptr<Stream>>> streams;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& entry : streams_) streams.emplace_back(entry.first, entry.second.lock());
    streams_.clear();
  }
  std::shared_ptr<State> state = state_;
  std::shared_ptr<Context> context = context_;
  uint64_t tid = thread_id_;
  run_or_defer([streams, state, context, tid] {
    bool active = context->try_activate();
    // Drain first: pending callbacks still run on the thread.
    for (const auto& entry : streams) {
      if (entry.second) entry.second->drain_quietly();
    }
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->stop = true;
    }
    state->cv.notify_all();
    // Unsubscribed, a thread waiting in aclrtProcessReport returns at once (no longer subscribed)
    // instead of at the end of its poll: closing takes microseconds, not up to poll_ms.
    for (const auto& entry : streams) {
      if (active) aclrtUnSubscribeReport(tid, entry.first);
      if (entry.second) entry.second->set_subscriber(nullptr);
    }
    {
      HostUnlock nogil;
      if (state->thread.joinable()) state->thread.join();
    }
  });
}

}  // namespace acl_async
