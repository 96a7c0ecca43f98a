// Single operators (acl_op.h) as CANN's application development guide describes them
// (aclcppdevg, "Single-Operator Calling"): `atc --singleop` compiles each operator of an
// op_list.json into its own .om; aclopSetModelDir/aclopLoad load them; aclopExecuteV2,
// aclopCast and handles find the model compiled for the call's operator type, tensor
// descriptions (type, shape, constant values) and attributes, and queue it on the stream.
// Here each .om is an acl-async container (detail/om_container.h) holding an OpenVINO graph of
// the one operator and its metadata:
//   single_op=<type>, op.inputs=<n>, op.input<i>=<aclDataType>:<dims, comma-separated>,
//   op.input<i>.const=<hex bytes> (a constant input: its value is in the graph),
//   op.outputs=<n>, op.output<i>=..., op.attr.<name>=<canonical text> (detail/single_op.h).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <openvino/runtime/compiled_model.hpp>
#include <openvino/runtime/infer_request.hpp>
#include <openvino/runtime/properties.hpp>

#include "acl/acl_op.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/live_set.h"
#include "detail/om_container.h"
#include "detail/runtime.h"
#include "detail/single_op.h"
#include "detail/stream.h"
#include "detail/strict.h"
#include "detail/tensor_desc.h"
#include "detail/util.h"

namespace acl_host {
namespace single_op {
namespace {

struct Port {
  aclDataType dtype = ACL_DT_UNDEFINED;
  std::vector<int64_t> dims;
  bool is_const = false;
  std::string const_hex;  // the constant's bytes, lower-case hex
  size_t bytes() const {
    size_t n = aclDataTypeSize(dtype);
    for (int64_t d : dims) n *= static_cast<size_t>(d);
    return n;
  }
};

// One loaded single-operator model; compiled at its first use.
struct OpModel {
  std::string type, origin, xml, weights;
  std::vector<Port> inputs, outputs;
  std::map<std::string, std::string> attrs;
  std::mutex m;  // compile once; one inference at a time on req
  bool compiled = false;
  ov::CompiledModel model;
  ov::InferRequest req;
};

// The loaded models. Never destroyed (and fresh in a fork child): aclFinalize, which may run from an
// exit handler after static destructors, empties them (release_all).
struct Loaded {
  std::mutex m;
  std::vector<std::shared_ptr<OpModel>> models;
};
Loaded& loaded() {
  static NoDestructor<Loaded> l;
  return *l;
}

std::string hex(const unsigned char* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) s[2 * i] = digits[p[i] >> 4], s[2 * i + 1] = digits[p[i] & 15];
  return s;
}

bool parse_port(const std::string& text, Port& p) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return false;
  try {
    p.dtype = static_cast<aclDataType>(std::stoi(text.substr(0, colon)));
    std::stringstream dims(text.substr(colon + 1));
    for (std::string d; std::getline(dims, d, ',');)
      if (!d.empty()) p.dims.push_back(std::stoll(d));
  } catch (const std::exception&) {
    return false;
  }
  for (int64_t d : p.dims)
    if (d < 0) return false;
  return aclDataTypeSize(p.dtype) > 0 || p.dtype == ACL_BOOL;
}

std::string describe(const Port& p) {
  std::string s = "type " + std::to_string(static_cast<int>(p.dtype)) + " [";
  for (size_t i = 0; i < p.dims.size(); ++i) s += (i ? "," : "") + std::to_string(p.dims[i]);
  return s + "]" + (p.is_const ? " const" : "");
}

// A model from an acl-async container's bytes; nullptr + err when it is not a single-operator one.
std::shared_ptr<OpModel> parse(const std::string& bytes, const std::string& origin, std::string& err) {
  std::map<std::string, std::string> meta;
  auto op = std::make_shared<OpModel>();
  if (!om::unpack(bytes, meta, op->xml, op->weights, err)) return nullptr;
  auto it = meta.find("single_op");
  if (it == meta.end() || it->second.empty()) {
    err = "a whole model, not a single operator (make these with `acl-async atc --singleop=op_list.json`)";
    return nullptr;
  }
  op->type = it->second;
  op->origin = origin;
  for (const char* side : {"input", "output"}) {
    auto& ports = std::string(side) == "input" ? op->inputs : op->outputs;
    long n = -1;
    try {
      n = std::stol(meta[std::string("op.") + side + "s"]);
    } catch (const std::exception&) {
    }
    if (n < 0 || n > 256) {
      err = std::string("corrupt single-operator metadata: op.") + side + "s";
      return nullptr;
    }
    for (long i = 0; i < n; ++i) {
      const std::string key = std::string("op.") + side + std::to_string(i);
      Port p;
      if (!parse_port(meta[key], p)) {
        err = "corrupt single-operator metadata: " + key;
        return nullptr;
      }
      auto c = meta.find(key + ".const");
      if (c != meta.end()) p.is_const = true, p.const_hex = c->second;
      ports.push_back(std::move(p));
    }
  }
  for (const auto& kv : meta)
    if (kv.first.rfind("op.attr.", 0) == 0) op->attrs[kv.first.substr(8)] = kv.second;
  return op;
}

void add(std::shared_ptr<OpModel> op) {
  std::lock_guard<std::mutex> lock(loaded().m);
  loaded().models.push_back(std::move(op));
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return static_cast<bool>(f) || f.eof();
}

// Every .om in dir and up to two levels of folders below it (aclopSetModelDir: three levels).
aclError load_dir(const std::string& dir, int depth, int& loaded) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return fail(ACL_ERROR_INVALID_FILE, "cannot open model directory '%s'", dir.c_str());
  std::vector<std::string> names;
  while (dirent* e = readdir(d.get())) names.emplace_back(e->d_name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth < 2)
        if (aclError e = load_dir(path, depth + 1, loaded)) return e;
      continue;
    }
    if (name.size() < 4 || name.compare(name.size() - 3, 3, ".om") != 0) continue;
    std::string bytes, err;
    if (!read_file(path, bytes)) return fail(ACL_ERROR_INVALID_FILE, "cannot read '%s'", path.c_str());
    auto op = parse(bytes, path, err);
    if (!op) return fail(ACL_ERROR_OP_LOAD_FAILED, "cannot load single-operator model '%s': %s", path.c_str(),
                         err.c_str());
    add(std::move(op));
    ++loaded;
  }
  return ACL_SUCCESS;
}

bool same_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) { return a == b; }

// Why desc does not fit port ("" when it does).
std::string mismatch(const Port& port, const aclTensorDesc* desc) {
  if (!desc) return "no description";
  if (desc->dtype != port.dtype) return "data type " + std::to_string(static_cast<int>(desc->dtype));
  if (!same_dims(desc->dims, port.dims)) {
    Port p;
    p.dtype = desc->dtype;
    p.dims = desc->dims;
    return "shape " + describe(p);
  }
  if (port.is_const && desc->has_const && hex(desc->const_data.data(), desc->const_data.size()) != port.const_hex)
    return "constant value";
  return "";
}

std::string signature(const OpModel& op) {
  std::string s = op.type + "(";
  for (size_t i = 0; i < op.inputs.size(); ++i) s += (i ? ", " : "") + describe(op.inputs[i]);
  s += ") -> (";
  for (size_t i = 0; i < op.outputs.size(); ++i) s += (i ? ", " : "") + describe(op.outputs[i]);
  s += ")";
  for (const auto& kv : op.attrs) s += " " + kv.first + "=" + kv.second;
  return s;
}

// The model compiled for this call, or nullptr with the error recorded (ACL_ERROR_OP_NOT_FOUND).
std::shared_ptr<OpModel> find(const char* type, int n_in, const aclTensorDesc* const in[], int n_out,
                              const aclTensorDesc* const out[], const aclopAttr* attr, aclError& code) {
  code = ACL_ERROR_INVALID_PARAM;
  if (!type || !*type) return fail(code, "opType must be a non-empty string"), nullptr;
  if (n_in < 0 || n_out < 0 || (n_in > 0 && !in) || (n_out > 0 && !out))
    return fail(code, "numInputs %d / numOutputs %d with inputDesc %p / outputDesc %p", n_in, n_out,
                static_cast<const void*>(in), static_cast<const void*>(out)),
           nullptr;
  for (int i = 0; i < n_in; ++i)
    if (!in[i] || !tensor_desc::live(in[i])) return fail(code, "inputDesc[%d] is not a live aclTensorDesc", i), nullptr;
  for (int i = 0; i < n_out; ++i)
    if (!out[i] || !tensor_desc::live(out[i]))
      return fail(code, "outputDesc[%d] is not a live aclTensorDesc", i), nullptr;
  // Matched under the lock (no copy of the list per call): loading is rare, executions are not.
  std::lock_guard<std::mutex> lock(loaded().m);
  const std::vector<std::shared_ptr<OpModel>>& models = loaded().models;
  // The nearest miss is the model that matched the most before it differed (counts, then each input,
  // each output, then the attributes).
  std::string near;
  int same_type = 0, near_stage = -1;
  for (const auto& op : models) {
    if (op->type != type) continue;
    ++same_type;
    std::string why;
    int stage = 0;
    if (op->inputs.size() != static_cast<size_t>(n_in) || op->outputs.size() != static_cast<size_t>(n_out))
      why = format("%zu inputs and %zu outputs", op->inputs.size(), op->outputs.size());
    for (int i = 0; why.empty() && i < n_in; ++i, ++stage)
      if (std::string m = mismatch(op->inputs[i], in[i]); !m.empty()) why = format("input %d: %s", i, m.c_str());
    for (int i = 0; why.empty() && i < n_out; ++i, ++stage)
      if (std::string m = mismatch(op->outputs[i], out[i]); !m.empty()) why = format("output %d: %s", i, m.c_str());
    if (why.empty() && attr)
      for (const auto& kv : attr->values) {
        auto it = op->attrs.find(kv.first);
        if (it != op->attrs.end() && it->second != kv.second) {
          why = "attribute " + kv.first + "=" + kv.second;
          break;
        }
      }
    if (why.empty()) return op;
    if (stage > near_stage) near_stage = stage, near = "; nearest: " + signature(*op) + " differs in " + why;
  }
  code = ACL_ERROR_OP_NOT_FOUND;
  if (models.empty())
    fail(code, "no single-operator model is loaded: aclopSetModelDir or aclopLoad the .om files `acl-async atc "
               "--singleop=op_list.json` writes");
  else
    fail(code, "no loaded single-operator model matches %s with these tensor descriptions and attributes (%d "
               "loaded for %s%s)",
         type, same_type, type, near.c_str());
  return nullptr;
}

aclError compile(OpModel& op) {
  std::lock_guard<std::mutex> lock(op.m);
  if (op.compiled) return ACL_SUCCESS;
  try {
    ov::Tensor weights(ov::element::u8, ov::Shape{op.weights.size()});
    if (!op.weights.empty()) std::memcpy(weights.data(), op.weights.data(), op.weights.size());
    std::shared_ptr<ov::Model> m = core().read_model(op.xml, weights);
    // f32 math for f32 operators (the CPU plugin could pick bf16 otherwise), one thread: operators are small.
    op.model = core().compile_model(m, "CPU",
                                    {ov::hint::inference_precision(ov::element::f32), ov::inference_num_threads(1)});
    op.req = op.model.create_infer_request();
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_OP_LOAD_FAILED, "cannot compile single-operator model %s: %s", op.origin.c_str(), e.what());
  }
  op.compiled = true;
  return ACL_SUCCESS;
}

struct Run {
  std::shared_ptr<OpModel> op;
  std::vector<void*> in, out;  // the graph's parameters (non-constant inputs) and outputs
};

aclError run(void* user, char* message, size_t message_size) {
  auto& r = *static_cast<Run*>(user);
  OpModel& op = *r.op;
  std::lock_guard<std::mutex> lock(op.m);
  try {
    for (size_t k = 0; k < r.in.size(); ++k) {
      const ov::Output<const ov::Node> port = op.model.input(k);
      op.req.set_input_tensor(k, ov::Tensor(port.get_element_type(), port.get_shape(), r.in[k]));
    }
    for (size_t k = 0; k < r.out.size(); ++k) {
      const ov::Output<const ov::Node> port = op.model.output(k);
      op.req.set_output_tensor(k, ov::Tensor(port.get_element_type(), port.get_shape(), r.out[k]));
    }
    op.req.infer();
  } catch (const std::exception& e) {
    std::snprintf(message, message_size, "single operator %s failed: %s", op.type.c_str(), e.what());
    return ACL_ERROR_FAILURE;
  }
  return ACL_SUCCESS;
}

aclError launch(const std::shared_ptr<OpModel>& op, int n_in, const aclDataBuffer* const in[], int n_out,
                aclDataBuffer* const out[], aclrtStream stream) {
  if (n_in != static_cast<int>(op->inputs.size()) || n_out != static_cast<int>(op->outputs.size()))
    return fail(ACL_ERROR_INVALID_PARAM, "%s takes %zu inputs and %zu outputs, got %d and %d", op->type.c_str(),
                op->inputs.size(), op->outputs.size(), n_in, n_out);
  if ((n_in > 0 && !in) || (n_out > 0 && !out)) return fail(ACL_ERROR_INVALID_PARAM, "inputs and outputs must not be NULL");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  if (aclError e = compile(*op)) return e;
  auto r = std::make_shared<Run>();
  r->op = op;
  Task t;
  for (int side = 0; side < 2; ++side) {
    const bool is_in = side == 0;
    const int n = is_in ? n_in : n_out;
    for (int i = 0; i < n; ++i) {
      const Port& p = is_in ? op->inputs[i] : op->outputs[i];
      if (p.is_const) continue;  // compiled into the graph (aclSetTensorConst / op_list.json's const_value)
      const aclDataBuffer* b = is_in ? in[i] : out[i];
      const char* what = is_in ? "input" : "output";
      if (!b) return fail(ACL_ERROR_INVALID_PARAM, "%s %d: the data buffer must not be NULL", what, i);
      if (!b->data || b->size < p.bytes())
        return fail(ACL_ERROR_INVALID_PARAM, "%s %d of %s: buffer %p of %zu bytes, the operator needs %zu (%s)", what,
                    i, op->type.c_str(), b->data, b->size, p.bytes(), describe(p).c_str());
      const std::string name = format("%s %d", what, i);
      if (aclError e = strict::check_device_range(b->data, p.bytes(), name.c_str())) return e;
      (is_in ? r->in : r->out).push_back(b->data);
      t.pins.add(b->data, p.bytes());
    }
  }
  t.kind = TaskKind::HostTask;
  t.host_fn = run;
  t.host_user = r;
  return s->enqueue(std::move(t));
}

}  // namespace
}  // namespace single_op
}  // namespace acl_host

struct aclopHandle {
  std::shared_ptr<acl_host::single_op::OpModel> op;
};

using namespace acl_host;
using namespace acl_host::single_op;

namespace {

LiveSet<const aclopHandle*, aclopHandle>& op_handles() {
  static NoDestructor<LiveSet<const aclopHandle*, aclopHandle>> s;  // as loaded()
  return *s;
}

aclError not_supported(const char* what) {
  return fail(ACL_ERROR_API_NOT_SUPPORT,
              "%s: the host runtime runs single operators from `acl-async atc --singleop` models only, not custom "
              "kernels",
              what);
}

// Cast's attributes as op_list.json names them (dst_type: the output's aclDataType).
aclopAttr cast_attr(const aclTensorDesc* dst, uint8_t truncate) {
  aclopAttr a;
  if (dst && tensor_desc::live(dst)) a.values["dst_type"] = "i:" + std::to_string(static_cast<int>(dst->dtype));
  a.values["truncate"] = truncate ? "b:1" : "b:0";
  return a;
}

}  // namespace

namespace acl_host {
namespace single_op {

// The handle of the model matched for these descriptions and attributes, compiled now.
aclError create_handle(const char* type, int n_in, const aclTensorDesc* const in[], int n_out,
                       const aclTensorDesc* const out[], const aclopAttr* attr, aclopHandle** handle) {
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  *handle = nullptr;
  aclError code;
  auto op = find(type, n_in, in, n_out, out, attr, code);
  if (!op) return code;
  if (aclError e = compile(*op)) return e;
  auto h = std::make_shared<aclopHandle>();
  h->op = std::move(op);
  op_handles().add(h.get(), h);
  *handle = h.get();
  return ACL_SUCCESS;
}

aclError execute(const char* type, int n_in, const aclTensorDesc* const in_desc[], const aclDataBuffer* const in[],
                 int n_out, const aclTensorDesc* const out_desc[], aclDataBuffer* const out[], const aclopAttr* attr,
                 aclrtStream stream) {
  aclError code;
  auto op = find(type, n_in, in_desc, n_out, out_desc, attr, code);
  if (!op) return code;
  return launch(op, n_in, in, n_out, out, stream);
}

void release_all() {
  std::vector<std::shared_ptr<OpModel>> models;
  {
    std::lock_guard<std::mutex> lock(loaded().m);
    models.swap(loaded().models);
  }
  auto handles = op_handles().take_all();  // released here, outside the set's lock
}

}  // namespace single_op
}  // namespace acl_host

extern "C" {

aclError aclopSetModelDir(const char* modelDir) ACL_API_TRY {
  ACL_API();
  if (!modelDir || !*modelDir) return fail(ACL_ERROR_INVALID_PARAM, "modelDir must be a non-empty path");
  if (aclError e = require_init()) return e;
  int loaded = 0;
  return load_dir(modelDir, 0, loaded);
} ACL_API_CATCH

aclError aclopLoad(const void* model, size_t modelSize) ACL_API_TRY {
  ACL_API();
  if (!model || modelSize == 0) return fail(ACL_ERROR_INVALID_PARAM, "model %p of %zu bytes", model, modelSize);
  if (aclError e = require_init()) return e;
  std::string err;
  auto op = parse(std::string(static_cast<const char*>(model), modelSize), "(memory)", err);
  if (!op) return fail(ACL_ERROR_OP_LOAD_FAILED, "cannot load the single-operator model: %s", err.c_str());
  add(std::move(op));
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclopExecute(const char* opType, int numInputs, const aclTensorDesc* const inputDesc[],
                      const aclDataBuffer* const inputs[], int numOutputs, const aclTensorDesc* const outputDesc[],
                      aclDataBuffer* const outputs[], const aclopAttr* attr, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (attr && !live_attr(attr)) return fail(ACL_ERROR_INVALID_PARAM, "attr is not a live aclopAttr");
  return execute(opType, numInputs, inputDesc, inputs, numOutputs, outputDesc, outputs, attr, stream);
} ACL_API_CATCH

aclError aclopExecuteV2(const char* opType, int numInputs, aclTensorDesc* inputDesc[], aclDataBuffer* inputs[],
                        int numOutputs, aclTensorDesc* outputDesc[], aclDataBuffer* outputs[], aclopAttr* attr,
                        aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (attr && !live_attr(attr)) return fail(ACL_ERROR_INVALID_PARAM, "attr is not a live aclopAttr");
  // Static shapes only: the output descriptions already hold what the operator writes (none to refresh).
  return execute(opType, numInputs, inputDesc, inputs, numOutputs, outputDesc, outputs, attr, stream);
} ACL_API_CATCH

aclError aclopCreateHandle(const char* opType, int numInputs, const aclTensorDesc* const inputDesc[], int numOutputs,
                           const aclTensorDesc* const outputDesc[], const aclopAttr* opAttr,
                           aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  if (opAttr && !live_attr(opAttr)) return fail(ACL_ERROR_INVALID_PARAM, "opAttr is not a live aclopAttr");
  return create_handle(opType, numInputs, inputDesc, numOutputs, outputDesc, opAttr, handle);
} ACL_API_CATCH

void aclopDestroyHandle(aclopHandle* handle) ACL_API_TRY {
  ACL_API();
  if (handle && !op_handles().take(handle)) note("handle %p is not a live aclopHandle: ignored", static_cast<void*>(handle));
} ACL_API_CATCH_VOID

aclError aclopExecWithHandle(aclopHandle* handle, int numInputs, const aclDataBuffer* const inputs[], int numOutputs,
                             aclDataBuffer* const outputs[], aclrtStream stream) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<aclopHandle> h = handle ? op_handles().find(handle) : nullptr;
  if (!h) return fail(ACL_ERROR_INVALID_PARAM, "handle is not a live aclopHandle (aclopCreateHandle)");
  return launch(h->op, numInputs, inputs, numOutputs, outputs, stream);
} ACL_API_CATCH

aclError aclopCast(const aclTensorDesc* srcDesc, const aclDataBuffer* srcBuffer, const aclTensorDesc* dstDesc,
                   aclDataBuffer* dstBuffer, uint8_t truncate, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  const aclopAttr a = cast_attr(dstDesc, truncate);
  aclError code;
  auto op = find("Cast", 1, &srcDesc, 1, &dstDesc, &a, code);
  if (!op) return code;
  return launch(op, 1, &srcBuffer, 1, &dstBuffer, stream);
} ACL_API_CATCH

aclError aclopCreateHandleForCast(aclTensorDesc* srcDesc, aclTensorDesc* dstDesc, uint8_t truncate,
                                  aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  const aclopAttr a = cast_attr(dstDesc, truncate);
  const aclTensorDesc* in = srcDesc;
  const aclTensorDesc* out = dstDesc;
  return create_handle("Cast", 1, &in, 1, &out, &a, handle);
} ACL_API_CATCH

aclError aclopCreateKernel(const char*, const char*, const char*, void*, int, aclopEngineType,
                           aclDataDeallocator) ACL_API_TRY {
  ACL_API();
  return not_supported("custom kernels");
} ACL_API_CATCH

aclError aclopRegisterCompileFunc(const char*, aclopCompileFunc) ACL_API_TRY {
  ACL_API();
  return not_supported("operator compile functions");
} ACL_API_CATCH

aclError aclopUnregisterCompileFunc(const char*) ACL_API_TRY {
  ACL_API();
  return not_supported("operator compile functions");
} ACL_API_CATCH

aclError aclopSetKernelArgs(aclopKernelDesc*, const char*, uint32_t, const void*, uint32_t) ACL_API_TRY {
  ACL_API();
  return not_supported("kernel arguments");
} ACL_API_CATCH

aclError aclopSetKernelWorkspaceSizes(aclopKernelDesc*, int, size_t*) ACL_API_TRY {
  ACL_API();
  return not_supported("kernel workspaces");
} ACL_API_CATCH

aclError aclopUpdateParams(const char*, int, const aclTensorDesc* const[], int, const aclTensorDesc* const[],
                           const aclopAttr*) ACL_API_TRY {
  ACL_API();
  return not_supported("dynamic-shape operator updates");
} ACL_API_CATCH

aclError aclopInferShape(const char*, int, aclTensorDesc*[], aclDataBuffer*[], int, aclTensorDesc*[],
                         aclopAttr*) ACL_API_TRY {
  ACL_API();
  return not_supported("operator shape inference");
} ACL_API_CATCH

aclError aclopSetMaxOpQueueNum(uint64_t maxOpNum) ACL_API_TRY {
  ACL_API();
  if (maxOpNum == 0) return fail(ACL_ERROR_INVALID_PARAM, "maxOpNum must be greater than 0");
  return ACL_SUCCESS;  // every loaded model stays loaded: no queue to bound
} ACL_API_CATCH

}  // extern "C"
