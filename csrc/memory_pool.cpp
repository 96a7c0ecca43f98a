#include "memory_pool.h"
#include "selftest_plant.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

#include "bindings.h"
#include "error.h"
#include "interruptible.h"
#include "limits.h"
#include "model.h"
#include "pyutil.h"

namespace acl_async {

namespace {

std::string shape_text(const py::array& a) {
  std::ostringstream out;
  out << "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) out << (i ? ", " : "") << a.shape(i);
  if (a.ndim() == 1) out << ",";
  out << ")";
  return out.str();
}

std::string input_label(const TensorDesc& d) {
  return "input " + std::to_string(d.index) + " ('" + d.name + "')";
}

bool is_raw_bytes(py::handle value) {
  return PyBytes_Check(value.ptr()) || PyByteArray_Check(value.ptr()) || PyMemoryView_Check(value.ptr());
}

bool shape_matches(const py::array& a, const std::vector<py::ssize_t>& shape) {
  if (a.ndim() != static_cast<py::ssize_t>(shape.size())) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (a.shape(static_cast<py::ssize_t>(i)) != shape[i]) return false;
  }
  return true;
}

}  // namespace

bool device_memory_is_host() noexcept {
  static const bool host = [] {
    const char* soc = aclrtGetSocName();
    return soc != nullptr && std::strcmp(soc, "HostCPU") == 0;
  }();
  return host;
}

// ---------------------------------------------------------------- Block

Block::Block(Key, size_t index, std::weak_ptr<MemoryPool> pool, std::shared_ptr<const Layout> layout,
             bool copies)
    : index_(index), pool_(std::move(pool)), layout_(std::move(layout)), copies_(copies) {}

std::shared_ptr<Block> Block::create(size_t index, std::weak_ptr<MemoryPool> pool,
                                     std::shared_ptr<const Layout> layout,
                                     const std::shared_ptr<Context>& context) {
  bool copies = context->run_mode() == ACL_HOST && !device_memory_is_host();
  auto block = std::make_shared<Block>(Key{}, index, std::move(pool), layout, copies);
  block->input_dataset_ = std::make_unique<Dataset>();
  block->output_dataset_ = std::make_unique<Dataset>();
  auto make = [&](const std::vector<TensorDesc>& descs, std::vector<Tensor>& tensors, Dataset& dataset) {
    for (const TensorDesc& d : descs) {
      Tensor t;
      t.device = Memory::allocate(Memory::Kind::Device, d.size, context);
      t.host = copies ? Memory::allocate(Memory::Kind::Host, d.size, context) : t.device;
      dataset.add(t.device->data(), d.size);
      tensors.push_back(std::move(t));
    }
  };
  make(layout->inputs, block->inputs_, *block->input_dataset_);
  make(layout->outputs, block->outputs_, *block->output_dataset_);
  return block;
}

void Block::check_usable(const char* what) const {
  auto pool = pool_.lock();
  if (!pool || pool->closed()) throw ClosedError(std::string(what) + ": the block's MemoryPool is closed");
  if (!in_use()) {
    throw std::invalid_argument(std::string(what) + ": block " + std::to_string(index_) +
                                " is not acquired (it was released to its pool)");
  }
}

void* Block::host_data(const std::vector<Tensor>& tensors, size_t i) const {
  if (freed_) throw ClosedError("the block's MemoryPool is closed");
  return tensors.at(i).host->data();
}

py::array Block::input_view(size_t i) { return view(inputs_, layout_->inputs, i, "input"); }

py::array Block::output_view(size_t i) { return view(outputs_, layout_->outputs, i, "output"); }

py::array Block::view(const std::vector<Tensor>& tensors, const std::vector<TensorDesc>& descs, size_t i,
                      const char* what) {
  if (i >= descs.size()) throw py::index_error(std::string(what) + " index out of range");
  std::shared_ptr<Memory> memory;
  {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
    if (freed_) throw ClosedError("the block's MemoryPool is closed");
    memory = tensors[i].host;
  }
  void* data = memory->data();
  return make_view(descs[i], std::move(memory), data);
}

void Block::copy_input(size_t i, py::handle value) {
  const TensorDesc& d = layout_->inputs[i];
  if (is_raw_bytes(value)) {  // raw bytes in the model's layout (e.g. a .bin file)
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(value).request();
    size_t nbytes = static_cast<size_t>(info.size * info.itemsize);
    if (nbytes != d.size) {
      throw InputError(input_label(d) + ": expected " + std::to_string(d.size) + " bytes (" + d.describe() +
                       "), got " + std::to_string(nbytes));
    }
    if (!PyBuffer_IsContiguous(info.view(), 'C'))
      throw InputError(input_label(d) + ": buffer is not contiguous");
    copy_in(i, info.ptr, nbytes);
    return;
  }
  py::dtype want = d.numpy_dtype();
  py::array array;
  if (py::isinstance<py::array>(value)) {
    array = py::reinterpret_borrow<py::array>(value);
    if (!array.dtype().equal(want)) {
      throw InputError(input_label(d) + ": expected " + d.describe() + ", got " +
                       py::str(array.dtype()).cast<std::string>() + " " + shape_text(array) +
                       " (convert it with .astype(numpy." + py::str(want).cast<std::string>() + "))");
    }
  } else {
    try {
      array = py::module_::import("numpy").attr("asarray")(value, want);
    } catch (py::error_already_set& e) {
      throw InputError(input_label(d) + ": cannot make a " + d.describe() + " array from " +
                       std::string(Py_TYPE(value.ptr())->tp_name) + ": " + e.what());
    }
  }
  if (!shape_matches(array, d.view_shape())) {
    throw InputError(input_label(d) + ": expected " + d.describe() + ", got " +
                     py::str(array.dtype()).cast<std::string>() + " " + shape_text(array));
  }
  if (!(array.flags() & py::array::c_style)) array = py::array::ensure(array, py::array::c_style);
  if (!array) throw py::error_already_set();
  copy_in(i, array.data(), d.size);
}

void Block::copy_in(size_t i, const void* src, size_t size) {
  size += acl_async::selftest::overread("ext-overread");
  if (size < kNoGilCopyBytes) {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
    std::memcpy(host_data(inputs_, i), src, size);
    return;
  }
  // A picture-sized copy runs without the GIL: the callback thread goes on meanwhile. The lock goes
  // before the GIL comes back (its holders never take the GIL).
  py::gil_scoped_release nogil;
  std::lock_guard<std::mutex> lock(mu_);
  std::memcpy(host_data(inputs_, i), src, size);
}

void Block::set_inputs(py::handle inputs) {
  const std::vector<TensorDesc>& descs = layout_->inputs;
  const size_t n = descs.size();
  if (py::isinstance<py::dict>(inputs)) {
    std::vector<bool> seen(n, false);
    for (auto item : py::reinterpret_borrow<py::dict>(inputs)) {
      size_t index = n;
      if (py::isinstance<py::str>(item.first)) {
        auto name = item.first.cast<std::string>();
        for (const TensorDesc& d : descs) {
          if (d.name == name) index = d.index;
        }
        if (index == n) throw InputError("the model has no input named '" + name + "'");
      } else if (PyLong_Check(item.first.ptr())) {
        auto i = item.first.cast<long long>();
        if (i < 0 || static_cast<size_t>(i) >= n)
          throw InputError("input index " + std::to_string(i) + " out of range");
        index = static_cast<size_t>(i);
      } else {
        throw InputError("input keys must be names (str) or indices (int)");
      }
      if (seen[index]) throw InputError(input_label(descs[index]) + " is given twice");
      seen[index] = true;
      copy_input(index, item.second);
    }
    std::string missing;
    for (size_t i = 0; i < n; ++i) {
      if (!seen[i]) missing += (missing.empty() ? "" : ", ") + descs[i].name;
    }
    if (!missing.empty()) throw InputError("missing input(s): " + missing);
    return;
  }
  bool sequence = py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs);
  if (sequence) {
    auto items = py::reinterpret_borrow<py::sequence>(inputs);
    size_t count = static_cast<size_t>(py::len(items));
    // One entry per input; a single-input model also takes its data as a nested list.
    bool per_input =
        n != 1 || (count == 1 && (py::isinstance<py::array>(items[0]) || is_raw_bytes(items[0])));
    if (per_input) {
      if (count != n) {
        throw InputError("the model has " + std::to_string(n) + " input(s), got " + std::to_string(count));
      }
      for (size_t i = 0; i < n; ++i) copy_input(i, items[i]);
      return;
    }
  }
  if (inputs.is_none() && n == 0) return;
  if (n != 1) {
    throw InputError("the model has " + std::to_string(n) +
                     " inputs: pass a list/tuple of arrays or a dict keyed by name or index");
  }
  copy_input(0, inputs);
}

py::list Block::copy_outputs() {
  const std::vector<TensorDesc>& descs = layout_->outputs;
  py::list result(descs.size());
  std::vector<py::array> arrays;
  arrays.reserve(descs.size());
  for (const TensorDesc& d : descs) arrays.emplace_back(d.numpy_dtype(), d.view_shape());
  {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
    for (size_t i = 0; i < descs.size(); ++i) {
      std::memcpy(arrays[i].mutable_data(), host_data(outputs_, i), descs[i].size);
    }
  }
  for (size_t i = 0; i < descs.size(); ++i) result[i] = std::move(arrays[i]);
  return result;
}

void Block::copy_outputs_to(std::vector<std::vector<uint8_t>>& out) {
  const std::vector<TensorDesc>& descs = layout_->outputs;
  out.resize(descs.size());
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < descs.size(); ++i) {
    auto* data = static_cast<const uint8_t*>(host_data(outputs_, i));
    out[i].assign(data, data + descs[i].size);
  }
}

std::shared_ptr<Memory> Block::output_memory(size_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (freed_) throw ClosedError("the block's MemoryPool is closed");
  return outputs_.at(i).host;
}

void Block::run_locked(uint32_t model_id, aclrtStream stream) {
  if (freed_ || retired_) throw ClosedError("the block's MemoryPool is closed");
  const Layout& layout = *layout_;
  auto copy = [&](void* dst, const void* src, size_t size, aclrtMemcpyKind kind) {
    if (size == 0) return;
    if (stream != nullptr) {
      check(aclrtMemcpyAsync(dst, size, src, size, kind, stream), "aclrtMemcpyAsync");
    } else {
      check(aclrtMemcpy(dst, size, src, size, kind), "aclrtMemcpy");
    }
  };
  if (copies_) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      copy(inputs_[i].device->data(), inputs_[i].host->data(), layout.inputs[i].size,
           ACL_MEMCPY_HOST_TO_DEVICE);
    }
  }
  if (stream != nullptr) {
    check(aclmdlExecuteAsync(model_id, input_dataset_->get(), output_dataset_->get(), stream),
          "aclmdlExecuteAsync");
  } else {
    check(aclmdlExecute(model_id, input_dataset_->get(), output_dataset_->get()), "aclmdlExecute");
  }
  if (copies_) {
    for (size_t i = 0; i < outputs_.size(); ++i) {
      copy(outputs_[i].host->data(), outputs_[i].device->data(), layout.outputs[i].size,
           ACL_MEMCPY_DEVICE_TO_HOST);
    }
  }
}

void Block::enqueue(uint32_t model_id, const std::shared_ptr<Stream>& stream) {
  aclrtStream handle = stream->handle();
  std::lock_guard<std::mutex> lock(mu_);
  if (!freed_ && !retired_ && std::find(streams_.begin(), streams_.end(), stream) == streams_.end()) {
    streams_.push_back(stream);  // before any task is queued
  }
  run_locked(model_id, handle);
}

void Block::execute(uint32_t model_id) {
  std::lock_guard<std::mutex> lock(mu_);
  run_locked(model_id, nullptr);
}

std::vector<std::shared_ptr<Stream>> Block::retire() noexcept {
  std::unique_lock<std::mutex> lock =
      lock_releasing_gil(mu_);  // waits for an execute()/enqueue() in progress
  retired_ = true;
  return std::move(streams_);
}

void Block::free_memory() noexcept {
  std::vector<Tensor> inputs, outputs;
  std::unique_ptr<Dataset> input_dataset, output_dataset;
  {
    std::lock_guard<std::mutex> lock(mu_);
    freed_ = true;
    inputs.swap(inputs_);
    outputs.swap(outputs_);
    input_dataset.swap(input_dataset_);
    output_dataset.swap(output_dataset_);
  }
  // Datasets and buffers go first; numpy views may keep host memory alive longer.
}

// ---------------------------------------------------------------- MemoryPool

std::shared_ptr<MemoryPool> MemoryPool::create(std::shared_ptr<Context> context,
                                               std::shared_ptr<const Layout> layout, size_t size) {
  run_deferred();
  context->check_open();
  if (size == 0) throw std::invalid_argument("a MemoryPool needs at least 1 block");
  for (const auto* descs : {&layout->inputs, &layout->outputs}) {
    for (const TensorDesc& d : *descs) {
      if (d.dynamic()) {
        throw std::invalid_argument("tensor '" + d.name +
                                    "' has a dynamic shape: MemoryPool needs static shapes");
      }
    }
  }
  // Limits first: a pool that cannot fit fails at once, not after minutes of allocating.
  size_t device_bytes = 0;
  for (const auto* descs : {&layout->inputs, &layout->outputs}) {
    for (const TensorDesc& d : *descs) device_bytes += (std::max<size_t>(d.size, 1) + 63) / 64 * 64;
  }
  const bool copies = context->run_mode() == ACL_HOST && !device_memory_is_host();
  context->activate();
  check_memory_fits("a MemoryPool of " + std::to_string(size) + " blocks", size, device_bytes,
                    copies ? device_bytes : 0);
  auto pool = std::make_shared<MemoryPool>(Key{}, context, layout);
  pool->size_ = size;
  pool->blocks_.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    if (i % 1024 == 1023) check_signals_if_gil();  // a big pool takes a while: Ctrl-C stops it (and frees it)
    pool->blocks_.push_back(Block::create(i, pool, layout, context));
    pool->idle_.push_back(i);
  }
  context->add_child(pool);
  return pool;
}

std::shared_ptr<Block> MemoryPool::take_locked(std::unique_lock<std::mutex>&) {
  size_t index = idle_.front();
  idle_.pop_front();
  std::shared_ptr<Block> block = blocks_[index];
  block->in_use_.store(true, std::memory_order_release);
  return block;
}

std::shared_ptr<Block> MemoryPool::acquire(std::optional<double> timeout_s) {
  run_deferred();
  check_open();
  std::optional<int64_t> deadline = deadline_after(timeout_s);
  std::unique_lock<std::mutex> lock(mu_);
  while (idle_.empty()) {
    if (closed()) throw ClosedError("MemoryPool is closed");
    int64_t now = now_ns();
    if (deadline && now >= *deadline) {
      throw WaitTimeout("no free block in the MemoryPool within " + std::to_string(*timeout_s) + " s");
    }
    if (!deadline && on_report_thread()) {
      throw UsageError(
          "MemoryPool.acquire() without a timeout cannot wait in a callback: blocks are "
          "returned by callbacks on this thread");
    }
    wait_slice(cv_, lock, deadline, [&] { return !idle_.empty() || closed(); });
  }
  if (closed()) throw ClosedError("MemoryPool is closed");
  return take_locked(lock);
}

std::shared_ptr<Block> MemoryPool::try_acquire() {
  check_open();
  std::unique_lock<std::mutex> lock(mu_);
  if (idle_.empty()) return nullptr;
  return take_locked(lock);
}

void MemoryPool::give_back(Block& block) {
  if (block.pool().get() != this) throw std::invalid_argument("the block belongs to another MemoryPool");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed()) return;  // everything went back at close()
    if (!block.in_use()) {
      throw std::invalid_argument("block " + std::to_string(block.index()) + " was already released");
    }
    block.in_use_.store(false, std::memory_order_release);
    idle_.push_back(block.index());
  }
  cv_.notify_one();
}

void MemoryPool::give_back_quietly(Block& block) noexcept {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed() || !block.in_use()) return;
    block.in_use_.store(false, std::memory_order_release);
    idle_.push_back(block.index());
  }
  cv_.notify_one();
}

bool MemoryPool::try_lease() noexcept {
  size_t n = leased_.load(std::memory_order_relaxed);
  while (n + 1 < size_) {
    if (leased_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel)) return true;
  }
  return false;
}

void MemoryPool::end_lease(Block& block) noexcept {
  leased_.fetch_sub(1, std::memory_order_acq_rel);
  give_back_quietly(block);
}

size_t MemoryPool::available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

std::vector<std::shared_ptr<Block>> MemoryPool::blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blocks_;
}

void MemoryPool::release() noexcept {
  std::vector<std::shared_ptr<Block>> blocks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    blocks.swap(blocks_);
    idle_.clear();
  }
  cv_.notify_all();
  // No block takes new work from here on; what is queued finishes before the memory goes.
  std::vector<std::shared_ptr<Stream>> streams;
  for (const auto& block : blocks) {
    for (auto& stream : block->retire()) {
      if (std::find(streams.begin(), streams.end(), stream) == streams.end())
        streams.push_back(std::move(stream));
    }
  }
  run_or_defer([blocks, streams] {
    for (const auto& stream : streams) stream->drain_quietly();
    for (const auto& block : blocks) {
      block->free_memory();
      block->in_use_.store(false, std::memory_order_release);
    }
  });
}

// ---------------------------------------------------------------- bindings

namespace {

// Every input (or output) view of a block, as a list.
py::list all_views(Block& block, size_t count, py::array (Block::*view)(size_t)) {
  py::list views;
  for (size_t i = 0; i < count; ++i) views.append((block.*view)(i));
  return views;
}

}  // namespace

void regclass_Block(py::module_& m) {
  py::class_<Block, std::shared_ptr<Block>>(m, "Block", R"doc(
One block of a MemoryPool: the device buffers of every model input and
output, their host staging buffers (ACL_HOST run mode) and the datasets.
``inputs``/``outputs`` are writable numpy views of the host buffers (no copy).
)doc")
      .def_property_readonly("index", &Block::index)
      .def_property_readonly("in_use", &Block::in_use, "True between acquire() and release().")
      .def_property_readonly("pool", &Block::pool)
      .def_property_readonly("copies", &Block::copies,
                             "True when executions copy between host staging and device buffers (an NPU); "
                             "False on the host runtime, where the views are the model's own buffers.")
      .def_property_readonly(
          "inputs",
          [](Block& self) { return all_views(self, self.layout().inputs.size(), &Block::input_view); },
          "Zero-copy writable numpy views of the host input buffers.")
      .def_property_readonly(
          "outputs",
          [](Block& self) { return all_views(self, self.layout().outputs.size(), &Block::output_view); },
          "Zero-copy numpy views of the host output buffers (valid after the execution completed).")
      .def("input", &Block::input_view, py::arg("index"))
      .def("output", &Block::output_view, py::arg("index"))
      .def("set_inputs", &Block::set_inputs, py::arg("inputs"), R"doc(
Copy ``inputs`` into the host input buffers: one array (single-input model),
a list/tuple with one array per input, or a dict keyed by input name or
index. dtype and shape must match the model (InputError otherwise);
bytes-like objects are taken as raw data of the exact byte size.
)doc")
      .def("copy_outputs", &Block::copy_outputs, "New numpy arrays holding the outputs.")
      .def(
          "release",
          [](Block& self) {
            auto pool = self.pool();
            if (!pool) return;  // pool gone: nothing to return to
            pool->give_back(self);
          },
          "Return the block to its pool (ValueError if it was already released).")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](Block& self, const py::args&) {
             auto pool = self.pool();
             if (pool && self.in_use()) pool->give_back_quietly(self);
           })
      .def("__repr__", [](const Block& self) {
        return "<Block " + std::to_string(self.index()) + (self.in_use() ? " in use>" : " free>");
      });
}

void regclass_MemoryPool(py::module_& m) {
  py::class_<MemoryPool, std::shared_ptr<MemoryPool>> cls(m, "MemoryPool", R"doc(
``size`` blocks of input/output memory for ``model``, made up front.
acquire() waits while every block is in use (back-pressure).
)doc");
  cls.def(py::init([](const std::shared_ptr<Model>& model, size_t size) {
            model->check_open();
            return MemoryPool::create(model->context(), model->layout(), size);
          }),
          py::arg("model"), py::arg("size"))
      .def("acquire", &MemoryPool::acquire, py::arg("timeout") = py::none(), R"doc(
A free block, waiting (GIL released) while none is free. ``timeout`` in
seconds (None: forever); expiry raises TimeoutError.
)doc")
      .def("try_acquire", &MemoryPool::try_acquire, "A free block, or None at once.")
      .def("release", &MemoryPool::give_back, py::arg("block"),
           "Return a block (ValueError if it was already released or belongs to another pool).")
      .def_property_readonly("size", &MemoryPool::size)
      .def_property_readonly("available", &MemoryPool::available, "Blocks free right now.")
      .def_property_readonly("in_use", [](const MemoryPool& self) { return self.size() - self.available(); })
      .def_property_readonly("leased", &MemoryPool::leased,
                             "Blocks held by zero-copy result views (back when the views are gone).")
      .def_property_readonly("blocks", &MemoryPool::blocks)
      .def_property_readonly("inputs", [](const MemoryPool& self) { return self.layout()->inputs; })
      .def_property_readonly("outputs", [](const MemoryPool& self) { return self.layout()->outputs; })
      .def_property_readonly("context", &MemoryPool::context)
      .def("__len__", &MemoryPool::size);
  def_resource_methods(cls);
}

}  // namespace acl_async
