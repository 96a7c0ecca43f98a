// Profiling and dump. Profiling (acl.json "profiler" {"switch": "on", "output": dir}, or
// aclprofInit/aclprofStart/aclprofStop) records every stream task and model execution, with
// the per-layer times of OpenVINO's performance counters for models compiled while it was
// configured, and writes <dir>/PROF_<pid>_<n>/timeline.json in the Chrome trace-event format
// (Perfetto and chrome://tracing open it). Dump (acl.json "dump") writes each execution's
// inputs and/or outputs, raw bytes, in CANN's folder layout:
// <dump_path>/<YYYYMMDDhhmmss>/<device>/<model_name>/<model_id>/<execution index>/{input,output}.<i>.bin
// Settings with no host equivalent are named on stderr in one line, never silently dropped.
#include "detail/observe.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "acl/acl_prof.h"
#include "detail/error.h"
#include "detail/runtime.h"
#include "detail/util.h"

struct aclprofConfig {
  std::vector<uint32_t> devices;
  uint64_t types = 0;
};

namespace acl_host {
namespace observe {
namespace {

// ---- A small JSON reader (the config file was already checked by aclInit's JsonChecker) ----
struct Json {
  enum class Type { Null, Object, Array, String, Other } type = Type::Null;
  std::map<std::string, Json> object;
  std::vector<Json> array;
  std::string text;  // String: the value; Other: the literal
  const Json* get(const char* key) const {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &it->second;
  }
  std::string str(const char* key, const char* fallback = "") const {
    const Json* j = get(key);
    return j && (j->type == Type::String || j->type == Type::Other) ? j->text : fallback;
  }
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& s) : s_(s) {}
  Json parse() {
    Json j;
    value(j, 0);
    return j;
  }

 private:
  void ws() {
    while (i_ < s_.size() && std::strchr(" \t\r\n", s_[i_]) && s_[i_]) ++i_;
  }
  void value(Json& j, int depth) {
    ws();
    if (i_ >= s_.size() || depth > 64) return;
    const char c = s_[i_];
    if (c == '{') {
      j.type = Json::Type::Object;
      ++i_;
      for (ws(); i_ < s_.size() && s_[i_] != '}'; ws()) {
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        std::string key = string();
        ws();
        if (i_ < s_.size() && s_[i_] == ':') ++i_;
        value(j.object[key], depth + 1);
      }
      ++i_;
    } else if (c == '[') {
      j.type = Json::Type::Array;
      ++i_;
      for (ws(); i_ < s_.size() && s_[i_] != ']'; ws()) {
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        j.array.emplace_back();
        value(j.array.back(), depth + 1);
      }
      ++i_;
    } else if (c == '"') {
      j.type = Json::Type::String;
      j.text = string();
    } else {
      j.type = Json::Type::Other;
      while (i_ < s_.size() && !std::strchr(",}] \t\r\n", s_[i_])) j.text += s_[i_++];
    }
  }
  std::string string() {
    std::string out;
    if (i_ >= s_.size() || s_[i_] != '"') return out;
    for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        const char e = s_[++i_];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // \uXXXX is kept as text: paths rarely hold it
      } else {
        out += s_[i_];
      }
    }
    ++i_;
    return out;
  }
  const std::string& s_;
  size_t i_ = 0;
};

std::string json_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// ---- Files ----
bool make_dirs(const std::string& path, std::string& err) {
  std::string cur;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!cur.empty() && ::mkdir(cur.c_str(), 0775) != 0 && errno != EEXIST) {
        err = format("cannot create '%s': %s", cur.c_str(), std::strerror(errno));
        return false;
      }
    }
    if (i < path.size()) cur += path[i];
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::access(path.c_str(), W_OK) != 0) {
    err = format("'%s' is not a writable directory", path.c_str());
    return false;
  }
  return true;
}

// Writes through a temporary file and a rename: a reader never sees a partial file.
bool write_atomic(const std::string& path, const void* data, size_t size, std::string& err) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f && (size == 0 || std::fwrite(data, 1, size, f) == size);
  if (f && std::fclose(f) != 0) ok = false;
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0) return true;
  err = format("cannot write '%s': %s", path.c_str(), std::strerror(errno));
  std::remove(tmp.c_str());
  return false;
}

std::string timestamp_dir() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

void say(const std::string& line) { std::fprintf(stderr, "[acl-async] %s\n", line.c_str()); }

// ---- State ----
constexpr size_t kMaxEvents = 4u << 20;  // bounds the memory of a long profiled run
constexpr uint32_t kCallerLane = 1000000;  // the trace "thread" of synchronous calls

struct TraceEvent {
  std::string name;
  const char* cat;
  uint64_t ts, dur;  // ns since the origin
  int pid;
  uint32_t tid;
  std::string args;  // JSON object body, or empty
};

struct State {
  std::mutex m;
  // Profiling.
  bool json_profiling = false;  // acl.json "profiler" switch on (aclInit .. aclFinalize)
  bool api_inited = false;      // aclprofInit .. aclprofFinalize
  bool recording = false;
  std::string prof_dir;
  uint64_t origin = 0;
  std::vector<TraceEvent> events;
  bool dropped_noted = false;
  std::set<uint32_t> no_layers_noted;
  std::set<const aclprofConfig*> configs;
  std::vector<std::unique_ptr<aclprofConfig>> owned;
  unsigned sessions = 0;
  // Dump.
  bool dumping = false;
  std::string dump_root;  // <dump_path>/<time>
  bool dump_inputs = false, dump_outputs = true;
  std::set<std::string> dump_models;  // empty: every model
  std::map<uint32_t, uint64_t> dump_index;
  bool dump_failed_noted = false;
  // Every model's name (dump folders, trace args).
  std::map<uint32_t, std::string> names;
};

State& state() {
  static NoDestructor<State> s;
  return *s;
}

std::atomic<bool> g_enabled{false};
thread_local bool tl_in_task = false;
thread_local uint32_t tl_model = 0;
thread_local int tl_device = 0;
thread_local uint32_t tl_stream = 0;

void update_enabled_locked(State& s) { g_enabled.store(s.recording || s.dumping, std::memory_order_release); }

std::string name_of_locked(State& s, uint32_t id) {
  auto it = s.names.find(id);
  return it != s.names.end() ? it->second : "model_" + std::to_string(id);
}

void add_event_locked(State& s, TraceEvent&& e) {
  if (s.events.size() >= kMaxEvents) {
    if (!s.dropped_noted) say(format("profiling: more than %zu events, later ones are dropped", kMaxEvents));
    s.dropped_noted = true;
    return;
  }
  s.events.push_back(std::move(e));
}

const char* task_name(TaskKind k) {
  switch (k) {
    case TaskKind::Execute:
      return "ModelExecute";
    case TaskKind::Memcpy:
      return "MemcpyAsync";
    case TaskKind::Memcpy2d:
      return "Memcpy2dAsync";
    case TaskKind::Memset:
      return "MemsetAsync";
    case TaskKind::Callback:
      return "Callback";
    case TaskKind::RecordEvent:
      return "EventRecord";
    case TaskKind::WaitEvent:
      return "EventWait";
    case TaskKind::ResetEvent:
      return "EventReset";
    default:
      return "Task";
  }
}

// Writes the recorded events to <prof_dir>/PROF_<pid>_<n>/timeline.json and clears them.
bool write_trace_locked(State& s, std::string& err) {
  std::string dir = format("%s/PROF_%d_%u", s.prof_dir.c_str(), static_cast<int>(::getpid()), ++s.sessions);
  if (!make_dirs(dir, err)) return false;
  std::set<std::pair<int, uint32_t>> lanes;
  std::string out = "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"acl-async host runtime\"},";
  out += "\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& line) {
    out += first ? "" : ",\n";
    out += line;
    first = false;
  };
  for (const TraceEvent& e : s.events) {
    lanes.insert({e.pid, e.tid});
    std::string line = format(R"({"name":"%s","cat":"%s","ph":"X","ts":%.3f,"dur":%.3f,"pid":%d,"tid":%u)",
                              json_escape(e.name).c_str(), e.cat, static_cast<double>(e.ts) / 1000.0,
                              static_cast<double>(e.dur) / 1000.0, e.pid, e.tid);
    if (!e.args.empty()) line += ",\"args\":{" + e.args + "}";
    emit(line + "}");
  }
  for (const auto& lane : lanes) {
    emit(format(R"({"name":"process_name","ph":"M","pid":%d,"args":{"name":"device %d"}})", lane.first,
                lane.first));
    emit(format(R"({"name":"thread_name","ph":"M","pid":%d,"tid":%u,"args":{"name":"%s"}})", lane.first,
                lane.second,
                lane.second == kCallerLane ? "synchronous calls"
                                           : format("stream %u", lane.second).c_str()));
  }
  out += "\n]}\n";
  s.events.clear();
  return write_atomic(dir + "/timeline.json", out.data(), out.size(), err);
}

void dump_execution_locked(State& s, uint32_t model_id, const IoList& io, uint32_t num_inputs) {
  const std::string name = name_of_locked(s, model_id);
  if (!s.dump_models.empty() && !s.dump_models.count(name)) return;
  const uint64_t index = s.dump_index[model_id]++;
  const std::string dir =
      format("%s/%d/%s/%u/%llu", s.dump_root.c_str(), tl_device, name.c_str(), model_id,
             static_cast<unsigned long long>(index));
  std::string err;
  bool ok = make_dirs(dir, err);
  for (size_t i = 0; ok && i < io.size(); ++i) {
    const bool is_in = i < num_inputs;
    if (is_in ? !s.dump_inputs : !s.dump_outputs) continue;
    const std::string file =
        format("%s/%s.%zu.bin", dir.c_str(), is_in ? "input" : "output", is_in ? i : i - num_inputs);
    ok = write_atomic(file, io[i].ptr, io[i].size, err);
  }
  if (!ok && !s.dump_failed_noted) {
    say("dump: " + err);
    s.dump_failed_noted = true;
  }
}

}  // namespace

bool enabled() { return g_enabled.load(std::memory_order_relaxed); }

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

aclError configure(const std::string& text, const char* path) {
  const Json root = JsonReader(text).parse();
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  if (const Json* p = root.get("profiler")) {
    if (p->str("switch") == "on") {
      std::string dir = p->str("output", "."), err;
      if (dir.empty()) dir = ".";
      if (!make_dirs(dir, err))
        return fail(ACL_ERROR_INVALID_PROFILING_CONFIG, "%s: profiler \"output\": %s", path, err.c_str());
      std::string ignored;
      for (const auto& kv : p->object)
        if (kv.first != "switch" && kv.first != "output" && !kv.second.text.empty() && kv.second.text != "off")
          ignored += (ignored.empty() ? "" : ", ") + kv.first;
      if (!ignored.empty())
        say("profiler: " + ignored + " have no host equivalent (ignored); recording tasks and layer times");
      s.json_profiling = s.recording = true;
      s.prof_dir = dir;
      s.origin = now_ns();
    }
  }
  if (const Json* d = root.get("dump")) {
    const std::string dump_path = d->str("dump_path");
    if (dump_path.empty())
      return fail(ACL_ERROR_INVALID_DUMP_CONFIG, "%s: the dump section has no \"dump_path\"", path);
    const std::string mode = d->str("dump_mode", "output");
    if (mode != "input" && mode != "output" && mode != "all")
      return fail(ACL_ERROR_INVALID_DUMP_CONFIG, "%s: dump_mode '%s' is not input, output or all", path,
                  mode.c_str());
    std::string root_dir = dump_path + "/" + timestamp_dir(), err;
    if (!make_dirs(root_dir, err))
      return fail(ACL_ERROR_INVALID_DUMP_CONFIG, "%s: dump_path: %s", path, err.c_str());
    s.dump_models.clear();
    bool layers = false;
    if (const Json* list = d->get("dump_list"))
      for (const Json& item : list->array) {
        if (!item.str("model_name").empty()) s.dump_models.insert(item.str("model_name"));
        layers = layers || item.get("layer");
      }
    if (layers) say("dump: \"layer\" is not available on the host runtime (a model runs whole): dumping the "
                    "model's inputs/outputs");
    if (d->str("dump_op_switch") == "on") say("dump: dump_op_switch has no effect (no single operators on the host)");
    if (!d->str("dump_data").empty() && d->str("dump_data") != "tensor")
      say("dump: dump_data '" + d->str("dump_data") + "' is not available: dumping tensors");
    s.dumping = true;
    s.dump_root = root_dir;
    s.dump_inputs = mode != "output";
    s.dump_outputs = mode != "input";
    s.dump_index.clear();
  }
  update_enabled_locked(s);
  return ACL_SUCCESS;
}

void finish() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  if (s.json_profiling && s.recording) {
    std::string err;
    if (!write_trace_locked(s, err)) say("profiler: " + err);
    s.recording = false;
  }
  s.json_profiling = false;
  s.dumping = false;
  update_enabled_locked(s);
}

bool wants_layer_times() {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  return s.json_profiling || s.api_inited;
}

void model_loaded(uint32_t id, const char* path) {
  std::string name = path ? path : "";
  const size_t slash = name.rfind('/');
  if (slash != std::string::npos) name.erase(0, slash + 1);
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.erase(dot);
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  if (name.empty())
    s.names.erase(id);
  else
    s.names[id] = name;
}

TaskScope::TaskScope(uint32_t stream_id, int device, TaskKind kind) : kind_(kind), stream_(stream_id) {
  tl_device = device;
  tl_stream = stream_id;
  if (!enabled()) return;
  tl_in_task = true;
  tl_model = 0;
  t0_ = now_ns();
}

TaskScope::~TaskScope() {
  if (!t0_) return;
  tl_in_task = false;
  const uint64_t t1 = now_ns();
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  if (!s.recording || t0_ < s.origin) return;
  std::string args;
  if (kind_ == TaskKind::Execute && tl_model)
    args = format(R"("model_id":%u,"model":"%s")", tl_model, json_escape(name_of_locked(s, tl_model)).c_str());
  add_event_locked(s, TraceEvent{task_name(kind_), "task", t0_ - s.origin, t1 - t0_, tl_device, stream_, args});
}

void model_ran(uint32_t model_id, const IoList& io, uint32_t num_inputs, uint64_t t0, ov::InferRequest* request) {
  const uint64_t t1 = now_ns();
  if (!tl_in_task) {
    int32_t dev = 0;
    if (aclrtGetDevice(&dev) == ACL_SUCCESS) tl_device = dev;
  }
  std::vector<ov::ProfilingInfo> layers;
  State& s = state();
  bool recording;
  {
    std::lock_guard<std::mutex> lock(s.m);
    recording = s.recording && t0 >= s.origin;
  }
  if (recording && request) {
    try {
      layers = request->get_profiling_info();
    } catch (const std::exception&) {
      layers.clear();
    }
  }
  std::lock_guard<std::mutex> lock(s.m);
  if (s.dumping) dump_execution_locked(s, model_id, io, num_inputs);
  if (!recording || !s.recording) return;
  const uint32_t lane = tl_in_task ? tl_stream : kCallerLane;
  if (tl_in_task) {
    tl_model = model_id;
  } else {
    add_event_locked(s, TraceEvent{"ModelExecute", "task", t0 - s.origin, t1 - t0, tl_device, kCallerLane,
                                   format(R"("model_id":%u,"model":"%s")", model_id,
                                          json_escape(name_of_locked(s, model_id)).c_str())});
  }
  if (layers.empty()) {
    if (s.no_layers_noted.insert(model_id).second)
      say(format("profiler: model %u has no per-layer times (it was compiled before profiling was configured: "
                 "load it after aclprofInit or with acl.json's profiler section)",
                 model_id));
    return;
  }
  // Layers one after another from the execution's start (OpenVINO reports durations, not starts).
  uint64_t ts = t0 - s.origin;
  for (const ov::ProfilingInfo& p : layers) {
    if (p.status != ov::ProfilingInfo::Status::EXECUTED) continue;
    const uint64_t dur = static_cast<uint64_t>(p.real_time.count()) * 1000;
    add_event_locked(s, TraceEvent{p.node_name, "layer", ts, dur, tl_device, lane,
                                   format(R"("type":"%s","exec_type":"%s","model_id":%u)",
                                          json_escape(p.node_type).c_str(), json_escape(p.exec_type).c_str(),
                                          model_id)});
    ts += dur;
  }
}

// ACL_ERROR_INVALID_PARAM unless `cfg` is a live aclprofCreateConfig result (forgotten when `take`); s.m held.
aclError live_config_locked(State& s, const aclprofConfig* cfg, bool take) {
  if (!cfg || !(take ? s.configs.erase(cfg) : s.configs.count(cfg)))
    return fail(ACL_ERROR_INVALID_PARAM, "profilerConfig %p is not a live aclprofCreateConfig result",
                static_cast<const void*>(cfg));
  return ACL_SUCCESS;
}

}  // namespace observe
}  // namespace acl_host

using namespace acl_host;
using observe::State;

extern "C" {

aclError aclprofInit(const char* profilerResultPath, size_t length) ACL_API_TRY {
  ACL_API();
  if (aclError e = require_init()) return e;
  if (!profilerResultPath || length == 0 || length > 4096 || std::strlen(profilerResultPath) != length)
    return fail(ACL_ERROR_INVALID_PARAM,
                "profilerResultPath must be a path of `length` (1..4096) bytes, its strlen");
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (s.json_profiling)
    return fail(ACL_ERROR_PROF_API_CONFLICT, "profiling is already on through acl.json's profiler section");
  if (s.api_inited) return fail(ACL_ERROR_REPEAT_INITIALIZE, "aclprofInit was already called (no aclprofFinalize)");
  std::string err;
  if (!observe::make_dirs(profilerResultPath, err))
    return fail(ACL_ERROR_INVALID_PARAM, "profilerResultPath: %s", err.c_str());
  s.api_inited = true;
  s.prof_dir = profilerResultPath;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclprofFinalize(void) ACL_API_TRY {
  ACL_API();
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (!s.api_inited) return fail(ACL_ERROR_PROF_NOT_RUN, "aclprofInit was not called");
  aclError e = ACL_SUCCESS;
  if (s.recording) {
    std::string err;
    if (!observe::write_trace_locked(s, err)) e = fail(ACL_ERROR_PROFILING_FAILURE, "%s", err.c_str());
  }
  s.recording = false;
  s.api_inited = false;
  s.configs.clear();
  s.owned.clear();
  observe::update_enabled_locked(s);
  return e;
} ACL_API_CATCH

aclprofConfig* aclprofCreateConfig(uint32_t* deviceIdList, uint32_t deviceNums, aclprofAicoreMetrics,
                                   const aclprofAicoreEvents*, uint64_t dataTypeConfig) ACL_API_TRY {
  ACL_API();
  if (!deviceIdList || deviceNums == 0) {
    note("deviceIdList must hold deviceNums (> 0) device ids");
    return nullptr;
  }
  uint32_t count = 0;
  if (aclrtGetDeviceCount(&count) != ACL_SUCCESS) count = 1;
  auto cfg = std::make_unique<aclprofConfig>();
  for (uint32_t i = 0; i < deviceNums; ++i) {
    if (deviceIdList[i] >= count) {
      note("device %u does not exist (%u device(s))", deviceIdList[i], count);
      return nullptr;
    }
    cfg->devices.push_back(deviceIdList[i]);
  }
  cfg->types = dataTypeConfig;
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  aclprofConfig* raw = cfg.get();
  s.configs.insert(raw);
  s.owned.push_back(std::move(cfg));
  return raw;
} ACL_API_CATCH

aclError aclprofDestroyConfig(const aclprofConfig* profilerConfig) ACL_API_TRY {
  ACL_API();
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (aclError e = observe::live_config_locked(s, profilerConfig, true)) return e;
  for (auto it = s.owned.begin(); it != s.owned.end(); ++it)
    if (it->get() == profilerConfig) {
      s.owned.erase(it);
      break;
    }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclprofStart(const aclprofConfig* profilerConfig) ACL_API_TRY {
  ACL_API();
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (aclError e = observe::live_config_locked(s, profilerConfig, false)) return e;
  if (!s.api_inited) return fail(ACL_ERROR_PROF_NOT_RUN, "call aclprofInit before aclprofStart");
  if (s.recording) return fail(ACL_ERROR_PROF_ALREADY_RUN, "profiling is already started (aclprofStop first)");
  s.recording = true;
  s.origin = observe::now_ns();
  s.events.clear();
  observe::update_enabled_locked(s);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclprofStop(const aclprofConfig* profilerConfig) ACL_API_TRY {
  ACL_API();
  State& s = observe::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (aclError e = observe::live_config_locked(s, profilerConfig, false)) return e;
  if (!s.api_inited || !s.recording || s.json_profiling)
    return fail(ACL_ERROR_PROF_NOT_RUN, "profiling was not started (aclprofStart)");
  s.recording = false;
  observe::update_enabled_locked(s);
  std::string err;
  if (!observe::write_trace_locked(s, err)) return fail(ACL_ERROR_PROFILING_FAILURE, "%s", err.c_str());
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclprofSetConfig(aclprofConfigType configType, const char* config, size_t configLength) ACL_API_TRY {
  ACL_API();
  if (configType <= ACL_PROF_ARGS_MIN || configType >= ACL_PROF_ARGS_MAX)
    return fail(ACL_ERROR_INVALID_PARAM, "configType %d is out of range", static_cast<int>(configType));
  if (!config || std::strlen(config) != configLength)
    return fail(ACL_ERROR_INVALID_PARAM, "config must be a string of configLength bytes");
  return ACL_SUCCESS;  // collection settings of the device: nothing to set on the host
} ACL_API_CATCH

}  // extern "C"
