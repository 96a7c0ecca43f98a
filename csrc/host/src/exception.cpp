// aclrtSetExceptionInfoCallback and the getters of aclrtExceptionInfo.
#include "detail/exception.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "acl/acl.h"
#include "detail/error.h"

namespace acl_host {
namespace exception {
namespace {

std::atomic<aclrtExceptionInfoCallback> g_callback{nullptr};

}  // namespace

void set_callback(aclrtExceptionInfoCallback cb) { g_callback.store(cb, std::memory_order_release); }

void report(uint32_t task_id, uint32_t stream_id, uint32_t device_id, aclError code) {
  aclrtExceptionInfoCallback cb = g_callback.load(std::memory_order_acquire);
  if (!cb) return;
  rtExceptionInfo info{task_id, stream_id, static_cast<uint32_t>(::syscall(SYS_gettid)), device_id,
                       static_cast<uint32_t>(code)};
  cb(&info);
}

}  // namespace exception
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtSetExceptionInfoCallback(aclrtExceptionInfoCallback callback) ACL_API_TRY {
  ACL_API();
  exception::set_callback(callback);  // process-wide, before or after aclInit
  return ACL_SUCCESS;
} ACL_API_CATCH

#define ACL_HOST_EXCEPTION_GETTER(fn, field)                  \
  uint32_t fn(const aclrtExceptionInfo* info) ACL_API_TRY {   \
    if (!info) {                                              \
      ApiScope scope(#fn);                                    \
      fail(ACL_ERROR_INVALID_PARAM, "info must not be NULL"); \
      return 0xFFFFFFFFU;                                     \
    }                                                         \
    return info->field;                                       \
  }                                                           \
  ACL_API_CATCH

ACL_HOST_EXCEPTION_GETTER(aclrtGetTaskIdFromExceptionInfo, task_id)
ACL_HOST_EXCEPTION_GETTER(aclrtGetStreamIdFromExceptionInfo, stream_id)
ACL_HOST_EXCEPTION_GETTER(aclrtGetThreadIdFromExceptionInfo, thread_id)
ACL_HOST_EXCEPTION_GETTER(aclrtGetDeviceIdFromExceptionInfo, device_id)
ACL_HOST_EXCEPTION_GETTER(aclrtGetErrorCodeFromExceptionInfo, error_code)

}  // extern "C"
