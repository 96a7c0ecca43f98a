/* acl_rt.h on the host runtime: init, devices, contexts, streams, events,
 * memory (strict-mode rules), report callbacks, timeouts and teardown with
 * live resources. C99 + pthreads, acl/acl.h only. Threads synchronise through gates
 * (gate.h), callbacks and aclrtProcessReport, never through sleeps.
 *
 * usage: test_acl_rt <case>|all|--list [<scratch dir>]   (cases: the table at the end)
 * Reads ACL_HOST_STRICT, ACL_HOST_DEVICE_COUNT and ACL_HOST_DEVICE_MEMORY_MB
 * to know what the runtime under test was told. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_check.h"
#include "gate.h"

static int g_strict = 1;
static uint32_t g_devices = 1;
static size_t g_arena = (size_t)8 << 30;
static const char* g_dir = ".";
static aclrtContext g_default_ctx = NULL;

/* ---------------------------------------------------------------- helpers */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t self_id(void) { return (uint64_t)pthread_self(); }

/* <scratch dir>/<pid>.<name>: cases of several runs may share the folder. */
static void scratch_path(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/%ld.%s", g_dir, (long)getpid(), name);
}

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fputs(text, f);
  fclose(f);
}

/* count_cb: counts its calls (a gate: wait for the n-th) and records its thread. */
static Gate g_counter;
static uint64_t g_cb_thread = 0;

static void count_cb(void* user) {
  (void)user;
  __atomic_store_n(&g_cb_thread, self_id(), __ATOMIC_SEQ_CST);
  gate_add(&g_counter, 1);
}

static int counter(void) { return gate_count(&g_counter); }

/* hold_cb: a callback that says it started, then waits until the test lets it return. */
typedef struct {
  Gate entered;  /* +1 when the callback starts */
  Gate release;  /* the callback returns once this is >= 1 */
  Gate returned; /* +1 when it returns */
} Hold;

static void hold_init(Hold* h) {
  gate_init(&h->entered);
  gate_init(&h->release);
  gate_init(&h->returned);
}

static void hold_destroy(Hold* h) {
  gate_destroy(&h->entered);
  gate_destroy(&h->release);
  gate_destroy(&h->returned);
}

static void hold_cb(void* user) {
  Hold* h = (Hold*)user;
  gate_add(&h->entered, 1);
  gate_wait(&h->release, 1);
  gate_add(&h->returned, 1);
}

/* A report thread like the sample's: loops aclrtProcessReport until told to stop. Its
 * results are gates the test waits on. Until the test subscribed it (reporter_subscribe),
 * the sample's loop spins on 107012; here it waits for the subscription instead. */
typedef struct {
  pthread_t thread;
  int stop;
  int timeout_ms;
  aclrtContext ctx;
  Gate subscribed;     /* opened by reporter_subscribe */
  Gate processed;      /* calls that ran callbacks */
  Gate timeouts;       /* ACL_ERROR_RT_REPORT_TIMEOUT results */
  Gate not_subscribed; /* 107012 results */
  int other_errors;
} Reporter;

static void* reporter_main(void* arg) {
  Reporter* r = (Reporter*)arg;
  if (r->ctx) aclrtSetCurrentContext(r->ctx);
  while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
    aclError e = aclrtProcessReport(r->timeout_ms);
    if (e == ACL_SUCCESS)
      gate_add(&r->processed, 1);
    else if (e == ACL_ERROR_RT_REPORT_TIMEOUT)
      gate_add(&r->timeouts, 1);
    else if (e == ACL_ERROR_RT_THREAD_SUBSCRIBE) {
      gate_add(&r->not_subscribed, 1);
      gate_wait(&r->subscribed, 1);
    } else
      __atomic_fetch_add(&r->other_errors, 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

static void reporter_start(Reporter* r, aclrtContext ctx) {
  memset(r, 0, sizeof *r);
  r->timeout_ms = 20;
  r->ctx = ctx;
  gate_init(&r->subscribed);
  gate_init(&r->processed);
  gate_init(&r->timeouts);
  gate_init(&r->not_subscribed);
  pthread_create(&r->thread, NULL, reporter_main, r);
}

static uint64_t reporter_id(Reporter* r) { return (uint64_t)r->thread; }

static aclError reporter_subscribe(Reporter* r, aclrtStream s) {
  aclError e = aclrtSubscribeReport(reporter_id(r), s);
  gate_add(&r->subscribed, 1);
  return e;
}

static void reporter_stop(Reporter* r) {
  __atomic_store_n(&r->stop, 1, __ATOMIC_SEQ_CST);
  gate_add(&r->subscribed, 1);
  pthread_join(r->thread, NULL);
}

static void reporter_destroy(Reporter* r) {
  gate_destroy(&r->subscribed);
  gate_destroy(&r->processed);
  gate_destroy(&r->timeouts);
  gate_destroy(&r->not_subscribed);
}

/* Runs fn in a fresh thread (which has no current context) and joins it. */
static void in_thread(void* (*fn)(void*), void* arg) {
  pthread_t t;
  pthread_create(&t, NULL, fn, arg);
  pthread_join(t, NULL);
}

/* ---------------------------------------------------------------- init */

static void test_before_init(void) {
  void* p = NULL;
  aclrtContext c = NULL;
  aclrtStream s = NULL;
  SECTION("before aclInit");
  CHECK_ERR(aclrtSetDevice(0), ACL_ERROR_UNINITIALIZE);
  CHECK_ERR(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
  CHECK_ERR(aclrtMalloc(&p, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_UNINITIALIZE);
  CHECK_ERR(aclrtCreateContext(&c, 0), ACL_ERROR_UNINITIALIZE);
  CHECK_ERR(aclrtCreateStream(&s), ACL_ERROR_UNINITIALIZE);
}

static void test_init(void) {
  char good[1024], bad[1024], array[1024], empty[1024], missing[1024];
  int32_t major = 0, minor = 0, patch = 0;
  SECTION("aclInit");
  scratch_path(good, sizeof good, "acl.json");
  scratch_path(bad, sizeof bad, "bad.json");
  scratch_path(array, sizeof array, "array.json");
  scratch_path(empty, sizeof empty, "empty.json");
  snprintf(missing, sizeof missing, "%s/no/such/acl.json", g_dir);
  write_file(
      good,
      "{\n  \"dump\": {\"dump_list\": [], \"dump_path\": \"/tmp\"},\n  \"x\": [1, 2.5e3, true, null]\n}\n");
  write_file(bad, "{ \"dump\": ");
  write_file(array, "[1, 2]");
  write_file(empty, "");
  CHECK_ERR(aclInit(missing), ACL_ERROR_INVALID_FILE);
  CHECK_ERR(aclInit(g_dir), ACL_ERROR_INVALID_FILE); /* a directory */
  CHECK_ERR(aclInit(bad), ACL_ERROR_PARSE_FILE);
  CHECK_ERR(aclInit(array), ACL_ERROR_PARSE_FILE);
  CHECK_ERR(aclInit(empty), ACL_ERROR_PARSE_FILE);
  CHECK_ERR(aclrtSetDevice(0), ACL_ERROR_UNINITIALIZE); /* failed inits leave it uninitialized */
  CHECK_OK(aclInit(good));
  CHECK_ERR(aclInit(good), ACL_ERROR_REPEAT_INITIALIZE);
  CHECK_ERR(aclInit(NULL), ACL_ERROR_REPEAT_INITIALIZE);
  CHECK_OK(aclFinalize());
  CHECK_ERR(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
  CHECK_OK(aclInit(NULL));
  remove(good);
  remove(bad);
  remove(array);
  remove(empty);

  SECTION("aclrtGetVersion");
  CHECK_OK(aclrtGetVersion(&major, &minor, &patch));
  CHECK(major >= 1);
  CHECK_ERR(aclrtGetVersion(NULL, &minor, &patch), ACL_ERROR_INVALID_PARAM);
}

/* ---------------------------------------------------------------- devices */

static void* no_context_thread(void* arg) {
  int* ok = (int*)arg;
  aclrtContext c = NULL;
  aclrtStream s = NULL;
  int32_t dev = -1;
  void* p = NULL;
  aclrtEvent e = NULL;
  *ok = aclrtGetCurrentContext(&c) == ACL_ERROR_RT_CONTEXT_NULL && aclGetRecentErrMsg() != NULL &&
        aclrtGetDevice(&dev) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtCreateStream(&s) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtSynchronizeStream(NULL) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtCreateEvent(&e) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, NULL) == ACL_ERROR_RT_CONTEXT_NULL &&
        aclrtSynchronizeDevice() == ACL_ERROR_RT_CONTEXT_NULL;
  return NULL;
}

static void test_devices(void) {
  uint32_t count = 0;
  int32_t dev = -1;
  aclrtRunMode mode = ACL_DEVICE;
  aclrtContext c = NULL;
  int ok = 0;
  SECTION("devices");
  CHECK_OK(aclrtGetDeviceCount(&count));
  CHECK(count == g_devices);
  CHECK_ERR(aclrtGetDeviceCount(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtGetDevice(&dev), ACL_ERROR_RT_CONTEXT_NULL);
  CHECK_ERR(aclrtSetDevice((int32_t)count), ACL_ERROR_RT_INVALID_DEVICEID);
  CHECK_ERR(aclrtSetDevice(-1), ACL_ERROR_RT_INVALID_DEVICEID);
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtGetDevice(&dev));
  CHECK(dev == 0);
  CHECK_ERR(aclrtGetDevice(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtGetRunMode(&mode));
  CHECK(mode == ACL_HOST);
  CHECK_ERR(aclrtGetRunMode(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtGetCurrentContext(&g_default_ctx));
  CHECK(g_default_ctx != NULL);
  CHECK_FAIL(aclrtDestroyContext(g_default_ctx)); /* the default context goes with aclrtResetDevice */
  CHECK_OK(aclrtSynchronizeDevice());
  in_thread(no_context_thread, &ok);
  CHECK(ok);

  SECTION("device reference counting");
  CHECK_OK(aclrtSetDevice(0)); /* second reference, same default context */
  CHECK_OK(aclrtGetCurrentContext(&c));
  CHECK(c == g_default_ctx);
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclrtGetCurrentContext(&c)); /* still there: one reference left */
  CHECK(c == g_default_ctx);
  CHECK_ERR(aclrtResetDevice((int32_t)count), ACL_ERROR_RT_INVALID_DEVICEID);

  if (count > 1) {
    SECTION("second device");
    CHECK_OK(aclrtSetDevice(1));
    CHECK_OK(aclrtGetDevice(&dev));
    CHECK(dev == 1);
    CHECK_OK(aclrtCreateContext(&c, 1));
    CHECK_OK(aclrtGetDevice(&dev));
    CHECK(dev == 1);
    CHECK_OK(aclrtDestroyContext(c));
    CHECK_OK(aclrtResetDevice(1));
    CHECK_ERR(aclrtGetCurrentContext(&c), ACL_ERROR_RT_CONTEXT_NULL); /* device 1's default context went */
    CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
  }
}

/* ---------------------------------------------------------------- contexts */

typedef struct {
  aclrtContext set;
  int ok;
} CtxArg;

static void* context_thread(void* arg) {
  CtxArg* a = (CtxArg*)arg;
  aclrtContext c = NULL;
  a->ok = aclrtGetCurrentContext(&c) == ACL_ERROR_RT_CONTEXT_NULL;
  a->ok = a->ok && aclrtSetCurrentContext(a->set) == ACL_SUCCESS;
  a->ok = a->ok && aclrtGetCurrentContext(&c) == ACL_SUCCESS && c == a->set;
  return NULL;
}

static void test_contexts(void) {
  aclrtContext c1 = NULL, c2 = NULL, cur = NULL;
  CtxArg arg;
  SECTION("contexts");
  CHECK_ERR(aclrtCreateContext(NULL, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtCreateContext(&c1, 99), ACL_ERROR_RT_INVALID_DEVICEID);
  CHECK_OK(aclrtCreateContext(&c1, 0));
  CHECK_OK(aclrtGetCurrentContext(&cur));
  CHECK(cur == c1); /* creating makes it current */
  CHECK_OK(aclrtCreateContext(&c2, 0));
  CHECK_OK(aclrtGetCurrentContext(&cur));
  CHECK(cur == c2 && c1 != c2);
  CHECK_OK(aclrtSetCurrentContext(c1));
  CHECK_OK(aclrtGetCurrentContext(&cur));
  CHECK(cur == c1);
  /* Per thread: a new thread has none; setting it there leaves ours alone. */
  arg.set = c2;
  arg.ok = 0;
  in_thread(context_thread, &arg);
  CHECK(arg.ok);
  CHECK_OK(aclrtGetCurrentContext(&cur));
  CHECK(cur == c1);
  CHECK_ERR(aclrtGetCurrentContext(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtSetCurrentContext(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtDestroyContext(c2));
  CHECK_ERR(aclrtSetCurrentContext(c2), ACL_ERROR_INVALID_RESOURCE_HANDLE); /* destroyed */
  CHECK_ERR(aclrtDestroyContext(c2), ACL_ERROR_INVALID_RESOURCE_HANDLE);    /* destroyed twice */
  CHECK_ERR(aclrtSetCurrentContext((aclrtContext)&arg),
            ACL_ERROR_INVALID_RESOURCE_HANDLE); /* never a context */
  CHECK_ERR(aclrtDestroyContext(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtDestroyContext(c1)); /* the current one */
  CHECK_ERR(aclrtGetCurrentContext(&cur), ACL_ERROR_RT_CONTEXT_NULL);
  CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
}

/* ---------------------------------------------------------------- streams */

static void test_streams(void) {
  aclrtStream s = NULL, s2 = NULL;
  aclrtContext other = NULL;
  SECTION("streams");
  CHECK_ERR(aclrtCreateStream(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtCreateStream(&s));
  CHECK(s != NULL);
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtSynchronizeStream(NULL)); /* the default stream */
  CHECK_ERR(aclrtSynchronizeStreamWithTimeout(s, -2), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, -1));
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 10));
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(NULL, 10));
  CHECK_ERR(aclrtDestroyStream(NULL), ACL_ERROR_INVALID_PARAM);

  SECTION("streams: context ownership");
  CHECK_OK(aclrtCreateContext(&other, 0));
  CHECK_OK(aclrtCreateStream(&s2));
  CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
  CHECK_ERR(aclrtDestroyStream(s2), ACL_ERROR_RT_STREAM_CONTEXT);
  CHECK_OK(aclrtSetCurrentContext(other));
  CHECK_OK(aclrtDestroyStream(s2));
  CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
  CHECK_OK(aclrtDestroyContext(other));

  SECTION("streams: stale handles");
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_ERR(aclrtDestroyStream(s), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtSynchronizeStream(s), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtSynchronizeStream((aclrtStream)&s), ACL_ERROR_INVALID_RESOURCE_HANDLE);
}

/* ---------------------------------------------------------------- memory */

static void test_memory(void) {
  void *d = NULL, *d2 = NULL, *h = NULL, *p = NULL;
  unsigned char host[256], back[256];
  size_t free_before = 0, total = 0, free_after = 0, i;
  int good;
  aclrtStream s = NULL;
  SECTION("memory: allocation");
  CHECK_ERR(aclrtMalloc(NULL, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMalloc(&p, 16, (aclrtMemMallocPolicy)0x77), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free_before, &total));
  CHECK(total == g_arena);
  CHECK_ERR(aclrtGetMemInfo(ACL_HBM_MEM, NULL, &total), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtMalloc(&d, 256, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMalloc(&d2, 256, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK(((uintptr_t)d % 64) == 0 && ((uintptr_t)d2 % 64) == 0);
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free_after, &total));
  CHECK(free_before - free_after >= 512);
  CHECK_OK(aclrtMallocHost(&h, 256));
  CHECK_ERR(aclrtMallocHost(NULL, 256), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMallocHost(&p, 0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMallocHost(&p, (size_t)1 << 62), ACL_ERROR_BAD_ALLOC); /* host memory exhausted */
  CHECK_ERR(aclrtFree(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtFreeHost(NULL), ACL_ERROR_INVALID_PARAM);

  SECTION("memory: arena bound");
  CHECK_ERR(aclrtMalloc(&p, g_arena + 1, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_RT_MEMORY_ALLOCATION);
  if (g_arena <= ((size_t)256 << 20)) {
    void* big = NULL;
    CHECK_OK(aclrtMalloc(&big, g_arena * 3 / 4, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_ERR(aclrtMalloc(&p, g_arena / 2, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_RT_MEMORY_ALLOCATION);
    CHECK_OK(aclrtFree(big));
    CHECK_OK(aclrtMalloc(&big, g_arena / 2, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_OK(aclrtFree(big));
  }

  SECTION("memory: copies");
  for (i = 0; i < sizeof host; ++i) host[i] = (unsigned char)i;
  CHECK_OK(aclrtMemcpy(d, 0, host, 0, ACL_MEMCPY_HOST_TO_DEVICE)); /* count 0: nothing to do */
  CHECK_ERR(aclrtMemcpy(NULL, 256, host, 256, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemcpy(d, 256, NULL, 256, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemcpy(d, 128, host, 256, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_OK(aclrtMemcpy(d, 256, host, 256, ACL_MEMCPY_HOST_TO_DEVICE));
  CHECK_OK(aclrtMemcpy(d2, 256, d, 256, ACL_MEMCPY_DEVICE_TO_DEVICE));
  memset(back, 0, sizeof back);
  CHECK_OK(aclrtMemcpy(back, sizeof back, d2, 256, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(memcmp(back, host, sizeof host) == 0);
  CHECK_OK(aclrtMemcpy(h, 256, host, 256, ACL_MEMCPY_HOST_TO_HOST));
  CHECK_OK(aclrtMemcpy(d, 256, h, 256, ACL_MEMCPY_HOST_TO_DEVICE)); /* pinned host memory is host memory */
  CHECK_OK(aclrtMemcpy((char*)d + 64, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE)); /* interior range */
  CHECK_OK(aclrtMemset(d2, 256, 0xAB, 256));
  CHECK_OK(aclrtMemcpy(back, sizeof back, d2, 256, ACL_MEMCPY_DEVICE_TO_HOST));
  good = 1;
  for (i = 0; i < sizeof back; ++i) good = good && back[i] == 0xAB;
  CHECK(good);
  CHECK_ERR(aclrtMemset(NULL, 16, 0, 16), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemset(d, 16, 0, 32), ACL_ERROR_RT_PARAM_INVALID);

  SECTION("memcpy: the kind of a synchronous copy is reserved, the addresses decide");
  /* aclrtMemcpy: "kind is reserved; the runtime judges from the source and destination addresses
   * whether the copy can be made" (aclcppdevg, aclrtMemcpy): no kind is refused in either mode
   * (acllite copies a DVPP frame with ACL_MEMCPY_HOST_TO_HOST in ACL_HOST run mode). */
  memset(back, 0, sizeof back);
  CHECK_OK(aclrtMemcpy(back, 256, d2, 256, ACL_MEMCPY_HOST_TO_HOST));
  CHECK(back[0] == 0xAB && back[255] == 0xAB);
  CHECK_OK(aclrtMemcpy(d2, 256, back, 256, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK_OK(aclrtMemcpy(h, 256, d2, 256, ACL_MEMCPY_HOST_TO_DEVICE));
  CHECK(((unsigned char*)h)[0] == 0xAB && ((unsigned char*)h)[255] == 0xAB);
  CHECK_OK(aclrtMemcpy(d2, 256, host, 256, ACL_MEMCPY_DEVICE_TO_DEVICE));
  if (g_strict) {
    /* A device range running past its allocation (relaxed mode would really overrun). */
    CHECK_ERR(aclrtMemcpy((char*)d + 200, 100, host, 100, ACL_MEMCPY_HOST_TO_DEVICE),
              ACL_ERROR_RT_PARAM_INVALID);
  }
  CHECK_OK(aclrtMemcpy(back, 256, d, 256, ACL_MEMCPY_DEFAULT));
  /* acl_rt.h: memset takes host or device memory (the runtime decides by address). */
  CHECK_OK(aclrtMemset(back, sizeof back, 0, sizeof back));

  SECTION("memory: async copies");
  CHECK_OK(aclrtCreateStream(&s));
  CHECK_OK(aclrtMemsetAsync(d, 256, 7, 256, s));
  CHECK_OK(aclrtMemcpyAsync(h, 256, d, 256, ACL_MEMCPY_DEVICE_TO_HOST, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  good = 1;
  for (i = 0; i < 256; ++i) good = good && ((unsigned char*)h)[i] == 7;
  CHECK(good);
  CHECK_OK(aclrtMemcpyAsync(d2, 256, h, 256, ACL_MEMCPY_HOST_TO_DEVICE, NULL)); /* default stream */
  CHECK_OK(aclrtSynchronizeStream(NULL));
  CHECK_OK(aclrtMemcpy(back, 256, d2, 256, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(back[0] == 7 && back[255] == 7);
  CHECK_ERR(aclrtMemcpyAsync(d, 16, h, 32, ACL_MEMCPY_HOST_TO_DEVICE, s), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_STRICT(g_strict, aclrtMemcpyAsync(back, 256, host, 256, ACL_MEMCPY_HOST_TO_DEVICE, s),
               ACL_ERROR_RT_INVALID_MEMORY_TYPE);
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtDestroyStream(s));

  SECTION("strict: free of a foreign pointer");
  CHECK_STRICT(g_strict, aclrtFree(host), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_STRICT(g_strict, aclrtFree((char*)d + 8), ACL_ERROR_RT_PARAM_INVALID);
  CHECK_STRICT(g_strict, aclrtFreeHost(host), ACL_ERROR_RT_PARAM_INVALID);
  if (g_strict) {
    CHECK_ERR(aclrtFree(h), ACL_ERROR_RT_INVALID_MEMORY_TYPE);     /* host memory freed as device */
    CHECK_ERR(aclrtFreeHost(d), ACL_ERROR_RT_INVALID_MEMORY_TYPE); /* and the reverse */
    CHECK_OK(aclrtFreeHost(h));
  } else {
    CHECK_OK(aclrtFree(h)); /* relaxed: freed whatever its kind */
  }
  CHECK_OK(aclrtFree(d));
  CHECK_STRICT(g_strict, aclrtFree(d), ACL_ERROR_RT_PARAM_INVALID); /* double free */
  CHECK_OK(aclrtFree(d2));
  CHECK_OK(aclrtGetMemInfo(ACL_HBM_MEM, &free_after, &total));
  CHECK(free_after == free_before);
}

/* ---------------------------------------------------------------- report */

/* Destroys a stream on its own thread; says when it starts and whether it returned
 * only after the held callback did. */
typedef struct {
  aclrtStream stream;
  Hold* hold;
  Gate started, done;
  aclError result;
  int returned_after_callback;
} DestroyArg;

static void* destroy_thread(void* p) {
  DestroyArg* a = (DestroyArg*)p;
  aclrtSetCurrentContext(g_default_ctx);
  gate_add(&a->started, 1);
  a->result = aclrtDestroyStream(a->stream);
  a->returned_after_callback = gate_count(&a->hold->returned) == 1;
  gate_add(&a->done, 1);
  return NULL;
}

static void test_report(void) {
  aclrtStream s = NULL, s2 = NULL, other_s = NULL;
  aclrtContext other = NULL;
  uint64_t me = self_id();
  double t0;
  Reporter r;
  Hold hold;
  int before;
  SECTION("aclrtProcessReport: arguments");
  CHECK_ERR(aclrtProcessReport(0), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtProcessReport(-2), ACL_ERROR_INVALID_PARAM);
  t0 = now_ms();
  CHECK_ERR(aclrtProcessReport(60000), ACL_ERROR_RT_THREAD_SUBSCRIBE); /* subscribed to nothing: at once */
  CHECK(now_ms() - t0 < 30000);

  SECTION("aclrtLaunchCallback: arguments");
  CHECK_OK(aclrtCreateStream(&s));
  CHECK_ERR(aclrtLaunchCallback(NULL, NULL, ACL_CALLBACK_BLOCK, s), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtLaunchCallback(count_cb, NULL, (aclrtCallbackBlockType)2, s), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s), ACL_ERROR_RT_STREAM_NO_CB_REG);

  SECTION("subscribe");
  CHECK_OK(aclrtSubscribeReport(me, s));
  CHECK_ERR(aclrtSubscribeReport(me + 1, s), ACL_ERROR_RT_STREAM_SUBSCRIBE); /* one thread per stream */
  CHECK_ERR(aclrtSubscribeReport(me, s), ACL_ERROR_RT_STREAM_SUBSCRIBE);
  t0 = now_ms();
  CHECK_ERR(aclrtProcessReport(50), ACL_ERROR_RT_REPORT_TIMEOUT); /* timeout path */
  CHECK(now_ms() - t0 >= 45);

  SECTION("NO_BLOCK does not hold the stream");
  before = counter();
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK_OK(aclrtSynchronizeStream(s)); /* nobody processes, yet the stream completes */
  CHECK(counter() == before);
  CHECK_OK(aclrtProcessReport(1000));
  CHECK(counter() == before + 1);
  CHECK(__atomic_load_n(&g_cb_thread, __ATOMIC_SEQ_CST) == me); /* ran on the subscribed thread */

  SECTION("BLOCK holds the stream (SynchronizeStreamWithTimeout timeout path)");
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s));
  t0 = now_ms();
  CHECK_ERR(aclrtSynchronizeStreamWithTimeout(s, 100), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
  CHECK(now_ms() - t0 >= 95);
  CHECK(counter() == before + 1);
  CHECK_OK(aclrtProcessReport(1000));
  CHECK(counter() == before + 2);
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 5000));

  SECTION("one aclrtProcessReport runs every pending callback");
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtProcessReport(1000));
  CHECK(counter() == before + 5);

  SECTION("a thread serves several streams");
  CHECK_OK(aclrtCreateStream(&s2));
  CHECK_OK(aclrtSubscribeReport(me, s2));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s2));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtSynchronizeStream(s2));
  CHECK_OK(aclrtProcessReport(1000));
  CHECK(counter() == before + 7);

  SECTION("callbacks and contexts");
  CHECK_OK(aclrtCreateContext(&other, 0));
  CHECK_OK(aclrtCreateStream(&other_s));
  CHECK_OK(aclrtSubscribeReport(me, other_s));
  CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
  CHECK_ERR(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, other_s), ACL_ERROR_RT_STREAM_CONTEXT);
  CHECK_OK(aclrtSetCurrentContext(other));
  CHECK_OK(aclrtUnSubscribeReport(me, other_s));
  CHECK_OK(aclrtDestroyStream(other_s));
  CHECK_OK(aclrtSetCurrentContext(g_default_ctx));
  CHECK_OK(aclrtDestroyContext(other));

  SECTION("unsubscribe");
  CHECK_ERR(aclrtUnSubscribeReport(me + 1, s), ACL_ERROR_RT_THREAD_SUBSCRIBE); /* another thread's id */
  CHECK_OK(aclrtUnSubscribeReport(me, s));
  CHECK_ERR(aclrtUnSubscribeReport(me, s), ACL_ERROR_RT_STREAM_SUBSCRIBE); /* not subscribed any more */
  CHECK_OK(aclrtUnSubscribeReport(me, s2));
  CHECK_ERR(aclrtProcessReport(10), ACL_ERROR_RT_THREAD_SUBSCRIBE);
  CHECK_ERR(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s), ACL_ERROR_RT_STREAM_NO_CB_REG);

  SECTION("the sample's report thread");
  /* Started before the subscription: it spins on 107012 until then. */
  reporter_start(&r, g_default_ctx);
  CHECK(gate_wait(&r.not_subscribed, 1));
  CHECK_OK(reporter_subscribe(&r, s));
  before = counter();
  hold_init(&hold);
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtLaunchCallback(hold_cb, &hold, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_NO_BLOCK, s));
  CHECK(gate_wait(&hold.entered, 1));
  /* The BLOCK callback holds the stream: the NO_BLOCK one behind it has not run. */
  CHECK_ERR(aclrtSynchronizeStreamWithTimeout(s, 10), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
  CHECK(counter() == before + 1);
  gate_add(&hold.release, 1);
  CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 30000));
  CHECK(gate_wait(&g_counter, before + 2)); /* NO_BLOCK: may still run after the stream completed */
  CHECK(counter() == before + 2);
  CHECK(__atomic_load_n(&g_cb_thread, __ATOMIC_SEQ_CST) == reporter_id(&r));
  reporter_stop(&r);
  CHECK(gate_count(&r.not_subscribed) > 0 && gate_count(&r.processed) >= 1 && r.other_errors == 0);
  reporter_destroy(&r);
  hold_destroy(&hold);
  /* Unsubscribed from another thread with the report thread's id, as the sample does. */
  CHECK_OK(aclrtUnSubscribeReport(reporter_id(&r), s));

  SECTION("destroy of a stream with pending work waits for it");
  {
    void* d = NULL;
    unsigned char out[64];
    DestroyArg arg;
    pthread_t t;
    reporter_start(&r, g_default_ctx);
    CHECK_OK(reporter_subscribe(&r, s2));
    hold_init(&hold);
    CHECK_OK(aclrtMalloc(&d, 64, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_OK(aclrtMemsetAsync(d, 64, 1, 64, s2));
    CHECK_OK(aclrtLaunchCallback(hold_cb, &hold, ACL_CALLBACK_BLOCK, s2));
    CHECK_OK(aclrtMemsetAsync(d, 64, 2, 64, s2));
    CHECK(gate_wait(&hold.entered, 1));
    /* Another thread destroys the stream while the callback holds it ... */
    arg.stream = s2;
    arg.hold = &hold;
    gate_init(&arg.started);
    gate_init(&arg.done);
    pthread_create(&t, NULL, destroy_thread, &arg);
    CHECK(gate_wait(&arg.started, 1));
    CHECK(gate_count(&arg.done) == 0);
    gate_add(&hold.release, 1);
    pthread_join(t, NULL);
    /* ... and returned only after the callback and the work behind it. */
    CHECK(arg.returned_after_callback);
    CHECK_OK(arg.result);
    CHECK_OK(aclrtMemcpy(out, 64, d, 64, ACL_MEMCPY_DEVICE_TO_HOST));
    CHECK(out[0] == 2 && out[63] == 2);
    CHECK_OK(aclrtFree(d));
    reporter_stop(&r);
    reporter_destroy(&r);
    hold_destroy(&hold);
    gate_destroy(&arg.started);
    gate_destroy(&arg.done);
  }

  SECTION("a BLOCK callback whose report thread exited does not hang the stream");
  {
    reporter_start(&r, g_default_ctx);
    CHECK_OK(reporter_subscribe(&r, s));
    CHECK(gate_wait(&r.timeouts, 1)); /* it processed reports (timeouts) */
    reporter_stop(&r);                /* ... and exits still subscribed */
    CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s));
    CHECK_OK(aclrtSynchronizeStreamWithTimeout(s, 30000));
    CHECK_OK(aclrtUnSubscribeReport(reporter_id(&r), s));
    reporter_destroy(&r);
  }
  CHECK_OK(aclrtDestroyStream(s));
}

/* ---------------------------------------------------------------- events */

static void test_events(void) {
  aclrtEvent e1 = NULL, e2 = NULL;
  aclrtStream a = NULL, b = NULL;
  aclrtEventStatus st = ACL_EVENT_STATUS_RESERVED;
  aclrtEventRecordedStatus rst = ACL_EVENT_RECORDED_STATUS_COMPLETE;
  float ms = -1.0f;
  double t0, t_entered, t_released, t_end;
  Reporter r;
  Hold hold;
  aclrtEvent eb = NULL;
  SECTION("events");
  CHECK_ERR(aclrtCreateEvent(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtCreateEvent(&e1));
  CHECK_OK(aclrtCreateEvent(&e2));
  CHECK_OK(aclrtQueryEvent(e1, &st));
  CHECK(st == ACL_EVENT_STATUS_NOT_READY); /* never recorded */
  CHECK_OK(aclrtQueryEventStatus(e1, &rst));
  CHECK(rst == ACL_EVENT_RECORDED_STATUS_NOT_READY);
  CHECK_OK(aclrtSynchronizeEvent(e1)); /* nothing to wait for */
  CHECK_FAIL(aclrtEventElapsedTime(&ms, e1, e2));
  CHECK_ERR(aclrtQueryEvent(e1, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtQueryEvent(NULL, &st), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtRecordEvent(NULL, NULL), ACL_ERROR_INVALID_PARAM);

  SECTION("events: timing");
  CHECK_OK(aclrtCreateStream(&a));
  CHECK_OK(aclrtCreateStream(&b));
  reporter_start(&r, g_default_ctx);
  CHECK_OK(reporter_subscribe(&r, a));
  hold_init(&hold);
  t0 = now_ms();
  CHECK_OK(aclrtRecordEvent(e1, a));
  CHECK_OK(aclrtLaunchCallback(hold_cb, &hold, ACL_CALLBACK_BLOCK, a));
  CHECK_OK(aclrtRecordEvent(e2, a));
  CHECK(gate_wait(&hold.entered, 1));
  t_entered = now_ms();
  CHECK_OK(aclrtQueryEvent(e2, &st));
  CHECK(st == ACL_EVENT_STATUS_NOT_READY); /* recorded behind the held callback */
  CHECK_OK(aclrtQueryEvent(e1, &st));
  CHECK(st == ACL_EVENT_STATUS_COMPLETE); /* recorded before it */
  t_released = now_ms();
  gate_add(&hold.release, 1);
  CHECK_OK(aclrtSynchronizeEvent(e2));
  t_end = now_ms();
  CHECK_OK(aclrtQueryEvent(e2, &st));
  CHECK(st == ACL_EVENT_STATUS_COMPLETE);
  CHECK_OK(aclrtQueryEventStatus(e2, &rst));
  CHECK(rst == ACL_EVENT_RECORDED_STATUS_COMPLETE);
  CHECK_OK(aclrtEventElapsedTime(&ms, e1, e2));
  /* e1..e2 spans the time the callback was held, within what this thread saw. */
  CHECK(ms >= (float)(t_released - t_entered) - 1.0f && ms <= (float)(t_end - t0) + 1.0f);
  CHECK_ERR(aclrtEventElapsedTime(NULL, e1, e2), ACL_ERROR_INVALID_PARAM);
  hold_destroy(&hold);

  SECTION("events: a stream waits for another");
  hold_init(&hold);
  CHECK_OK(aclrtCreateEvent(&eb));
  CHECK_OK(aclrtLaunchCallback(hold_cb, &hold, ACL_CALLBACK_BLOCK, a));
  CHECK_OK(aclrtRecordEvent(e1, a));
  CHECK_OK(aclrtStreamWaitEvent(b, e1));
  CHECK_OK(aclrtRecordEvent(eb, b)); /* b's work behind the wait */
  CHECK(gate_wait(&hold.entered, 1));
  CHECK_OK(aclrtQueryEvent(e1, &st));
  CHECK(st == ACL_EVENT_STATUS_NOT_READY); /* a is held ... */
  CHECK_OK(aclrtQueryEvent(eb, &st));
  CHECK(st == ACL_EVENT_STATUS_NOT_READY); /* ... so b waits */
  CHECK_ERR(aclrtSynchronizeStreamWithTimeout(b, 10), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
  gate_add(&hold.release, 1);
  CHECK_OK(aclrtSynchronizeStream(b)); /* b waited for e1 ... */
  CHECK_OK(aclrtQueryEvent(e1, &st));
  CHECK(st == ACL_EVENT_STATUS_COMPLETE); /* ... so it completed */
  CHECK(gate_count(&hold.returned) == 1);
  CHECK_ERR(aclrtStreamWaitEvent(b, NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtSynchronizeStream(a));
  CHECK_OK(aclrtDestroyEvent(eb));
  reporter_stop(&r);
  CHECK_OK(aclrtUnSubscribeReport(reporter_id(&r), a));
  reporter_destroy(&r);
  hold_destroy(&hold);

  SECTION("events: stale handles");
  CHECK_OK(aclrtDestroyEvent(e1));
  CHECK_ERR(aclrtDestroyEvent(e1), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtRecordEvent(e1, a), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtQueryEvent(e1, &st), ACL_ERROR_INVALID_RESOURCE_HANDLE);
  CHECK_ERR(aclrtDestroyEvent(NULL), ACL_ERROR_INVALID_PARAM);
  CHECK_OK(aclrtDestroyEvent(e2));
  CHECK_OK(aclrtDestroyStream(a));
  CHECK_OK(aclrtDestroyStream(b));
}

/* ---------------------------------------------------------------- finalize */

typedef struct {
  Gate calling;
  aclError result;
} BlockedReporter;

static void* blocked_reporter(void* arg) {
  BlockedReporter* b = (BlockedReporter*)arg;
  gate_add(&b->calling, 1);
  b->result = aclrtProcessReport(-1); /* forever: only aclFinalize can end it */
  return NULL;
}

static void test_finalize_with_live_resources(void) {
  aclrtStream s = NULL, s2 = NULL;
  aclrtContext c = NULL;
  aclrtEvent e = NULL;
  void *d = NULL, *h = NULL;
  pthread_t t;
  BlockedReporter blocked;
  double t0;
  int i;
  SECTION("aclFinalize with live resources");
  CHECK_OK(aclrtCreateContext(&c, 0));
  CHECK_OK(aclrtCreateStream(&s));
  CHECK_OK(aclrtCreateStream(&s2));
  CHECK_OK(aclrtCreateEvent(&e));
  CHECK_OK(aclrtMalloc(&d, 1 << 20, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMallocHost(&h, 1 << 20));
  /* s: a BLOCK callback nobody will ever process, then more work behind it. */
  CHECK_OK(aclrtSubscribeReport(self_id(), s));
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s));
  for (i = 0; i < 100; ++i) CHECK_OK(aclrtMemsetAsync(d, 1 << 20, i, 1 << 20, s));
  CHECK_OK(aclrtRecordEvent(e, s));
  CHECK_OK(aclrtStreamWaitEvent(s2, e)); /* s2 waits for an event that cannot come */
  /* A report thread blocked forever in aclrtProcessReport. */
  gate_init(&blocked.calling);
  blocked.result = ACL_SUCCESS;
  pthread_create(&t, NULL, blocked_reporter, &blocked);
  CHECK_OK(aclrtSubscribeReport((uint64_t)t, s2));
  /* Whether its call has started or not, it must end with an error. */
  CHECK(gate_wait(&blocked.calling, 1));
  t0 = now_ms();
  CHECK_OK(aclFinalize());
  CHECK(now_ms() - t0 < 30000);
  pthread_join(t, NULL);
  CHECK(blocked.result != ACL_SUCCESS);
  gate_destroy(&blocked.calling);
  /* Everything is gone: handles are stale, not crashes. */
  CHECK_FAIL(aclrtSynchronizeStream(s));
  CHECK_FAIL(aclrtSetCurrentContext(c));
  CHECK_FAIL(aclrtDestroyEvent(e));

  SECTION("aclInit again after aclFinalize");
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtMalloc(&d, 64, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtCreateStream(&s));
  CHECK_OK(aclrtMemsetAsync(d, 64, 1, 64, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtFree(d));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_ERR(aclrtGetCurrentContext(&c), ACL_ERROR_RT_CONTEXT_NULL); /* the default context went */
  CHECK_OK(aclFinalize());
}

/* ---------------------------------------------------------------- a report thread ended in a callback */

static void exit_cb(void* user) {
  gate_add((Gate*)user, 1);
  pthread_exit(NULL); /* C++ sees a forced unwind through aclrtProcessReport: it must go on */
}

static void* exiting_reporter(void* arg) {
  aclrtSetCurrentContext(g_default_ctx);
  for (;;) aclrtProcessReport(-1);
  (void)arg;
  return NULL;
}

static void test_report_thread_exit_in_callback(void) {
  aclrtStream s = NULL;
  Gate entered;
  pthread_t t;
  Reporter r;
  int before;
  SECTION("a report thread that pthread_exits in a BLOCK callback");
  gate_init(&entered);
  CHECK_OK(aclrtCreateStream(&s));
  pthread_create(&t, NULL, exiting_reporter, NULL);
  CHECK_OK(aclrtSubscribeReport((uint64_t)t, s));
  CHECK_OK(aclrtLaunchCallback(exit_cb, &entered, ACL_CALLBACK_BLOCK, s));
  /* The thread ends (the process goes on) and the stream's BLOCK wait is released. */
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(gate_count(&entered) == 1);
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK_OK(aclrtUnSubscribeReport((uint64_t)t, s));
  /* The stream serves a new report thread. */
  reporter_start(&r, g_default_ctx);
  CHECK_OK(reporter_subscribe(&r, s));
  before = counter();
  CHECK_OK(aclrtLaunchCallback(count_cb, NULL, ACL_CALLBACK_BLOCK, s));
  CHECK_OK(aclrtSynchronizeStream(s));
  CHECK(counter() == before + 1);
  CHECK_OK(aclrtUnSubscribeReport(reporter_id(&r), s));
  reporter_stop(&r);
  reporter_destroy(&r);
  CHECK_OK(aclrtDestroyStream(s));
  gate_destroy(&entered);
}

/* ---------------------------------------------------------------- cases */

/* Each case starts from a fresh process (CTest) or after the previous case's aclFinalize. */
static void acl_up(void) { CHECK_OK(aclInit(NULL)); }

static void device_up(void) {
  acl_up();
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtGetCurrentContext(&g_default_ctx));
}

static void acl_down(void) {
  aclFinalize(); /* whatever the case left, including nothing */
  g_default_ctx = NULL;
}

static void case_before_init(void) { test_before_init(); }
static void case_init(void) {
  test_init();
  acl_down();
}
static void case_devices(void) {
  acl_up();
  test_devices();
  acl_down();
}
static void case_contexts(void) {
  device_up();
  test_contexts();
  acl_down();
}
static void case_streams(void) {
  device_up();
  test_streams();
  acl_down();
}
static void case_memory(void) {
  device_up();
  test_memory();
  acl_down();
}
static void case_report(void) {
  device_up();
  test_report();
  acl_down();
}
static void case_report_thread_exit(void) {
  device_up();
  test_report_thread_exit_in_callback();
  acl_down();
}
static void case_events(void) {
  device_up();
  test_events();
  acl_down();
}
static void case_finalize(void) {
  device_up();
  test_finalize_with_live_resources();
}

// clang-format off: one case per line (tests/CMakeLists.txt reads these lines)
static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("before_init", case_before_init),
    ACL_TEST_CASE("init", case_init),
    ACL_TEST_CASE("devices", case_devices),
    ACL_TEST_CASE("contexts", case_contexts),
    ACL_TEST_CASE("streams", case_streams),
    ACL_TEST_CASE("memory", case_memory),
    ACL_TEST_CASE("report", case_report),
    ACL_TEST_CASE("report_thread_exit", case_report_thread_exit),
    ACL_TEST_CASE("events", case_events),
    ACL_TEST_CASE("finalize", case_finalize),
};
// clang-format on

int main(int argc, char** argv) {
  const char* v;
  if (argc > 2) g_dir = argv[2];
  v = getenv("ACL_HOST_STRICT");
  g_strict = !(v && (strcmp(v, "0") == 0));
  v = getenv("ACL_HOST_DEVICE_COUNT");
  if (v && atoi(v) > 0) g_devices = (uint32_t)atoi(v);
  v = getenv("ACL_HOST_DEVICE_MEMORY_MB");
  if (v && atol(v) > 0) g_arena = (size_t)atol(v) << 20;
  if (argc > 1 && strcmp(argv[1], "--list") != 0)
    printf("strict=%d devices=%u arena=%zu MiB\n", g_strict, g_devices, g_arena >> 20);
  gate_init(&g_counter);
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
