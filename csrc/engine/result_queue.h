// ResultQueue: collects the outputs of executions as they complete, without
// the GIL. push_async() queues a native callback after a block's execution:
// on the report thread it leases the block (zero-copy: the numpy arrays
// pop_all() hands out are views of the block's output buffers, and the block
// goes back to its pool when the last of them is gone) or, when the pool
// cannot spare it (MemoryPool::try_lease: at most size - 1 leases, so pool size
// and callback interval stay independent), copies the outputs into owned
// buffers and returns the block at once. take_all() hands them out in
// completion order (the binding's pop_all() makes numpy arrays, no further copy).
//
// Closing (explicitly, or with its report thread or context) waits for the
// collections in flight, then calls `on_close()` so the owner can
// deliver what is left: no accepted execution is lost.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "memory_pool.h"
#include "report_thread.h"
#include "resource.h"
#include "stream.h"
#include "tensor_desc.h"

namespace acl_async {

// What the owner attaches to each result (the binding: a Python object); destroyed on any thread.
struct ResultTag {
  virtual ~ResultTag() = default;
};

class ResultQueue : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  // One collected result: its outputs copied, or (zero-copy) the block's own output memory and
  // the lease that gives the block back when dropped; `failed` when the pool closed first.
  struct Item {
    std::unique_ptr<ResultTag> tag;
    std::shared_ptr<const Layout> layout;
    std::vector<std::vector<uint8_t>> outputs;    // copied outputs (no lease)
    std::shared_ptr<void> lease;                   // zero-copy: the block, back to its pool when released
    std::vector<std::shared_ptr<Memory>> memory;  // zero-copy: the block's output buffers
    bool failed = false;
  };
  struct State;
  ResultQueue(Key, std::shared_ptr<ReportThread> thread, std::function<void()> on_close, bool zero_copy);
  ~ResultQueue() override { close_from_destructor(); }
  // `on_close` (may be empty) runs once when the queue closed and every collection landed; it must
  // not throw (what it throws is dropped).
  static std::shared_ptr<ResultQueue> create(std::shared_ptr<ReportThread> thread,
                                             std::function<void()> on_close, bool zero_copy = true);

  // After the work already queued on `stream` for `block`: copy (or lease) its outputs,
  // queue (tag, outputs).
  void push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream,
                  std::unique_ptr<ResultTag> tag);
  // The results collected so far, in completion order (the queue is left empty).
  std::deque<Item> take_all();
  // Puts items[from:] back at the front of the queue, in order (what was not handed out).
  void put_back(std::deque<Item>& items, size_t from);
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
  std::function<void()> on_close_;
};

}  // namespace acl_async
