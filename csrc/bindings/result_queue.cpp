#include "result_queue.h"

#include "bindings.h"
#include "errors.h"
#include "host_buffer.h"
#include "wait.h"
#include "memory.h"

#include <algorithm>
#include <optional>
#include <string>

namespace acl_async {

struct ResultQueue::State {
  struct Item {
    SafeObject tag;
    std::shared_ptr<const Layout> layout;
    std::vector<std::vector<uint8_t>> outputs;  // copied outputs (no lease)
    std::shared_ptr<void> lease;                 // zero-copy: the block, back to its pool when released
    std::vector<std::shared_ptr<Memory>> memory;  // zero-copy: the block's output buffers
    bool failed = false;
  };
  mutable std::mutex mu;  // holders never take the GIL
  std::deque<Item> items;
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
  SafeObject tag;
};

// Runs on the report thread, without the GIL.
void collect_outputs(void* data) {
  std::unique_ptr<Collect> record(static_cast<Collect*>(data));
  ResultQueue::State::Item item;
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

ResultQueue::ResultQueue(Key, std::shared_ptr<ReportThread> thread, py::object on_close, bool zero_copy)
    : Resource("ResultQueue"),
      thread_(std::move(thread)),
      state_(std::make_shared<State>()),
      on_close_(std::make_shared<SafeObject>(std::move(on_close))) {
  state_->zero_copy = zero_copy;
}

std::shared_ptr<ResultQueue> ResultQueue::create(std::shared_ptr<ReportThread> thread, py::object on_close,
                                                 bool zero_copy) {
  run_deferred();
  if (!on_close.is_none() && !PyCallable_Check(on_close.ptr())) {
    throw py::type_error("on_close must be callable or None");
  }
  thread->check_open();
  auto queue = std::make_shared<ResultQueue>(Key{}, thread, std::move(on_close), zero_copy);
  thread->context()->add_child(queue);
  thread->add_child(queue);  // closed before its report thread stops
  return queue;
}

void ResultQueue::push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream,
                             py::object tag) {
  check_open();
  block->check_usable("ResultQueue.push_async()");
  auto record = std::make_unique<Collect>(Collect{state_, block, SafeObject(std::move(tag))});
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

py::list ResultQueue::pop_all() {
  std::deque<State::Item> items;
  {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(state_->mu);
    items.swap(state_->items);
  }
  // Whatever is not handed out goes back to the front of the queue, in order.
  auto put_back = [this, &items](size_t from) {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(state_->mu);
    for (size_t i = items.size(); i-- > from;) state_->items.push_front(std::move(items[i]));
  };
  py::list result;
  size_t i = 0;
  try {
    for (; i < items.size(); ++i) {
      State::Item& item = items[i];
      if (item.failed) {
        if (i > 0) break;  // first the results before it
        py::object tag = item.tag.take();
        put_back(1);
        throw ClosedError("the MemoryPool was closed before the outputs of " +
                          py::repr(tag).cast<std::string>() + " were collected");
      }
      if (item.lease) {  // views of the block's own output buffers, each keeping the lease
        py::list outputs;
        for (size_t k = 0; k < item.memory.size(); ++k) {
          struct Owner {
            std::shared_ptr<void> lease;
            std::shared_ptr<Memory> memory;
          };
          void* data = item.memory[k]->data();
          outputs.append(make_view(item.layout->outputs[k], std::make_shared<Owner>(Owner{item.lease, item.memory[k]}),
                                   data));
        }
        result.append(py::make_tuple(item.tag.get(), std::move(outputs)));
        continue;
      }
      // The outputs move into the arrays (no copy); on failure they move back.
      std::vector<std::shared_ptr<std::vector<uint8_t>>> moved;
      try {
        py::list outputs;
        for (size_t k = 0; k < item.outputs.size(); ++k) {
          moved.push_back(std::make_shared<std::vector<uint8_t>>(std::move(item.outputs[k])));
          void* data = moved.back()->data();
          outputs.append(make_view(item.layout->outputs[k], moved.back(), data));
        }
        result.append(py::make_tuple(item.tag.get(), std::move(outputs)));
      } catch (...) {
        for (size_t k = 0; k < moved.size(); ++k) {
          if (moved[k].use_count() == 1) item.outputs[k] = std::move(*moved[k]);
        }
        throw;
      }
    }
  } catch (const ClosedError&) {
    throw;
  } catch (...) {
    // Out of memory converting item i: hand out what is ready, keep the rest.
    if (i == 0) {
      put_back(0);
      throw;
    }
    PyErr_Clear();
  }
  put_back(i);
  return result;
}

void ResultQueue::release() noexcept {
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    streams.swap(state_->streams);
  }
  std::shared_ptr<SafeObject> on_close = on_close_;
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
    if (!*on_close || common::interpreter_exiting()) return;
    std::optional<py::gil_scoped_acquire> gil;
    if (!PyGILState_Check()) gil.emplace();
    try {
      py::object fn = on_close->take();
      if (!fn.is_none()) fn();
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("acl_async.ResultQueue on_close");
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

void regclass_ResultQueue(py::module_& m) {
  py::class_<ResultQueue, std::shared_ptr<ResultQueue>> cls(m, "ResultQueue", R"doc(
Collects execution outputs on the report thread without the GIL:
``push_async(block, stream, tag)`` queues, after the block's execution, a
native callback that appends ``(tag, outputs)``; ``pop_all()`` returns them in
completion order. With ``zero_copy`` the outputs are views of the block's own
output buffers and the block goes back to its pool when the last view is gone
(while the pool can spare it: else, and without ``zero_copy``, the outputs are
copied and the block goes back at once).
Closing it (or its report thread, or its context) waits for the collections
in flight, then calls ``on_close()`` so what is left can be delivered.
)doc");
  cls.def(py::init(&ResultQueue::create), py::arg("report_thread"), py::arg("on_close") = py::none(),
          py::arg("zero_copy") = true)
      .def("push_async", &ResultQueue::push_async, py::arg("block"), py::arg("stream"),
           py::arg("tag") = py::none())
      .def("pop_all", &ResultQueue::pop_all, "Every result collected so far: [(tag, [arrays]), ...].")
      .def("wait_delivered", &ResultQueue::wait_delivered, R"doc(
After close() (from any thread, a callback's too): wait until the closing
delivery (``on_close()``) has returned, running it here if it is still
pending. Returns at once on a report thread.
)doc")
      .def_property_readonly("ready", &ResultQueue::ready, "Results waiting for pop_all().")
      .def_property_readonly("in_flight", &ResultQueue::in_flight, "Pushed results not collected yet.")
      .def_property_readonly("report_thread", &ResultQueue::report_thread);
  def_resource_methods(cls);
}

}  // namespace acl_async
