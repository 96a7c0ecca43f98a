/* Linked against runtime/lib64/stub/libascendcl.so (as Huawei's samples link
 * with NPU_HOST_LIB=$DDK_PATH/runtime/lib64/stub) and run with the real library
 * found at run time (LD_LIBRARY_PATH or RUNPATH): the calls must reach the real
 * runtime. Against the stub itself, every call fails. C99, acl/acl.h only.
 * usage: test_stub_link */
#include <stdio.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

int main(void) {
  void* d = NULL;
  char in[64], out[64];
  aclTensorDesc* desc;
  int64_t dims[2] = {4, 16};
  memset(in, 0x42, sizeof in);
  memset(out, 0, sizeof out);
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtMalloc(&d, sizeof in, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMemcpy(d, sizeof in, in, sizeof in, ACL_MEMCPY_HOST_TO_DEVICE));
  CHECK_OK(aclrtMemcpy(out, sizeof out, d, sizeof out, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(memcmp(in, out, sizeof in) == 0);
  desc = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
  CHECK(aclGetTensorDescSize(desc) == 256);
  aclDestroyTensorDesc(desc);
  CHECK(aclrtGetSocName() != NULL);
  CHECK_OK(aclrtFree(d));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
  return check_finish();
}
