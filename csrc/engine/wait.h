// Interruptible waits: every blocking wait of the engine waits in slices with
// the host's interpreter lock released (host_hooks.h), and between slices runs
// the host's interrupt handlers (Python: signal handlers on the main thread),
// so Ctrl-C is seen within a slice. Teardown waits use wait_quietly instead:
// they must finish, and never raise.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "host_hooks.h"

namespace acl_async {

// Steady-clock nanoseconds.
int64_t now_ns() noexcept;
// Seconds (nullopt = forever) -> optional deadline in now_ns() time; std::invalid_argument when
// negative or NaN.
std::optional<int64_t> deadline_after(std::optional<double> timeout_s);

// Length of one wait slice: Ctrl-C is seen within 0.2 s.
constexpr int64_t kWaitSliceNs = 200'000'000;

// The end of the next slice: now + kWaitSliceNs, capped by `deadline`.
inline int64_t slice_end(std::optional<int64_t> deadline) noexcept {
  int64_t until = now_ns() + kWaitSliceNs;
  return deadline ? std::min(until, *deadline) : until;
}

// One slice of an interruptible wait on `cv` (`lock` held on entry and exit):
// releases the host lock (the GIL), runs `before_sleep()` (lock held, GIL
// released; e.g. a short spin), waits until `pred()`, the slice's end or
// `deadline`, then takes the GIL back without holding `lock` (its holders never
// need the GIL) and checks for interrupts. Returns pred().
template <class Pred, class BeforeSleep>
bool wait_slice(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                std::optional<int64_t> deadline, Pred pred, BeforeSleep before_sleep) {
  const int64_t until = slice_end(deadline);
  {
    HostUnlock nogil;
    before_sleep();
    cv.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(0, until - now_ns())), pred);
    lock.unlock();  // never wait for the GIL while holding `lock`
  }
  check_interrupt();  // may run Python: no lock held
  lock.lock();
  return pred();
}

template <class Pred>
bool wait_slice(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                std::optional<int64_t> deadline, Pred pred) {
  return wait_slice(cv, lock, deadline, pred, [] {});
}

// Waits (GIL released) until `pred()` or `gone()`; never raises, never checks
// signals. For teardown, which must complete. `lock` held on entry and exit.
template <class Pred, class Gone>
void wait_quietly(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Pred pred, Gone gone) {
  {
    HostUnlock nogil;
    while (!pred()) {
      cv.wait_for(lock, std::chrono::nanoseconds(kWaitSliceNs), pred);
      if (!pred() && gone()) break;
    }
    lock.unlock();  // never wait for the GIL while holding `lock`
  }
  lock.lock();
}

}  // namespace acl_async
