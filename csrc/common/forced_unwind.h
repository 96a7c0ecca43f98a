// A thread ended by pthread_exit or cancellation (Python < 3.14 ends a thread that asks for the GIL
// while the interpreter finalizes that way) unwinds with a "forced unwind": a handler may see it as
// abi::__forced_unwind but must let it go on (swallowing it aborts the process). glibc's unwind
// carries no C++ object, so the handler's reference is bound to null, which UBSan's null check reports
// (and, built with -fno-sanitize-recover, aborts on). These two helpers hold the only such handlers, with
// UBSan off in them alone (GCC's no_sanitize("null") does not reach a handler's binding); the code they
// run keeps every check (functions with other sanitizer settings are not inlined into them).
#pragma once

#include <cxxabi.h>
#include <unistd.h>

#include <utility>

#define ACL_ASYNC_NO_UBSAN __attribute__((no_sanitize("undefined")))

namespace acl_async::common {

// Runs body() and returns what it returns; if a forced unwind leaves body(), runs on_unwind() first
// (which must not throw) and lets the unwind go on.
template <typename Body, typename OnUnwind>
ACL_ASYNC_NO_UBSAN decltype(auto) on_forced_unwind(Body&& body, OnUnwind&& on_unwind) {
  try {
    return std::forward<Body>(body)();
  } catch (abi::__forced_unwind&) {
    std::forward<OnUnwind>(on_unwind)();
    throw;
  }
}

// Blocks the calling thread until the process ends (a thread that must neither run on nor unwind).
[[noreturn]] inline void hang_thread() noexcept {
  for (;;) pause();
}

// Runs body() and returns what it returns; a forced unwind leaving body() stops there: the thread
// hangs (hang_thread) with every frame above left as it is, none of their cleanups run.
template <typename Body>
decltype(auto) hang_on_forced_unwind(Body&& body) {
  return on_forced_unwind(std::forward<Body>(body), [] { hang_thread(); });
}

// Called inside a catch (...) handler: rethrows the exception it handles if that is a forced unwind,
// returns otherwise (the handler goes on with the exception it caught).
ACL_ASYNC_NO_UBSAN inline void rethrow_if_forced_unwind() {
  try {
    throw;
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (...) {
  }
}

}  // namespace acl_async::common
