// How a model is compiled and which compiled variant an execution runs on,
// so that one busy stream gets the whole CPU and many busy streams keep the
// throughput of one CPU stream each (README "Execution policy").
//
// ACL_HOST_PERFORMANCE_HINT unset, a model above the "tiny" size is compiled
// twice: THROUGHPUT (one CPU stream per core, one thread each) and LATENCY
// (one CPU stream over every core). An execution runs on the LATENCY variant
// when its model load is the only one busy in the process (executions queued
// or running: ModelInstance::begin/end), else on the THROUGHPUT variant.
// LATENCY or THROUGHPUT set compiles that one variant only; tiny models are
// compiled once (LATENCY, run inline on the stream worker).
#pragma once

#include <cstdint>
#include <string>

#include <openvino/core/any.hpp>
#include <openvino/runtime/compiled_model.hpp>

namespace acl_host {
namespace exec_policy {

enum class Variant { Unset, Throughput, Latency };

// The compile properties of the model's main variant (`props`, filled) and
// whether a LATENCY variant is compiled too (then see latency_props()).
bool compile_props(const std::string& hint, bool tiny, ov::AnyMap& props);
// The LATENCY variant's properties, from the main variant's.
ov::AnyMap latency_props(const ov::AnyMap& props);

// A model load became busy (its first execution queued) / idle (its last done).
void busy_begin();
void busy_end();
// Model loads busy right now (this process).
uint32_t busy();
// The variant an execution of an adaptive model runs on now; logs (ACL_DEBUG)
// each change of a model load's variant.
Variant choose(uint32_t model_id, Variant& last);

const char* name(Variant v);

// The compiled variant's CPU properties that decide how it uses the cores
// (hint, streams, threads, pinning, core type, hyper-threading, precision),
// "KEY=value ..." in that order: logged at ACL_INFO when a model is compiled,
// so the configuration of a single busy stream can be checked against
// OpenVINO's own LATENCY compilation (tests/test_exec_policy_props.py).
std::string describe(const ov::CompiledModel& compiled);

}  // namespace exec_policy
}  // namespace acl_host
