// Error reporting: every failing entry point records a readable message in a
// thread-local slot that aclGetRecentErrMsg returns (and clears).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>

#include "acl/acl.h"
#include "forced_unwind.h"

namespace acl_host {

// Name of the entry point running on this thread (prefixes messages).
class ApiScope {
 public:
  explicit ApiScope(const char* name);
  ~ApiScope();
  ApiScope(const ApiScope&) = delete;
  ApiScope& operator=(const ApiScope&) = delete;

 private:
  const char* prev_;
};

const char* current_api();

// Records "<api>: <message> (error <code>)" and returns code.
aclError fail(aclError code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Same, not printed by the ASCENDCL log (log_runtime_error): an outcome callers poll for (a report
// poll's timeout, a report thread woken by its unsubscription), not a fault.
aclError fail_quiet(aclError code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Same, for functions that do not return aclError (message only).
void note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Records an already formatted message as the thread's recent error.
void set_recent_error(const std::string& msg);
// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Prints a recorded error as CANN's ASCENDCL module does (stdout, ASCEND_SLOG_PRINT_TO_STDOUT=1; log.cpp).
void log_runtime_error(const std::string& message);

// The thread's last error code (aclrtGetLastError); clear resets it to ACL_SUCCESS.
aclError last_error(bool clear);

// Reads and clears the thread's recent error message (NULL when none).
const char* take_recent_error();

// An ACL error raised where no error code can be returned (a constructor, a
// thread that cannot start): the entry point's guard returns its code.
class Error : public std::runtime_error {
 public:
  Error(aclError code, const std::string& msg) : std::runtime_error(msg), code_(code) {}
  aclError code() const { return code_; }

 private:
  aclError code_;
};

// What an exported function returns when its guard (ACL_API_TRY/ACL_API_CATCH)
// caught an exception: records the error (aclGetRecentErrMsg, aclrtGetLastError)
// and converts to the function's return type: the ACL error code for aclError,
// NULL for a pointer, 0 otherwise. Constructed only inside a catch handler.
class ApiFailure {
 public:
  explicit ApiFailure(const char* api) noexcept;
  template <typename T>
  operator T() const noexcept {
    if constexpr (std::is_pointer<T>::value)
      return nullptr;
    else if constexpr (std::is_same<T, aclError>::value)
      return code_;
    else
      return T{};
  }

 private:
  aclError code_;
};

}  // namespace acl_host

#define ACL_API() ::acl_host::ApiScope acl_api_scope_(__func__)

// The guard of every exported function (a function-try-block, so bodies keep
// their indentation): no C++ exception leaves the library; the caller gets an
// ACL error code instead (tests/test_runtime_reliability.py checks every export):
//   aclError aclFoo(int x) ACL_API_TRY { ... } ACL_API_CATCH
//   void aclBar(int x) ACL_API_TRY { ... } ACL_API_CATCH_VOID
// A forced unwind (thread cancellation, pthread_exit) must go on (swallowing it aborts).
#define ACL_API_TRY try
#define ACL_API_CATCH                                \
  catch (...) {                                      \
    ::acl_async::common::rethrow_if_forced_unwind(); \
    return ::acl_host::ApiFailure(__func__);         \
  }
#define ACL_API_CATCH_VOID                           \
  catch (...) {                                      \
    ::acl_async::common::rethrow_if_forced_unwind(); \
    ::acl_host::ApiFailure failure_(__func__);       \
    (void)failure_;                                  \
  }
