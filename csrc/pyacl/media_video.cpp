// pyACL: `acl.media.vdec_*`, video decode (aclvdec*) under pyACL's names and shapes (CANN's
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

void vdec_callback(acldvppStreamDesc* input, acldvppPicDesc* output, void* user) {
  if (python_exiting()) return;
  std::unique_ptr<Frame> f = claim(reinterpret_cast<uintptr_t>(user));
  if (!f) return;
  PyGILState_STATE gil = PyGILState_Ensure();
  {
    py::object in = ptr_obj(input), out = ptr_obj(output);
    PyObject* r = PyObject_CallFunctionObjArgs(f->fn.ptr(), in.ptr(), out.ptr(), f->user_data.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.media.vdec callback", f->fn);
  }
  f.reset();
  PyGILState_Release(gil);
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

py::object send(Args& a, bool skipped) {
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
  uint64_t token = 0;
  {
    VdecState& s = state();
    std::lock_guard<std::mutex> lock(s.m);
    auto cb = s.callbacks.find(ch);
    if (!bare_eos && cb != s.callbacks.end()) {
      auto f = std::make_unique<Frame>();
      f->channel = ch;
      f->fn = cb->second;
      f->user_data = py::reinterpret_borrow<py::object>(user);
      token = s.next++;
      s.live.emplace(token, std::move(f));  // before the send: the callback may run at once
    }
  }
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
  bind<aclvdecCreateChannelDesc>(m, "vdec_create_channel_desc", "channel_desc = acl.media.vdec_create_channel_desc()");
  defn(
      m, "vdec_destroy_channel_desc", {"channel_desc"}, 1,
      [](Args& a) -> py::object {
        const uintptr_t ch = a.ptr(0);
        aclError ret = call_nogil([&] { return aclvdecDestroyChannelDesc(as<aclvdecChannelDesc>(ch)); });
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
      },
      "ret = acl.media.vdec_destroy_channel_desc(channel_desc)");
  bind<aclvdecSetChannelDescChannelId>(m, "vdec_set_channel_desc_channel_id",
                                       "ret = acl.media.vdec_set_channel_desc_channel_id(channel_desc, channel_id)",
                                       In{"channel_desc"}, In{"channel_id"});
  bind<aclvdecSetChannelDescThreadId>(m, "vdec_set_channel_desc_thread_id",
                                      "ret = acl.media.vdec_set_channel_desc_thread_id(channel_desc, thread_id)",
                                      In{"channel_desc"}, In{"thread_id"});
  defn(
      m, "vdec_set_channel_desc_callback", {"channel_desc", "callback"}, 2,
      [](Args& a) -> py::object {
        if (!PyCallable_Check(a.get(1).ptr())) a.type_error(1, "callable");
        const uintptr_t ch = a.ptr(0);
        aclError ret = call_nogil(
            [&] { return aclvdecSetChannelDescCallback(as<aclvdecChannelDesc>(ch), &vdec_callback); });
        py::object fn = py::reinterpret_borrow<py::object>(a.get(1));
        if (ret == ACL_SUCCESS) {
          VdecState& s = state();
          std::lock_guard<std::mutex> lock(s.m);
          std::swap(s.callbacks[ch], fn);  // the old callback is released after the lock
        }
        return py::int_(ret);
      },
      "ret = acl.media.vdec_set_channel_desc_callback(channel_desc, callback): callback(input_stream_desc, "
      "output_pic_desc, user_data) runs on the channel's thread inside acl.rt.process_report");
  bind<aclvdecSetChannelDescEnType>(m, "vdec_set_channel_desc_entype",
                                    "ret = acl.media.vdec_set_channel_desc_entype(channel_desc, en_type)",
                                    In{"channel_desc"}, In{"en_type"});
  bind<aclvdecSetChannelDescOutPicFormat>(
      m, "vdec_set_channel_desc_out_pic_format",
      "ret = acl.media.vdec_set_channel_desc_out_pic_format(channel_desc, out_pic_format)", In{"channel_desc"},
      In{"out_pic_format"});
  bind<aclvdecSetChannelDescOutPicWidth>(
      m, "vdec_set_channel_desc_out_pic_width",
      "ret = acl.media.vdec_set_channel_desc_out_pic_width(channel_desc, out_pic_width)", In{"channel_desc"},
      In{"out_pic_width"});
  bind<aclvdecSetChannelDescOutPicHeight>(
      m, "vdec_set_channel_desc_out_pic_height",
      "ret = acl.media.vdec_set_channel_desc_out_pic_height(channel_desc, out_pic_height)", In{"channel_desc"},
      In{"out_pic_height"});
  bind<aclvdecSetChannelDescRefFrameNum>(
      m, "vdec_set_channel_desc_ref_frame_num",
      "ret = acl.media.vdec_set_channel_desc_ref_frame_num(channel_desc, ref_frame_num)", In{"channel_desc"},
      In{"ref_frame_num"});
  bind<aclvdecSetChannelDescBitDepth>(m, "vdec_set_channel_desc_bit_depth",
                                      "ret = acl.media.vdec_set_channel_desc_bit_depth(channel_desc, bit_depth)",
                                      In{"channel_desc"}, In{"bit_depth"});
  bind<aclvdecSetChannelDescOutMode>(m, "vdec_set_channel_desc_out_mode",
                                     "ret = acl.media.vdec_set_channel_desc_out_mode(channel_desc, out_mode)",
                                     In{"channel_desc"}, In{"out_mode"});
  bind<aclvdecGetChannelDescChannelId, Quick>(m, "vdec_get_channel_desc_channel_id",
                                              "channel_id = acl.media.vdec_get_channel_desc_channel_id(channel_desc)",
                                              In{"channel_desc"});
  bind<aclvdecGetChannelDescThreadId, Quick>(m, "vdec_get_channel_desc_thread_id",
                                             "thread_id = acl.media.vdec_get_channel_desc_thread_id(channel_desc)",
                                             In{"channel_desc"});
  defn(
      m, "vdec_get_channel_desc_callback", {"channel_desc"}, 1,
      [](Args& a) -> py::object {
        const uintptr_t ch = a.ptr(0);
        py::object fn = py::none();
        VdecState& s = state();
        std::lock_guard<std::mutex> lock(s.m);
        auto it = s.callbacks.find(ch);
        if (it != s.callbacks.end()) fn = it->second;
        return fn;
      },
      "callback = acl.media.vdec_get_channel_desc_callback(channel_desc): the Python callback set, or None");
  bind<aclvdecGetChannelDescEnType, Quick>(m, "vdec_get_channel_desc_entype",
                                           "en_type = acl.media.vdec_get_channel_desc_entype(channel_desc)",
                                           In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicFormat, Quick>(
      m, "vdec_get_channel_desc_out_pic_format",
      "out_pic_format = acl.media.vdec_get_channel_desc_out_pic_format(channel_desc)", In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicWidth, Quick>(
      m, "vdec_get_channel_desc_out_pic_width",
      "out_pic_width = acl.media.vdec_get_channel_desc_out_pic_width(channel_desc)", In{"channel_desc"});
  bind<aclvdecGetChannelDescOutPicHeight, Quick>(
      m, "vdec_get_channel_desc_out_pic_height",
      "out_pic_height = acl.media.vdec_get_channel_desc_out_pic_height(channel_desc)", In{"channel_desc"});
  bind<aclvdecGetChannelDescRefFrameNum, Quick>(
      m, "vdec_get_channel_desc_ref_frame_num",
      "ref_frame_num = acl.media.vdec_get_channel_desc_ref_frame_num(channel_desc)", In{"channel_desc"});
  bind<aclvdecGetChannelDescBitDepth, Quick>(m, "vdec_get_channel_desc_bit_depth",
                                             "bit_depth = acl.media.vdec_get_channel_desc_bit_depth(channel_desc)",
                                             In{"channel_desc"});
  bind<aclvdecGetChannelDescOutMode, Quick>(m, "vdec_get_channel_desc_out_mode",
                                            "out_mode = acl.media.vdec_get_channel_desc_out_mode(channel_desc)",
                                            In{"channel_desc"});
  bind<aclvdecCreateFrameConfig>(m, "vdec_create_frame_config", "config = acl.media.vdec_create_frame_config()");
  bind<aclvdecDestroyFrameConfig>(m, "vdec_destroy_frame_config",
                                  "ret = acl.media.vdec_destroy_frame_config(config)", In{"config"});
  bind<aclvdecCreateChannel>(m, "vdec_create_channel", "ret = acl.media.vdec_create_channel(channel_desc)",
                             In{"channel_desc"});
  defn(
      m, "vdec_destroy_channel", {"channel_desc"}, 1,
      [](Args& a) -> py::object {
        const uintptr_t ch = a.ptr(0);
        aclError ret = call_nogil([&] { return aclvdecDestroyChannel(as<aclvdecChannelDesc>(ch)); });
        if (ret == ACL_SUCCESS) drop_channel_frames(ch);  // callbacks dropped by a dead report thread
        return py::int_(ret);
      },
      "ret = acl.media.vdec_destroy_channel(channel_desc): decodes the frames in flight and returns after "
      "their callbacks ran");
  defn(
      m, "vdec_send_frame", {"channel_desc", "input", "output", "config", "user_data"}, 5,
      [](Args& a) { return send(a, false); },
      "ret = acl.media.vdec_send_frame(channel_desc, input, output, config, user_data): queues one frame; "
      "an input with EOS set returns after every sent frame's callback ran");
  defn(
      m, "vdec_send_skipped_frame", {"channel_desc", "input", "config", "user_data"}, 4,
      [](Args& a) { return send(a, true); },
      "ret = acl.media.vdec_send_skipped_frame(channel_desc, input, config, user_data): decodes the frame "
      "without output (the callback gets output 0)");
#else
  (void)m;
#endif
}

}  // namespace pyacl
