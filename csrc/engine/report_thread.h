// ReportThread: a C++ thread that runs the callbacks of the streams it is
// subscribed to (aclrtSubscribeReport with its pthread id), looping on
// aclrtProcessReport(poll). Callbacks are C functions (the Python binding
// wraps its callables in one). Closing drains the subscribed streams, stops
// and joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "acl/acl.h"
#include "context.h"
#include "resource.h"
#include "stream.h"

namespace acl_async {

class ReportThread : public Resource, public std::enable_shared_from_this<ReportThread> {
  struct Key {
    explicit Key() = default;
  };

 public:
  struct State;

  ReportThread(Key, std::shared_ptr<Context> context, int32_t poll_ms);
  ~ReportThread() override { close_from_destructor(); }
  // `after_report` (optional) runs on the thread after every aclrtProcessReport
  // return, outside any ACL callback, without the GIL.
  static std::shared_ptr<ReportThread> create(std::shared_ptr<Context> context, int32_t poll_ms,
                                              std::function<void()> after_report = {});

  // aclrtSubscribeReport(this thread, stream). Idempotent for this thread;
  // ValueError when the stream belongs to another thread or context.
  void subscribe(const std::shared_ptr<Stream>& stream);
  // Waits for the stream's pending tasks, then aclrtUnSubscribeReport.
  void unsubscribe(Stream& stream);
  // Queues fn(data) on `stream`; it runs on this thread, in order with the
  // stream's other tasks. Subscribes the stream first when it has no report
  // thread yet. (The binding queues Python callables through it.)
  void launch_native(aclrtCallback fn, void* data, const std::shared_ptr<Stream>& stream, bool block);

  uint64_t thread_id() const noexcept { return thread_id_; }
  bool is_current() const noexcept;
  // The thread still processes reports (until close() stops it, after draining).
  bool running() const noexcept;
  int32_t poll_ms() const noexcept { return poll_ms_; }
  std::vector<std::shared_ptr<Stream>> streams() const;
  const std::shared_ptr<Context>& context() const noexcept { return context_; }
  // Called by Stream::release: drop a stream that is being destroyed.
  void forget_stream(aclrtStream handle) noexcept;

 protected:
  void release() noexcept override;

 private:
  void ensure_subscribed(const std::shared_ptr<Stream>& stream);

  std::shared_ptr<Context> context_;
  int32_t poll_ms_;
  std::shared_ptr<State> state_;
  uint64_t thread_id_ = 0;
  std::thread::id std_id_;
  mutable std::mutex mu_;
  std::vector<std::pair<aclrtStream, std::weak_ptr<Stream>>> streams_;
};

}  // namespace acl_async
