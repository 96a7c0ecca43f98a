// Resource: the RAII base of every ACL owner (runtime reference, device,
// context, stream, event, model, memory pool, report thread, infer queue).
//
// - Children hold a shared_ptr to their parent, so destruction by reference
//   count always goes child before parent, whatever order Python drops them.
// - close() is explicit and idempotent: it closes the live children first
//   (newest first), then releases the object's own handles.
// - Work that must not run on a report thread (freeing memory, destroying a
//   stream, joining) is deferred when the last reference drops there, and run
//   by the next Python thread that enters the extension (or at exit).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace acl_async {

class Resource {
 public:
  explicit Resource(const char* kind) noexcept : kind_(kind) {}
  virtual ~Resource() = default;
  Resource(const Resource&) = delete;
  Resource& operator=(const Resource&) = delete;

  // Closes the children, then releases this object's handles. Idempotent.
  void close() noexcept;
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  // Throws ClosedError when closed.
  void check_open() const;
  const char* kind() const noexcept { return kind_; }
  // Registers a child to close before this object.
  void add_child(const std::shared_ptr<Resource>& child);

 protected:
  // Releases this object's own handles; called once, after the children closed.
  virtual void release() noexcept = 0;
  // For derived destructors (no virtual dispatch in ~Resource).
  void close_from_destructor() noexcept { close(); }

 private:
  std::mutex mu_;
  std::vector<std::weak_ptr<Resource>> children_;
  size_t prune_at_ = 16;
  std::atomic<bool> closed_{false};
  const char* kind_;
};

// Runs `work` now, or later on a Python thread when called on a report thread.
void run_or_defer(std::function<void()> work) noexcept;
// Runs deferred work (cheap when there is none). Call with no locks held.
void run_deferred() noexcept;

// Report threads mark themselves so blocking calls made there can be refused.
bool on_report_thread() noexcept;
void mark_report_thread() noexcept;
// Throws UsageError naming `what` when called on a report thread.
void forbid_on_report_thread(const char* what);

}  // namespace acl_async
