// Contexts: a device plus a default stream. The current context is per
// thread; aclrtSetDevice makes the device's implicit default context current.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "acl/acl.h"

namespace acl_host {

class Stream;

class Context {
 public:
  Context(int device, bool is_default);
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  int device() const { return device_; }
  bool is_default() const { return is_default_; }
  // Not destroyed, and made in this process (a fork child's parent contexts are not).
  bool alive() const;
  aclrtContext handle() { return static_cast<aclrtContext>(this); }

  // The context's default stream (the NULL stream), created on first use.
  std::shared_ptr<Stream> default_stream();
  // Marks the context dead and hands back its default stream (if any) so
  // the caller can shut it down.
  std::shared_ptr<Stream> kill();

 private:
  const int device_;
  const bool is_default_;
  const uint64_t fork_epoch_;
  std::atomic<bool> alive_{true};
  std::mutex m_;
  std::shared_ptr<Stream> default_stream_;
};

namespace context {

// The calling thread's current context; null when none (or destroyed).
std::shared_ptr<Context> current();
void set_current(const std::shared_ptr<Context>& ctx);

// Creates and registers a context.
std::shared_ptr<Context> create(int device, bool is_default);
// A registered, live context; null otherwise.
std::shared_ptr<Context> lookup(aclrtContext handle);
// Destroys a context: its streams finish their work and stop, then it is
// unregistered. Not for the caller-facing checks (see aclrtDestroyContext).
void destroy(const std::shared_ptr<Context>& ctx);
// aclFinalize: forget every context (streams are stopped separately).
void release_all();

// Returns ACL_ERROR_RT_CONTEXT_NULL (with a message) when the thread has none.
aclError require_current(std::shared_ptr<Context>& out);

}  // namespace context
}  // namespace acl_host
