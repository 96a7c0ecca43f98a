/* aclAppLog / ACL_APP_LOG on the host runtime: one line per call at or above
 * ASCEND_GLOBAL_LOG_LEVEL, on stdout when ASCEND_SLOG_PRINT_TO_STDOUT=1, else in
 * the process's plog file; bad levels and a NULL format are ignored.
 * tests/test_host_runtime.py checks what was written. C99, acl/acl.h only.
 * usage: test_app_log */
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
  CHECK(1); /* reached the end without crashing */
  return check_finish();
}
