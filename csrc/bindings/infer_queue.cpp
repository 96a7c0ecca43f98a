#include "infer_queue.h"

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.h"
#include "block_io.h"
#include "errors.h"
#include "pyutil.h"

namespace acl_async {

namespace {

// A request's Python userdata (its reference dropped with the GIL, on any thread).
struct PyUserdata final : RequestTag {
  explicit PyUserdata(py::object obj) : object(std::move(obj)) {}
  SafeObject object;
};

}  // namespace

// The Python side of a queue: the callback, its errors, the GIL around deliveries.
class InferQueue::PyHost final : public InferQueueHost {
 public:
  SafeObject callback;  // read and written with the GIL
  PendingErrors errors;

  // GIL held (deliveries run with it): new numpy outputs, then cb(outputs, userdata).
  std::function<void()> collect(Block& block, std::unique_ptr<RequestTag> tag) override {
    py::object cb = callback.get();
    py::object userdata = tag ? static_cast<PyUserdata&>(*tag).object.take() : py::none();
    tag.reset();
    if (cb.is_none()) return {};
    py::object outputs;
    try {
      outputs = block_copy_outputs(block);
    } catch (py::error_already_set& e) {
      errors.add(e);
      return {};
    } catch (const std::exception& e) {
      errors.add_message(e.what());
      return {};
    }
    // Shared: std::function needs a copyable target; the references are dropped with the GIL.
    auto call = std::make_shared<std::tuple<py::object, py::object, py::object>>(
        std::move(cb), std::move(outputs), std::move(userdata));
    return [this, call] {
      auto& [fn, out, data] = *call;
      try {
        fn(std::move(out), std::move(data));
      } catch (py::error_already_set& e) {
        errors.add(e);
      }
      fn = py::object();
      out = py::object();
      data = py::object();
    };
  }
  void check_start() override {
    if (!errors.empty()) errors.raise_if_any();
  }
  void enter(bool report_thread, const std::function<void()>& fn) override {
    if (common::interpreter_exiting()) return;
    if (report_thread) {
      ReportThreadGil gil;
      fn();
      return;
    }
    std::optional<common::GilAcquire> gil;  // hangs, never unwinds, as the interpreter finalizes
    if (!PyGILState_Check()) gil.emplace();
    fn();
  }
  bool exiting() const noexcept override { return common::interpreter_exiting(); }
};

InferQueue::InferQueue(Key, std::shared_ptr<Model> model, std::shared_ptr<InferQueueCore> core,
                       std::shared_ptr<PyHost> host) noexcept
    : Resource("InferQueue"), model_(std::move(model)), core_(std::move(core)), host_(std::move(host)) {}

std::shared_ptr<InferQueue> InferQueue::create(std::shared_ptr<Model> model, size_t jobs, int32_t poll_ms) {
  auto host = std::make_shared<PyHost>();
  auto core = InferQueueCore::create(model, jobs, poll_ms, host);
  auto queue = std::make_shared<InferQueue>(Key{}, model, std::move(core), std::move(host));
  model->context()->add_child(queue);
  model->add_child(queue);  // closing the model closes the queues made from it first
  return queue;
}

void InferQueue::start_async(py::handle inputs, py::object userdata) {
  start(inputs, nullptr, std::move(userdata));
}

void InferQueue::start_block(const std::shared_ptr<Block>& block, py::object userdata) {
  if (!block) throw py::type_error("start_block() needs a Block");
  start(py::none(), block, std::move(userdata));
}

void InferQueue::start(py::handle inputs, std::shared_ptr<Block> filled, py::object userdata) {
  core_->start([inputs](Block& block) { block_set_inputs(block, inputs); }, std::move(filled),
               std::make_unique<PyUserdata>(std::move(userdata)));
}

void InferQueue::set_callback(py::object callback) {
  check_open();
  if (!callback.is_none() && !PyCallable_Check(callback.ptr())) {
    throw py::type_error("callback must be callable or None, got " +
                         std::string(Py_TYPE(callback.ptr())->tp_name));
  }
  host_->callback = SafeObject(std::move(callback));
}

py::object InferQueue::callback() const { return host_->callback.get(); }

void InferQueue::wait_all(std::optional<double> timeout_s) {
  core_->wait_all(timeout_s);
  host_->errors.raise_if_any();
}

bool InferQueue::is_ready() {
  check_open();
  return core_->is_ready();
}

size_t InferQueue::get_idle_request_id() { return core_->get_idle_request_id(); }

std::shared_ptr<MemoryPool> InferQueue::pool() const { return core_->pool(); }

size_t InferQueue::size() const noexcept { return core_->size(); }

py::list InferQueue::userdata() const {
  py::list result;
  core_->for_each_tag([&result](const RequestTag* tag) {
    result.append(tag ? static_cast<const PyUserdata&>(*tag).object.get() : py::none());
  });
  return result;
}

size_t InferQueue::completed() const { return core_->completed(); }

size_t InferQueue::in_flight() const { return core_->in_flight(); }

bool InferQueue::timing() const { return core_->timing(); }

void InferQueue::set_timing(bool on) { core_->set_timing(on); }

py::array InferQueue::pop_timings() {
  std::vector<int64_t> timings = core_->pop_timings();
  py::array_t<int64_t> result({static_cast<py::ssize_t>(timings.size() / 2), static_cast<py::ssize_t>(2)});
  if (!timings.empty()) std::memcpy(result.mutable_data(), timings.data(), timings.size() * sizeof(int64_t));
  return std::move(result);
}

std::pair<uint64_t, uint64_t> InferQueue::wait_stats() const { return core_->wait_stats(); }

void InferQueue::set_spin_latency(int64_t ns) { core_->set_spin_latency(ns); }

bool InferQueue::in_callback() const { return core_->in_callback(); }

void InferQueue::release() noexcept {
  std::shared_ptr<InferQueueCore> core = core_;
  std::shared_ptr<PyHost> host = host_;
  core->close();  // start_async refuses new requests from here on
  run_or_defer([core, host] {
    core->finish();  // every accepted request completes: its work runs, then its callback
    host->callback.reset();
    host->errors.clear();
  });
}

void regclass_InferQueue(py::module_& m) {
  py::class_<InferQueue, std::shared_ptr<InferQueue>> cls(m, "InferQueue", R"doc(
``jobs`` parallel requests on ``model`` (each with its own stream, model load
and block), with OpenVINO AsyncInferQueue semantics. acl_async.InferQueue
(a subclass) also accepts jobs=0: the device's suggested number.
)doc");
  cls.def(py::init(&InferQueue::create), py::arg("model"), py::arg("jobs"), py::arg("poll_ms") = 20)
      .def("start_async", &InferQueue::start_async, py::arg("inputs"), py::arg("userdata") = py::none(),
           R"doc(
Start one request on an idle job, waiting (GIL released) while none is idle.
``inputs`` as for Block.set_inputs. Raises the first error of an earlier
callback instead (once; the request is not started then).
)doc")
      .def("start_block", &InferQueue::start_block, py::arg("block"), py::arg("userdata") = py::none(),
           R"doc(
start_async() for inputs written in place: ``block`` from ``pool`` (acquire()
it, write ``block.input(i)``) becomes the block of an idle job, which executes
it with no copy; the job's previous block goes back to the pool. Not started
(an earlier callback's error, closing), ``block`` goes back to the pool.
)doc")
      .def_property_readonly("pool", [](const InferQueue& self) { return self.pool(); },
                             "The blocks: one per job, as many spare ones for start_block().")
      .def("set_callback", &InferQueue::set_callback, py::arg("callback"), R"doc(
``callback(outputs, userdata)`` runs once per request, outputs being new
numpy arrays (one per model output). None removes it.
)doc")
      .def_property_readonly("callback", &InferQueue::callback)
      .def("wait_all", &InferQueue::wait_all, py::arg("timeout") = py::none(), R"doc(
Wait until every started request finished and its callback ran, then
re-raise (once) the first error a callback raised. ``timeout`` in seconds.
)doc")
      .def("is_ready", &InferQueue::is_ready, "True when a job is idle (start_async will not wait).")
      .def("get_idle_request_id", &InferQueue::get_idle_request_id, "Index of an idle job, waiting for one.")
      .def("__len__", &InferQueue::size)
      .def_property_readonly("jobs", &InferQueue::size)
      .def_property_readonly("userdata", &InferQueue::userdata, "Userdata of each job's current request.")
      .def_property_readonly("completed", &InferQueue::completed, "Requests whose callback finished.")
      .def_property_readonly("in_flight", &InferQueue::in_flight, "Requests started, callback not finished.")
      .def_property("timing", &InferQueue::timing, &InferQueue::set_timing,
                    "Record (start, end) steady-clock ns of each request, for pop_timings().")
      .def("pop_timings", &InferQueue::pop_timings, R"doc(
int64 array [n, 2]: start (start_async) and end (device completion) times,
steady-clock ns comparable with time.perf_counter_ns(), in callback order.
)doc")
      .def_property_readonly("model", &InferQueue::model)
      .def_property_readonly("in_callback", &InferQueue::in_callback,
                             "True when called from one of this queue's callbacks.")
      .def_property_readonly(
          "_wait_stats",
          [](const InferQueue& self) {
            auto [spins, sleeps] = self.wait_stats();
            return py::make_tuple(spins, sleeps);
          },
          "(waits that spun before sleeping, waits that slept at once): the idle-spin heuristic, for tests.")
      .def("_set_spin_latency", &InferQueue::set_spin_latency, py::arg("ns"),
           "Waiters spin only after requests that took at most ``ns`` (default 200 us); for tests.");
  def_resource_methods(cls);
}

}  // namespace acl_async
