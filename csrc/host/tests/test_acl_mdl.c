/* acl_mdl.h on the host runtime: query/load (file, memory, with memory),
 * model descriptions, datasets, execution (sync/async), bad input and the
 * strict-mode rules of execution. C99 + pthreads, acl/acl.h only.
 *
 * usage: test_acl_mdl <case>|all|--list <model dir>   (cases: the table at the end)
 * <model dir> holds the files `python tests/models.py <dir>` writes:
 *   add.onnx fp16.onnx two.onnx classifier.onnx classifier_in.bin classifier_out.bin
 *   dynamic.onnx resnet50.om corrupt.onnx add_ir.xml reshape.onnx (does_not_exist.onnx must not)
 * add: y = x + 1.5, x/y float32 [1,3,8,8]; fp16: prob(f32) = data(f16) * 2;
 * two: (a, b) [2,5] f32 -> sum = a + b, argmax = argmax(a, -1) (int64 [2]);
 * classifier: input [1,3,8,8] -> prob [1,10], expected output from OpenVINO;
 * dynamic: y = x + 1, x ["N", 4]; reshape: y [4,4] = Reshape(x ["N", 4]) (fails unless N == 4);
 * ACL_HOST_STRICT=0 flips the strict checks. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

static int g_strict = 1;
static char ADD[1024], FP16[1024], TWO[1024], CLS[1024], CLS_IN[1024], CLS_OUT[1024], DYN[1024], OM[1024],
    CORRUPT[1024], IR[1024], MISSING[1024], RESHAPE[1024];
static const float ADD_CONST = 1.5f;
static aclrtContext g_ctx = NULL;
static aclrtStream g_stream = NULL;

#define ADD_N 192 /* 1*3*8*8 */
#define ADD_BYTES (ADD_N * 4)

/* ---------------------------------------------------------------- helpers */

static void* dev_alloc(size_t n) {
  void* p = NULL;
  if (aclrtMalloc(&p, n, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS) {
    fprintf(stderr, "aclrtMalloc(%zu) failed: %s\n", n, aclGetRecentErrMsg());
    exit(2);
  }
  return p;
}

static void upload(void* dev, const void* host, size_t n) {
  CHECK_OK(aclrtMemcpy(dev, n, host, n, ACL_MEMCPY_HOST_TO_DEVICE));
}

static void download(void* host, const void* dev, size_t n) {
  CHECK_OK(aclrtMemcpy(host, n, dev, n, ACL_MEMCPY_DEVICE_TO_HOST));
}

/* A dataset of caller-provided buffers. */
static aclmdlDataset* dataset(size_t n, void** ptrs, const size_t* sizes) {
  aclmdlDataset* ds = aclmdlCreateDataset();
  size_t i;
  for (i = 0; i < n; ++i) aclmdlAddDatasetBuffer(ds, aclCreateDataBuffer(ptrs[i], sizes[i]));
  return ds;
}

static void dataset_free(aclmdlDataset* ds) {
  size_t i, n = aclmdlGetDatasetNumBuffers(ds);
  for (i = 0; i < n; ++i) aclDestroyDataBuffer(aclmdlGetDatasetBuffer(ds, i));
  aclmdlDestroyDataset(ds);
}

static aclmdlDataset* dataset1(void* p, size_t size) { return dataset(1, &p, &size); }

static void fill_add_input(float* x, float base) {
  int i;
  for (i = 0; i < ADD_N; ++i) x[i] = base + (float)i * 0.125f;
}

static int check_add_output(const float* y, float base) {
  int i, bad = 0;
  for (i = 0; i < ADD_N; ++i) {
    float want = base + (float)i * 0.125f + ADD_CONST;
    if (fabsf(y[i] - want) > 1e-4f) {
      if (bad < 3) fprintf(stderr, "  y[%d] = %f, want %f\n", i, y[i], want);
      ++bad;
    }
  }
  return bad == 0;
}

/* Runs the add model once through aclmdlExecuteAsync on stream s. */
static int run_add(uint32_t id, aclrtStream s, float base) {
  float x[ADD_N], y[ADD_N];
  void *din = dev_alloc(ADD_BYTES), *dout = dev_alloc(ADD_BYTES);
  aclmdlDataset *in = dataset1(din, ADD_BYTES), *out = dataset1(dout, ADD_BYTES);
  int ok;
  fill_add_input(x, base);
  upload(din, x, ADD_BYTES);
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, dout, ADD_BYTES);
  ok = check_add_output(y, base);
  dataset_free(in);
  dataset_free(out);
  aclrtFree(din);
  aclrtFree(dout);
  return ok;
}

/* ---------------------------------------------------------------- loading */

static void test_bad_models(void) {
  size_t work = 0, weight = 0, size = 0;
  uint32_t id = 0;
  void* bytes;
  const char* msg;
  SECTION("bad model files");
  CHECK_ERR(aclmdlQuerySize(NULL, &work, &weight), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlQuerySize(ADD, NULL, &weight), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlQuerySize(MISSING, &work, &weight), ACL_ERROR_READ_MODEL_FAILURE);
  CHECK_ERR(aclmdlQuerySize(CORRUPT, &work, &weight), ACL_ERROR_PARSE_MODEL);
  CHECK(aclmdlQuerySize(OM, &work, &weight) == ACL_ERROR_PARSE_MODEL);
  msg = aclGetRecentErrMsg();
  CHECK(msg != NULL && strstr(msg, "ONNX") != NULL); /* says what the host runtime executes */
  CHECK_ERR(aclmdlLoadFromFile(NULL, &id), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlLoadFromFile(ADD, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlLoadFromFile(MISSING, &id), ACL_ERROR_READ_MODEL_FAILURE);
  CHECK_ERR(aclmdlLoadFromFile(CORRUPT, &id), ACL_ERROR_PARSE_MODEL);
  CHECK(aclmdlLoadFromFile(OM, &id) == ACL_ERROR_PARSE_MODEL);
  msg = aclGetRecentErrMsg();
  CHECK(msg != NULL && strstr(msg, "ONNX") != NULL && strstr(msg, ".om") != NULL);
  CHECK_ERR(aclmdlLoadFromFileWithMem(OM, &id, NULL, 0, NULL, 0), ACL_ERROR_PARSE_MODEL);
  CHECK_ERR(aclmdlLoadFromFile("/", &id), ACL_ERROR_READ_MODEL_FAILURE); /* a directory */

  SECTION("bad models in memory");
  bytes = acl_read_file_or_exit(OM, &size);
  CHECK_ERR(aclmdlLoadFromMem(bytes, size, &id), ACL_ERROR_PARSE_MODEL);
  CHECK_ERR(aclmdlQuerySizeFromMem(bytes, size, &work, &weight), ACL_ERROR_PARSE_MODEL);
  free(bytes);
  bytes = acl_read_file_or_exit(CORRUPT, &size);
  CHECK_ERR(aclmdlLoadFromMem(bytes, size, &id), ACL_ERROR_PARSE_MODEL);
  free(bytes);
  bytes = acl_read_file_or_exit(ADD, &size);
  CHECK_ERR(aclmdlLoadFromMem(NULL, size, &id), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlLoadFromMem(bytes, 0, &id), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlLoadFromMem(bytes, size / 2, &id), ACL_ERROR_PARSE_MODEL); /* truncated */
  free(bytes);
}

static void test_load_with_mem(void) {
  size_t work = 0, weight = 0, w2 = 0, g2 = 0, size = 0;
  uint32_t id = 0;
  void *dwork, *dweight, *hwork, *bytes;
  SECTION("aclmdlQuerySize / LoadFromFileWithMem");
  CHECK_OK(aclmdlQuerySize(ADD, &work, &weight));
  CHECK(work > 0 && weight >= ADD_BYTES); /* the constant is a weight */
  bytes = acl_read_file_or_exit(ADD, &size);
  CHECK_OK(aclmdlQuerySizeFromMem(bytes, size, &w2, &g2));
  CHECK(w2 == work && g2 == weight);
  dwork = dev_alloc(work);
  dweight = dev_alloc(weight);
  CHECK_OK(aclmdlLoadFromFileWithMem(ADD, &id, dwork, work, dweight, weight));
  CHECK(run_add(id, NULL, 1.0f));
  CHECK_OK(aclmdlUnload(id));
  CHECK_OK(aclmdlLoadFromMemWithMem(bytes, size, &id, dwork, work, dweight, weight));
  CHECK(run_add(id, NULL, 2.0f));
  CHECK_OK(aclmdlUnload(id));
  /* NULL work/weight: the runtime manages them. */
  CHECK_OK(aclmdlLoadFromFileWithMem(ADD, &id, NULL, 0, NULL, 0));
  CHECK(run_add(id, NULL, 3.0f));
  CHECK_OK(aclmdlUnload(id));

  SECTION("strict: LoadWithMem memory must be device memory, large enough");
  hwork = malloc(work);
  CHECK_STRICT(g_strict, aclmdlLoadFromFileWithMem(ADD, &id, hwork, work, dweight, weight),
               ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  if (!g_strict) CHECK_OK(aclmdlUnload(id));
  CHECK_STRICT(g_strict, aclmdlLoadFromFileWithMem(ADD, &id, dwork, work, dweight, weight / 2),
               ACL_ERROR_INVALID_PARAM);
  if (!g_strict) CHECK_OK(aclmdlUnload(id));
  CHECK_STRICT(g_strict, aclmdlLoadFromMemWithMem(bytes, size, &id, dwork, 1, dweight, weight),
               ACL_ERROR_INVALID_PARAM);
  if (!g_strict) CHECK_OK(aclmdlUnload(id));
  free(hwork);
  free(bytes);
  CHECK_OK(aclrtFree(dwork));
  CHECK_OK(aclrtFree(dweight));
}

/* ---------------------------------------------------------------- desc */

static void test_desc(uint32_t id) {
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlIODims dims;
  size_t index = 99;
  SECTION("model description");
  CHECK(desc != NULL);
  CHECK_ERR(aclmdlGetDesc(NULL, id), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlGetDesc(desc, 987654), ACL_ERROR_INVALID_MODEL_ID);
  CHECK(aclmdlGetNumInputs(desc) == 0); /* not filled yet */
  CHECK_MSG();
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK(aclmdlGetNumInputs(desc) == 1);
  CHECK(aclmdlGetNumOutputs(desc) == 1);
  CHECK(aclmdlGetInputSizeByIndex(desc, 0) == ADD_BYTES);
  CHECK(aclmdlGetOutputSizeByIndex(desc, 0) == ADD_BYTES);
  CHECK_OK(aclmdlGetInputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[0] == 1 && dims.dims[1] == 3 && dims.dims[2] == 8 &&
        dims.dims[3] == 8);
  CHECK(strcmp(dims.name, "x") == 0);
  CHECK_OK(aclmdlGetInputDimsV2(desc, 0, &dims));
  CHECK(dims.dimCount == 4);
  CHECK_OK(aclmdlGetOutputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[3] == 8 && strcmp(dims.name, "y") == 0);
  CHECK(strcmp(aclmdlGetInputNameByIndex(desc, 0), "x") == 0);
  CHECK(strcmp(aclmdlGetOutputNameByIndex(desc, 0), "y") == 0);
  CHECK(aclmdlGetInputDataType(desc, 0) == ACL_FLOAT);
  CHECK(aclmdlGetOutputDataType(desc, 0) == ACL_FLOAT);
  CHECK(aclmdlGetInputFormat(desc, 0) == ACL_FORMAT_NCHW);
  CHECK(aclmdlGetOutputFormat(desc, 0) == ACL_FORMAT_NCHW);
  CHECK_OK(aclmdlGetInputIndexByName(desc, "x", &index));
  CHECK(index == 0);
  CHECK_OK(aclmdlGetOutputIndexByName(desc, "y", &index));
  CHECK(index == 0);

  SECTION("model description: bad arguments");
  CHECK_ERR(aclmdlGetInputIndexByName(desc, "nope", &index), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlGetInputIndexByName(desc, NULL, &index), ACL_ERROR_INVALID_PARAM);
  CHECK(aclmdlGetInputSizeByIndex(desc, 1) == 0);
  CHECK_MSG();
  CHECK(aclmdlGetOutputSizeByIndex(desc, 5) == 0);
  CHECK_MSG();
  CHECK(aclmdlGetInputDataType(desc, 1) == ACL_DT_UNDEFINED);
  CHECK(aclmdlGetInputFormat(desc, 1) == ACL_FORMAT_UNDEFINED);
  CHECK(strcmp(aclmdlGetInputNameByIndex(desc, 1), "") == 0);
  CHECK_ERR(aclmdlGetInputDims(desc, 1, &dims), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlGetInputDims(desc, 0, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK(aclmdlGetNumInputs(NULL) == 0);
  CHECK_MSG();
  CHECK_ERR(aclmdlGetInputDims(NULL, 0, &dims), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_ERR(aclmdlDestroyDesc(desc), ACL_ERROR_INVALID_PARAM); /* twice */
  CHECK_ERR(aclmdlDestroyDesc(NULL), ACL_ERROR_INVALID_PARAM);
}

/* ---------------------------------------------------------------- datasets */

static void test_datasets(void) {
  aclmdlDataset* ds = aclmdlCreateDataset();
  aclDataBuffer *b1 = aclCreateDataBuffer(NULL, 0), *b2 = aclCreateDataBuffer(NULL, 0);
  SECTION("datasets");
  CHECK(ds != NULL);
  CHECK(aclmdlGetDatasetNumBuffers(ds) == 0);
  CHECK_OK(aclmdlAddDatasetBuffer(ds, b1));
  CHECK_OK(aclmdlAddDatasetBuffer(ds, b2));
  CHECK(aclmdlGetDatasetNumBuffers(ds) == 2);
  CHECK(aclmdlGetDatasetBuffer(ds, 0) == b1 && aclmdlGetDatasetBuffer(ds, 1) == b2);
  CHECK(aclmdlGetDatasetBuffer(ds, 2) == NULL);
  CHECK_MSG();
  CHECK_ERR(aclmdlAddDatasetBuffer(ds, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlAddDatasetBuffer(NULL, b1), ACL_ERROR_INVALID_PARAM);
  CHECK(aclmdlGetDatasetNumBuffers(NULL) == 0);
  CHECK_MSG();
  CHECK(aclmdlGetDatasetBuffer(NULL, 0) == NULL);
  CHECK_MSG();
  CHECK_OK(aclmdlDestroyDataset(ds)); /* the buffers stay */
  CHECK_ERR(aclmdlDestroyDataset(ds), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlDestroyDataset(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclDestroyDataBuffer(b1));
  CHECK_OK(aclDestroyDataBuffer(b2));
}

/* ---------------------------------------------------------------- execution */

static void test_execute_add(uint32_t id, aclrtStream s) {
  float x[ADD_N], y[ADD_N];
  void *din = dev_alloc(ADD_BYTES), *dout = dev_alloc(ADD_BYTES);
  void *big_in = dev_alloc(1024), *big_out = dev_alloc(1024);
  void *host_in = malloc(ADD_BYTES), *pinned = NULL;
  void* two[2];
  size_t two_sizes[2] = {ADD_BYTES, ADD_BYTES};
  aclmdlDataset *in = dataset1(din, ADD_BYTES), *out = dataset1(dout, ADD_BYTES), *bad, *bad_out;
  aclmdlDataset* empty = aclmdlCreateDataset();
  aclrtContext other = NULL;
  aclrtStream other_s = NULL;
  int i;
  SECTION("aclmdlExecute");
  fill_add_input(x, -4.0f);
  upload(din, x, ADD_BYTES);
  CHECK_OK(aclmdlExecute(id, in, out));
  download(y, dout, ADD_BYTES);
  CHECK(check_add_output(y, -4.0f));

  SECTION("aclmdlExecuteAsync");
  for (i = 0; i < 20; ++i) CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, dout, ADD_BYTES);
  CHECK(check_add_output(y, -4.0f));

  SECTION("bad datasets: buffer count");
  CHECK_ERR(aclmdlExecute(id, empty, out), ACL_ERROR_MODEL_INPUT_NOT_MATCH);
  CHECK_ERR(aclmdlExecute(id, in, empty), ACL_ERROR_MODEL_OUTPUT_NOT_MATCH);
  two[0] = din;
  two[1] = din;
  bad = dataset(2, two, two_sizes);
  CHECK_ERR(aclmdlExecuteAsync(id, bad, out, s), ACL_ERROR_MODEL_INPUT_NOT_MATCH);
  CHECK_ERR(aclmdlExecuteAsync(id, in, bad, s), ACL_ERROR_MODEL_OUTPUT_NOT_MATCH);
  dataset_free(bad);

  SECTION("bad datasets: buffer size");
  bad = dataset1(din, ADD_BYTES - 4); /* too small: fails in any mode */
  CHECK_ERR(aclmdlExecuteAsync(id, bad, out, s), ACL_ERROR_MODEL_INPUT_NOT_MATCH);
  bad_out = dataset1(dout, 16);
  CHECK_ERR(aclmdlExecuteAsync(id, in, bad_out, s), ACL_ERROR_MODEL_OUTPUT_NOT_MATCH);
  dataset_free(bad);
  dataset_free(bad_out);
  bad = dataset1(NULL, ADD_BYTES);
  CHECK_ERR(aclmdlExecute(id, bad, out), ACL_ERROR_MODEL_INPUT_NOT_MATCH);
  dataset_free(bad);

  SECTION("execute takes buffers larger than the model's (CANN's executor only warns)");
  upload(big_in, x, ADD_BYTES);
  bad = dataset1(big_in, 1024);
  CHECK_OK(aclmdlExecuteAsync(id, bad, out, s));
  bad_out = dataset1(big_out, 1024);
  CHECK_OK(aclmdlExecuteAsync(id, in, bad_out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, big_out, ADD_BYTES);
  CHECK(check_add_output(y, -4.0f));
  dataset_free(bad);
  dataset_free(bad_out);

  SECTION("strict: execute buffers must be device memory");
  memcpy(host_in, x, ADD_BYTES);
  bad = dataset1(host_in, ADD_BYTES);
  CHECK_STRICT(g_strict, aclmdlExecuteAsync(id, bad, out, s), ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  CHECK_STRICT(g_strict, aclmdlExecute(id, bad, out), ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  CHECK_OK(aclrtSynchronizeStream(s));
  dataset_free(bad);
  CHECK_OK(aclrtMallocHost(&pinned, ADD_BYTES));
  bad_out = dataset1(pinned, ADD_BYTES);
  CHECK_STRICT(g_strict, aclmdlExecute(id, in, bad_out), ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  if (!g_strict) CHECK(check_add_output((const float*)pinned, -4.0f));
  dataset_free(bad_out);
  CHECK_OK(aclrtFreeHost(pinned));

  SECTION("bad handles");
  CHECK_ERR(aclmdlExecute(id, NULL, out), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlExecuteAsync(id, in, NULL, s), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlExecuteAsync(987654, in, out, s), ACL_ERROR_INVALID_MODEL_ID);
  CHECK_FAIL(aclmdlExecuteAsync(id, in, out, (aclrtStream)&x)); /* not a stream */
  bad = dataset1(din, ADD_BYTES);
  aclDestroyDataBuffer(aclmdlGetDatasetBuffer(bad, 0)); /* buffer destroyed, dataset kept */
  CHECK_ERR(aclmdlExecute(id, bad, out), ACL_ERROR_INVALID_PARAM);
  aclmdlDestroyDataset(bad);
  CHECK_ERR(aclmdlExecute(id, bad, out), ACL_ERROR_INVALID_PARAM); /* destroyed dataset */

  SECTION("execute on a stream of another context");
  CHECK_OK(aclrtCreateContext(&other, 0));
  CHECK_OK(aclrtCreateStream(&other_s));
  CHECK_OK(aclrtSetCurrentContext(g_ctx));
  CHECK_ERR(aclmdlExecuteAsync(id, in, out, other_s), ACL_ERROR_RT_STREAM_CONTEXT);
  CHECK_OK(aclrtSetCurrentContext(other));
  CHECK_OK(aclrtDestroyStream(other_s));
  CHECK_OK(aclrtSetCurrentContext(g_ctx));
  CHECK_OK(aclrtDestroyContext(other));
  CHECK_OK(aclrtSetCurrentContext(g_ctx));

  dataset_free(in);
  dataset_free(out);
  aclmdlDestroyDataset(empty);
  free(host_in);
  aclrtFree(din);
  aclrtFree(dout);
  aclrtFree(big_in);
  aclrtFree(big_out);
}

static void hold_cb(void* user) { (void)user; }

static void test_one_stream_per_model(uint32_t id) {
  aclrtStream a = NULL, b = NULL;
  void *din = dev_alloc(ADD_BYTES), *dout = dev_alloc(ADD_BYTES), *dout2 = dev_alloc(ADD_BYTES);
  aclmdlDataset *in = dataset1(din, ADD_BYTES), *out = dataset1(dout, ADD_BYTES),
                *out2 = dataset1(dout2, ADD_BYTES);
  uint64_t me = (uint64_t)pthread_self();
  float x[ADD_N], y[ADD_N];
  uint32_t id2 = 0;
  SECTION("strict: a model id executes on one stream at a time");
  fill_add_input(x, 7.0f);
  upload(din, x, ADD_BYTES);
  CHECK_OK(aclrtCreateStream(&a));
  CHECK_OK(aclrtCreateStream(&b));
  CHECK_OK(aclrtSubscribeReport(me, a));
  CHECK_OK(aclrtLaunchCallback(hold_cb, NULL, ACL_CALLBACK_BLOCK, a)); /* holds a until we process it */
  CHECK_OK(aclmdlExecuteAsync(id, in, out, a));
  CHECK_OK(aclmdlExecuteAsync(id, in, out, a)); /* same stream: fine */
  CHECK_STRICT(g_strict, aclmdlExecuteAsync(id, in, out2, b), ACL_ERROR_RT_STREAM_MODEL);
  CHECK_STRICT(g_strict, aclmdlExecute(id, in, out2), ACL_ERROR_RT_STREAM_MODEL);
  /* The NPU way: load the model once per stream. */
  CHECK_OK(aclmdlLoadFromFile(ADD, &id2));
  CHECK_OK(aclmdlExecuteAsync(id2, in, out2, b));
  CHECK_OK(aclrtSynchronizeStream(b));
  download(y, dout2, ADD_BYTES);
  CHECK(check_add_output(y, 7.0f));
  CHECK_OK(aclrtProcessReport(5000));
  CHECK_OK(aclrtSynchronizeStream(a));
  download(y, dout, ADD_BYTES);
  CHECK(check_add_output(y, 7.0f));
  CHECK_OK(aclmdlExecuteAsync(id, in, out2, b)); /* a is idle now */
  CHECK_OK(aclrtSynchronizeStream(b));

  SECTION("unload with executions pending");
  CHECK_OK(aclrtLaunchCallback(hold_cb, NULL, ACL_CALLBACK_BLOCK, a));
  CHECK_OK(aclmdlExecuteAsync(id2, in, out, a));
  CHECK_OK(aclmdlUnload(id2));
  CHECK_ERR(aclmdlExecuteAsync(id2, in, out, a), ACL_ERROR_INVALID_MODEL_ID);
  CHECK_ERR(aclmdlUnload(id2), ACL_ERROR_INVALID_MODEL_ID);
  CHECK_OK(aclrtProcessReport(5000));
  CHECK_OK(aclrtSynchronizeStream(a));
  download(y, dout, ADD_BYTES);
  CHECK(check_add_output(y, 7.0f));

  CHECK_OK(aclrtUnSubscribeReport(me, a));
  CHECK_OK(aclrtDestroyStream(a));
  CHECK_OK(aclrtDestroyStream(b));
  dataset_free(in);
  dataset_free(out);
  dataset_free(out2);
  aclrtFree(din);
  aclrtFree(dout);
  aclrtFree(dout2);
}

/* ---------------------------------------------------------------- other models */

static void test_fp16(aclrtStream s) {
  uint32_t id = 0;
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclFloat16 x[ADD_N];
  float y[ADD_N];
  void *din, *dout;
  aclmdlDataset *in, *out;
  int i, bad = 0;
  SECTION("fp16 input model");
  CHECK_OK(aclmdlLoadFromFile(FP16, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK(aclmdlGetInputDataType(desc, 0) == ACL_FLOAT16);
  CHECK(aclmdlGetOutputDataType(desc, 0) == ACL_FLOAT);
  CHECK(aclmdlGetInputSizeByIndex(desc, 0) == ADD_N * 2);
  CHECK(aclmdlGetOutputSizeByIndex(desc, 0) == ADD_N * 4);
  CHECK(strcmp(aclmdlGetInputNameByIndex(desc, 0), "data") == 0);
  CHECK(strcmp(aclmdlGetOutputNameByIndex(desc, 0), "prob") == 0);
  for (i = 0; i < ADD_N; ++i) x[i] = aclFloatToFloat16((float)i * 0.5f - 20.0f);
  din = dev_alloc(sizeof x);
  dout = dev_alloc(sizeof y);
  upload(din, x, sizeof x);
  in = dataset1(din, sizeof x);
  out = dataset1(dout, sizeof y);
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, dout, sizeof y);
  for (i = 0; i < ADD_N; ++i)
    if (fabsf(y[i] - 2.0f * ((float)i * 0.5f - 20.0f)) > 1e-3f) ++bad;
  CHECK(bad == 0);
  dataset_free(in);
  dataset_free(out);
  aclrtFree(din);
  aclrtFree(dout);
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclmdlUnload(id));
}

static void test_two_outputs(aclrtStream s) {
  uint32_t id = 0;
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlIODims dims;
  float a[10], b[10], sum[10];
  int64_t arg[2];
  void *ptr[2], *optr[2];
  size_t isz[2] = {40, 40}, osz[2] = {40, 16}, index = 9;
  aclmdlDataset *in, *out;
  int i, bad = 0;
  SECTION("two inputs, two outputs");
  CHECK_OK(aclmdlLoadFromFile(TWO, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK(aclmdlGetNumInputs(desc) == 2 && aclmdlGetNumOutputs(desc) == 2);
  CHECK(aclmdlGetInputFormat(desc, 0) == ACL_FORMAT_ND);
  CHECK(aclmdlGetOutputDataType(desc, 1) == ACL_INT64);
  CHECK(aclmdlGetOutputSizeByIndex(desc, 1) == 16);
  CHECK_OK(aclmdlGetOutputDims(desc, 1, &dims));
  CHECK(dims.dimCount == 1 && dims.dims[0] == 2);
  CHECK_OK(aclmdlGetOutputIndexByName(desc, "argmax", &index));
  CHECK(index == 1);
  CHECK_OK(aclmdlGetInputIndexByName(desc, "b", &index));
  CHECK(index == 1);
  for (i = 0; i < 10; ++i) {
    a[i] = (float)((i * 7) % 10);
    b[i] = (float)i;
  }
  for (i = 0; i < 2; ++i) {
    ptr[i] = dev_alloc(40);
    optr[i] = dev_alloc(osz[i]);
  }
  upload(ptr[0], a, 40);
  upload(ptr[1], b, 40);
  in = dataset(2, ptr, isz);
  out = dataset(2, optr, osz);
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(sum, optr[0], 40);
  download(arg, optr[1], 16);
  for (i = 0; i < 10; ++i)
    if (sum[i] != a[i] + b[i]) ++bad;
  CHECK(bad == 0);
  CHECK(arg[0] == 4 && arg[1] == 2); /* rows 0 7 4 1 8 | 5 2 9 6 3 */
  dataset_free(in);
  dataset_free(out);
  for (i = 0; i < 2; ++i) {
    aclrtFree(ptr[i]);
    aclrtFree(optr[i]);
  }
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclmdlUnload(id));
}

static void test_classifier(aclrtStream s) {
  size_t size = 0, xs = 0, ys = 0, work = 0, weight = 0;
  void* bytes = acl_read_file_or_exit(CLS, &size);
  float* x = (float*)acl_read_file_or_exit(CLS_IN, &xs);
  float* want = (float*)acl_read_file_or_exit(CLS_OUT, &ys);
  float got[10];
  uint32_t id = 0;
  void *din, *dout, *dwork, *dweight;
  aclmdlDataset *in, *out;
  aclmdlDesc* desc = aclmdlCreateDesc();
  int i, bad = 0, top_got = 0, top_want = 0;
  SECTION("classifier from memory, checked against OpenVINO run directly");
  CHECK(xs == ADD_BYTES && ys == 40);
  CHECK_OK(aclmdlQuerySizeFromMem(bytes, size, &work, &weight));
  dwork = dev_alloc(work);
  dweight = dev_alloc(weight);
  CHECK_OK(aclmdlLoadFromMemWithMem(bytes, size, &id, dwork, work, dweight, weight));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK(aclmdlGetInputSizeByIndex(desc, 0) == xs && aclmdlGetOutputSizeByIndex(desc, 0) == ys);
  din = dev_alloc(xs);
  dout = dev_alloc(ys);
  upload(din, x, xs);
  in = dataset1(din, xs);
  out = dataset1(dout, ys);
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(got, dout, ys);
  for (i = 0; i < 10; ++i) {
    if (fabsf(got[i] - want[i]) > 1e-2f) ++bad;
    if (got[i] > got[top_got]) top_got = i;
    if (want[i] > want[top_want]) top_want = i;
  }
  CHECK(bad == 0);
  CHECK(top_got == top_want);
  dataset_free(in);
  dataset_free(out);
  aclrtFree(din);
  aclrtFree(dout);
  CHECK_OK(aclmdlUnload(id));
  aclrtFree(dwork);
  aclrtFree(dweight);
  aclmdlDestroyDesc(desc);
  free(bytes);
  free(x);
  free(want);
}

static void test_dynamic(aclrtStream s) {
  uint32_t id = 0;
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlIODims dims;
  float x[12], y[12];
  void *din = dev_alloc(sizeof x), *dout = dev_alloc(sizeof y), *odd = dev_alloc(6);
  aclmdlDataset *in, *out, *bad;
  int i, good = 1;
  SECTION("dynamic batch model");
  CHECK_OK(aclmdlLoadFromFile(DYN, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK_OK(aclmdlGetInputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 2 && dims.dims[0] == -1 && dims.dims[1] == 4);
  CHECK(aclmdlGetInputSizeByIndex(desc, 0) == 0);
  for (i = 0; i < 12; ++i) x[i] = (float)i;
  upload(din, x, sizeof x);
  in = dataset1(din, sizeof x); /* batch 3 */
  out = dataset1(dout, sizeof y);
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, dout, sizeof y);
  for (i = 0; i < 12; ++i) good = good && y[i] == x[i] + 1.0f;
  CHECK(good);

  SECTION("a failure of queued work is returned by synchronize, then cleared");
  bad = dataset1(odd, 6); /* not a whole number of rows: fails when it runs */
  CHECK_OK(aclmdlExecuteAsync(id, bad, out, s));
  CHECK_OK(aclmdlExecuteAsync(id, in, out, s));
  CHECK_FAIL(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtSynchronizeStream(s));
  dataset_free(bad);
  dataset_free(in);
  dataset_free(out);
  aclrtFree(din);
  aclrtFree(dout);
  aclrtFree(odd);
  aclmdlDestroyDesc(desc);
  CHECK_OK(aclmdlUnload(id));
}

static void test_execution_error(aclrtStream s) {
  uint32_t id = 0;
  float x[16], y[16];
  void *din = dev_alloc(sizeof x), *dout = dev_alloc(sizeof y);
  aclmdlDataset *in3 = dataset1(din, 48), *in4 = dataset1(din, 64), *out = dataset1(dout, 64);
  const char* msg;
  int i, good = 1;
  SECTION("a model execution error (ACL_ERROR_RT_MODEL_EXECUTE)");
  CHECK_OK(aclmdlLoadFromFile(RESHAPE, &id));
  for (i = 0; i < 16; ++i) x[i] = (float)i;
  upload(din, x, sizeof x);
  CHECK_OK(aclmdlExecuteAsync(id, in3, out, s)); /* 12 values cannot become [4,4]: fails when it runs */
  CHECK(aclrtSynchronizeStream(s) == ACL_ERROR_RT_MODEL_EXECUTE);
  msg = aclGetRecentErrMsg();
  CHECK(msg != NULL && strlen(msg) > 8);
  CHECK_OK(aclrtSynchronizeStream(s)); /* returned once, then cleared */
  CHECK_ERR(aclmdlExecute(id, in3, out), ACL_ERROR_RT_MODEL_EXECUTE);
  CHECK_OK(aclmdlExecuteAsync(id, in4, out, s)); /* the model still works */
  CHECK_OK(aclrtSynchronizeStream(s));
  download(y, dout, sizeof y);
  for (i = 0; i < 16; ++i) good = good && y[i] == x[i];
  CHECK(good);
  dataset_free(in3);
  dataset_free(in4);
  dataset_free(out);
  aclrtFree(din);
  aclrtFree(dout);
  CHECK_OK(aclmdlUnload(id));
}

static void test_ir(aclrtStream s) {
  uint32_t id = 0;
  SECTION("OpenVINO IR (.xml + .bin)");
  CHECK_OK(aclmdlLoadFromFile(IR, &id));
  CHECK(run_add(id, s, 5.0f));
  CHECK_OK(aclmdlUnload(id));
}

/* ---------------------------------------------------------------- threads */

typedef struct {
  int index;
  int failures;
} Worker;

/* One stream and one load per thread (the NPU way), all at once. */
static void* worker_main(void* arg) {
  Worker* w = (Worker*)arg;
  aclrtStream st = NULL;
  uint32_t id = 0;
  float x[ADD_N], y[ADD_N];
  void *din[4], *dout[4];
  aclmdlDataset *in[4], *out[4];
  int i, k, round;
  if (aclrtSetCurrentContext(g_ctx) != ACL_SUCCESS || aclrtCreateStream(&st) != ACL_SUCCESS ||
      aclmdlLoadFromFile(ADD, &id) != ACL_SUCCESS) {
    w->failures++;
    return NULL;
  }
  for (k = 0; k < 4; ++k) {
    if (aclrtMalloc(&din[k], ADD_BYTES, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS ||
        aclrtMalloc(&dout[k], ADD_BYTES, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS) {
      w->failures++;
      return NULL;
    }
    in[k] = dataset1(din[k], ADD_BYTES);
    out[k] = dataset1(dout[k], ADD_BYTES);
  }
  for (round = 0; round < 10; ++round) {
    for (k = 0; k < 4; ++k) {
      fill_add_input(x, (float)(w->index * 100 + round * 4 + k));
      if (aclrtMemcpy(din[k], ADD_BYTES, x, ADD_BYTES, ACL_MEMCPY_HOST_TO_DEVICE) != ACL_SUCCESS)
        w->failures++;
    }
    for (k = 0; k < 4; ++k)
      if (aclmdlExecuteAsync(id, in[k], out[k], st) != ACL_SUCCESS) w->failures++;
    if (aclrtSynchronizeStream(st) != ACL_SUCCESS) w->failures++;
    for (k = 0; k < 4; ++k) {
      if (aclrtMemcpy(y, ADD_BYTES, dout[k], ADD_BYTES, ACL_MEMCPY_DEVICE_TO_HOST) != ACL_SUCCESS)
        w->failures++;
      for (i = 0; i < ADD_N; ++i)
        if (fabsf(y[i] - ((float)(w->index * 100 + round * 4 + k) + (float)i * 0.125f + ADD_CONST)) > 1e-3f) {
          w->failures++;
          break;
        }
    }
  }
  for (k = 0; k < 4; ++k) {
    dataset_free(in[k]);
    dataset_free(out[k]);
    if (aclrtFree(din[k]) != ACL_SUCCESS || aclrtFree(dout[k]) != ACL_SUCCESS) w->failures++;
  }
  if (aclmdlUnload(id) != ACL_SUCCESS || aclrtDestroyStream(st) != ACL_SUCCESS) w->failures++;
  return NULL;
}

static void test_threads(void) {
  pthread_t t[6];
  Worker w[6];
  int i;
  SECTION("six threads, one stream and one load each");
  for (i = 0; i < 6; ++i) {
    w[i].index = i;
    w[i].failures = 0;
    pthread_create(&t[i], NULL, worker_main, &w[i]);
  }
  for (i = 0; i < 6; ++i) {
    pthread_join(t[i], NULL);
    CHECK(w[i].failures == 0);
  }
}

static void* no_context_load(void* arg) {
  uint32_t id = 0;
  *(aclError*)arg = aclmdlLoadFromFile(ADD, &id);
  return NULL;
}

/* ---------------------------------------------------------------- cases */

/* Each case: a fresh runtime with a device, a context and a stream, finalized afterwards. */
static void up(void) {
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateContext(&g_ctx, 0));
  CHECK_OK(aclrtCreateStream(&g_stream));
}

static void down(void) {
  CHECK_OK(aclrtDestroyStream(g_stream));
  CHECK_OK(aclrtDestroyContext(g_ctx));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
}

static void case_lifecycle(void) {
  uint32_t id = 0;
  pthread_t t;
  aclError e = ACL_SUCCESS;
  SECTION("setup");
  CHECK_ERR(aclmdlLoadFromFile(ADD, &id), ACL_ERROR_UNINITIALIZE);
  CHECK_OK(aclInit(NULL));
  CHECK_ERR(aclmdlLoadFromFile(ADD, &id), ACL_ERROR_RT_CONTEXT_NULL);
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateContext(&g_ctx, 0));
  CHECK_OK(aclrtCreateStream(&g_stream));
  pthread_create(&t, NULL, no_context_load, &e);
  pthread_join(t, NULL);
  CHECK(e == ACL_ERROR_RT_CONTEXT_NULL);
  CHECK_OK(aclmdlLoadFromFile(ADD, &id));
  CHECK_OK(aclmdlUnload(id));
  CHECK_ERR(aclmdlUnload(id), ACL_ERROR_INVALID_MODEL_ID);

  SECTION("teardown");
  CHECK_OK(aclmdlLoadFromFile(ADD, &id)); /* left loaded: aclFinalize cleans up */
  down();
  CHECK_ERR(aclmdlLoadFromFile(ADD, &id), ACL_ERROR_UNINITIALIZE);
}

/* A case on the add model, loaded from its file. */
static void with_add(void (*fn)(uint32_t, aclrtStream)) {
  uint32_t id = 0;
  up();
  CHECK_OK(aclmdlLoadFromFile(ADD, &id));
  fn(id, g_stream);
  CHECK_OK(aclmdlUnload(id));
  down();
}

static void desc_on(uint32_t id, aclrtStream s) {
  (void)s;
  test_desc(id);
}
static void one_stream_on(uint32_t id, aclrtStream s) {
  (void)s;
  test_one_stream_per_model(id);
}

static void case_bad_models(void) {
  up();
  test_bad_models();
  down();
}
static void case_load_with_mem(void) {
  up();
  test_load_with_mem();
  down();
}
static void case_desc(void) { with_add(desc_on); }
static void case_datasets(void) {
  up();
  test_datasets();
  down();
}
static void case_execute(void) { with_add(test_execute_add); }
static void case_one_stream(void) { with_add(one_stream_on); }
static void case_fp16(void) {
  up();
  test_fp16(g_stream);
  down();
}
static void case_two_outputs(void) {
  up();
  test_two_outputs(g_stream);
  down();
}
static void case_classifier(void) {
  up();
  test_classifier(g_stream);
  down();
}
static void case_dynamic(void) {
  up();
  test_dynamic(g_stream);
  down();
}
static void case_execution_error(void) {
  up();
  test_execution_error(g_stream);
  down();
}
static void case_ir(void) {
  up();
  test_ir(g_stream);
  down();
}
static void case_threads(void) {
  up();
  test_threads();
  down();
}

static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("lifecycle", case_lifecycle),
    ACL_TEST_CASE("bad_models", case_bad_models),
    ACL_TEST_CASE("load_with_mem", case_load_with_mem),
    ACL_TEST_CASE("desc", case_desc),
    ACL_TEST_CASE("datasets", case_datasets),
    ACL_TEST_CASE("execute", case_execute),
    ACL_TEST_CASE("one_stream", case_one_stream),
    ACL_TEST_CASE("fp16", case_fp16),
    ACL_TEST_CASE("two_outputs", case_two_outputs),
    ACL_TEST_CASE("classifier", case_classifier),
    ACL_TEST_CASE("dynamic", case_dynamic),
    ACL_TEST_CASE("execution_error", case_execution_error),
    ACL_TEST_CASE("ir", case_ir),
    ACL_TEST_CASE("threads", case_threads),
};

static void model_path(char* out, const char* dir, const char* name) {
  snprintf(out, 1024, "%s/%s", dir, name);
}

int main(int argc, char** argv) {
  const char *v, *dir = argc > 2 ? argv[2] : ".";
  if (argc > 1 && strcmp(argv[1], "--list") != 0 && argc < 3) {
    fprintf(stderr, "usage: test_acl_mdl <case>|all|--list <model dir>\n");
    return 2;
  }
  model_path(ADD, dir, "add.onnx");
  model_path(FP16, dir, "fp16.onnx");
  model_path(TWO, dir, "two.onnx");
  model_path(CLS, dir, "classifier.onnx");
  model_path(CLS_IN, dir, "classifier_in.bin");
  model_path(CLS_OUT, dir, "classifier_out.bin");
  model_path(DYN, dir, "dynamic.onnx");
  model_path(OM, dir, "resnet50.om");
  model_path(CORRUPT, dir, "corrupt.onnx");
  model_path(IR, dir, "add_ir.xml");
  model_path(MISSING, dir, "does_not_exist.onnx");
  model_path(RESHAPE, dir, "reshape.onnx");
  v = getenv("ACL_HOST_STRICT");
  g_strict = !(v && strcmp(v, "0") == 0);
  if (argc > 1 && strcmp(argv[1], "--list") != 0) printf("strict=%d\n", g_strict);
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
