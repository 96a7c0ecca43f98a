#include "result_queue.h"

#include "errors.h"
#include "wait.h"
#include "memory.h"

#include <algorithm>
#include <optional>
#include <string>

namespace acl_async {

struct ResultQueue::State {
  mutable std::mutex mu;  // holders never take the GIL
  std::deque<ResultQueue::Item> items;
  size_t in_flight = 0;
  std::vector<std::shared_ptr<Stream>> streams;  // every stream pushed on (drained at close)
  bool zero_copy = true;                          // results may view their blocks (MemoryPool::try_lease)
  bool delivered = false;                         // closed and on_close() returned
  std::condition_variable delivered_cv;
};

namespace {

struct Collect {
  std::shared_ptr<ResultQueue::State> state;
  std::shared_ptr<Block> block;
  std::unique_ptr<ResultTag> tag;
};

// Runs on the report thread, without the GIL.
void collect_outputs(void* data) {
  std::unique_ptr<Collect> record(static_cast<Collect*>(data));
  ResultQueue::Item item;
  item.tag = std::move(record->tag);
  item.layout = record->block->layout_ptr();
  auto pool = record->block->pool();
  try {
    if (pool && record->state->zero_copy && pool->try_lease()) {
      // Zero-copy: the views Python gets are the block's output buffers; the block goes back to
      // its pool once the last of them is gone (the callback returned and no view was kept).
      std::shared_ptr<Block> block = record->block;
      item.lease = std::shared_ptr<void>(block.get(), [block, pool](void*) { pool->end_lease(*block); });
      for (size_t i = 0; i < block->layout().outputs.size(); ++i)
        item.memory.push_back(block->output_memory(i));
    } else {
      record->block->copy_outputs_to(item.outputs);
    }
  } catch (...) {
    item.failed = true;  // the pool closed under the execution
    item.memory.clear();
    item.lease.reset();  // gives the block back
  }
  if (!item.lease && pool) pool->give_back_quietly(*record->block);
  std::lock_guard<std::mutex> lock(record->state->mu);
  record->state->items.push_back(std::move(item));
  --record->state->in_flight;
}

}  // namespace

ResultQueue::ResultQueue(Key, std::shared_ptr<ReportThread> thread, std::function<void()> on_close,
                         bool zero_copy)
    : Resource("ResultQueue"),
      thread_(std::move(thread)),
      state_(std::make_shared<State>()),
      on_close_(std::move(on_close)) {
  state_->zero_copy = zero_copy;
}

std::shared_ptr<ResultQueue> ResultQueue::create(std::shared_ptr<ReportThread> thread,
                                                 std::function<void()> on_close, bool zero_copy) {
  run_deferred();
  thread->check_open();
  auto queue = std::make_shared<ResultQueue>(Key{}, thread, std::move(on_close), zero_copy);
  thread->context()->add_child(queue);
  thread->add_child(queue);  // closed before its report thread stops
  return queue;
}

void ResultQueue::push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream,
                             std::unique_ptr<ResultTag> tag) {
  check_open();
  block->check_usable("ResultQueue.push_async()");
  auto record = std::make_unique<Collect>(Collect{state_, block, std::move(tag)});
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    ++state_->in_flight;
    auto& streams = state_->streams;
    if (std::find(streams.begin(), streams.end(), stream) == streams.end()) streams.push_back(stream);
  }
  try {
    thread_->launch_native(collect_outputs, record.get(), stream, /*block=*/false);
  } catch (...) {
    std::lock_guard<std::mutex> lock(state_->mu);
    --state_->in_flight;
    throw;
  }
  record.release();  // owned by the queued callback now
}

std::deque<ResultQueue::Item> ResultQueue::take_all() {
  std::deque<Item> items;
  std::unique_lock<std::mutex> lock = lock_releasing_gil(state_->mu);
  items.swap(state_->items);
  return items;
}

void ResultQueue::put_back(std::deque<Item>& items, size_t from) {
  std::unique_lock<std::mutex> lock = lock_releasing_gil(state_->mu);
  for (size_t i = items.size(); i-- > from;) state_->items.push_front(std::move(items[i]));
}

void ResultQueue::release() noexcept {
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    streams.swap(state_->streams);
  }
  std::function<void()> on_close = on_close_;
  std::shared_ptr<State> state = state_;
  run_or_defer([streams, on_close, state] {
    struct Delivered {  // however the delivery ends, wait_delivered() returns
      std::shared_ptr<State> state;
      ~Delivered() {
        {
          std::lock_guard<std::mutex> lock(state->mu);
          state->delivered = true;
        }
        state->delivered_cv.notify_all();
      }
    } delivered{state};
    for (const auto& stream : streams) stream->drain_quietly();  // every collection in flight lands
    if (!on_close) return;
    try {
      on_close();
    } catch (...) {
    }
  });
}

void ResultQueue::wait_delivered() {
  if (on_report_thread()) return;  // a callback's thread: the delivery runs after the callback
  std::unique_lock<std::mutex> lock(state_->mu);
  while (!state_->delivered) {
    lock.unlock();
    run_deferred();  // a delivery left by a close() in a callback runs here, if no thread took it yet
    lock.lock();
    if (state_->delivered) break;
    wait_slice(state_->delivered_cv, lock, std::nullopt, [this] { return state_->delivered; });
  }
}

size_t ResultQueue::ready() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->items.size();
}

size_t ResultQueue::in_flight() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->in_flight;
}

}  // namespace acl_async
