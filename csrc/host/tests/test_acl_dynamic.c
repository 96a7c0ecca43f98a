/* Models converted by `acl-async atc` with gears, driven the way Huawei's
 * dynamic-batch samples drive them: find ACL_DYNAMIC_TENSOR_NAME by name, give
 * it a buffer of aclmdlGetInputSizeByIndex bytes, aclmdlSetDynamicBatchSize,
 * execute, aclmdlGetCurOutputDims. C99, acl/acl.h only.
 *
 * usage: test_acl_dynamic <batch.om> <batch_in.bin> <batch_out.bin> <hw.om> <hw_in.bin> <hw_out.bin>
 * <hw_out8.bin> <aipp.om> batch.om: data [-1,3,16,16] f32 -> prob [-1,5], profiles 1,2,4,8; batch_in holds 8
 * pictures and batch_out OpenVINO's 8 output rows (each row depends on its own picture only). hw.om: data
 * [1,3,-1,-1] -> prob [1,5], profiles 8x8 and 16x16; hw_in/hw_out: one 16x16 picture and its output; hw_out8:
 * the output of the buffer's first 3*8*8 floats as an 8x8 picture. aipp.om: the batch network with dynamic
 * batch 1,2 and static AIPP from YUV420SP_U8 20x18 (w x h), crop 16x16 at (2, 2), CSC on with the JPEG
 * matrix, mean_chn_0 104, var_reci_chn_0 0.5. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

#define CLASSES 5
#define PIC_FLOATS (3 * 16 * 16)

static int close_enough(const float* a, const float* b, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (fabsf(a[i] - b[i]) > 1e-4f + 1e-4f * fabsf(b[i])) {
      fprintf(stderr, "  element %zu: %g != %g\n", i, a[i], b[i]);
      return 0;
    }
  return 1;
}

/* Device buffer holding a copy of host bytes. */
static void* to_device(const void* host, size_t size, size_t alloc) {
  void* dev = NULL;
  CHECK_OK(aclrtMalloc(&dev, alloc, ACL_MEM_MALLOC_HUGE_FIRST));
  if (dev && size) CHECK_OK(aclrtMemcpy(dev, alloc, host, size, ACL_MEMCPY_HOST_TO_DEVICE));
  return dev;
}

static void batch_model(const char* om, const char* in_path, const char* out_path) {
  uint32_t id = 0;
  size_t in_size = 0, out_size = 0, index = 99, i, n_in, gear_count = 0;
  float* pics = (float*)acl_read_file_or_exit(in_path, &in_size);
  float* expect = (float*)acl_read_file_or_exit(out_path, &out_size);
  float host_out[8 * CLASSES];
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlDataset *input = aclmdlCreateDataset(), *output = aclmdlCreateDataset();
  aclmdlBatch batch;
  aclmdlIODims dims, gears[8];
  void *pic_dev, *dyn_dev = NULL, *out_dev = NULL;
  size_t dyn_size, data_size, prob_size;
  aclDataBuffer* bufs[3];
  aclrtStream stream = NULL;
  const uint64_t profiles[4] = {1, 2, 4, 8};

  SECTION("batch: describe");
  CHECK_OK(aclmdlLoadFromFile(om, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  n_in = aclmdlGetNumInputs(desc);
  CHECK(n_in == 2);
  CHECK_OK(aclmdlGetInputIndexByName(desc, ACL_DYNAMIC_TENSOR_NAME, &index));
  CHECK(index == n_in - 1); /* the dynamic tensor is the last input */
  CHECK(strcmp(aclmdlGetInputNameByIndex(desc, index), ACL_DYNAMIC_TENSOR_NAME) == 0);
  data_size = aclmdlGetInputSizeByIndex(desc, 0);
  prob_size = aclmdlGetOutputSizeByIndex(desc, 0);
  dyn_size = aclmdlGetInputSizeByIndex(desc, index);
  CHECK(data_size == 8 * PIC_FLOATS * sizeof(float)); /* the largest gear */
  CHECK(prob_size == 8 * CLASSES * sizeof(float));
  CHECK(dyn_size >= sizeof(uint64_t));
  CHECK_OK(aclmdlGetInputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[0] == -1 && dims.dims[1] == 3);
  CHECK_OK(aclmdlGetDynamicBatch(desc, &batch));
  CHECK(batch.batchCount == 4);
  for (i = 0; i < 4 && i < batch.batchCount; ++i) CHECK(batch.batch[i] == profiles[i]);
  /* Dims profiles only (--dynamic_dims): 0 for a dynamic batch model, as CANN documents, and no dims written. */
  gear_count = 99;
  CHECK_OK(aclmdlGetInputDynamicGearCount(desc, (size_t)-1, &gear_count));
  CHECK(gear_count == 0);
  gears[0].dimCount = 77;
  CHECK_OK(aclmdlGetInputDynamicDims(desc, (size_t)-1, gears, gear_count));
  CHECK(gears[0].dimCount == 77);
  /* Before any choice: the largest gear's output dims. */
  CHECK_OK(aclmdlGetCurOutputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 2 && dims.dims[0] == 8 && dims.dims[1] == CLASSES);

  /* The sample's datasets: picture buffer, then the dynamic tensor buffer. */
  pic_dev = to_device(pics, in_size, data_size);
  CHECK_OK(aclrtMalloc(&dyn_dev, dyn_size, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMemset(dyn_dev, dyn_size, 0, dyn_size));
  CHECK_OK(aclrtMalloc(&out_dev, prob_size, ACL_MEM_MALLOC_NORMAL_ONLY));
  bufs[0] = aclCreateDataBuffer(pic_dev, data_size);
  bufs[1] = aclCreateDataBuffer(dyn_dev, dyn_size);
  bufs[2] = aclCreateDataBuffer(out_dev, prob_size);
  CHECK_OK(aclmdlAddDatasetBuffer(input, bufs[0]));
  CHECK_OK(aclmdlAddDatasetBuffer(input, bufs[1]));
  CHECK_OK(aclmdlAddDatasetBuffer(output, bufs[2]));

  SECTION("batch: no gear chosen runs the largest");
  CHECK_OK(aclmdlExecute(id, input, output));
  CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(close_enough(host_out, expect, 8 * CLASSES));

  SECTION("batch: every gear");
  for (i = 0; i < 4; ++i) {
    const uint64_t b = profiles[i];
    memset(host_out, 0, sizeof host_out);
    CHECK_OK(aclrtMemcpy(out_dev, prob_size, host_out, prob_size, ACL_MEMCPY_HOST_TO_DEVICE));
    CHECK_OK(aclmdlSetDynamicBatchSize(id, input, index, b));
    CHECK_OK(aclmdlGetCurOutputDims(desc, 0, &dims)); /* the new gear, before executing */
    CHECK(dims.dimCount == 2 && dims.dims[0] == (int64_t)b && dims.dims[1] == CLASSES);
    CHECK_OK(aclmdlExecute(id, input, output));
    CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(close_enough(host_out, expect, (size_t)b * CLASSES));
    if (b < 8) CHECK(host_out[b * CLASSES] == 0.0f); /* nothing written past the gear */
  }

  SECTION("batch: async on a stream");
  CHECK_OK(aclrtCreateStream(&stream));
  CHECK_OK(aclmdlSetDynamicBatchSize(id, input, index, 4));
  CHECK_OK(aclmdlExecuteAsync(id, input, output, stream));
  CHECK_OK(aclrtSynchronizeStream(stream));
  CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(close_enough(host_out, expect, 4 * CLASSES));
  {
    /* The profile is read when the execution runs, in stream order: a copy queued before it counts. */
    uint64_t* two = NULL;
    CHECK_OK(aclrtMallocHost((void**)&two, sizeof *two));
    *two = 2;
    CHECK_OK(aclrtMemset(dyn_dev, dyn_size, 0xff, dyn_size)); /* not a profile */
    CHECK_OK(aclrtMemcpyAsync(dyn_dev, dyn_size, two, sizeof *two, ACL_MEMCPY_HOST_TO_DEVICE, stream));
    CHECK_OK(aclmdlExecuteAsync(id, input, output, stream));
    CHECK_OK(aclrtSynchronizeStream(stream));
    CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(close_enough(host_out, expect, 2 * CLASSES));
    CHECK_OK(aclrtFreeHost(two));
  }
  CHECK_OK(aclrtDestroyStream(stream));

  SECTION("batch: bad input");
  CHECK_ERR(aclmdlSetDynamicBatchSize(id, input, index, 3), ACL_ERROR_INVALID_PARAM); /* not a gear */
  CHECK_ERR(aclmdlSetDynamicBatchSize(id, input, 0, 2), ACL_ERROR_INVALID_PARAM);     /* wrong index */
  CHECK_ERR(aclmdlSetDynamicBatchSize(id + 1000, input, index, 2), ACL_ERROR_INVALID_MODEL_ID);
  CHECK_ERR(aclmdlSetDynamicHWSize(id, input, index, 16, 16), ACL_ERROR_INVALID_PARAM); /* batch model */
  dims.dimCount = 4;
  dims.dims[0] = 2, dims.dims[1] = 3, dims.dims[2] = 16, dims.dims[3] = 16;
  CHECK_ERR(aclmdlSetInputDynamicDims(id, input, index, &dims), ACL_ERROR_INVALID_PARAM); /* not a dims model */
  {
    /* Buffers sized for the chosen gear (2) are accepted; smaller ones are not. */
    aclmdlDataset *in2 = aclmdlCreateDataset(), *out2 = aclmdlCreateDataset();
    aclDataBuffer* small_pic = aclCreateDataBuffer(pic_dev, 2 * PIC_FLOATS * sizeof(float));
    aclDataBuffer* small_out = aclCreateDataBuffer(out_dev, 2 * CLASSES * sizeof(float));
    aclDataBuffer* tiny_pic = aclCreateDataBuffer(pic_dev, 1 * PIC_FLOATS * sizeof(float));
    aclmdlDataset* in1 = aclmdlCreateDataset();
    CHECK_OK(aclmdlAddDatasetBuffer(in2, small_pic));
    CHECK_OK(aclmdlAddDatasetBuffer(in2, bufs[1]));
    CHECK_OK(aclmdlAddDatasetBuffer(out2, small_out));
    CHECK_OK(aclmdlSetDynamicBatchSize(id, in2, index, 2));
    CHECK_OK(aclmdlExecute(id, in2, out2));
    CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(close_enough(host_out, expect, 2 * CLASSES));
    CHECK_OK(aclmdlAddDatasetBuffer(in1, tiny_pic));
    CHECK_OK(aclmdlAddDatasetBuffer(in1, bufs[1]));
    CHECK_ERR(aclmdlExecute(id, in1, out2), ACL_ERROR_MODEL_INPUT_NOT_MATCH);
    /* Gear 2 with the largest output buffer: accepted too. */
    CHECK_OK(aclmdlExecute(id, in2, output));
    aclmdlDestroyDataset(in1);
    aclmdlDestroyDataset(in2);
    aclmdlDestroyDataset(out2);
    aclDestroyDataBuffer(small_pic);
    aclDestroyDataBuffer(small_out);
    aclDestroyDataBuffer(tiny_pic);
  }
  /* The dynamic tensor naming no gear: execution refuses it. */
  {
    uint64_t bogus = 5;
    CHECK_OK(aclrtMemcpy(dyn_dev, dyn_size, &bogus, sizeof bogus, ACL_MEMCPY_HOST_TO_DEVICE));
    CHECK_ERR(aclmdlExecute(id, input, output), ACL_ERROR_INVALID_PARAM);
  }

  aclmdlDestroyDataset(input);
  aclmdlDestroyDataset(output);
  for (i = 0; i < 3; ++i) aclDestroyDataBuffer(bufs[i]);
  aclrtFree(pic_dev);
  aclrtFree(dyn_dev);
  aclrtFree(out_dev);
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclmdlUnload(id));
  free(pics);
  free(expect);
}

static void hw_model(const char* om, const char* in_path, const char* out_path, const char* out8_path) {
  uint32_t id = 0;
  size_t in_size = 0, out_size = 0, index = 99, data_size, prob_size, dyn_size;
  float* pic = (float*)acl_read_file_or_exit(in_path, &in_size);
  float* expect = (float*)acl_read_file_or_exit(out_path, &out_size);
  float* expect8 = (float*)acl_read_file_or_exit(out8_path, &out_size);
  float host_out[CLASSES];
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlDataset *input = aclmdlCreateDataset(), *output = aclmdlCreateDataset();
  aclmdlHW hw;
  aclmdlBatch batch;
  aclmdlIODims dims;
  void *pic_dev, *dyn_dev = NULL, *out_dev = NULL;
  aclDataBuffer* bufs[3];

  SECTION("hw: describe");
  CHECK_OK(aclmdlLoadFromFile(om, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK_OK(aclmdlGetInputIndexByName(desc, ACL_DYNAMIC_TENSOR_NAME, &index));
  CHECK(index == aclmdlGetNumInputs(desc) - 1);
  CHECK_OK(aclmdlGetDynamicHW(desc, (size_t)-1, &hw));
  CHECK(hw.hwCount == 2 && hw.hw[0][0] == 8 && hw.hw[0][1] == 8 && hw.hw[1][0] == 16 && hw.hw[1][1] == 16);
  CHECK_OK(aclmdlGetDynamicBatch(desc, &batch));
  CHECK(batch.batchCount == 0);
  data_size = aclmdlGetInputSizeByIndex(desc, 0);
  prob_size = aclmdlGetOutputSizeByIndex(desc, 0);
  dyn_size = aclmdlGetInputSizeByIndex(desc, index);
  CHECK(data_size == PIC_FLOATS * sizeof(float)); /* 16x16, the largest */
  CHECK_OK(aclmdlGetInputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[2] == -1 && dims.dims[3] == -1);

  pic_dev = to_device(pic, in_size, data_size);
  CHECK_OK(aclrtMalloc(&dyn_dev, dyn_size, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMalloc(&out_dev, prob_size, ACL_MEM_MALLOC_NORMAL_ONLY));
  bufs[0] = aclCreateDataBuffer(pic_dev, data_size);
  bufs[1] = aclCreateDataBuffer(dyn_dev, dyn_size);
  bufs[2] = aclCreateDataBuffer(out_dev, prob_size);
  CHECK_OK(aclmdlAddDatasetBuffer(input, bufs[0]));
  CHECK_OK(aclmdlAddDatasetBuffer(input, bufs[1]));
  CHECK_OK(aclmdlAddDatasetBuffer(output, bufs[2]));

  SECTION("hw: gears");
  CHECK_OK(aclmdlSetDynamicHWSize(id, input, index, 16, 16));
  CHECK_OK(aclmdlExecute(id, input, output));
  CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(close_enough(host_out, expect, CLASSES));
  CHECK_OK(aclmdlSetDynamicHWSize(id, input, index, 8, 8));
  CHECK_OK(aclmdlGetCurOutputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 2 && dims.dims[1] == CLASSES);
  CHECK_OK(aclmdlExecute(id, input, output)); /* the buffer's first 3*8*8 floats are the picture */
  CHECK_OK(aclrtMemcpy(host_out, sizeof host_out, out_dev, prob_size, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(close_enough(host_out, expect8, CLASSES));
  CHECK_ERR(aclmdlSetDynamicHWSize(id, input, index, 8, 16), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclmdlSetDynamicBatchSize(id, input, index, 1), ACL_ERROR_INVALID_PARAM);
  {
    aclmdlIODims choose;
    memset(&choose, 0, sizeof choose);
    choose.dimCount = 2;
    choose.dims[0] = 16;
    choose.dims[1] = 16;
    /* Dims profiles belong to --dynamic_dims models only (this one has image sizes). */
    CHECK_ERR(aclmdlSetInputDynamicDims(id, input, index, &choose), ACL_ERROR_INVALID_PARAM);
  }

  aclmdlDestroyDataset(input);
  aclmdlDestroyDataset(output);
  aclDestroyDataBuffer(bufs[0]);
  aclDestroyDataBuffer(bufs[1]);
  aclDestroyDataBuffer(bufs[2]);
  aclrtFree(pic_dev);
  aclrtFree(dyn_dev);
  aclrtFree(out_dev);
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclmdlUnload(id));
  free(pic);
  free(expect);
  free(expect8);
}

static void aipp_model(const char* om) {
  uint32_t id = 0;
  size_t index = 99, size, i;
  aclmdlDesc* desc = aclmdlCreateDesc();
  aclmdlInputAippType type = ACL_DYNAMIC_AIPP_NODE;
  size_t attached = 0;
  aclAippInfo info;
  aclmdlIODims dims;
  aclmdlDataset *input = aclmdlCreateDataset(), *output = aclmdlCreateDataset();
  void* bufs[3] = {NULL, NULL, NULL};
  aclDataBuffer* dbs[3];

  SECTION("aipp: describe");
  CHECK_OK(aclmdlLoadFromFile(om, &id));
  CHECK_OK(aclmdlGetDesc(desc, id));
  CHECK_OK(aclmdlGetAippType(id, 0, &type, &attached));
  CHECK(type == ACL_DATA_WITH_STATIC_AIPP && attached == ACL_INVALID_NODE_INDEX);
  CHECK_OK(aclmdlGetInputIndexByName(desc, ACL_DYNAMIC_TENSOR_NAME, &index));
  CHECK_OK(aclmdlGetAippType(id, index, &type, &attached));
  CHECK(type == ACL_DATA_WITHOUT_AIPP);
  CHECK_ERR(aclmdlGetFirstAippInfo(id, index, &info), 145015);
  CHECK_ERR(aclmdlGetAippType(id, 7, &type, &attached), ACL_ERROR_INVALID_PARAM);
  memset(&info, 0, sizeof info);
  CHECK_OK(aclmdlGetFirstAippInfo(id, 0, &info));
  CHECK(info.inputFormat == ACL_YUV420SP_U8 && info.srcImageSizeW == 20 && info.srcImageSizeH == 18);
  CHECK(info.cropSwitch == 1 && info.loadStartPosW == 2 && info.loadStartPosH == 2);
  CHECK(info.cropSizeW == 16 && info.cropSizeH == 16 && info.cscSwitch == 1);
  CHECK(info.matrixR0C2 == 359 && info.matrixR1C1 == -88 && info.inputBias1 == 128 && info.inputBias0 == 0);
  CHECK(info.meanChn0 == 104 && info.varReciChn0 == 0.5f && info.varReciChn1 == 1.0f);
  CHECK(info.shapeCount == 2 && info.srcDatatype == ACL_UINT8 && info.srcFormat == ACL_FORMAT_NHWC);
  CHECK(info.outDims[1].srcSize == 2 * 20 * 18 * 3 / 2);
  CHECK(info.outDims[0].aippOutdims.dims[2] == 16 && info.outDims[0].aippOutdims.dims[3] == 16);
  /* The input is what AIPP takes: uint8 NV12 pictures of the source size, for the largest gear. */
  size = aclmdlGetInputSizeByIndex(desc, 0);
  CHECK(size == 2 * 20 * 18 * 3 / 2);
  CHECK(aclmdlGetInputDataType(desc, 0) == ACL_UINT8 && aclmdlGetInputFormat(desc, 0) == ACL_FORMAT_NHWC);
  /* V2: the buffer's dims (n, h*1.5, w, 1); V1: the picture's (n, h, w, c) (static-AIPP table). */
  CHECK_OK(aclmdlGetInputDimsV2(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[0] == -1 && dims.dims[1] == 27 && dims.dims[2] == 20 &&
        dims.dims[3] == 1);
  CHECK_OK(aclmdlGetInputDims(desc, 0, &dims));
  CHECK(dims.dimCount == 4 && dims.dims[0] == -1 && dims.dims[1] == 18 && dims.dims[2] == 20 &&
        dims.dims[3] == 3);

  SECTION("aipp: execute each gear");
  for (i = 0; i < 2; ++i) {
    size_t n = i == 0 ? aclmdlGetInputSizeByIndex(desc, 0) : aclmdlGetInputSizeByIndex(desc, index);
    CHECK_OK(aclrtMalloc(&bufs[i], n, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_OK(aclrtMemset(bufs[i], n, 0x80, n));
    dbs[i] = aclCreateDataBuffer(bufs[i], n);
    CHECK_OK(aclmdlAddDatasetBuffer(input, dbs[i]));
  }
  size = aclmdlGetOutputSizeByIndex(desc, 0);
  CHECK_OK(aclrtMalloc(&bufs[2], size, ACL_MEM_MALLOC_HUGE_FIRST));
  dbs[2] = aclCreateDataBuffer(bufs[2], size);
  CHECK_OK(aclmdlAddDatasetBuffer(output, dbs[2]));
  CHECK_OK(aclmdlSetDynamicBatchSize(id, input, index, 1));
  CHECK_OK(aclmdlExecute(id, input, output));
  CHECK_OK(aclmdlSetDynamicBatchSize(id, input, index, 2));
  CHECK_OK(aclmdlExecute(id, input, output));
  {
    float out[2 * CLASSES];
    CHECK_OK(aclrtMemcpy(out, sizeof out, bufs[2], size, ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(close_enough(out, out + CLASSES, CLASSES)); /* two identical pictures, identical rows */
  }
  aclmdlDestroyDataset(input);
  aclmdlDestroyDataset(output);
  for (i = 0; i < 3; ++i) {
    aclDestroyDataBuffer(dbs[i]);
    aclrtFree(bufs[i]);
  }
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclmdlUnload(id));
}

int main(int argc, char** argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: see the header of test_acl_dynamic.c\n");
    return 2;
  }
  SECTION("setup");
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  batch_model(argv[1], argv[2], argv[3]);
  hw_model(argv[4], argv[5], argv[6], argv[7]);
  aipp_model(argv[8]);
  SECTION("teardown");
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
