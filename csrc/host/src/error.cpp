// Thread-local recent error messages and aclGetRecentErrMsg.
#include <cstdarg>
#include <cstdio>
#include <string>

#include "acl/acl.h"
#include "detail/error.h"

namespace acl_host {
namespace {

thread_local const char* tl_api = nullptr;
// exit() destroys the calling thread's thread_locals before atexit handlers and static
// destructors, which may still call ACL: after that the messages are dropped.
struct Messages {
  std::string recent;    // last error, not yet read
  std::string returned;  // what aclGetRecentErrMsg handed out last
  bool alive = true;
  ~Messages() { alive = false; }
};
thread_local Messages tl_msgs;
thread_local aclError tl_last_code = ACL_SUCCESS;  // aclrtGetLastError / aclrtPeekAtLastError

std::string vformat(const char* fmt, va_list ap) {
  char small[512];
  va_list copy;
  va_copy(copy, ap);
  int n = std::vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0) return std::string(fmt);
  if (static_cast<size_t>(n) < sizeof small) return std::string(small, static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::vsnprintf(&out[0], out.size(), fmt, ap);
  out.resize(static_cast<size_t>(n));
  return out;
}

void record(const std::string& body, aclError code, bool with_code, bool logged = true) {
  std::string msg;
  if (tl_api) {
    msg += tl_api;
    msg += ": ";
  }
  msg += body;
  if (with_code) {
    msg += " (error ";
    msg += std::to_string(code);
    msg += ")";
    if (logged) log_runtime_error(msg);
  }
  if (tl_msgs.alive) tl_msgs.recent = std::move(msg);
}

}  // namespace

ApiScope::ApiScope(const char* name) : prev_(tl_api) { tl_api = name; }

ApiScope::~ApiScope() { tl_api = prev_; }

ApiFailure::ApiFailure(const char* api) noexcept : code_(ACL_ERROR_INTERNAL_ERROR) {
  ApiScope scope(api);
  try {
    try {
      throw;
    } catch (const Error& e) {
      code_ = e.code();
      fail(code_, "%s", e.what());
    } catch (const std::bad_alloc&) {
      code_ = ACL_ERROR_BAD_ALLOC;
      fail(code_, "out of host memory");
    } catch (const std::exception& e) {
      fail(code_, "internal error: %s", e.what());
    } catch (...) {
      fail(code_, "internal error: unknown exception");
    }
  } catch (...) {  // recording the message itself failed (no memory): the code still goes back
    tl_last_code = code_;
  }
}

const char* current_api() { return tl_api ? tl_api : "acl"; }

aclError fail(aclError code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string body = vformat(fmt, ap);
  va_end(ap);
  record(body, code, true);
  tl_last_code = code;
  return code;
}

aclError fail_quiet(aclError code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string body = vformat(fmt, ap);
  va_end(ap);
  record(body, code, true, false);
  tl_last_code = code;
  return code;
}

void note(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string body = vformat(fmt, ap);
  va_end(ap);
  record(body, 0, false);
}

void set_recent_error(const std::string& msg) {
  if (tl_msgs.alive) tl_msgs.recent = msg;
}

std::string format(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

const char* take_recent_error() {
  if (!tl_msgs.alive || tl_msgs.recent.empty()) return nullptr;
  tl_msgs.returned.swap(tl_msgs.recent);
  tl_msgs.recent.clear();
  return tl_msgs.returned.c_str();
}

aclError last_error(bool clear) {
  aclError code = tl_last_code;
  if (clear) tl_last_code = ACL_SUCCESS;
  return code;
}

}  // namespace acl_host

extern "C" {

const char* aclGetRecentErrMsg() ACL_API_TRY { return acl_host::take_recent_error(); } ACL_API_CATCH

aclError aclrtGetLastError(aclrtLastErrLevel level) ACL_API_TRY {
  if (level != ACL_RT_THREAD_LEVEL) {
    acl_host::ApiScope scope(__func__);
    return acl_host::fail(ACL_ERROR_INVALID_PARAM, "level %d is not ACL_RT_THREAD_LEVEL",
                          static_cast<int>(level));
  }
  return acl_host::last_error(true);
} ACL_API_CATCH

aclError aclrtPeekAtLastError(aclrtLastErrLevel level) ACL_API_TRY {
  if (level != ACL_RT_THREAD_LEVEL) {
    acl_host::ApiScope scope(__func__);
    return acl_host::fail(ACL_ERROR_INVALID_PARAM, "level %d is not ACL_RT_THREAD_LEVEL",
                          static_cast<int>(level));
  }
  return acl_host::last_error(false);
} ACL_API_CATCH

}  // extern "C"
