// What the engine asks of the language runtime embedding it. The engine is plain C++ over the
// ACL C API; a binding (the Python module acl_async._acl) installs these hooks once, at import,
// before making any engine object. A C++ program leaves the defaults: nothing to unlock, no
// interrupts, callback errors that are never raised.
#pragma once

#include <memory>

namespace acl_async {

// Errors raised by user callbacks launched on a stream, kept for the next synchronize.
class CallbackErrors {
 public:
  virtual ~CallbackErrors() = default;
  virtual bool empty() const noexcept = 0;
  // Throws the first stored error and forgets all of them (binding's rules for the lock).
  virtual void raise_if_any() = 0;
  virtual void clear() noexcept = 0;
};

struct HostHooks {
  // Releases the interpreter lock when the calling thread holds it; returns what relock() needs
  // (nullptr when nothing was released). Every blocking wait of the engine runs between the two.
  void* (*unlock)() noexcept = nullptr;
  void (*relock)(void* token) noexcept = nullptr;
  // Runs pending interrupt handlers (Ctrl-C) if the calling thread may; throws to end a wait.
  void (*check_interrupt)() = nullptr;
  // A report thread ends: drop the interpreter's state for it.
  void (*thread_exit)() noexcept = nullptr;
  // Makes the error list of a new stream.
  std::shared_ptr<CallbackErrors> (*make_callback_errors)() = nullptr;
};

// Installs the hooks (once, before any engine object exists).
void set_host_hooks(const HostHooks& hooks) noexcept;
const HostHooks& host_hooks() noexcept;

// The interpreter lock released for the scope (when the calling thread holds it).
class HostUnlock {
 public:
  HostUnlock() noexcept;
  ~HostUnlock();
  HostUnlock(const HostUnlock&) = delete;
  HostUnlock& operator=(const HostUnlock&) = delete;

 private:
  void* token_ = nullptr;
};

// Runs the host's interrupt handlers (may throw); nothing without a binding.
void check_interrupt();

}  // namespace acl_async
