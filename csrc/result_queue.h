// ResultQueue: collects the outputs of executions as they complete, without
// the GIL. push_async() queues a native callback after a block's execution:
// on the report thread it copies the block's outputs into owned buffers,
// returns the block to its pool at once (so pool size and callback interval
// are independent) and appends (tag, outputs) here. pop_all() hands them to
// Python as numpy arrays (no further copy), in completion order.
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
#include "stream.h"
#include "tensor_desc.h"

namespace acl_async {

namespace py = pybind11;

class ResultQueue {
 public:
  struct State;
  explicit ResultQueue(std::shared_ptr<ReportThread> thread);

  // After the work already queued on `stream` for `block`: copy its outputs,
  // release the block, queue (tag, outputs).
  void push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream, py::object tag);
  // Every collected result so far: a list of (tag, [numpy arrays]). GIL held.
  py::list pop_all();
  size_t ready() const;
  size_t in_flight() const;
  const std::shared_ptr<ReportThread>& report_thread() const noexcept { return thread_; }

 private:
  std::shared_ptr<ReportThread> thread_;
  std::shared_ptr<State> state_;
};

}  // namespace acl_async
