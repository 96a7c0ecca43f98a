/* Reliability of the host runtime under misuse and faults (issue 18): memory freed while
 * queued work still uses it, ranges reaching into an allocation from outside, a stream
 * whose worker thread cannot start, and fork().
 *
 * usage: test_runtime_faults <case>|all|--list <data dir>   (add.onnx of tests/models.py)
 * Runs in strict mode (the default) and relaxed (ACL_HOST_STRICT=0): the cases read the
 * mode and check what each mode promises. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_check.h"
#include "gate.h"

#ifndef ACL_ERROR_RT_MEMORY_FREE
#define ACL_ERROR_RT_MEMORY_FREE 207002
#endif
#ifndef ACL_ERROR_RT_NO_STREAM_RESOURCE
#define ACL_ERROR_RT_NO_STREAM_RESOURCE 207008
#endif

static const char* g_dir = ".";

/* Flags shared between threads. */
static int flag_get(const int* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void flag_set(int* p, int v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static int g_strict = 1;

/* ---- pthread_create that can be told to fail (this program's definition comes first) ---- */
static int g_fail_threads = 0;
typedef int (*create_fn)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

int pthread_create(pthread_t* t, const pthread_attr_t* attr, void* (*fn)(void*), void* arg) {
  static create_fn real = NULL;
  if (flag_get(&g_fail_threads)) return EAGAIN;
  if (!real) real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
  return real(t, attr, fn, arg);
}

static void setup(int32_t device) {
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(device));
}

static void teardown(int32_t device) {
  CHECK_OK(aclrtResetDevice(device));
  CHECK_OK(aclFinalize());
}

/* ---- A gate in the stream: a BLOCK callback that waits until the test opens it ---- */
typedef struct {
  Gate open;      /* the test opens the gate */
  Gate entered;   /* the callback runs */
  int freed_while_closed;
  int* freed;
} StreamGate;

static void gate_callback(void* user) {
  StreamGate* g = (StreamGate*)user;
  gate_add(&g->entered, 1);
  gate_wait(&g->open, 1);
  if (g->freed && flag_get(g->freed)) flag_set(&g->freed_while_closed, 1);
}

/* A report thread subscribed to one stream: runs its callbacks until stopped. */
typedef struct {
  aclrtContext ctx;
  aclrtStream stream;
  pthread_t thread;
  int stop;
} Reporter;

static void* reporter_main(void* arg) {
  Reporter* r = (Reporter*)arg;
  aclrtSetCurrentContext(r->ctx);
  while (!flag_get(&r->stop)) aclrtProcessReport(50);
  return NULL;
}

static void reporter_start(Reporter* r, aclrtContext ctx, aclrtStream stream) {
  r->ctx = ctx;
  r->stream = stream;
  r->stop = 0;
  CHECK(pthread_create(&r->thread, NULL, reporter_main, r) == 0);
  CHECK_OK(aclrtSubscribeReport((uint64_t)r->thread, stream));
}

static void reporter_stop(Reporter* r) {
  CHECK_OK(aclrtUnSubscribeReport((uint64_t)r->thread, r->stream));
  flag_set(&r->stop, 1);
  pthread_join(r->thread, NULL);
}

typedef struct {
  aclrtContext ctx;
  void* ptr;
  Gate returned;
  aclError ret;
  int freed;
} Freer;

static void* freer_main(void* arg) {
  Freer* f = (Freer*)arg;
  aclrtSetCurrentContext(f->ctx);
  f->ret = aclrtFree(f->ptr);
  flag_set(&f->freed, 1);
  gate_add(&f->returned, 1);
  return NULL;
}

/* aclrtFree of memory a queued memset/memcpy still uses: strict mode refuses it
 * (ACL_ERROR_RT_MEMORY_FREE), relaxed mode waits for that work; never a use after free. */
static void case_free_while_queued(void) {
  aclrtContext ctx = NULL;
  aclrtStream stream = NULL;
  Reporter rep;
  pthread_t free_thread;
  StreamGate sg;
  Freer fr;
  void* dev = NULL;
  void* host = NULL;
  const size_t n = 1 << 20;
  SECTION("free while queued");
  setup(0);
  CHECK_OK(aclrtGetCurrentContext(&ctx));
  CHECK_OK(aclrtCreateStream(&stream));
  reporter_start(&rep, ctx, stream);
  CHECK_OK(aclrtMalloc(&dev, n, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_OK(aclrtMallocHost(&host, n));
  memset(host, 0, n);

  gate_init(&sg.open);
  gate_init(&sg.entered);
  sg.freed_while_closed = 0;
  memset(&fr, 0, sizeof fr);
  gate_init(&fr.returned);
  fr.ctx = ctx;
  fr.ptr = dev;
  sg.freed = &fr.freed;
  /* gate -> memset(dev) -> memcpy(dev -> host): both tasks use dev until the gate opens */
  CHECK_OK(aclrtLaunchCallback(gate_callback, &sg, ACL_CALLBACK_BLOCK, stream));
  CHECK_OK(aclrtMemsetAsync(dev, n, 0x5A, n, stream));
  CHECK_OK(aclrtMemcpyAsync(host, n, dev, n, ACL_MEMCPY_DEVICE_TO_HOST, stream));
  CHECK(gate_wait(&sg.entered, 1));
  if (g_strict) {
    CHECK_ERR(aclrtFree(dev), ACL_ERROR_RT_MEMORY_FREE);
    CHECK_ERR(aclrtFreeHost(host), ACL_ERROR_RT_MEMORY_FREE);
    gate_add(&sg.open, 1);
    CHECK_OK(aclrtSynchronizeStream(stream));
    CHECK(((unsigned char*)host)[n - 1] == 0x5A);
    CHECK_OK(aclrtFree(dev));  /* nothing queued uses it any more */
  } else {
    pthread_create(&free_thread, NULL, freer_main, &fr);
    /* the stream is held by the gate: the free must wait for the memset and the copy */
    CHECK(!gate_wait_ms(&fr.returned, 1, 1000));
    gate_add(&sg.open, 1);
    pthread_join(free_thread, NULL);
    CHECK(fr.ret == ACL_SUCCESS);
    CHECK(!flag_get(&sg.freed_while_closed));
    /* the free returned after the copy that read the memory: its bytes are in host */
    CHECK(((unsigned char*)host)[0] == 0x5A && ((unsigned char*)host)[n - 1] == 0x5A);
    CHECK_OK(aclrtSynchronizeStream(stream));
  }
  CHECK_OK(aclrtFreeHost(host));
  reporter_stop(&rep);
  CHECK_OK(aclrtDestroyStream(stream));
  gate_destroy(&sg.open);
  gate_destroy(&sg.entered);
  gate_destroy(&fr.returned);
  teardown(0);
}

/* The same for a model's input/output buffers and aclmdlUnload with executions queued. */
static void case_free_under_execute(void) {
  char path[1024];
  uint32_t model = 0;
  aclmdlDesc* desc = NULL;
  aclmdlDataset* in = NULL;
  aclmdlDataset* out = NULL;
  aclrtContext ctx = NULL;
  aclrtStream stream = NULL;
  Reporter rep;
  StreamGate sg;
  Freer fr;
  pthread_t free_thread;
  void* x = NULL;
  void* y = NULL;
  float* host = NULL;
  size_t xs, ys, i;
  SECTION("free under execute");
  snprintf(path, sizeof path, "%s/add.onnx", g_dir);
  setup(0);
  CHECK_OK(aclrtGetCurrentContext(&ctx));
  CHECK_OK(aclrtCreateStream(&stream));
  reporter_start(&rep, ctx, stream);
  CHECK_OK(aclmdlLoadFromFile(path, &model));
  desc = aclmdlCreateDesc();
  CHECK_OK(aclmdlGetDesc(desc, model));
  xs = aclmdlGetInputSizeByIndex(desc, 0);
  ys = aclmdlGetOutputSizeByIndex(desc, 0);
  CHECK_OK(aclrtMalloc(&x, xs, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_OK(aclrtMalloc(&y, ys, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_OK(aclrtMallocHost((void**)&host, ys));
  for (i = 0; i < xs / sizeof(float); ++i) host[i] = (float)i;
  CHECK_OK(aclrtMemcpy(x, xs, host, xs, ACL_MEMCPY_HOST_TO_DEVICE));
  in = aclmdlCreateDataset();
  out = aclmdlCreateDataset();
  CHECK_OK(aclmdlAddDatasetBuffer(in, aclCreateDataBuffer(x, xs)));
  CHECK_OK(aclmdlAddDatasetBuffer(out, aclCreateDataBuffer(y, ys)));

  gate_init(&sg.open);
  gate_init(&sg.entered);
  sg.freed_while_closed = 0;
  sg.freed = NULL;
  CHECK_OK(aclrtLaunchCallback(gate_callback, &sg, ACL_CALLBACK_BLOCK, stream));
  CHECK_OK(aclmdlExecuteAsync(model, in, out, stream));
  CHECK_OK(aclrtMemcpyAsync(host, ys, y, ys, ACL_MEMCPY_DEVICE_TO_HOST, stream));
  CHECK(gate_wait(&sg.entered, 1));
  if (g_strict) {
    CHECK_ERR(aclrtFree(x), ACL_ERROR_RT_MEMORY_FREE);
    CHECK_ERR(aclrtFree(y), ACL_ERROR_RT_MEMORY_FREE);
  }
  /* Unloading with an execution queued: the execution still runs on the loaded model. */
  CHECK_OK(aclmdlUnload(model));
  if (!g_strict) { /* relaxed: freeing the input waits for the queued execution */
    memset(&fr, 0, sizeof fr);
    gate_init(&fr.returned);
    fr.ctx = ctx;
    fr.ptr = x;
    pthread_create(&free_thread, NULL, freer_main, &fr);
    CHECK(!gate_wait_ms(&fr.returned, 1, 1000));
  }
  gate_add(&sg.open, 1);
  if (!g_strict) {
    pthread_join(free_thread, NULL);
    CHECK(fr.ret == ACL_SUCCESS);
    gate_destroy(&fr.returned);
  }
  CHECK_OK(aclrtSynchronizeStream(stream));
  CHECK(host[0] == 1.5f && host[ys / sizeof(float) - 1] == (float)(ys / sizeof(float) - 1) + 1.5f);
  if (g_strict) CHECK_OK(aclrtFree(x));
  CHECK_OK(aclrtFree(y));
  CHECK_OK(aclrtFreeHost(host));
  aclDestroyDataBuffer(aclmdlGetDatasetBuffer(in, 0));
  aclDestroyDataBuffer(aclmdlGetDatasetBuffer(out, 0));
  aclmdlDestroyDataset(in);
  aclmdlDestroyDataset(out);
  aclmdlDestroyDesc(desc);
  reporter_stop(&rep);
  CHECK_OK(aclrtDestroyStream(stream));
  gate_destroy(&sg.open);
  gate_destroy(&sg.entered);
  teardown(0);
}

/* Strict mode: a range that reaches into an allocation from outside, or starts just past
 * its end, is an overrun (107000), for memset and every other (ptr, size) argument. */
static void case_range_from_outside(void) {
  unsigned char* p = NULL;
  unsigned char* q = NULL;
  unsigned char host[256];
  SECTION("range from outside");
  setup(0);
  CHECK_OK(aclrtMalloc((void**)&p, 64, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_OK(aclrtMallocHost((void**)&q, 64));
  if (g_strict) {
    CHECK_ERR(aclrtMemset(p - 16, 64, 0, 64), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemset(p + 64, 64, 0, 64), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemset(p - 1, 1, 0, 1), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemset(q - 16, 64, 0, 64), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemset(q + 64, 16, 0, 16), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemsetAsync(p - 16, 64, 0, 64, NULL), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemcpy(p - 16, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemcpy(host, 64, p + 32, 64, ACL_MEMCPY_DEVICE_TO_HOST), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemFlush(p - 16, 32), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclmdlLoadFromMem(p - 16, 64, &(uint32_t){0}), ACL_ERROR_RT_PARAM_INVALID);
  }
  /* inside: fine in both modes; plain host memory elsewhere stays allowed */
  CHECK_OK(aclrtMemset(p, 64, 7, 64));
  CHECK_OK(aclrtMemset(host, sizeof host, 0, sizeof host));
  CHECK_OK(aclrtMemcpy(host, 64, p, 64, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(host[0] == 7 && host[63] == 7);
  CHECK_OK(aclrtFree(p));
  CHECK_OK(aclrtFreeHost(q));
  teardown(0);
}

/* A stream whose worker thread cannot start: ACL_ERROR_RT_NO_STREAM_RESOURCE with a
 * message, never an exception out of the library (which would abort a C program). */
static void case_thread_start_failure(void) {
  aclrtStream stream = NULL;
  aclrtContext ctx = NULL;
  int32_t value = 0;
  void* p = NULL;
  SECTION("thread start failure");
  setup(0);
  flag_set(&g_fail_threads, 1);
  CHECK_ERR(aclrtCreateStream(&stream), ACL_ERROR_RT_NO_STREAM_RESOURCE);
  CHECK_ERR(aclrtCreateStreamWithConfig(&stream, 0, 0), ACL_ERROR_RT_NO_STREAM_RESOURCE);
  /* a new context's default stream starts on first use */
  CHECK_OK(aclrtCreateContext(&ctx, 0));
  CHECK_OK(aclrtMalloc(&p, 64, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_ERR(aclrtMemsetAsync(p, 64, 0, 64, NULL), ACL_ERROR_RT_NO_STREAM_RESOURCE);
  CHECK(aclrtGetLastError(ACL_RT_THREAD_LEVEL) == ACL_ERROR_RT_NO_STREAM_RESOURCE);
  flag_set(&g_fail_threads, 0);
  CHECK_OK(aclrtCreateStream(&stream));
  CHECK_OK(aclrtMemsetAsync(p, 64, 3, 64, stream));
  CHECK_OK(aclrtSynchronizeStream(stream));
  CHECK_OK(aclrtMemcpy(&value, sizeof value, p, sizeof value, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(value == 0x03030303);
  CHECK_OK(aclrtDestroyStream(stream));
  CHECK_OK(aclrtFree(p));
  CHECK_OK(aclrtDestroyContext(ctx));
  teardown(0);
}

/* fork(): the child's calls on the parent's ACL objects fail at once (CANN does not
 * support ACL across fork), never hang; aclInit starts over in the child. */
static int child_checks(aclrtStream parent_stream, void* parent_ptr) {
  aclrtStream stream = NULL;
  void* p = NULL;
  unsigned char b = 0;
  alarm(60); /* a hang becomes a failure */
  if (aclrtSynchronizeStream(parent_stream) != ACL_ERROR_INVALID_RESOURCE_HANDLE) return 10;
  if (aclrtSynchronizeStream(NULL) != ACL_ERROR_RT_CONTEXT_NULL) return 11;
  if (aclrtMemsetAsync(parent_ptr, 64, 0, 64, parent_stream) == ACL_SUCCESS) return 12;
  if (aclrtCreateStream(&stream) != ACL_ERROR_UNINITIALIZE) return 13;
  if (aclFinalize() != ACL_ERROR_REPEAT_FINALIZE) return 14;
#if defined(__SANITIZE_THREAD__)
  return 0; /* TSan cannot start threads after a multi-threaded fork: no starting over */
#endif
  /* starting over */
  if (aclInit(NULL) != ACL_SUCCESS) return 20;
  if (aclrtSetDevice(0) != ACL_SUCCESS) return 21;
  if (aclrtCreateStream(&stream) != ACL_SUCCESS) return 22;
  if (aclrtMalloc(&p, 64, ACL_MEM_MALLOC_NORMAL_ONLY) != ACL_SUCCESS) return 23;
  if (aclrtMemsetAsync(p, 64, 9, 64, stream) != ACL_SUCCESS) return 24;
  if (aclrtSynchronizeStream(stream) != ACL_SUCCESS) return 25;
  if (aclrtMemcpy(&b, 1, p, 1, ACL_MEMCPY_DEVICE_TO_HOST) != ACL_SUCCESS || b != 9) return 26;
  if (aclrtDestroyStream(stream) != ACL_SUCCESS) return 27;
  if (aclrtFree(p) != ACL_SUCCESS) return 28;
  if (aclrtResetDevice(0) != ACL_SUCCESS) return 29;
  if (aclFinalize() != ACL_SUCCESS) return 30;
  return 0;
}

/* The parent forks with work in flight: its stream's worker is parked in a BLOCK callback
 * (behind a gate) and a memset is queued after it. Parked at a known point, not racing: a
 * thread inside malloc at the fork leaves the allocator's lock held in the child, and GCC 12's
 * ASan allocator (unlike glibc's malloc) takes no lock across fork() (LLVM added that in 18),
 * so a child whose worker was freeing a task then hung in its own first allocation. */
static void case_fork(void) {
  aclrtContext ctx = NULL;
  aclrtStream stream = NULL;
  Reporter rep;
  StreamGate sg;
  unsigned char* host = NULL;
  void* p = NULL;
  const size_t n = 1 << 20;
  pid_t pid;
  int status = 0;
  SECTION("fork");
  setup(0);
  CHECK_OK(aclrtGetCurrentContext(&ctx));
  CHECK_OK(aclrtCreateStream(&stream));
  reporter_start(&rep, ctx, stream);
  memset(&sg, 0, sizeof sg);
  gate_init(&sg.open);
  gate_init(&sg.entered);
  CHECK_OK(aclrtMalloc(&p, n, ACL_MEM_MALLOC_NORMAL_ONLY));
  CHECK_OK(aclrtMallocHost((void**)&host, n));
  CHECK_OK(aclrtLaunchCallback(gate_callback, &sg, ACL_CALLBACK_BLOCK, stream));
  CHECK_OK(aclrtMemsetAsync(p, n, 1, n, stream));
  CHECK(gate_wait(&sg.entered, 1));
  fflush(NULL);
  pid = fork();
  if (pid == 0) _exit(child_checks(stream, p));
  CHECK(pid > 0);
  CHECK(waitpid(pid, &status, 0) == pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fprintf(stderr, "child: %s %d\n", WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* the parent is unaffected: its queued memset runs once the gate opens */
  gate_add(&sg.open, 1);
  CHECK_OK(aclrtSynchronizeStream(stream));
  CHECK_OK(aclrtMemcpy(host, n, p, n, ACL_MEMCPY_DEVICE_TO_HOST));
  CHECK(host[0] == 1 && host[n - 1] == 1);
  reporter_stop(&rep);
  CHECK_OK(aclrtDestroyStream(stream));
  CHECK_OK(aclrtFree(p));
  CHECK_OK(aclrtFreeHost(host));
  gate_destroy(&sg.open);
  gate_destroy(&sg.entered);
  teardown(0);
}

static const AclTestCase k_cases[] = {
    ACL_TEST_CASE("free_while_queued", case_free_while_queued),
    ACL_TEST_CASE("free_under_execute", case_free_under_execute),
    ACL_TEST_CASE("range_from_outside", case_range_from_outside),
    ACL_TEST_CASE("thread_start_failure", case_thread_start_failure),
    ACL_TEST_CASE("fork", case_fork),
};

int main(int argc, char** argv) {
  const char* strict = getenv("ACL_HOST_STRICT");
  if (argc > 2) g_dir = argv[2];
  g_strict = !(strict && (strcmp(strict, "0") == 0));
  (void)gate_count;
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : NULL);
}
