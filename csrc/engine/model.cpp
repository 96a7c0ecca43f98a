#include "model.h"

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

#include "errors.h"
#include "wait.h"
#include "memory.h"
#include "host_hooks.h"

namespace acl_async {

namespace {

struct DescDeleter {
  void operator()(aclmdlDesc* desc) const noexcept { aclmdlDestroyDesc(desc); }
};

TensorDesc read_tensor(aclmdlDesc* desc, size_t index, bool input) {
  TensorDesc d;
  d.index = index;
  const char* name = input ? aclmdlGetInputNameByIndex(desc, index) : aclmdlGetOutputNameByIndex(desc, index);
  d.name = name != nullptr ? name : "";
  aclmdlIODims dims{};
  // V2 for inputs: the buffer's dims (a static-AIPP YUV420SP input is n, h*1.5, w, 1; V1 gives the picture's).
  aclError ret = input ? aclmdlGetInputDimsV2(desc, index, &dims) : aclmdlGetOutputDims(desc, index, &dims);
  check(ret, input ? "aclmdlGetInputDimsV2" : "aclmdlGetOutputDims");
  d.dims.assign(dims.dims, dims.dims + dims.dimCount);
  if (d.name.empty()) d.name = dims.name;
  d.dtype = input ? aclmdlGetInputDataType(desc, index) : aclmdlGetOutputDataType(desc, index);
  d.format = input ? aclmdlGetInputFormat(desc, index) : aclmdlGetOutputFormat(desc, index);
  d.size = input ? aclmdlGetInputSizeByIndex(desc, index) : aclmdlGetOutputSizeByIndex(desc, index);
  return d;
}

// A dims model (--dynamic_dims): each profile gives the full dims of every input with -1, one input
// after another; its buffers are sized for the profile whose dims match every input's size.
void resolve_dims_gears(aclmdlDesc* desc, Layout& layout) {
  size_t count = 0;
  if (aclmdlGetInputDynamicGearCount(desc, static_cast<size_t>(-1), &count) != ACL_SUCCESS || count == 0)
    return;
  std::vector<aclmdlIODims> gears(count);
  if (aclmdlGetInputDynamicDims(desc, static_cast<size_t>(-1), gears.data(), count) != ACL_SUCCESS) return;
  auto dynamic = [](const TensorDesc& t) {
    return t.name != ACL_DYNAMIC_TENSOR_NAME &&
           std::any_of(t.dims.begin(), t.dims.end(), [](int64_t d) { return d < 0; });
  };
  for (const aclmdlIODims& g : gears) {
    std::vector<std::vector<int64_t>> resolved;
    size_t next = 0;
    bool fits = true;
    for (const TensorDesc& t : layout.inputs) {
      if (!dynamic(t)) continue;
      if (next + t.dims.size() > g.dimCount) return;
      std::vector<int64_t> dims(g.dims + next, g.dims + next + t.dims.size());
      next += t.dims.size();
      size_t elements = 1;
      for (int64_t d : dims) elements *= static_cast<size_t>(std::max<int64_t>(d, 0));
      fits = fits && elements * t.itemsize() == t.size;
      resolved.push_back(std::move(dims));
    }
    if (!fits) continue;
    size_t k = 0;
    for (TensorDesc& t : layout.inputs)
      if (dynamic(t)) t.dims = resolved[k++];
    return;
  }
}

// A model converted with profiles (gears: dynamic batch, image size or dims) has an extra input named
// ACL_DYNAMIC_TENSOR_NAME and -1 where the profile applies; its buffers are sized for the largest
// profile. Python sees that largest profile's dims, so memory pools and views stay static; the
// profile of an execution is the value written into the dynamic tensor.
void resolve_gears(aclmdlDesc* desc, Layout& layout) {
  bool gears = false;
  for (const TensorDesc& t : layout.inputs) gears = gears || t.name == ACL_DYNAMIC_TENSOR_NAME;
  if (!gears) return;
  std::vector<int64_t> largest;
  aclmdlBatch batch{};
  if (aclmdlGetDynamicBatch(desc, &batch) == ACL_SUCCESS && batch.batchCount > 0) {
    uint64_t b = 0;
    for (size_t i = 0; i < batch.batchCount; ++i) b = std::max(b, batch.batch[i]);
    largest = {static_cast<int64_t>(b)};
  } else {
    aclmdlHW hw{};
    if (aclmdlGetDynamicHW(desc, static_cast<size_t>(-1), &hw) != ACL_SUCCESS || hw.hwCount == 0) {
      resolve_dims_gears(desc, layout);
      return;
    }
    size_t best = 0;
    for (size_t i = 1; i < hw.hwCount; ++i)
      if (hw.hw[i][0] * hw.hw[i][1] > hw.hw[best][0] * hw.hw[best][1]) best = i;
    largest = {static_cast<int64_t>(hw.hw[best][0]), static_cast<int64_t>(hw.hw[best][1])};
  }
  for (TensorDesc& t : layout.inputs) {
    size_t k = 0;
    for (int64_t& d : t.dims)
      if (d < 0) d = largest[(k++) % largest.size()];
  }
}

std::shared_ptr<const Layout> read_layout(uint32_t model_id) {
  std::unique_ptr<aclmdlDesc, DescDeleter> desc(aclmdlCreateDesc());
  if (!desc) raise_acl(ACL_ERROR_BAD_ALLOC, "aclmdlCreateDesc");
  check(aclmdlGetDesc(desc.get(), model_id), "aclmdlGetDesc");
  auto layout = std::make_shared<Layout>();
  size_t inputs = aclmdlGetNumInputs(desc.get());
  size_t outputs = aclmdlGetNumOutputs(desc.get());
  for (size_t i = 0; i < inputs; ++i) layout->inputs.push_back(read_tensor(desc.get(), i, true));
  for (size_t i = 0; i < outputs; ++i) layout->outputs.push_back(read_tensor(desc.get(), i, false));
  resolve_gears(desc.get(), *layout);
  return layout;
}

uint32_t load_id(const Model::Source& source) {
  uint32_t id = 0;
  aclError ret;
  {
    HostUnlock nogil;  // loading compiles the model: it can take a while
    if (source.path) {
      ret = aclmdlLoadFromFile(source.path->c_str(), &id);
    } else {
      ret = aclmdlLoadFromMem(source.bytes->data(), source.bytes->size(), &id);
    }
  }
  check(ret, source.path ? "aclmdlLoadFromFile" : "aclmdlLoadFromMem");
  return id;
}

}  // namespace

Model::Model(Key, std::shared_ptr<Context> context, Source source, uint32_t id,
             std::shared_ptr<const Layout> layout) noexcept
    : Resource("Model"),
      context_(std::move(context)),
      source_(std::move(source)),
      id_(id),
      layout_(std::move(layout)) {}

std::shared_ptr<Model> Model::load(std::shared_ptr<Context> context, Source source) {
  run_deferred();
  context->check_open();
  context->activate();
  uint32_t id = load_id(source);
  std::shared_ptr<const Layout> layout;
  try {
    layout = read_layout(id);
  } catch (...) {
    aclmdlUnload(id);
    throw;
  }
  auto model = std::make_shared<Model>(Key{}, context, std::move(source), id, std::move(layout));
  context->add_child(model);
  return model;
}

std::shared_ptr<Model> Model::load_copy() const {
  check_open();
  run_deferred();
  context_->activate();
  uint32_t id = load_id(source_);
  auto model = std::make_shared<Model>(Key{}, context_, source_, id, layout_);
  context_->add_child(model);
  return model;
}

uint32_t Model::id() const {
  check_open();
  return id_;
}

void Model::check_block(Block& block, const char* what) const {
  check_open();
  block.check_usable(what);
  if (!block.layout().same_sizes(*layout_)) {
    throw std::invalid_argument(std::string(what) + ": the block's pool was made for a different model");
  }
}

void Model::execute(Block& block) {
  forbid_on_report_thread("Model.execute()");
  check_block(block, "Model.execute()");
  context_->activate();
  HostUnlock nogil;
  {
    std::lock_guard<std::mutex> lock(use_mu_);
    if (retired_) throw ClosedError("Model is closed");
    ++running_;
  }
  struct Done {
    Model& model;
    ~Done() {
      {
        std::lock_guard<std::mutex> lock(model.use_mu_);
        --model.running_;
      }
      model.use_cv_.notify_all();
    }
  } done{*this};
  block.execute(id_);
}

void Model::execute_async(Block& block, const std::shared_ptr<Stream>& stream) {
  check_block(block, "Model.execute_async()");
  stream->handle();  // ClosedError once closed
  if (stream->context() != context_) throw std::invalid_argument("the stream belongs to another context");
  context_->activate();
  HostUnlock nogil;
  std::lock_guard<std::mutex> lock(use_mu_);  // closing waits until the work is queued and the stream noted
  if (retired_) throw ClosedError("Model is closed");
  if (std::find(streams_.begin(), streams_.end(), stream) == streams_.end()) streams_.push_back(stream);
  block.enqueue(id_, stream);
}

void Model::infer(const std::function<void(Block&)>& fill, const std::function<void(Block&)>& read) {
  forbid_on_report_thread("Model.infer()");
  check_open();
  std::unique_lock<std::mutex> lock = lock_releasing_gil(infer_mu_);
  if (!infer_pool_ || infer_pool_->closed()) infer_pool_ = MemoryPool::create(context_, layout_, 1);
  std::shared_ptr<Block> block = infer_pool_->try_acquire();
  try {
    fill(*block);  // (refused inputs give the block back too)
    execute(*block);
    read(*block);
  } catch (...) {
    infer_pool_->give_back_quietly(*block);
    throw;
  }
  infer_pool_->give_back_quietly(*block);
}

void Model::release() noexcept {
  uint32_t id = id_;
  std::shared_ptr<Context> context = context_;
  std::vector<std::shared_ptr<Stream>> streams;
  {
    // No new work from here on; synchronous runs in progress finish first.
    std::unique_lock<std::mutex> lock = lock_releasing_gil(use_mu_);
    retired_ = true;
    wait_quietly(use_cv_, lock, [this] { return running_ == 0; }, [] { return false; });
    streams.swap(streams_);
  }
  run_or_defer([id, context, streams] {
    for (const auto& stream : streams) stream->drain_quietly();  // executions queued on them finish first
    if (!context->try_activate()) return;                        // the context took the model with it
    HostUnlock nogil;
    aclmdlUnload(id);
  });
}

}  // namespace acl_async
