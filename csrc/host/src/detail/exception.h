// Exception reports (aclrtSetExceptionInfoCallback): a task that fails on a
// stream worker is reported to the registered callback, on that worker.
#pragma once

#include <cstdint>

#include "acl/acl.h"

struct rtExceptionInfo {
  uint32_t task_id;
  uint32_t stream_id;
  uint32_t thread_id;
  uint32_t device_id;
  uint32_t error_code;
};

namespace acl_host {
namespace exception {

void set_callback(aclrtExceptionInfoCallback cb);
// Calls the registered callback (if any) with these values.
void report(uint32_t task_id, uint32_t stream_id, uint32_t device_id, aclError code);

}  // namespace exception
}  // namespace acl_host
