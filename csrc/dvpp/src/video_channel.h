// What VDEC and VENC channels share: a stream of their own in the creating context, subscribed
// to the thread the channel description names, on which each sent frame queues its work and then
// the callback that delivers its results (CANN: "aclvdecSendFrame wraps aclrtLaunchCallback"; the
// callbacks run in that thread's aclrtProcessReport).
//
// Also what their channels and channel descriptions share (templates over the VDEC/VENC types, so
// vdec.cpp and venc.cpp hold only what differs): the book of frames between send and callback,
// queueing a frame's work and ending the stream on the channel's CallbackStream, attaching a
// created channel to its description, destroying it, and the description setters/getters.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "handles.h"
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

// The frames of one channel between their send and their callback: each gets a sequence number at
// send (the pts its codec carries), is finished when the codec is done with it (in the codec's output
// order, which may differ from the send order), and the finished ones are taken, in that order, by
// the callback thread.
template <typename Frame>
class FrameBook {
 public:
  int64_t add(Frame f) {
    std::lock_guard<std::mutex> lock(m_);
    const int64_t seq = next_seq_++;
    pending_.emplace(seq, std::move(f));
    return seq;
  }
  // Pending frame seq, or NULL. The pointer stays valid until finish(seq): only the stream's worker
  // finishes frames.
  Frame* find(int64_t seq) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = pending_.find(seq);
    return it == pending_.end() ? nullptr : &it->second;
  }
  // Moves pending frame seq to the ready queue, done(frame) applied first (under the book's lock).
  template <typename Done>
  void finish(int64_t seq, Done&& done) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = pending_.find(seq);
    if (it == pending_.end()) return;
    Frame f = std::move(it->second);
    pending_.erase(it);
    done(f);
    ready_.push_back(std::move(f));
  }
  // The frames still pending (at the end of the stream: those the codec gave nothing for).
  std::vector<int64_t> pending() {
    std::lock_guard<std::mutex> lock(m_);
    std::vector<int64_t> out;
    for (auto& kv : pending_) out.push_back(kv.first);
    return out;
  }
  std::deque<Frame> take_ready() {
    std::deque<Frame> out;
    std::lock_guard<std::mutex> lock(m_);
    out.swap(ready_);
    return out;
  }

 private:
  std::mutex m_;
  std::map<int64_t, Frame> pending_;
  std::deque<Frame> ready_;
  int64_t next_seq_ = 0;
};

// Chan (VdecChannel, VencChannel) has `CallbackStream stream`, deliver() (callback thread: the
// callbacks of the frames finished so far) and flush() (worker: the codec drained at EOS/destroy).
template <typename Chan>
void deliver_channel(void* user) {
  static_cast<Chan*>(user)->deliver();
}

// Queues one frame's codec work, then the delivery of what is finished, on the channel's stream.
template <typename Chan>
aclError queue_frame(const char* api, Chan& c, Work work) {
  return c.stream.queue(api, std::move(work), deliver_channel<Chan>, &c);
}

// Queues the end of the stream (flush, then every callback) and waits for it: EOS and destroy.
template <typename Chan>
aclError finish_stream(const char* api, Chan& c) {
  Chan* cp = &c;
  return c.stream.drain(
      api,
      [cp](std::string&) {
        cp->flush();
        return ACL_SUCCESS;
      },
      deliver_channel<Chan>, cp);
}

// The end of ...CreateChannel: `chan` (its stream open) goes into the description, with
// attach(desc) under the same lock, unless another thread created the channel or destroyed the
// description meanwhile (then chan's stream is closed again).
template <typename Desc, typename Chan, typename Attach>
aclError attach_channel(const char* api, Desc* desc, const std::shared_ptr<Chan>& chan, Attach&& attach) {
  Access a(api);
  Desc* d = a.get(desc, "channelDesc");
  if (!d || d->chan) {
    a.unlock();
    chan->stream.close();
    return d ? fail(api, ACL_ERROR_INVALID_PARAM, "the channel is already created") : ACL_ERROR_INVALID_PARAM;
  }
  attach(*d);
  d->chan = chan;
  return ACL_SUCCESS;
}

// ...DestroyChannel: frames in flight are coded and their callbacks run, then the channel goes.
template <typename Desc>
aclError destroy_channel(const char* api, Desc* desc, const char* create_api) {
  decltype(desc->chan) chan;
  {
    Access a(api);
    Desc* d = a.get(desc, "channelDesc");
    if (!d) return a.error();
    if (!d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is not created (%s)", create_api);
    chan = d->chan;
  }
  if (aclError e = finish_stream(api, *chan)) return e;
  {
    Access a(api);
    Desc* d = a.get(desc, "channelDesc");
    if (!d || d->chan != chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel was destroyed meanwhile");
    d->chan.reset();
  }
  return chan->stream.close();
}

// ...DestroyChannelDesc: refused while its channel exists.
template <typename Desc>
aclError destroy_channel_desc(const char* api, Desc* desc, const char* destroy_api) {
  {
    Access a(api);
    Desc* d = a.get(desc, "channelDesc");
    if (!d) return a.error();
    if (d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is still created: %s first", destroy_api);
  }
  return destroy(api, desc, "channelDesc");
}

}  // namespace acl_dvpp

// A description's setter and getter of one field (Desc: aclvdecChannelDesc, aclvencChannelDesc ...).
#define ACL_DVPP_DESC_SET(fn, Desc, arg, type, field) \
  aclError fn(Desc* arg, type value) {                \
    acl_dvpp::Access a(__func__);                     \
    Desc* d = a.get(arg, #arg);                       \
    if (!d) return a.error();                         \
    d->field = value;                                 \
    return ACL_SUCCESS;                               \
  }
#define ACL_DVPP_DESC_GET(fn, Desc, arg, type, field) \
  type fn(const Desc* arg) {                          \
    acl_dvpp::Access a(__func__);                     \
    Desc* d = a.get(arg, #arg);                       \
    return d ? d->field : static_cast<type>(0);       \
  }
