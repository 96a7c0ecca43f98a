// CallbackStream and ContextScope (video_channel.h).
#include "video_channel.h"

#include <pthread.h>

namespace acl_dvpp {

ContextScope::ContextScope(aclrtContext ctx) {
  if (aclrtGetCurrentContext(&prev_) != ACL_SUCCESS) prev_ = nullptr;
  if (ctx && prev_ != ctx) switched_ = aclrtSetCurrentContext(ctx) == ACL_SUCCESS;
}

ContextScope::~ContextScope() {
  if (switched_ && prev_) aclrtSetCurrentContext(prev_);
}

aclError CallbackStream::open(uint64_t thread_id) {
  if (aclError e = aclrtGetCurrentContext(&ctx_)) return e;
  if (aclError e = aclrtCreateStream(&stream_)) return e;
  if (aclError e = aclrtSubscribeReport(thread_id, stream_)) {
    aclrtDestroyStream(stream_);
    stream_ = nullptr;
    return e;
  }
  thread_id_ = thread_id;
  return ACL_SUCCESS;
}

aclError CallbackStream::close() {
  if (!stream_) return ACL_SUCCESS;
  ContextScope scope(ctx_);
  aclError e = aclrtUnSubscribeReport(thread_id_, stream_);
  aclError e2 = aclrtDestroyStream(stream_);
  stream_ = nullptr;
  return e ? e : e2;
}

aclError CallbackStream::queue(const char* api, Work work, aclrtCallback deliver, void* user, bool block) {
  ContextScope scope(ctx_);
  std::lock_guard<std::mutex> lock(send_mutex_);
  // No pins: the frame was copied at send, and a decoder emits a picture during a later frame's task
  // (reordering), so the output buffer's lifetime is not one task's; the channel holds its descriptions.
  aclError e = launch(api, stream_, std::move(work), {}, RunsOn::Worker);
  if (e == ACL_SUCCESS)
    e = aclrtLaunchCallback(deliver, user, block ? ACL_CALLBACK_BLOCK : ACL_CALLBACK_NO_BLOCK, stream_);
  return e;
}

aclError CallbackStream::drain(const char* api, Work work, aclrtCallback deliver, void* user) {
  if (static_cast<uint64_t>(pthread_self()) == thread_id_)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "called on the channel's callback thread: it would wait for callbacks only that thread runs");
  // BLOCK: the stream (and so the synchronize) waits for this last callback's return; the report
  // thread runs the channel's earlier callbacks first.
  if (aclError e = queue(api, std::move(work), deliver, user, true)) return e;
  ContextScope scope(ctx_);
  return aclrtSynchronizeStream(stream_);
}

}  // namespace acl_dvpp
