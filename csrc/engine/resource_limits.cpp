#include "resource_limits.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include <algorithm>
#include <cstdlib>

#include "acl/acl.h"
#include "errors.h"

namespace acl_async {

namespace {

constexpr size_t kAlign = 64;         // allocation granularity assumed per buffer
constexpr size_t kSpareThreads = 64;  // left for everything else in the process

std::string human(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) {
    bytes /= 1024;
    ++u;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", bytes, units[u]);
  return text;
}

// The first number in a file (nullopt when absent or "max").
std::optional<uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  uint64_t value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

// MemAvailable, capped by the cgroup v2 memory limit.
std::optional<uint64_t> host_memory_available() {
  std::optional<uint64_t> available;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") {
      available = kb * 1024;
      break;
    }
  }
  auto max = read_number("/sys/fs/cgroup/memory.max");
  auto current = read_number("/sys/fs/cgroup/memory.current");
  if (max && current) {
    uint64_t left = *max > *current ? *max - *current : 0;
    available = available ? std::min(*available, left) : left;
  }
  return available;
}

// Threads (tasks) running on the whole system: the second number of /proc/loadavg's "r/t".
uint64_t system_tasks() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c, tasks;
  if (!(in >> a >> b >> c >> tasks)) return 0;
  auto slash = tasks.find('/');
  return slash == std::string::npos ? 0 : std::strtoull(tasks.c_str() + slash + 1, nullptr, 10);
}

[[noreturn]] void exceeded(const std::string& what, const std::string& needs, const std::string& limit) {
  throw LimitExceeded(what + " needs " + needs + ", more than " + limit);
}

}  // namespace

void check_memory_fits(const std::string& what, size_t blocks, size_t device_bytes, size_t host_bytes) {
  const double n = static_cast<double>(blocks);
  const double device = n * static_cast<double>(device_bytes);
  size_t free = 0, total = 0;
  if (aclrtGetMemInfo(ACL_HBM_MEM, &free, &total) == ACL_SUCCESS ||
      aclrtGetMemInfo(ACL_DDR_MEM, &free, &total) == ACL_SUCCESS) {
    if (device > static_cast<double>(free)) {
      exceeded(what, human(device) + " of device memory",
               "the " + human(static_cast<double>(free)) + " free on the device (aclrtGetMemInfo; total " +
                   human(static_cast<double>(total)) + ")");
    }
  } else {
    aclGetRecentErrMsg();  // not reported by this runtime: the allocations will tell
  }
  const double host = n * static_cast<double>(host_bytes + kBlockOverheadBytes);
  if (auto available = host_memory_available(); available && host > static_cast<double>(*available)) {
    exceeded(
        what, human(host) + " of host memory",
        "the " + human(static_cast<double>(*available)) + " available (MemAvailable / cgroup memory.max)");
  }
}

void check_threads_available(const std::string& what, size_t threads) {
  const uint64_t running = system_tasks();
  struct Limit {
    std::optional<uint64_t> left;
    std::string name;
  };
  std::vector<Limit> limits;
  auto left_of = [&](std::optional<uint64_t> max, uint64_t used) -> std::optional<uint64_t> {
    if (!max) return std::nullopt;
    return *max > used ? *max - used : 0;
  };
  if (auto max = read_number("/sys/fs/cgroup/pids.max")) {
    limits.push_back({left_of(max, read_number("/sys/fs/cgroup/pids.current").value_or(running)),
                      "cgroup pids.max " + std::to_string(*max)});
  }
  if (auto max = read_number("/proc/sys/kernel/threads-max")) {
    limits.push_back({left_of(max, running), "kernel.threads-max " + std::to_string(*max)});
  }
  if (auto max = read_number("/proc/sys/kernel/pid_max")) {
    limits.push_back({left_of(max, running), "kernel.pid_max " + std::to_string(*max)});
  }
  struct rlimit nproc{};
  if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur != RLIM_INFINITY) {
    limits.push_back({left_of(static_cast<uint64_t>(nproc.rlim_cur), running),
                      "RLIMIT_NPROC " + std::to_string(nproc.rlim_cur)});
  }
  for (const Limit& limit : limits) {
    uint64_t left = limit.left.value_or(0);
    uint64_t usable = left > kSpareThreads ? left - kSpareThreads : 0;
    if (threads > usable) {
      exceeded(what, std::to_string(threads) + " threads",
               "the " + std::to_string(usable) + " this process can still start (" + limit.name + ", " +
                   std::to_string(running) + " running)");
    }
  }
}

}  // namespace acl_async
