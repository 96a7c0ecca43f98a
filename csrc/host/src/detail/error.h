// Error reporting: every failing entry point records a readable message in a
// thread-local slot that aclGetRecentErrMsg returns (and clears).
#pragma once

#include <string>

#include "acl/acl.h"

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
// Same, for functions that do not return aclError (message only).
void note(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Records an already formatted message as the thread's recent error.
void set_recent_error(const std::string& msg);
// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// The thread's last error code (aclrtGetLastError); clear resets it to ACL_SUCCESS.
aclError last_error(bool clear);

// Reads and clears the thread's recent error message (NULL when none).
const char* take_recent_error();

}  // namespace acl_host

#define ACL_API() ::acl_host::ApiScope acl_api_scope_(__func__)
