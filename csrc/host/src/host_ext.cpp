// The private entry points of host_ext.h (for libacl_dvpp).
#include "host_ext.h"

#include <memory>
#include <string>

#include "detail/error.h"
#include "detail/memory.h"
#include "detail/report.h"
#include "detail/runtime.h"
#include "detail/stream.h"

using namespace acl_host;

extern "C" {

aclError acl_host_ext_fail(const char* api, aclError code, const char* message) ACL_API_TRY {
  ApiScope scope(api);
  return fail(code, "%s", message ? message : "failed");
} ACL_API_CATCH

int acl_host_ext_strict(void) ACL_API_TRY { return strict_mode() ? 1 : 0; } ACL_API_CATCH

uint64_t acl_host_ext_executions_started_ahead(void) ACL_API_TRY { return stream::started_ahead(); } ACL_API_CATCH

uint64_t acl_host_ext_tasks_run_by_synchronize(void) ACL_API_TRY { return stream::run_by_synchronize(); }
ACL_API_CATCH

int acl_host_ext_find_allocation(const void* ptr, const void** base, size_t* size) ACL_API_TRY {
  memory::Where w = memory::classify(ptr, 1);
  if (w.kind == memory::Kind::Foreign) return 0;
  if (base) *base = w.base;
  if (size) *size = w.size;
  return w.kind == memory::Kind::Device ? 1 : 2;
} ACL_API_CATCH

aclError acl_host_ext_launch(const char* api, aclrtStream stream, acl_host_ext_task_fn fn, void* user,
                             acl_host_ext_release_fn release) ACL_API_TRY {
  return acl_host_ext_launch_pinned(api, stream, fn, user, release, nullptr, 0, 0);
} ACL_API_CATCH

aclError acl_host_ext_launch_pinned(const char* api, aclrtStream stream, acl_host_ext_task_fn fn, void* user,
                                    acl_host_ext_release_fn release, const acl_host_ext_range* ranges,
                                    size_t count, unsigned flags) ACL_API_TRY {
  ApiScope scope(api);
  std::shared_ptr<void> owned(user, [release](void* p) {
    if (release) release(p);
  });
  if (!fn) return fail(ACL_ERROR_INVALID_PARAM, "no task function");
  if (count > 0 && !ranges) return fail(ACL_ERROR_INVALID_PARAM, "no ranges");
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  Task t;
  t.kind = TaskKind::HostTask;
  t.host_fn = fn;
  t.host_user = std::move(owned);
  t.any_thread = (flags & ACL_HOST_EXT_TASK_ANY_THREAD) != 0;
  // Pinned before queueing, like Stream::enqueue's own ranges: a free between the caller's checks
  // and the task's run is refused (strict) or waits (relaxed) instead of freeing under the task.
  for (size_t i = 0; i < count; ++i) t.pins.add(ranges[i].ptr, ranges[i].size);
  return s->enqueue(std::move(t));
} ACL_API_CATCH

// Out of memory (ApiFailure returns NULL): the read goes on unpinned, as before pins existed.
void* acl_host_ext_pin(const void* ptr, size_t size) ACL_API_TRY {
  auto pins = std::make_unique<memory::Pins>();
  pins->add(ptr, size);
  if (pins->empty()) return nullptr;
  return pins.release();
} ACL_API_CATCH

void acl_host_ext_unpin(void* handle) ACL_API_TRY {
  std::unique_ptr<memory::Pins>(static_cast<memory::Pins*>(handle));
} ACL_API_CATCH_VOID

void acl_host_ext_watch_report_thread(void) ACL_API_TRY { report::watch_thread(); } ACL_API_CATCH_VOID

}  // extern "C"
