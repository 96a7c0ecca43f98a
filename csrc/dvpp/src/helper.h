// One helper thread for DVPP work that splits in two (VPC scales the Y and the UV plane of a big
// picture at the same time): a stream's task runs one half itself and hands the other over.
#pragma once

#include <functional>

namespace acl_dvpp {

// Runs `first` on the calling thread and `second` on the helper, and returns when both have.
// Both run on the caller, one after the other, when the helper is asleep (it is woken for the
// next call: helper.cpp says why), busy with another task's half (stream workers never wait for
// each other), or the machine has one CPU.
void run_both(const std::function<void()>& first, const std::function<void()>& second);

}  // namespace acl_dvpp
