// Planted bugs for the sanitizer job's self-test (.ci/sanitize.sh, "self-test"): the job must
// fail when our code has a bug, so each of the three native parts (host runtime, extension,
// pyACL) carries one heap over-read and one data race that the self-test switches on. They are
// compiled only with -DACL_ASYNC_SANITIZER_SELFTEST=ON (sanitizer builds) and active only while
// the environment variable ACL_ASYNC_PLANT names them; other builds compile them to nothing.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace acl_async::selftest {

#ifdef ACL_ASYNC_SANITIZER_SELFTEST
inline bool planted(const char* name) {
  const char* v = std::getenv("ACL_ASYNC_PLANT");
  return v && std::strcmp(v, name) == 0;
}
#else
constexpr bool planted(const char*) { return false; }
#endif

// Extra bytes a planted over-read adds to a copy's length (0 unless `name` is planted).
inline std::size_t overread(const char* name) { return planted(name) ? 64 : 0; }

// A planted data race: a write made here and in a thread started here, which nothing orders (the
// code around a plant takes locks, so two calls of it from different threads could end up ordered).
inline void race(const char* name) {
  if (!planted(name)) return;
  static int shared;
  std::thread other([] { shared = shared + 1; });
  shared = shared + 1;
  other.join();
}

}  // namespace acl_async::selftest
