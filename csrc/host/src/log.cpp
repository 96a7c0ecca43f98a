// aclAppLog: application log lines filtered by ASCEND_GLOBAL_LOG_LEVEL and
// written to stdout (ASCEND_SLOG_PRINT_TO_STDOUT=1) or, as CANN's plog does,
// to a per-process file under $ASCEND_PROCESS_LOG_PATH (default ~/ascend/log)/debug/plog/.
// The runtime's own errors (what aclGetRecentErrMsg returns) are printed as CANN's ASCENDCL
// module's ERROR lines, on stdout only: with ASCEND_SLOG_PRINT_TO_STDOUT=1, as on an Ascend host,
// a failing sample shows why without calling aclGetRecentErrMsg.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/util.h"

namespace acl_host {
namespace {

constexpr int kLevelNull = 4;

struct LogSink {
  std::mutex m;
  bool ready = false;
  int level = ACL_ERROR;  // CANN's default global level
  bool to_stdout = false;
  std::string dir;
  FILE* file = nullptr;  // the plog file, opened on the first line written
  bool file_failed = false;
};

LogSink& sink() {
  static NoDestructor<LogSink> s;
  return *s;
}

int env_level() {
  const char* v = std::getenv("ASCEND_GLOBAL_LOG_LEVEL");
  if (!v || !*v) return ACL_ERROR;
  char* end = nullptr;
  long l = std::strtol(v, &end, 10);
  if (*end != '\0' || l < ACL_DEBUG || l > kLevelNull) return ACL_ERROR;  // CANN ignores invalid values
  return static_cast<int>(l);
}

void mkdirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') ::mkdir(path.substr(0, i).c_str(), 0750);
}

// The user's home: $HOME, else the password database's.
std::string home_dir() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(::getuid(), &pw, buf, sizeof buf, &found) == 0 && found && found->pw_dir && *found->pw_dir)
    return found->pw_dir;
  return "";
}

// A private folder of this user under /tmp when there is no home: created 0700 and
// used only if it is a real directory this user owns that nobody else can write.
std::string private_tmp_dir() {
  const std::string dir = "/tmp/ascend-" + std::to_string(::getuid());
  ::mkdir(dir.c_str(), 0700);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() ||
      (st.st_mode & 022) != 0)
    return "";
  return dir;
}

void setup(LogSink& s) {
  if (s.ready) return;
  s.ready = true;
  s.level = env_level();
  const char* out = std::getenv("ASCEND_SLOG_PRINT_TO_STDOUT");
  s.to_stdout = out && std::strcmp(out, "1") == 0;
  const char* root = std::getenv("ASCEND_PROCESS_LOG_PATH");
  if (root && *root) {
    s.dir = root;
  } else {
    std::string base = home_dir();
    if (base.empty()) base = private_tmp_dir();
    s.dir = base.empty() ? std::string() : base + "/ascend/log";
  }
  if (!s.dir.empty()) s.dir += "/debug/plog";
}

FILE* plog(LogSink& s) {
  if (s.file || s.file_failed) return s.file;
  if (s.dir.empty()) {
    s.file_failed = true;
    std::fprintf(stderr, "[WARNING] acl: no folder for the application log (no home; set ASCEND_PROCESS_LOG_PATH)\n");
    return nullptr;
  }
  mkdirs(s.dir);
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
  // A new file, never an existing one or a symlink planted at this predictable name.
  std::string path;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    path = s.dir + "/plog-" + std::to_string(::getpid()) + "_" + stamp +
           (attempt ? "-" + std::to_string(attempt) : std::string()) + ".log";
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd >= 0) {
    s.file = ::fdopen(fd, "w");
    if (!s.file) ::close(fd);
  }
  if (!s.file) {
    s.file_failed = true;
    std::fprintf(stderr, "[WARNING] acl: cannot write the application log %s: %s\n", path.c_str(),
                 std::strerror(errno));
  }
  return s.file;
}

const char* level_name(int level) {
  switch (level) {
    case ACL_DEBUG:
      return "DEBUG";
    case ACL_INFO:
      return "INFO";
    case ACL_WARNING:
      return "WARNING";
    default:
      return "ERROR";
  }
}

std::string process_name() {
  char buf[256] = {0};
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "app";
  std::string p(buf, static_cast<size_t>(n));
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

namespace acl_host {
namespace {

// One line in CANN's format: "[LEVEL] MODULE(pid,process):date.ms.us <where>: <body>".
void write_line(FILE* out, int level, const char* module, const std::string& where, const char* body) {
  struct timeval tv{};
  ::gettimeofday(&tv, nullptr);
  std::tm tm{};
  localtime_r(&tv.tv_sec, &tm);
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%d-%H:%M:%S", &tm);
  static const std::string proc = process_name();
  std::fprintf(out, "[%s] %s(%d,%s):%s.%03ld.%03ld %s: %s\n", level_name(level), module, static_cast<int>(::getpid()),
               proc.c_str(), when, static_cast<long>(tv.tv_usec / 1000), static_cast<long>(tv.tv_usec % 1000),
               where.c_str(), body);
  std::fflush(out);
}

}  // namespace

void log_runtime_error(const std::string& message) {
  LogSink& s = sink();
  std::lock_guard<std::mutex> lock(s.m);
  setup(s);
  if (!s.to_stdout || ACL_ERROR < s.level) return;
  write_line(stdout, ACL_ERROR, "ASCENDCL", "[acl-async host runtime]", message.c_str());
}

}  // namespace acl_host

extern "C" void aclAppLog(aclLogLevel logLevel, const char* func, const char* file, uint32_t line,
                          const char* fmt, ...) ACL_API_TRY {
  const int level = static_cast<int>(logLevel);
  if (level < ACL_DEBUG || level > ACL_ERROR || !fmt) return;
  LogSink& s = sink();
  {
    std::lock_guard<std::mutex> lock(s.m);
    setup(s);
    if (level < s.level) return;
  }
  char body[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  const char* base = file ? std::strrchr(file, '/') : nullptr;
  base = base ? base + 1 : (file ? file : "");
  const std::string where = "[" + std::string(base) + ":" + std::to_string(line) + "]" + (func ? func : "");
  std::lock_guard<std::mutex> lock(s.m);
  FILE* out = s.to_stdout ? stdout : plog(s);
  if (!out) return;
  write_line(out, level, "APP", where, body);
} ACL_API_CATCH_VOID
