// Models: ONNX or OpenVINO IR recognised by content (whatever the file name),
// compiled once per distinct content (a cache keyed by a hash of the bytes,
// shared by every load) and executed by one ov::InferRequest per load, on
// tensors wrapping the caller's device buffers (no copies).
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <openvino/runtime/compiled_model.hpp>
#include <openvino/runtime/infer_request.hpp>

#include "acl/acl.h"
#include "detail/exec_policy.h"
#include "detail/stream.h"

namespace acl_host {

namespace aipp {
struct HostAipp;  // detail/aipp_host.h
}

struct PortInfo {
  std::string name;
  aclDataType dtype = ACL_DT_UNDEFINED;
  aclFormat format = ACL_FORMAT_ND;
  std::vector<int64_t> dims;  // -1 for a dynamic dimension
  size_t bytes = 0;           // 0 when the shape is dynamic
  bool dynamic = false;
  ov::element::Type type;
  ov::Shape shape;  // when static
};

struct ModelInfo {
  std::vector<PortInfo> inputs;
  std::vector<PortInfo> outputs;
  size_t work_size = 0;  // aclmdlQuerySize
  size_t weight_size = 0;
};

// One profile (gear) of a model converted with dynamic batch / image size: compiled once, static.
struct Gear {
  std::vector<uint64_t> values;  // the batch size, height and width, or the values of every -1 dim
  ov::CompiledModel compiled;
  std::vector<PortInfo> inputs;  // the network's inputs at this gear (no dynamic tensor)
  std::vector<PortInfo> outputs;
};

// Gears of an `acl-async atc` model (detail/model_dynamic.h); empty for other models.
struct DynamicInfo {
  enum class Kind { None, Batch, HW, Dims };
  Kind kind = Kind::None;
  size_t width = 0;  // values per gear (and in the ACL_DYNAMIC_TENSOR_NAME tensor)
  std::vector<Gear> gears;
  std::vector<bool> dynamic_input;  // per network input: takes the gear
  size_t tensor_index = 0;          // the ACL_DYNAMIC_TENSOR_NAME input (the last one)
  size_t largest = 0;               // gear whose buffers are the largest
};

// One compiled model per distinct content.
struct CompiledEntry {
  uint64_t key = 0;
  // The content it was compiled from (compared on every cache hit; never changed).
  std::string bytes, weights;
  std::map<std::string, std::string> source_meta;
  std::mutex m;  // held while compiling
  bool ready = false;
  ov::CompiledModel compiled;
  ov::CompiledModel latency;  // adaptive models: the LATENCY variant (detail/exec_policy.h)
  ModelInfo info;
  std::map<std::string, std::string> meta;  // acl-async .om container metadata (atc flags, AIPP)
  DynamicInfo dyn;
  std::shared_ptr<const aipp::HostAipp> host_aipp;  // AIPP the host runs (dynamic, resize, padding)
};

// Dynamic-shape models (OpenVINO dynamic dims, no gears): the dims aclmdlSetDatasetTensorDesc gave the
// input dataset, and the output dataset whose tensor descs receive the real output dims, as CANN does.
struct ShapeIo {
  std::vector<std::vector<int64_t>> inputs;  // per input: its dims, or empty (inferred from the size)
  aclmdlDataset* output = nullptr;
};

class ModelInstance {
 public:
  ModelInstance(uint32_t id, std::shared_ptr<CompiledEntry> entry, ov::InferRequest request,
                const void* context)
      : id_(id),
        entry_(std::move(entry)),
        request_(std::move(request)),
        context_(context),
        bound_(entry_->info.inputs.size() + entry_->info.outputs.size(), nullptr) {}

  uint32_t id() const { return id_; }
  const ModelInfo& info() const { return entry_->info; }
  const void* context() const { return context_; }

  // Checks an execution's buffers (count, sizes, device memory in strict mode).
  aclError validate(const IoList& io, uint32_t num_inputs);
  // Claims the model for one execution on `stream` (nullptr: aclmdlExecute).
  // Strict mode rejects a second stream while executions are in flight.
  aclError begin(const void* stream);
  void end();
  // Runs inference on the calling thread (the stream worker).
  aclError run(const IoList& io, uint32_t num_inputs, std::string& msg, const ShapeIo* shapes = nullptr);
  // True for a model with dynamic dims and no gears (its executions take a ShapeIo).
  bool dynamic_shape() const;

  // Two executions at once on one stream (stream.cpp's look-ahead): each on its own request of the
  // THROUGHPUT variant, one OpenVINO CPU stream per core. Only for an adaptive model (compiled
  // THROUGHPUT and LATENCY) run on the caller's buffers as they are: no gears, dynamic dims or host
  // AIPP. claim_pipe: the slots are this stream's until release_pipe (false: another stream's).
  bool pipelinable() const;
  bool claim_pipe(const void* stream);
  void release_pipe(const void* stream);
  // Starts an execution on slot 0 or 1 (asynchronous), then waits for it: finish returns its result.
  aclError start(int slot, const IoList& io, uint32_t num_inputs, std::string& msg);
  aclError finish(int slot, std::string& msg);

  // Models with gears (model_dynamic.cpp).
  const CompiledEntry& entry() const { return *entry_; }
  bool has_gears() const { return !entry_->dyn.gears.empty(); }
  void set_gear_requests(std::vector<ov::InferRequest> r) { gear_requests_ = std::move(r); }
  void set_latency_request(ov::InferRequest r) { latency_request_ = std::move(r); }
  int chosen_gear() const { return chosen_gear_.load(std::memory_order_relaxed); }
  void choose_gear(int g) { chosen_gear_.store(g, std::memory_order_relaxed); }
  aclError validate_gears(const IoList& io, uint32_t num_inputs);
  // `used`: the request that ran (its profiling info, detail/observe.h).
  aclError run_gears(const IoList& io, uint32_t num_inputs, std::string& msg, ov::InferRequest*& used);

 private:
  const uint32_t id_;
  std::shared_ptr<CompiledEntry> entry_;
  ov::InferRequest request_;
  const void* context_;
  std::mutex run_m_;
  std::vector<void*> bound_;  // pointer currently wrapped per port
  std::mutex state_m_;
  uint32_t inflight_ = 0;
  const void* owner_ = nullptr;
  aclError run_static(const IoList& io, uint32_t num_inputs, std::string& msg, const ShapeIo* shapes);
  std::vector<ov::InferRequest> gear_requests_;  // one per gear
  std::atomic<int> chosen_gear_{-1};             // last aclmdlSetDynamic*; -1: none yet
  ov::InferRequest latency_request_;             // adaptive models (exec_policy); run_m_ held
  std::vector<void*> latency_bound_ = std::vector<void*>(bound_.size(), nullptr);
  exec_policy::Variant variant_ = exec_policy::Variant::Unset;  // last one run; run_m_ held
  struct PipeSlot {
    ov::InferRequest request;  // created on first use
    std::vector<void*> bound;  // pointer currently wrapped per port
  };
  PipeSlot pipe_[2];
  std::atomic<const void*> pipe_owner_{nullptr};
  std::vector<std::vector<float>> aipp_out_;  // per input: the network input host AIPP made; run_m_ held
  // Host AIPP input `k` (aipp_apply's output bound to the request): false with `msg` on bad parameters.
  bool host_aipp_input(size_t k, const IoList& io, ov::InferRequest& request, std::string& msg);
};

namespace model {

// Parse-only size query (file or memory).
aclError query_file(const char* path, size_t* work, size_t* weight);
aclError query_mem(const void* data, size_t size, size_t* work, size_t* weight);
// Loads; work/weight may be NULL (runtime-managed).
aclError load_file(const char* path, uint32_t* id, void* work, size_t work_size, void* weight,
                   size_t weight_size, bool with_mem);
aclError load_mem(const void* data, size_t size, uint32_t* id, void* work, size_t work_size, void* weight,
                  size_t weight_size, bool with_mem);
std::shared_ptr<ModelInstance> lookup(uint32_t id);
aclError unload(uint32_t id);
void release_all();

}  // namespace model
}  // namespace acl_host
