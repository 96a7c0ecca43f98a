/* The runtime breadth of acl_rt.h on the host runtime: events with flags,
 * reset and timeouts, stream query and config, device synchronize with a
 * timeout, cached memory and cache maintenance, last-error semantics, the
 * exception callback with aclrtSetOpWaitTimeout, utilization, peer access
 * and aclFinalizeReference. Normal use, each documented error code, strict
 * and relaxed mode (ACL_HOST_STRICT, read to know the mode under test).
 * C99 + pthreads, acl/acl.h only. usage: test_acl_rt_ext */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

static int g_strict = 1;

/* ---- a gate: a BLOCK callback that holds its stream until released ---- */
static pthread_mutex_t g_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_gate_open = 0;
static int g_gate_entered = 0;
static int g_report_stop = 0; /* read by the report thread: atomic accesses (TSan) */
static aclrtContext g_ctx = NULL;

static void gate_cb(void* user) {
  (void)user;
  pthread_mutex_lock(&g_m);
  g_gate_entered = 1;
  pthread_cond_broadcast(&g_cv);
  while (!g_gate_open) pthread_cond_wait(&g_cv, &g_m);
  pthread_mutex_unlock(&g_m);
}

static void gate_wait_entered(void) {
  pthread_mutex_lock(&g_m);
  while (!g_gate_entered) pthread_cond_wait(&g_cv, &g_m);
  pthread_mutex_unlock(&g_m);
}

static void gate_open(void) {
  pthread_mutex_lock(&g_m);
  g_gate_open = 1;
  pthread_cond_broadcast(&g_cv);
  pthread_mutex_unlock(&g_m);
}

static void gate_reset(void) {
  pthread_mutex_lock(&g_m);
  g_gate_open = 0;
  g_gate_entered = 0;
  pthread_mutex_unlock(&g_m);
}

static void* report_thread(void* arg) {
  (void)arg;
  aclrtSetCurrentContext(g_ctx);
  while (!__atomic_load_n(&g_report_stop, __ATOMIC_SEQ_CST)) aclrtProcessReport(50);
  return NULL;
}

/* ---- exception callback ---- */
static int g_exceptions = 0;
static uint32_t g_exception_code = 0;
static uint32_t g_exception_device = 99;

static void on_exception(aclrtExceptionInfo* info) {
  pthread_mutex_lock(&g_m);
  ++g_exceptions;
  g_exception_code = aclrtGetErrorCodeFromExceptionInfo(info);
  g_exception_device = aclrtGetDeviceIdFromExceptionInfo(info);
  pthread_mutex_unlock(&g_m);
}

static void test_events(void) {
  aclrtEvent e = NULL, t0 = NULL, t1 = NULL, plain = NULL, ex = NULL, ipc = NULL;
  aclrtStream s = NULL;
  aclrtEventRecordedStatus st;
  aclrtEventStatus est;
  float ms = -1.f;

  SECTION("events: create with flags");
  CHECK_OK(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC));
  CHECK_OK(aclrtCreateEventWithFlag(&t0, ACL_EVENT_TIME_LINE | ACL_EVENT_SYNC));
  CHECK_OK(aclrtCreateEventWithFlag(&t1, ACL_EVENT_TIME_LINE));
  CHECK_OK(aclrtCreateEventWithFlag(&plain, ACL_EVENT_CAPTURE_STREAM_PROGRESS));
  CHECK_OK(aclrtCreateEventExWithFlag(&ex, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE));
  CHECK_OK(aclrtCreateEventExWithFlag(&ipc, ACL_EVENT_IPC));
  CHECK_ERR(aclrtCreateEventWithFlag(NULL, ACL_EVENT_SYNC), ACL_ERROR_INVALID_PARAM);
  {
    aclrtEvent bad = NULL;
    CHECK_ERR(aclrtCreateEventWithFlag(&bad, 0x80000000U), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtCreateEventWithFlag(&bad, 0), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtCreateEventWithFlag(&bad, ACL_EVENT_EXTERNAL | ACL_EVENT_SYNC), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtCreateEventWithFlag(&bad, ACL_EVENT_IPC), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtCreateEventExWithFlag(&bad, ACL_EVENT_IPC | ACL_EVENT_SYNC), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtCreateEventExWithFlag(NULL, ACL_EVENT_SYNC), ACL_ERROR_INVALID_PARAM);
    CHECK(bad == NULL);
  }
  CHECK_OK(aclrtCreateStream(&s));

  SECTION("events: record, time line, reset");
  CHECK_OK(aclrtRecordEvent(t0, s));
  CHECK_OK(aclrtRecordEvent(t1, s));
  CHECK_OK(aclrtRecordEvent(e, s));
  CHECK_OK(aclrtSynchronizeEventWithTimeout(e, -1));
  CHECK_OK(aclrtSynchronizeEventWithTimeout(t1, 0)); /* already complete: 0 only checks */
  CHECK_OK(aclrtEventElapsedTime(&ms, t0, t1));
  CHECK(ms >= 0.f);
  /* Events without ACL_EVENT_TIME_LINE record no time stamp. */
  CHECK_OK(aclrtRecordEvent(plain, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_STRICT(g_strict, aclrtEventElapsedTime(&ms, t0, plain), ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID);
  CHECK_STRICT(g_strict, aclrtEventElapsedTime(&ms, e, t1), ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID);
  CHECK_OK(aclrtQueryEventStatus(e, &st));
  CHECK(st == ACL_EVENT_RECORDED_STATUS_COMPLETE);
  CHECK_OK(aclrtResetEvent(e, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtQueryEventStatus(e, &st));
  CHECK(st == ACL_EVENT_RECORDED_STATUS_NOT_READY); /* reset: back to the initial state */
  CHECK_OK(aclrtRecordEvent(e, s));
  CHECK_OK(aclrtSynchronizeEvent(e));
  CHECK_OK(aclrtQueryEventStatus(e, &st));
  CHECK(st == ACL_EVENT_RECORDED_STATUS_COMPLETE);

  SECTION("events: documented restrictions (strict)");
  /* Without ACL_EVENT_SYNC: no aclrtResetEvent, no aclrtStreamWaitEvent. */
  CHECK_STRICT(g_strict, aclrtResetEvent(t1, s), ACL_ERROR_INVALID_PARAM);
  CHECK_STRICT(g_strict, aclrtStreamWaitEvent(s, t1), ACL_ERROR_INVALID_PARAM);
  /* aclrtCreateEventExWithFlag events: no aclrtResetEvent, no aclrtQueryEvent. */
  CHECK_STRICT(g_strict, aclrtResetEvent(ex, s), ACL_ERROR_INVALID_PARAM);
  CHECK_STRICT(g_strict, aclrtQueryEvent(ex, &est), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtRecordEvent(ex, s));
  CHECK_OK(aclrtStreamWaitEvent(s, ex));
  CHECK_OK(aclrtRecordEvent(ipc, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_STRICT(g_strict, aclrtEventElapsedTime(&ms, ipc, t0), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtSynchronizeStream(s));

  SECTION("events: bad input");
  CHECK_ERR(aclrtResetEvent(NULL, s), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtSynchronizeEventWithTimeout(NULL, 10), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR_ARG(aclrtSynchronizeEventWithTimeout(e, -2), ACL_ERROR_RT_PARAM_INVALID, "timeout");
  CHECK_ERR(aclrtSynchronizeEventWithTimeout((aclrtEvent)s, 10), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtResetEvent((aclrtEvent)s, s), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtResetEvent(e, (aclrtStream)e), ACL_ERROR_INVALID_RESOURCE_HANDLE);

  CHECK_OK(aclrtDestroyEvent(e));
  CHECK_OK(aclrtDestroyEvent(t0));
  CHECK_OK(aclrtDestroyEvent(t1));
  CHECK_OK(aclrtDestroyEvent(plain));
  CHECK_OK(aclrtDestroyEvent(ex));
  CHECK_OK(aclrtDestroyEvent(ipc));
  CHECK_OK(aclrtDestroyStream(s));
}

/* Work held behind a gate on a subscribed stream: queries, timeouts, op wait. */
static void test_held_stream(void) {
  aclrtStream s = NULL, s2 = NULL;
  aclrtEvent e = NULL;
  aclrtStreamStatus ss;
  pthread_t tid;
  int exceptions;

  SECTION("held stream: query and timeouts");
  CHECK_OK(aclrtGetCurrentContext(&g_ctx));
  CHECK_OK(aclrtCreateStreamWithConfig(&s, 0, ACL_STREAM_FAST_LAUNCH | ACL_STREAM_FAST_SYNC));
  CHECK_OK(aclrtCreateStream(&s2));
  CHECK_OK(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC));
  __atomic_store_n(&g_report_stop, 0, __ATOMIC_SEQ_CST);
  pthread_create(&tid, NULL, report_thread, NULL);
  CHECK_OK(aclrtSubscribeReport((uint64_t)tid, s));
  CHECK_OK(aclrtStreamQuery(s, &ss));
  CHECK(ss == ACL_STREAM_STATUS_COMPLETE);
  gate_reset();
  CHECK_OK(aclrtLaunchCallback(gate_cb, NULL, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtRecordEvent(e, s));
  gate_wait_entered();
  CHECK_OK(aclrtStreamQuery(s, &ss));
  CHECK(ss == ACL_STREAM_STATUS_NOT_READY);
  CHECK_ERR(aclrtSynchronizeEventWithTimeout(e, 0), ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
  CHECK_ERR(aclrtSynchronizeEventWithTimeout(e, 20), ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
  CHECK_ERR(aclrtSynchronizeDeviceWithTimeout(20), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);

  /* aclrtSetOpWaitTimeout: a queued wait longer than the limit fails its stream,
   * reported to the exception callback and by the stream's synchronize. */
  CHECK_OK(aclrtSetExceptionInfoCallback(on_exception));
  CHECK_OK(aclrtSetOpWaitTimeout(1));
  CHECK_OK(aclrtStreamWaitEvent(s2, e));
  CHECK_ERR(aclrtSynchronizeStream(s2), ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
  pthread_mutex_lock(&g_m);
  exceptions = g_exceptions;
  pthread_mutex_unlock(&g_m);
  CHECK(exceptions == 1);
  CHECK(g_exception_code == (uint32_t)ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
  CHECK(g_exception_device == 0);
  CHECK_OK(aclrtSetOpWaitTimeout(0)); /* 0: no limit again */
  CHECK_OK(aclrtSetExceptionInfoCallback(NULL));

  gate_open();
  CHECK_OK(aclrtSynchronizeEventWithTimeout(e, -1));
  CHECK_OK(aclrtSynchronizeDeviceWithTimeout(-1));
  CHECK_OK(aclrtStreamQuery(s, &ss));
  CHECK(ss == ACL_STREAM_STATUS_COMPLETE);
  CHECK_OK(aclrtSynchronizeDeviceWithTimeout(1000));

  SECTION("held stream: bad input");
  CHECK_ERR_ARG(aclrtSynchronizeDeviceWithTimeout(0), ACL_ERROR_RT_PARAM_INVALID, "timeout");
  CHECK_ERR(aclrtSynchronizeDeviceWithTimeout(-5), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_ERR_ARG(aclrtStreamQuery(s, NULL), ACL_ERROR_INVALID_PARAM, "status");
  CHECK_ERR(aclrtStreamQuery((aclrtStream)e, &ss), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_OK(aclrtStreamQuery(NULL, &ss)); /* the default stream */
  CHECK_ERR(aclrtCreateStreamWithConfig(NULL, 0, 0), ACL_ERROR_INVALID_PARAM);
  {
    aclrtStream bad = NULL;
    CHECK_ERR_ARG(aclrtCreateStreamWithConfig(&bad, 8, 0), ACL_ERROR_INVALID_PARAM, "priority");
    CHECK(bad == NULL);
  }
  CHECK_OK(aclrtSetExceptionInfoCallback(NULL));
  CHECK(aclrtGetTaskIdFromExceptionInfo(NULL) == 0xFFFFFFFFU);
  CHECK_MSG();

  CHECK_OK(aclrtUnSubscribeReport((uint64_t)tid, s));
  __atomic_store_n(&g_report_stop, 1, __ATOMIC_SEQ_CST);
  pthread_join(tid, NULL);
  CHECK_OK(aclrtDestroyEvent(e));
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtDestroyStream(s2));
}

/* ---- a subscribed thread that never calls aclrtProcessReport ---- */
static int g_idle_may_exit = 0;
static int g_dead_cb_runs = 0;

static void* idle_thread(void* arg) {
  (void)arg;
  pthread_mutex_lock(&g_m);
  while (!g_idle_may_exit) pthread_cond_wait(&g_cv, &g_m);
  pthread_mutex_unlock(&g_m);
  return NULL; /* exits still subscribed, never having processed a report */
}

static void dead_cb(void* user) {
  (void)user;
  pthread_mutex_lock(&g_m);
  ++g_dead_cb_runs;
  pthread_mutex_unlock(&g_m);
}

/* The runtime notices the exit of a subscribed thread that never called
 * aclrtProcessReport: its BLOCK callbacks are dropped (never run on a dead
 * thread), the stream is released and goes on, synchronize succeeds (as for a
 * report thread that processed reports and then exited). A regression makes
 * the synchronize time out (and unsubscribing then releases the stream). */
static void test_dead_subscriber(void) {
  aclrtStream s = NULL;
  pthread_t tid;
  void* d = NULL;
  unsigned char out[32];

  SECTION("dead subscriber: a BLOCK callback does not hang the stream");
  CHECK_OK(aclrtCreateStream(&s));
  CHECK_OK(aclrtMalloc(&d, sizeof out, ACL_MEM_MALLOC_HUGE_FIRST));
  g_idle_may_exit = 0;
  g_dead_cb_runs = 0;
  pthread_create(&tid, NULL, idle_thread, NULL);
  CHECK_OK(aclrtSubscribeReport((uint64_t)tid, s));
  /* Queued while the thread lives: the stream reaches the callback and waits. */
  CHECK_OK(aclrtLaunchCallback(dead_cb, NULL, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtMemsetAsync(d, sizeof out, 3, sizeof out, s));
  pthread_mutex_lock(&g_m);
  g_idle_may_exit = 1;
  pthread_cond_broadcast(&g_cv);
  pthread_mutex_unlock(&g_m);
  pthread_join(tid, NULL);
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 10000));
  CHECK_OK(aclrtMemcpy(out, sizeof out, d, sizeof out, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(out[0] == 3 && out[sizeof out - 1] == 3); /* the work after the callback ran */

  SECTION("dead subscriber: later callbacks are dropped at once");
  CHECK_OK(aclrtLaunchCallback(dead_cb, NULL, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtMemsetAsync(d, sizeof out, 4, sizeof out, s));
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 10000));
  CHECK_OK(aclrtMemcpy(out, sizeof out, d, sizeof out, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(out[0] == 4);
  pthread_mutex_lock(&g_m);
  CHECK(g_dead_cb_runs == 0); /* never run (there is no thread to run them) */
  pthread_mutex_unlock(&g_m);

  CHECK_OK(aclrtUnSubscribeReport((uint64_t)tid, s)); /* releases the stream after a regression */
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtFree(d));
}

static void test_memory(void) {
  void *c = NULL, *h = NULL, *d = NULL;
  char local[64];
  SECTION("memory: cached, flush, invalidate");
  CHECK_OK(aclrtMallocCached(&c, 256, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK(c != NULL);
  CHECK_OK(aclrtMemset(c, 256, 9, 256));
  CHECK_OK(aclrtMemFlush(c, 256));
  CHECK_OK(aclrtMemInvalidate((char*)c + 128, 128));
  CHECK(((unsigned char*)c)[255] == 9);
  CHECK_OK(aclrtMallocHost(&h, 64));
  CHECK_OK(aclrtMemcpy(h, 64, c, 64, ACL_MEMCPY_DEVICE_TO_HOST)); /* cached memory is device memory */
  CHECK_STRICT(g_strict, aclrtMemcpyAsync(h, 64, c, 64, ACL_MEMCPY_HOST_TO_HOST, NULL),
               ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  CHECK_OK(aclrtMemFlush(h, 64));
  CHECK_ERR(aclrtMallocCached(NULL, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR_ARG(aclrtMallocCached(&d, 0, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM, "size");
  CHECK_ERR(aclrtMallocCached(&d, 16, (aclrtMemMallocPolicy)0x77), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR_ARG(aclrtMemFlush(NULL, 16), ACL_ERROR_INVALID_PARAM, "devPtr");
  CHECK_ERR_ARG(aclrtMemFlush(c, 0), ACL_ERROR_INVALID_PARAM, "size");
  CHECK_ERR(aclrtMemInvalidate(NULL, 16), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemInvalidate(c, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_STRICT(g_strict, aclrtMemFlush(c, 257), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_STRICT(g_strict, aclrtMemInvalidate((char*)c + 200, 100), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_STRICT(g_strict, aclrtMemFlush(local, sizeof local), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtFree(c));
  CHECK_OK(aclrtFreeHost(h));
}

static void test_last_error(void) {
  void* p = NULL;
  SECTION("last error");
  (void)aclrtGetLastError(ACL_RT_THREAD_LEVEL);
  CHECK(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL) == ACL_SUCCESS);
  CHECK(aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_ERROR_INVALID_PARAM);
  CHECK(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL) == ACL_ERROR_INVALID_PARAM);
  CHECK(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL) == ACL_ERROR_INVALID_PARAM); /* peek keeps it */
  CHECK(aclrtGetLastError(ACL_RT_THREAD_LEVEL) == ACL_ERROR_INVALID_PARAM);
  CHECK(aclrtGetLastError(ACL_RT_THREAD_LEVEL) == ACL_SUCCESS); /* get cleared it */
  CHECK(aclrtFree(NULL) == ACL_ERROR_INVALID_PARAM);
  CHECK(aclrtMemFlush(NULL, 1) == ACL_ERROR_INVALID_PARAM);
  CHECK(aclrtGetLastError(ACL_RT_THREAD_LEVEL) == ACL_ERROR_INVALID_PARAM); /* the latest one */
  aclGetRecentErrMsg();
  CHECK_ERR_ARG(aclrtPeekAtLastError((aclrtLastErrLevel)3), ACL_ERROR_INVALID_PARAM, "level");
}

static void test_device_queries(void) {
  aclrtUtilizationInfo u;
  int32_t can = -1;
  uint32_t n = 0;
  SECTION("device: utilization");
  memset(&u, 0, sizeof u);
  CHECK_OK(aclrtGetDeviceUtilizationRate(0, &u));
  CHECK(u.cubeUtilization >= 0 && u.cubeUtilization <= 100);
  CHECK(u.vectorUtilization >= 0 && u.vectorUtilization <= 100);
  CHECK(u.aicpuUtilization >= 0 && u.aicpuUtilization <= 100);
  CHECK(u.memoryUtilization == -1); /* documented: not reported */
  CHECK_ERR(aclrtGetDeviceUtilizationRate(0, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtGetDeviceUtilizationRate(64, &u), ACL_ERROR_RT_INVALID_DEVICEID);
  CHECK_ERR(aclrtGetDeviceUtilizationRate(-1, &u), ACL_ERROR_RT_INVALID_DEVICEID);
  u.utilizationExtend = (aclrtUtilizationExtendInfo*)&u;
  CHECK_ERR_ARG(aclrtGetDeviceUtilizationRate(0, &u), ACL_ERROR_INVALID_PARAM, "utilizationExtend");

  SECTION("device: peer access");
  CHECK_OK(aclrtGetDeviceCount(&n));
  CHECK_ERR(aclrtDeviceCanAccessPeer(NULL, 0, 1), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR_ARG(aclrtDeviceCanAccessPeer(&can, 0, 0), ACL_ERROR_INVALID_PARAM, "peerDeviceId");
  CHECK_ERR(aclrtDeviceCanAccessPeer(&can, 0, 64), ACL_ERROR_RT_INVALID_DEVICEID);
  if (n >= 2) {
    CHECK_OK(aclrtDeviceCanAccessPeer(&can, 0, 1));
    CHECK(can == 1);
  }
}

static void test_stream_and_event_queries(void) {
  aclrtStream s = NULL, plain = NULL, doomed = NULL;
  aclrtEvent e = NULL, t = NULL, ex = NULL;
  uint32_t v = 99;
  int32_t id = -1, id2 = -1;
  uint64_t ts = 0, ts2 = 0;
  aclrtEventWaitStatus ws;
  SECTION("stream getters");
  CHECK_OK(aclrtCreateStreamWithConfig(&s, 3, ACL_STREAM_FAST_SYNC));
  CHECK_OK(aclrtCreateStream(&plain));
  CHECK_OK(aclrtStreamGetPriority(s, &v));
  CHECK(v == 3);
  CHECK_OK(aclrtStreamGetFlags(s, &v));
  CHECK(v == ACL_STREAM_FAST_SYNC);
  CHECK_OK(aclrtStreamGetFlags(plain, &v));
  CHECK(v == 0);
  CHECK_OK(aclrtStreamGetId(s, &id));
  CHECK_OK(aclrtStreamGetId(plain, &id2));
  CHECK(id >= 0 && id2 >= 0 && id != id2);
  CHECK_ERR_ARG(aclrtStreamGetPriority(s, NULL), ACL_ERROR_INVALID_PARAM, "priority");
  CHECK_ERR_ARG(aclrtStreamGetFlags(s, NULL), ACL_ERROR_INVALID_PARAM, "flags");
  CHECK_ERR_ARG(aclrtStreamGetId(s, NULL), ACL_ERROR_INVALID_PARAM, "streamId");
  CHECK_ERR(aclrtStreamGetId((aclrtStream)&v, &id), ACL_ERROR_INVALID_RESOURCE_HANDLE);

  SECTION("event timestamp and wait status");
  CHECK_OK(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC));
  CHECK_OK(aclrtCreateEventWithFlag(&t, ACL_EVENT_TIME_LINE));
  CHECK_OK(aclrtCreateEventExWithFlag(&ex, ACL_EVENT_SYNC));
  CHECK_ERR(aclrtEventGetTimestamp(e, &ts), ACL_ERROR_RT_EVENT_TIMESTAMP_INVALID); /* never recorded */
  CHECK_OK(aclrtQueryEventWaitStatus(e, &ws));
  CHECK(ws == ACL_EVENT_WAIT_STATUS_NOT_READY);
  CHECK_OK(aclrtRecordEvent(e, s));
  CHECK_OK(aclrtRecordEvent(t, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtEventGetTimestamp(e, &ts));
  CHECK_OK(aclrtEventGetTimestamp(t, &ts2));
  CHECK(ts > 0 && ts2 >= ts);
  CHECK_OK(aclrtQueryEventWaitStatus(e, &ws));
  CHECK(ws == ACL_EVENT_WAIT_STATUS_COMPLETE);
  CHECK_STRICT(g_strict, aclrtQueryEventWaitStatus(ex, &ws), ACL_ERROR_INVALID_PARAM);
  CHECK_STRICT(g_strict, aclrtQueryEventWaitStatus(t, &ws), ACL_ERROR_INVALID_PARAM); /* no ACL_EVENT_SYNC */
  CHECK_ERR_ARG(aclrtEventGetTimestamp(e, NULL), ACL_ERROR_INVALID_PARAM, "timestamp");
  CHECK_ERR_ARG(aclrtQueryEventWaitStatus(e, NULL), ACL_ERROR_INVALID_PARAM, "status");

  SECTION("destroy stream by force");
  CHECK_OK(aclrtCreateStream(&doomed));
  CHECK_OK(aclrtMemsetAsync(&v, sizeof v, 0, sizeof v, doomed)); /* queued, maybe dropped */
  CHECK_OK(aclrtDestroyStreamForce(doomed));
  CHECK_ERR(aclrtDestroyStreamForce(doomed), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtDestroyStreamForce(NULL), ACL_ERROR_INVALID_PARAM);

  CHECK_OK(aclrtDestroyEvent(e));
  CHECK_OK(aclrtDestroyEvent(t));
  CHECK_OK(aclrtDestroyEvent(ex));
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtDestroyStream(plain));
}

static void test_reset_device_force(void) {
  aclrtStream s = NULL;
  SECTION("aclrtResetDeviceForce");
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtSetDevice(0)); /* two references */
  CHECK_OK(aclrtResetDeviceForce(0));
  /* One call released both: the default context is gone. */
  CHECK_FAIL(aclrtCreateStream(&s));
  CHECK_ERR(aclrtResetDeviceForce(99), ACL_ERROR_RT_INVALID_DEVICEID);
}

static void test_finalize_reference(void) {
  uint64_t refs = 99;
  SECTION("aclFinalizeReference");
  CHECK_RET(aclInit(NULL), ACL_ERROR_REPEAT_INITIALIZE); /* a second reference */
  aclGetRecentErrMsg();
  CHECK_OK(aclFinalizeReference(&refs));
  CHECK(refs == 1);
  CHECK_OK(aclFinalizeReference(NULL));
  CHECK_ERR(aclFinalizeReference(&refs), ACL_ERROR_REPEAT_FINALIZE);
  CHECK(refs == 0);
}

int main(void) {
  const char* strict = getenv("ACL_HOST_STRICT");
  g_strict = !(strict && strcmp(strict, "0") == 0);
  SECTION("before aclInit");
  CHECK_OK(aclrtSetExceptionInfoCallback(NULL)); /* process-wide: allowed before aclInit */
  CHECK_ERR(aclrtSetOpWaitTimeout(1), ACL_ERROR_UNINITIALIZE);
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  test_events();
  test_held_stream();
  test_dead_subscriber();
  test_memory();
  test_last_error();
  test_device_queries();
  test_stream_and_event_queries();
  CHECK_OK(aclrtResetDevice(0));
  test_reset_device_force();
  test_finalize_reference();
  return check_finish();
}
