// The execution policy of detail/exec_policy.h.
#include "detail/exec_policy.h"

#include <atomic>

#include <openvino/runtime/properties.hpp>

#include "acl/acl.h"

namespace acl_host {
namespace exec_policy {
namespace {

std::atomic<uint32_t> g_busy{0};

}  // namespace

bool compile_props(const std::string& hint, bool tiny, ov::AnyMap& props) {
  if (hint == "LATENCY" || (hint.empty() && tiny)) {
    props[ov::hint::performance_mode.name()] = ov::hint::PerformanceMode::LATENCY;
    // A tiny model infers in microseconds, less than handing each infer() to OpenVINO's
    // executor thread and back (two thread wake-ups, plus re-pinning that thread per
    // request under THROUGHPUT) costs. LATENCY without pinning makes OpenVINO run
    // infer() inline on the calling stream worker; streams still run in parallel.
    // (Not INFERENCE_NUM_THREADS=1: OpenVINO 2026.4 then skips Reshape's shape check.)
    if (hint.empty()) props[ov::hint::enable_cpu_pinning.name()] = false;
    return false;
  }
  props[ov::hint::performance_mode.name()] = ov::hint::PerformanceMode::THROUGHPUT;
  return hint.empty();
}

ov::AnyMap latency_props(const ov::AnyMap& props) {
  ov::AnyMap l = props;
  l[ov::hint::performance_mode.name()] = ov::hint::PerformanceMode::LATENCY;
  return l;
}

void busy_begin() { g_busy.fetch_add(1, std::memory_order_relaxed); }

void busy_end() { g_busy.fetch_sub(1, std::memory_order_relaxed); }

uint32_t busy() { return g_busy.load(std::memory_order_relaxed); }

Variant choose(uint32_t model_id, Variant& last) {
  // The caller's own load is busy: 1 means nothing else competes for the cores.
  const uint32_t n = busy();
  const Variant v = n <= 1 ? Variant::Latency : Variant::Throughput;
  if (v != last) {
    aclAppLog(ACL_DEBUG, __func__, __FILE__, __LINE__, "model %u executes on its %s variant (%u model loads busy)",
              model_id, name(v), n);
    last = v;
  }
  return v;
}

const char* name(Variant v) { return v == Variant::Latency ? "LATENCY" : "THROUGHPUT"; }

std::string describe(const ov::CompiledModel& compiled) {
  static const char* const kKeys[] = {"PERFORMANCE_HINT",     "NUM_STREAMS",
                                      "INFERENCE_NUM_THREADS", "ENABLE_CPU_PINNING",
                                      "SCHEDULING_CORE_TYPE",  "ENABLE_HYPER_THREADING",
                                      "INFERENCE_PRECISION_HINT"};
  std::string out;
  for (const char* key : kKeys) {
    std::string value;
    try {
      value = compiled.get_property(key).as<std::string>();
    } catch (const std::exception&) {
      value = "?";  // not reported by this OpenVINO
    }
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace exec_policy
}  // namespace acl_host
