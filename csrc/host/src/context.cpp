// Contexts and the per-thread current context.
#include "detail/context.h"

#include <mutex>
#include <vector>

#include "acl/acl.h"
#include "detail/device.h"
#include "detail/error.h"
#include "detail/live_set.h"
#include "detail/report.h"
#include "detail/runtime.h"
#include "detail/stream.h"
#include "detail/util.h"

namespace acl_host {
namespace {

LiveSet<const void*, Context>& live() {
  static NoDestructor<LiveSet<const void*, Context>> set;
  return *set;
}

// The thread's current context. exit() runs the calling thread's thread_local
// destructors before atexit handlers and static destructors, which may still call
// ACL (issue 21): after its destructor the slot reads as "no current context".
struct CurrentSlot {
  std::weak_ptr<Context> ctx;
  bool alive = true;
  ~CurrentSlot() {
    alive = false;
    ctx.reset();
  }
};
thread_local CurrentSlot tl_current;

}  // namespace

Context::Context(int device, bool is_default)
    : device_(device), is_default_(is_default), fork_epoch_(fork_epoch()) {}

bool Context::alive() const {
  return alive_.load(std::memory_order_acquire) && fork_epoch_ == fork_epoch();
}

std::shared_ptr<Stream> Context::default_stream() {
  std::lock_guard<std::mutex> lock(m_);
  if (!alive()) return nullptr;
  if (!default_stream_) {
    default_stream_ = std::make_shared<Stream>(this, device_, true);
    stream::register_default(default_stream_);
  }
  return default_stream_;
}

std::shared_ptr<Stream> Context::kill() {
  std::lock_guard<std::mutex> lock(m_);
  alive_.store(false, std::memory_order_release);
  return std::move(default_stream_);
}

namespace context {

std::shared_ptr<Context> current() {
  if (!tl_current.alive) return nullptr;
  std::shared_ptr<Context> c = tl_current.ctx.lock();
  if (c && !c->alive()) return nullptr;
  return c;
}

void set_current(const std::shared_ptr<Context>& ctx) {
  if (tl_current.alive) tl_current.ctx = ctx;
}

aclError require_current(std::shared_ptr<Context>& out) {
  out = current();
  if (out) return ACL_SUCCESS;
  return fail(ACL_ERROR_RT_CONTEXT_NULL,
              "the calling thread has no current context: call aclrtSetDevice, aclrtCreateContext or "
              "aclrtSetCurrentContext first");
}

std::shared_ptr<Context> create(int device, bool is_default) {
  auto ctx = std::make_shared<Context>(device, is_default);
  live().add(ctx.get(), ctx);
  return ctx;
}

std::shared_ptr<Context> lookup(aclrtContext handle) {
  std::shared_ptr<Context> ctx = live().find(handle);
  return ctx && ctx->alive() ? ctx : nullptr;
}

void destroy(const std::shared_ptr<Context>& ctx) {
  live().take(ctx.get());
  stream::destroy_owned_by(ctx.get(), false);
  std::shared_ptr<Stream> ds = ctx->kill();
  if (ds) {
    report::forget_stream(ds);
    ds->shutdown(false);
  }
  if (tl_current.alive && tl_current.ctx.lock() == ctx) tl_current.ctx.reset();
}

void release_all() {
  for (auto& kv : live().take_all()) {
    std::shared_ptr<Stream> ds = kv.second->kill();
    if (ds) ds->shutdown(true);
  }
  // Threads' current contexts are now dead (alive() == false): no need to
  // touch thread-local state, which may already be gone at process exit.
}

}  // namespace context
}  // namespace acl_host

using namespace acl_host;

namespace {

// The live context of handle `context`.
aclError live(aclrtContext context, std::shared_ptr<Context>& ctx) {
  if (!context) return fail(ACL_ERROR_INVALID_PARAM, "context must not be NULL");
  ctx = context::lookup(context);
  if (!ctx)
    return fail(ACL_ERROR_INVALID_RESOURCE_HANDLE, "context %p does not exist (destroyed or never created)",
                context);
  return ACL_SUCCESS;
}

}  // namespace

extern "C" {

aclError aclrtCreateContext(aclrtContext* context, int32_t deviceId) ACL_API_TRY {
  ACL_API();
  if (!context) return fail(ACL_ERROR_INVALID_PARAM, "context must not be NULL");
  if (aclError e = require_init()) return e;
  if (aclError e = device::check_id(deviceId)) return e;
  auto ctx = context::create(deviceId, false);
  context::set_current(ctx);
  *context = ctx->handle();
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtDestroyContext(aclrtContext context) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Context> ctx;
  if (aclError e = live(context, ctx)) return e;
  if (ctx->is_default())
    return fail(ACL_ERROR_RT_PARAM_INVALID,
                "context %p is the default context of device %d: it goes with aclrtResetDevice, not "
                "aclrtDestroyContext",
                context, ctx->device());
  context::destroy(ctx);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtSetCurrentContext(aclrtContext context) ACL_API_TRY {
  ACL_API();
  std::shared_ptr<Context> ctx;
  if (aclError e = live(context, ctx)) return e;
  context::set_current(ctx);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtGetCurrentContext(aclrtContext* context) ACL_API_TRY {
  ACL_API();
  if (!context) return fail(ACL_ERROR_INVALID_PARAM, "context must not be NULL");
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  *context = ctx->handle();
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
