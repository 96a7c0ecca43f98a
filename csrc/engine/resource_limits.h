// Resource limits, checked before allocating: a request that cannot fit raises
// LimitExceeded (acl_async.LimitError, a ValueError) at once, naming the limit,
// instead of running for minutes and failing half-way.
#pragma once

#include <cstddef>
#include <string>

namespace acl_async {

// Host memory a block costs beyond its buffers (objects, datasets, runtime records).
constexpr size_t kBlockOverheadBytes = 4096;

// `blocks` blocks of `device_bytes` device memory and `host_bytes` host memory
// each: LimitExceeded when they cannot fit in the free device memory
// (aclrtGetMemInfo; the current context's device) or the available host
// memory. `what` names the request in the message.
void check_memory_fits(const std::string& what, size_t blocks, size_t device_bytes, size_t host_bytes);

// LimitExceeded when `threads` more threads cannot be started in this process
// (cgroup pids.max, kernel threads-max and pid_max, RLIMIT_NPROC).
void check_threads_available(const std::string& what, size_t threads);

}  // namespace acl_async
