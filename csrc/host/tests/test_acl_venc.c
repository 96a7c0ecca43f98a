/* VENC on the CPU (libacl_dvpp.so, aclvenc*): channel descriptions, encode -> decode round trip
 * (VDEC decodes what VENC wrote) with a forced I-frame, H.265 or its documented error, refusals.
 *
 * usage: test_acl_venc <case>|all|--list <data dir>
 * Synchronisation: EOS and aclvencDestroyChannel return after every callback ran (the guide's
 * contract); a Gate only for the report thread's start (video_test.h). */
#include "video_test.h"

/* ---- VENC ----------------------------------------------------------------------------------- */
#define EW 192
#define EH 128
#define EFRAMES 12

typedef struct {
  pthread_mutex_t m;
  int calls;
  int foreign_thread;
  pthread_t expect;
  uint8_t* bytes[EFRAMES];
  uint32_t sizes[EFRAMES];
  int user[EFRAMES];
  uint32_t ret[EFRAMES];
} Encoded;

static Encoded g_enc;

static void on_stream(acldvppPicDesc* input, acldvppStreamDesc* output, void* userData) {
  pthread_mutex_lock(&g_enc.m);
  if (!pthread_equal(pthread_self(), g_enc.expect)) g_enc.foreign_thread = 1;
  if (g_enc.calls < EFRAMES) {
    int k = g_enc.calls;
    uint32_t n = acldvppGetStreamDescSize(output);
    g_enc.user[k] = (int)(intptr_t)userData;
    g_enc.ret[k] = acldvppGetStreamDescRetCode(output);
    g_enc.sizes[k] = n;
    g_enc.bytes[k] = (uint8_t*)malloc(n ? n : 1);
    if (n) memcpy(g_enc.bytes[k], acldvppGetStreamDescData(output), n);
  }
  g_enc.calls++;
  pthread_mutex_unlock(&g_enc.m);
  (void)input;
}

/* The NV12 test picture i (moving gradient), stride = width. */
static void nv12_frame(uint8_t* p, int i) {
  int x, y;
  for (y = 0; y < EH; ++y)
    for (x = 0; x < EW; ++x) p[y * EW + x] = (uint8_t)(40 + ((x + 3 * i) * 150) / EW + (y * 40) / EH);
  for (y = 0; y < EH / 2; ++y)
    for (x = 0; x < EW; x += 2) {
      p[EW * EH + y * EW + x] = (uint8_t)(100 + x / 8);
      p[EW * EH + y * EW + x + 1] = (uint8_t)(150 - y / 2);
    }
}

/* 1 when the Annex B data holds a NAL unit of H.264 type `type`. */
static int has_nal(const uint8_t* d, uint32_t n, int type) {
  uint32_t i;
  for (i = 0; i + 3 < n; ++i)
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && (d[i + 3] & 0x1f) == type) return 1;
  return 0;
}

/* Starts the report thread, resets the callback record and describes a channel of EW x EH NV12
   pictures whose callbacks go to that thread. */
static aclvencChannelDesc* start_venc(Reporter* r, acldvppStreamFormat type) {
  aclvencChannelDesc* d;
  reporter_start(r);
  memset(&g_enc, 0, sizeof g_enc);
  pthread_mutex_init(&g_enc.m, NULL);
  g_enc.expect = r->tid;
  d = aclvencCreateChannelDesc();
  CHECK(d != NULL);
  CHECK_OK(aclvencSetChannelDescThreadId(d, (uint64_t)r->tid));
  CHECK_OK(aclvencSetChannelDescCallback(d, on_stream));
  CHECK_OK(aclvencSetChannelDescEnType(d, type));
  CHECK_OK(aclvencSetChannelDescPicFormat(d, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  CHECK_OK(aclvencSetChannelDescPicWidth(d, EW));
  CHECK_OK(aclvencSetChannelDescPicHeight(d, EH));
  CHECK_OK(aclvencSetChannelDescKeyFrameInterval(d, 100));
  return d;
}

static void case_venc_descriptions(void) {
  aclvencChannelDesc* d;
  aclvencFrameConfig* fc;
  uint32_t v = 0, rate = 25;
  size_t n = 0;
  SECTION("venc_descriptions");
  setup();
  d = aclvencCreateChannelDesc();
  CHECK(d != NULL);
  CHECK_OK(aclvencSetChannelDescThreadId(d, 77));
  CHECK_OK(aclvencSetChannelDescCallback(d, on_stream));
  CHECK_OK(aclvencSetChannelDescEnType(d, H264_HIGH_LEVEL));
  CHECK_OK(aclvencSetChannelDescPicFormat(d, PIXEL_FORMAT_YVU_SEMIPLANAR_420));
  CHECK_OK(aclvencSetChannelDescPicWidth(d, 640));
  CHECK_OK(aclvencSetChannelDescPicHeight(d, 480));
  CHECK_OK(aclvencSetChannelDescKeyFrameInterval(d, 30));
  CHECK_OK(aclvencSetChannelDescBufAddr(d, (void*)&g_enc));
  CHECK_OK(aclvencSetChannelDescBufSize(d, 4096));
  CHECK_OK(aclvencSetChannelDescRcMode(d, 2));
  CHECK_OK(aclvencSetChannelDescSrcRate(d, 30));
  CHECK_OK(aclvencSetChannelDescMaxBitRate(d, 2000));
  CHECK(aclvencGetChannelDescThreadId(d) == 77);
  CHECK(aclvencGetChannelDescCallback(d) == on_stream);
  CHECK(aclvencGetChannelDescEnType(d) == H264_HIGH_LEVEL);
  CHECK(aclvencGetChannelDescPicFormat(d) == PIXEL_FORMAT_YVU_SEMIPLANAR_420);
  CHECK(aclvencGetChannelDescPicWidth(d) == 640 && aclvencGetChannelDescPicHeight(d) == 480);
  CHECK(aclvencGetChannelDescKeyFrameInterval(d) == 30);
  CHECK(aclvencGetChannelDescBufAddr(d) == (void*)&g_enc && aclvencGetChannelDescBufSize(d) == 4096);
  CHECK(aclvencGetChannelDescRcMode(d) == 2 && aclvencGetChannelDescSrcRate(d) == 30);
  CHECK(aclvencGetChannelDescMaxBitRate(d) == 2000);
  CHECK_OK(aclvencSetChannelDescParam(d, ACL_VENC_SRC_RATE_UINT32, sizeof rate, &rate));
  CHECK(aclvencGetChannelDescSrcRate(d) == 25);
  CHECK_OK(aclvencGetChannelDescParam(d, ACL_VENC_PIC_WIDTH_UINT32, sizeof v, &n, &v));
  CHECK(v == 640 && n == sizeof v);
  CHECK_ERR(aclvencSetChannelDescParam(d, (aclvencChannelDescParamType)99, sizeof v, &v), ACL_ERROR_INVALID_PARAM);
  fc = aclvencCreateFrameConfig();
  CHECK(fc != NULL);
  CHECK_OK(aclvencSetFrameConfigForceIFrame(fc, 1));
  CHECK_OK(aclvencSetFrameConfigEos(fc, 1));
  CHECK(aclvencGetFrameConfigForceIFrame(fc) == 1 && aclvencGetFrameConfigEos(fc) == 1);
  CHECK_OK(aclvencDestroyFrameConfig(fc));
  CHECK_OK(aclvencDestroyChannelDesc(d));
  CHECK_ERR(aclvencDestroyChannelDesc(d), ACL_ERROR_INVALID_PARAM);
  teardown();
}

/* Encode EFRAMES pictures (frame 5 forced to IDR), EOS, then decode the streams with VDEC. */
static void case_venc_roundtrip(void) {
  Reporter r;
  aclvencChannelDesc* ch;
  aclvencFrameConfig* fc;
  aclvdecChannelDesc* dec;
  acldvppPicDesc* pic;
  void* mem = NULL;
  uint8_t* host = (uint8_t*)malloc(EW * EH * 3 / 2);
  const uint32_t size = EW * EH * 3 / 2;
  int i, ok = 1, idr5 = 0, idr_other = 0, close = 1;
  Frames f;
  SECTION("venc_roundtrip");
  setup();
  ch = start_venc(&r, H264_MAIN_LEVEL);
  CHECK_OK(aclvencCreateChannel(ch));
  fc = aclvencCreateFrameConfig();
  pic = acldvppCreatePicDesc();
  CHECK_OK(acldvppSetPicDescFormat(pic, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  CHECK_OK(acldvppSetPicDescWidth(pic, EW));
  CHECK_OK(acldvppSetPicDescHeight(pic, EH));
  CHECK_OK(acldvppSetPicDescWidthStride(pic, EW));
  /* VENC's height stride "need not be set" and the buffer is width stride * height * 3/2 (VENC
     restrictions, table 1): Huawei's venc sample sets the 16-aligned height with a smaller buffer. */
  CHECK_OK(acldvppSetPicDescHeightStride(pic, EH + 16));
  CHECK_OK(acldvppSetPicDescSize(pic, size));
  for (i = 0; i < EFRAMES; ++i) {
    CHECK_OK(acldvppMalloc(&mem, size));
    nv12_frame((uint8_t*)mem, i);
    CHECK_OK(acldvppSetPicDescData(pic, mem));
    CHECK_OK(aclvencSetFrameConfigForceIFrame(fc, i == 5));
    CHECK_OK(aclvencSendFrame(ch, pic, NULL, fc, (void*)(intptr_t)i));
    CHECK_OK(acldvppFree(mem)); /* Huawei's sample frees the picture at once */
  }
  CHECK_OK(aclvencSetFrameConfigForceIFrame(fc, 0));
  CHECK_OK(aclvencSetFrameConfigEos(fc, 1));
  CHECK_OK(aclvencSendFrame(ch, NULL, NULL, fc, NULL));
  pthread_mutex_lock(&g_enc.m);
  CHECK(g_enc.calls == EFRAMES);
  CHECK(!g_enc.foreign_thread);
  for (i = 0; i < EFRAMES && i < g_enc.calls; ++i) {
    if (g_enc.user[i] != i || g_enc.ret[i] != 0 || g_enc.sizes[i] == 0) ok = 0;
    if (i == 5) idr5 = has_nal(g_enc.bytes[i], g_enc.sizes[i], 5);
    else if (i > 0 && has_nal(g_enc.bytes[i], g_enc.sizes[i], 5)) idr_other = 1;
  }
  CHECK(ok);
  CHECK(idr5);       /* the forced I-frame is an IDR picture */
  CHECK(!idr_other); /* and no other after the first (key frame interval 100) */
  pthread_mutex_unlock(&g_enc.m);
  CHECK_OK(aclvencDestroyChannel(ch));
  CHECK_OK(aclvencDestroyChannelDesc(ch));
  CHECK_OK(aclvencDestroyFrameConfig(fc));
  CHECK_OK(acldvppDestroyPicDesc(pic));

  /* Decode the stream back: every frame, luma within 3 grey levels of the source on average. */
  {
    Clip c;
    uint32_t off = 0;
    memset(&c, 0, sizeof c);
    c.n = EFRAMES;
    for (i = 0; i < EFRAMES; ++i) off += g_enc.sizes[i];
    c.data = (uint8_t*)malloc(off);
    off = 0;
    for (i = 0; i < EFRAMES; ++i) {
      c.sizes[i] = g_enc.sizes[i];
      c.offsets[i] = off;
      memcpy(c.data + off, g_enc.bytes[i], g_enc.sizes[i]);
      off += g_enc.sizes[i];
    }
    seen_reset(r.tid);
    dec = make_vdec(&r, H264_MAIN_LEVEL);
    frames_make(&f, &c, -1, size);
    for (i = 0; i < EFRAMES; ++i) CHECK_OK(aclvdecSendFrame(dec, f.in[i], f.out[i], NULL, (void*)(intptr_t)i));
    CHECK_OK(send_eos(dec));
    CHECK(g_seen.calls == EFRAMES);
    for (i = 0; i < EFRAMES && i < g_seen.calls; ++i) {
      const uint8_t* y = (const uint8_t*)f.out_mem[g_seen.order[i]];
      double sum = 0;
      int x, yy;
      nv12_frame(host, g_seen.order[i]);
      for (yy = 0; yy < EH; ++yy)
        for (x = 0; x < EW; ++x) sum += fabs((double)y[yy * EW + x] - host[yy * EW + x]);
      if (g_seen.ret[i] != 0 || sum / (EW * EH) > 3.0) close = 0;
    }
    CHECK(close);
    CHECK_OK(aclvdecDestroyChannel(dec));
    CHECK_OK(aclvdecDestroyChannelDesc(dec));
    frames_free(&f);
    free(c.data);
  }
  for (i = 0; i < EFRAMES; ++i) free(g_enc.bytes[i]);
  free(host);
  reporter_stop(&r);
  teardown();
}

/* H.265 encodes when the FFmpeg found has libx265, else the documented error; bad input. */
static void case_venc_refusals(void) {
  Reporter r;
  aclvencChannelDesc* ch;
  aclvencFrameConfig* fc;
  acldvppPicDesc* pic;
  aclError e;
  SECTION("venc_refusals");
  setup();
  ch = start_venc(&r, H265_MAIN_LEVEL);
  e = aclvencCreateChannel(ch);
  CHECK(e == ACL_SUCCESS || e == ACL_ERROR_FEATURE_UNSUPPORTED);
  if (e == ACL_SUCCESS) CHECK_OK(aclvencDestroyChannel(ch));
  CHECK_OK(aclvencSetChannelDescPicWidth(ch, 100)); /* below 128 */
  CHECK_OK(aclvencSetChannelDescEnType(ch, H264_MAIN_LEVEL));
  CHECK_ERR(aclvencCreateChannel(ch), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvencSetChannelDescPicWidth(ch, EW));
  CHECK_OK(aclvencSetChannelDescCallback(ch, NULL));
  CHECK_ERR(aclvencCreateChannel(ch), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvencSetChannelDescCallback(ch, on_stream));
  CHECK_OK(aclvencCreateChannel(ch));
  fc = aclvencCreateFrameConfig();
  pic = acldvppCreatePicDesc();
  CHECK_ERR(aclvencSendFrame(ch, NULL, NULL, fc, NULL), ACL_ERROR_INVALID_PARAM); /* no picture, no EOS */
  CHECK_OK(acldvppSetPicDescFormat(pic, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  CHECK_OK(acldvppSetPicDescWidth(pic, EW + 2)); /* not the channel's size */
  CHECK_OK(acldvppSetPicDescHeight(pic, EH));
  CHECK_ERR(aclvencSendFrame(ch, pic, NULL, fc, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvencSetFrameConfigEos(fc, 1));
  CHECK_OK(aclvencSendFrame(ch, NULL, NULL, fc, NULL)); /* EOS with nothing sent */
  CHECK(g_enc.calls == 0);
  CHECK_OK(aclvencDestroyChannel(ch));
  CHECK_OK(aclvencDestroyChannelDesc(ch));
  CHECK_OK(aclvencDestroyFrameConfig(fc));
  CHECK_OK(acldvppDestroyPicDesc(pic));
  reporter_stop(&r);
  teardown();
}

/* Huawei's vdecandvenc describes its input picture by data and size only: VENC encodes it as the
   channel's picture (format, width, height; strides 16/2-aligned). A picture with a size set but no
   format is still refused. */
static void case_venc_bare_picture(void) {
  Reporter r;
  aclvencChannelDesc* ch;
  aclvencFrameConfig* fc;
  acldvppPicDesc* pic;
  void* mem = NULL;
  const uint32_t size = EW * EH * 3 / 2;
  SECTION("venc_bare_picture");
  setup();
  ch = start_venc(&r, H264_MAIN_LEVEL);
  CHECK_OK(aclvencCreateChannel(ch));
  fc = aclvencCreateFrameConfig();
  pic = acldvppCreatePicDesc();
  CHECK_OK(acldvppMalloc(&mem, size));
  nv12_frame((uint8_t*)mem, 0);
  CHECK_OK(acldvppSetPicDescData(pic, mem));
  CHECK_OK(acldvppSetPicDescSize(pic, size));
  CHECK_OK(aclvencSendFrame(ch, pic, NULL, fc, (void*)(intptr_t)7));
  CHECK_OK(aclvencSetFrameConfigEos(fc, 1));
  CHECK_OK(aclvencSendFrame(ch, NULL, NULL, fc, NULL));
  pthread_mutex_lock(&g_enc.m);
  CHECK(g_enc.calls == 1);
  CHECK(g_enc.calls < 1 || (g_enc.user[0] == 7 && g_enc.ret[0] == 0 && g_enc.sizes[0] > 0 &&
                            has_nal(g_enc.bytes[0], g_enc.sizes[0], 5)));
  if (g_enc.calls >= 1) free(g_enc.bytes[0]);
  pthread_mutex_unlock(&g_enc.m);
  CHECK_OK(aclvencDestroyChannel(ch));
  CHECK_OK(aclvencSetFrameConfigEos(fc, 0));
  CHECK_OK(aclvencCreateChannel(ch));
  CHECK_OK(acldvppSetPicDescWidth(pic, EW)); /* a size but no format: not a bare picture */
  CHECK_OK(acldvppSetPicDescHeight(pic, EH));
  CHECK_ERR(aclvencSendFrame(ch, pic, NULL, fc, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvencDestroyChannel(ch));
  CHECK_OK(aclvencDestroyChannelDesc(ch));
  CHECK_OK(aclvencDestroyFrameConfig(fc));
  CHECK_OK(acldvppDestroyPicDesc(pic));
  CHECK_OK(acldvppFree(mem));
  reporter_stop(&r);
  teardown();
}

static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("venc_descriptions", case_venc_descriptions),
    ACL_TEST_CASE("venc_roundtrip", case_venc_roundtrip),
    ACL_TEST_CASE("venc_refusals", case_venc_refusals),
    ACL_TEST_CASE("venc_bare_picture", case_venc_bare_picture),
};

int main(int argc, char** argv) {
  if (argc > 2) g_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
