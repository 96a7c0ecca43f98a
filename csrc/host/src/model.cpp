// Model loading (ONNX / OpenVINO IR by content), the compiled-model cache,
// execution and the aclmdl load/unload/execute entry points.
#include "detail/model.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <openvino/core/model.hpp>
#include <openvino/frontend/manager.hpp>
#include <openvino/op/constant.hpp>
#include <openvino/runtime/properties.hpp>

#include "acl/acl.h"
#include "detail/aipp_host.h"
#include "detail/context.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/live_set.h"
#include "detail/model_dynamic.h"
#include "detail/observe.h"
#include "detail/om_container.h"
#include "detail/runtime.h"
#include "detail/strict.h"
#include "detail/stream.h"
#include "detail/tensor_desc.h"
#include "detail/util.h"

namespace acl_host {
namespace {

constexpr const char* kFormats = "the host runtime executes ONNX models and OpenVINO IR (.xml + .bin)";

enum class Kind { Onnx, Ir, Om, Unknown };

// A model's bytes (and, for IR, its weights).
struct Source {
  std::string origin;           // for messages: the path or "memory"
  std::string path;             // file loads: the model file
  std::string missing_weights;  // IR without its .bin: the path looked for
  std::string bytes;
  std::string weights;
  Kind kind = Kind::Unknown;
  bool container = false;  // an `acl-async atc` .om: bytes/weights are its IR, meta its metadata
  std::map<std::string, std::string> meta;
};

Kind sniff(const std::string& b) {
  if (b.size() >= 4 && std::memcmp(b.data(), "IMOD", 4) == 0) return Kind::Om;
  size_t i = 0;
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xEF && static_cast<unsigned char>(b[1]) == 0xBB &&
      static_cast<unsigned char>(b[2]) == 0xBF)
    i = 3;
  while (i < b.size() && std::isspace(static_cast<unsigned char>(b[i]))) ++i;
  if (i < b.size() && b[i] == '<') {
    std::string_view head(b.data() + i, std::min<size_t>(b.size() - i, 1 << 16));
    return head.find("<net") != std::string_view::npos ? Kind::Ir : Kind::Unknown;
  }
  if (b.empty()) return Kind::Unknown;
  // An ONNX ModelProto starts with one of its field tags (ir_version first in practice).
  switch (static_cast<unsigned char>(b[0])) {
    case 0x08:
    case 0x12:
    case 0x1a:
    case 0x22:
    case 0x28:
    case 0x32:
    case 0x3a:
    case 0x42:
    case 0x72:
    case 0xa2:
    case 0xca:
    case 0xd2:
      return Kind::Onnx;
    default:
      return Kind::Unknown;
  }
}

aclError read_file(const std::string& path, std::string& out, const char* what) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    return fail(ACL_ERROR_READ_MODEL_FAILURE, "cannot read %s '%s': %s", what, path.c_str(),
                std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail(ACL_ERROR_READ_MODEL_FAILURE, "cannot read %s '%s': not a regular file", what, path.c_str());
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return fail(ACL_ERROR_READ_MODEL_FAILURE, "cannot open %s '%s': %s", what, path.c_str(),
                std::strerror(errno));
  out.resize(static_cast<size_t>(st.st_size));
  if (!out.empty() && !f.read(&out[0], static_cast<std::streamsize>(out.size())))
    return fail(ACL_ERROR_READ_MODEL_FAILURE, "cannot read %s '%s'", what, path.c_str());
  return ACL_SUCCESS;
}

aclError classify(Source& src) {
  if (src.bytes.empty())
    return fail(ACL_ERROR_PARSE_MODEL, "model %s is empty; %s", src.origin.c_str(), kFormats);
  if (om::is_container(src.bytes)) {
    std::string xml, weights, err;
    if (!om::unpack(src.bytes, src.meta, xml, weights, err))
      return fail(ACL_ERROR_PARSE_MODEL, "model %s: %s", src.origin.c_str(), err.c_str());
    src.bytes = std::move(xml);
    src.weights = std::move(weights);
    src.kind = Kind::Ir;
    src.container = true;
    return ACL_SUCCESS;
  }
  src.kind = sniff(src.bytes);
  if (src.kind == Kind::Om)
    return fail(ACL_ERROR_PARSE_MODEL,
                "model %s is an Ascend offline model (.om), which only an NPU runs; %s: export the "
                "network to ONNX instead",
                src.origin.c_str(), kFormats);
  if (src.kind == Kind::Unknown)
    return fail(ACL_ERROR_PARSE_MODEL, "model %s is neither ONNX nor OpenVINO IR; %s", src.origin.c_str(),
                kFormats);
  return ACL_SUCCESS;
}

aclError source_from_file(const char* path, Source& src) {
  src.origin = std::string("'") + path + "'";
  src.path = path;
  if (aclError e = read_file(path, src.bytes, "model file")) return e;
  if (aclError e = classify(src)) return e;
  if (src.kind == Kind::Ir && !src.container) {
    std::string p(path);
    size_t slash = p.find_last_of('/');
    size_t dot = p.find_last_of('.');
    std::string bin = (dot != std::string::npos && (slash == std::string::npos || dot > slash))
                          ? p.substr(0, dot) + ".bin"
                          : p + ".bin";
    struct stat st{};
    if (::stat(bin.c_str(), &st) == 0) {
      if (aclError e = read_file(bin, src.weights, "IR weights file")) return e;
    } else {
      src.missing_weights = bin;  // fine for a model without constants
    }
  }
  return ACL_SUCCESS;
}

aclError source_from_mem(const void* data, size_t size, Source& src) {
  if (aclError e = strict::check_range(data, size, "model")) return e;
  src.origin = "in memory";
  src.bytes.assign(static_cast<const char*>(data), size);
  return classify(src);
}

// A hash of the content: finds cache candidates, which are then compared byte for byte.
// ACL_HOST_MODEL_CACHE_KEY_MASK (hex, for tests) masks it: 0 makes every model collide.
uint64_t content_key(const Source& src) {
  static const uint64_t mask = [] {
    const char* v = std::getenv("ACL_HOST_MODEL_CACHE_KEY_MASK");
    return v && *v ? std::strtoull(v, nullptr, 16) : ~uint64_t(0);
  }();
  std::hash<std::string_view> h;
  uint64_t k = h(std::string_view(src.bytes));
  k ^= h(std::string_view(src.weights)) + 0x9e3779b97f4a7c15ULL + (k << 6) + (k >> 2);
  k ^= (static_cast<uint64_t>(src.bytes.size()) << 1) ^ (static_cast<uint64_t>(src.weights.size()) << 33);
  for (const auto& kv : src.meta) k = k * 1099511628211ULL ^ h(std::string_view(kv.first + "=" + kv.second));
  return k & mask;
}

std::string first_line(const char* what) {
  std::string s(what);
  // OpenVINO messages carry source locations and long traces: keep them short.
  size_t cut = s.find("\n\n");
  if (cut != std::string::npos) s.resize(cut);
  if (s.size() > 600) s.resize(600);
  return s;
}

std::shared_ptr<ov::Model> read_onnx(const Source& src) {
  ov::frontend::FrontEndManager manager;
  ov::frontend::FrontEnd::Ptr onnx = manager.load_by_framework("onnx");
  ov::frontend::InputModel::Ptr input;
  if (!src.path.empty()) {
    input = onnx->load(src.path);  // resolves external data relative to the file
  } else {
    // Bytes from memory have no model folder, and without one OpenVINO resolves external
    // data against the working directory. Name a folder that cannot exist (nobody can
    // create directories in /proc/self) so that every external reference fails: OpenVINO
    // refuses `../` and absolute locations, and nothing is inside it.
    std::istringstream stream(src.bytes);
    std::istream* in = &stream;
    input = onnx->load(in, std::string("/proc/self/acl-model-from-memory/model.onnx"));
  }
  return onnx->convert(input);
}

aclError parse(const Source& src, std::shared_ptr<ov::Model>& out) {
  try {
    ov::Tensor weights;
    if (!src.weights.empty()) {
      weights = ov::Tensor(ov::element::u8, ov::Shape{src.weights.size()});
      std::memcpy(weights.data(), src.weights.data(), src.weights.size());
    }
    if (src.kind == Kind::Onnx)
      out = read_onnx(src);  // only the ONNX frontend: others log noise when probing ONNX bytes
    else
      out = core().read_model(src.bytes, weights);
  } catch (const std::exception& e) {
    std::string err = first_line(e.what());
    if (src.path.empty() && src.kind == Kind::Onnx &&
        (err.find("extern") != std::string::npos || err.find("base directory") != std::string::npos))
      return fail(ACL_ERROR_PARSE_MODEL,
                  "model %s refers to external data files, which a model loaded from memory may not read "
                  "(there is no model folder): load it from its file (aclmdlLoadFromFile)",
                  src.origin.c_str());
    if (!src.missing_weights.empty())
      err = "its weights file '" + src.missing_weights + "' does not exist; " + err;
    return fail(ACL_ERROR_PARSE_MODEL, "cannot parse model %s as %s: %s", src.origin.c_str(),
                src.kind == Kind::Ir ? "OpenVINO IR" : "ONNX", err.c_str());
  }
  if (!out) return fail(ACL_ERROR_PARSE_MODEL, "cannot parse model %s", src.origin.c_str());
  return ACL_SUCCESS;
}

aclDataType to_acl(const ov::element::Type& t) {
  using ov::element::Type_t;
  switch (static_cast<Type_t>(t)) {
    case Type_t::f32:
      return ACL_FLOAT;
    case Type_t::f16:
      return ACL_FLOAT16;
    case Type_t::bf16:
      return ACL_BF16;
    case Type_t::f64:
      return ACL_DOUBLE;
    case Type_t::i8:
      return ACL_INT8;
    case Type_t::u8:
      return ACL_UINT8;
    case Type_t::i16:
      return ACL_INT16;
    case Type_t::u16:
      return ACL_UINT16;
    case Type_t::i32:
      return ACL_INT32;
    case Type_t::u32:
      return ACL_UINT32;
    case Type_t::i64:
      return ACL_INT64;
    case Type_t::u64:
      return ACL_UINT64;
    case Type_t::boolean:
      return ACL_BOOL;
    case Type_t::string:
      return ACL_STRING;
    default:
      return ACL_DT_UNDEFINED;
  }
}

size_t byte_size(const ov::element::Type& t, size_t elements) { return (elements * t.bitwidth() + 7) / 8; }

}  // namespace

template <typename Port>
PortInfo describe(const Port& port) {
  PortInfo p;
  try {
    p.name = port.get_any_name();
  } catch (const std::exception&) {
    p.name = port.get_node()->get_friendly_name();
  }
  p.type = port.get_element_type();
  p.dtype = to_acl(p.type);
  const ov::PartialShape& ps = port.get_partial_shape();
  if (ps.rank().is_dynamic()) {
    p.dynamic = true;
    p.dims = {-2};  // unknown rank
    p.format = ACL_FORMAT_ND;
    return p;
  }
  for (const auto& d : ps) p.dims.push_back(d.is_static() ? d.get_length() : -1);
  p.format = p.dims.size() == 4 ? ACL_FORMAT_NCHW : ACL_FORMAT_ND;
  p.dynamic = ps.is_dynamic();
  if (!p.dynamic) {
    p.shape = ps.to_shape();
    p.bytes = byte_size(p.type, ov::shape_size(p.shape));
  }
  return p;
}

namespace {
// An execution OpenVINO failed: nothing stays wrapped (the request may have dropped its tensors).
aclError execution_failed(uint32_t id, const std::exception& e, std::vector<void*>& bound, std::string& msg) {
  std::fill(bound.begin(), bound.end(), nullptr);
  msg = format("model %u execution failed: %s", id, first_line(e.what()).c_str());
  return ACL_ERROR_RT_MODEL_EXECUTE;
}
}  // namespace

PortInfo describe_input(const ov::Output<const ov::Node>& port) { return describe(port); }
PortInfo describe_output(const ov::Output<const ov::Node>& port) { return describe(port); }

namespace {

// Work and weight sizes, consistent between aclmdlQuerySize and loading.
void query_sizes(const std::shared_ptr<ov::Model>& m, size_t& work, size_t& weight) {
  size_t weights = 0, io = 0, largest = 0;
  for (const auto& op : m->get_ops()) {
    if (auto c = std::dynamic_pointer_cast<ov::op::v0::Constant>(op)) {
      weights += byte_size(c->get_element_type(), ov::shape_size(c->get_shape()));
      continue;
    }
    for (const auto& out : op->outputs()) {
      if (!out.get_partial_shape().is_static()) continue;
      size_t b = byte_size(out.get_element_type(), ov::shape_size(out.get_shape()));
      largest = std::max(largest, b);
    }
  }
  for (const auto& in : m->inputs())
    if (in.get_partial_shape().is_static())
      io += byte_size(in.get_element_type(), ov::shape_size(in.get_shape()));
  for (const auto& out : m->outputs())
    if (out.get_partial_shape().is_static())
      io += byte_size(out.get_element_type(), ov::shape_size(out.get_shape()));
  work = std::max<size_t>(align_up(io + 2 * largest, 64), 64);
  weight = std::max<size_t>(align_up(weights, 64), 64);
}

// ---- Compiled-model cache (one CompiledModel per distinct content) ----

struct Cache {
  std::mutex m;
  // Entries with the same key differ in content (a hash collision): each is compared in full.
  std::unordered_map<uint64_t, std::vector<std::weak_ptr<CompiledEntry>>> entries;
};
Cache& cache() {
  static NoDestructor<Cache> c;
  return *c;
}

// The live entry holding exactly this content, or null. c.m held.
std::shared_ptr<CompiledEntry> cache_lookup(Cache& c, uint64_t key, const Source& src) {
  auto it = c.entries.find(key);
  if (it == c.entries.end()) return nullptr;
  for (auto& w : it->second)
    if (auto e = w.lock())
      if (e->bytes == src.bytes && e->weights == src.weights && e->source_meta == src.meta) return e;
  return nullptr;
}

std::shared_ptr<CompiledEntry> cache_slot(const Source& src) {
  Cache& c = cache();
  const uint64_t key = content_key(src);
  std::lock_guard<std::mutex> lock(c.m);
  if (auto e = cache_lookup(c, key, src)) return e;
  auto e = std::make_shared<CompiledEntry>();
  e->key = key;
  e->bytes = src.bytes;
  e->weights = src.weights;
  e->source_meta = src.meta;
  auto& slots = c.entries[key];
  slots.erase(std::remove_if(slots.begin(), slots.end(), [](const auto& w) { return w.expired(); }),
              slots.end());
  slots.push_back(e);
  if (c.entries.size() > 64)  // forget dead slots now and then
    for (auto it = c.entries.begin(); it != c.entries.end();)
      it = std::all_of(it->second.begin(), it->second.end(), [](const auto& w) { return w.expired(); })
               ? c.entries.erase(it)
               : std::next(it);
  return e;
}

std::shared_ptr<CompiledEntry> cache_find_ready(const Source& src) {
  Cache& c = cache();
  const uint64_t key = content_key(src);
  std::lock_guard<std::mutex> lock(c.m);
  return cache_lookup(c, key, src);
}

// Whether the compile hit OpenVINO's model cache (ACL_HOST_CACHE_DIR), at ACL_INFO.
void log_cache_use(const Source& src, const CompiledEntry& entry) {
  bool hit = entry.compiled.get_property(ov::loaded_from_cache);
  if (entry.latency) hit = hit && entry.latency.get_property(ov::loaded_from_cache);
  aclAppLog(ACL_INFO, __func__, __FILE__, __LINE__, "model %s: %s OpenVINO's model cache in '%s'",
            src.origin.c_str(), hit ? "imported from" : "compiled and stored in", config().cache_dir.c_str());
}

// The compiled variants' CPU configuration (exec_policy::describe), at ACL_INFO.
void log_variants(const Source& src, const CompiledEntry& entry) {
  const std::string main = exec_policy::describe(entry.compiled);
  aclAppLog(ACL_INFO, __func__, __FILE__, __LINE__, "model %s: %s variant: %s", src.origin.c_str(),
            entry.latency ? "THROUGHPUT" : "only", main.c_str());
  if (!entry.latency) return;
  const std::string latency = exec_policy::describe(entry.latency);
  aclAppLog(ACL_INFO, __func__, __FILE__, __LINE__, "model %s: LATENCY variant: %s", src.origin.c_str(),
            latency.c_str());
}

// Models whose weights and working memory fit in this are "tiny" (see compile()); real
// networks are far above it (MobileNet: megabytes of weights).
constexpr size_t kTinyModelBytes = 1 << 20;

aclError compile(const Source& src, CompiledEntry& entry) {
  std::shared_ptr<ov::Model> m;
  if (aclError e = parse(src, m)) return e;
  try {
    ModelInfo info;
    query_sizes(m, info.work_size, info.weight_size);
    ov::AnyMap props;
    const bool tiny = info.weight_size + info.work_size <= kTinyModelBytes;
    const bool adaptive = exec_policy::compile_props(config().performance_hint, tiny, props);
    // Profiling configured (acl.json or aclprofInit): OpenVINO's per-layer counters for the trace.
    if (observe::wants_layer_times()) props[ov::enable_profiling.name()] = true;
    if (!config().inference_precision.empty())
      props[ov::hint::inference_precision.name()] = ov::element::Type(config().inference_precision);
    if (config().inference_threads > 0)  // `acl-async bench -nthreads`, as benchmark_app's
      props[ov::inference_num_threads.name()] = config().inference_threads;
    // ACL_HOST_CACHE_DIR: OpenVINO's model cache, so that the processes of a node (Ray actors, runs
    // of a tool) compile a model once and import it after that.
    if (!config().cache_dir.empty()) props[ov::cache_dir.name()] = config().cache_dir;
    entry.meta = src.meta;
    if (dynamic::has_gears(src.meta)) {
      std::string err;
      if (!dynamic::compile_gears(m, props, entry, info, err))
        return fail(ACL_ERROR_PARSE_MODEL, "cannot compile model %s for the CPU: %s", src.origin.c_str(),
                    err.c_str());
    } else {
      entry.compiled = core().compile_model(m, "CPU", props);
      if (adaptive) entry.latency = core().compile_model(m, "CPU", exec_policy::latency_props(props));
      if (!config().cache_dir.empty()) log_cache_use(src, entry);
      log_variants(src, entry);
      for (const auto& in : entry.compiled.inputs()) info.inputs.push_back(describe(in));
      for (const auto& out : entry.compiled.outputs()) info.outputs.push_back(describe(out));
    }
    dynamic::mark_aipp_inputs(entry.meta, info);
    {
      auto host = std::make_shared<aipp::HostAipp>();
      std::string err;
      if (!aipp::prepare(entry.meta, info, *host, err) || (!host->inputs.empty() && !entry.dyn.gears.empty()))
        return fail(ACL_ERROR_PARSE_MODEL, "model %s: %s", src.origin.c_str(),
                    err.empty() ? "host AIPP with dynamic profiles is not supported" : err.c_str());
      if (!host->inputs.empty()) entry.host_aipp = std::move(host);
    }
    entry.info = std::move(info);
    entry.ready = true;
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_PARSE_MODEL, "cannot compile model %s for the CPU: %s", src.origin.c_str(),
                first_line(e.what()).c_str());
  }
  return ACL_SUCCESS;
}

// ---- Loaded models ----

LiveSet<uint32_t, ModelInstance>& models() {
  static NoDestructor<LiveSet<uint32_t, ModelInstance>> set;
  return *set;
}

// Model ids count up from 1; 0 is never handed out.
uint32_t next_model_id() {
  static std::atomic<uint32_t> next{1};
  uint32_t id = next.fetch_add(1, std::memory_order_relaxed);
  return id != 0 ? id : next.fetch_add(1, std::memory_order_relaxed);
}

aclError load(Source& src, uint32_t* id, void* work, size_t work_size, void* weight, size_t weight_size,
              bool with_mem) {
  if (aclError e = require_init()) return e;
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  if (with_mem) {
    if (work && work_size == 0)
      return fail(ACL_ERROR_INVALID_PARAM, "workSize must not be 0 when workPtr is set");
    if (weight && weight_size == 0)
      return fail(ACL_ERROR_INVALID_PARAM, "weightSize must not be 0 when weightPtr is set");
  }
  auto entry = cache_slot(src);
  {
    std::lock_guard<std::mutex> lock(entry->m);
    if (!entry->ready)
      if (aclError e = compile(src, *entry)) return e;
  }
  watch_exit();
  if (with_mem)
    if (aclError e = strict::check_load_memory(work, work_size, weight, weight_size, entry->info.work_size,
                                               entry->info.weight_size))
      return e;
  ov::InferRequest request;
  try {
    request = entry->compiled.create_infer_request();
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "cannot create an infer request for model %s: %s",
                src.origin.c_str(), first_line(e.what()).c_str());
  }
  std::vector<ov::InferRequest> gear_requests;
  try {
    for (auto& g : entry->dyn.gears) gear_requests.push_back(g.compiled.create_infer_request());
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "cannot create an infer request for model %s: %s",
                src.origin.c_str(), first_line(e.what()).c_str());
  }
  ov::InferRequest latency_request;
  try {
    if (entry->latency) latency_request = entry->latency.create_infer_request();
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "cannot create an infer request for model %s: %s",
                src.origin.c_str(), first_line(e.what()).c_str());
  }
  uint32_t mid = next_model_id();
  auto instance = std::make_shared<ModelInstance>(mid, std::move(entry), std::move(request), ctx.get());
  instance->set_latency_request(std::move(latency_request));
  instance->set_gear_requests(std::move(gear_requests));
  models().add(mid, std::move(instance));
  *id = mid;
  return ACL_SUCCESS;
}

aclError query(Source& src, size_t* work, size_t* weight) {
  if (aclError e = require_init()) return e;
  if (auto e = cache_find_ready(src)) {
    std::lock_guard<std::mutex> lock(e->m);
    if (e->ready) {
      *work = e->info.work_size;
      *weight = e->info.weight_size;
      return ACL_SUCCESS;
    }
  }
  std::shared_ptr<ov::Model> m;
  if (aclError e = parse(src, m)) return e;
  try {
    query_sizes(m, *work, *weight);
  } catch (const std::exception& e) {
    return fail(ACL_ERROR_PARSE_MODEL, "cannot size model %s: %s", src.origin.c_str(),
                first_line(e.what()).c_str());
  }
  return ACL_SUCCESS;
}

// Shape of a dynamic input from its buffer size (one dynamic dimension).
bool infer_shape(const PortInfo& p, size_t size, ov::Shape& shape, std::string& msg) {
  if (p.dims.size() == 1 && p.dims[0] == -2) {
    msg = "input '" + p.name + "' has a dynamic rank: the host runtime cannot infer its shape";
    return false;
  }
  size_t known = byte_size(p.type, 1), dyn = 0, where = 0;
  for (size_t i = 0; i < p.dims.size(); ++i) {
    if (p.dims[i] < 0) {
      ++dyn;
      where = i;
    } else {
      known *= static_cast<size_t>(p.dims[i]);
    }
  }
  if (dyn != 1 || known == 0 || size % known != 0) {
    msg = format(
        "cannot infer the shape of dynamic input '%s' from a %zu-byte buffer (one dynamic dimension "
        "is supported)",
        p.name.c_str(), size);
    return false;
  }
  shape.clear();
  for (size_t i = 0; i < p.dims.size(); ++i)
    shape.push_back(i == where ? size / known : static_cast<size_t>(p.dims[i]));
  return true;
}

// The dims aclmdlSetDatasetTensorDesc gave a dynamic input: its rank and static dims must match the
// model's, and the buffer must hold them.
bool shape_from_desc(const PortInfo& p, const std::vector<int64_t>& dims, size_t size, ov::Shape& shape,
                     std::string& msg) {
  const bool any_rank = p.dims.size() == 1 && p.dims[0] == -2;
  bool ok = any_rank || dims.size() == p.dims.size();
  for (size_t i = 0; ok && i < dims.size(); ++i)
    ok = dims[i] > 0 && (any_rank || p.dims[i] < 0 || p.dims[i] == dims[i]);
  std::string text;
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? "," : "") + std::to_string(dims[i]);
  if (!ok) {
    msg = format("input '%s': the dataset's tensor desc gives dims [%s], which the model's input does not take",
                 p.name.c_str(), text.c_str());
    return false;
  }
  shape.assign(dims.begin(), dims.end());
  const size_t need = ov::shape_size(shape) * p.type.size();
  if (need > size) {
    msg = format("input '%s' with dims [%s] needs %zu bytes, its buffer holds %zu", p.name.c_str(), text.c_str(),
                 need, size);
    return false;
  }
  return true;
}

// After a dynamic-shape execution: each output's real dims into the output dataset's tensor descs
// (aclmdlGetDatasetTensorDesc), as CANN does.
void publish_output_dims(ov::InferRequest& request, const ModelInfo& mi, aclmdlDataset* output) {
  std::vector<std::shared_ptr<aclTensorDesc>> descs;
  for (size_t k = 0; k < mi.outputs.size(); ++k) {
    aclTensorDesc d;
    d.dtype = mi.outputs[k].dtype;
    d.format = mi.outputs[k].format;
    d.name = mi.outputs[k].name;
    for (size_t v : request.get_output_tensor(k).get_shape()) d.dims.push_back(static_cast<int64_t>(v));
    descs.push_back(tensor_desc::make_shared_copy(d));
  }
  std::vector<std::shared_ptr<aclTensorDesc>> old;  // released after the lock
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::dataset_valid_locked(output)) return;
  if (output->descs.size() < output->buffers.size()) output->descs.resize(output->buffers.size());
  for (size_t k = 0; k < descs.size() && k < output->descs.size(); ++k) {
    old.push_back(std::move(output->descs[k]));
    output->descs[k] = std::move(descs[k]);
  }
}

}  // namespace

// ---- ModelInstance ----

aclError ModelInstance::validate(const IoList& io, uint32_t num_inputs) {
  if (has_gears()) return validate_gears(io, num_inputs);
  const ModelInfo& mi = info();
  const size_t nout = io.size() - num_inputs;
  if (num_inputs != mi.inputs.size())
    return fail(ACL_ERROR_MODEL_INPUT_NOT_MATCH,
                "model %u has %zu input(s) but the input dataset holds %u buffer(s)", id_, mi.inputs.size(),
                num_inputs);
  if (nout != mi.outputs.size())
    return fail(ACL_ERROR_MODEL_OUTPUT_NOT_MATCH,
                "model %u has %zu output(s) but the output dataset holds %zu buffer(s)", id_,
                mi.outputs.size(), nout);
  const bool strict = strict_mode();
  for (size_t i = 0; i < io.size(); ++i) {
    const bool is_in = i < num_inputs;
    const size_t k = is_in ? i : i - num_inputs;
    const PortInfo& p = is_in ? mi.inputs[k] : mi.outputs[k];
    const aclError code = is_in ? ACL_ERROR_MODEL_INPUT_NOT_MATCH : ACL_ERROR_MODEL_OUTPUT_NOT_MATCH;
    const char* side = is_in ? "input" : "output";
    const IoRef& b = io[i];
    if (!b.ptr)
      return fail(code, "model %u %s %zu ('%s') has a NULL buffer address", id_, side, k, p.name.c_str());
    // A dynamic AIPP picture may be smaller than max_src_image_size: its AIPP checks the size it needs.
    const bool aipp_picture = is_in && entry_->host_aipp && entry_->host_aipp->find(k) &&
                              entry_->host_aipp->find(k)->dynamic;
    // A larger buffer is taken (CANN's model executor only warns that the input is "bigger than the om
    // needs": Huawei's Python vpc_jpeg sample feeds a 512 x 534 picture to a 224 x 224 AIPP model).
    if (!p.dynamic && !aipp_picture && b.size < p.bytes)
      return fail(code, "model %u %s %zu ('%s') buffer holds %zu bytes, the model needs %zu", id_, side, k,
                  p.name.c_str(), b.size, p.bytes);
    if (strict) {
      std::string what = format("model %u %s %zu ('%s') buffer", id_, side, k, p.name.c_str());
      if (aclError e = strict::check_device_range(b.ptr, b.size, what.c_str())) return e;
    }
  }
  return ACL_SUCCESS;
}

aclError ModelInstance::begin(const void* stream) {
  std::lock_guard<std::mutex> lock(state_m_);
  if (inflight_ > 0 && owner_ != stream && strict_mode())
    return fail(ACL_ERROR_RT_STREAM_MODEL,
                "model %u is still executing on %s %p; a model id runs on one stream at a time (load the "
                "model once per stream; strict mode, ACL_HOST_STRICT=0 relaxes)",
                id_, owner_ ? "stream" : "aclmdlExecute of thread", owner_);
  if (inflight_ == 0) {
    owner_ = stream;
    exec_policy::busy_begin();
  }
  ++inflight_;
  return ACL_SUCCESS;
}

void ModelInstance::end() {
  std::lock_guard<std::mutex> lock(state_m_);
  if (inflight_ > 0 && --inflight_ == 0) {
    owner_ = nullptr;
    exec_policy::busy_end();
  }
}

bool ModelInstance::dynamic_shape() const {
  if (has_gears()) return false;
  for (const PortInfo& p : info().inputs)
    if (p.dynamic) return true;
  for (const PortInfo& p : info().outputs)
    if (p.dynamic) return true;
  return false;
}

bool ModelInstance::pipelinable() const {
  return config().lookahead && latency_request_ && !has_gears() && !entry_->host_aipp && !dynamic_shape() &&
         !observe::enabled();
}

bool ModelInstance::claim_pipe(const void* stream) {
  const void* none = nullptr;
  return pipe_owner_.compare_exchange_strong(none, stream, std::memory_order_acq_rel) || none == stream;
}

void ModelInstance::release_pipe(const void* stream) {
  const void* mine = stream;
  pipe_owner_.compare_exchange_strong(mine, nullptr, std::memory_order_acq_rel);
}

aclError ModelInstance::start(int slot, const IoList& io, uint32_t num_inputs, std::string& msg) {
  PipeSlot& s = pipe_[slot];
  try {
    if (!s.request) {
      s.request = entry_->compiled.create_infer_request();
      s.bound.assign(io.size(), nullptr);
    }
    for (size_t i = 0; i < io.size(); ++i) {
      if (s.bound[i] == io[i].ptr) continue;  // same buffer as last time: still wrapped
      const bool is_in = i < num_inputs;
      const size_t k = is_in ? i : i - num_inputs;
      const PortInfo& p = is_in ? info().inputs[k] : info().outputs[k];
      ov::Tensor t(p.type, p.shape, io[i].ptr);
      if (is_in)
        s.request.set_input_tensor(k, t);
      else
        s.request.set_output_tensor(k, t);
      s.bound[i] = io[i].ptr;
    }
    s.request.start_async();
  } catch (const std::exception& e) {
    return execution_failed(id_, e, s.bound, msg);
  }
  return ACL_SUCCESS;
}

aclError ModelInstance::finish(int slot, std::string& msg) {
  PipeSlot& s = pipe_[slot];
  try {
    s.request.wait();
  } catch (const std::exception& e) {
    return execution_failed(id_, e, s.bound, msg);
  }
  return ACL_SUCCESS;
}

aclError ModelInstance::run(const IoList& io, uint32_t num_inputs, std::string& msg, const ShapeIo* shapes) {
  ov::InferRequest* used = &request_;
  if (!observe::enabled())
    return has_gears() ? run_gears(io, num_inputs, msg, used) : run_static(io, num_inputs, msg, shapes);
  const uint64_t t0 = observe::now_ns();
  aclError e = has_gears() ? run_gears(io, num_inputs, msg, used) : run_static(io, num_inputs, msg, shapes);
  if (e == ACL_SUCCESS) observe::model_ran(id_, io, num_inputs, t0, used);
  return e;
}

aclError ModelInstance::run_static(const IoList& io, uint32_t num_inputs, std::string& msg,
                                   const ShapeIo* shapes) {
  const ModelInfo& mi = info();
  std::lock_guard<std::mutex> lock(run_m_);
  const bool latency =
      latency_request_ && exec_policy::choose(id_, variant_) == exec_policy::Variant::Latency;
  ov::InferRequest& request_ = latency ? latency_request_ : this->request_;
  std::vector<void*>& bound_ = latency ? latency_bound_ : this->bound_;
  try {
    bool dynamic_out = false;
    for (size_t i = 0; i < io.size(); ++i) {
      const bool is_in = i < num_inputs;
      const size_t k = is_in ? i : i - num_inputs;
      const PortInfo& p = is_in ? mi.inputs[k] : mi.outputs[k];
      if (is_in && entry_->host_aipp) {
        const aipp::HostAipp& h = *entry_->host_aipp;
        if (h.find_data(k)) continue;  // read by its picture input's AIPP
        if (h.find(k)) {
          bound_[i] = nullptr;
          if (!host_aipp_input(k, io, request_, msg)) return ACL_ERROR_INVALID_PARAM;
          continue;
        }
      }
      if (p.dynamic) {
        if (!is_in) {
          dynamic_out = true;
          continue;
        }
        ov::Shape shape;
        if (shapes && k < shapes->inputs.size() && !shapes->inputs[k].empty()) {
          if (!shape_from_desc(p, shapes->inputs[k], io[i].size, shape, msg)) return ACL_ERROR_MODEL_INPUT_NOT_MATCH;
        } else if (!infer_shape(p, io[i].size, shape, msg)) {
          return ACL_ERROR_MODEL_INPUT_NOT_MATCH;
        }
        request_.set_input_tensor(k, ov::Tensor(p.type, shape, io[i].ptr));
        bound_[i] = nullptr;
        continue;
      }
      if (bound_[i] == io[i].ptr) continue;  // same buffer as last time: still wrapped
      ov::Tensor t(p.type, p.shape, io[i].ptr);
      if (is_in)
        request_.set_input_tensor(k, t);
      else
        request_.set_output_tensor(k, t);
      bound_[i] = io[i].ptr;
    }
    request_.infer();
    if (dynamic_out) {
      for (size_t k = 0; k < mi.outputs.size(); ++k) {
        if (!mi.outputs[k].dynamic) continue;
        ov::Tensor t = request_.get_output_tensor(k);
        const IoRef& b = io[num_inputs + k];
        if (t.get_byte_size() > b.size) {
          msg = format("output %zu ('%s') needs %zu bytes, its buffer holds %zu", k,
                       mi.outputs[k].name.c_str(), t.get_byte_size(), b.size);
          return ACL_ERROR_MODEL_OUTPUT_NOT_MATCH;
        }
        std::memcpy(b.ptr, t.data(), t.get_byte_size());
      }
    }
    if (shapes && shapes->output) publish_output_dims(request_, mi, shapes->output);
  } catch (const std::exception& e) {
    return execution_failed(id_, e, bound_, msg);
  }
  return ACL_SUCCESS;
}

bool ModelInstance::host_aipp_input(size_t k, const IoList& io, ov::InferRequest& request, std::string& msg) {
  const aipp::HostInput& in = *entry_->host_aipp->find(k);
  if (aipp_out_.size() <= k) aipp_out_.resize(k + 1);
  std::vector<float>& out = aipp_out_[k];
  out.resize(ov::shape_size(in.net.shape));
  const IoRef* data = in.dynamic ? &io[in.data_index] : nullptr;
  if (!aipp::apply(in, static_cast<const uint8_t*>(io[k].ptr), io[k].size, data ? data->ptr : nullptr,
                   data ? data->size : 0, out.data(), msg)) {
    msg = format("model %u input %zu AIPP: %s", id_, k, msg.c_str());
    return false;
  }
  request.set_input_tensor(k, ov::Tensor(ov::element::f32, in.net.shape, out.data()));
  return true;
}

namespace model {

aclError query_file(const char* path, size_t* work, size_t* weight) {
  Source src;
  if (aclError e = source_from_file(path, src)) return e;
  return query(src, work, weight);
}

aclError query_mem(const void* data, size_t size, size_t* work, size_t* weight) {
  Source src;
  if (aclError e = source_from_mem(data, size, src)) return e;
  return query(src, work, weight);
}

aclError load_file(const char* path, uint32_t* id, void* work, size_t work_size, void* weight,
                   size_t weight_size, bool with_mem) {
  Source src;
  if (aclError e = source_from_file(path, src)) return e;
  aclError e = load(src, id, work, work_size, weight, weight_size, with_mem);
  if (e == ACL_SUCCESS) observe::model_loaded(*id, path);  // its dump name
  return e;
}

aclError load_mem(const void* data, size_t size, uint32_t* id, void* work, size_t work_size, void* weight,
                  size_t weight_size, bool with_mem) {
  Source src;
  if (aclError e = source_from_mem(data, size, src)) return e;
  return load(src, id, work, work_size, weight, weight_size, with_mem);
}

std::shared_ptr<ModelInstance> lookup(uint32_t id) { return models().find(id); }

aclError unload(uint32_t id) {
  if (!models().take(id))
    return fail(ACL_ERROR_INVALID_MODEL_ID, "model id %u is not loaded (unloaded already or never loaded)",
                id);
  // Queued executions hold their own reference and finish normally.
  return ACL_SUCCESS;
}

void release_all() {
  models().take_all();  // the instances go here, outside the set's lock
}

}  // namespace model
}  // namespace acl_host

using namespace acl_host;

namespace {

aclError execute(uint32_t modelId, const aclmdlDataset* input, aclmdlDataset* output, aclrtStream stream,
                 bool async) {
  auto m = model::lookup(modelId);
  if (!m) return fail(ACL_ERROR_INVALID_MODEL_ID, "model id %u is not loaded", modelId);
  std::shared_ptr<Stream> s;
  if (async) {
    if (aclError e = stream::resolve(stream, true, s)) return e;
  } else {
    std::shared_ptr<Context> ctx;
    if (aclError e = context::require_current(ctx)) return e;
  }
  IoList io;
  if (aclError e = handles::snapshot(input, "input", io)) return e;
  const uint32_t nin = static_cast<uint32_t>(io.size());
  if (aclError e = handles::snapshot(output, "output", io)) return e;
  if (aclError e = m->validate(io, nin)) return e;
  std::shared_ptr<ShapeIo> shapes;
  if (m->dynamic_shape()) {
    // The dims set with aclmdlSetDatasetTensorDesc, taken now (the application may change them next).
    shapes = std::make_shared<ShapeIo>();
    shapes->output = output;
    std::lock_guard<std::mutex> lock(handles::mutex());
    for (size_t i = 0; i < nin; ++i)
      shapes->inputs.push_back(i < input->descs.size() && input->descs[i] ? input->descs[i]->dims
                                                                          : std::vector<int64_t>());
  }
  if (aclError e = m->begin(async ? static_cast<const void*>(s.get()) : nullptr)) return e;
  if (!async) {
    std::string msg;
    aclError e = m->run(io, nin, msg, shapes.get());
    m->end();
    if (e != ACL_SUCCESS) return fail(e, "%s", msg.c_str());
    return ACL_SUCCESS;
  }
  Task t;
  t.kind = TaskKind::Execute;
  t.model = std::move(m);
  t.io = std::move(io);
  t.num_inputs = nin;
  t.shapes = std::move(shapes);
  return s->enqueue(std::move(t));  // on failure the task is discarded (model->end())
}

}  // namespace

extern "C" {

aclError aclmdlQuerySize(const char* fileName, size_t* workSize, size_t* weightSize) ACL_API_TRY {
  ACL_API();
  if (!fileName || !workSize || !weightSize)
    return fail(ACL_ERROR_INVALID_PARAM, "fileName, workSize and weightSize must not be NULL");
  return model::query_file(fileName, workSize, weightSize);
} ACL_API_CATCH

aclError aclmdlQuerySizeFromMem(const void* model, size_t modelSize, size_t* workSize, size_t* weightSize) ACL_API_TRY {
  ACL_API();
  if (!model || !workSize || !weightSize)
    return fail(ACL_ERROR_INVALID_PARAM, "model, workSize and weightSize must not be NULL");
  if (modelSize == 0) return fail(ACL_ERROR_INVALID_PARAM, "modelSize must be greater than 0");
  return model::query_mem(model, modelSize, workSize, weightSize);
} ACL_API_CATCH

aclError aclmdlLoadFromFile(const char* modelPath, uint32_t* modelId) ACL_API_TRY {
  ACL_API();
  if (!modelPath || !modelId) return fail(ACL_ERROR_INVALID_PARAM, "modelPath and modelId must not be NULL");
  return model::load_file(modelPath, modelId, nullptr, 0, nullptr, 0, false);
} ACL_API_CATCH

aclError aclmdlLoadFromFileWithMem(const char* modelPath, uint32_t* modelId, void* workPtr, size_t workSize,
                                   void* weightPtr, size_t weightSize) ACL_API_TRY {
  ACL_API();
  if (!modelPath || !modelId) return fail(ACL_ERROR_INVALID_PARAM, "modelPath and modelId must not be NULL");
  return model::load_file(modelPath, modelId, workPtr, workSize, weightPtr, weightSize, true);
} ACL_API_CATCH

aclError aclmdlLoadFromMem(const void* model, size_t modelSize, uint32_t* modelId) ACL_API_TRY {
  ACL_API();
  if (!model || !modelId) return fail(ACL_ERROR_INVALID_PARAM, "model and modelId must not be NULL");
  if (modelSize == 0) return fail(ACL_ERROR_INVALID_PARAM, "modelSize must be greater than 0");
  return model::load_mem(model, modelSize, modelId, nullptr, 0, nullptr, 0, false);
} ACL_API_CATCH

aclError aclmdlLoadFromMemWithMem(const void* model, size_t modelSize, uint32_t* modelId, void* workPtr,
                                  size_t workSize, void* weightPtr, size_t weightSize) ACL_API_TRY {
  ACL_API();
  if (!model || !modelId) return fail(ACL_ERROR_INVALID_PARAM, "model and modelId must not be NULL");
  if (modelSize == 0) return fail(ACL_ERROR_INVALID_PARAM, "modelSize must be greater than 0");
  return model::load_mem(model, modelSize, modelId, workPtr, workSize, weightPtr, weightSize, true);
} ACL_API_CATCH

aclError aclmdlUnload(uint32_t modelId) ACL_API_TRY {
  ACL_API();
  return model::unload(modelId);
} ACL_API_CATCH

aclError aclmdlExecute(uint32_t modelId, const aclmdlDataset* input, aclmdlDataset* output) ACL_API_TRY {
  ACL_API();
  return execute(modelId, input, output, nullptr, false);
} ACL_API_CATCH

aclError aclmdlExecuteAsync(uint32_t modelId, const aclmdlDataset* input, aclmdlDataset* output,
                            aclrtStream stream) ACL_API_TRY {
  ACL_API();
  return execute(modelId, input, output, stream, true);
} ACL_API_CATCH

}  // extern "C"
