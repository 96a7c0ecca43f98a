// pyACL: `acl.media.vdec_*` / `venc_*`, video decode and encode (aclvdec*, aclvenc*) under pyACL's names and shapes (CANN's
// aclpythondevg "acl.media" VDEC pages; acllite's dvpp_vdec.py uses them): handles are ints,
// `desc = acl.media.vdec_create_channel_desc()`, setters return `ret`, getters the value,
// `ret = acl.media.vdec_send_frame(channel_desc, input, output, config, user_data)`.
// The channel's callback, set with `vdec_set_channel_desc_callback(channel_desc, fn)`, runs as
// fn(input_stream_desc, output_pic_desc, user_data) on the thread named by
// `vdec_set_channel_desc_thread_id`, inside its acl.rt.process_report: the C runtime is handed a
// token per frame and pyACL keeps the Python objects until that frame's callback ran (or the
// channel is destroyed). Sending and destroying release the GIL (EOS waits for the callbacks).
#ifdef ACL_PYACL_HAS_DVPP
#define ENABLE_DVPP_INTERFACE
#include "acl/ops/acl_dvpp.h"
#endif

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace pyacl {

#ifdef ACL_PYACL_HAS_DVPP
namespace {

struct Frame {
  uintptr_t channel;
  py::object fn;
  py::object user_data;
};

struct VdecState {
  std::mutex m;
  uint64_t next = 1;
  std::unordered_map<uintptr_t, py::object> callbacks;     // channel desc -> Python callback
  std::unordered_map<uint64_t, std::unique_ptr<Frame>> live;  // Python objects: freed with the GIL held
};
VdecState& state() {
  static VdecState* s = new VdecState();  // never destroyed: C threads may use it at exit
  return *s;
}

std::unique_ptr<Frame> claim(uint64_t token) {
  VdecState& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  auto it = s.live.find(token);
  if (it == s.live.end()) return nullptr;
  std::unique_ptr<Frame> f = std::move(it->second);
  s.live.erase(it);
  return f;
}

// Runs the Python callback of frame `user` (a token) with the two descriptions as ints; [data,
// data+size), when given, counts as DVPP memory for the callback (registered with the GIL held).
void run_frame(const void* first, const void* second, void* user, const char* where, uintptr_t data = 0,
               size_t size = 0) {
  if (interpreter_exiting()) return;
  std::unique_ptr<Frame> f = claim(reinterpret_cast<uintptr_t>(user));
  if (!f) return;
  run_with_gil(f, [&] {
    if (data && size) ranges::add(data, size, Mem::Device);
    PyObject* a = ptr_obj(first).release().ptr();
    PyObject* b = ptr_obj(second).release().ptr();
    PyObject* r = PyObject_CallFunctionObjArgs(f->fn.ptr(), a, b, f->user_data.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception(where, f->fn);
    if (data && size) ranges::remove(data);
    Py_DECREF(a);
    Py_DECREF(b);
  });
}

void vdec_callback(acldvppStreamDesc* input, acldvppPicDesc* output, void* user) {
  run_frame(input, output, user, "acl.media.vdec callback");
}

void venc_callback(acldvppPicDesc* input, acldvppStreamDesc* output, void* user) {
  // The encoded frame lives in DVPP memory the runtime allocated: registered for the callback's
  // acl.rt.memcpy / ptr_to_bytes (strict range checks), as memory from acl.media.dvpp_malloc is.
  const uintptr_t data = reinterpret_cast<uintptr_t>(output ? acldvppGetStreamDescData(output) : nullptr);
  const size_t size = output ? acldvppGetStreamDescSize(output) : 0;
  run_frame(input, output, user, "acl.media.venc callback", data, size);
}

// Releases (GIL held) the frames of `channel` whose callback can no longer run.
void drop_channel_frames(uintptr_t channel) {
  std::vector<std::unique_ptr<Frame>> dropped;  // released after the lock (GIL held)
  {
    VdecState& s = state();
    std::lock_guard<std::mutex> lock(s.m);
    for (auto it = s.live.begin(); it != s.live.end();) {
      if (it->second->channel == channel) {
        dropped.push_back(std::move(it->second));
        it = s.live.erase(it);
      } else {
        ++it;
      }
    }
  }
}

// A token for a frame of channel `ch` carrying `user` (0 when the channel has no Python callback).
uint64_t add_frame(uintptr_t ch, py::handle user) {
  VdecState& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  auto cb = s.callbacks.find(ch);
  if (cb == s.callbacks.end()) return 0;
  auto f = std::make_unique<Frame>();
  f->channel = ch;
  f->fn = cb->second;
  f->user_data = py::reinterpret_borrow<py::object>(user);
  const uint64_t token = s.next++;
  s.live.emplace(token, std::move(f));  // before the send: the callback may run at once
  return token;
}

// The handle type of a C function's first parameter (a channel description).
template <auto Fn>
using Handle = std::tuple_element_t<0, typename detail::fn_traits<decltype(Fn)>::args>;

// acl.media.v*_set_channel_desc_callback: C setter `Set` with the C callback `Cb`, then channel ch's
// Python callback when it succeeded.
template <auto Set, auto Cb>
py::object set_callback(Args& a) {
  if (!PyCallable_Check(a.get(1).ptr())) a.type_error(1, "callable");
  const uintptr_t ch = a.ptr(0);
  aclError ret = call_nogil([&] { return Set(as<std::remove_pointer_t<Handle<Set>>>(ch), Cb); });
  py::object fn = py::reinterpret_borrow<py::object>(a.get(1));
  if (ret == ACL_SUCCESS) {
    VdecState& s = state();
    std::lock_guard<std::mutex> lock(s.m);
    std::swap(s.callbacks[ch], fn);  // the old callback is released after the lock
  }
  return py::int_(ret);
}

py::object get_callback(Args& a) {
  const uintptr_t ch = a.ptr(0);
  py::object fn = py::none();
  VdecState& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  auto it = s.callbacks.find(ch);
  if (it != s.callbacks.end()) fn = it->second;
  return fn;
}

// acl.media.v*_destroy_channel_desc: destroys a channel description with `Destroy`, forgetting its
// Python callback.
template <auto Destroy>
py::object destroy_desc(Args& a) {
  const uintptr_t ch = a.ptr(0);
  aclError ret = call_nogil([&] { return Destroy(as<std::remove_pointer_t<Handle<Destroy>>>(ch)); });
  py::object old;  // released after the lock, with the GIL held
  if (ret == ACL_SUCCESS) {
    VdecState& s = state();
    std::lock_guard<std::mutex> lock(s.m);
    auto it = s.callbacks.find(ch);
    if (it != s.callbacks.end()) {
      old = std::move(it->second);
      s.callbacks.erase(it);
    }
  }
  return py::int_(ret);
}

// acl.media.v*_destroy_channel: `Destroy` returns after the frames in flight ran their callbacks; frames a
// dead report thread dropped are released.
template <auto Destroy>
py::object destroy_channel(Args& a) {
  const uintptr_t ch = a.ptr(0);
  aclError ret = call_nogil([&] { return Destroy(as<std::remove_pointer_t<Handle<Destroy>>>(ch)); });
  if (ret == ACL_SUCCESS) drop_channel_frames(ch);
  return py::int_(ret);
}

py::object venc_send(Args& a) {
  const uintptr_t ch = a.ptr(0);
  auto* in = as<acldvppPicDesc>(a.ptr(1));
  void* reserve = as<void>(a.ptr(2));
  auto* config = as<aclvencFrameConfig>(a.ptr(3));
  const uint64_t token = in ? add_frame(ch, a.get(4)) : 0;  // EOS alone gets no callback
  void* u = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  aclError ret = call_nogil([&] { return aclvencSendFrame(as<aclvencChannelDesc>(ch), in, reserve, config, u); });
  if (ret != ACL_SUCCESS && token) claim(token).reset();
  return py::int_(ret);
}

template <bool skipped>
py::object send(Args& a) {
  const uintptr_t ch = a.ptr(0);
  auto* in = as<acldvppStreamDesc>(a.ptr(1));
  auto* out = skipped ? nullptr : as<acldvppPicDesc>(a.ptr(2));
  auto* config = as<aclvdecFrameConfig>(a.ptr(skipped ? 2 : 3));
  py::handle user = a.get(skipped ? 3 : 4);
  // A bare end of stream gets no callback: no token to keep.
  const bool bare_eos = call_nogil([&] {
    return in && acldvppGetStreamDescEos(in) != 0 && acldvppGetStreamDescSize(in) == 0;
  });
  (void)aclGetRecentErrMsg();
  const uint64_t token = bare_eos ? 0 : add_frame(ch, user);
  void* u = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  aclvdecChannelDesc* cd = as<aclvdecChannelDesc>(ch);
  aclError ret = call_nogil([&] {
    return skipped ? aclvdecSendSkippedFrame(cd, in, config, u) : aclvdecSendFrame(cd, in, out, config, u);
  });
  if (ret != ACL_SUCCESS && token) claim(token).reset();  // never queued
  return py::int_(ret);
}

}  // namespace
#endif

void bind_media_video(py::module_& m) {
#ifdef ACL_PYACL_HAS_DVPP
  bind<aclvdecCreateChannelDesc>(m, "vdec_create_channel_desc", Call{"channel_desc"});
  defn(m, "vdec_destroy_channel_desc", {"channel_desc"}, 1, destroy_desc<aclvdecDestroyChannelDesc>,
       "ret = acl.media.vdec_destroy_channel_desc(channel_desc)");
  bind<aclvdecSetChannelDescChannelId>(m, "vdec_set_channel_desc_channel_id", Call{"ret"}, In{"channel_desc"},
                                       In{"channel_id"});
  bind<aclvdecSetChannelDescThreadId>(m, "vdec_set_channel_desc_thread_id", Call{"ret"}, In{"channel_desc"},
                                      In{"thread_id"});
  defn(m, "vdec_set_channel_desc_callback", {"channel_desc", "callback"}, 2,
       set_callback<aclvdecSetChannelDescCallback, vdec_callback>,
       "ret = acl.media.vdec_set_channel_desc_callback(channel_desc, callback): callback(input_stream_desc, "
       "output_pic_desc, user_data) runs on the channel's thread inside acl.rt.process_report");
  bind<aclvdecSetChannelDescEnType>(m, "vdec_set_channel_desc_entype", Call{"ret"}, In{"channel_desc"}, In{"en_type"});
  bind<aclvdecSetChannelDescOutPicFormat>(m, "vdec_set_channel_desc_out_pic_format", Call{"ret"}, In{"channel_desc"},
                                          In{"out_pic_format"});
  bind<aclvdecSetChannelDescOutPicWidth>(m, "vdec_set_channel_desc_out_pic_width", Call{"ret"}, In{"channel_desc"},
                                         In{"out_pic_width"});
  bind<aclvdecSetChannelDescOutPicHeight>(m, "vdec_set_channel_desc_out_pic_height", Call{"ret"}, In{"channel_desc"},
                                          In{"out_pic_height"});
  bind<aclvdecSetChannelDescRefFrameNum>(m, "vdec_set_channel_desc_ref_frame_num", Call{"ret"}, In{"channel_desc"},
                                         In{"ref_frame_num"});
  bind<aclvdecSetChannelDescBitDepth>(m, "vdec_set_channel_desc_bit_depth", Call{"ret"}, In{"channel_desc"},
                                      In{"bit_depth"});
  bind<aclvdecSetChannelDescOutMode>(m, "vdec_set_channel_desc_out_mode", Call{"ret"}, In{"channel_desc"},
                                     In{"out_mode"});
  bind<aclvdecGetChannelDescChannelId, Quick>(m, "vdec_get_channel_desc_channel_id", Call{"channel_id"},
                                              In{"channel_desc"});
  bind<aclvdecGetChannelDescThreadId, Quick>(m, "vdec_get_channel_desc_thread_id", Call{"thread_id"},
                                             In{"channel_desc"});
  defn(m, "vdec_get_channel_desc_callback", {"channel_desc"}, 1, get_callback,
       "callback = acl.media.vdec_get_channel_desc_callback(channel_desc): the Python callback set, or None");
  bind<aclvdecGetChannelDescEnType, Quick>(m, "vdec_get_channel_desc_entype", Call{"en_type"}, In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicFormat, Quick>(m, "vdec_get_channel_desc_out_pic_format", Call{"out_pic_format"},
                                                 In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicWidth, Quick>(m, "vdec_get_channel_desc_out_pic_width", Call{"out_pic_width"},
                                                In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicHeight, Quick>(m, "vdec_get_channel_desc_out_pic_height", Call{"out_pic_height"},
                                                 In{"channel_desc"});
  bind<aclvdecGetChannelDescRefFrameNum, Quick>(m, "vdec_get_channel_desc_ref_frame_num", Call{"ref_frame_num"},
                                                In{"channel_desc"});
  bind<aclvdecGetChannelDescBitDepth, Quick>(m, "vdec_get_channel_desc_bit_depth", Call{"bit_depth"},
                                             In{"channel_desc"});
  bind<aclvdecGetChannelDescOutMode, Quick>(m, "vdec_get_channel_desc_out_mode", Call{"out_mode"}, In{"channel_desc"});
  bind<aclvdecCreateFrameConfig>(m, "vdec_create_frame_config", Call{"config"});
  bind<aclvdecDestroyFrameConfig>(m, "vdec_destroy_frame_config", Call{"ret"}, In{"config"});
  bind<aclvdecCreateChannel>(m, "vdec_create_channel", Call{"ret"}, In{"channel_desc"});
  defn(m, "vdec_destroy_channel", {"channel_desc"}, 1, destroy_channel<aclvdecDestroyChannel>,
       "ret = acl.media.vdec_destroy_channel(channel_desc): decodes the frames in flight and returns after "
       "their callbacks ran");
  defn(m, "vdec_send_frame", {"channel_desc", "input", "output", "config", "user_data"}, 5, send<false>,
       "ret = acl.media.vdec_send_frame(channel_desc, input, output, config, user_data): queues one frame; "
       "an input with EOS set returns after every sent frame's callback ran");
  defn(m, "vdec_send_skipped_frame", {"channel_desc", "input", "config", "user_data"}, 4, send<true>,
       "ret = acl.media.vdec_send_skipped_frame(channel_desc, input, config, user_data): decodes the frame "
       "without output (the callback gets output 0)");

  // ---- video encode (aclvenc*)
  bind<aclvencCreateChannelDesc>(m, "venc_create_channel_desc", Call{"channel_desc"});
  defn(m, "venc_destroy_channel_desc", {"channel_desc"}, 1, destroy_desc<aclvencDestroyChannelDesc>,
       "ret = acl.media.venc_destroy_channel_desc(channel_desc)");
  defn(m, "venc_set_channel_desc_callback", {"channel_desc", "callback"}, 2,
       set_callback<aclvencSetChannelDescCallback, venc_callback>,
       "ret = acl.media.venc_set_channel_desc_callback(channel_desc, callback): callback(input_pic_desc, "
       "output_stream_desc, user_data) runs on the channel's thread inside acl.rt.process_report");
  defn(m, "venc_get_channel_desc_callback", {"channel_desc"}, 1, get_callback,
       "callback = acl.media.venc_get_channel_desc_callback(channel_desc): the Python callback set, or None");
  bind<aclvencSetChannelDescThreadId>(m, "venc_set_channel_desc_thread_id", Call{"ret"}, In{"channel_desc"},
                                      In{"thread_id"});
  bind<aclvencSetChannelDescEnType>(m, "venc_set_channel_desc_entype", Call{"ret"}, In{"channel_desc"}, In{"en_type"});
  bind<aclvencSetChannelDescPicFormat>(m, "venc_set_channel_desc_pic_format", Call{"ret"}, In{"channel_desc"},
                                       In{"pic_format"});
  bind<aclvencSetChannelDescPicWidth>(m, "venc_set_channel_desc_pic_width", Call{"ret"}, In{"channel_desc"},
                                      In{"pic_width"});
  bind<aclvencSetChannelDescPicHeight>(m, "venc_set_channel_desc_pic_height", Call{"ret"}, In{"channel_desc"},
                                       In{"pic_height"});
  bind<aclvencSetChannelDescKeyFrameInterval>(m, "venc_set_channel_desc_key_frame_interval", Call{"ret"},
                                              In{"channel_desc"}, In{"key_frame_interval"});
  bind<aclvencSetChannelDescBufAddr>(m, "venc_set_channel_desc_buf_addr", Call{"ret"}, In{"channel_desc"},
                                     In{"buf_addr"});
  bind<aclvencSetChannelDescBufSize>(m, "venc_set_channel_desc_buf_size", Call{"ret"}, In{"channel_desc"},
                                     In{"buf_size"});
  bind<aclvencSetChannelDescRcMode>(m, "venc_set_channel_desc_rc_mode", Call{"ret"}, In{"channel_desc"}, In{"rc_mode"});
  bind<aclvencSetChannelDescSrcRate>(m, "venc_set_channel_desc_src_rate", Call{"ret"}, In{"channel_desc"},
                                     In{"src_rate"});
  bind<aclvencSetChannelDescMaxBitRate>(m, "venc_set_channel_desc_max_bit_rate", Call{"ret"}, In{"channel_desc"},
                                        In{"max_bit_rate"});
  bind<aclvencGetChannelDescChannelId, Quick>(m, "venc_get_channel_desc_channel_id", Call{"channel_id"},
                                              In{"channel_desc"});
  bind<aclvencGetChannelDescThreadId, Quick>(m, "venc_get_channel_desc_thread_id", Call{"thread_id"},
                                             In{"channel_desc"});
  bind<aclvencGetChannelDescEnType, Quick>(m, "venc_get_channel_desc_entype", Call{"en_type"}, In{"channel_desc"});
  bind<aclvencGetChannelDescPicFormat, Quick>(m, "venc_get_channel_desc_pic_format", Call{"pic_format"},
                                              In{"channel_desc"});
  bind<aclvencGetChannelDescPicWidth, Quick>(m, "venc_get_channel_desc_pic_width", Call{"pic_width"},
                                             In{"channel_desc"});
  bind<aclvencGetChannelDescPicHeight, Quick>(m, "venc_get_channel_desc_pic_height", Call{"pic_height"},
                                              In{"channel_desc"});
  bind<aclvencGetChannelDescKeyFrameInterval, Quick>(m, "venc_get_channel_desc_key_frame_interval",
                                                     Call{"key_frame_interval"}, In{"channel_desc"});
  bind<aclvencGetChannelDescBufAddr, Quick>(m, "venc_get_channel_desc_buf_addr", Call{"buf_addr"}, In{"channel_desc"});
  bind<aclvencGetChannelDescBufSize, Quick>(m, "venc_get_channel_desc_buf_size", Call{"buf_size"}, In{"channel_desc"});
  bind<aclvencGetChannelDescRcMode, Quick>(m, "venc_get_channel_desc_rc_mode", Call{"rc_mode"}, In{"channel_desc"});
  bind<aclvencGetChannelDescSrcRate, Quick>(m, "venc_get_channel_desc_src_rate", Call{"src_rate"}, In{"channel_desc"});
  bind<aclvencGetChannelDescMaxBitRate, Quick>(m, "venc_get_channel_desc_max_bit_rate", Call{"max_bit_rate"},
                                               In{"channel_desc"});
  bind<aclvencCreateFrameConfig>(m, "venc_create_frame_config", Call{"config"});
  bind<aclvencDestroyFrameConfig>(m, "venc_destroy_frame_config", Call{"ret"}, In{"config"});
  bind<aclvencSetFrameConfigForceIFrame>(m, "venc_set_frame_config_force_i_frame", Call{"ret"}, In{"config"},
                                         In{"force_i_frame"});
  bind<aclvencSetFrameConfigEos>(m, "venc_set_frame_config_eos", Call{"ret"}, In{"config"}, In{"eos"});
  bind<aclvencGetFrameConfigForceIFrame, Quick>(m, "venc_get_frame_config_force_i_frame", Call{"force_i_frame"},
                                                In{"config"});
  bind<aclvencGetFrameConfigEos, Quick>(m, "venc_get_frame_config_eos", Call{"eos"}, In{"config"});
  bind<aclvencCreateChannel>(m, "venc_create_channel", Call{"ret"}, In{"channel_desc"});
  defn(m, "venc_destroy_channel", {"channel_desc"}, 1, destroy_channel<aclvencDestroyChannel>,
       "ret = acl.media.venc_destroy_channel(channel_desc): encodes the pictures in flight and returns after "
       "their callbacks ran");
  defn(m, "venc_send_frame", {"channel_desc", "input", "reserve", "config", "user_data"}, 5, venc_send,
       "ret = acl.media.venc_send_frame(channel_desc, input, reserve, config, user_data): encodes one picture "
       "(read before returning); input 0 with the config's EOS flag returns after every callback ran");
#else
  (void)m;
#endif
}

}  // namespace pyacl
