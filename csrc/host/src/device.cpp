// Devices: reference counts and implicit default contexts.
#include "detail/device.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/error.h"
#include "detail/runtime.h"
#include "detail/stream.h"
#include "detail/util.h"

namespace acl_host {
namespace device {
namespace {

struct Slot {
  uint64_t refs = 0;
  std::shared_ptr<Context> default_ctx;
};

struct Registry {
  std::mutex m;
  std::vector<Slot> slots;
};
Registry& reg() {
  static NoDestructor<Registry> r;
  return *r;
}

}  // namespace

int count() { return config().device_count; }

aclError check_id(int32_t id) {
  if (id >= 0 && id < count()) return ACL_SUCCESS;
  return fail(ACL_ERROR_RT_INVALID_DEVICEID,
              "invalid device id %d: the host runtime has %d device(s) (0..%d; "
              "ACL_HOST_DEVICE_COUNT sets the number)",
              id, count(), count() - 1);
}

std::shared_ptr<Context> acquire(int32_t id) {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  if (r.slots.size() < static_cast<size_t>(count())) r.slots.resize(static_cast<size_t>(count()));
  Slot& s = r.slots[static_cast<size_t>(id)];
  ++s.refs;
  if (!s.default_ctx || !s.default_ctx->alive()) s.default_ctx = context::create(id, true);
  return s.default_ctx;
}

aclError release(int32_t id) {
  std::shared_ptr<Context> doomed;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    if (static_cast<size_t>(id) >= r.slots.size() || r.slots[static_cast<size_t>(id)].refs == 0)
      return ACL_SUCCESS;  // nothing set on this device: nothing to release
    Slot& s = r.slots[static_cast<size_t>(id)];
    if (--s.refs == 0) doomed = std::move(s.default_ctx);
  }
  if (doomed) context::destroy(doomed);  // waits for the default streams' work
  return ACL_SUCCESS;
}

aclError release_force(int32_t id) {
  std::shared_ptr<Context> doomed;
  {
    Registry& r = reg();
    std::lock_guard<std::mutex> lock(r.m);
    if (static_cast<size_t>(id) >= r.slots.size() || r.slots[static_cast<size_t>(id)].refs == 0)
      return ACL_SUCCESS;
    Slot& s = r.slots[static_cast<size_t>(id)];
    s.refs = 0;
    doomed = std::move(s.default_ctx);
  }
  if (doomed) context::destroy(doomed);
  return ACL_SUCCESS;
}

void release_all() {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  r.slots.clear();
}

// Busy share of the machine's CPUs from /proc/stat, over the time since the
// previous call (at least 50 ms: a first or too close call samples 50 ms).
int cpu_utilization() {
  struct Sample {
    unsigned long long busy = 0, total = 0;
    std::chrono::steady_clock::time_point when;
    bool valid = false;
  };
  auto read = [] {
    Sample s;
    FILE* f = std::fopen("/proc/stat", "r");
    if (!f) return s;
    unsigned long long v[8] = {0};
    if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                    &v[5], &v[6], &v[7]) == 8) {
      for (unsigned long long x : v) s.total += x;
      s.busy = s.total - v[3] - v[4];  // minus idle and iowait
      s.valid = true;
    }
    std::fclose(f);
    s.when = std::chrono::steady_clock::now();
    return s;
  };
  static std::mutex m;
  static Sample last;
  std::lock_guard<std::mutex> lock(m);
  const auto min_gap = std::chrono::milliseconds(50);
  if (!last.valid || std::chrono::steady_clock::now() - last.when < min_gap) {
    last = read();
    std::this_thread::sleep_for(min_gap);
  }
  Sample now = read();
  if (!now.valid || !last.valid || now.total <= last.total) return 0;
  int pct = static_cast<int>((now.busy - last.busy) * 100 / (now.total - last.total));
  last = now;
  return pct < 0 ? 0 : (pct > 100 ? 100 : pct);
}

}  // namespace device
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtSetDevice(int32_t deviceId) ACL_API_TRY {
  ACL_API();
  if (aclError e = require_init()) return e;
  if (aclError e = device::check_id(deviceId)) return e;
  context::set_current(device::acquire(deviceId));
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtResetDevice(int32_t deviceId) ACL_API_TRY {
  ACL_API();
  if (aclError e = device::check_id(deviceId)) return e;
  if (!initialized()) return ACL_SUCCESS;  // aclFinalize already released everything
  return device::release(deviceId);
} ACL_API_CATCH

aclError aclrtResetDeviceForce(int32_t deviceId) ACL_API_TRY {
  ACL_API();
  if (aclError e = device::check_id(deviceId)) return e;
  if (!initialized()) return ACL_SUCCESS;
  return device::release_force(deviceId);
} ACL_API_CATCH

aclError aclrtGetDevice(int32_t* deviceId) ACL_API_TRY {
  ACL_API();
  if (!deviceId) return fail(ACL_ERROR_INVALID_PARAM, "deviceId must not be NULL");
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  *deviceId = ctx->device();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtGetDeviceCount(uint32_t* count) ACL_API_TRY {
  ACL_API();
  if (!count) return fail(ACL_ERROR_INVALID_PARAM, "count must not be NULL");
  *count = static_cast<uint32_t>(device::count());
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtGetRunMode(aclrtRunMode* runMode) ACL_API_TRY {
  ACL_API();
  if (!runMode) return fail(ACL_ERROR_INVALID_PARAM, "runMode must not be NULL");
  // Like an NPU card in a server: device memory is separate, copies are needed.
  *runMode = ACL_HOST;
  return ACL_SUCCESS;
} ACL_API_CATCH

const char* aclrtGetSocName() ACL_API_TRY { return "HostCPU"; } ACL_API_CATCH

aclError aclrtSynchronizeDevice(void) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  return stream::synchronize_device(ctx->device());
} ACL_API_CATCH

aclError aclrtSynchronizeDeviceWithTimeout(int32_t timeout) ACL_API_TRY {
  ACL_API();
  if (timeout == 0 || timeout < -1)
    return fail(ACL_ERROR_RT_PARAM_INVALID, "timeout must be -1 (wait forever) or > 0 ms, got %d", timeout);
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  return stream::synchronize_device(ctx->device(), timeout);
} ACL_API_CATCH

aclError aclrtGetDeviceUtilizationRate(int32_t deviceId, aclrtUtilizationInfo* utilizationInfo) ACL_API_TRY {
  ACL_API();
  if (!utilizationInfo) return fail(ACL_ERROR_INVALID_PARAM, "utilizationInfo must not be NULL");
  if (utilizationInfo->utilizationExtend)
    return fail(ACL_ERROR_INVALID_PARAM, "utilizationInfo->utilizationExtend is reserved and must be NULL");
  if (aclError e = require_init()) return e;
  if (aclError e = device::check_id(deviceId)) return e;
  // The device is the CPU: its load stands for the compute units; memory is
  // not reported (-1), as documented for the current CANN version.
  const int cpu = device::cpu_utilization();
  utilizationInfo->cubeUtilization = cpu;
  utilizationInfo->vectorUtilization = cpu;
  utilizationInfo->aicpuUtilization = cpu;
  utilizationInfo->memoryUtilization = -1;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtDeviceCanAccessPeer(int32_t* canAccessPeer, int32_t deviceId, int32_t peerDeviceId) ACL_API_TRY {
  ACL_API();
  if (!canAccessPeer) return fail(ACL_ERROR_INVALID_PARAM, "canAccessPeer must not be NULL");
  if (aclError e = require_init()) return e;
  if (aclError e = device::check_id(deviceId)) return e;
  if (aclError e = device::check_id(peerDeviceId)) return e;
  if (deviceId == peerDeviceId)
    return fail(ACL_ERROR_INVALID_PARAM, "deviceId and peerDeviceId must differ (both %d)", deviceId);
  *canAccessPeer = 1;  // every host device shares the process's memory
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
