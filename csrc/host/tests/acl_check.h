/* Minimal check macros for the host runtime's C/C++ test programs (C99/C++11).
 *
 * A program is a table of named cases, each registered with CTest as its own test
 * (csrc/host/tests/CMakeLists.txt reads the names from the ACL_TEST_CASE lines):
 *
 *     static const AclTestCase k_cases[] = {
 *         ACL_TEST_CASE("memory", case_memory),   <- one entry per line
 *     };
 *     int main(int argc, char **argv) { ...; return acl_run_cases(k_cases, ACL_COUNT(k_cases), argv[1]); }
 *
 * usage of every program: <program> <case>|all|--list [its own arguments]
 * A run prints a final "N passed, M failed" line and exits non-zero when a check failed
 * or when no check ran at all; an unknown case name exits 2. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"

static int g_passed = 0;
static int g_failed = 0;
static const char* g_section = "";

#define SECTION(name) (g_section = (name))

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (cond) {                                                                       \
      ++g_passed;                                                                     \
    } else {                                                                          \
      ++g_failed;                                                                     \
      fprintf(stderr, "FAIL [%s] %s:%d: %s\n", g_section, __FILE__, __LINE__, #cond); \
    }                                                                                 \
  } while (0)

/* The call returns `expect`. */
#define CHECK_RET(call, expect)                                                                             \
  do {                                                                                                      \
    aclError r_ = (call);                                                                                   \
    if (r_ == (aclError)(expect)) {                                                                         \
      ++g_passed;                                                                                           \
    } else {                                                                                                \
      const char* m_ = aclGetRecentErrMsg();                                                                \
      ++g_failed;                                                                                           \
      fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected %d (%s)\n", g_section, __FILE__, __LINE__, \
              #call, (int)r_, (int)(expect), m_ ? m_ : "no message");                                       \
    }                                                                                                       \
  } while (0)

#define CHECK_OK(call) CHECK_RET(call, ACL_SUCCESS)

/* The call fails with `expect` and leaves a readable message in aclGetRecentErrMsg
 * (which reading clears). */
#define CHECK_ERR(call, expect)                                                                           \
  do {                                                                                                    \
    aclError r_ = (call);                                                                                 \
    const char* m_ = aclGetRecentErrMsg();                                                                \
    if (r_ == (aclError)(expect) && m_ != NULL && strlen(m_) > 8) {                                       \
      ++g_passed;                                                                                         \
    } else {                                                                                              \
      ++g_failed;                                                                                         \
      fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected %d; message: %s\n", g_section, __FILE__, \
              __LINE__, #call, (int)r_, (int)(expect), m_ ? m_ : "(none)");                               \
    }                                                                                                     \
  } while (0)

/* The call fails with `expect` and its message names `what` (an argument). */
#define CHECK_ERR_ARG(call, expect, what)                                                                 \
  do {                                                                                                    \
    aclError r_ = (call);                                                                                 \
    const char* m_ = aclGetRecentErrMsg();                                                                \
    if (r_ == (aclError)(expect) && m_ != NULL && strstr(m_, (what)) != NULL) {                           \
      ++g_passed;                                                                                         \
    } else {                                                                                              \
      ++g_failed;                                                                                         \
      fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected %d naming %s; message: %s\n", g_section, \
              __FILE__, __LINE__, #call, (int)r_, (int)(expect), (what), m_ ? m_ : "(none)");             \
    }                                                                                                     \
  } while (0)

/* The call fails (any code) and leaves a readable message. */
#define CHECK_FAIL(call)                                                                               \
  do {                                                                                                 \
    aclError r_ = (call);                                                                              \
    const char* m_ = aclGetRecentErrMsg();                                                             \
    if (r_ != ACL_SUCCESS && m_ != NULL && strlen(m_) > 8) {                                           \
      ++g_passed;                                                                                      \
    } else {                                                                                           \
      ++g_failed;                                                                                      \
      fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected a failure; message: %s\n", g_section, \
              __FILE__, __LINE__, #call, (int)r_, m_ ? m_ : "(none)");                                 \
    }                                                                                                  \
  } while (0)

/* strict ? CHECK_ERR(call, code) : CHECK_OK(call) */
#define CHECK_STRICT(strict, call, code) \
  do {                                   \
    if (strict) {                        \
      CHECK_ERR(call, code);             \
    } else {                             \
      CHECK_OK(call);                    \
    }                                    \
  } while (0)

/* A non-aclError call failed (NULL / 0 result) and left a message. */
#define CHECK_MSG()                                                                          \
  do {                                                                                       \
    const char* m_ = aclGetRecentErrMsg();                                                   \
    if (m_ != NULL && strlen(m_) > 8) {                                                      \
      ++g_passed;                                                                            \
    } else {                                                                                 \
      ++g_failed;                                                                            \
      fprintf(stderr, "FAIL [%s] %s:%d: no error message\n", g_section, __FILE__, __LINE__); \
    }                                                                                        \
  } while (0)

/* The whole file at `path` (malloc'd, with one byte to spare for a NUL) and its size in *size;
 * NULL when it cannot be read. */
static inline void* acl_read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  void* buf = NULL;
  long n;
  *size = 0;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      *size = (size_t)n;
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

/* acl_read_file of a fixture the program cannot run without: exits 2 with a message when it fails. */
static inline void* acl_read_file_or_exit(const char* path, size_t* size) {
  void* buf = acl_read_file(path, size);
  if (!buf) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  return buf;
}

static inline int check_finish(void) {
  printf("%d passed, %d failed\n", g_passed, g_failed);
  fflush(stdout);
  return (g_failed || !g_passed) ? 1 : 0;
}

typedef struct {
  const char* name;
  void (*run)(void);
} AclTestCase;

#define ACL_TEST_CASE(name, fn) {name, fn}
#define ACL_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Runs the case called `which` ("all": every case in order; "--list": prints the names). */
static inline int acl_run_cases(const AclTestCase* cases, size_t n, const char* which) {
  size_t i;
  int found = 0;
  if (which == NULL) {
    fprintf(stderr, "usage: <program> <case>|all|--list [arguments]\n");
    return 2;
  }
  for (i = 0; i < n; ++i) {
    if (strcmp(which, "--list") == 0) {
      printf("%s\n", cases[i].name);
      found = 1;
    } else if (strcmp(which, "all") == 0 || strcmp(which, cases[i].name) == 0) {
      printf("== %s\n", cases[i].name);
      fflush(stdout);
      cases[i].run();
      found = 1;
    }
  }
  if (!found) {
    fprintf(stderr, "unknown case '%s'; the cases are:", which);
    for (i = 0; i < n; ++i) fprintf(stderr, " %s", cases[i].name);
    fprintf(stderr, "\n");
    return 2;
  }
  return strcmp(which, "--list") == 0 ? 0 : check_finish();
}
