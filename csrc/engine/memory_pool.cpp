#include "memory_pool.h"
#include "selftest_plant.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

#include "errors.h"
#include "wait.h"
#include "resource_limits.h"
#include "host_hooks.h"

namespace acl_async {


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

std::shared_ptr<Memory> Block::host_memory(const std::vector<Tensor>& tensors, size_t i) const {
  std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
  if (freed_) throw ClosedError("the block's MemoryPool is closed");
  return tensors.at(i).host;
}

std::shared_ptr<Memory> Block::input_host(size_t i) const { return host_memory(inputs_, i); }

std::shared_ptr<Memory> Block::output_host(size_t i) const { return host_memory(outputs_, i); }

void Block::copy_in(size_t i, const void* src, size_t size) {
  size += acl_async::selftest::overread("ext-overread");
  if (size < kNoGilCopyBytes) {
    std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
    std::memcpy(host_data(inputs_, i), src, size);
    return;
  }
  // A picture-sized copy runs without the GIL: the callback thread goes on meanwhile. The lock goes
  // before the GIL comes back (its holders never take the GIL).
  HostUnlock nogil;
  std::lock_guard<std::mutex> lock(mu_);
  std::memcpy(host_data(inputs_, i), src, size);
}

void Block::copy_outputs_into(const std::vector<void*>& destinations) {
  const std::vector<TensorDesc>& descs = layout_->outputs;
  std::unique_lock<std::mutex> lock = lock_releasing_gil(mu_);
  for (size_t i = 0; i < descs.size() && i < destinations.size(); ++i) {
    std::memcpy(destinations[i], host_data(outputs_, i), descs[i].size);
  }
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
    if (i % 1024 == 1023) check_interrupt();  // a big pool takes a while: Ctrl-C stops it (and frees it)
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

}  // namespace acl_async
