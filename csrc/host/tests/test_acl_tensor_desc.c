/* aclTensorDesc family and dataset tensor descs on the host runtime: normal
 * use, every documented failure (NULL, destroyed or foreign descs, bad shapes,
 * out-of-range indexes), each with a message naming the argument.
 * C99, acl/acl.h only. usage: test_acl_tensor_desc */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

/* Deprecated entry points are part of what is tested. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

/* A message that names `what`. */
static int msg_names(const char* what) {
  const char* m = aclGetRecentErrMsg();
  return m != NULL && strstr(m, what) != NULL;
}

static void test_create_and_get(void) {
  int64_t dims[4] = {2, 3, 4, 5};
  int64_t dim = 0;
  aclTensorDesc* d;
  SECTION("tensor desc: create and get");
  d = aclCreateTensorDesc(ACL_FLOAT16, 4, dims, ACL_FORMAT_NCHW);
  CHECK(d != NULL);
  CHECK(aclGetTensorDescType(d) == ACL_FLOAT16);
  CHECK(aclGetTensorDescFormat(d) == ACL_FORMAT_NCHW);
  CHECK(aclGetTensorDescNumDims(d) == 4);
  CHECK(aclGetTensorDescElementCount(d) == 120);
  CHECK(aclGetTensorDescSize(d) == 240);
  CHECK_OK(aclGetTensorDescDimV2(d, 3, &dim));
  CHECK(dim == 5);
  CHECK(aclGetTensorDescDim(d, 1) == 3);
  CHECK(strcmp(aclGetTensorDescName(d), "") == 0);
  aclSetTensorDescName(d, "data");
  CHECK(strcmp(aclGetTensorDescName(d), "data") == 0);
  aclSetTensorDescName(d, NULL);
  CHECK(strcmp(aclGetTensorDescName(d), "") == 0);
  CHECK(aclGetTensorDescByIndex(d, 0) == d);
  CHECK(aclGetTensorDescAddress(d) == NULL);
  aclDestroyTensorDesc(d);

  /* A scalar has one element; a dynamic dimension makes the count unknown (0). */
  d = aclCreateTensorDesc(ACL_INT32, 0, NULL, ACL_FORMAT_ND);
  CHECK(d != NULL);
  CHECK(aclGetTensorDescNumDims(d) == 0);
  CHECK(aclGetTensorDescElementCount(d) == 1);
  CHECK(aclGetTensorDescSize(d) == 4);
  aclDestroyTensorDesc(d);
  {
    int64_t dyn[2] = {-1, 8};
    int64_t rank[1] = {-2};
    d = aclCreateTensorDesc(ACL_FLOAT, 2, dyn, ACL_FORMAT_ND);
    CHECK(aclGetTensorDescElementCount(d) == 0);
    CHECK(aclGetTensorDescSize(d) == 0);
    aclDestroyTensorDesc(d);
    d = aclCreateTensorDesc(ACL_FLOAT, 1, rank, ACL_FORMAT_ND);
    CHECK(aclGetTensorDescNumDims(d) == (size_t)ACL_UNKNOWN_RANK);
    aclDestroyTensorDesc(d);
  }
}

static void test_bad_input(void) {
  int64_t dims[2] = {2, 3};
  int64_t bad[2] = {2, -3};
  int64_t dim = 0;
  aclTensorDesc *d, *gone;
  SECTION("tensor desc: bad input");
  CHECK(aclCreateTensorDesc(ACL_FLOAT, -1, dims, ACL_FORMAT_ND) == NULL);
  CHECK(msg_names("numDims"));
  CHECK(aclCreateTensorDesc(ACL_FLOAT, 2, NULL, ACL_FORMAT_ND) == NULL);
  CHECK(msg_names("dims"));
  CHECK(aclCreateTensorDesc(ACL_FLOAT, 2, bad, ACL_FORMAT_ND) == NULL);
  CHECK(msg_names("dims[1]"));
  CHECK(aclCreateTensorDesc(ACL_FLOAT, ACL_MAX_DIM_CNT + 1, dims, ACL_FORMAT_ND) == NULL);
  CHECK(msg_names("numDims"));

  /* NULL descs: documented defaults, a message naming desc. */
  CHECK(aclGetTensorDescType(NULL) == ACL_DT_UNDEFINED);
  CHECK(msg_names("desc"));
  CHECK(aclGetTensorDescFormat(NULL) == ACL_FORMAT_UNDEFINED);
  CHECK(aclGetTensorDescSize(NULL) == 0);
  CHECK(aclGetTensorDescElementCount(NULL) == 0);
  CHECK(aclGetTensorDescNumDims(NULL) == 0);
  CHECK(aclGetTensorDescDim(NULL, 0) == -1);
  CHECK(strcmp(aclGetTensorDescName(NULL), "") == 0);
  CHECK(aclGetTensorDescAddress(NULL) == NULL);
  CHECK(aclGetTensorDescByIndex(NULL, 0) == NULL);
  CHECK_ERR(aclGetTensorDescDimV2(NULL, 0, &dim), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorShape(NULL, 2, dims), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorFormat(NULL, ACL_FORMAT_ND), ACL_ERROR_INVALID_PARAM);
  aclSetTensorDescName(NULL, "x");
  CHECK(msg_names("desc"));
  aclDestroyTensorDesc(NULL); /* no-op */

  d = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
  CHECK_ERR(aclGetTensorDescDimV2(d, 2, &dim), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclGetTensorDescDimV2(d, 0, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK(aclGetTensorDescDim(d, 2) == -1);
  CHECK(msg_names("index"));
  CHECK(aclGetTensorDescByIndex(d, 1) == NULL);
  CHECK(msg_names("index"));
  CHECK_ERR(aclSetTensorShape(d, -1, dims), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorShape(d, 2, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorOriginShape(d, 2, bad), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorStorageShape(d, -2, dims), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorPlaceMent(d, (aclMemType)7), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorConst(d, NULL, 4), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorConst(d, dims, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorDynamicInput(d, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclSetTensorShapeRange(d, 2, NULL), ACL_ERROR_INVALID_PARAM);
  {
    int64_t r[1][ACL_TENSOR_SHAPE_RANGE_NUM] = {{5, 2}};
    int64_t v[1][ACL_TENSOR_VALUE_RANGE_NUM] = {{3, 1}};
    int64_t out[2];
    CHECK_ERR(aclSetTensorShapeRange(d, 1, r), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclSetTensorValueRange(d, 1, v), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclGetTensorDescDimRange(d, 0, 2, out), ACL_ERROR_INVALID_PARAM); /* none set */
  }
  /* A destroyed desc is reported, not dereferenced. */
  gone = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
  aclDestroyTensorDesc(gone);
  CHECK_ERR(aclSetTensorFormat(gone, ACL_FORMAT_NCHW), ACL_ERROR_INVALID_PARAM);
  CHECK(aclGetTensorDescType(gone) == ACL_DT_UNDEFINED);
  CHECK(msg_names("not a live aclTensorDesc"));
  aclDestroyTensorDesc(gone); /* a second destroy is ignored with a message */
  CHECK(msg_names("not a live aclTensorDesc"));
  /* Another handle kind passed as a desc. */
  {
    aclDataBuffer* buf = aclCreateDataBuffer(dims, sizeof dims);
    CHECK(aclGetTensorDescType((const aclTensorDesc*)buf) == ACL_DT_UNDEFINED);
    CHECK(msg_names("not a live aclTensorDesc"));
    CHECK_OK(aclDestroyDataBuffer(buf));
  }
  aclDestroyTensorDesc(d);
}

static void test_setters(void) {
  int64_t dims[4] = {1, 3, 224, 224};
  int64_t shape[2] = {7, 9};
  int64_t range[2][ACL_TENSOR_SHAPE_RANGE_NUM] = {{1, 8}, {3, -1}};
  int64_t values[1][ACL_TENSOR_VALUE_RANGE_NUM] = {{-5, 5}};
  int64_t out[4] = {0, 0, 0, 0};
  int64_t dim = 0;
  float konst[3] = {1.f, 2.f, 3.f};
  aclTensorDesc *d, *t = NULL;
  SECTION("tensor desc: setters");
  d = aclCreateTensorDesc(ACL_FLOAT, 4, dims, ACL_FORMAT_NCHW);
  CHECK_OK(aclSetTensorFormat(d, ACL_FORMAT_NHWC));
  CHECK(aclGetTensorDescFormat(d) == ACL_FORMAT_NHWC);
  CHECK_OK(aclSetTensorShape(d, 2, shape));
  CHECK(aclGetTensorDescNumDims(d) == 2);
  CHECK(aclGetTensorDescElementCount(d) == 63);
  CHECK_OK(aclSetTensorOriginFormat(d, ACL_FORMAT_NCHW));
  CHECK_OK(aclSetTensorOriginShape(d, 4, dims));
  CHECK_OK(aclSetTensorStorageFormat(d, ACL_FORMAT_NC1HWC0));
  CHECK_OK(aclSetTensorStorageShape(d, 4, dims));
  /* Origin and storage shapes do not change the shape the getters report. */
  CHECK(aclGetTensorDescNumDims(d) == 2);
  CHECK_OK(aclSetTensorShapeRange(d, 2, range));
  CHECK_OK(aclGetTensorDescDimRange(d, 1, 2, out));
  CHECK(out[0] == 3 && out[1] == -1);
  CHECK_ERR(aclGetTensorDescDimRange(d, 2, 2, out), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclGetTensorDescDimRange(d, 0, 1, out), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclSetTensorValueRange(d, 1, values));
  CHECK_OK(aclSetTensorDynamicInput(d, "x"));
  CHECK_OK(aclSetTensorPlaceMent(d, ACL_MEMTYPE_HOST));
  CHECK_OK(aclSetTensorConst(d, konst, sizeof konst));
  konst[0] = 42.f; /* the desc holds its own copy */
  CHECK(aclGetTensorDescAddress(d) != NULL && ((float*)aclGetTensorDescAddress(d))[0] == 1.f &&
        ((float*)aclGetTensorDescAddress(d))[2] == 3.f);
  aclDestroyTensorDesc(d);

  SECTION("tensor desc: format translation");
  d = aclCreateTensorDesc(ACL_FLOAT16, 4, dims, ACL_FORMAT_NCHW);
  CHECK_OK(aclTransTensorDescFormat(d, ACL_FORMAT_NHWC, &t));
  CHECK(t != NULL && t != d);
  CHECK(aclGetTensorDescFormat(t) == ACL_FORMAT_NHWC);
  CHECK(aclGetTensorDescFormat(d) == ACL_FORMAT_NCHW); /* the source is unchanged */
  CHECK_OK(aclGetTensorDescDimV2(t, 3, &dim));
  CHECK(dim == 3);
  CHECK_OK(aclGetTensorDescDimV2(t, 1, &dim));
  CHECK(dim == 224);
  aclDestroyTensorDesc(t);
  CHECK_OK(aclTransTensorDescFormat(d, ACL_FORMAT_NC1HWC0, &t));
  CHECK(aclGetTensorDescNumDims(t) == 5);
  CHECK_OK(aclGetTensorDescDimV2(t, 1, &dim));
  CHECK(dim == 1); /* ceil(3 / 16) */
  CHECK_OK(aclGetTensorDescDimV2(t, 4, &dim));
  CHECK(dim == 16);
  aclDestroyTensorDesc(t);
  CHECK_ERR(aclTransTensorDescFormat(d, ACL_FORMAT_FRACTAL_NZ, &t), ACL_ERROR_FORMAT_NOT_MATCH);
  CHECK_ERR(aclTransTensorDescFormat(d, ACL_FORMAT_NHWC, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclTransTensorDescFormat(NULL, ACL_FORMAT_NHWC, &t), ACL_ERROR_INVALID_PARAM);
  aclDestroyTensorDesc(d);
}

static void test_dataset_descs(void) {
  int64_t dims[2] = {2, 4};
  float data[8];
  aclmdlDataset* ds = aclmdlCreateDataset();
  aclDataBuffer* b0 = aclCreateDataBuffer(data, sizeof data);
  aclDataBuffer* b1 = aclCreateDataBuffer(data, sizeof data);
  aclTensorDesc* d = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
  aclTensorDesc* got;
  SECTION("dataset tensor descs");
  CHECK_OK(aclmdlAddDatasetBuffer(ds, b0));
  CHECK_OK(aclmdlAddDatasetBuffer(ds, b1));
  CHECK(aclmdlGetDatasetTensorDesc(ds, 0) == NULL); /* none set: NULL, not an error */
  CHECK_OK(aclmdlSetDatasetTensorDesc(ds, d, 1));
  got = aclmdlGetDatasetTensorDesc(ds, 1);
  CHECK(got != NULL && got != d); /* the dataset keeps its own copy */
  CHECK(aclGetTensorDescElementCount(got) == 8);
  aclSetTensorDescName(d, "changed");
  CHECK(strcmp(aclGetTensorDescName(got), "") == 0);
  aclDestroyTensorDesc(d); /* the copy outlives the caller's desc */
  CHECK(aclGetTensorDescType(got) == ACL_FLOAT);
  CHECK_ERR(aclmdlSetDatasetTensorDesc(ds, got, 2), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlSetDatasetTensorDesc(ds, NULL, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlSetDatasetTensorDesc(NULL, got, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlSetDatasetTensorDesc(ds, d, 0), ACL_ERROR_INVALID_PARAM); /* destroyed */
  CHECK(aclmdlGetDatasetTensorDesc(ds, 2) == NULL);
  CHECK(msg_names("index"));
  CHECK(aclmdlGetDatasetTensorDesc(NULL, 0) == NULL);
  CHECK(msg_names("dataset"));
  CHECK_OK(aclmdlDestroyDataset(ds));
  CHECK(aclGetTensorDescType(got) == ACL_DT_UNDEFINED); /* released with the dataset */
  CHECK(msg_names("not a live aclTensorDesc"));
  CHECK_OK(aclDestroyDataBuffer(b0));
  CHECK_OK(aclDestroyDataBuffer(b1));
}

int main(void) {
  test_create_and_get();
  test_bad_input();
  test_setters();
  test_dataset_descs();
  return check_finish();
}
