#include "env_config.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace acl_async::env {

std::string upper(const char* name) {
  const char* v = std::getenv(name);
  std::string s = v ? v : "";
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

long integer(const char* name, long fallback, long lo, long hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  errno = 0;
  long x = std::strtol(v, &end, 10);
  if (errno || end == v || *end || x < lo || x > hi) return fallback;
  return x;
}

bool on_unless_off(const char* name) {
  std::string s = upper(name);
  return !(s == "0" || s == "OFF" || s == "FALSE" || s == "NO");
}

bool host_strict() { return on_unless_off("ACL_HOST_STRICT"); }

}  // namespace acl_async::env
