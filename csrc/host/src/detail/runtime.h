// Process-wide state of the host runtime: aclInit/aclFinalize reference
// counting, configuration read from the environment, and the OpenVINO Core.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include <openvino/runtime/core.hpp>

#include "acl/acl.h"

namespace acl_host {

struct Config {
  int device_count = 1;                    // ACL_HOST_DEVICE_COUNT
  size_t device_memory = size_t(8) << 30;  // ACL_HOST_DEVICE_MEMORY_MB
  bool strict = true;                      // ACL_HOST_STRICT (0 relaxes)
  std::string performance_hint;            // ACL_HOST_PERFORMANCE_HINT: LATENCY, THROUGHPUT or "" (per model)
  std::string inference_precision;         // ACL_HOST_INFERENCE_PRECISION ("" = OpenVINO default)
  int inference_threads = 0;               // ACL_HOST_INFERENCE_NUM_THREADS (0 = OpenVINO default)
  std::string cache_dir;                   // ACL_HOST_CACHE_DIR: OpenVINO's model cache ("" = none)
  bool lookahead = true;                   // ACL_HOST_LOOKAHEAD (0: a stream runs one execution at a time)
};

// Read once from the environment (first use).
const Config& config();
inline bool strict_mode() { return config().strict; }

// True between a successful aclInit and aclFinalize.
bool initialized();
// Returns ACL_ERROR_UNINITIALIZE (with a message) when not initialized.
aclError require_init();

// The shared OpenVINO Core (created on first use, kept for the process).
ov::Core& core();

// False once the process is exiting (static destruction started).
bool process_alive();

// Counts the fork() children this process descends from (0 in the original
// process): objects made before a fork are stale in the child.
uint64_t fork_epoch();

// Registers (once) an atexit handler that notes that exit() started. Called after
// OpenVINO loaded its plugin: the handler then runs before the plugin's static
// destructors, and teardown from later exit handlers leaves the plugin alone.
void watch_exit();

// Tears everything down (aclFinalize and process exit).
void shutdown_all();

}  // namespace acl_host
