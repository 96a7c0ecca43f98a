/* VDEC and VENC on the CPU (libacl_dvpp.so, aclvdec*, aclvenc*): channel descriptions, decode of a generated H.264
 * clip with callbacks through aclrtProcessReport on the thread named by
 * aclvdecSetChannelDescThreadId, EOS, corrupt frames, another codec's stream, destroy with
 * frames in flight, bad input (VENC: test_acl_venc.c; the scaffolding both use: video_test.h).
 *
 * usage: test_acl_vdec <case>|all|--list <data dir>
 * The data dir holds tests/video_clips.py's clip.h264 (+ .sizes), clip.h265 (+ .sizes) and
 * clip.y (FFmpeg's own decode of clip.h264, luma planes). Tolerance: decoded luma equals
 * FFmpeg's to within 0.5 per pixel on average (the same decoder). Synchronisation: EOS and
 * aclvdecDestroyChannel return after every callback ran (the guide's contract); a Gate only
 * for the report thread's start. */
#include "video_test.h"

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
};

int main(int argc, char** argv) {
  if (argc > 2) g_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
