// Error helpers of libacl_dvpp.
#include "common.h"

#include <vector>

namespace acl_dvpp {
namespace {

std::string vformat(const char* fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return std::string();
  std::vector<char> buf(static_cast<size_t>(n) + 1);
  std::vsnprintf(buf.data(), buf.size(), fmt, ap);
  return std::string(buf.data(), static_cast<size_t>(n));
}

}  // namespace

aclError fail(const char* api, aclError code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  return acl_host_ext_fail(api, code, msg.c_str());
}

void note(const char* api, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  acl_host_ext_fail(api, ACL_ERROR_INVALID_PARAM, msg.c_str());
}

std::string format(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

aclError unsupported(const char* api) {
  return fail(api, ACL_ERROR_FEATURE_UNSUPPORTED,
              "the acl-async host runtime does not support %s (video decode/encode, histograms and "
              "pyramids have no CPU implementation)",
              api);
}

}  // namespace acl_dvpp
