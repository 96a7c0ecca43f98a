/* aclrtMemset/aclrtMemcpy/aclrtMemcpy2d (sync and async) over every pair of
 * memory kinds: device (aclrtMalloc), host (aclrtMallocHost) and plain malloc,
 * in the mode under test (ACL_HOST_STRICT). What acl_rt.h documents decides
 * the expected result: memset takes host or device memory; a copy's kind says
 * where dst and src live (strict); 2-D copies go host to device or device to
 * host (strict); sizes past maxCount/destMax and pitches below the width fail
 * in both modes. Data is checked after every successful call.
 * C99, acl/acl.h only. usage: test_memset_matrix */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl_check.h"

#define N 256
enum { DEV, HOST, MALLOC, KINDS };
static const char* kind_name[KINDS] = {"device", "host", "malloc"};
static int g_strict = 1;
static void* g_mem[2][KINDS]; /* two buffers of each kind */

static int filled(const void* p, size_t n, unsigned char v) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (((const unsigned char*)p)[i] != v) return 0;
  return 1;
}

static void alloc_all(void) {
  int i;
  for (i = 0; i < 2; ++i) {
    CHECK_OK(aclrtMalloc(&g_mem[i][DEV], N, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_OK(aclrtMallocHost(&g_mem[i][HOST], N));
    g_mem[i][MALLOC] = malloc(N);
  }
}

static void free_all(void) {
  int i;
  for (i = 0; i < 2; ++i) {
    CHECK_OK(aclrtFree(g_mem[i][DEV]));
    CHECK_OK(aclrtFreeHost(g_mem[i][HOST]));
    free(g_mem[i][MALLOC]);
  }
}

/* Where a kind may point, per side: 1 device, 0 not device. */
static int copy_allowed(aclrtMemcpyKind kind, int dst, int src) {
  int dd = dst == DEV, sd = src == DEV;
  if (!g_strict) return 1;
  switch (kind) {
    case ACL_MEMCPY_HOST_TO_HOST:
      return !dd && !sd;
    case ACL_MEMCPY_HOST_TO_DEVICE:
      return dd && !sd;
    case ACL_MEMCPY_DEVICE_TO_HOST:
      return !dd && sd;
    case ACL_MEMCPY_DEVICE_TO_DEVICE:
      return dd && sd;
    default:
      return 1;
  }
}

static void test_memset(aclrtStream s) {
  int k;
  for (k = 0; k < KINDS; ++k) {
    void* p = g_mem[0][k];
    SECTION(kind_name[k]);
    /* acl_rt.h: host or device memory, the runtime decides by address. */
    CHECK_OK(aclrtMemset(p, N, 0x5a, N));
    CHECK(filled(p, N, 0x5a));
    CHECK_OK(aclrtMemsetAsync(p, N, 0x33, N / 2, s));
    CHECK_OK(aclrtSynchronizeStream(s));
    CHECK(filled(p, N / 2, 0x33) && filled((char*)p + N / 2, N / 2, 0x5a));
    CHECK_OK(aclrtMemset(p, N, 1, 0)); /* count 0: nothing to do */
    CHECK_ERR(aclrtMemset(p, 16, 0, 17), ACL_ERROR_RT_PARAM_INVALID);
    CHECK_ERR(aclrtMemsetAsync(p, 16, 0, 17, s), ACL_ERROR_RT_PARAM_INVALID);
    if (k != MALLOC && g_strict) {
      /* Past the end of an ACL allocation (relaxed mode would really overrun). */
      CHECK_ERR(aclrtMemset((char*)p + 200, 100, 0, 100), ACL_ERROR_RT_PARAM_INVALID);
      CHECK_ERR(aclrtMemsetAsync((char*)p + 200, 100, 0, 100, s), ACL_ERROR_RT_PARAM_INVALID);
    }
  }
  SECTION("memset: bad input");
  CHECK_ERR(aclrtMemset(NULL, N, 0, N), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemsetAsync(NULL, N, 0, N, s), ACL_ERROR_INVALID_PARAM);
  CHECK_ERR(aclrtMemsetAsync(g_mem[0][DEV], N, 0, N, (aclrtStream)g_mem[0][HOST]),
            ACL_ERROR_INVALID_RESOURCE_HANDLE);
}

static void test_memcpy(aclrtStream s) {
  int kind, d, src;
  char name[96];
  for (kind = ACL_MEMCPY_HOST_TO_HOST; kind <= ACL_MEMCPY_DEFAULT; ++kind) {
    for (d = 0; d < KINDS; ++d) {
      for (src = 0; src < KINDS; ++src) {
        void *dp = g_mem[0][d], *sp = g_mem[1][src];
        snprintf(name, sizeof name, "memcpy kind %d: %s <- %s", kind, kind_name[d], kind_name[src]);
        SECTION(name);
        memset(sp, 0x11 + kind, N);
        memset(dp, 0, N);
        /* aclrtMemcpy's kind is reserved (the addresses decide): every kind copies. */
        CHECK_OK(aclrtMemcpy(dp, N, sp, N, (aclrtMemcpyKind)kind));
        CHECK(filled(dp, N, (unsigned char)(0x11 + kind)));
        memset(dp, 0, N);
        if (copy_allowed((aclrtMemcpyKind)kind, d, src)) {
          CHECK_OK(aclrtMemcpyAsync(dp, N, sp, N, (aclrtMemcpyKind)kind, s));
          CHECK_OK(aclrtSynchronizeStream(s));
          CHECK(filled(dp, N, (unsigned char)(0x11 + kind)));
        } else {
          CHECK_ERR(aclrtMemcpyAsync(dp, N, sp, N, (aclrtMemcpyKind)kind, s),
                    ACL_ERROR_RT_INVALID_MEMORY_TYPE);
          CHECK(filled(dp, N, 0)); /* nothing was written */
        }
        CHECK_ERR(aclrtMemcpy(dp, N / 2, sp, N, (aclrtMemcpyKind)kind), ACL_ERROR_RT_PARAM_INVALID);
      }
    }
  }
}

static void test_memcpy2d(aclrtStream s) {
  /* 4 rows of 16 bytes, source pitch 32, destination pitch 48. */
  const size_t width = 16, height = 4, spitch = 32, dpitch = 48;
  int kind, d, src;
  size_t r;
  char name[96];
  for (kind = ACL_MEMCPY_HOST_TO_HOST; kind <= ACL_MEMCPY_DEFAULT; ++kind) {
    for (d = 0; d < KINDS; ++d) {
      for (src = 0; src < KINDS; ++src) {
        unsigned char *dp = g_mem[0][d], *sp = g_mem[1][src];
        int ok = copy_allowed((aclrtMemcpyKind)kind, d, src) &&
                 (!g_strict || kind == ACL_MEMCPY_HOST_TO_DEVICE || kind == ACL_MEMCPY_DEVICE_TO_HOST);
        int async;
        snprintf(name, sizeof name, "memcpy2d kind %d: %s <- %s", kind, kind_name[d], kind_name[src]);
        SECTION(name);
        for (r = 0; r < N; ++r) sp[r] = (unsigned char)r;
        for (async = 0; async < 2; ++async) {
          aclError e;
          memset(dp, 0xee, N);
          e = async ? aclrtMemcpy2dAsync(dp, dpitch, sp, spitch, width, height, (aclrtMemcpyKind)kind, s)
                    : aclrtMemcpy2d(dp, dpitch, sp, spitch, width, height, (aclrtMemcpyKind)kind);
          if (async && e == ACL_SUCCESS) e = aclrtSynchronizeStream(s);
          if (ok) {
            CHECK_RET(e, ACL_SUCCESS);
            for (r = 0; r < height; ++r) {
              CHECK(memcmp(dp + r * dpitch, sp + r * spitch, width) == 0);
              CHECK(filled(dp + r * dpitch + width, dpitch - width, 0xee)); /* the gap is kept */
            }
          } else {
            const aclError want =
                (!g_strict || kind == ACL_MEMCPY_HOST_TO_DEVICE || kind == ACL_MEMCPY_DEVICE_TO_HOST)
                    ? ACL_ERROR_RT_INVALID_MEMORY_TYPE
                    : ACL_ERROR_RT_FEATURE_NOT_SUPPORT;
            const char* m = aclGetRecentErrMsg();
            CHECK(e == want && m != NULL);
            CHECK(filled(dp, N, 0xee));
          }
        }
      }
    }
  }
  SECTION("memcpy2d: bad input");
  {
    void *dp = g_mem[0][DEV], *hp = g_mem[0][HOST];
    CHECK_ERR(aclrtMemcpy2d(dp, 8, hp, 32, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, 32, hp, 8, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2dAsync(dp, 8, hp, 32, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE, s),
              ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(NULL, 32, hp, 32, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, 32, NULL, 32, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, 32, hp, 32, 0, 2, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, 32, hp, 32, 16, 0, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, 32, hp, 32, 16, 2, (aclrtMemcpyKind)42), ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2d(dp, SIZE_MAX / 2, hp, 32, 16, 4, ACL_MEMCPY_HOST_TO_DEVICE),
              ACL_ERROR_INVALID_PARAM);
    CHECK_ERR(aclrtMemcpy2dAsync(dp, 32, hp, 32, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE, (aclrtStream)hp),
              ACL_ERROR_INVALID_RESOURCE_HANDLE);
    if (g_strict) {
      /* 16 rows of pitch 32 span 496 bytes: past a 256-byte allocation. */
      CHECK_ERR(aclrtMemcpy2d(dp, 32, hp, 16, 16, 16, ACL_MEMCPY_HOST_TO_DEVICE), ACL_ERROR_RT_PARAM_INVALID);
    }
  }
}

int main(void) {
  const char* strict = getenv("ACL_HOST_STRICT");
  aclrtStream s = NULL;
  g_strict = !(strict && strcmp(strict, "0") == 0);
  CHECK_OK(aclInit(NULL));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateStream(&s));
  alloc_all();
  test_memset(s);
  test_memcpy(s);
  test_memcpy2d(s);
  free_all();
  CHECK_OK(aclrtDestroyStream(s));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
  return check_finish();
}
