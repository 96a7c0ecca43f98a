// ResultQueue: the Python class over the engine's ResultQueue: Python tags, numpy arrays of the
// collected outputs, and on_close() called with the GIL.
#include "result_queue.h"

#include <optional>
#include <string>

#include "bindings.h"
#include "errors.h"
#include "host_buffer.h"
#include "pyutil.h"

namespace acl_async {

namespace {

// A Python tag (its reference dropped with the GIL, on any thread).
struct PyTag final : ResultTag {
  explicit PyTag(py::object tag) : object(std::move(tag)) {}
  SafeObject object;
};

py::object tag_of(const ResultQueue::Item& item) {
  return item.tag ? static_cast<const PyTag&>(*item.tag).object.get() : py::none();
}

std::shared_ptr<ResultQueue> create_result_queue(std::shared_ptr<ReportThread> thread, py::object on_close,
                                                 bool zero_copy) {
  if (!on_close.is_none() && !PyCallable_Check(on_close.ptr())) {
    throw py::type_error("on_close must be callable or None");
  }
  std::function<void()> deliver;
  if (!on_close.is_none()) {
    auto fn = std::make_shared<SafeObject>(std::move(on_close));
    deliver = [fn] {
      if (!*fn || common::interpreter_exiting()) return;
      std::optional<common::GilAcquire> gil;  // hangs, never unwinds, as the interpreter finalizes
      if (!PyGILState_Check()) gil.emplace();
      try {
        py::object f = fn->take();
        if (!f.is_none()) f();
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("acl_async.ResultQueue on_close");
      } catch (...) {
      }
    };
  }
  return ResultQueue::create(std::move(thread), std::move(deliver), zero_copy);
}

void push_async(ResultQueue& queue, const std::shared_ptr<Block>& block,
                const std::shared_ptr<Stream>& stream, py::object tag) {
  queue.push_async(block, stream, std::make_unique<PyTag>(std::move(tag)));
}

// The results collected so far, in order: a list of (tag, [numpy arrays]). A result whose
// outputs were lost raises ClosedError when it is first in line (the others stay queued for the
// next call); never drops one.
py::list pop_all(ResultQueue& queue) {
  std::deque<ResultQueue::Item> items = queue.take_all();
  // Whatever is not handed out goes back to the front of the queue, in order.
  auto put_back = [&queue, &items](size_t from) { queue.put_back(items, from); };
  py::list result;
  size_t i = 0;
  try {
    for (; i < items.size(); ++i) {
      ResultQueue::Item& item = items[i];
      if (item.failed) {
        if (i > 0) break;  // first the results before it
        py::object tag = tag_of(item);
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
          auto owner = std::make_shared<Owner>(Owner{item.lease, item.memory[k]});
          outputs.append(make_view(item.layout->outputs[k], std::move(owner), data));
        }
        result.append(py::make_tuple(tag_of(item), std::move(outputs)));
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
        result.append(py::make_tuple(tag_of(item), std::move(outputs)));
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

}  // namespace

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
  cls.def(py::init(&create_result_queue), py::arg("report_thread"), py::arg("on_close") = py::none(),
          py::arg("zero_copy") = true)
      .def("push_async", &push_async, py::arg("block"), py::arg("stream"),
           py::arg("tag") = py::none())
      .def("pop_all", &pop_all, "Every result collected so far: [(tag, [arrays]), ...].")
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
