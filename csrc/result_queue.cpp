#include "result_queue.h"

#include "bindings.h"
#include "error.h"
#include "memory.h"

namespace acl_async {

struct ResultQueue::State {
  struct Item {
    SafeObject tag;
    std::shared_ptr<const Layout> layout;
    std::vector<std::vector<uint8_t>> outputs;
    bool failed = false;
  };
  mutable std::mutex mu;  // holders never take the GIL
  std::deque<Item> items;
  size_t in_flight = 0;
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
  try {
    record->block->copy_outputs_to(item.outputs);
  } catch (...) {
    item.failed = true;  // the pool closed under the execution
  }
  if (auto pool = record->block->pool()) pool->give_back_quietly(*record->block);
  std::lock_guard<std::mutex> lock(record->state->mu);
  record->state->items.push_back(std::move(item));
  --record->state->in_flight;
}

}  // namespace

ResultQueue::ResultQueue(std::shared_ptr<ReportThread> thread)
    : thread_(std::move(thread)), state_(std::make_shared<State>()) {}

void ResultQueue::push_async(const std::shared_ptr<Block>& block, const std::shared_ptr<Stream>& stream,
                             py::object tag) {
  block->check_usable("ResultQueue.push_async()");
  auto record = std::make_unique<Collect>(Collect{state_, block, SafeObject(std::move(tag))});
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    ++state_->in_flight;
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
  py::list result;
  for (State::Item& item : items) {
    py::object tag = item.tag.take();
    if (item.failed) throw ClosedError("the MemoryPool was closed before the outputs were collected");
    py::list outputs;
    for (size_t i = 0; i < item.outputs.size(); ++i) {
      auto bytes = std::make_shared<std::vector<uint8_t>>(std::move(item.outputs[i]));
      void* data = bytes->data();
      outputs.append(make_view(item.layout->outputs[i], std::move(bytes), data));
    }
    result.append(py::make_tuple(std::move(tag), std::move(outputs)));
  }
  return result;
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
  py::class_<ResultQueue, std::shared_ptr<ResultQueue>>(m, "ResultQueue", R"doc(
Collects execution outputs on the report thread without the GIL:
``push_async(block, stream, tag)`` queues, after the block's execution, a
native callback that copies the outputs, returns the block to its pool and
appends ``(tag, outputs)``; ``pop_all()`` returns them in completion order.
)doc")
      .def(py::init<std::shared_ptr<ReportThread>>(), py::arg("report_thread"))
      .def("push_async", &ResultQueue::push_async, py::arg("block"), py::arg("stream"), py::arg("tag") = py::none())
      .def("pop_all", &ResultQueue::pop_all, "Every result collected so far: [(tag, [arrays]), ...].")
      .def_property_readonly("ready", &ResultQueue::ready, "Results waiting for pop_all().")
      .def_property_readonly("in_flight", &ResultQueue::in_flight, "Pushed results not collected yet.")
      .def_property_readonly("report_thread", &ResultQueue::report_thread);
}

}  // namespace acl_async
