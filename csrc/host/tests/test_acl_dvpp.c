/* DVPP on the CPU (libacl_dvpp.so): memory, descriptions, JPEGD, VPC, JPEGE, stream order,
 * bad input, strict and relaxed mode (variant "relaxed": ACL_HOST_STRICT=0).
 *
 * usage: test_acl_dvpp <case>|all|--list <data dir>
 * The data dir holds the pictures and Pillow references of tests/dvpp_pictures.py (photo.jpg,
 * photo.y: its luma plane as Pillow/libjpeg decode it, photo_224.y: that plane resized to
 * 224 x 224 by Pillow, dvpp_ref.txt: size, components and luma mean of each picture) and
 * add.onnx (tests/models.py). Tolerances: decoded luma equals Pillow's to within 0.5 per pixel
 * on average (both are libjpeg-turbo); resized luma within 4 grey levels mean absolute
 * difference (libyuv's and Pillow's bilinear filters weigh differently at 1/2.9 scale). */
#define ENABLE_DVPP_INTERFACE
#include <math.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl/ops/acl_dvpp.h"
#include "acl_check.h"
#include "gate.h"

#ifndef ACL_ERROR_RT_MEMORY_FREE
#define ACL_ERROR_RT_MEMORY_FREE 207002
#endif

static const char* g_dir = ".";
static int g_strict = 1;
static aclrtStream g_stream = NULL;

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

/* Reads a file of the data folder into malloc'ed memory (NULL when missing). */
static uint8_t* read_file(const char* name, uint32_t* size) {
  char path[1024];
  size_t n = 0;
  uint8_t* buf;
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  buf = (uint8_t*)acl_read_file(path, &n);
  if (!buf) fprintf(stderr, "missing %s (python tests/models.py <dir> writes it)\n", path);
  *size = (uint32_t)n;
  return buf;
}

/* A file copied into DVPP memory. */
static void* dvpp_file(const char* name, uint32_t* size) {
  uint8_t* host = read_file(name, size);
  void* dev = NULL;
  if (!host) return NULL;
  if (acldvppMalloc(&dev, *size) != ACL_SUCCESS) {
    free(host);
    return NULL;
  }
  aclrtMemcpy(dev, *size, host, *size, ACL_MEMCPY_HOST_TO_DEVICE);
  free(host);
  return dev;
}

/* A picture description of `size` bytes at `data` in format `fmt`. */
static acldvppPicDesc* pic_desc(void* data, uint32_t size, acldvppPixelFormat fmt) {
  acldvppPicDesc* pic = acldvppCreatePicDesc();
  acldvppSetPicDescData(pic, data);
  acldvppSetPicDescSize(pic, size);
  acldvppSetPicDescFormat(pic, fmt);
  return pic;
}

static void setup(void) {
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateStream(&g_stream));
}

static void teardown(void) {
  CHECK_OK(aclrtDestroyStream(g_stream));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
}

static acldvppChannelDesc* make_channel(void) {
  acldvppChannelDesc* ch = acldvppCreateChannelDesc();
  CHECK(ch != NULL);
  CHECK_OK(acldvppCreateChannel(ch));
  return ch;
}

static void drop_channel(acldvppChannelDesc* ch) {
  CHECK_OK(acldvppDestroyChannel(ch));
  CHECK_OK(acldvppDestroyChannelDesc(ch));
}

/* An NV12 picture of w x h with strides (ws, hs) in DVPP memory, filled with a pattern:
 * Y = (3x + 5y) & 255, U = 100 + x/2 % 50, V = 150 - y/2 % 50. */
static acldvppPicDesc* make_nv12(uint32_t w, uint32_t h, uint32_t ws, uint32_t hs, int fill) {
  acldvppPicDesc* p = acldvppCreatePicDesc();
  uint32_t size = ws * hs * 3 / 2, x, y;
  uint8_t* host = (uint8_t*)calloc(size, 1);
  void* dev = NULL;
  CHECK_OK(acldvppMalloc(&dev, size));
  if (fill && host) {
    for (y = 0; y < h; ++y)
      for (x = 0; x < w; ++x) host[y * ws + x] = (uint8_t)((3 * x + 5 * y) & 255);
    for (y = 0; y < h / 2; ++y)
      for (x = 0; x < w / 2; ++x) {
        host[ws * hs + y * ws + 2 * x] = (uint8_t)(100 + x % 50);
        host[ws * hs + y * ws + 2 * x + 1] = (uint8_t)(150 - y % 50);
      }
  }
  CHECK_OK(aclrtMemcpy(dev, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE));
  free(host);
  acldvppSetPicDescData(p, dev);
  acldvppSetPicDescSize(p, size);
  acldvppSetPicDescFormat(p, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  acldvppSetPicDescWidth(p, w);
  acldvppSetPicDescHeight(p, h);
  acldvppSetPicDescWidthStride(p, ws);
  acldvppSetPicDescHeightStride(p, hs);
  return p;
}

static void free_pic(acldvppPicDesc* p) {
  CHECK_OK(acldvppFree(acldvppGetPicDescData(p)));
  CHECK_OK(acldvppDestroyPicDesc(p));
}

/* A copy of a picture's bytes on the host. */
static uint8_t* to_host(const acldvppPicDesc* p) {
  uint32_t size = acldvppGetPicDescSize(p);
  uint8_t* host = (uint8_t*)malloc(size);
  CHECK_OK(aclrtMemcpy(host, size, acldvppGetPicDescData(p), size, ACL_MEMCPY_DEVICE_TO_HOST));
  return host;
}

/* Mean absolute difference of a w x h plane (stride ws) against a packed reference. */
static double mad(const uint8_t* plane, uint32_t ws, const uint8_t* ref, uint32_t w, uint32_t h) {
  double sum = 0;
  uint32_t x, y;
  for (y = 0; y < h; ++y)
    for (x = 0; x < w; ++x) sum += fabs((double)plane[y * ws + x] - (double)ref[y * w + x]);
  return sum / ((double)w * h);
}

static double plane_mean(const uint8_t* plane, uint32_t ws, uint32_t w, uint32_t h) {
  double sum = 0;
  uint32_t x, y;
  for (y = 0; y < h; ++y)
    for (x = 0; x < w; ++x) sum += plane[y * ws + x];
  return sum / ((double)w * h);
}

/* Decodes the JPEG (or PNG: png) `name` in DVPP memory to a fresh picture in `fmt`; NULL when a file is
 * missing. */
static acldvppPicDesc* decode_file(acldvppChannelDesc* ch, const char* name, acldvppPixelFormat fmt, int png,
                                   aclError* sync_ret) {
  uint32_t size = 0, out_size = 0;
  uint8_t* host = read_file(name, &size);
  void *in, *out = NULL;
  acldvppPicDesc* pic;
  if (!host) return NULL;
  CHECK_OK(png ? acldvppPngPredictDecSize(host, size, fmt, &out_size)
               : acldvppJpegPredictDecSize(host, size, fmt, &out_size));
  free(host);
  in = dvpp_file(name, &size);
  if (!in) return NULL;
  CHECK_OK(acldvppMalloc(&out, out_size));
  pic = pic_desc(out, out_size, fmt);
  CHECK_OK(png ? acldvppPngDecodeAsync(ch, in, size, pic, g_stream)
               : acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
  *sync_ret = aclrtSynchronizeStream(g_stream);
  CHECK_OK(acldvppFree(in));
  return pic;
}

/* Decodes the JPEG `name` to `fmt`. */
static acldvppPicDesc* decode(acldvppChannelDesc* ch, const char* name, acldvppPixelFormat fmt, aclError* sync_ret) {
  return decode_file(ch, name, fmt, 0, sync_ret);
}

/* ---- cases ---------------------------------------------------------------------------- */

static void case_memory(void) {
  void *p = NULL, *q = NULL;
  size_t free0, free1, total;
  uint8_t host[64], back[64];
  int i;
  SECTION("memory");
  setup();
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free0, &total));
  CHECK_OK(acldvppMalloc(&p, 1 << 20));
  CHECK(p != NULL && ((uintptr_t)p % 64) == 0);
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free1, &total));
  CHECK(free0 - free1 >= (1u << 20)); /* lowers the device's free memory */
  for (i = 0; i < 64; ++i) host[i] = (uint8_t)i;
  CHECK_OK(aclrtMemcpy(p, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE)); /* device memory for aclrtMemcpy */
  CHECK_OK(aclrtMemcpy(back, 64, p, 64, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(memcmp(host, back, 64) == 0);
  CHECK_ERR(acldvppMalloc(NULL, 16), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(acldvppMalloc(&q, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(acldvppFree(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtMalloc(&q, 256, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_STRICT(g_strict, acldvppFree(q), ACL_ERROR_INVALID_PARAM); /* not from acldvppMalloc */
  if (g_strict) CHECK_OK(aclrtFree(q));
  CHECK_OK(acldvppFree(p));
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free1, &total));
  CHECK(free1 == free0);
  teardown();
}

static void case_descriptions(void) {
  acldvppPicDesc* p;
  acldvppRoiConfig* roi;
  acldvppResizeConfig* rc;
  acldvppJpegeConfig* jc;
  acldvppBorderConfig* bc;
  acldvppBatchPicDesc* batch;
  acldvppStreamDesc* sd;
  acldvppChannelDesc* ch;
  uint32_t csc = 0;
  size_t ret_size = 0;
  int dummy;
  SECTION("descriptions");
  p = acldvppCreatePicDesc();
  CHECK(p != NULL);
  CHECK_OK(acldvppSetPicDescData(p, &dummy));
  CHECK_OK(acldvppSetPicDescSize(p, 1234));
  CHECK_OK(acldvppSetPicDescFormat(p, PIXEL_FORMAT_YVU_SEMIPLANAR_420));
  CHECK_OK(acldvppSetPicDescWidth(p, 33));
  CHECK_OK(acldvppSetPicDescHeight(p, 44));
  CHECK_OK(acldvppSetPicDescWidthStride(p, 48));
  CHECK_OK(acldvppSetPicDescHeightStride(p, 46));
  CHECK_OK(acldvppSetPicDescRetCode(p, 7));
  CHECK(acldvppGetPicDescData(p) == &dummy && acldvppGetPicDescSize(p) == 1234);
  CHECK(acldvppGetPicDescFormat(p) == PIXEL_FORMAT_YVU_SEMIPLANAR_420);
  CHECK(acldvppGetPicDescWidth(p) == 33 && acldvppGetPicDescHeight(p) == 44);
  CHECK(acldvppGetPicDescWidthStride(p) == 48 && acldvppGetPicDescHeightStride(p) == 46);
  CHECK(acldvppGetPicDescRetCode(p) == 7);
  CHECK_ERR(acldvppSetPicDescWidth(NULL, 1), ACL_ERROR_INVALID_PARAM);
  CHECK(acldvppGetPicDescWidth(NULL) == 0);
  CHECK_MSG();
  CHECK_OK(acldvppDestroyPicDesc(p));

  roi = acldvppCreateRoiConfig(2, 101, 4, 51);
  CHECK(roi != NULL);
  CHECK_OK(acldvppSetRoiConfigLeft(roi, 10));
  CHECK_OK(acldvppSetRoiConfig(roi, 0, 31, 0, 15));
  CHECK_OK(acldvppDestroyRoiConfig(roi));

  rc = acldvppCreateResizeConfig();
  CHECK(acldvppGetResizeConfigInterpolation(rc) == 0);
  CHECK_OK(acldvppSetResizeConfigInterpolation(rc, 2));
  CHECK(acldvppGetResizeConfigInterpolation(rc) == 2);
  CHECK_ERR(acldvppSetResizeConfigInterpolation(rc, 9), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyResizeConfig(rc));

  jc = acldvppCreateJpegeConfig();
  CHECK_OK(acldvppSetJpegeConfigLevel(jc, 80));
  CHECK(acldvppGetJpegeConfigLevel(jc) == 80);
  CHECK_ERR(acldvppSetJpegeConfigLevel(jc, 101), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyJpegeConfig(jc));

  bc = acldvppCreateBorderConfig();
  CHECK_OK(acldvppSetBorderConfigValue(bc, 2, 17.5));
  CHECK(acldvppGetBorderConfigValue(bc, 2) == 17.5);
  CHECK_ERR(acldvppSetBorderConfigValue(bc, 4, 1.0), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetBorderConfigBorderType(bc, BORDER_REFLECT));
  CHECK(acldvppGetBorderConfigBorderType(bc) == BORDER_REFLECT);
  CHECK_OK(acldvppSetBorderConfigTop(bc, 3));
  CHECK_OK(acldvppSetBorderConfigRight(bc, 4));
  CHECK(acldvppGetBorderConfigTop(bc) == 3 && acldvppGetBorderConfigRight(bc) == 4);
  CHECK_OK(acldvppDestroyBorderConfig(bc));

  batch = acldvppCreateBatchPicDesc(3);
  CHECK(batch != NULL);
  CHECK(acldvppGetPicDesc(batch, 2) != NULL && acldvppGetPicDesc(batch, 0) != acldvppGetPicDesc(batch, 1));
  CHECK(acldvppGetPicDesc(batch, 3) == NULL);
  CHECK_MSG();
  CHECK(acldvppCreateBatchPicDesc(0) == NULL);
  CHECK_MSG();
  CHECK_OK(acldvppDestroyBatchPicDesc(batch));

  sd = acldvppCreateStreamDesc();
  CHECK_OK(acldvppSetStreamDescSize(sd, 99));
  CHECK_OK(acldvppSetStreamDescEos(sd, 1));
  CHECK_OK(acldvppSetStreamDescTimestamp(sd, 1234567890123ull));
  CHECK(acldvppGetStreamDescSize(sd) == 99 && acldvppGetStreamDescEos(sd) == 1);
  CHECK(acldvppGetStreamDescTimestamp(sd) == 1234567890123ull);
  CHECK_OK(acldvppDestroyStreamDesc(sd));

  ch = acldvppCreateChannelDesc();
  csc = ACL_DVPP_CSC_MATRIX_BT709_NARROW;
  CHECK_OK(acldvppSetChannelDescParam(ch, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, &csc));
  csc = 0;
  CHECK_OK(acldvppGetChannelDescParam(ch, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, &ret_size, &csc));
  CHECK(csc == ACL_DVPP_CSC_MATRIX_BT709_NARROW && ret_size == sizeof csc);
  CHECK_ERR(acldvppSetChannelDescMode(ch, 16), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetChannelDescMode(ch, DVPP_CHNMODE_VPC));
  CHECK_OK(acldvppCreateChannel(ch));
  CHECK_ERR(acldvppCreateChannel(ch), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyChannel(ch));
  CHECK_OK(acldvppDestroyChannelDesc(ch));
}

static void case_unsupported(void) {
  SECTION("unsupported");
  CHECK(acldvppCreateHist() == NULL);
  CHECK_MSG();
  CHECK_ERR(acldvppVpcPyrDownAsync(NULL, NULL, NULL, NULL, NULL), ACL_ERROR_FEATURE_UNSUPPORTED);
  CHECK_ERR(acldvppVpcCalcHistAsync(NULL, NULL, NULL, NULL, NULL), ACL_ERROR_FEATURE_UNSUPPORTED);
}

static void case_jpeg_info(void) {
  char line[256], name[128];
  uint32_t w, h, size, gw, gh, dec;
  int comps;
  int32_t gc;
  double mean;
  acldvppJpegFormat fmt;
  FILE* f;
  char path[1024];
  SECTION("jpeg_info");
  snprintf(path, sizeof path, "%s/dvpp_ref.txt", g_dir);
  f = fopen(path, "r");
  CHECK(f != NULL);
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    uint8_t* data;
    if (sscanf(line, "%127s %u %u %d %lf", name, &w, &h, &comps, &mean) != 5) continue;
    data = read_file(name, &size);
    CHECK(data != NULL);
    if (!data) continue;
    CHECK_OK(acldvppJpegGetImageInfo(data, size, &gw, &gh, &gc));
    CHECK(gw == w && gh == h && gc == comps);
    CHECK_OK(acldvppJpegGetImageInfoV2(data, size, &gw, &gh, &gc, &fmt));
    if (strcmp(name, "photo.jpg") == 0) CHECK(fmt == ACL_JPEG_CSS_420);
    if (strcmp(name, "odd.jpg") == 0) CHECK(fmt == ACL_JPEG_CSS_444);
    if (strcmp(name, "gray.jpg") == 0) CHECK(fmt == ACL_JPEG_CSS_GRAY);
    CHECK_OK(acldvppJpegPredictDecSize(data, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dec));
    if (strcmp(name, "exif6.jpg") == 0) { /* rotated: the strides follow the displayed size */
      uint32_t t = w;
      w = h;
      h = t;
    }
    CHECK(dec == align_up(w, 128) * align_up(h, 16) * 3 / 2);
    free(data);
  }
  fclose(f);
}

static void case_jpegd(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc* pic;
  aclError sync = -1;
  uint8_t *out, *ref;
  uint32_t ref_size;
  char line[256], name[128];
  uint32_t w, h;
  int comps;
  double mean;
  FILE* f;
  char path[1024];
  SECTION("jpegd");
  setup();
  ch = make_channel();
  /* photo.jpg: every luma pixel as Pillow (libjpeg) decodes it. */
  pic = decode(ch, "photo.jpg", PIXEL_FORMAT_YUV_SEMIPLANAR_420, &sync);
  CHECK(pic != NULL && sync == ACL_SUCCESS);
  if (pic) {
    CHECK(acldvppGetPicDescWidth(pic) == 640 && acldvppGetPicDescHeight(pic) == 480);
    CHECK(acldvppGetPicDescWidthStride(pic) == 640 && acldvppGetPicDescHeightStride(pic) == 480);
    CHECK(acldvppGetPicDescRetCode(pic) == 0);
    out = to_host(pic);
    ref = read_file("photo.y", &ref_size);
    CHECK(ref != NULL && ref_size == 640 * 480);
    if (ref) CHECK(mad(out, 640, ref, 640, 480) < 0.5);
    free(ref);
    free(out);
    free_pic(pic);
  }
  /* Every picture: sizes, strides (128/16) and luma mean against Pillow's. */
  snprintf(path, sizeof path, "%s/dvpp_ref.txt", g_dir);
  f = fopen(path, "r");
  while (f && fgets(line, sizeof line, f)) {
    uint32_t ow, oh;
    if (sscanf(line, "%127s %u %u %d %lf", name, &w, &h, &comps, &mean) != 5) continue;
    pic = decode(ch, name, PIXEL_FORMAT_YVU_SEMIPLANAR_420, &sync);
    CHECK(pic != NULL && sync == ACL_SUCCESS);
    if (!pic) continue;
    ow = strcmp(name, "exif6.jpg") == 0 ? h : w;
    oh = strcmp(name, "exif6.jpg") == 0 ? w : h;
    /* An odd size is reported rounded down to even (CANN's default ACL_YUVOUT_ALIGN_DOWN_COMPAT). */
    CHECK(acldvppGetPicDescWidth(pic) == (ow & ~1u) && acldvppGetPicDescHeight(pic) == (oh & ~1u));
    CHECK(acldvppGetPicDescWidthStride(pic) == align_up(ow, 128));
    CHECK(acldvppGetPicDescHeightStride(pic) == align_up(oh, 16));
    out = to_host(pic);
    CHECK(fabs(plane_mean(out, align_up(ow, 128), ow, oh) - mean) < 0.5);
    if (strcmp(name, "exif6.jpg") == 0) { /* turned as the EXIF orientation says, pixel for pixel */
      uint32_t ref_size = 0;
      uint8_t* ref = read_file("exif6.y", &ref_size);
      CHECK(ref != NULL && ref_size == ow * oh);
      if (ref) CHECK(mad(out, align_up(ow, 128), ref, ow, oh) < 0.5);
      free(ref);
    }
    if (comps == 1) { /* grey: neutral chroma */
      uint8_t* uv = out + align_up(ow, 128) * align_up(oh, 16);
      CHECK(uv[0] == 128 && uv[1] == 128);
    }
    free(out);
    free_pic(pic);
  }
  if (f) fclose(f);
  drop_channel(ch);
  teardown();
}

/* NV21 output is NV12 with U and V swapped. */
static void case_jpegd_nv21(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *a, *b;
  aclError s1 = -1, s2 = -1;
  uint8_t *ha, *hb;
  uint32_t i, n, ok = 1;
  SECTION("jpegd_nv21");
  setup();
  ch = make_channel();
  a = decode(ch, "odd.jpg", PIXEL_FORMAT_YUV_SEMIPLANAR_420, &s1);
  b = decode(ch, "odd.jpg", PIXEL_FORMAT_YVU_SEMIPLANAR_420, &s2);
  CHECK(a && b && s1 == ACL_SUCCESS && s2 == ACL_SUCCESS);
  if (a && b) {
    ha = to_host(a);
    hb = to_host(b);
    n = acldvppGetPicDescWidthStride(a) * acldvppGetPicDescHeightStride(a);
    for (i = 0; i < 151; ++i) /* the luma rows (the stride padding is not written) */
      if (memcmp(ha + i * 256, hb + i * 256, 203) != 0) ok = 0;
    for (i = 0; i < 102; i += 2) /* first chroma row: (203 + 1) / 2 pairs */
      if (ha[n + i] != hb[n + i + 1] || ha[n + i + 1] != hb[n + i]) ok = 0;
    CHECK(ok);
    free(ha);
    free(hb);
    free_pic(a);
    free_pic(b);
  }
  drop_channel(ch);
  teardown();
}

static void case_jpegd_refusals(void) {
  acldvppChannelDesc* ch;
  uint32_t size, dec, w, h;
  int32_t c;
  uint8_t* host;
  void *in, *out = NULL;
  acldvppPicDesc* pic;
  const char* bad[] = {"progressive.jpg", "arith.jpg", "truncated.jpg", "huge.jpg"};
  size_t i;
  SECTION("jpegd_refusals");
  setup();
  ch = make_channel();
  host = read_file("garbage.jpg", &size);
  CHECK_ERR(acldvppJpegGetImageInfo(host, size, &w, &h, &c), ACL_ERROR_INVALID_PARAM);
  free(host);
  host = read_file("progressive.jpg", &size);
  CHECK_ERR(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dec), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_RGB_888, &dec), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(acldvppJpegGetImageInfo(NULL, size, &w, &h, &c), ACL_ERROR_INVALID_PARAM);
  free(host);
  host = read_file("arith.jpg", &size);
  CHECK_ERR(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dec), ACL_ERROR_INVALID_PARAM);
  free(host);
  host = read_file("huge.jpg", &size); /* the header lies: 60000 x 60000 */
  CHECK_OK(acldvppJpegGetImageInfo(host, size, &w, &h, &c));
  CHECK(w == 60000 && h == 60000);
  CHECK_ERR(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dec), ACL_ERROR_INVALID_PARAM);
  free(host);

  /* Decoding them fails the task: synchronize reports it, the description's return code is set. */
  CHECK_OK(acldvppMalloc(&out, 1 << 20));
  for (i = 0; i < ACL_COUNT(bad); ++i) {
    in = dvpp_file(bad[i], &size);
    pic = pic_desc(out, 1 << 20, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    CHECK_OK(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
    CHECK_ERR(aclrtSynchronizeStream(g_stream), ACL_ERROR_FAILURE);
    CHECK(acldvppGetPicDescRetCode(pic) != 0);
    CHECK_OK(acldvppFree(in));
    CHECK_OK(acldvppDestroyPicDesc(pic));
  }
  /* An output buffer smaller than the predicted size. */
  in = dvpp_file("photo.jpg", &size);
  pic = pic_desc(out, 1000, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  CHECK_OK(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
  CHECK_ERR(aclrtSynchronizeStream(g_stream), ACL_ERROR_FAILURE);
  /* Refused when called: no data, an unhandled format, host memory (strict), a channel not created. */
  CHECK_ERR(acldvppJpegDecodeAsync(ch, NULL, size, pic, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescSize(pic, 1 << 20);
  acldvppSetPicDescFormat(pic, PIXEL_FORMAT_RGB_888);
  CHECK_ERR(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescFormat(pic, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  host = read_file("photo.jpg", &size);
  CHECK_STRICT(g_strict, acldvppJpegDecodeAsync(ch, host, size, pic, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  free(host);
  CHECK_OK(acldvppDestroyChannel(ch));
  CHECK_ERR(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyChannelDesc(ch));
  CHECK_OK(acldvppFree(in));
  CHECK_OK(acldvppFree(out));
  CHECK_OK(acldvppDestroyPicDesc(pic));
  teardown();
}

/* Decode photo.jpg, resize to 224 x 224 on the same stream: luma against Pillow's resize. */
static void case_vpc_resize(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *pic, *dst;
  acldvppResizeConfig* rc;
  aclError sync = -1;
  uint8_t *out, *ref;
  uint32_t ref_size;
  SECTION("vpc_resize");
  setup();
  ch = make_channel();
  pic = decode(ch, "photo.jpg", PIXEL_FORMAT_YUV_SEMIPLANAR_420, &sync);
  CHECK(pic != NULL && sync == ACL_SUCCESS);
  if (!pic) return;
  dst = make_nv12(224, 224, 224, 224, 0);
  rc = acldvppCreateResizeConfig();
  CHECK_OK(acldvppVpcResizeAsync(ch, pic, dst, rc, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  out = to_host(dst);
  ref = read_file("photo_224.y", &ref_size);
  CHECK(ref != NULL && ref_size == 224 * 224);
  if (ref) {
    double d = mad(out, 224, ref, 224, 224);
    printf("resize luma mean absolute difference vs Pillow: %.3f\n", d);
    CHECK(d < 4.0);
  }
  free(ref);
  free(out);
  /* Nearest neighbour is another picture. */
  CHECK_OK(acldvppSetResizeConfigInterpolation(rc, 2));
  CHECK_OK(acldvppVpcResizeAsync(ch, pic, dst, rc, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  CHECK_ERR(acldvppVpcResizeAsync(ch, pic, dst, NULL, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyResizeConfig(rc));
  free_pic(dst);
  free_pic(pic);
  drop_channel(ch);
  teardown();
}

/* Crop without scaling copies the box; crop-and-paste leaves the rest of the output alone. */
static void case_vpc_crop_paste(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *src, *dst;
  acldvppRoiConfig *crop, *paste;
  uint8_t *in, *out;
  uint32_t x, y, bad = 0;
  SECTION("vpc_crop_paste");
  setup();
  ch = make_channel();
  src = make_nv12(128, 64, 128, 64, 1);
  dst = make_nv12(64, 32, 64, 32, 0);
  crop = acldvppCreateRoiConfig(16, 79, 8, 39); /* 64 x 32 at (16, 8) */
  CHECK_OK(acldvppVpcCropAsync(ch, src, dst, crop, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  in = to_host(src);
  out = to_host(dst);
  for (y = 0; y < 32; ++y)
    for (x = 0; x < 64; ++x)
      if (out[y * 64 + x] != in[(y + 8) * 128 + x + 16]) ++bad;
  for (y = 0; y < 16; ++y)
    for (x = 0; x < 64; ++x)
      if (out[64 * 32 + y * 64 + x] != in[128 * 64 + (y + 4) * 128 + x + 16]) ++bad;
  CHECK(bad == 0);
  free(out);
  /* The same crop into NV21: the chroma bytes swap. */
  acldvppSetPicDescFormat(dst, PIXEL_FORMAT_YVU_SEMIPLANAR_420);
  CHECK_OK(acldvppVpcCropAsync(ch, src, dst, crop, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  out = to_host(dst);
  bad = 0;
  for (y = 0; y < 16; ++y)
    for (x = 0; x < 64; x += 2)
      if (out[64 * 32 + y * 64 + x] != in[128 * 64 + (y + 4) * 128 + x + 16 + 1] ||
          out[64 * 32 + y * 64 + x + 1] != in[128 * 64 + (y + 4) * 128 + x + 16])
        ++bad;
  CHECK(bad == 0);
  free(out);
  /* Paste the 32 x 16 box (0,0) into a zeroed 64 x 32 output at (16, 8). */
  free_pic(dst);
  dst = make_nv12(64, 32, 64, 32, 0);
  CHECK_OK(acldvppSetRoiConfig(crop, 0, 31, 0, 15));
  paste = acldvppCreateRoiConfig(16, 47, 8, 23);
  CHECK_OK(acldvppVpcCropAndPasteAsync(ch, src, dst, crop, paste, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  out = to_host(dst);
  bad = 0;
  for (y = 0; y < 32; ++y)
    for (x = 0; x < 64; ++x) {
      int inside = x >= 16 && x < 48 && y >= 8 && y < 24;
      uint8_t want = inside ? in[(y - 8) * 128 + (x - 16)] : 0;
      if (out[y * 64 + x] != want) ++bad;
    }
  CHECK(bad == 0);
  free(out);
  free(in);
  /* Boxes outside the picture, odd/even rules, paste alignment. */
  CHECK_OK(acldvppSetRoiConfig(crop, 0, 128, 0, 15));
  CHECK_ERR(acldvppVpcCropAsync(ch, src, dst, crop, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetRoiConfig(crop, 1, 32, 0, 15));
  CHECK_STRICT(g_strict, acldvppVpcCropAsync(ch, src, dst, crop, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetRoiConfig(crop, 0, 31, 0, 15));
  CHECK_OK(acldvppSetRoiConfig(paste, 2, 33, 0, 15));
  CHECK_STRICT(g_strict, acldvppVpcCropAndPasteAsync(ch, src, dst, crop, paste, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  CHECK_OK(acldvppDestroyRoiConfig(crop));
  CHECK_OK(acldvppDestroyRoiConfig(paste));
  free_pic(src);
  free_pic(dst);
  drop_channel(ch);
  teardown();
}

static void case_vpc_batch_crop(void) {
  acldvppChannelDesc* ch;
  acldvppBatchPicDesc *srcs, *dsts;
  acldvppPicDesc* a;
  acldvppRoiConfig* rois[3];
  uint32_t nums[2] = {1, 2}, i;
  uint8_t *in, *out;
  SECTION("vpc_batch_crop");
  setup();
  ch = make_channel();
  a = make_nv12(128, 64, 128, 64, 1);
  srcs = acldvppCreateBatchPicDesc(2);
  dsts = acldvppCreateBatchPicDesc(3);
  for (i = 0; i < 2; ++i) {
    acldvppPicDesc* s = acldvppGetPicDesc(srcs, i);
    acldvppSetPicDescData(s, acldvppGetPicDescData(a));
    acldvppSetPicDescSize(s, acldvppGetPicDescSize(a));
    acldvppSetPicDescFormat(s, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    acldvppSetPicDescWidth(s, 128);
    acldvppSetPicDescHeight(s, 64);
    acldvppSetPicDescWidthStride(s, 128);
    acldvppSetPicDescHeightStride(s, 64);
  }
  for (i = 0; i < 3; ++i) {
    acldvppPicDesc* d = acldvppGetPicDesc(dsts, i);
    void* mem = NULL;
    CHECK_OK(acldvppMalloc(&mem, 32 * 16 * 3 / 2));
    acldvppSetPicDescData(d, mem);
    acldvppSetPicDescSize(d, 32 * 16 * 3 / 2);
    acldvppSetPicDescFormat(d, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    acldvppSetPicDescWidth(d, 32);
    acldvppSetPicDescHeight(d, 16);
    acldvppSetPicDescWidthStride(d, 32);
    acldvppSetPicDescHeightStride(d, 16);
    rois[i] = acldvppCreateRoiConfig(32 * i, 32 * i + 31, 16, 31);
  }
  CHECK_OK(acldvppVpcBatchCropAsync(ch, srcs, nums, 2, dsts, rois, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  in = to_host(a);
  for (i = 0; i < 3; ++i) {
    out = to_host(acldvppGetPicDesc(dsts, i));
    CHECK(out[0] == in[16 * 128 + 32 * i] && out[15 * 32 + 31] == in[31 * 128 + 32 * i + 31]);
    free(out);
  }
  free(in);
  nums[1] = 3; /* more crops than output pictures */
  CHECK_ERR(acldvppVpcBatchCropAsync(ch, srcs, nums, 2, dsts, rois, g_stream), ACL_ERROR_INVALID_PARAM);
  for (i = 0; i < 3; ++i) {
    CHECK_OK(acldvppFree(acldvppGetPicDescData(acldvppGetPicDesc(dsts, i))));
    CHECK_OK(acldvppDestroyRoiConfig(rois[i]));
  }
  CHECK_OK(acldvppDestroyBatchPicDesc(srcs));
  CHECK_OK(acldvppDestroyBatchPicDesc(dsts));
  free_pic(a);
  drop_channel(ch);
  teardown();
}

/* Borders: constant fill around the copied input; replicate repeats the edge. */
static void case_vpc_make_border(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *src, *dst;
  acldvppBorderConfig* bc;
  uint8_t *in, *out;
  uint32_t x, y, bad = 0;
  SECTION("vpc_make_border");
  setup();
  ch = make_channel();
  src = make_nv12(32, 16, 32, 16, 1);
  dst = make_nv12(64, 20, 64, 20, 0);
  bc = acldvppCreateBorderConfig();
  acldvppSetBorderConfigLeft(bc, 16);
  acldvppSetBorderConfigRight(bc, 16);
  acldvppSetBorderConfigTop(bc, 2);
  acldvppSetBorderConfigBottom(bc, 2);
  acldvppSetBorderConfigValue(bc, 0, 10.0);
  CHECK_OK(acldvppVpcMakeBorderAsync(ch, src, dst, bc, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  in = to_host(src);
  out = to_host(dst);
  for (y = 0; y < 20; ++y)
    for (x = 0; x < 64; ++x) {
      int inside = x >= 16 && x < 48 && y >= 2 && y < 18;
      uint8_t want = inside ? in[(y - 2) * 32 + (x - 16)] : 10;
      if (out[y * 64 + x] != want) ++bad;
    }
  CHECK(bad == 0);
  free(out);
  CHECK_OK(acldvppSetBorderConfigBorderType(bc, BORDER_REPLICATE));
  CHECK_OK(acldvppVpcMakeBorderAsync(ch, src, dst, bc, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  out = to_host(dst);
  CHECK(out[0] == in[0] && out[19 * 64 + 63] == in[15 * 32 + 31] && out[5 * 64 + 3] == in[3 * 32]);
  free(out);
  free(in);
  acldvppSetBorderConfigLeft(bc, 15); /* odd border of YUV420SP; sizes no longer add up either */
  CHECK_ERR(acldvppVpcMakeBorderAsync(ch, src, dst, bc, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyBorderConfig(bc));
  free_pic(src);
  free_pic(dst);
  drop_channel(ch);
  teardown();
}

/* Pictures VPC refuses: strides below the width, small buffers, alignment (strict), memory. */
static void case_vpc_errors(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *src, *dst;
  acldvppResizeConfig* rc;
  void* host_mem;
  SECTION("vpc_errors");
  setup();
  ch = make_channel();
  rc = acldvppCreateResizeConfig();
  src = make_nv12(128, 64, 128, 64, 1);
  dst = make_nv12(64, 32, 64, 32, 0);
  acldvppSetPicDescWidthStride(src, 100); /* stride < width */
  CHECK_ERR(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescWidthStride(src, 128);
  acldvppSetPicDescSize(src, 1000); /* buffer smaller than the layout */
  CHECK_ERR(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescSize(src, 128 * 64 * 3 / 2);
  acldvppSetPicDescWidth(dst, 62); /* 62 <= stride 64, but 64 % 16 == 0: fine; width even */
  CHECK_OK(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream));
  acldvppSetPicDescWidth(dst, 61); /* odd width of YUV420SP */
  CHECK_STRICT(g_strict, acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescWidth(dst, 64);
  /* An odd input is taken rounded down to even ("15 x 15 is processed as 14 x 14", acldvppVpcResizeAsync),
     as the sample vpc_jpeg_resnet50 resizes JPEGD's output of a 1024 x 1061 JPEG. */
  acldvppSetPicDescHeight(src, 63);
  acldvppSetPicDescWidth(src, 127);
  CHECK_OK(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream));
  acldvppSetPicDescHeight(src, 64);
  acldvppSetPicDescWidth(src, 128);
  acldvppSetPicDescWidthStride(dst, 72); /* not a multiple of 16, buffer too small anyway */
  CHECK_ERR(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescWidthStride(dst, 64);
  acldvppSetPicDescFormat(dst, PIXEL_FORMAT_RGB_888); /* 310 VPC output is YUV420SP */
  acldvppSetPicDescWidthStride(dst, 192);
  acldvppSetPicDescSize(dst, 192 * 32);
  /* a size that lies about the buffer (3072 bytes allocated): refused in both modes */
  CHECK_ERR(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescWidth(dst, 32);
  acldvppSetPicDescHeight(dst, 16);
  acldvppSetPicDescWidthStride(dst, 96);
  acldvppSetPicDescHeightStride(dst, 16);
  acldvppSetPicDescSize(dst, 96 * 16);
  CHECK_STRICT(g_strict, acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  acldvppSetPicDescWidth(dst, 64);
  acldvppSetPicDescHeight(dst, 32);
  acldvppSetPicDescHeightStride(dst, 32);
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  acldvppSetPicDescFormat(dst, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  acldvppSetPicDescWidthStride(dst, 64);
  acldvppSetPicDescSize(dst, 64 * 32 * 3 / 2);
  host_mem = malloc(64 * 32 * 3 / 2); /* not DVPP memory */
  acldvppSetPicDescData(dst, host_mem);
  CHECK_STRICT(g_strict, acldvppVpcResizeAsync(ch, src, dst, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  free(host_mem);
  CHECK_ERR(acldvppVpcResizeAsync(NULL, src, src, rc, g_stream), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppDestroyResizeConfig(rc));
  free_pic(src);
  CHECK_OK(acldvppDestroyPicDesc(dst));
  drop_channel(ch);
  teardown();
}

/* Encode the pattern, decode it back: luma close to the original. */
static void case_jpege(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *src, *back;
  acldvppJpegeConfig* cfg;
  uint32_t pred = 0, size, x, y, n;
  void *out = NULL, *in2;
  uint8_t *jpeg, *a, *b;
  double diff = 0;
  aclError sync = -1;
  SECTION("jpege");
  setup();
  ch = make_channel();
  src = make_nv12(96, 64, 96, 64, 1);
  /* a smooth picture: replace the pattern's wrap-around edges by a ramp */
  a = to_host(src);
  for (y = 0; y < 64; ++y)
    for (x = 0; x < 96; ++x) a[y * 96 + x] = (uint8_t)(x + y);
  CHECK_OK(aclrtMemcpy(acldvppGetPicDescData(src), 96 * 64, a, 96 * 64, ACL_MEMCPY_HOST_TO_DEVICE));
  cfg = acldvppCreateJpegeConfig();
  CHECK_OK(acldvppSetJpegeConfigLevel(cfg, 95));
  CHECK_OK(acldvppJpegPredictEncSize(src, cfg, &pred));
  CHECK(pred >= 96 * 64 * 3 / 2);
  CHECK_OK(acldvppMalloc(&out, pred));
  size = pred;
  CHECK_OK(acldvppJpegEncodeAsync(ch, src, out, &size, cfg, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  CHECK(size > 100 && size < pred);
  jpeg = (uint8_t*)malloc(size);
  CHECK_OK(aclrtMemcpy(jpeg, size, out, size, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(jpeg[0] == 0xFF && jpeg[1] == 0xD8);
  CHECK_OK(acldvppJpegGetImageInfo(jpeg, size, &x, &y, NULL));
  CHECK(x == 96 && y == 64);
  /* decode back */
  in2 = out;
  back = acldvppCreatePicDesc();
  {
    void* dec = NULL;
    uint32_t dsize = 0;
    CHECK_OK(acldvppJpegPredictDecSize(jpeg, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dsize));
    CHECK_OK(acldvppMalloc(&dec, dsize));
    acldvppSetPicDescData(back, dec);
    acldvppSetPicDescSize(back, dsize);
    acldvppSetPicDescFormat(back, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    CHECK_OK(acldvppJpegDecodeAsync(ch, in2, size, back, g_stream));
    sync = aclrtSynchronizeStream(g_stream);
    CHECK(sync == ACL_SUCCESS);
  }
  b = to_host(back);
  n = 0;
  for (y = 0; y < 64; ++y)
    for (x = 0; x < 96; ++x, ++n) diff += fabs((double)a[y * 96 + x] - b[y * 128 + x]);
  CHECK(diff / n < 2.0);
  /* too small an output buffer fails the task */
  size = 64;
  CHECK_OK(acldvppJpegEncodeAsync(ch, src, out, &size, cfg, g_stream));
  CHECK_ERR(aclrtSynchronizeStream(g_stream), ACL_ERROR_FAILURE);
  size = pred;
  acldvppSetPicDescWidthStride(src, 100); /* strict: a multiple of 16 */
  acldvppSetPicDescSize(src, 100 * 64 * 3 / 2);
  CHECK_ERR(acldvppJpegEncodeAsync(ch, src, out, &size, cfg, g_stream), ACL_ERROR_INVALID_PARAM);
  free(a);
  free(b);
  free(jpeg);
  CHECK_OK(acldvppFree(out));
  CHECK_OK(acldvppDestroyJpegeConfig(cfg));
  free_pic(back);
  free_pic(src);
  drop_channel(ch);
  teardown();
}

/* Copy -> decode -> resize -> model execute -> copy back, all queued on one stream before any
 * synchronize: each task sees the previous one's output. The model (add.onnx, float32
 * [1,3,8,8] + 1.5) reads the 32 x 16 NV12 output's 768 bytes as its input. */
static void case_stream_order(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc *pic, *small;
  acldvppResizeConfig* rc;
  uint32_t size = 0, dsize = 0, i, bad = 0, nan_ok = 1;
  uint8_t* host;
  void *in = NULL, *dec = NULL, *mout = NULL;
  char path[1024];
  uint32_t model_id = 0;
  aclmdlDataset *inputs, *outputs;
  float result[192], expect[192];
  SECTION("stream_order");
  setup();
  ch = make_channel();
  host = read_file("photo.jpg", &size);
  CHECK_OK(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dsize));
  CHECK_OK(acldvppMalloc(&in, size));
  CHECK_OK(acldvppMalloc(&dec, dsize));
  pic = pic_desc(dec, dsize, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  /* The resize input: as the decode will fill it (known from the header). */
  acldvppSetPicDescWidth(pic, 640);
  acldvppSetPicDescHeight(pic, 480);
  acldvppSetPicDescWidthStride(pic, 640);
  acldvppSetPicDescHeightStride(pic, 480);
  small = make_nv12(32, 16, 32, 16, 0);
  rc = acldvppCreateResizeConfig();
  snprintf(path, sizeof path, "%s/add.onnx", g_dir);
  CHECK_OK(aclmdlLoadFromFile(path, &model_id));
  CHECK_OK(aclrtMalloc(&mout, 768, ACL_MEM_MALLOC_HUGE_FIRST));
  inputs = aclmdlCreateDataset();
  outputs = aclmdlCreateDataset();
  aclmdlAddDatasetBuffer(inputs, aclCreateDataBuffer(acldvppGetPicDescData(small), 768));
  aclmdlAddDatasetBuffer(outputs, aclCreateDataBuffer(mout, 768));

  CHECK_OK(aclrtMemcpyAsync(in, size, host, size, ACL_MEMCPY_HOST_TO_DEVICE, g_stream));
  CHECK_OK(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
  CHECK_OK(acldvppVpcResizeAsync(ch, pic, small, rc, g_stream));
  CHECK_OK(aclmdlExecuteAsync(model_id, inputs, outputs, g_stream));
  CHECK_OK(aclrtMemcpyAsync(result, sizeof result, mout, 768, ACL_MEMCPY_DEVICE_TO_HOST, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));

  {
    uint8_t* px = to_host(small);
    float x;
    for (i = 0; i < 192; ++i) {
      memcpy(&x, px + 4 * i, 4);
      expect[i] = x + 1.5f;
    }
    /* The picture is not blank: the resize ran after the decode. */
    CHECK(plane_mean(px, 32, 32, 16) > 50.0);
    free(px);
  }
  for (i = 0; i < 192; ++i) {
    if (isnan(expect[i])) {
      if (!isnan(result[i])) nan_ok = 0;
    } else if (fabsf(result[i] - expect[i]) > 1e-3f * (1.0f + fabsf(expect[i]))) {
      ++bad;
    }
  }
  CHECK(bad == 0 && nan_ok);
  aclDestroyDataBuffer(aclmdlGetDatasetBuffer(inputs, 0));
  aclDestroyDataBuffer(aclmdlGetDatasetBuffer(outputs, 0));
  aclmdlDestroyDataset(inputs);
  aclmdlDestroyDataset(outputs);
  CHECK_OK(aclmdlUnload(model_id));
  CHECK_OK(aclrtFree(mout));
  CHECK_OK(acldvppDestroyResizeConfig(rc));
  free_pic(small);
  free_pic(pic);
  CHECK_OK(acldvppFree(in));
  free(host);
  drop_channel(ch);
  teardown();
}

/* Decodes the PNG `name` to `fmt`. */
static acldvppPicDesc* decode_png(acldvppChannelDesc* ch, const char* name, acldvppPixelFormat fmt, aclError* sync) {
  return decode_file(ch, name, fmt, 1, sync);
}

/* PNGD: info, CANN's strides (width rounded up to 128 times 3 or 4, height to 16), pixels equal to
 * Pillow's (both libpng), the source format kept with PIXEL_FORMAT_UNKNOWN, refusals. */
static void case_pngd(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc* pic;
  aclError sync = -1;
  uint32_t w, h, size, dec, y, bad = 0;
  int32_t c;
  uint8_t *host, *out, *ref;
  SECTION("pngd");
  setup();
  ch = make_channel();
  host = read_file("rgb.png", &size);
  if (acldvppPngGetImageInfo(host, size, &w, &h, &c) == ACL_ERROR_FEATURE_UNSUPPORTED) {
    /* no libpng on this machine (e.g. a cross sysroot): the refusal says so */
    const char* m = aclGetRecentErrMsg();
    CHECK(m != NULL && strstr(m, "libpng") != NULL);
    printf("pngd: skipped, no libpng: %s\n", m ? m : "");
    free(host);
    drop_channel(ch);
    teardown();
    return;
  }
  CHECK_OK(acldvppPngGetImageInfo(host, size, &w, &h, &c));
  CHECK(w == 203 && h == 151 && c == 3);
  CHECK_OK(acldvppPngPredictDecSize(host, size, PIXEL_FORMAT_RGB_888, &dec));
  CHECK(dec == 256 * 3 * 160);
  CHECK_ERR(acldvppPngPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &dec), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(acldvppPngPredictDecSize(host, size, PIXEL_FORMAT_RGBA_8888, &dec), ACL_ERROR_INVALID_PARAM);
  free(host);
  host = read_file("photo.jpg", &size);
  CHECK_ERR(acldvppPngGetImageInfo(host, size, &w, &h, &c), ACL_ERROR_INVALID_PARAM);
  free(host);

  pic = decode_png(ch, "rgb.png", PIXEL_FORMAT_RGB_888, &sync);
  CHECK(pic != NULL && sync == ACL_SUCCESS);
  if (pic) {
    CHECK(acldvppGetPicDescWidth(pic) == 203 && acldvppGetPicDescHeight(pic) == 151);
    CHECK(acldvppGetPicDescWidthStride(pic) == 768 && acldvppGetPicDescHeightStride(pic) == 160);
    out = to_host(pic);
    ref = read_file("rgb.raw", &size);
    for (y = 0; ref && y < 151; ++y)
      if (memcmp(out + y * 768, ref + y * 203 * 3, 203 * 3) != 0) ++bad;
    CHECK(ref != NULL && bad == 0);
    free(ref);
    free(out);
    free_pic(pic);
  }
  pic = decode_png(ch, "rgba.png", PIXEL_FORMAT_UNKNOWN, &sync);
  CHECK(pic != NULL && sync == ACL_SUCCESS);
  if (pic) {
    CHECK(acldvppGetPicDescFormat(pic) == PIXEL_FORMAT_RGBA_8888);
    CHECK(acldvppGetPicDescWidthStride(pic) == 128 * 4 && acldvppGetPicDescHeightStride(pic) == 48);
    out = to_host(pic);
    ref = read_file("rgba.raw", &size);
    bad = 0;
    for (y = 0; ref && y < 48; ++y)
      if (memcmp(out + y * 512, ref + y * 64 * 4, 64 * 4) != 0) ++bad;
    CHECK(ref != NULL && bad == 0);
    free(ref);
    free(out);
    free_pic(pic);
  }
  pic = decode_png(ch, "gray.png", PIXEL_FORMAT_UNKNOWN, &sync);
  CHECK(pic != NULL && sync == ACL_SUCCESS);
  if (pic) {
    CHECK(acldvppGetPicDescFormat(pic) == PIXEL_FORMAT_RGB_888);
    out = to_host(pic);
    ref = read_file("gray.raw", &size);
    CHECK(ref != NULL && out[0] == ref[0] && out[1] == ref[0] && out[2] == ref[0] && out[3 * 63] == ref[63]);
    free(ref);
    free(out);
    free_pic(pic);
  }
  /* truncated: the task fails */
  {
    void* in = dvpp_file("truncated.png", &size);
    void* mem = NULL;
    CHECK_OK(acldvppMalloc(&mem, 256 * 3 * 160));
    pic = pic_desc(mem, 256 * 3 * 160, PIXEL_FORMAT_RGB_888);
    CHECK_OK(acldvppPngDecodeAsync(ch, in, size, pic, g_stream));
    CHECK_ERR(aclrtSynchronizeStream(g_stream), ACL_ERROR_FAILURE);
    CHECK(acldvppGetPicDescRetCode(pic) != 0);
    CHECK_OK(acldvppFree(in));
    free_pic(pic);
  }
  drop_channel(ch);
  teardown();
}

/* Bad handles: the call fails with ACL_ERROR_INVALID_PARAM and a message naming `arg`. */
#define CHECK_BAD(call, arg)                                                                                \
  do {                                                                                                      \
    aclError r_ = (call);                                                                                   \
    const char* m_ = aclGetRecentErrMsg();                                                                  \
    if (r_ == ACL_ERROR_INVALID_PARAM && m_ != NULL && strstr(m_, arg) != NULL) {                           \
      ++g_passed;                                                                                           \
    } else {                                                                                                \
      ++g_failed;                                                                                           \
      fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected 100000 naming %s; message: %s\n", g_section, \
              __FILE__, __LINE__, #call, (int)r_, arg, m_ ? m_ : "(none)");                                 \
    }                                                                                                       \
  } while (0)
/* A getter given a bad handle returns 0 (NULL) and leaves a message naming `arg`. */
#define CHECK_BAD_GET(expr, arg)                                                                             \
  do {                                                                                                       \
    int zero_ = (expr) == 0;                                                                                 \
    const char* m_ = aclGetRecentErrMsg();                                                                   \
    if (zero_ && m_ != NULL && strstr(m_, arg) != NULL) {                                                    \
      ++g_passed;                                                                                            \
    } else {                                                                                                 \
      ++g_failed;                                                                                            \
      fprintf(stderr, "FAIL [%s] %s:%d: %s: expected 0 and a message naming %s; message: %s\n", g_section, \
              __FILE__, __LINE__, #expr, arg, m_ ? m_ : "(none)");                                           \
    }                                                                                                        \
  } while (0)

/* Every description handle family given a bogus address (never dereferenced: it is not mapped), a
 * destroyed handle and a live handle of another kind: ACL_ERROR_INVALID_PARAM (NULL/0 for getters)
 * with a message naming the argument, in strict and relaxed mode, and no crash. */
static void case_bad_handles(void) {
  void* bogus = (void*)(uintptr_t)0xDEAD000;
  acldvppPicDesc* bp = (acldvppPicDesc*)bogus;
  acldvppChannelDesc *ch, *dead_ch, *bogus_ch = (acldvppChannelDesc*)bogus;
  acldvppPicDesc *src, *dst, *dead_pic, *batch_pic;
  acldvppRoiConfig *roi, *dead_roi;
  acldvppResizeConfig *rc, *dead_rc;
  acldvppJpegeConfig *jc, *dead_jc;
  acldvppBorderConfig *bc, *dead_bc;
  acldvppStreamDesc *sd, *dead_sd;
  acldvppBatchPicDesc *batch, *dead_batch;
  acldvppRoiConfig* crops[1];
  uint32_t roi_nums[1] = {1}, csc = 0, size = 4096;
  size_t ret_size = 0;
  void* mem = NULL;
  SECTION("bad_handles");
  setup();
  ch = make_channel();
  src = make_nv12(64, 32, 64, 32, 1);
  dst = make_nv12(32, 16, 32, 16, 0);
  roi = acldvppCreateRoiConfig(0, 31, 0, 15);
  rc = acldvppCreateResizeConfig();
  jc = acldvppCreateJpegeConfig();
  bc = acldvppCreateBorderConfig();
  sd = acldvppCreateStreamDesc();
  batch = acldvppCreateBatchPicDesc(1);
  CHECK(roi && rc && jc && bc && sd && batch);
  dead_ch = acldvppCreateChannelDesc();
  dead_pic = acldvppCreatePicDesc();
  dead_roi = acldvppCreateRoiConfig(0, 1, 0, 1);
  dead_rc = acldvppCreateResizeConfig();
  dead_jc = acldvppCreateJpegeConfig();
  dead_bc = acldvppCreateBorderConfig();
  dead_sd = acldvppCreateStreamDesc();
  dead_batch = acldvppCreateBatchPicDesc(2);
  batch_pic = acldvppGetPicDesc(dead_batch, 1);
  CHECK(batch_pic != NULL);
  CHECK_OK(acldvppSetPicDescWidth(batch_pic, 5)); /* live while its batch is */
  CHECK_OK(acldvppDestroyChannelDesc(dead_ch));
  CHECK_OK(acldvppDestroyPicDesc(dead_pic));
  CHECK_OK(acldvppDestroyRoiConfig(dead_roi));
  CHECK_OK(acldvppDestroyResizeConfig(dead_rc));
  CHECK_OK(acldvppDestroyJpegeConfig(dead_jc));
  CHECK_OK(acldvppDestroyBorderConfig(dead_bc));
  CHECK_OK(acldvppDestroyStreamDesc(dead_sd));
  CHECK_BAD(acldvppDestroyPicDesc(batch_pic), "picDesc"); /* the batch owns it */
  CHECK_OK(acldvppDestroyBatchPicDesc(dead_batch));

  /* picture descriptions: setters, getters, destroy */
  CHECK_BAD(acldvppSetPicDescWidth(bp, 1), "picDesc");
  CHECK_BAD(acldvppSetPicDescData(dead_pic, NULL), "picDesc");
  CHECK_BAD(acldvppSetPicDescSize((acldvppPicDesc*)roi, 1), "picDesc");
  CHECK_BAD(acldvppSetPicDescHeight(batch_pic, 1), "picDesc"); /* its batch was destroyed */
  CHECK_BAD_GET(acldvppGetPicDescWidth(bp), "picDesc");
  CHECK_BAD_GET(acldvppGetPicDescData(dead_pic), "picDesc");
  CHECK_BAD_GET(acldvppGetPicDescSize((const acldvppPicDesc*)rc), "picDesc");
  CHECK_BAD_GET(acldvppGetPicDescRetCode(batch_pic), "picDesc");
  CHECK_BAD(acldvppDestroyPicDesc(bp), "picDesc");
  CHECK_BAD(acldvppDestroyPicDesc(dead_pic), "picDesc");
  CHECK_BAD(acldvppDestroyPicDesc((acldvppPicDesc*)sd), "picDesc");
  CHECK(acldvppGetStreamDescSize(sd) == 0); /* the wrong-kind destroy left it alone */

  /* batches */
  CHECK_BAD_GET(acldvppGetPicDesc((acldvppBatchPicDesc*)bogus, 0), "batchPicDesc");
  CHECK_BAD_GET(acldvppGetPicDesc(dead_batch, 0), "batchPicDesc");
  CHECK_BAD_GET(acldvppGetPicDesc((acldvppBatchPicDesc*)src, 0), "batchPicDesc");
  CHECK_BAD(acldvppDestroyBatchPicDesc(dead_batch), "batchPicDesc");
  CHECK_BAD(acldvppDestroyBatchPicDesc((acldvppBatchPicDesc*)src), "batchPicDesc");

  /* ROI, resize, JPEGE and border configurations */
  CHECK_BAD(acldvppSetRoiConfigLeft((acldvppRoiConfig*)bogus, 0), "config");
  CHECK_BAD(acldvppSetRoiConfig(dead_roi, 0, 1, 0, 1), "config");
  CHECK_BAD(acldvppSetRoiConfigTop((acldvppRoiConfig*)bc, 0), "config");
  CHECK_BAD(acldvppDestroyRoiConfig(dead_roi), "roiConfig");
  CHECK_BAD(acldvppSetResizeConfigInterpolation((acldvppResizeConfig*)bogus, 1), "resizeConfig");
  CHECK_BAD_GET(acldvppGetResizeConfigInterpolation(dead_rc), "resizeConfig");
  CHECK_BAD(acldvppDestroyResizeConfig((acldvppResizeConfig*)jc), "resizeConfig");
  CHECK_BAD(acldvppSetJpegeConfigLevel(dead_jc, 50), "jpegeConfig");
  CHECK_BAD_GET(acldvppGetJpegeConfigLevel((const acldvppJpegeConfig*)bogus), "jpegeConfig");
  CHECK_BAD(acldvppDestroyJpegeConfig((acldvppJpegeConfig*)rc), "jpegeConfig");
  CHECK_BAD(acldvppSetBorderConfigTop(dead_bc, 2), "borderConfig");
  CHECK_BAD(acldvppSetBorderConfigValue((acldvppBorderConfig*)roi, 0, 1.0), "borderConfig");
  CHECK_BAD_GET(acldvppGetBorderConfigLeft((const acldvppBorderConfig*)bogus), "borderConfig");
  CHECK(acldvppGetBorderConfigValue(dead_bc, 0) == -1.0);
  CHECK_MSG();
  CHECK_BAD(acldvppDestroyBorderConfig(dead_bc), "borderConfig");

  /* stream descriptions */
  CHECK_BAD(acldvppSetStreamDescSize(dead_sd, 1), "streamDesc");
  CHECK_BAD(acldvppSetStreamDescEos((acldvppStreamDesc*)bogus, 1), "streamDesc");
  CHECK_BAD_GET(acldvppGetStreamDescTimestamp((const acldvppStreamDesc*)src), "streamDesc");
  CHECK_BAD(acldvppDestroyStreamDesc(dead_sd), "streamDesc");

  /* channels */
  CHECK_BAD(acldvppSetChannelDescMode(bogus_ch, DVPP_CHNMODE_VPC), "channelDesc");
  CHECK_BAD(acldvppSetChannelDescParam(dead_ch, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, &csc), "channelDesc");
  CHECK_BAD(acldvppGetChannelDescParam((acldvppChannelDesc*)src, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, &ret_size,
                                       &csc),
            "channelDesc");
  CHECK_BAD_GET(acldvppGetChannelDescChannelId(dead_ch), "channelDesc");
  CHECK_BAD(acldvppCreateChannel(bogus_ch), "channelDesc");
  CHECK_BAD(acldvppDestroyChannel((acldvppChannelDesc*)roi), "channelDesc");
  CHECK_BAD(acldvppDestroyChannelDesc(dead_ch), "channelDesc");

  /* the operations: each handle argument in turn */
  CHECK_BAD(acldvppVpcResizeAsync(bogus_ch, src, dst, rc, g_stream), "channelDesc");
  CHECK_BAD(acldvppVpcResizeAsync(dead_ch, src, dst, rc, g_stream), "channelDesc");
  CHECK_BAD(acldvppVpcResizeAsync((acldvppChannelDesc*)src, src, dst, rc, g_stream), "channelDesc");
  CHECK_BAD(acldvppVpcResizeAsync(ch, bp, dst, rc, g_stream), "inputDesc");
  CHECK_BAD(acldvppVpcResizeAsync(ch, src, dead_pic, rc, g_stream), "outputDesc");
  CHECK_BAD(acldvppVpcResizeAsync(ch, src, dst, (acldvppResizeConfig*)jc, g_stream), "resizeConfig");
  CHECK_BAD(acldvppVpcCropAsync(ch, src, dst, dead_roi, g_stream), "cropArea");
  CHECK_BAD(acldvppVpcCropResizeAsync(ch, src, dst, roi, dead_rc, g_stream), "resizeConfig");
  CHECK_BAD(acldvppVpcCropAndPasteAsync(ch, src, dst, roi, (acldvppRoiConfig*)bc, g_stream), "pasteArea");
  CHECK_BAD(acldvppVpcCropResizePasteAsync(ch, (acldvppPicDesc*)roi, dst, roi, roi, rc, g_stream), "inputDesc");
  CHECK_BAD(acldvppVpcConvertColorAsync(ch, src, (acldvppPicDesc*)bogus, g_stream), "outputDesc");
  CHECK_BAD(acldvppVpcMakeBorderAsync(ch, src, dst, dead_bc, g_stream), "borderConfig");
  CHECK_BAD(acldvppVpcMakeBorderAsync(bogus_ch, src, dst, bc, g_stream), "channelDesc");
  crops[0] = roi;
  CHECK_BAD(acldvppVpcBatchCropAsync(ch, dead_batch, roi_nums, 1, batch, crops, g_stream), "srcBatchPicDescs");
  CHECK_BAD(acldvppVpcBatchCropAsync(ch, batch, roi_nums, 1, (acldvppBatchPicDesc*)src, crops, g_stream),
            "dstBatchPicDescs");
  crops[0] = dead_roi;
  CHECK_BAD(acldvppVpcBatchCropResizeAsync(ch, batch, roi_nums, 1, batch, crops, rc, g_stream), "cropAreas[0]");
  CHECK_OK(acldvppMalloc(&mem, 4096));
  CHECK_BAD(acldvppJpegDecodeAsync(dead_ch, mem, 4096, dst, g_stream), "channelDesc");
  CHECK_BAD(acldvppJpegDecodeAsync(ch, mem, 4096, bp, g_stream), "outputDesc");
  CHECK_BAD(acldvppPngDecodeAsync(ch, mem, 4096, (acldvppPicDesc*)sd, g_stream), "outputDesc");
  CHECK_BAD(acldvppJpegPredictEncSize(dead_pic, jc, &size), "inputDesc");
  CHECK_BAD(acldvppJpegPredictEncSize(src, (acldvppJpegeConfig*)bogus, &size), "config");
  CHECK_BAD(acldvppJpegEncodeAsync(ch, src, mem, &size, dead_jc, g_stream), "config");
  CHECK_BAD(acldvppJpegEncodeAsync(ch, (acldvppPicDesc*)batch, mem, &size, jc, g_stream), "inputDesc");
  CHECK_OK(aclrtSynchronizeStream(g_stream)); /* nothing was queued */

  /* the live handles still work */
  CHECK_OK(acldvppVpcResizeAsync(ch, src, dst, rc, g_stream));
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  CHECK_OK(acldvppFree(mem));
  CHECK_OK(acldvppDestroyRoiConfig(roi));
  CHECK_OK(acldvppDestroyResizeConfig(rc));
  CHECK_OK(acldvppDestroyJpegeConfig(jc));
  CHECK_OK(acldvppDestroyBorderConfig(bc));
  CHECK_OK(acldvppDestroyStreamDesc(sd));
  CHECK_OK(acldvppDestroyBatchPicDesc(batch));
  free_pic(src);
  free_pic(dst);
  drop_channel(ch);
  teardown();
}

/* A decode queued on a stream fills its output description when the stream runs it; destroying
 * the description before that is safe (the task keeps it allocated, the handle is dead at once). */
static void case_destroy_while_queued(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc* pic;
  uint32_t size = 0, out_size = 0;
  uint8_t* host;
  void *in = NULL, *out = NULL;
  SECTION("destroy_while_queued");
  setup();
  ch = make_channel();
  host = read_file("photo.jpg", &size);
  in = dvpp_file("photo.jpg", &size);
  CHECK(host != NULL && in != NULL);
  if (host && in) {
    CHECK_OK(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &out_size));
    CHECK_OK(acldvppMalloc(&out, out_size));
    pic = pic_desc(out, out_size, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    CHECK_OK(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
    CHECK_OK(acldvppDestroyPicDesc(pic));
    CHECK_BAD_GET(acldvppGetPicDescWidth(pic), "picDesc");
    CHECK_OK(aclrtSynchronizeStream(g_stream));
    CHECK_OK(acldvppFree(out));
    CHECK_OK(acldvppFree(in));
  }
  free(host);
  drop_channel(ch);
  teardown();
}

/* Data pointers follow the runtime's range rule in both modes: a range touching an ACL allocation
 * lies inside it, wherever it starts (never read: the calls refuse before touching it). */
static void case_data_ranges(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc* pic;
  void *dev = NULL, *dvpp = NULL;
  uint32_t w = 0, h = 0, out = 0, csc = ACL_DVPP_CSC_MATRIX_BT601_WIDE;
  int32_t c = 0;
  SECTION("data_ranges");
  setup();
  ch = make_channel();
  CHECK_OK(aclrtMalloc(&dev, 4096, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(acldvppMalloc(&dvpp, 4096));
  pic = make_nv12(32, 16, 32, 16, 0);
  CHECK_BAD(acldvppJpegGetImageInfo((uint8_t*)dev + 4000, 300, &w, &h, &c), "data 0x");            /* past the end */
  CHECK_BAD(acldvppJpegPredictDecSize((void*)((uintptr_t)dev - 100), 300, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &out),
            "data 0x"); /* starts before it, reaches in */
  CHECK_BAD(acldvppPngGetImageInfo((uint8_t*)dvpp + 4000, 300, &w, &h, &c), "data 0x");
  CHECK_BAD(acldvppPngPredictDecSize((void*)((uintptr_t)dvpp - 100), 300, PIXEL_FORMAT_RGB_888, &out), "data 0x");
  CHECK_BAD(acldvppJpegDecodeAsync(ch, (uint8_t*)dvpp + 4000, 300, pic, g_stream), "data 0x");
  CHECK_BAD(acldvppSetChannelDescParam(ch, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, (uint8_t*)dev + 4094), "param 0x");
  CHECK_OK(acldvppSetChannelDescParam(ch, ACL_DVPP_CSC_MATRIX_UINT32, sizeof csc, &csc)); /* other memory */
  CHECK_OK(aclrtSynchronizeStream(g_stream));
  free_pic(pic);
  CHECK_OK(acldvppFree(dvpp));
  CHECK_OK(aclrtFree(dev));
  drop_channel(ch);
  teardown();
}

/* ---- Freeing a buffer a queued DVPP task uses ---- */
typedef struct {
  aclrtContext ctx;
  Gate open;    /* the test opens it */
  Gate entered; /* the gate callback runs: every task after it is queued, not run */
  Gate stop;    /* the reporter thread stops */
} DvppGate;

static void dvpp_gate_callback(void* user) {
  DvppGate* g = (DvppGate*)user;
  gate_add(&g->entered, 1);
  gate_wait(&g->open, 1);
}

static void* dvpp_reporter(void* arg) {
  DvppGate* g = (DvppGate*)arg;
  aclrtSetCurrentContext(g->ctx);
  while (gate_count(&g->stop) == 0) aclrtProcessReport(50);
  return NULL;
}

typedef struct {
  aclrtContext ctx;
  void* ptr;
  Gate returned;
  aclError ret;
} DvppFreer;

static void* dvpp_freer(void* arg) {
  DvppFreer* f = (DvppFreer*)arg;
  aclrtSetCurrentContext(f->ctx);
  f->ret = acldvppFree(f->ptr);
  gate_add(&f->returned, 1);
  return NULL;
}

/* acldvppFree of a decode's input while the decode is queued (held behind a gate): the task pins
 * its buffers as copies and executions do, so strict mode refuses (ACL_ERROR_RT_MEMORY_FREE,
 * 207002: aclrtFree "does not wait"; the block stays DVPP memory) and relaxed mode waits until the
 * decode has run; the decode then reads the whole picture either way. */
static void case_free_while_decoding(void) {
  acldvppChannelDesc* ch;
  acldvppPicDesc* pic;
  uint32_t size = 0, out_size = 0;
  uint8_t* host;
  void *in = NULL, *out = NULL;
  DvppGate g;
  DvppFreer fr;
  pthread_t reporter, freer;
  SECTION("free_while_decoding");
  setup();
  ch = make_channel();
  gate_init(&g.open);
  gate_init(&g.entered);
  gate_init(&g.stop);
  memset(&fr, 0, sizeof fr);
  gate_init(&fr.returned);
  CHECK_OK(aclrtGetCurrentContext(&g.ctx));
  pthread_create(&reporter, NULL, dvpp_reporter, &g);
  CHECK_OK(aclrtSubscribeReport((uint64_t)reporter, g_stream));
  host = read_file("photo.jpg", &size);
  in = dvpp_file("photo.jpg", &size);
  CHECK(host != NULL && in != NULL);
  if (host && in) {
    CHECK_OK(acldvppJpegPredictDecSize(host, size, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &out_size));
    CHECK_OK(acldvppMalloc(&out, out_size));
    pic = pic_desc(out, out_size, PIXEL_FORMAT_YUV_SEMIPLANAR_420);
    CHECK_OK(aclrtLaunchCallback(dvpp_gate_callback, &g, ACL_CALLBACK_BLOCK, g_stream));
    CHECK_OK(acldvppJpegDecodeAsync(ch, in, size, pic, g_stream));
    CHECK(gate_wait(&g.entered, 1));
    if (g_strict) {
      CHECK_ERR(acldvppFree(in), ACL_ERROR_RT_MEMORY_FREE);
      CHECK_ERR(acldvppFree(out), ACL_ERROR_RT_MEMORY_FREE);
      gate_add(&g.open, 1);
      CHECK_OK(aclrtSynchronizeStream(g_stream));
      CHECK_OK(acldvppFree(in)); /* still DVPP memory, nothing queued uses it any more */
    } else {
      fr.ctx = g.ctx;
      fr.ptr = in;
      pthread_create(&freer, NULL, dvpp_freer, &fr);
      CHECK(!gate_wait_ms(&fr.returned, 1, 500)); /* held: the free waits for the decode */
      gate_add(&g.open, 1);
      pthread_join(freer, NULL);
      CHECK(fr.ret == ACL_SUCCESS);
      CHECK_OK(aclrtSynchronizeStream(g_stream));
    }
    CHECK(acldvppGetPicDescRetCode(pic) == 0);
    CHECK(acldvppGetPicDescWidth(pic) > 0);
    free_pic(pic);
  }
  free(host);
  CHECK_OK(aclrtUnSubscribeReport((uint64_t)reporter, g_stream));
  gate_add(&g.stop, 1);
  pthread_join(reporter, NULL);
  gate_destroy(&g.open);
  gate_destroy(&g.entered);
  gate_destroy(&g.stop);
  gate_destroy(&fr.returned);
  drop_channel(ch);
  teardown();
}

/* ---- Freeing a buffer a synchronous DVPP call is reading ---- */
/* The reader stops inside the call at its first read of the picture: the picture's first page is
 * made unreadable, the fault handler (on the reading thread) posts `sync_entered` and waits for
 * `sync_go`; the test has meanwhile made the page readable again, and the read resumes. When the
 * test must give up (the free went through: the bug), the handler jumps out of the call instead. */
static sem_t sync_entered, sync_go;
static volatile sig_atomic_t sync_abandon = 0;
static char* sync_page = NULL;
static size_t sync_page_size = 0;
static sigjmp_buf sync_jump;

static void sync_segv(int sig, siginfo_t* info, void* uctx) {
  char* at = (char*)info->si_addr;
  (void)uctx;
  if (!sync_page || at < sync_page || at >= sync_page + sync_page_size) {
    signal(sig, SIG_DFL); /* another fault: crash as usual on return */
    return;
  }
  if (sync_abandon) siglongjmp(sync_jump, 1);
  sem_post(&sync_entered);
  while (sem_wait(&sync_go) != 0) {
  }
}

/* Waits (GATE_TIMEOUT_S at most) until the reader stops at its fault. */
static int sync_wait_entered(void) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += GATE_TIMEOUT_S;
  for (;;) {
    if (sem_timedwait(&sync_entered, &deadline) == 0) return 1;
    if (errno != EINTR) return 0;
  }
}

typedef aclError (*SyncRead)(const void* data, uint32_t size);
static aclError sync_jpeg_info(const void* d, uint32_t n) {
  uint32_t w = 0, h = 0;
  int32_t c = 0;
  return acldvppJpegGetImageInfo(d, n, &w, &h, &c) == ACL_SUCCESS && w == 640 && h == 480 ? ACL_SUCCESS : 1;
}
static aclError sync_jpeg_size(const void* d, uint32_t n) {
  uint32_t size = 0;
  return acldvppJpegPredictDecSize(d, n, PIXEL_FORMAT_YUV_SEMIPLANAR_420, &size) == ACL_SUCCESS && size > 0 ? 0 : 1;
}
static aclError sync_png_info(const void* d, uint32_t n) {
  uint32_t w = 0, h = 0;
  int32_t c = 0;
  return acldvppPngGetImageInfo(d, n, &w, &h, &c) == ACL_SUCCESS && w == 203 && h == 151 ? ACL_SUCCESS : 1;
}
static aclError sync_png_size(const void* d, uint32_t n) {
  uint32_t size = 0;
  return acldvppPngPredictDecSize(d, n, PIXEL_FORMAT_RGB_888, &size) == ACL_SUCCESS && size > 0 ? 0 : 1;
}

typedef struct {
  aclrtContext ctx;
  SyncRead read;
  const void* data;
  uint32_t size;
  aclError ret;
  int abandoned;
} SyncReader;

static void* sync_reader(void* arg) {
  SyncReader* r = (SyncReader*)arg;
  aclrtSetCurrentContext(r->ctx);
  if (sigsetjmp(sync_jump, 1) == 0)
    r->ret = r->read(r->data, r->size);
  else
    r->abandoned = 1;
  return NULL;
}

/* One synchronous call reading `file` from DVPP memory, stopped at its first read while the test
 * frees that memory. */
static void free_during_read(const char* file, SyncRead read) {
  uint32_t size = 0;
  uint8_t* host = read_file(file, &size);
  long page = sysconf(_SC_PAGESIZE);
  void* block = NULL;
  char* data;
  SyncReader r;
  DvppFreer fr;
  pthread_t reader, freer;
  if (!host || acldvppMalloc(&block, size + 3 * (size_t)page) != ACL_SUCCESS) {
    CHECK(0);
    free(host);
    return;
  }
  /* The picture starts on a page of its own inside the block. */
  data = (char*)(((uintptr_t)block + (uintptr_t)page) & ~((uintptr_t)page - 1));
  memcpy(data, host, size);
  free(host);
  memset(&r, 0, sizeof r);
  memset(&fr, 0, sizeof fr);
  CHECK_OK(aclrtGetCurrentContext(&r.ctx));
  r.read = read;
  r.data = data;
  r.size = size;
  fr.ctx = r.ctx;
  fr.ptr = block;
  gate_init(&fr.returned);
  sync_abandon = 0;
  sync_page = data;
  sync_page_size = (size_t)page;
  CHECK(mprotect(data, (size_t)page, PROT_NONE) == 0);
  pthread_create(&reader, NULL, sync_reader, &r);
  if (!sync_wait_entered()) { /* the call never read the picture */
    CHECK(0);
    mprotect(data, (size_t)page, PROT_READ | PROT_WRITE);
    pthread_join(reader, NULL);
    CHECK_OK(acldvppFree(block));
  } else if (g_strict) { /* the reader is inside the call, reading the block */
    aclError e = acldvppFree(block);
    CHECK_ERR(e, ACL_ERROR_RT_MEMORY_FREE);
    if (e == ACL_SUCCESS) sync_abandon = 1; /* freed under the read: do not let it read on */
    else CHECK(mprotect(data, (size_t)page, PROT_READ | PROT_WRITE) == 0);
    sem_post(&sync_go);
    pthread_join(reader, NULL);
    if (e != ACL_SUCCESS) CHECK_OK(acldvppFree(block)); /* the call has returned: free now */
  } else {
    pthread_create(&freer, NULL, dvpp_freer, &fr);
    CHECK(!gate_wait_ms(&fr.returned, 1, 500)); /* held: the free waits for the read */
    if (gate_count(&fr.returned)) sync_abandon = 1;
    else CHECK(mprotect(data, (size_t)page, PROT_READ | PROT_WRITE) == 0);
    sem_post(&sync_go);
    pthread_join(reader, NULL);
    pthread_join(freer, NULL);
    CHECK(fr.ret == ACL_SUCCESS);
  }
  CHECK(!r.abandoned);
  CHECK(r.abandoned || r.ret == ACL_SUCCESS); /* the call read the whole picture */
  sync_page = NULL;
  gate_destroy(&fr.returned);
}

/* The synchronous calls that read the caller's buffer (JPEG/PNG image info and size prediction)
 * pin it as the *Async tasks do: another thread's acldvppFree of it during the call is refused in
 * strict mode (ACL_ERROR_RT_MEMORY_FREE) and waits for the call in relaxed mode. */
static void case_free_during_sync_read(void) {
  struct sigaction sa, old;
  SECTION("free_during_sync_read");
  setup();
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = sync_segv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sem_init(&sync_entered, 0, 0);
  sem_init(&sync_go, 0, 0);
  sigaction(SIGSEGV, &sa, &old);
  free_during_read("photo.jpg", sync_jpeg_info);
  free_during_read("photo.jpg", sync_jpeg_size);
  free_during_read("rgb.png", sync_png_info);
  free_during_read("rgb.png", sync_png_size);
  sigaction(SIGSEGV, &old, NULL);
  sem_destroy(&sync_entered);
  sem_destroy(&sync_go);
  teardown();
}

static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("memory", case_memory),
    ACL_TEST_CASE("descriptions", case_descriptions),
    ACL_TEST_CASE("unsupported", case_unsupported),
    ACL_TEST_CASE("jpeg_info", case_jpeg_info),
    ACL_TEST_CASE("jpegd", case_jpegd),
    ACL_TEST_CASE("jpegd_nv21", case_jpegd_nv21),
    ACL_TEST_CASE("jpegd_refusals", case_jpegd_refusals),
    ACL_TEST_CASE("vpc_resize", case_vpc_resize),
    ACL_TEST_CASE("vpc_crop_paste", case_vpc_crop_paste),
    ACL_TEST_CASE("vpc_batch_crop", case_vpc_batch_crop),
    ACL_TEST_CASE("vpc_make_border", case_vpc_make_border),
    ACL_TEST_CASE("vpc_errors", case_vpc_errors),
    ACL_TEST_CASE("jpege", case_jpege),
    ACL_TEST_CASE("pngd", case_pngd),
    ACL_TEST_CASE("stream_order", case_stream_order),
    ACL_TEST_CASE("bad_handles", case_bad_handles),
    ACL_TEST_CASE("destroy_while_queued", case_destroy_while_queued),
    ACL_TEST_CASE("data_ranges", case_data_ranges),
    ACL_TEST_CASE("free_while_decoding", case_free_while_decoding),
    ACL_TEST_CASE("free_during_sync_read", case_free_during_sync_read),
};

int main(int argc, char** argv) {
  const char* v = getenv("ACL_HOST_STRICT");
  if (argc > 2) g_dir = argv[2];
  g_strict = !(v && strcmp(v, "0") == 0);
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
