#include "host_hooks.h"

namespace acl_async {

namespace {

// Without a binding: errors are never stored, so there is nothing to raise.
class NoCallbackErrors final : public CallbackErrors {
 public:
  bool empty() const noexcept override { return true; }
  void raise_if_any() override {}
  void clear() noexcept override {}
};

std::shared_ptr<CallbackErrors> make_no_errors() { return std::make_shared<NoCallbackErrors>(); }

HostHooks& hooks() {
  static HostHooks instance = [] {
    HostHooks h;
    h.make_callback_errors = make_no_errors;
    return h;
  }();
  return instance;
}

}  // namespace

void set_host_hooks(const HostHooks& h) noexcept {
  hooks() = h;
  if (hooks().make_callback_errors == nullptr) hooks().make_callback_errors = make_no_errors;
}

const HostHooks& host_hooks() noexcept { return hooks(); }

HostUnlock::HostUnlock() noexcept {
  if (hooks().unlock != nullptr) token_ = hooks().unlock();
}

HostUnlock::~HostUnlock() {
  if (token_ != nullptr && hooks().relock != nullptr) hooks().relock(token_);
}

void check_interrupt() {
  if (hooks().check_interrupt != nullptr) hooks().check_interrupt();
}

}  // namespace acl_async
