// MemoryPool: N blocks sized from a model description, made up front. A block
// holds the device buffers of every input and output, the host staging
// buffers when the run mode is ACL_HOST (device memory is not host-visible),
// and the input/output aclmdlDatasets, built once. acquire() waits (host lock
// released) while every block is in flight: back-pressure, not failure.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "acl/acl.h"
#include "context.h"
#include "memory.h"
#include "resource.h"
#include "stream.h"
#include "tensor_desc.h"

namespace acl_async {

class MemoryPool;

class Block : public std::enable_shared_from_this<Block> {
  struct Key {
    explicit Key() = default;
  };

 public:
  Block(Key, size_t index, std::weak_ptr<MemoryPool> pool, std::shared_ptr<const Layout> layout, bool copies);
  static std::shared_ptr<Block> create(size_t index, std::weak_ptr<MemoryPool> pool,
                                       std::shared_ptr<const Layout> layout,
                                       const std::shared_ptr<Context>& context);

  size_t index() const noexcept { return index_; }
  bool in_use() const noexcept { return in_use_.load(std::memory_order_acquire); }
  const Layout& layout() const noexcept { return *layout_; }
  const std::shared_ptr<const Layout>& layout_ptr() const noexcept { return layout_; }
  std::shared_ptr<MemoryPool> pool() const noexcept { return pool_.lock(); }

  // The host memory of input / output i (ClosedError once freed): what the
  // binding's zero-copy views show and keep alive.
  std::shared_ptr<Memory> input_host(size_t i) const;
  std::shared_ptr<Memory> output_host(size_t i) const;
  // Copies `size` bytes from `src` (kept alive by the caller) into input i
  // (a large copy with the host lock released).
  void copy_in(size_t i, const void* src, size_t size);
  // Copies every output into destinations[i] (layout().outputs[i].size bytes each).
  void copy_outputs_into(const std::vector<void*>& destinations);
  // The outputs as bytes, on any thread.
  void copy_outputs_to(std::vector<std::vector<uint8_t>>& out);
  // The host memory of output i (ClosedError once freed), on any thread: what
  // zero-copy result views keep alive.
  std::shared_ptr<Memory> output_memory(size_t i) const;
  // False on the host runtime: its device memory is host memory, so the model
  // reads and writes the very buffers numpy sees (no staging copies).
  bool copies() const noexcept { return copies_; }

  // Queues the input copies, the execution and the output copies on `stream`,
  // which the block remembers (its pool drains its streams before freeing).
  void enqueue(uint32_t model_id, const std::shared_ptr<Stream>& stream);
  // The same, synchronously (call without the GIL).
  void execute(uint32_t model_id);
  // Teardown, first step: refuses further work (ClosedError) and returns the
  // streams the block was enqueued on, which may still use its memory.
  std::vector<std::shared_ptr<Stream>> retire() noexcept;
  // Frees the memory (pool closed; call after draining the retired stream).
  // Numpy views keep their host memory.
  void free_memory() noexcept;
  void check_usable(const char* what) const;

 private:
  friend class MemoryPool;
  struct Tensor {
    std::shared_ptr<Memory> device;
    std::shared_ptr<Memory> host;  // == device when no copies are needed
  };
  void* host_data(const std::vector<Tensor>& tensors, size_t i) const;
  std::shared_ptr<Memory> host_memory(const std::vector<Tensor>& tensors, size_t i) const;
  static constexpr size_t kNoGilCopyBytes = 64 << 10;
  // The one path of enqueue() and execute(): `stream` null runs synchronously. mu_ held.
  void run_locked(uint32_t model_id, aclrtStream stream);

  size_t index_;
  std::weak_ptr<MemoryPool> pool_;
  std::shared_ptr<const Layout> layout_;
  bool copies_;
  std::vector<Tensor> inputs_;
  std::vector<Tensor> outputs_;
  std::unique_ptr<Dataset> input_dataset_;
  std::unique_ptr<Dataset> output_dataset_;
  mutable std::mutex mu_;  // memory and datasets; holders never take the GIL
  bool freed_ = false;
  bool retired_ = false;
  std::atomic<bool> in_use_{false};
  std::vector<std::shared_ptr<Stream>> streams_;  // every stream it was enqueued on (usually one)
};

class MemoryPool : public Resource, public std::enable_shared_from_this<MemoryPool> {
  struct Key {
    explicit Key() = default;
  };

 public:
  MemoryPool(Key, std::shared_ptr<Context> context, std::shared_ptr<const Layout> layout) noexcept
      : Resource("MemoryPool"), context_(std::move(context)), layout_(std::move(layout)) {}
  ~MemoryPool() override { close_from_destructor(); }
  static std::shared_ptr<MemoryPool> create(std::shared_ptr<Context> context,
                                            std::shared_ptr<const Layout> layout, size_t size);

  // A free block; waits (GIL released) while none is free. None = forever;
  // expiry raises TimeoutError. GIL held on entry.
  std::shared_ptr<Block> acquire(std::optional<double> timeout_s);
  std::shared_ptr<Block> try_acquire();
  // Returns a block; ValueError when it is not in use or not from this pool.
  void give_back(Block& block);
  // Same from a callback: never throws, ignores a block already back.
  void give_back_quietly(Block& block) noexcept;
  // Zero-copy results: a block whose outputs Python views directly stays out
  // of the pool until the views are gone (end_lease gives it back). Granted
  // while fewer than size - 1 blocks are leased, so leases never starve the
  // submitter (a refused lease means: copy the outputs, give the block back).
  bool try_lease() noexcept;
  void end_lease(Block& block) noexcept;
  size_t leased() const noexcept { return leased_.load(std::memory_order_relaxed); }

  size_t size() const noexcept { return size_; }
  size_t available() const;
  std::vector<std::shared_ptr<Block>> blocks() const;
  const std::shared_ptr<const Layout>& layout() const noexcept { return layout_; }
  const std::shared_ptr<Context>& context() const noexcept { return context_; }

 protected:
  void release() noexcept override;

 private:
  std::shared_ptr<Block> take_locked(std::unique_lock<std::mutex>& lock);

  std::shared_ptr<Context> context_;
  std::shared_ptr<const Layout> layout_;
  size_t size_ = 0;
  mutable std::mutex mu_;  // holders never take the GIL
  std::condition_variable cv_;
  std::vector<std::shared_ptr<Block>> blocks_;
  std::deque<size_t> idle_;
  std::atomic<size_t> leased_{0};
};

// True when the ACL runtime's device memory is host memory (our host runtime).
bool device_memory_is_host() noexcept;

}  // namespace acl_async
