// Stream tasks of libacl_dvpp: every *Async call queues its work on the caller's stream
// through libascendcl (acl_host_ext_launch), ordered with the stream's other tasks.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "common.h"

namespace acl_dvpp {

// The work returns ACL_SUCCESS or an error code with `message` saying why (reported by the
// stream's synchronize).
using Work = std::function<aclError(std::string& message)>;

// `pins`: every buffer the work reads or writes. Their ACL allocations stay allocated until the
// task is done: aclrtFree/acldvppFree of one meanwhile is refused in strict mode (207002) and
// waits in relaxed mode, as for the runtime's copies and model executions.
using Pin = acl_host_ext_range;
// Where the work may run: the stream's worker only, or also a thread synchronizing the stream
// (work that only reads and writes its pinned buffers and never waits for another thread).
enum class RunsOn { Worker, AnyThread };
aclError launch(const char* api, aclrtStream stream, Work work, const std::vector<Pin>& pins, RunsOn where);
inline aclError launch(const char* api, aclrtStream stream, Work work, std::initializer_list<Pin> pins,
                       RunsOn where) {
  return launch(api, stream, std::move(work), std::vector<Pin>(pins), where);
}

}  // namespace acl_dvpp
