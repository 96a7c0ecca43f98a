/* VDEC and VENC on the CPU (libacl_dvpp.so, aclvdec*, aclvenc*): channel descriptions, decode of a generated H.264
 * clip with callbacks through aclrtProcessReport on the thread named by
 * aclvdecSetChannelDescThreadId, EOS, corrupt frames, another codec's stream, destroy with
 * frames in flight, bad input; VENC descriptions, encode -> decode round trip with a forced
 * I-frame, H.265 or its documented error, refusals.
 *
 * usage: test_acl_vdec <case>|all|--list <data dir>
 * The data dir holds tests/video_clips.py's clip.h264 (+ .sizes), clip.h265 (+ .sizes) and
 * clip.y (FFmpeg's own decode of clip.h264, luma planes). Tolerance: decoded luma equals
 * FFmpeg's to within 0.5 per pixel on average (the same decoder). Synchronisation: EOS and
 * aclvdecDestroyChannel return after every callback ran (the guide's contract); a Gate only
 * for the report thread's start. */
#define ENABLE_DVPP_INTERFACE
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl/ops/acl_dvpp.h"
#include "acl_check.h"
#include "gate.h"

#define W 160
#define H 120
#define MAX_FRAMES 64

static const char* g_dir = ".";

typedef struct {
  uint8_t* data;
  uint32_t size;
  uint32_t n;
  uint32_t sizes[MAX_FRAMES];
  uint32_t offsets[MAX_FRAMES];
} Clip;

static int read_clip(const char* name, Clip* c) {
  char path[1024];
  FILE* f;
  uint32_t total = 0;
  memset(c, 0, sizeof *c);
  snprintf(path, sizeof path, "%s/%s.sizes", g_dir, name);
  f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "missing %s (python tests/models.py <dir> writes it)\n", path);
    return 0;
  }
  while (c->n < MAX_FRAMES && fscanf(f, "%u", &c->sizes[c->n]) == 1) {
    c->offsets[c->n] = total;
    total += c->sizes[c->n++];
  }
  fclose(f);
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  f = fopen(path, "rb");
  if (!f) return 0;
  c->data = (uint8_t*)malloc(total);
  c->size = c->data ? (uint32_t)fread(c->data, 1, total, f) : 0;
  fclose(f);
  return c->size == total;
}

/* ---- the report thread -------------------------------------------------------------------- */
typedef struct {
  pthread_t tid;
  aclrtContext ctx;
  Gate stop; /* raised once: the loop ends */
  Gate started;
} Reporter;

static void* report_loop(void* arg) {
  Reporter* r = (Reporter*)arg;
  aclrtSetCurrentContext(r->ctx);
  gate_add(&r->started, 1);
  while (gate_count(&r->stop) == 0) aclrtProcessReport(50); /* 107012 until subscribed, 507012 when idle */
  return NULL;
}

static void reporter_start(Reporter* r) {
  memset(r, 0, sizeof *r);
  gate_init(&r->started);
  gate_init(&r->stop);
  CHECK_OK(aclrtGetCurrentContext(&r->ctx));
  CHECK(pthread_create(&r->tid, NULL, report_loop, r) == 0);
  CHECK(gate_wait(&r->started, 1));
}

static void reporter_stop(Reporter* r) {
  CHECK(gate_count(&r->started) == 1);
  gate_add(&r->stop, 1);
  pthread_join(r->tid, NULL);
  gate_destroy(&r->started);
  gate_destroy(&r->stop);
}

/* ---- what the callbacks saw ----------------------------------------------------------------- */
typedef struct {
  pthread_mutex_t m;
  int calls;
  int order[MAX_FRAMES * 2]; /* userData (frame index) per call */
  uint32_t ret[MAX_FRAMES * 2];
  int foreign_thread;
  pthread_t expect;
  double luma_mad[MAX_FRAMES * 2];
  uint32_t w, h, ws, hs, fmt;
  int null_output;
  int in_callback_eos; /* aclvdecSendFrame(EOS) from the callback thread */
} Seen;

static Seen g_seen;
static const uint8_t* g_ref = NULL; /* FFmpeg's luma planes */
static aclvdecChannelDesc* g_chan = NULL;
static acldvppStreamDesc* g_eos_desc = NULL;

static void seen_reset(pthread_t expect) {
  memset(&g_seen, 0, sizeof g_seen);
  pthread_mutex_init(&g_seen.m, NULL);
  g_seen.expect = expect;
}

static void on_frame(acldvppStreamDesc* input, acldvppPicDesc* output, void* userData) {
  int idx = (int)(intptr_t)userData;
  pthread_mutex_lock(&g_seen.m);
  if (!pthread_equal(pthread_self(), g_seen.expect)) g_seen.foreign_thread = 1;
  if (g_seen.calls < MAX_FRAMES * 2) {
    int k = g_seen.calls;
    g_seen.order[k] = idx;
    g_seen.ret[k] = output ? acldvppGetPicDescRetCode(output) : 0xffffffffu;
    g_seen.luma_mad[k] = -1;
    if (!output) {
      g_seen.null_output++;
    } else if (g_seen.ret[k] == 0) {
      const uint8_t* y = (const uint8_t*)acldvppGetPicDescData(output);
      uint32_t ws = acldvppGetPicDescWidthStride(output), r, c;
      g_seen.w = acldvppGetPicDescWidth(output);
      g_seen.h = acldvppGetPicDescHeight(output);
      g_seen.ws = ws;
      g_seen.hs = acldvppGetPicDescHeightStride(output);
      g_seen.fmt = (uint32_t)acldvppGetPicDescFormat(output);
      if (g_ref && idx >= 0 && idx < MAX_FRAMES && g_seen.w == W && g_seen.h == H) {
        double sum = 0;
        const uint8_t* ref = g_ref + (size_t)idx * W * H;
        for (r = 0; r < H; ++r)
          for (c = 0; c < W; ++c) sum += fabs((double)y[r * ws + c] - ref[r * W + c]);
        g_seen.luma_mad[k] = sum / (W * H);
      }
    }
  }
  g_seen.calls++;
  pthread_mutex_unlock(&g_seen.m);
  if (g_eos_desc && g_chan) { /* a channel must not wait for its own callbacks */
    aclError e = aclvdecSendFrame(g_chan, g_eos_desc, NULL, NULL, NULL);
    pthread_mutex_lock(&g_seen.m);
    if (e == ACL_ERROR_INVALID_PARAM) g_seen.in_callback_eos = 1;
    pthread_mutex_unlock(&g_seen.m);
    g_eos_desc = NULL;
  }
  (void)input;
}

/* ---- helpers -------------------------------------------------------------------------------- */
static aclvdecChannelDesc* make_vdec(const Reporter* r, acldvppStreamFormat type) {
  aclvdecChannelDesc* d = aclvdecCreateChannelDesc();
  CHECK(d != NULL);
  CHECK_OK(aclvdecSetChannelDescChannelId(d, 0));
  CHECK_OK(aclvdecSetChannelDescThreadId(d, (uint64_t)r->tid));
  CHECK_OK(aclvdecSetChannelDescCallback(d, on_frame));
  CHECK_OK(aclvdecSetChannelDescEnType(d, type));
  CHECK_OK(aclvdecSetChannelDescOutPicFormat(d, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  CHECK_OK(aclvdecCreateChannel(d));
  return d;
}

typedef struct {
  acldvppStreamDesc* in[MAX_FRAMES];
  acldvppPicDesc* out[MAX_FRAMES];
  void* in_mem[MAX_FRAMES];
  void* out_mem[MAX_FRAMES];
  uint32_t n;
} Frames;

/* Stream and picture descriptions for every frame of the clip (frame `corrupt`: garbage). */
static void frames_make(Frames* f, const Clip* c, int corrupt, uint32_t out_size) {
  uint32_t i;
  memset(f, 0, sizeof *f);
  f->n = c->n;
  for (i = 0; i < c->n; ++i) {
    CHECK_OK(acldvppMalloc(&f->in_mem[i], c->sizes[i]));
    memcpy(f->in_mem[i], c->data + c->offsets[i], c->sizes[i]);
    if ((int)i == corrupt) {
      uint32_t k;
      for (k = 0; k < c->sizes[i]; ++k) ((uint8_t*)f->in_mem[i])[k] = (uint8_t)(k * 97 + 13);
      ((uint8_t*)f->in_mem[i])[0] = 0, ((uint8_t*)f->in_mem[i])[1] = 0, ((uint8_t*)f->in_mem[i])[2] = 1;
    }
    f->in[i] = acldvppCreateStreamDesc();
    CHECK_OK(acldvppSetStreamDescData(f->in[i], f->in_mem[i]));
    CHECK_OK(acldvppSetStreamDescSize(f->in[i], c->sizes[i]));
    CHECK_OK(acldvppMalloc(&f->out_mem[i], out_size));
    f->out[i] = acldvppCreatePicDesc();
    CHECK_OK(acldvppSetPicDescData(f->out[i], f->out_mem[i]));
    CHECK_OK(acldvppSetPicDescSize(f->out[i], out_size));
    CHECK_OK(acldvppSetPicDescFormat(f->out[i], PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  }
}

static void frames_free(Frames* f) {
  uint32_t i;
  for (i = 0; i < f->n; ++i) {
    CHECK_OK(acldvppDestroyStreamDesc(f->in[i]));
    CHECK_OK(acldvppDestroyPicDesc(f->out[i]));
    CHECK_OK(acldvppFree(f->in_mem[i]));
    CHECK_OK(acldvppFree(f->out_mem[i]));
  }
}

static aclError send_eos(aclvdecChannelDesc* ch) {
  acldvppStreamDesc* eos = acldvppCreateStreamDesc();
  aclError e;
  CHECK_OK(acldvppSetStreamDescEos(eos, 1));
  e = aclvdecSendFrame(ch, eos, NULL, NULL, NULL);
  CHECK_OK(acldvppDestroyStreamDesc(eos));
  return e;
}

#define OUT_SIZE (W * H * 3 / 2) /* 160 and 120 are 16- and 2-aligned: the strides equal them */

static uint8_t* read_ref(void) {
  char path[1024];
  FILE* f;
  uint8_t* buf = (uint8_t*)malloc((size_t)W * H * 24);
  snprintf(path, sizeof path, "%s/clip.y", g_dir);
  f = fopen(path, "rb");
  if (!f || !buf || fread(buf, 1, (size_t)W * H * 24, f) != (size_t)W * H * 24) {
    if (f) fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  return buf;
}

static void setup(void) {
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
}

static void teardown(void) {
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
}

/* ---- cases ---------------------------------------------------------------------------------- */
static void case_descriptions(void) {
  aclvdecChannelDesc* d;
  aclvdecFrameConfig* fc;
  uint32_t csc = 3, got = 0;
  size_t ret_size = 0;
  SECTION("descriptions");
  setup();
  d = aclvdecCreateChannelDesc();
  CHECK(d != NULL);
  CHECK_OK(aclvdecSetChannelDescChannelId(d, 7));
  CHECK_OK(aclvdecSetChannelDescThreadId(d, 1234));
  CHECK_OK(aclvdecSetChannelDescCallback(d, on_frame));
  CHECK_OK(aclvdecSetChannelDescEnType(d, H264_MAIN_LEVEL));
  CHECK_OK(aclvdecSetChannelDescOutPicFormat(d, PIXEL_FORMAT_YVU_SEMIPLANAR_420));
  CHECK_OK(aclvdecSetChannelDescOutPicWidth(d, 640));
  CHECK_OK(aclvdecSetChannelDescOutPicHeight(d, 480));
  CHECK_OK(aclvdecSetChannelDescRefFrameNum(d, 4));
  CHECK_OK(aclvdecSetChannelDescBitDepth(d, 8));
  CHECK_OK(aclvdecSetChannelDescOutMode(d, 1));
  CHECK(aclvdecGetChannelDescChannelId(d) == 7);
  CHECK(aclvdecGetChannelDescThreadId(d) == 1234);
  CHECK(aclvdecGetChannelDescCallback(d) == on_frame);
  CHECK(aclvdecGetChannelDescEnType(d) == H264_MAIN_LEVEL);
  CHECK(aclvdecGetChannelDescOutPicFormat(d) == PIXEL_FORMAT_YVU_SEMIPLANAR_420);
  CHECK(aclvdecGetChannelDescOutPicWidth(d) == 640);
  CHECK(aclvdecGetChannelDescOutPicHeight(d) == 480);
  CHECK(aclvdecGetChannelDescRefFrameNum(d) == 4);
  CHECK(aclvdecGetChannelDescBitDepth(d) == 8);
  CHECK(aclvdecGetChannelDescOutMode(d) == 1);
  CHECK_OK(aclvdecSetChannelDescParam(d, ACL_VDEC_CSC_MATRIX_UINT32, sizeof csc, &csc));
  CHECK_OK(aclvdecGetChannelDescParam(d, ACL_VDEC_CSC_MATRIX_UINT32, sizeof got, &ret_size, &got));
  CHECK(got == 3 && ret_size == sizeof got);
  CHECK_ERR(aclvdecSetChannelDescParam(d, ACL_VDEC_CSC_MATRIX_UINT32, 1, &csc), ACL_ERROR_INVALID_PARAM);
  fc = aclvdecCreateFrameConfig();
  CHECK(fc != NULL);
  CHECK_OK(aclvdecDestroyFrameConfig(fc));
  CHECK_ERR(aclvdecDestroyFrameConfig(fc), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvdecDestroyChannelDesc(d));
  CHECK_ERR(aclvdecSetChannelDescChannelId(d, 1), ACL_ERROR_INVALID_PARAM);
  CHECK(aclvdecGetChannelDescChannelId(d) == 0);
  CHECK_MSG();
  teardown();
}

/* Every frame once, in order, on the named thread, at the documented size, luma close to
 * FFmpeg's; EOS returns after the last callback. */
static void case_decode(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  uint32_t i;
  int in_order = 1, ok = 1, close = 1;
  SECTION("decode");
  setup();
  CHECK(read_clip("clip.h264", &c) && c.n == 24);
  g_ref = read_ref();
  CHECK(g_ref != NULL);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_HIGH_LEVEL);
  frames_make(&f, &c, -1, OUT_SIZE);
  for (i = 0; i < f.n; ++i) CHECK_OK(aclvdecSendFrame(ch, f.in[i], f.out[i], NULL, (void*)(intptr_t)i));
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n); /* EOS returned after every callback */
  for (i = 0; i < f.n && i < (uint32_t)g_seen.calls; ++i) {
    if (g_seen.order[i] != (int)i) in_order = 0;
    if (g_seen.ret[i] != 0) ok = 0;
    if (!(g_seen.luma_mad[i] >= 0 && g_seen.luma_mad[i] <= 0.5)) {
      if (close) fprintf(stderr, "frame %u: luma differs from FFmpeg's by %.3f on average\n", i, g_seen.luma_mad[i]);
      close = 0;
    }
  }
  CHECK(in_order);
  CHECK(ok);
  CHECK(close);
  CHECK(!g_seen.foreign_thread);
  CHECK(g_seen.w == W && g_seen.h == H && g_seen.ws == 160 && g_seen.hs == 120);
  CHECK(g_seen.fmt == PIXEL_FORMAT_YUV_SEMIPLANAR_420);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  frames_free(&f);
  reporter_stop(&r);
  free((void*)g_ref);
  g_ref = NULL;
  free(c.data);
  teardown();
}

/* A garbage frame gets its callback with a non-zero ret code; every frame still one callback. */
static void case_corrupt(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  uint32_t i;
  int k, corrupt_seen = 0, once = 1, good_first = 1;
  int count[MAX_FRAMES] = {0};
  SECTION("corrupt");
  setup();
  CHECK(read_clip("clip.h264", &c) && c.n == 24);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_HIGH_LEVEL);
  frames_make(&f, &c, 5, OUT_SIZE);
  for (i = 0; i < f.n; ++i) CHECK_OK(aclvdecSendFrame(ch, f.in[i], f.out[i], NULL, (void*)(intptr_t)i));
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n);
  for (k = 0; k < g_seen.calls && k < MAX_FRAMES; ++k) {
    int idx = g_seen.order[k];
    if (idx >= 0 && idx < MAX_FRAMES) count[idx]++;
    if (idx == 5 && g_seen.ret[k] != 0) corrupt_seen = 1;
    if (idx < 5 && g_seen.ret[k] != 0) good_first = 0;
  }
  for (i = 0; i < f.n; ++i)
    if (count[i] != 1) once = 0;
  CHECK(corrupt_seen);
  CHECK(good_first);
  CHECK(once);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

/* H.265 data on an H.264 channel: every frame's callback reports an error. */
static void case_wrong_codec(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  int k, all_failed = 1;
  SECTION("wrong_codec");
  setup();
  CHECK(read_clip("clip.h265", &c) && c.n == 24);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_MAIN_LEVEL);
  frames_make(&f, &c, -1, OUT_SIZE);
  for (k = 0; k < (int)f.n; ++k) CHECK_OK(aclvdecSendFrame(ch, f.in[k], f.out[k], NULL, (void*)(intptr_t)k));
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n);
  for (k = 0; k < g_seen.calls && k < MAX_FRAMES; ++k)
    if (g_seen.ret[k] == 0) all_failed = 0;
  CHECK(all_failed);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

/* H.265 channel on the H.265 clip (Huawei's vdec sample decodes H.265), NV21 output. */
static void case_hevc_nv21(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  int k, ok = 1;
  SECTION("hevc_nv21");
  setup();
  CHECK(read_clip("clip.h265", &c) && c.n == 24);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H265_MAIN_LEVEL);
  frames_make(&f, &c, -1, OUT_SIZE);
  for (k = 0; k < (int)f.n; ++k) {
    CHECK_OK(acldvppSetPicDescFormat(f.out[k], PIXEL_FORMAT_YVU_SEMIPLANAR_420));
    CHECK_OK(aclvdecSendFrame(ch, f.in[k], f.out[k], NULL, (void*)(intptr_t)k));
  }
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n);
  for (k = 0; k < g_seen.calls && k < MAX_FRAMES; ++k)
    if (g_seen.ret[k] != 0 || g_seen.order[k] != k) ok = 0;
  CHECK(ok);
  CHECK(g_seen.fmt == PIXEL_FORMAT_YVU_SEMIPLANAR_420);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

/* Destroy without EOS, frames in flight: every callback runs once before destroy returns;
 * EOS sent from the callback thread is refused (it would wait for itself). */
static void case_destroy_in_flight(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  acldvppStreamDesc* eos;
  uint32_t i;
  SECTION("destroy_in_flight");
  setup();
  CHECK(read_clip("clip.h264", &c) && c.n == 24);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_HIGH_LEVEL);
  frames_make(&f, &c, -1, OUT_SIZE);
  eos = acldvppCreateStreamDesc();
  CHECK_OK(acldvppSetStreamDescEos(eos, 1));
  g_chan = ch;
  g_eos_desc = eos;
  for (i = 0; i < f.n; ++i) CHECK_OK(aclvdecSendFrame(ch, f.in[i], f.out[i], NULL, (void*)(intptr_t)i));
  CHECK_OK(aclvdecDestroyChannel(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n);
  CHECK(g_seen.in_callback_eos);
  pthread_mutex_unlock(&g_seen.m);
  g_chan = NULL;
  CHECK_ERR(aclvdecSendFrame(ch, f.in[0], f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM); /* destroyed */
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  CHECK_OK(acldvppDestroyStreamDesc(eos));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

static void case_bad_input(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* d;
  acldvppStreamDesc* empty;
  SECTION("bad_input");
  setup();
  CHECK(read_clip("clip.h264", &c));
  reporter_start(&r);
  seen_reset(r.tid);
  d = aclvdecCreateChannelDesc();
  CHECK_ERR(aclvdecCreateChannel(d), ACL_ERROR_INVALID_PARAM); /* no callback */
  CHECK_OK(aclvdecSetChannelDescCallback(d, on_frame));
  CHECK_ERR(aclvdecCreateChannel(d), ACL_ERROR_INVALID_PARAM); /* no thread id */
  CHECK_OK(aclvdecSetChannelDescThreadId(d, (uint64_t)r.tid));
  CHECK_OK(aclvdecSetChannelDescEnType(d, (acldvppStreamFormat)9));
  CHECK_ERR(aclvdecCreateChannel(d), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvdecSetChannelDescEnType(d, H264_MAIN_LEVEL));
  CHECK_OK(aclvdecSetChannelDescOutPicFormat(d, PIXEL_FORMAT_RGB_888));
  CHECK_ERR(aclvdecCreateChannel(d), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvdecSetChannelDescOutPicFormat(d, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  frames_make(&f, &c, -1, OUT_SIZE);
  CHECK_ERR(aclvdecSendFrame(d, f.in[0], f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM); /* not created */
  CHECK_OK(aclvdecCreateChannel(d));
  CHECK_ERR(aclvdecCreateChannel(d), ACL_ERROR_INVALID_PARAM);                              /* twice */
  CHECK_ERR(aclvdecDestroyChannelDesc(d), ACL_ERROR_INVALID_PARAM);                         /* still created */
  empty = acldvppCreateStreamDesc();
  CHECK_ERR(aclvdecSendFrame(d, empty, f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM);     /* empty, no EOS */
  CHECK_ERR(aclvdecSendFrame(d, f.in[0], NULL, NULL, NULL), ACL_ERROR_INVALID_PARAM);       /* no output */
  CHECK_ERR(aclvdecSendFrame(NULL, f.in[0], f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetPicDescWidth(f.out[0], W)); /* width alone: all four or none */
  CHECK_ERR(aclvdecSendFrame(d, f.in[0], f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(acldvppSetPicDescHeight(f.out[0], H));
  CHECK_OK(acldvppSetPicDescWidthStride(f.out[0], W + 8)); /* not 16-aligned */
  CHECK_OK(acldvppSetPicDescHeightStride(f.out[0], H));
  CHECK_ERR(aclvdecSendFrame(d, f.in[0], f.out[0], NULL, NULL), ACL_ERROR_INVALID_PARAM);
  /* A too small output buffer: the frame's callback reports it. */
  CHECK_OK(acldvppSetPicDescWidthStride(f.out[0], W));
  CHECK_OK(acldvppSetPicDescSize(f.out[0], 100));
  CHECK_OK(aclvdecSendFrame(d, f.in[0], f.out[0], NULL, (void*)(intptr_t)0));
  CHECK_OK(send_eos(d));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == 1 && g_seen.ret[0] != 0);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(d));
  CHECK_ERR(aclvdecDestroyChannel(d), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclvdecDestroyChannelDesc(d));
  CHECK_OK(acldvppDestroyStreamDesc(empty));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

/* Skipped frames are decoded (references) but give no picture: output NULL in the callback. */
static void case_skipped(void) {
  Reporter r;
  Clip c;
  Frames f;
  aclvdecChannelDesc* ch;
  uint32_t i;
  SECTION("skipped");
  setup();
  CHECK(read_clip("clip.h264", &c) && c.n == 24);
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_HIGH_LEVEL);
  frames_make(&f, &c, -1, OUT_SIZE);
  for (i = 0; i < f.n; ++i) {
    if (i % 2)
      CHECK_OK(aclvdecSendSkippedFrame(ch, f.in[i], NULL, (void*)(intptr_t)i));
    else
      CHECK_OK(aclvdecSendFrame(ch, f.in[i], f.out[i], NULL, (void*)(intptr_t)i));
  }
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)f.n);
  CHECK(g_seen.null_output == (int)f.n / 2);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  frames_free(&f);
  reporter_stop(&r);
  free(c.data);
  teardown();
}

/* acllite's VideoCapture refills one input buffer right after each send: the frame is taken by
 * aclvdecSendFrame itself. Host (malloc) stream data is refused in strict mode. */
static void case_reused_input(void) {
  Reporter r;
  Clip c;
  aclvdecChannelDesc* ch;
  acldvppStreamDesc* in;
  acldvppPicDesc* out[MAX_FRAMES];
  void* out_mem[MAX_FRAMES];
  void* buf = NULL;
  uint8_t* host;
  uint32_t i, max = 0;
  int ok = 1, close = 1;
  const char* strict = getenv("ACL_HOST_STRICT");
  SECTION("reused_input");
  setup();
  CHECK(read_clip("clip.h264", &c) && c.n == 24);
  g_ref = read_ref();
  reporter_start(&r);
  seen_reset(r.tid);
  ch = make_vdec(&r, H264_HIGH_LEVEL);
  for (i = 0; i < c.n; ++i) max = c.sizes[i] > max ? c.sizes[i] : max;
  CHECK_OK(acldvppMalloc(&buf, max));
  in = acldvppCreateStreamDesc();
  CHECK_OK(acldvppSetStreamDescData(in, buf));
  host = (uint8_t*)malloc(max);
  if (!(strict && strcmp(strict, "0") == 0)) {
    CHECK_OK(acldvppSetStreamDescData(in, host));
    CHECK_OK(acldvppSetStreamDescSize(in, 16));
    CHECK_ERR(aclvdecSendFrame(ch, in, NULL, NULL, NULL), ACL_ERROR_INVALID_PARAM); /* checked before output */
    CHECK_OK(acldvppSetStreamDescData(in, buf));
  }
  for (i = 0; i < c.n; ++i) {
    CHECK_OK(acldvppMalloc(&out_mem[i], OUT_SIZE));
    out[i] = acldvppCreatePicDesc();
    CHECK_OK(acldvppSetPicDescData(out[i], out_mem[i]));
    CHECK_OK(acldvppSetPicDescSize(out[i], OUT_SIZE));
    memcpy(buf, c.data + c.offsets[i], c.sizes[i]);
    CHECK_OK(acldvppSetStreamDescSize(in, c.sizes[i]));
    CHECK_OK(aclvdecSendFrame(ch, in, out[i], NULL, (void*)(intptr_t)i));
    memset(buf, 0xab, max); /* gone before the decoder runs */
  }
  CHECK_OK(send_eos(ch));
  pthread_mutex_lock(&g_seen.m);
  CHECK(g_seen.calls == (int)c.n);
  for (i = 0; i < c.n && i < (uint32_t)g_seen.calls; ++i) {
    if (g_seen.ret[i] != 0 || g_seen.order[i] != (int)i) ok = 0;
    if (!(g_seen.luma_mad[i] >= 0 && g_seen.luma_mad[i] <= 0.5)) close = 0;
  }
  CHECK(ok);
  CHECK(close);
  pthread_mutex_unlock(&g_seen.m);
  CHECK_OK(aclvdecDestroyChannel(ch));
  CHECK_OK(aclvdecDestroyChannelDesc(ch));
  for (i = 0; i < c.n; ++i) {
    CHECK_OK(acldvppDestroyPicDesc(out[i]));
    CHECK_OK(acldvppFree(out_mem[i]));
  }
  CHECK_OK(acldvppDestroyStreamDesc(in));
  CHECK_OK(acldvppFree(buf));
  free(host);
  free((void*)g_ref);
  g_ref = NULL;
  free(c.data);
  reporter_stop(&r);
  teardown();
}

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

static aclvencChannelDesc* make_venc(const Reporter* r, acldvppStreamFormat type) {
  aclvencChannelDesc* d = aclvencCreateChannelDesc();
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
  reporter_start(&r);
  memset(&g_enc, 0, sizeof g_enc);
  pthread_mutex_init(&g_enc.m, NULL);
  g_enc.expect = r.tid;
  ch = make_venc(&r, H264_MAIN_LEVEL);
  CHECK_OK(aclvencCreateChannel(ch));
  fc = aclvencCreateFrameConfig();
  pic = acldvppCreatePicDesc();
  CHECK_OK(acldvppSetPicDescFormat(pic, PIXEL_FORMAT_YUV_SEMIPLANAR_420));
  CHECK_OK(acldvppSetPicDescWidth(pic, EW));
  CHECK_OK(acldvppSetPicDescHeight(pic, EH));
  CHECK_OK(acldvppSetPicDescWidthStride(pic, EW));
  CHECK_OK(acldvppSetPicDescHeightStride(pic, EH));
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
  reporter_start(&r);
  memset(&g_enc, 0, sizeof g_enc);
  pthread_mutex_init(&g_enc.m, NULL);
  g_enc.expect = r.tid;
  ch = make_venc(&r, H265_MAIN_LEVEL);
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
  reporter_start(&r);
  memset(&g_enc, 0, sizeof g_enc);
  pthread_mutex_init(&g_enc.m, NULL);
  g_enc.expect = r.tid;
  ch = make_venc(&r, H264_MAIN_LEVEL);
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
    ACL_TEST_CASE("descriptions", case_descriptions),
    ACL_TEST_CASE("decode", case_decode),
    ACL_TEST_CASE("corrupt", case_corrupt),
    ACL_TEST_CASE("wrong_codec", case_wrong_codec),
    ACL_TEST_CASE("hevc_nv21", case_hevc_nv21),
    ACL_TEST_CASE("destroy_in_flight", case_destroy_in_flight),
    ACL_TEST_CASE("bad_input", case_bad_input),
    ACL_TEST_CASE("skipped", case_skipped),
    ACL_TEST_CASE("reused_input", case_reused_input),
    ACL_TEST_CASE("venc_descriptions", case_venc_descriptions),
    ACL_TEST_CASE("venc_roundtrip", case_venc_roundtrip),
    ACL_TEST_CASE("venc_refusals", case_venc_refusals),
    ACL_TEST_CASE("venc_bare_picture", case_venc_bare_picture),
};

int main(int argc, char** argv) {
  if (argc > 2) g_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
