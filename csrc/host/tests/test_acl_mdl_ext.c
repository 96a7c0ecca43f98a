/* acl_mdl.h breadth on the host runtime: aclmdlLoadWithConfig with config
 * handles (file, file with memory, memory, memory with memory), execution
 * config handles, aclmdlExecuteV2 / aclmdlExecuteAsyncV2; each documented
 * failure with a message naming the argument. Strict and relaxed mode.
 * C99, acl/acl.h only.
 * usage: test_acl_mdl_ext <add model: y = x + c, float32 [1,3,8,8]> <c> */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

#define ELEMS (1 * 3 * 8 * 8)
static const char* g_model = NULL;
static float g_c = 0.f;

/* Runs the model once (V2 or async V2) and checks y = x + c. */
static void run_and_check(uint32_t id, aclrtStream s, const aclmdlExecConfigHandle* h, int async) {
  void *x = NULL, *y = NULL;
  float hx[ELEMS], hy[ELEMS];
  int i, good = 1;
  aclmdlDataset *in = aclmdlCreateDataset(), *out = aclmdlCreateDataset();
  aclDataBuffer *bx, *by;
  for (i = 0; i < ELEMS; ++i) hx[i] = (float)i;
  CHECK_OK(aclrtMalloc(&x, sizeof hx, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMalloc(&y, sizeof hy, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMemcpy(x, sizeof hx, hx, sizeof hx, ACL_MEMCPY_HOST_TO_DEVICE));
  bx = aclCreateDataBuffer(x, sizeof hx);
  by = aclCreateDataBuffer(y, sizeof hy);
  CHECK_OK(aclmdlAddDatasetBuffer(in, bx));
  CHECK_OK(aclmdlAddDatasetBuffer(out, by));
  if (async) {
    CHECK_OK(aclmdlExecuteAsyncV2(id, in, out, s, h));
    CHECK_OK(aclrtSynchronizeStream(s));
  } else {
    CHECK_OK(aclmdlExecuteV2(id, in, out, s, h)); /* returns with the outputs */
  }
  CHECK_OK(aclrtMemcpy(hy, sizeof hy, y, sizeof hy, ACL_MEMCPY_DEVICE_TO_HOST));
  for (i = 0; i < ELEMS; ++i) good = good && hy[i] == hx[i] + g_c;
  CHECK(good);
  CHECK_ERR_ARG(aclmdlExecuteV2(id, in, out, s, (const aclmdlExecConfigHandle*)in), ACL_ERROR_INVALID_PARAM,
                "handle");
  CHECK_ERR_ARG(aclmdlExecuteAsyncV2(id, in, out, s, (const aclmdlExecConfigHandle*)in),
                ACL_ERROR_INVALID_PARAM, "handle");
  CHECK_ERR(aclmdlExecuteV2(id + 1000, in, out, s, h), ACL_ERROR_INVALID_MODEL_ID);
  CHECK_ERR(aclmdlExecuteAsyncV2(id, NULL, out, s, h), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclDestroyDataBuffer(bx));
  CHECK_OK(aclDestroyDataBuffer(by));
  CHECK_OK(aclmdlDestroyDataset(in));
  CHECK_OK(aclmdlDestroyDataset(out));
  CHECK_OK(aclrtFree(x));
  CHECK_OK(aclrtFree(y));
}

static void test_load_with_config(aclrtStream s) {
  aclmdlConfigHandle* h = aclmdlCreateConfigHandle();
  size_t type = ACL_MDL_LOAD_FROM_FILE, mem_size = 0, work = 0, weight = 0;
  int32_t prio = 0;
  uint32_t id = 0;
  void *mem, *wp = NULL, *ww = NULL;
  SECTION("load with config: file");
  CHECK(h != NULL);
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, &id), ACL_ERROR_INVALID_PARAM, "ACL_MDL_LOAD_TYPE_SIZET");
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type));
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, &id), ACL_ERROR_INVALID_PARAM, "ACL_MDL_PATH_PTR");
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_PATH_PTR, &g_model, sizeof g_model));
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_PRIORITY_INT32, &prio, sizeof prio));
  CHECK_OK(aclmdlLoadWithConfig(h, &id));
  run_and_check(id, s, NULL, 0);
  CHECK_OK(aclmdlUnload(id));

  SECTION("load with config: file with memory");
  CHECK_OK(aclmdlQuerySize(g_model, &work, &weight));
  if (work) CHECK_OK(aclrtMalloc(&wp, work, ACL_MEM_MALLOC_HUGE_FIRST));
  if (weight) CHECK_OK(aclrtMalloc(&ww, weight, ACL_MEM_MALLOC_HUGE_FIRST));
  type = ACL_MDL_LOAD_FROM_FILE_WITH_MEM;
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type));
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_WORKSPACE_ADDR_PTR, &wp, sizeof wp));
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_WORKSPACE_SIZET, &work, sizeof work));
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_WEIGHT_ADDR_PTR, &ww, sizeof ww));
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_WEIGHT_SIZET, &weight, sizeof weight));
  CHECK_OK(aclmdlLoadWithConfig(h, &id));
  run_and_check(id, s, NULL, 1);
  CHECK_OK(aclmdlUnload(id));

  SECTION("load with config: memory");
  mem = acl_read_file(g_model, &mem_size);
  CHECK(mem != NULL);
  type = ACL_MDL_LOAD_FROM_MEM;
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type));
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, &id), ACL_ERROR_INVALID_PARAM, "ACL_MDL_MEM_ADDR_PTR");
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_MEM_ADDR_PTR, &mem, sizeof mem));
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, &id), ACL_ERROR_INVALID_PARAM, "ACL_MDL_MEM_SIZET");
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_MEM_SIZET, &mem_size, sizeof mem_size));
  CHECK_OK(aclmdlLoadWithConfig(h, &id));
  run_and_check(id, s, NULL, 0);
  CHECK_OK(aclmdlUnload(id));
  type = ACL_MDL_LOAD_FROM_MEM_WITH_MEM;
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type));
  CHECK_OK(aclmdlLoadWithConfig(h, &id));
  CHECK_OK(aclmdlUnload(id));

  SECTION("load with config: bad input");
  type = ACL_MDL_LOAD_FROM_FILE_WITH_Q;
  CHECK_OK(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type));
  CHECK_ERR(aclmdlLoadWithConfig(h, &id), ACL_ERROR_API_NOT_SUPPORT);
  type = 9;
  CHECK_ERR_ARG(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type), ACL_ERROR_INVALID_PARAM,
                "ACL_MDL_LOAD_TYPE_SIZET");
  CHECK_ERR_ARG(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, &type, 4), ACL_ERROR_INVALID_PARAM,
                "valueSize");
  CHECK_ERR_ARG(aclmdlSetConfigOpt(h, ACL_MDL_LOAD_TYPE_SIZET, NULL, sizeof type), ACL_ERROR_INVALID_PARAM,
                "attrValue");
  CHECK_ERR_ARG(aclmdlSetConfigOpt(h, (aclmdlConfigAttr)999, &type, sizeof type), ACL_ERROR_INVALID_PARAM,
                "attr");
  CHECK_ERR_ARG(aclmdlSetConfigOpt(NULL, ACL_MDL_LOAD_TYPE_SIZET, &type, sizeof type),
                ACL_ERROR_INVALID_PARAM, "handle");
  prio = 8;
  CHECK_ERR_ARG(aclmdlSetConfigOpt(h, ACL_MDL_PRIORITY_INT32, &prio, sizeof prio), ACL_ERROR_INVALID_PARAM,
                "ACL_MDL_PRIORITY_INT32");
  {
    const char* none = NULL;
    CHECK_ERR_ARG(aclmdlSetConfigOpt(h, ACL_MDL_PATH_PTR, &none, sizeof none), ACL_ERROR_INVALID_PARAM,
                  "path");
  }
  CHECK_ERR_ARG(aclmdlLoadWithConfig(NULL, &id), ACL_ERROR_INVALID_PARAM, "handle");
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, NULL), ACL_ERROR_INVALID_PARAM, "modelId");
  CHECK_OK(aclmdlDestroyConfigHandle(h));
  CHECK_ERR_ARG(aclmdlLoadWithConfig(h, &id), ACL_ERROR_INVALID_PARAM, "handle");
  CHECK_ERR_ARG(aclmdlDestroyConfigHandle(h), ACL_ERROR_INVALID_PARAM, "handle");
  CHECK_ERR(aclmdlDestroyConfigHandle(NULL), ACL_ERROR_INVALID_PARAM);
  free(mem);
  if (wp) CHECK_OK(aclrtFree(wp));
  if (ww) CHECK_OK(aclrtFree(ww));
}

static void test_exec_config(aclrtStream s) {
  aclmdlExecConfigHandle* h = aclmdlCreateExecConfigHandle();
  int32_t timeout = 5000, bad = -2;
  size_t reserved = 0;
  uint32_t id = 0;
  SECTION("execute V2 with an exec config handle");
  CHECK(h != NULL);
  CHECK_OK(aclmdlSetExecConfigOpt(h, ACL_MDL_STREAM_SYNC_TIMEOUT, &timeout, sizeof timeout));
  CHECK_OK(aclmdlSetExecConfigOpt(h, ACL_MDL_AICQOS_SIZET, &reserved, sizeof reserved));
  CHECK_ERR_ARG(aclmdlSetExecConfigOpt(h, ACL_MDL_STREAM_SYNC_TIMEOUT, &bad, sizeof bad),
                ACL_ERROR_INVALID_PARAM, "timeout");
  CHECK_ERR_ARG(aclmdlSetExecConfigOpt(h, ACL_MDL_STREAM_SYNC_TIMEOUT, &timeout, 8), ACL_ERROR_INVALID_PARAM,
                "valueSize");
  CHECK_ERR_ARG(aclmdlSetExecConfigOpt(h, (aclmdlExecConfigAttr)77, &timeout, sizeof timeout),
                ACL_ERROR_INVALID_PARAM, "attr");
  CHECK_ERR_ARG(aclmdlSetExecConfigOpt(h, ACL_MDL_STREAM_SYNC_TIMEOUT, NULL, 4), ACL_ERROR_INVALID_PARAM,
                "attrValue");
  CHECK_OK(aclmdlLoadFromFile(g_model, &id));
  run_and_check(id, s, h, 0);
  run_and_check(id, s, h, 1);
  run_and_check(id, NULL, NULL, 0); /* the default stream */
  CHECK_OK(aclmdlUnload(id));
  CHECK_OK(aclmdlDestroyExecConfigHandle(h));
  CHECK_ERR_ARG(aclmdlDestroyExecConfigHandle(h), ACL_ERROR_INVALID_PARAM, "handle");
  CHECK_ERR_ARG(aclmdlSetExecConfigOpt(h, ACL_MDL_STREAM_SYNC_TIMEOUT, &timeout, sizeof timeout),
                ACL_ERROR_INVALID_PARAM, "handle");
}

int main(int argc, char** argv) {
  aclrtStream s = NULL;
  if (argc < 3) {
    fprintf(stderr, "usage: %s <add model> <c>\n", argv[0]);
    return 2;
  }
  g_model = argv[1];
  g_c = (float)atof(argv[2]);
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateStream(&s));
  test_load_with_config(s);
  test_exec_config(s);
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
  return check_finish();
}
