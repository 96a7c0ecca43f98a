// Interruptible waits: every blocking wait of the extension waits in slices
// with the GIL released, and between slices runs Python's signal handlers (on
// the main thread, when the caller holds the GIL), so Ctrl-C is seen within a
// slice. Teardown waits use wait_quietly instead: they must finish, and never
// raise.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "pyutil.h"

namespace acl_async {

// Length of one wait slice: Ctrl-C is seen within 0.2 s.
constexpr int64_t kWaitSliceNs = 200'000'000;

// The end of the next slice: now + kWaitSliceNs, capped by `deadline`.
inline int64_t slice_end(std::optional<int64_t> deadline) noexcept {
  int64_t until = now_ns() + kWaitSliceNs;
  return deadline ? std::min(until, *deadline) : until;
}

// Runs Python signal handlers when the calling thread holds the GIL (throws
// on KeyboardInterrupt etc.); does nothing on threads without it.
inline void check_signals_if_gil() {
  if (Py_IsInitialized() && PyGILState_Check()) check_signals();
}

// One slice of an interruptible wait on `cv` (`lock` held on entry and exit):
// releases the GIL, runs `before_sleep()` (lock held, GIL released; e.g. a
// short spin), waits until `pred()`, the slice's end or `deadline`, then takes
// the GIL back without holding `lock` (its holders never need the GIL) and
// checks for signals. Returns pred().
template <class Pred, class BeforeSleep>
bool wait_slice(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                std::optional<int64_t> deadline, Pred pred, BeforeSleep before_sleep) {
  const int64_t until = slice_end(deadline);
  {
    GilRelease nogil;
    before_sleep();
    cv.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(0, until - now_ns())), pred);
    lock.unlock();  // never wait for the GIL while holding `lock`
  }
  check_signals_if_gil();  // may run Python: no lock held
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
    GilRelease nogil;
    while (!pred()) {
      cv.wait_for(lock, std::chrono::nanoseconds(kWaitSliceNs), pred);
      if (!pred() && gone()) break;
    }
    lock.unlock();  // never wait for the GIL while holding `lock`
  }
  lock.lock();
}

}  // namespace acl_async
