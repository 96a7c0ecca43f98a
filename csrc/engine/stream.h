// Stream: aclrtCreateStream / aclrtDestroyStream. synchronize() waits with the
// GIL released, then re-raises (once) the first exception raised by a Python
// callback launched on this stream since the previous synchronize.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "acl/acl.h"
#include "context.h"
#include "host_hooks.h"  // CallbackErrors
#include "resource.h"

namespace acl_async {

class ReportThread;

// Callbacks launched on a stream and finished on its report thread. ACL's
// synchronize returns once a NO_BLOCK callback was handed to the report
// thread; Stream::synchronize also waits for it to have run.
class CallbackTracker {
 public:
  void launched() noexcept;
  void finished() noexcept;
  uint64_t launched_count() noexcept;
  // Waits (GIL released, in slices, Ctrl-C checked) until `target` callbacks
  // finished, `deadline` passed (false) or `gone()` says they never will.
  template <class Gone>
  bool wait_for(uint64_t target, std::optional<int64_t> deadline, Gone gone);
  // The same for teardown: no deadline, no signals, never raises.
  template <class Gone>
  void wait_quietly(uint64_t target, Gone gone) noexcept;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t launched_ = 0;
  uint64_t finished_ = 0;
  int waiting_ = 0;  // threads in wait_for/wait_quietly
};

class Stream : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  Stream(Key, std::shared_ptr<Context> context, aclrtStream handle) noexcept;
  ~Stream() override { close_from_destructor(); }
  static std::shared_ptr<Stream> create(std::shared_ptr<Context> context);

  // The ACL handle; ClosedError once closed.
  aclrtStream handle() const;
  aclrtStream raw() const noexcept { return handle_; }
  const std::shared_ptr<Context>& context() const noexcept { return context_; }
  const std::shared_ptr<CallbackErrors>& errors() const noexcept { return errors_; }
  const std::shared_ptr<CallbackTracker>& callbacks() const noexcept { return callbacks_; }

  // Waits for every task queued so far, including every callback launched on
  // it to have run (GIL released; None = forever), then raises the pending
  // callback error, if any. Call with the GIL held.
  void synchronize(std::optional<double> timeout_s);

  std::shared_ptr<ReportThread> subscriber() const;
  void set_subscriber(const std::shared_ptr<ReportThread>& thread);

  // Teardown: waits (GIL released, never raising) for every task queued so
  // far, callbacks included, unless the stream is already destroyed (which
  // drained it). Memory the stream uses may be freed afterwards.
  void drain_quietly() const noexcept;

 protected:
  void release() noexcept override;

 private:
  std::shared_ptr<Context> context_;
  aclrtStream handle_;
  std::shared_ptr<CallbackErrors> errors_;
  std::shared_ptr<CallbackTracker> callbacks_;
  struct Life {
    std::mutex mu;  // held while draining or destroying; holders never take the GIL
    bool destroyed = false;
  };
  std::shared_ptr<Life> life_ = std::make_shared<Life>();
  mutable std::mutex mu_;
  std::weak_ptr<ReportThread> subscriber_;
};

// aclrtSynchronizeStreamWithTimeout in slices (GIL released), checking for
// Ctrl-C between slices. Throws AclFailure(507046) when timeout_s expires.
void synchronize_stream(aclrtStream stream, std::optional<double> timeout_s);
// The same, then waits for the stream's callbacks to have run.
void synchronize_with_callbacks(Stream& stream, std::optional<double> timeout_s);

}  // namespace acl_async
