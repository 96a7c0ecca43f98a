#include "resource.h"

#include <algorithm>
#include <string>
#include <utility>

#include "errors.h"

namespace acl_async {

namespace {

thread_local bool tls_report_thread = false;

struct Deferred {
  std::mutex mu;
  std::vector<std::function<void()>> work;
  std::atomic<bool> pending{false};
};

Deferred& deferred() {
  static Deferred instance;  // emptied by shutdown() before the interpreter finalizes
  return instance;
}

}  // namespace

void Resource::close() noexcept {
  std::vector<std::weak_ptr<Resource>> children;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_.exchange(true, std::memory_order_acq_rel)) return;
    children.swap(children_);
  }
  for (auto it = children.rbegin(); it != children.rend(); ++it) {
    if (auto child = it->lock()) child->close();
  }
  release();
}

void Resource::check_open() const {
  if (closed()) throw ClosedError(std::string(kind_) + " is closed");
}

void Resource::add_child(const std::shared_ptr<Resource>& child) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_.load(std::memory_order_acquire)) throw ClosedError(std::string(kind_) + " is closed");
  children_.emplace_back(child);
  if (children_.size() >= prune_at_) {
    children_.erase(std::remove_if(children_.begin(), children_.end(),
                                   [](const std::weak_ptr<Resource>& w) { return w.expired(); }),
                    children_.end());
    prune_at_ = std::max<size_t>(16, children_.size() * 2);
  }
}

void run_or_defer(std::function<void()> work) noexcept {
  if (!work) return;
  if (!tls_report_thread) {
    try {
      work();
    } catch (...) {
    }
    return;
  }
  Deferred& d = deferred();
  try {
    std::lock_guard<std::mutex> lock(d.mu);
    d.work.push_back(std::move(work));
    d.pending.store(true, std::memory_order_release);
  } catch (...) {
  }
}

void run_deferred() noexcept {
  Deferred& d = deferred();
  if (tls_report_thread || !d.pending.load(std::memory_order_acquire)) return;
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    work.swap(d.work);
    d.pending.store(false, std::memory_order_release);
  }
  for (auto& w : work) {
    try {
      w();
    } catch (...) {
    }
  }
}

bool on_report_thread() noexcept { return tls_report_thread; }

void mark_report_thread() noexcept { tls_report_thread = true; }

void forbid_on_report_thread(const char* what) {
  if (tls_report_thread) {
    throw UsageError(std::string(what) +
                     " cannot be called from a callback: it waits for the thread that runs the callback");
  }
}

}  // namespace acl_async
