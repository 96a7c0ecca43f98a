// Errors: the C++ exceptions the engine throws. The Python binding maps them to
// acl_async.errors (bindings/errors.cpp): AclError(code, function, message) and its
// families, ClosedError, InputError; WaitTimeout becomes the built-in TimeoutError.
#pragma once

#include <stdexcept>
#include <string>

#include "acl/acl.h"

namespace acl_async {

// An ACL call returned an error code. Becomes acl_async.AclError (or a subclass).
class AclFailure : public std::runtime_error {
 public:
  AclFailure(aclError code, std::string function, std::string message);
  aclError code() const noexcept { return code_; }
  const std::string& function() const noexcept { return function_; }
  const std::string& message() const noexcept { return message_; }

 private:
  aclError code_;
  std::string function_;
  std::string message_;
};

// Use of an object after close(). Becomes acl_async.ClosedError.
class ClosedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An input array of the wrong dtype, shape or size. Becomes acl_async.InputError.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A request that cannot fit a resource limit (device or host memory, threads),
// refused before allocating. Becomes acl_async.LimitError (a ValueError).
class LimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One of our own waits expired. Becomes the built-in TimeoutError.
class WaitTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A call that cannot work where it was made (e.g. a blocking wait on a report
// thread, which would deadlock). Becomes RuntimeError.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws AclFailure for `code` with the calling thread's aclGetRecentErrMsg().
[[noreturn]] void raise_acl(aclError code, const char* function);

inline void check(aclError code, const char* function) {
  if (code != ACL_SUCCESS) raise_acl(code, function);
}

}  // namespace acl_async
