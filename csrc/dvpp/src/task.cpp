// Queues std::function work as a libascendcl stream task.
#include "task.h"

#include <cstring>
#include <memory>
#include <new>

namespace acl_dvpp {
namespace {

aclError run(void* user, char* message, size_t message_size) {
  std::string msg;
  aclError e;
  try {
    e = (*static_cast<Work*>(user))(msg);
  } catch (const std::bad_alloc&) {
    e = ACL_ERROR_BAD_ALLOC;
    msg = "out of memory";
  }
  if (e != ACL_SUCCESS && message_size > 0) {
    size_t n = msg.size() < message_size - 1 ? msg.size() : message_size - 1;
    std::memcpy(message, msg.data(), n);
    message[n] = '\0';
  }
  return e;
}

void release(void* user) { delete static_cast<Work*>(user); }

}  // namespace

aclError launch(const char* api, aclrtStream stream, Work work, const std::vector<Pin>& pins, RunsOn where) {
  Work* boxed = new (std::nothrow) Work(std::move(work));
  if (!boxed) return fail(api, ACL_ERROR_BAD_ALLOC, "out of memory");
  return acl_host_ext_launch_pinned(api, stream, run, boxed, release, pins.data(), pins.size(),
                                    where == RunsOn::AnyThread ? ACL_HOST_EXT_TASK_ANY_THREAD : 0u);
}

}  // namespace acl_dvpp
