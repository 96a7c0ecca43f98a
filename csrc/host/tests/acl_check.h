/* Minimal check macros for the host runtime's C/C++ test programs (C99/C++11).
 * Each program prints a final "N passed, M failed" line and exits non-zero on failure. */
#ifndef ACL_HOST_TESTS_ACL_CHECK_H
#define ACL_HOST_TESTS_ACL_CHECK_H

#include <stdio.h>
#include <string.h>

#include "acl/acl.h"

static int g_passed = 0;
static int g_failed = 0;
static const char *g_section = "";

#define SECTION(name) (g_section = (name))

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (cond) {                                                                               \
            ++g_passed;                                                                           \
        } else {                                                                                  \
            ++g_failed;                                                                           \
            fprintf(stderr, "FAIL [%s] %s:%d: %s\n", g_section, __FILE__, __LINE__, #cond);       \
        }                                                                                         \
    } while (0)

/* The call returns `expect`. */
#define CHECK_RET(call, expect)                                                                   \
    do {                                                                                          \
        aclError r_ = (call);                                                                     \
        if (r_ == (aclError)(expect)) {                                                           \
            ++g_passed;                                                                           \
        } else {                                                                                  \
            const char *m_ = aclGetRecentErrMsg();                                                \
            ++g_failed;                                                                           \
            fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected %d (%s)\n", g_section,     \
                    __FILE__, __LINE__, #call, (int)r_, (int)(expect), m_ ? m_ : "no message");   \
        }                                                                                         \
    } while (0)

#define CHECK_OK(call) CHECK_RET(call, ACL_SUCCESS)

/* The call fails with `expect` and leaves a readable message in aclGetRecentErrMsg
 * (which reading clears). */
#define CHECK_ERR(call, expect)                                                                   \
    do {                                                                                          \
        aclError r_ = (call);                                                                     \
        const char *m_ = aclGetRecentErrMsg();                                                    \
        if (r_ == (aclError)(expect) && m_ != NULL && strlen(m_) > 8) {                           \
            ++g_passed;                                                                           \
        } else {                                                                                  \
            ++g_failed;                                                                           \
            fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected %d; message: %s\n",        \
                    g_section, __FILE__, __LINE__, #call, (int)r_, (int)(expect),                  \
                    m_ ? m_ : "(none)");                                                          \
        }                                                                                         \
    } while (0)

/* The call fails (any code) and leaves a readable message. */
#define CHECK_FAIL(call)                                                                          \
    do {                                                                                          \
        aclError r_ = (call);                                                                     \
        const char *m_ = aclGetRecentErrMsg();                                                    \
        if (r_ != ACL_SUCCESS && m_ != NULL && strlen(m_) > 8) {                                  \
            ++g_passed;                                                                           \
        } else {                                                                                  \
            ++g_failed;                                                                           \
            fprintf(stderr, "FAIL [%s] %s:%d: %s returned %d, expected a failure; message: %s\n", \
                    g_section, __FILE__, __LINE__, #call, (int)r_, m_ ? m_ : "(none)");           \
        }                                                                                         \
    } while (0)

/* strict ? CHECK_ERR(call, code) : CHECK_OK(call) */
#define CHECK_STRICT(strict, call, code)                                                          \
    do {                                                                                          \
        if (strict) {                                                                             \
            CHECK_ERR(call, code);                                                                \
        } else {                                                                                  \
            CHECK_OK(call);                                                                       \
        }                                                                                         \
    } while (0)

/* A non-aclError call failed (NULL / 0 result) and left a message. */
#define CHECK_MSG()                                                                               \
    do {                                                                                          \
        const char *m_ = aclGetRecentErrMsg();                                                    \
        if (m_ != NULL && strlen(m_) > 8) {                                                       \
            ++g_passed;                                                                           \
        } else {                                                                                  \
            ++g_failed;                                                                           \
            fprintf(stderr, "FAIL [%s] %s:%d: no error message\n", g_section, __FILE__, __LINE__); \
        }                                                                                         \
    } while (0)

static int check_finish(void) {
    printf("%d passed, %d failed\n", g_passed, g_failed);
    fflush(stdout);
    return g_failed ? 1 : 0;
}

#endif /* ACL_HOST_TESTS_ACL_CHECK_H */
