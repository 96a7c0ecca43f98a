// What VDEC and VENC channels share: a stream of their own in the creating context, subscribed
// to the thread the channel description names, on which each sent frame queues its work and then
// the callback that delivers its results (CANN: "aclvdecSendFrame wraps aclrtLaunchCallback"; the
// callbacks run in that thread's aclrtProcessReport).
#pragma once

#include <mutex>
#include <string>

#include "task.h"

namespace acl_dvpp {

// Makes ctx current on the calling thread for the scope (the channel's stream lives in it).
class ContextScope {
 public:
  explicit ContextScope(aclrtContext ctx);
  ~ContextScope();
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  aclrtContext prev_ = nullptr;
  bool switched_ = false;
};

class CallbackStream {
 public:
  // Creates the stream in the current context and subscribes thread_id to it.
  aclError open(uint64_t thread_id);
  // Unsubscribes and destroys the stream (after wait()).
  aclError close();
  // Queues work, then deliver(user) on the subscribed thread (block: the stream waits for it).
  aclError queue(const char* api, Work work, aclrtCallback deliver, void* user, bool block = false);
  // Queues work and a blocking deliver, then waits for the stream: every callback has run. Refused
  // on the subscribed thread itself (it would wait for callbacks only it runs).
  aclError drain(const char* api, Work work, aclrtCallback deliver, void* user);
  uint64_t thread_id() const { return thread_id_; }
  aclrtContext context() const { return ctx_; }

 private:
  aclrtContext ctx_ = nullptr;
  aclrtStream stream_ = nullptr;
  uint64_t thread_id_ = 0;
  std::mutex send_mutex_;  // one frame's work + callback pair at a time
};

}  // namespace acl_dvpp
