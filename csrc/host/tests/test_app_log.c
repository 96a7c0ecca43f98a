/* aclAppLog / ACL_APP_LOG on the host runtime: one line per call at or above
 * ASCEND_GLOBAL_LOG_LEVEL, on stdout when ASCEND_SLOG_PRINT_TO_STDOUT=1, else in
 * the process's plog file; bad levels and a NULL format are ignored. Then a failing
 * runtime call (its ASCENDCL error line, stdout only) and a report poll's timeout
 * (not logged: callers poll for it).
 * tests/test_host_runtime.py checks what was written. C99, acl/acl.h only.
 * usage: test_app_log */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "acl/acl.h"
#include "acl_check.h"

int main(void) {
  int n = 7;
  ACL_APP_LOG(ACL_DEBUG, "marker-debug %d", n);
  ACL_APP_LOG(ACL_INFO, "marker-info %s", "text");
  ACL_APP_LOG(ACL_WARNING, "marker-warning");
  ACL_APP_LOG(ACL_ERROR, "marker-error %d%%", 100);
  aclAppLog((aclLogLevel)9, __FUNCTION__, __FILE__, __LINE__, "marker-bad-level");
  aclAppLog(ACL_ERROR, NULL, NULL, 0, NULL);
  aclAppLog(ACL_ERROR, NULL, NULL, 0, "marker-no-location");
  fflush(stdout);
  uint32_t model = 0;
  CHECK(aclmdlLoadFromFile("/nonexistent/marker-model.om", &model) != ACL_SUCCESS);
  CHECK_RET(aclInit(NULL), ACL_SUCCESS);
  CHECK_RET(aclrtSetDevice(0), ACL_SUCCESS);
  aclrtStream stream = NULL;
  CHECK_RET(aclrtCreateStream(&stream), ACL_SUCCESS);
  const uint64_t self = (uint64_t)pthread_self();
  CHECK_RET(aclrtSubscribeReport(self, stream), ACL_SUCCESS);
  CHECK_RET(aclrtProcessReport(1), ACL_ERROR_RT_REPORT_TIMEOUT);
  CHECK_RET(aclrtUnSubscribeReport(self, stream), ACL_SUCCESS);
  CHECK_RET(aclrtDestroyStream(stream), ACL_SUCCESS);
  CHECK_RET(aclrtResetDevice(0), ACL_SUCCESS);
  CHECK_RET(aclFinalize(), ACL_SUCCESS);
  fflush(stdout);
  return check_finish();
}
