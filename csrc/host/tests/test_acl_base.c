/* acl_base.h on the host runtime: data types, fp16 conversion, data buffers,
 * the SoC name and the thread-local recent error message. C99, acl/acl.h only.
 * usage: test_acl_base <case>|all|--list */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

static void test_data_type_size(void) {
  SECTION("aclDataTypeSize");
  CHECK(aclDataTypeSize(ACL_FLOAT) == 4);
  CHECK(aclDataTypeSize(ACL_FLOAT16) == 2);
  CHECK(aclDataTypeSize(ACL_BF16) == 2);
  CHECK(aclDataTypeSize(ACL_INT8) == 1);
  CHECK(aclDataTypeSize(ACL_UINT8) == 1);
  CHECK(aclDataTypeSize(ACL_INT16) == 2);
  CHECK(aclDataTypeSize(ACL_UINT16) == 2);
  CHECK(aclDataTypeSize(ACL_INT32) == 4);
  CHECK(aclDataTypeSize(ACL_UINT32) == 4);
  CHECK(aclDataTypeSize(ACL_INT64) == 8);
  CHECK(aclDataTypeSize(ACL_UINT64) == 8);
  CHECK(aclDataTypeSize(ACL_DOUBLE) == 8);
  CHECK(aclDataTypeSize(ACL_BOOL) == 1);
  CHECK(aclDataTypeSize(ACL_COMPLEX64) == 8);
  CHECK(aclDataTypeSize(ACL_COMPLEX128) == 16);
  CHECK(aclDataTypeSize(ACL_STRING) == 0);
  CHECK(aclDataTypeSize(ACL_DT_UNDEFINED) == 0);
}

static void test_fp16(void) {
  SECTION("fp16");
  CHECK(aclFloatToFloat16(1.0f) == 0x3C00);
  CHECK(aclFloatToFloat16(-2.0f) == 0xC000);
  CHECK(aclFloatToFloat16(0.0f) == 0x0000);
  CHECK(aclFloatToFloat16(-0.0f) == 0x8000);
  CHECK(aclFloatToFloat16(65504.0f) == 0x7BFF);
  CHECK(aclFloatToFloat16(1e6f) == 0x7C00);          /* overflow -> inf */
  CHECK(aclFloatToFloat16(0.1f) == 0x2E66);          /* rounded to nearest */
  CHECK(aclFloatToFloat16(5.9604645e-8f) == 0x0001); /* smallest subnormal */
  CHECK(aclFloatToFloat16(1e-9f) == 0x0000);
  CHECK(aclFloat16ToFloat(0x3C00) == 1.0f);
  CHECK(aclFloat16ToFloat(0xC000) == -2.0f);
  CHECK(aclFloat16ToFloat(0x7BFF) == 65504.0f);
  CHECK(aclFloat16ToFloat(0x0001) == 5.9604645e-8f);
  CHECK(isinf(aclFloat16ToFloat(0x7C00)));
  CHECK(isnan(aclFloat16ToFloat(0x7E00)));
  {
    /* Every finite half survives half -> float -> half. */
    int bad = 0;
    unsigned h;
    for (h = 0; h < 0x10000u; ++h) {
      if ((h & 0x7C00u) == 0x7C00u) continue;
      if (aclFloatToFloat16(aclFloat16ToFloat((aclFloat16)h)) != (aclFloat16)h) ++bad;
    }
    CHECK(bad == 0);
  }
}

static void test_data_buffer(void) {
  char storage[64];
  aclDataBuffer* b;
  aclDataBuffer* empty;
  SECTION("data buffer");
  b = aclCreateDataBuffer(storage, sizeof storage);
  CHECK(b != NULL);
  CHECK(aclGetDataBufferAddr(b) == storage);
  CHECK(aclGetDataBufferSizeV2(b) == sizeof storage);
  CHECK_OK(aclUpdateDataBuffer(b, storage + 8, 16));
  CHECK(aclGetDataBufferAddr(b) == storage + 8);
  CHECK(aclGetDataBufferSizeV2(b) == 16);
  /* A buffer only records; NULL/0 is allowed (e.g. dynamic outputs). */
  empty = aclCreateDataBuffer(NULL, 0);
  CHECK(empty != NULL);
  CHECK(aclGetDataBufferAddr(empty) == NULL);
  CHECK_OK(aclDestroyDataBuffer(empty));
  CHECK_OK(aclDestroyDataBuffer(b));

  SECTION("data buffer: bad handles");
  CHECK_ERR(aclDestroyDataBuffer(b), ACL_ERROR_INVALID_PARAM); /* double destroy */
  CHECK_ERR(aclDestroyDataBuffer(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclUpdateDataBuffer(NULL, storage, 1), ACL_ERROR_INVALID_PARAM);
  CHECK(aclGetDataBufferAddr(NULL) == NULL);
  CHECK_MSG();
  CHECK(aclGetDataBufferSizeV2(NULL) == 0);
  CHECK_MSG();
}

static void* other_thread(void* arg) {
  const char* msg;
  (void)arg;
  /* The main thread's error is not visible here. */
  msg = aclGetRecentErrMsg();
  return (void*)(msg == NULL ? (void*)1 : NULL);
}

static void test_recent_error(void) {
  const char* m1;
  const char* m2;
  pthread_t t;
  void* ok = NULL;
  SECTION("aclGetRecentErrMsg");
  CHECK(aclDestroyDataBuffer(NULL) == ACL_ERROR_INVALID_PARAM);
  CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
  pthread_join(t, &ok);
  CHECK(ok == (void*)1);
  m1 = aclGetRecentErrMsg();
  CHECK(m1 != NULL && strstr(m1, "aclDestroyDataBuffer") != NULL);
  /* Reading clears it. */
  m2 = aclGetRecentErrMsg();
  CHECK(m2 == NULL);
}

static void test_soc_name(void) {
  const char* soc;
  SECTION("aclrtGetSocName");
  soc = aclrtGetSocName();
  CHECK(soc != NULL && strlen(soc) > 0);
}

static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("data_type_size", test_data_type_size),
    ACL_TEST_CASE("fp16", test_fp16),
    ACL_TEST_CASE("data_buffer", test_data_buffer),
    ACL_TEST_CASE("recent_error", test_recent_error),
    ACL_TEST_CASE("soc_name", test_soc_name),
};

int main(int argc, char** argv) {
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
