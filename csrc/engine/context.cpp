#include "context.h"

#include "errors.h"
#include "host_hooks.h"

namespace acl_async {

namespace {

std::atomic<uint64_t> next_serial{1};
// Serial of the context this thread made current last (0: unknown). Serials are
// never reused, so a destroyed context can never look current.
thread_local uint64_t tls_current = 0;

}  // namespace

void invalidate_current_context() noexcept { tls_current = 0; }

Context::Context(Key, std::shared_ptr<Device> device, aclrtContext handle) noexcept
    : Resource("Context"),
      device_(std::move(device)),
      handle_(handle),
      raw_(handle),
      destroyed_(std::make_shared<std::atomic<bool>>(false)),
      serial_(next_serial.fetch_add(1)) {}

std::shared_ptr<Context> Context::create(std::shared_ptr<Device> device) {
  run_deferred();
  device->check_open();
  aclrtContext handle = nullptr;
  aclError ret = aclrtCreateContext(&handle, device->id());
  tls_current = 0;
  check(ret, "aclrtCreateContext");
  auto context = std::make_shared<Context>(Key{}, device, handle);
  tls_current = context->serial_;  // aclrtCreateContext made it current
  device->add_child(context);
  return context;
}

void Context::activate() {
  if (tls_current == serial_) return;
  aclrtContext handle = handle_.load(std::memory_order_acquire);
  if (handle == nullptr) throw ClosedError("Context is closed");
  check(aclrtSetCurrentContext(handle), "aclrtSetCurrentContext");
  tls_current = serial_;
}

bool Context::try_activate() noexcept {
  if (destroyed_->load(std::memory_order_acquire)) return false;
  if (tls_current == serial_) return true;
  if (aclrtSetCurrentContext(raw_) != ACL_SUCCESS) return false;
  tls_current = serial_;
  return true;
}

void Context::release() noexcept {
  aclrtContext handle = handle_.exchange(nullptr, std::memory_order_acq_rel);
  if (handle == nullptr) return;
  uint64_t serial = serial_;
  std::shared_ptr<std::atomic<bool>> destroyed = destroyed_;
  run_or_defer([handle, serial, destroyed] {
    {
      HostUnlock nogil;  // destroying drains the context's streams: their callbacks may need the GIL
      aclrtDestroyContext(handle);
    }
    destroyed->store(true, std::memory_order_release);
    if (tls_current == serial) tls_current = 0;
  });
}

}  // namespace acl_async
