// Model: a loaded model (aclmdlLoadFromFile / aclmdlLoadFromMem) with its
// description read once. execute() runs a block synchronously (host lock released);
// execute_async() queues input copies, aclmdlExecuteAsync and output copies
// on a stream. The source is kept, so load_copy() can load the model again
// (one load per stream: a model id must not run on two streams at once).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "memory_pool.h"
#include "resource.h"
#include "stream.h"
#include "tensor_desc.h"

namespace acl_async {

class Model : public Resource, public std::enable_shared_from_this<Model> {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Where a model comes from: a file path or the model bytes.
  struct Source {
    std::optional<std::string> path;
    std::shared_ptr<const std::string> bytes;
  };

  Model(Key, std::shared_ptr<Context> context, Source source, uint32_t id,
        std::shared_ptr<const Layout> layout) noexcept;
  ~Model() override { close_from_destructor(); }
  static std::shared_ptr<Model> load(std::shared_ptr<Context> context, Source source);
  // Loads the same model again in the same context (a new model id).
  std::shared_ptr<Model> load_copy() const;

  uint32_t id() const;
  const std::shared_ptr<const Layout>& layout() const noexcept { return layout_; }
  const std::shared_ptr<Context>& context() const noexcept { return context_; }
  const Source& source() const noexcept { return source_; }

  // Runs `block` now (input copy, aclmdlExecute, output copy), GIL released.
  void execute(Block& block);
  // Queues the same on `stream` and returns at once.
  void execute_async(Block& block, const std::shared_ptr<Stream>& stream);
  // One synchronous inference on a private block: fill(block) writes the
  // inputs, read(block) takes the outputs.
  void infer(const std::function<void(Block&)>& fill, const std::function<void(Block&)>& read);

 protected:
  void release() noexcept override;

 private:
  void check_block(Block& block, const char* what) const;

  std::shared_ptr<Context> context_;
  Source source_;
  uint32_t id_;
  std::shared_ptr<const Layout> layout_;
  std::mutex infer_mu_;  // guards infer_pool_; waited for without the GIL
  std::shared_ptr<MemoryPool> infer_pool_;
  // Streams the model was queued on and synchronous runs in progress: closing
  // drains them before aclmdlUnload. Holders of use_mu_ never take the GIL.
  std::mutex use_mu_;
  std::condition_variable use_cv_;
  std::vector<std::shared_ptr<Stream>> streams_;
  int running_ = 0;
  bool retired_ = false;
};

}  // namespace acl_async
