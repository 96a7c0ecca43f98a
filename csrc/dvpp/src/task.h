// Stream tasks of libacl_dvpp: every *Async call queues its work on the caller's stream
// through libascendcl (acl_host_ext_launch), ordered with the stream's other tasks.
#pragma once

#include <functional>
#include <string>

#include "common.h"

namespace acl_dvpp {

// The work returns ACL_SUCCESS or an error code with `message` saying why (reported by the
// stream's synchronize).
using Work = std::function<aclError(std::string& message)>;

aclError launch(const char* api, aclrtStream stream, Work work);

}  // namespace acl_dvpp
