// ResultQueue: collects the outputs of executions as they complete, without
// the GIL. push_async() queues a native callback after a block's execution:
// on the report thread it copies the block's outputs into owned buffers,
// returns the block to its pool at once (so pool size and callback interval
// are independent) and appends (tag, outputs) here. pop_all() hands them to
// Python as numpy arrays (no further copy), in completion order.
//
// Closing (explicitly, or with its report thread or context) waits for the
// collections in flight, then calls `on_close()` (GIL held) so the owner can
// deliver what is left: no accepted execution is lost.
#pragma once

#include <pybind11/pybind11.h>

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
  ResultQueue(Key, std::shared_ptr<ReportThread> thread, py::object on_close);
  ~ResultQueue() override { close_from_destructor(); }
  static std::shared_ptr<ResultQueue> create(std::shared_ptr<ReportThread> thread, py::object on_close);

  // After the work already queued on `stream` for `block`: copy its outputs,
  // release the block, queue (tag, outputs).
  void push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream, py::object tag);
  // The results collected so far, in order: a list of (tag, [numpy arrays]).
  // GIL held. A result whose outputs were lost raises ClosedError when it is
  // first in line (the others stay queued for the next call); never drops one.
  py::list pop_all();
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
