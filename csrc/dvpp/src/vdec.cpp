// VDEC on the CPU: aclvdec* over FFmpeg's H.264/H.265 decoders (avcodec.h), as CANN's
// application development guide (aclcppdevg, "VDEC" chapter, aclvdecSendFrame) describes it:
// - a channel owns a stream of its own, subscribed at create to the thread named by
//   aclvdecSetChannelDescThreadId; every aclvdecSendFrame queues a decode task and a callback on
//   it ("aclvdecSendFrame wraps aclrtLaunchCallback"), so the callback runs inside that thread's
//   aclrtProcessReport, with the frame's userData;
// - an empty frame without EOS is refused; EOS (and destroy) flush the decoder and return once
//   every sent frame's callback has run;
// - the output picture's width/height/strides are set all together or not at all (then the
//   stream's size, width stride 16-aligned and height stride 2-aligned for YUV420SP output,
//   hi_vdec_pic_info); a frame that yields no picture gets its callback with a non-zero
//   acldvppGetPicDescRetCode (and aclGetRecentErrMsg on the callback's thread saying why).
#include <pthread.h>

#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "avcodec.h"
#include "handles.h"
#include "libyuv.h"
#include "memory.h"
#include "video_channel.h"
#include "yuv420sp_write.h"

namespace acl_dvpp {
class VdecChannel;
}

struct aclvdecChannelDesc {
  uint32_t channel_id = 0;
  uint64_t thread_id = 0;
  aclvdecCallback callback = nullptr;
  acldvppStreamFormat en_type = H265_MAIN_LEVEL;
  acldvppPixelFormat out_format = PIXEL_FORMAT_YUV_SEMIPLANAR_420;
  uint32_t out_width = 0, out_height = 0, ref_frame_num = 0, bit_depth = 0, out_mode = 0;
  uint32_t csc_matrix = ACL_DVPP_CSC_MATRIX_BT601_WIDE;
  std::shared_ptr<acl_dvpp::VdecChannel> chan;  // set between create and destroy channel
};

struct aclvdecFrameConfig {
  uint8_t reserved = 0;  // CANN: reserved, NULL allowed
};

namespace acl_dvpp {

// What the callback of a frame gets when the frame yielded no picture (VDEC's ret code is
// "0 success, other values failure"; 0x20000 is ERR_DECODE_NOPIC of the guide).
constexpr uint32_t kRetDecodeFailed = 0x20000;

namespace {

uint32_t align(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

}  // namespace

class VdecChannel {
 public:
  struct Frame {
    acldvppStreamDesc* in = nullptr;
    std::shared_ptr<acldvppStreamDesc> in_ref;
    acldvppPicDesc* out = nullptr;
    std::shared_ptr<acldvppPicDesc> out_ref;
    void* user = nullptr;
    std::string error;  // why no picture
  };

  CallbackStream stream;
  aclvdecCallback callback = nullptr;
  acldvppPixelFormat out_format = PIXEL_FORMAT_YUV_SEMIPLANAR_420;
  std::unique_ptr<av::Decoder> decoder;
  // CANN (aclvdecSetChannelDescOutMode): in the default out mode (0) "the decoder caches frames and
  // cannot output in real time: VDEC starts giving results after it has received several frames of the
  // stream"; in fast mode (1) it gives each frame's picture as soon as that frame is decoded. So in
  // mode 0 the newest kDefaultModeHeld decoded frames wait for later frames (or EOS / destroy).
  static constexpr size_t kDefaultModeHeld = 2;
  size_t held = kDefaultModeHeld;

  // Runs on the stream's worker: decodes frame seq (data copied by the decoder).
  void decode(int64_t seq, const uint8_t* data, size_t size) {
    std::string err;
    if (!decoder->send(data, size, seq, err)) complete(seq, "corrupt frame: " + err);
    drain_pictures();
  }

  // Runs on the stream's worker at EOS/destroy: every frame still pending ends here.
  void flush() {
    std::string err;
    decoder->send(nullptr, 0, 0, err);
    drain_pictures();
    for (auto& [seq, why] : held_) finish(seq, why);
    held_.clear();
    for (int64_t seq : frames_.pending())
      finish(seq, last_error_.empty() ? "no picture decoded from this frame (corrupt, truncated or another "
                                        "codec's stream)"
                                      : "no picture decoded from this frame: " + last_error_);
    last_error_.clear();
    decoder->reset();
  }

  // Runs on the report thread: the callbacks of every frame finished so far, in order.
  void deliver() {
    for (Frame& f : frames_.take_ready()) {
      if (!f.error.empty()) fail("aclvdecCallback", ACL_ERROR_FAILURE, "%s", f.error.c_str());
      callback(f.in, f.out, f.user);
    }
  }

  int64_t add(Frame f) { return frames_.add(std::move(f)); }

 private:
  void drain_pictures() {
    av::Picture pic;
    std::string err;
    for (;;) {
      int rc = decoder->receive(pic, err);
      if (rc == 0) break;
      if (rc < 0) {
        last_error_ = err;  // attributed at the end of stream to the frames left without a picture
        continue;
      }
      store(pic);
    }
  }

  // Writes pic into the output description of its frame (pts = the frame's sequence number).
  void store(const av::Picture& pic) {
    Frame* f = frames_.find(pic.pts);
    if (!f) return;  // a picture of no frame of ours (cannot happen)
    std::string err;
    if (f->out) write(pic, *f->out, err);  // a skipped frame (no output) only counts as done
    complete(pic.pts, err);
  }

  // A frame done on the worker: its callback is due once `held` later frames are done (in order).
  void complete(int64_t seq, const std::string& err) {
    held_.emplace_back(seq, err);
    while (held_.size() > held) {
      finish(held_.front().first, held_.front().second);
      held_.pop_front();
    }
  }

  // The description's fields are read and written under the handles' lock, the picture converted
  // without it: the sending thread's description calls do not wait for a frame's conversion.
  void write(const av::Picture& pic, acldvppPicDesc& out, std::string& err) {
    uint32_t w, h, ws, hs, size;
    acldvppPixelFormat fmt;
    void* data;
    {
      std::lock_guard<std::recursive_mutex> lock(handles::mutex());
      w = out.width, h = out.height, ws = out.width_stride, hs = out.height_stride;
      fmt = out.format == PIXEL_FORMAT_YUV_SEMIPLANAR_420 || out.format == PIXEL_FORMAT_YVU_SEMIPLANAR_420 ? out.format
                                                                                                           : out_format;
      data = out.data, size = out.size;
    }
    if (!w && !h && !ws && !hs) {
      w = static_cast<uint32_t>(pic.width);
      h = static_cast<uint32_t>(pic.height);
      ws = align(w, 16);
      hs = align(h, 2);
    }
    const uint64_t need = static_cast<uint64_t>(ws) * hs * 3 / 2;
    if (!data || size < need) {
      err = format("the output picture's buffer (%u bytes at %p) is smaller than the %ux%u YUV420SP picture "
                   "(width stride %u, height stride %u: %llu bytes)",
                   size, data, w, h, ws, hs, static_cast<unsigned long long>(need));
      std::lock_guard<std::recursive_mutex> lock(handles::mutex());
      out.ret_code = kRetDecodeFailed;
      return;
    }
    uint8_t* y = static_cast<uint8_t*>(data);
    uint8_t* uv = y + static_cast<size_t>(ws) * hs;
    const uint8_t* src[3] = {pic.plane[0], pic.plane[1], pic.plane[2]};
    int ss[3] = {pic.stride[0], pic.stride[1], pic.stride[2]};
    if (static_cast<int>(w) != pic.width || static_cast<int>(h) != pic.height) {  // VDEC's resize
      const size_t cw = (w + 1) / 2, ch = (h + 1) / 2;
      scratch_.resize(static_cast<size_t>(w) * h + 2 * cw * ch);
      uint8_t* sy = scratch_.data();
      uint8_t* su = sy + static_cast<size_t>(w) * h;
      uint8_t* sv = su + cw * ch;
      libyuv::I420Scale(src[0], ss[0], src[1], ss[1], src[2], ss[2], pic.width, pic.height, sy, w, su, cw, sv, cw,
                        w, h, libyuv::kFilterBilinear);
      src[0] = sy, src[1] = su, src[2] = sv;
      ss[0] = w, ss[1] = ss[2] = static_cast<int>(cw);
    }
    write_yuv420sp(src[0], ss[0], src[1], ss[1], src[2], ss[2], y, uv, static_cast<int>(ws), static_cast<int>(w),
                   static_cast<int>(h), fmt == PIXEL_FORMAT_YVU_SEMIPLANAR_420);
    std::lock_guard<std::recursive_mutex> lock(handles::mutex());
    out.width = w, out.height = h, out.width_stride = ws, out.height_stride = hs, out.format = fmt;
    out.size = static_cast<uint32_t>(need);
    out.ret_code = 0;
  }

  // Moves frame seq from pending to ready (err: why it has no picture).
  void finish(int64_t seq, const std::string& err) {
    frames_.finish(seq, [&err](Frame& f) {
      if (err.empty()) return;
      f.error = err;
      std::lock_guard<std::recursive_mutex> hl(handles::mutex());
      if (f.out) f.out->ret_code = kRetDecodeFailed;
      if (f.in) f.in->ret_code = kRetDecodeFailed;
    });
  }

  FrameBook<Frame> frames_;
  std::deque<std::pair<int64_t, std::string>> held_;  // worker only: done, callback not yet due
  std::string last_error_;       // worker only
  std::vector<uint8_t> scratch_;  // worker only
};

namespace {

aclError send(const char* api, aclvdecChannelDesc* channelDesc, acldvppStreamDesc* input, acldvppPicDesc* output,
              bool skipped, void* userData) {
  std::shared_ptr<VdecChannel> chan;
  VdecChannel::Frame f;
  bool eos = false;
  const uint8_t* data = nullptr;
  size_t size = 0;
  {
    Access a(api);
    aclvdecChannelDesc* d = a.get(channelDesc, "channelDesc");
    acldvppStreamDesc* in = a.get(input, "input");
    acldvppPicDesc* out = nullptr;
    // A bare EOS needs no output picture (Huawei's samples pass NULL).
    if (!skipped && !(in && in->eos && !output)) out = a.get(output, "output");
    if (a.error()) return a.error();
    if (!d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is not created (aclvdecCreateChannel)");
    chan = d->chan;
    eos = in->eos != 0;
    data = static_cast<const uint8_t*>(in->data);
    size = in->size;
    if (!eos && (!data || size == 0))
      return fail(api, ACL_ERROR_INVALID_PARAM,
                  "an empty frame (data %p, size %u) without EOS: send whole frames, or EOS to end the stream",
                  in->data, in->size);
    if (!eos && out) {
      const int set = (out->width != 0) + (out->height != 0) + (out->width_stride != 0) + (out->height_stride != 0);
      if (set != 0 && set != 4)
        return fail(api, ACL_ERROR_INVALID_PARAM,
                    "the output picture sets %d of width, height, width stride and height stride: set all four "
                    "or none (then the stream's size)",
                    set);
      if (set == 4 && (out->width_stride < out->width || out->height_stride < out->height ||
                       out->width_stride % 16 != 0 || out->height_stride % 2 != 0))
        return fail(api, ACL_ERROR_INVALID_PARAM,
                    "output strides %ux%u for %ux%u: the width stride must be >= width and 16-aligned, the "
                    "height stride >= height and 2-aligned",
                    out->width_stride, out->height_stride, out->width, out->height);
      if (out->format != PIXEL_FORMAT_YUV_400 && out->format != PIXEL_FORMAT_YUV_SEMIPLANAR_420 &&
          out->format != PIXEL_FORMAT_YVU_SEMIPLANAR_420)
        return fail(api, ACL_ERROR_INVALID_PARAM,
                    "output format %d: VDEC writes YUV420SP NV12 (1) or NV21 (2)", static_cast<int>(out->format));
    }
    f.in = in;
    f.in_ref = a.share(in);
    if (out) {
      f.out = out;
      f.out_ref = a.share(out);
    }
    f.user = userData;
  }
  if (eos && (!data || size == 0)) return finish_stream(api, *chan);
  if (aclError e = check_range(api, data, size, "input stream data")) return e;
  if (aclError e = check_dvpp_memory(api, data, size, "input stream data")) return e;
  // The frame is read before the call returns, as the device's stream buffer takes it: acllite's
  // VideoCapture refills one input buffer right after each send.
  auto copy = std::make_shared<std::vector<uint8_t>>(data, data + size);
  const int64_t seq = chan->add(std::move(f));
  VdecChannel* cp = chan.get();
  aclError e = queue_frame(api, *chan, [cp, seq, copy](std::string&) {
    cp->decode(seq, copy->data(), copy->size());
    return ACL_SUCCESS;
  });
  if (e != ACL_SUCCESS) return e;
  if (eos) return finish_stream(api, *chan);  // a last frame carrying EOS
  return ACL_SUCCESS;
}

}  // namespace
}  // namespace acl_dvpp

using namespace acl_dvpp;

#define VD_SET(fn, type, field) ACL_DVPP_DESC_SET(fn, aclvdecChannelDesc, channelDesc, type, field)
#define VD_GET(fn, type, field) ACL_DVPP_DESC_GET(fn, aclvdecChannelDesc, channelDesc, type, field)

extern "C" {

aclvdecChannelDesc* aclvdecCreateChannelDesc(void) {
  return create(__func__, std::shared_ptr<aclvdecChannelDesc>(new (std::nothrow) aclvdecChannelDesc()));
}

aclError aclvdecDestroyChannelDesc(aclvdecChannelDesc* channelDesc) {
  return destroy_channel_desc(__func__, channelDesc, "aclvdecDestroyChannel");
}

VD_SET(aclvdecSetChannelDescChannelId, uint32_t, channel_id)
VD_SET(aclvdecSetChannelDescThreadId, uint64_t, thread_id)
VD_SET(aclvdecSetChannelDescCallback, aclvdecCallback, callback)
VD_SET(aclvdecSetChannelDescEnType, acldvppStreamFormat, en_type)
VD_SET(aclvdecSetChannelDescOutPicFormat, acldvppPixelFormat, out_format)
VD_SET(aclvdecSetChannelDescOutPicWidth, uint32_t, out_width)
VD_SET(aclvdecSetChannelDescOutPicHeight, uint32_t, out_height)
VD_SET(aclvdecSetChannelDescRefFrameNum, uint32_t, ref_frame_num)
VD_SET(aclvdecSetChannelDescBitDepth, uint32_t, bit_depth)
VD_SET(aclvdecSetChannelDescOutMode, uint32_t, out_mode)
VD_GET(aclvdecGetChannelDescChannelId, uint32_t, channel_id)
VD_GET(aclvdecGetChannelDescThreadId, uint64_t, thread_id)
VD_GET(aclvdecGetChannelDescCallback, aclvdecCallback, callback)
VD_GET(aclvdecGetChannelDescEnType, acldvppStreamFormat, en_type)
VD_GET(aclvdecGetChannelDescOutPicFormat, acldvppPixelFormat, out_format)
VD_GET(aclvdecGetChannelDescOutPicWidth, uint32_t, out_width)
VD_GET(aclvdecGetChannelDescOutPicHeight, uint32_t, out_height)
VD_GET(aclvdecGetChannelDescRefFrameNum, uint32_t, ref_frame_num)
VD_GET(aclvdecGetChannelDescBitDepth, uint32_t, bit_depth)
VD_GET(aclvdecGetChannelDescOutMode, uint32_t, out_mode)

aclError aclvdecSetChannelDescParam(aclvdecChannelDesc* channelDesc, aclvdecChannelDescParamType paramType,
                                    size_t length, const void* param) {
  Access a(__func__);
  aclvdecChannelDesc* d = a.get(channelDesc, "channelDesc");
  if (!d) return a.error();
  if (paramType != ACL_VDEC_CSC_MATRIX_UINT32)
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "unknown paramType %d", static_cast<int>(paramType));
  if (!param || length < sizeof(uint32_t))
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "param must point to a uint32_t (length %zu)", length);
  std::memcpy(&d->csc_matrix, param, sizeof(uint32_t));
  return ACL_SUCCESS;
}

aclError aclvdecGetChannelDescParam(const aclvdecChannelDesc* channelDesc, aclvdecChannelDescParamType paramType,
                                    size_t length, size_t* paramRetSize, void* param) {
  Access a(__func__);
  aclvdecChannelDesc* d = a.get(channelDesc, "channelDesc");
  if (!d) return a.error();
  if (paramType != ACL_VDEC_CSC_MATRIX_UINT32)
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "unknown paramType %d", static_cast<int>(paramType));
  if (!param || !paramRetSize || length < sizeof(uint32_t))
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "param and paramRetSize must hold a uint32_t (length %zu)",
                length);
  std::memcpy(param, &d->csc_matrix, sizeof(uint32_t));
  *paramRetSize = sizeof(uint32_t);
  return ACL_SUCCESS;
}

aclvdecFrameConfig* aclvdecCreateFrameConfig(void) {
  return create(__func__, std::shared_ptr<aclvdecFrameConfig>(new (std::nothrow) aclvdecFrameConfig()));
}

aclError aclvdecDestroyFrameConfig(aclvdecFrameConfig* vdecFrameConfig) {
  return destroy(__func__, vdecFrameConfig, "vdecFrameConfig");
}

aclError aclvdecCreateChannel(aclvdecChannelDesc* channelDesc) {
  const char* api = __func__;
  aclvdecChannelDesc snapshot;
  {
    Access a(api);
    aclvdecChannelDesc* d = a.get(channelDesc, "channelDesc");
    if (!d) return a.error();
    if (d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is already created");
    snapshot = *d;
  }
  if (!snapshot.callback)
    return fail(api, ACL_ERROR_INVALID_PARAM, "no callback set (aclvdecSetChannelDescCallback)");
  if (!snapshot.thread_id)
    return fail(api, ACL_ERROR_INVALID_PARAM, "no thread id set (aclvdecSetChannelDescThreadId)");
  const char* codec = nullptr;
  switch (snapshot.en_type) {
    case H265_MAIN_LEVEL:
      codec = "hevc";
      break;
    case H264_BASELINE_LEVEL:
    case H264_MAIN_LEVEL:
    case H264_HIGH_LEVEL:
      codec = "h264";
      break;
    default:
      return fail(api, ACL_ERROR_INVALID_PARAM, "enType %d is not H265_MAIN_LEVEL (0) or H.264 (1-3)",
                  static_cast<int>(snapshot.en_type));
  }
  if (snapshot.out_format != PIXEL_FORMAT_YUV_SEMIPLANAR_420 && snapshot.out_format != PIXEL_FORMAT_YVU_SEMIPLANAR_420)
    return fail(api, ACL_ERROR_INVALID_PARAM, "outPicFormat %d: VDEC writes YUV420SP NV12 (1) or NV21 (2)",
                static_cast<int>(snapshot.out_format));
  if (snapshot.out_mode > 1)
    return fail(api, ACL_ERROR_INVALID_PARAM, "outMode %u: 0 (default, frames cached) or 1 (fast, real time)",
                snapshot.out_mode);
  auto chan = std::make_shared<VdecChannel>();
  std::string why;
  chan->decoder = av::Decoder::open(codec, why);
  if (!chan->decoder)
    return fail(api, ACL_ERROR_FEATURE_UNSUPPORTED, "the host runtime's VDEC needs FFmpeg's libavcodec: %s",
                why.c_str());
  if (aclError e = chan->stream.open(snapshot.thread_id)) return e;
  chan->callback = snapshot.callback;
  chan->out_format = snapshot.out_format;
  chan->held = snapshot.out_mode == 1 ? 0 : VdecChannel::kDefaultModeHeld;
  return attach_channel(api, channelDesc, chan, [](aclvdecChannelDesc&) {});
}

aclError aclvdecDestroyChannel(aclvdecChannelDesc* channelDesc) {
  return destroy_channel(__func__, channelDesc, "aclvdecCreateChannel");
}

aclError aclvdecSendFrame(aclvdecChannelDesc* channelDesc, acldvppStreamDesc* input, acldvppPicDesc* output,
                          aclvdecFrameConfig* config, void* userData) {
  (void)config;  // reserved
  return send(__func__, channelDesc, input, output, false, userData);
}

aclError aclvdecSendSkippedFrame(aclvdecChannelDesc* channelDesc, acldvppStreamDesc* input,
                                 aclvdecFrameConfig* config, void* userData) {
  (void)config;
  return send(__func__, channelDesc, input, nullptr, true, userData);
}

}  // extern "C"
