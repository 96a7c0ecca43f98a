// InferQueue: the Python class over the engine's InferQueueCore (csrc/engine/infer_queue_core.h:
// jobs, submission, completion order, back-pressure, teardown). This adds what is Python's: inputs
// from numpy, callbacks cb(outputs, userdata) with new numpy outputs, run with the GIL on whichever
// thread is waiting in start_async/wait_all (no GIL hand-off), or on the report thread when nobody
// waits. Callback errors are re-raised once, at the next start_async or wait_all; a job is always
// returned.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <utility>

#include "infer_queue_core.h"
#include "memory_pool.h"
#include "model.h"
#include "resource.h"

namespace acl_async {

namespace py = pybind11;

class InferQueue : public Resource, public std::enable_shared_from_this<InferQueue> {
  struct Key {
    explicit Key() = default;
  };

 public:
  class PyHost;
  InferQueue(Key, std::shared_ptr<Model> model, std::shared_ptr<InferQueueCore> core,
             std::shared_ptr<PyHost> host) noexcept;
  ~InferQueue() override { close_from_destructor(); }
  static std::shared_ptr<InferQueue> create(std::shared_ptr<Model> model, size_t jobs, int32_t poll_ms);

  void start_async(py::handle inputs, py::object userdata);
  // Starts a block from pool() whose inputs were written in place (no copy).
  void start_block(const std::shared_ptr<Block>& block, py::object userdata);
  std::shared_ptr<MemoryPool> pool() const;
  void set_callback(py::object callback);
  py::object callback() const;
  void wait_all(std::optional<double> timeout_s);
  bool is_ready();
  size_t get_idle_request_id();
  size_t size() const noexcept;
  py::list userdata() const;
  size_t completed() const;
  size_t in_flight() const;
  bool timing() const;
  void set_timing(bool on);
  py::array pop_timings();
  const std::shared_ptr<Model>& model() const noexcept { return model_; }
  bool in_callback() const;
  // The idle-spin heuristic (tests): counts of waits that spun / slept at once, and its bound.
  std::pair<uint64_t, uint64_t> wait_stats() const;
  void set_spin_latency(int64_t ns);

 protected:
  void release() noexcept override;

 private:
  // start_async (inputs copied) or start_block (`filled` written in place).
  void start(py::handle inputs, std::shared_ptr<Block> filled, py::object userdata);
  std::shared_ptr<Model> model_;
  std::shared_ptr<InferQueueCore> core_;
  std::shared_ptr<PyHost> host_;
};

}  // namespace acl_async
