// Profiling and dump (observe.cpp): acl.json's "profiler" and "dump" sections and the
// aclprof* functions. Profiling records every stream task and model execution (with
// OpenVINO's per-layer times) and writes a Chrome trace-event JSON; dump writes each
// model execution's inputs/outputs under dump_path in CANN's folder layout.
#pragma once

#include <cstdint>
#include <string>

#include <openvino/runtime/infer_request.hpp>

#include "acl/acl.h"
#include "detail/stream.h"

namespace acl_host {
namespace observe {

// True while profiling or dump is on (one relaxed load: the hooks cost nothing otherwise).
bool enabled();
uint64_t now_ns();

// aclInit: reads the "profiler" and "dump" sections of the acl.json text. aclFinalize: writes
// what profiling recorded and turns both off.
aclError configure(const std::string& json, const char* path);
void finish();

// Compile time: models compiled while profiling is configured collect per-layer times.
bool wants_layer_times();
// A model was loaded from this file (its dump name: the file name without extension).
void model_loaded(uint32_t id, const char* path);

// A stream worker times each task it runs (tid in the trace = the stream).
class TaskScope {
 public:
  TaskScope(uint32_t stream_id, int device, TaskKind kind);
  ~TaskScope();
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;

 private:
  uint64_t t0_ = 0;
  TaskKind kind_;
  uint32_t stream_;
};

// After a model execution (aclmdlExecute on the caller, or a stream task): per-layer times
// and the dump of its inputs and outputs.
void model_ran(uint32_t model_id, const IoList& io, uint32_t num_inputs, uint64_t t0, ov::InferRequest* request);

}  // namespace observe
}  // namespace acl_host
