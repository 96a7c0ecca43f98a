// A bounded, yielding spin before a futex sleep, for threads whose next piece
// of work usually arrives within microseconds (stream workers and report
// threads serving a stream of small requests).
#pragma once

#include <chrono>
#include <thread>

namespace acl_host {

// On small VMs a futex sleep plus the cross-CPU wake-up costs more than a tiny
// inference, so a thread that just ran out of work first spins briefly
// (yielding its CPU to anything runnable) -- but only if its previous idle gap
// was short, i.e. when the waker is known to be imminent, and its last busy
// period was short too (for heavy work a saved wake-up is noise, and a spin
// would only steal CPU from it). A thread that waited long once sleeps at once
// next time, so idle or slow streams never spin.
// Used by one thread at a time (the owner's lock or thread confinement).
class IdleSpin {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::microseconds kSpin{30};         // longest spin
  static constexpr std::chrono::microseconds kShortGap{200};    // gaps up to this are "imminent"
  static constexpr std::chrono::microseconds kShortBusy{1000};  // only after work this light

  // Call on finding no work. True once per idle period, when the last gap was short.
  bool begin() {
    if (idle_) return false;
    idle_ = true;
    const auto now = Clock::now();
    const bool light = now - busy_since_ <= kShortBusy;
    since_ = now;
    return short_gap_ && light;
  }
  // Spins (without the owner's lock!) while `unchanged()` holds, at most kSpin.
  template <class Unchanged>
  void spin(Unchanged unchanged) const {
    const auto until = since_ + kSpin;
    while (unchanged() && Clock::now() < until) std::this_thread::yield();
  }
  // Call when work arrived: remembers whether this idle gap was short.
  void end() {
    if (!idle_) return;
    idle_ = false;
    busy_since_ = Clock::now();
    short_gap_ = busy_since_ - since_ <= kShortGap;
  }

 private:
  Clock::time_point since_{};       // start of the current / last idle gap
  Clock::time_point busy_since_{};  // end of the last idle gap
  bool idle_ = false;
  bool short_gap_ = false;  // no history yet: sleep
};

}  // namespace acl_host
