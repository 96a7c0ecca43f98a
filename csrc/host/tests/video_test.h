/* What the VDEC and VENC C tests (test_acl_vdec.c, test_acl_venc.c) share: the clip files of
 * tests/video_clips.py, the report thread a channel's callbacks run on, what VDEC's callback saw, a VDEC
 * channel, the stream/picture descriptions of a clip's frames, EOS, ACL set-up and teardown.
 * Header-only (static inline), like acl_check.h and gate.h: each test program has its own copy of
 * the globals the callbacks write. */
#ifndef ACL_HOST_TESTS_VIDEO_TEST_H
#define ACL_HOST_TESTS_VIDEO_TEST_H

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

static inline int read_clip(const char* name, Clip* c) {
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

static inline void* report_loop(void* arg) {
  Reporter* r = (Reporter*)arg;
  aclrtSetCurrentContext(r->ctx);
  gate_add(&r->started, 1);
  while (gate_count(&r->stop) == 0) aclrtProcessReport(50); /* 107012 until subscribed, 507012 when idle */
  return NULL;
}

static inline void reporter_start(Reporter* r) {
  memset(r, 0, sizeof *r);
  gate_init(&r->started);
  gate_init(&r->stop);
  CHECK_OK(aclrtGetCurrentContext(&r->ctx));
  CHECK(pthread_create(&r->tid, NULL, report_loop, r) == 0);
  CHECK(gate_wait(&r->started, 1));
}

static inline void reporter_stop(Reporter* r) {
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

static inline void seen_reset(pthread_t expect) {
  memset(&g_seen, 0, sizeof g_seen);
  pthread_mutex_init(&g_seen.m, NULL);
  g_seen.expect = expect;
}

static inline void on_frame(acldvppStreamDesc* input, acldvppPicDesc* output, void* userData) {
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
static inline aclvdecChannelDesc* make_vdec(const Reporter* r, acldvppStreamFormat type) {
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
static inline void frames_make(Frames* f, const Clip* c, int corrupt, uint32_t out_size) {
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

static inline void frames_free(Frames* f) {
  uint32_t i;
  for (i = 0; i < f->n; ++i) {
    CHECK_OK(acldvppDestroyStreamDesc(f->in[i]));
    CHECK_OK(acldvppDestroyPicDesc(f->out[i]));
    CHECK_OK(acldvppFree(f->in_mem[i]));
    CHECK_OK(acldvppFree(f->out_mem[i]));
  }
}

static inline aclError send_eos(aclvdecChannelDesc* ch) {
  acldvppStreamDesc* eos = acldvppCreateStreamDesc();
  aclError e;
  CHECK_OK(acldvppSetStreamDescEos(eos, 1));
  e = aclvdecSendFrame(ch, eos, NULL, NULL, NULL);
  CHECK_OK(acldvppDestroyStreamDesc(eos));
  return e;
}

#define OUT_SIZE (W * H * 3 / 2) /* 160 and 120 are 16- and 2-aligned: the strides equal them */

static inline uint8_t* read_ref(void) {
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

static inline void setup(void) {
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
}

static inline void teardown(void) {
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
}

#endif
