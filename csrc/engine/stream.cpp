#include "stream.h"

#include <algorithm>

#include "errors.h"
#include "event.h"
#include "wait.h"
#include "memory.h"
#include "report_thread.h"

namespace acl_async {

void CallbackTracker::launched() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  ++launched_;
}

void CallbackTracker::finished() noexcept {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++finished_;
    wake = waiting_ > 0;  // the per-request path pays no wake-up when nobody waits
  }
  if (wake) cv_.notify_all();
}

uint64_t CallbackTracker::launched_count() noexcept {
  std::lock_guard<std::mutex> lock(mu_);
  return launched_;
}

template <class Gone>
bool CallbackTracker::wait_for(uint64_t target, std::optional<int64_t> deadline, Gone gone) {
  std::unique_lock<std::mutex> lock(mu_);
  auto done = [&] { return finished_ >= target; };
  ++waiting_;
  struct Leave {
    std::unique_lock<std::mutex>& lock;
    int& waiting;
    ~Leave() {
      if (!lock.owns_lock()) lock.lock();
      --waiting;
    }
  } leave{lock, waiting_};
  while (!done()) {
    if (deadline && now_ns() >= *deadline) return false;
    if (wait_slice(cv_, lock, deadline, done)) break;
    lock.unlock();
    bool dropped = gone();  // dropped by the runtime: they will never run
    lock.lock();
    if (dropped && !done()) return true;
  }
  return true;
}

template <class Gone>
void CallbackTracker::wait_quietly(uint64_t target, Gone gone) noexcept {
  std::unique_lock<std::mutex> lock(mu_);
  ++waiting_;
  acl_async::wait_quietly(cv_, lock, [&] { return finished_ >= target; }, gone);
  --waiting_;
}

Stream::Stream(Key, std::shared_ptr<Context> context, aclrtStream handle) noexcept
    : Resource("Stream"),
      context_(std::move(context)),
      handle_(handle),
      errors_(host_hooks().make_callback_errors()),
      callbacks_(std::make_shared<CallbackTracker>()) {}

std::shared_ptr<Stream> Stream::create(std::shared_ptr<Context> context) {
  run_deferred();
  context->check_open();
  context->activate();
  aclrtStream handle = nullptr;
  check(aclrtCreateStream(&handle), "aclrtCreateStream");
  auto stream = std::make_shared<Stream>(Key{}, context, handle);
  context->add_child(stream);
  return stream;
}

aclrtStream Stream::handle() const {
  if (closed()) throw ClosedError("Stream is closed");
  return handle_;
}

std::shared_ptr<ReportThread> Stream::subscriber() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscriber_.lock();
}

void Stream::set_subscriber(const std::shared_ptr<ReportThread>& thread) {
  std::lock_guard<std::mutex> lock(mu_);
  subscriber_ = thread;
}

void synchronize_stream(aclrtStream stream, std::optional<double> timeout_s) {
  std::optional<int64_t> deadline = deadline_after(timeout_s);
  while (true) {
    int64_t slice = std::max<int64_t>(0, slice_end(deadline) - now_ns());
    int32_t slice_ms = static_cast<int32_t>((slice + 999'999) / 1'000'000);
    aclError ret;
    {
      HostUnlock nogil;
      ret = aclrtSynchronizeStreamWithTimeout(stream, slice_ms);
    }
    if (ret == ACL_SUCCESS) return;
    if (ret != ACL_ERROR_RT_STREAM_SYNC_TIMEOUT) raise_acl(ret, "aclrtSynchronizeStreamWithTimeout");
    if (deadline && now_ns() >= *deadline) raise_acl(ret, "aclrtSynchronizeStreamWithTimeout");
    aclGetRecentErrMsg();  // a slice that expired is not an error: drop its message
    check_interrupt();
  }
}

void synchronize_with_callbacks(Stream& stream, std::optional<double> timeout_s) {
  std::optional<int64_t> deadline = deadline_after(timeout_s);
  uint64_t target = stream.callbacks()->launched_count();
  synchronize_stream(stream.raw(), timeout_s);
  std::optional<double> rest;
  if (deadline) rest = std::max<int64_t>(0, *deadline - now_ns()) / 1e9;
  bool done = stream.callbacks()->wait_for(target, deadline_after(rest), [&stream] {
    auto thread = stream.subscriber();
    return !thread || !thread->running();
  });
  if (!done) {
    throw AclFailure(ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, "Stream.synchronize",
                     "callbacks launched on the stream are still running after the timeout");
  }
}

void Stream::synchronize(std::optional<double> timeout_s) {
  run_deferred();
  forbid_on_report_thread("Stream.synchronize()");
  handle();  // ClosedError once closed
  context_->activate();
  synchronize_with_callbacks(*this, timeout_s);
  errors_->raise_if_any();
}

namespace {

// Waits for the work queued on `handle` so far and for the callbacks launched on
// it to have run (or been dropped with their report thread). Context current.
void drain_handle(aclrtStream handle, CallbackTracker& callbacks,
                  const std::shared_ptr<ReportThread>& subscriber) noexcept {
  uint64_t target = callbacks.launched_count();
  {
    HostUnlock nogil;
    if (aclrtSynchronizeStream(handle) != ACL_SUCCESS) aclGetRecentErrMsg();
  }
  callbacks.wait_quietly(target, [&subscriber] { return !subscriber || !subscriber->running(); });
}

}  // namespace

void Stream::drain_quietly() const noexcept {
  std::unique_lock<std::mutex> lock = lock_releasing_gil(life_->mu);
  if (life_->destroyed || !context_->try_activate()) return;  // destroyed: drained then
  drain_handle(handle_, *callbacks_, subscriber());
}

void Stream::release() noexcept {
  aclrtStream handle = handle_;
  std::shared_ptr<ReportThread> subscriber = this->subscriber();
  std::shared_ptr<Context> context = context_;
  std::shared_ptr<CallbackErrors> errors = errors_;
  std::shared_ptr<CallbackTracker> callbacks = callbacks_;
  std::shared_ptr<Life> life = life_;
  run_or_defer([handle, subscriber, context, errors, callbacks, life] {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(life->mu);
    if (life->destroyed) return;
    life->destroyed = true;
    if (!context->try_activate()) return;  // the context is gone, and the stream with it
    drain_handle(handle, *callbacks, subscriber);
    if (subscriber) subscriber->forget_stream(handle);
    {
      HostUnlock nogil;
      aclrtDestroyStream(handle);
    }
    lock.unlock();
    errors->clear();
  });
}

}  // namespace acl_async
