// aclInit / aclFinalize, versions, configuration and process-wide teardown.
#include <pthread.h>
#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/device.h"
#include "detail/error.h"
#include "detail/event.h"
#include "detail/memory.h"
#include "detail/model.h"
#include "detail/observe.h"
#include "detail/report.h"
#include "detail/single_op.h"
#include "detail/runtime.h"
#include "detail/stream.h"
#include "detail/util.h"
#include "env_config.h"

namespace acl_host {
namespace {

std::atomic<bool> g_initialized{false};
std::atomic<bool> g_process_alive{true};
std::atomic<uint64_t> g_fork_epoch{0};
std::atomic<bool> g_exiting{false};  // exit() started (see watch_exit)
std::atomic<ForkRenewable*> g_renewables{nullptr};

// fork(): CANN does not support using ACL across fork (a context belongs to the
// process that made it). The child starts as a process that never called aclInit:
// fresh registries (the parent's stream threads do not exist here and its locks may
// be held), every handle from the parent invalid, the parent's contexts no longer
// current; calls fail at once (ACL_ERROR_UNINITIALIZE, ACL_ERROR_RT_CONTEXT_NULL,
// ACL_ERROR_INVALID_RESOURCE_HANDLE ...) and aclInit starts over.
void in_fork_child() {
  for (ForkRenewable* r = g_renewables.load(std::memory_order_acquire); r; r = r->next_renewable)
    r->renew_in_fork_child();
  g_initialized.store(false, std::memory_order_release);
  g_fork_epoch.fetch_add(1, std::memory_order_acq_rel);
}

struct AtFork {
  AtFork() { ::pthread_atfork(nullptr, nullptr, in_fork_child); }
} g_at_fork;

struct InitState {
  std::mutex m;
  uint64_t refcount = 0;
};
InitState& init_state() {
  static NoDestructor<InitState> s;
  return *s;
}

Config load_config() {
  Config c;
  c.device_count = static_cast<int>(acl_async::env::integer("ACL_HOST_DEVICE_COUNT", 1, 1, 64));
  c.device_memory =
      static_cast<size_t>(acl_async::env::integer("ACL_HOST_DEVICE_MEMORY_MB", 8192, 1, 1L << 24)) << 20;
  c.strict = acl_async::env::host_strict();
  std::string hint = acl_async::env::upper("ACL_HOST_PERFORMANCE_HINT");
  c.performance_hint = hint == "LATENCY" || hint == "THROUGHPUT" ? hint : "";  // "": chosen per model
  c.inference_threads =
      static_cast<int>(acl_async::env::integer("ACL_HOST_INFERENCE_NUM_THREADS", 0, 1, 4096));
  if (const char* dir = std::getenv("ACL_HOST_CACHE_DIR")) c.cache_dir = dir;
  c.lookahead = acl_async::env::integer("ACL_HOST_LOOKAHEAD", 1, 0, 1) != 0;
  std::string prec = acl_async::env::upper("ACL_HOST_INFERENCE_PRECISION");
  if (prec == "F32" || prec == "FP32")
    c.inference_precision = "f32";
  else if (prec == "F16" || prec == "FP16")
    c.inference_precision = "f16";
  else if (prec == "BF16")
    c.inference_precision = "bf16";
  return c;
}

// ---- A strict JSON syntax check (RFC 8259), for aclInit's config file. ----
class JsonChecker {
 public:
  JsonChecker(const std::string& s) : s_(s) {}
  bool check(std::string& err) {
    ws();
    if (!value(0)) {
      err = err_.empty() ? "invalid JSON" : err_;
      return false;
    }
    ws();
    if (i_ != s_.size()) return fail_at("unexpected trailing characters", err);
    return true;
  }
  bool root_is_object() const { return root_object_; }

 private:
  bool fail_at(const char* what, std::string& err) {
    err = format("%s at offset %zu", what, i_);
    return false;
  }
  bool bad(const char* what) {
    if (err_.empty()) err_ = format("%s at offset %zu", what, i_);
    return false;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (s_.compare(i_, n, w) != 0) return bad("invalid literal");
    i_ += n;
    return true;
  }
  bool value(int depth) {
    if (depth > 256) return bad("nesting too deep");
    if (i_ >= s_.size()) return bad("unexpected end of input");
    char c = s_[i_];
    if (depth == 0) root_object_ = (c == '{');
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return str();
      case 't':
        return lit("true");
      case 'f':
        return lit("false");
      case 'n':
        return lit("null");
      default:
        return number();
    }
  }
  bool object(int depth) {
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
    for (;;) {
      ws();
      if (i_ >= s_.size() || s_[i_] != '"') return bad("expected a string key");
      if (!str()) return false;
      ws();
      if (i_ >= s_.size() || s_[i_] != ':') return bad("expected ':'");
      ++i_;
      ws();
      if (!value(depth + 1)) return false;
      ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      return bad("expected ',' or '}'");
    }
  }
  bool array(int depth) {
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
    for (;;) {
      ws();
      if (!value(depth + 1)) return false;
      ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      return bad("expected ',' or ']'");
    }
  }
  bool str() {
    ++i_;
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return bad("control character in string");
      if (c == '\\') {
        ++i_;
        if (i_ >= s_.size()) break;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k)
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k])))
              return bad("invalid \\u escape");
          i_ += 4;
        } else if (!std::strchr("\"\\/bfnrt", e)) {
          return bad("invalid escape");
        }
      }
      ++i_;
    }
    return bad("unterminated string");
  }
  bool digits() {
    size_t st = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ > st;
  }
  bool number() {
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size()) return bad("unexpected end of input");
    if (s_[i_] == '0')
      ++i_;
    else if (!digits())
      return bad("unexpected character");
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return bad("invalid number");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return bad("invalid number");
    }
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
  bool root_object_ = false;
  std::string err_;
};

aclError check_config_file(const char* path, std::string& text) {
  struct stat st{};
  if (::stat(path, &st) != 0)
    return fail(ACL_ERROR_INVALID_FILE, "cannot open config file '%s': %s", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return fail(ACL_ERROR_INVALID_FILE, "config file '%s' is not a regular file", path);
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail(ACL_ERROR_INVALID_FILE, "cannot open config file '%s': %s", path, std::strerror(errno));
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return fail(ACL_ERROR_INVALID_FILE, "cannot read config file '%s'", path);
  text = ss.str();
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.erase(0, 3);
  JsonChecker checker(text);
  std::string err;
  if (!checker.check(err))
    return fail(ACL_ERROR_PARSE_FILE, "config file '%s' is not valid JSON: %s", path, err.c_str());
  if (!checker.root_is_object())
    return fail(ACL_ERROR_PARSE_FILE, "config file '%s' must hold a JSON object (e.g. {})", path);
  return ACL_SUCCESS;
}

// Finalizes at process exit when the application did not: stops stream
// workers while OpenVINO (loaded before us, destroyed after us) still works.
struct ExitGuard {
  ~ExitGuard() {
    g_exiting.store(true, std::memory_order_release);
    if (g_initialized.exchange(false)) shutdown_all();
    g_process_alive.store(false);
  }
} g_exit_guard;

}  // namespace

const Config& config() {
  static const Config c = load_config();
  return c;
}

bool initialized() { return g_initialized.load(std::memory_order_acquire); }

aclError require_init() {
  if (initialized()) return ACL_SUCCESS;
  return fail(ACL_ERROR_UNINITIALIZE, "ACL is not initialized: call aclInit first");
}

ov::Core& core() {
  // Not renewed in a fork child: OpenVINO's own state goes with its threads.
  static NoDestructor<ov::Core, false> c;
  return *c;
}

bool process_alive() { return g_process_alive.load(std::memory_order_acquire); }

uint64_t fork_epoch() { return g_fork_epoch.load(std::memory_order_acquire); }

void watch_exit() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit([] { g_exiting.store(true, std::memory_order_release); }); });
}

void keep_abandoned(const void* bytes, size_t size) {
  struct Kept {
    Kept* next;
  };
  static Kept* kept = nullptr;  // fork child only (one thread)
  auto* k = static_cast<Kept*>(std::malloc(sizeof(Kept) + size));
  if (!k) return;
  k->next = kept;
  std::memcpy(k + 1, bytes, size);
  kept = k;
}

void enlist_for_fork(ForkRenewable* r) {
  ForkRenewable* head = g_renewables.load(std::memory_order_relaxed);
  do {
    r->next_renewable = head;
  } while (!g_renewables.compare_exchange_weak(head, r, std::memory_order_release, std::memory_order_relaxed));
}

void shutdown_all() {
  // Order: wake callback waiters, stop stream workers (dropping queued
  // work), then release models, events, contexts, devices and memory.
  report::release_all();
  stream::release_all();
  event::release_all();
  model::release_all();
  single_op::release_all();
  // Compiled models are gone: unloading the CPU plugin ends the executor threads
  // OpenVINO keeps for them (two per model otherwise stay until process exit).
  if (!g_exiting.load(std::memory_order_acquire)) {
    try {
      core().unload_plugin("CPU");
    } catch (const std::exception&) {  // never loaded
    }
  }
  device::release_all();
  context::release_all();
  memory::release_all();
  observe::finish();  // the trace of acl.json's profiler section, after every task ran
}

}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclInit(const char* configPath) ACL_API_TRY {
  ACL_API();
  InitState& st = init_state();
  std::lock_guard<std::mutex> lock(st.m);
  if (g_initialized.load()) {
    ++st.refcount;
    return fail(ACL_ERROR_REPEAT_INITIALIZE, "ACL is already initialized (reference count now %llu)",
                static_cast<unsigned long long>(st.refcount));
  }
  if (configPath && *configPath) {
    std::string text;
    aclError e = check_config_file(configPath, text);
    if (e != ACL_SUCCESS) return e;
    // acl.json's "profiler" and "dump" sections.
    if ((e = observe::configure(text, configPath)) != ACL_SUCCESS) return e;
  }
  (void)config();
  st.refcount = 1;
  g_initialized.store(true, std::memory_order_release);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclFinalize() ACL_API_TRY {
  ACL_API();
  InitState& st = init_state();
  std::lock_guard<std::mutex> lock(st.m);
  if (!g_initialized.load())
    return fail(ACL_ERROR_REPEAT_FINALIZE,
                "ACL is not initialized (aclFinalize repeated or aclInit never called)");
  g_initialized.store(false, std::memory_order_release);
  st.refcount = 0;
  shutdown_all();
  return ACL_SUCCESS;
} ACL_API_CATCH

// Reference-counted finalize (newer CANN): releases everything when the
// count of successful + repeated aclInit calls drops to 0. Not declared by
// our headers (the real ones have it).
__attribute__((visibility("default"))) aclError aclFinalizeReference(uint64_t* refCount) ACL_API_TRY {
  ACL_API();
  InitState& st = init_state();
  std::lock_guard<std::mutex> lock(st.m);
  if (!g_initialized.load()) {
    if (refCount) *refCount = 0;
    return fail(ACL_ERROR_REPEAT_FINALIZE,
                "ACL is not initialized (aclFinalize repeated or aclInit never called)");
  }
  if (st.refcount > 0) --st.refcount;
  if (refCount) *refCount = st.refcount;
  if (st.refcount == 0) {
    g_initialized.store(false, std::memory_order_release);
    shutdown_all();
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtGetVersion(int32_t* majorVersion, int32_t* minorVersion, int32_t* patchVersion) ACL_API_TRY {
  ACL_API();
  if (!majorVersion || !minorVersion || !patchVersion)
    return fail(ACL_ERROR_INVALID_PARAM, "majorVersion, minorVersion and patchVersion must not be NULL");
  *majorVersion = 1;
  *minorVersion = 17;
  *patchVersion = 0;
  return ACL_SUCCESS;
} ACL_API_CATCH

// Older name of aclrtGetVersion (not declared by current headers).
__attribute__((visibility("default"))) aclError aclGetVersion(int32_t* majorVersion, int32_t* minorVersion,
                                                              int32_t* patchVersion) ACL_API_TRY {
  return aclrtGetVersion(majorVersion, minorVersion, patchVersion);
} ACL_API_CATCH

}  // extern "C"
