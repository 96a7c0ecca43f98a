/* Dynamic AIPP's parameter object on the host runtime: aclmdlCreateAIPP / aclmdlDestroyAIPP, every
 * aclmdlSetAIPP* with CANN's documented ranges (ACL_ERROR_INVALID_PARAM and a message naming the
 * parameter), aclmdlGetAippDataSize, and aclmdlSetInputAIPP / aclmdlSetAIPPByInputIndex refusing a
 * model without dynamic AIPP. (Execution of dynamic AIPP models: tests/test_aipp_dynamic.py.)
 * C99, acl/acl.h only. usage: test_acl_aipp <case>|all <data dir holding add.onnx> */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

static const char* g_data = ".";

static void test_params(void) {
  aclmdlAIPP* a;
  size_t s1 = 0, s4 = 0;
  SECTION("params");
  CHECK(aclmdlCreateAIPP(0) == NULL);
  a = aclmdlCreateAIPP(2);
  CHECK(a != NULL);
  /* The data size grows with the batch; 0 is refused. */
  CHECK_OK(aclmdlGetAippDataSize(1, &s1));
  CHECK_OK(aclmdlGetAippDataSize(4, &s4));
  CHECK(s1 > 0 && s4 > s1 && (s4 - s1) % 3 == 0);
  CHECK_ERR_ARG(aclmdlGetAippDataSize(0, &s1), ACL_ERROR_INVALID_PARAM, "batchSize");
  CHECK_ERR_ARG(aclmdlGetAippDataSize(1, NULL), ACL_ERROR_INVALID_PARAM, "size");
  /* Valid values. */
  CHECK_OK(aclmdlSetAIPPInputFormat(a, ACL_YUV420SP_U8));
  CHECK_OK(aclmdlSetAIPPCscParams(a, 1, 298, 516, 0, 298, -100, -208, 298, 0, 409, 0, 0, 0, 16, 128, 128));
  CHECK_OK(aclmdlSetAIPPRbuvSwapSwitch(a, 1));
  CHECK_OK(aclmdlSetAIPPAxSwapSwitch(a, 0));
  CHECK_OK(aclmdlSetAIPPSrcImageSize(a, 224, 224));
  CHECK_OK(aclmdlSetAIPPScfParams(a, 1, 224, 224, 112, 112, 1));
  CHECK_OK(aclmdlSetAIPPCropParams(a, 1, 0, 0, 224, 224, 0));
  CHECK_OK(aclmdlSetAIPPPaddingParams(a, 1, 0, 32, 0, 32, 1));
  CHECK_OK(aclmdlSetAIPPDtcPixelMean(a, 104, 117, 123, 0, 0));
  CHECK_OK(aclmdlSetAIPPDtcPixelMin(a, 0.5f, 0.f, 0.f, 0.f, 1));
  CHECK_OK(aclmdlSetAIPPPixelVarReci(a, 0.0171f, 0.0175f, 0.0174f, 1.f, 1));
  /* A switched-off step ignores its other arguments (CANN: "invalid when the switch is 0"). */
  CHECK_OK(aclmdlSetAIPPCropParams(a, 0, -5, -5, 0, 0, 0));
  CHECK_OK(aclmdlSetAIPPScfParams(a, 0, 0, 0, 0, 0, 0));
  /* Out of the documented ranges: the parameter is named. */
  CHECK_ERR_ARG(aclmdlSetAIPPInputFormat(a, ACL_YUYV_U8), ACL_ERROR_INVALID_PARAM, "inputFormat");
  CHECK_ERR_ARG(aclmdlSetAIPPCscParams(a, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), ACL_ERROR_INVALID_PARAM,
                "cscSwitch");
  CHECK_ERR_ARG(aclmdlSetAIPPCscParams(a, 1, 0, 0, 0, 0, -32678, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                ACL_ERROR_INVALID_PARAM, "cscMatrixR1C1");
  CHECK_ERR_ARG(aclmdlSetAIPPRbuvSwapSwitch(a, 3), ACL_ERROR_INVALID_PARAM, "rbuvSwapSwitch");
  CHECK_ERR_ARG(aclmdlSetAIPPAxSwapSwitch(a, -1), ACL_ERROR_INVALID_PARAM, "axSwapSwitch");
  CHECK_ERR_ARG(aclmdlSetAIPPSrcImageSize(a, 1, 10), ACL_ERROR_INVALID_PARAM, "srcImageSizeW");
  CHECK_ERR_ARG(aclmdlSetAIPPSrcImageSize(a, 10, 4097), ACL_ERROR_INVALID_PARAM, "srcImageSizeH");
  CHECK_ERR_ARG(aclmdlSetAIPPScfParams(a, 1, 15, 224, 112, 112, 0), ACL_ERROR_INVALID_PARAM, "scfInputSizeW");
  CHECK_ERR_ARG(aclmdlSetAIPPScfParams(a, 1, 224, 224, 1921, 112, 0), ACL_ERROR_INVALID_PARAM, "scfOutputSizeW");
  CHECK_ERR_ARG(aclmdlSetAIPPScfParams(a, 1, 4096, 224, 16, 112, 0), ACL_ERROR_INVALID_PARAM, "scaling ratio");
  CHECK_ERR_ARG(aclmdlSetAIPPScfParams(a, 1, 224, 224, 112, 112, 2), ACL_ERROR_INVALID_PARAM, "batchIndex");
  CHECK_ERR_ARG(aclmdlSetAIPPCropParams(a, 1, 4096, 0, 16, 16, 0), ACL_ERROR_INVALID_PARAM, "cropStartPosW");
  CHECK_ERR_ARG(aclmdlSetAIPPCropParams(a, 1, 0, 0, 0, 16, 0), ACL_ERROR_INVALID_PARAM, "cropSizeW");
  CHECK_ERR_ARG(aclmdlSetAIPPPaddingParams(a, 1, 33, 0, 0, 0, 0), ACL_ERROR_INVALID_PARAM, "paddingSizeTop");
  CHECK_ERR_ARG(aclmdlSetAIPPPaddingParams(a, 1, 0, 0, 0, -1, 0), ACL_ERROR_INVALID_PARAM, "paddingSizeRight");
  CHECK_ERR_ARG(aclmdlSetAIPPDtcPixelMean(a, 0, 256, 0, 0, 0), ACL_ERROR_INVALID_PARAM, "dtcPixelMeanChn1");
  CHECK_ERR_ARG(aclmdlSetAIPPDtcPixelMin(a, 0.f, 0.f, 255.5f, 0.f, 0), ACL_ERROR_INVALID_PARAM, "dtcPixelMinChn2");
  CHECK_ERR_ARG(aclmdlSetAIPPPixelVarReci(a, 1.f, 1.f, 1.f, 70000.f, 0), ACL_ERROR_INVALID_PARAM,
                "dtcPixelVarReciChn3");
  CHECK_ERR_ARG(aclmdlSetAIPPDtcPixelMean(a, 0, 0, 0, 0, 9), ACL_ERROR_INVALID_PARAM, "batchIndex");
  /* Handles. */
  CHECK_OK(aclmdlDestroyAIPP(a));
  CHECK_ERR_ARG(aclmdlDestroyAIPP(a), ACL_ERROR_INVALID_PARAM, "aippParmsSet");
  CHECK_ERR_ARG(aclmdlSetAIPPSrcImageSize(a, 16, 16), ACL_ERROR_INVALID_PARAM, "aippParmsSet");
  CHECK_ERR_ARG(aclmdlSetAIPPInputFormat(NULL, ACL_RGB888_U8), ACL_ERROR_INVALID_PARAM, "aippParmsSet");
}

/* A model converted without dynamic AIPP takes no dynamic AIPP parameters. */
static void test_static_model(void) {
  char path[1024];
  uint32_t id = 0;
  aclmdlAIPP* a;
  aclmdlDataset* ds;
  aclmdlInputAippType type = ACL_DYNAMIC_AIPP_NODE;
  size_t attached = 0;
  SECTION("static_model");
  snprintf(path, sizeof path, "%s/add.onnx", g_data);
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclmdlLoadFromFile(path, &id));
  a = aclmdlCreateAIPP(1);
  ds = aclmdlCreateDataset();
  CHECK_OK(aclmdlSetAIPPInputFormat(a, ACL_RGB888_U8));
  CHECK_OK(aclmdlSetAIPPSrcImageSize(a, 8, 8));
  CHECK_ERR_ARG(aclmdlSetInputAIPP(id, ds, 0, a), ACL_ERROR_INVALID_PARAM, "dynamic AIPP");
  CHECK_ERR_ARG(aclmdlSetAIPPByInputIndex(id, ds, 0, a), ACL_ERROR_INVALID_PARAM, "dynamic AIPP");
  CHECK_ERR_ARG(aclmdlSetInputAIPP(id + 1000, ds, 0, a), ACL_ERROR_INVALID_MODEL_ID, "model id");
  CHECK_OK(aclmdlGetAippType(id, 0, &type, &attached));
  CHECK(type == ACL_DATA_WITHOUT_AIPP && attached == ACL_INVALID_NODE_INDEX);
  CHECK_OK(aclmdlDestroyDataset(ds));
  CHECK_OK(aclmdlDestroyAIPP(a));
  CHECK_OK(aclmdlUnload(id));
  CHECK_OK(aclrtResetDevice(0));
}

static const AclTestCase kCases[] = {
    ACL_TEST_CASE("params", test_params),
    ACL_TEST_CASE("static_model", test_static_model),
};

int main(int argc, char** argv) {
  int rc;
  if (argc > 2) g_data = argv[2];
  if (argc > 1 && strcmp(argv[1], "--list") != 0) CHECK_OK(aclInit(NULL));
  rc = acl_run_cases(kCases, ACL_COUNT(kCases), argc > 1 ? argv[1] : NULL);
  if (argc > 1 && strcmp(argv[1], "--list") != 0) aclFinalize();
  return rc;
}
