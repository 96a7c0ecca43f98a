// ResultQueue: collects the outputs of executions as they complete, without
// the GIL. push_async() queues a native callback after a block's execution:
// on the report thread it leases the block (zero-copy: the numpy arrays
// pop_all() hands out are views of the block's output buffers, and the block
// goes back to its pool when the last of them is gone) or, when the pool
// cannot spare it (MemoryPool::try_lease: at most size - 1 leases, so pool size
// and callback interval stay independent), copies the outputs into owned
// buffers and returns the block at once. pop_all() hands them to Python as
// numpy arrays (no further copy), in completion order.
//
// Closing (explicitly, or with its report thread or context) waits for the
// collections in flight, then calls `on_close()` (GIL held) so the owner can
// deliver what is left: no accepted execution is lost.
#pragma once

#include <pybind11/pybind11.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "memory_pool.h"
#include "pyutil.h"
#include "report_thread.h"
#include "resource.h"
#include "stream.h"
#include "tensor_desc.h"

namespace acl_async {

namespace py = pybind11;

class ResultQueue : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  struct State;
  ResultQueue(Key, std::shared_ptr<ReportThread> thread, py::object on_close, bool zero_copy);
  ~ResultQueue() override { close_from_destructor(); }
  static std::shared_ptr<ResultQueue> create(std::shared_ptr<ReportThread> thread, py::object on_close,
                                             bool zero_copy = true);

  // After the work already queued on `stream` for `block`: copy its outputs,
  // release the block, queue (tag, outputs).
  void push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream, py::object tag);
  // The results collected so far, in order: a list of (tag, [numpy arrays]).
  // GIL held. A result whose outputs were lost raises ClosedError when it is
  // first in line (the others stay queued for the next call); never drops one.
  py::list pop_all();
  // After close(): waits until on_close() returned (runs it if still deferred).
  void wait_delivered();
  size_t ready() const;
  size_t in_flight() const;
  const std::shared_ptr<ReportThread>& report_thread() const noexcept { return thread_; }

 protected:
  void release() noexcept override;

 private:
  std::shared_ptr<ReportThread> thread_;
  std::shared_ptr<State> state_;
  std::shared_ptr<SafeObject> on_close_;
};

}  // namespace acl_async
