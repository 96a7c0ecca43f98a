// VENC on the CPU: aclvenc* over FFmpeg's libx264/libx265 encoders (avcodec.h), as CANN's
// application development guide (aclcppdevg, "VENC" chapter) describes it:
// - a channel owns a stream subscribed at create to the thread of aclvencSetChannelDescThreadId;
//   each aclvencSendFrame encodes one YUV420SP NV12/NV21 picture of the channel's size (width
//   stride >= width and 16-aligned; the height stride "need not be set": the chroma plane follows
//   `height` rows and the buffer holds width stride * height * 3/2 bytes, "VENC Functions and
//   Restrictions" table 1; Huawei's venc sample sets 1088 for a 1080-row picture) and its callback gets
//   (input picture, output stream description, userdata) on that thread: the output holds the
//   frame's raw H.264/H.265 stream (Annex B) in DVPP memory owned by the runtime, valid during the
//   callback (or written to the buffer of aclvencSetChannelDescBufAddr/BufSize when set);
// - the picture is read before aclvencSendFrame returns (Huawei's venc sample frees it then);
// - aclvencSetFrameConfigForceIFrame makes the frame an IDR picture; aclvencSendFrame with a NULL
//   picture and the EOS flag flushes the encoder and returns after every callback ran;
// - an encoding type with no encoder in the FFmpeg found is ACL_ERROR_FEATURE_UNSUPPORTED with
//   aclGetRecentErrMsg naming the missing encoder.
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "avcodec.h"
#include "handles.h"
#include "memory.h"
#include "video_channel.h"

namespace acl_dvpp {
class VencChannel;
}

struct aclvencChannelDesc {
  uint32_t channel_id = 0;
  uint64_t thread_id = 0;
  aclvencCallback callback = nullptr;
  acldvppStreamFormat en_type = H264_MAIN_LEVEL;
  acldvppPixelFormat pic_format = PIXEL_FORMAT_YUV_SEMIPLANAR_420;
  uint32_t pic_width = 0, pic_height = 0, key_frame_interval = 16;
  void* buf_addr = nullptr;
  uint32_t buf_size = 0, rc_mode = 0, src_rate = 30, max_bit_rate = 0, max_ip_prop = 0;
  std::shared_ptr<acl_dvpp::VencChannel> chan;
};

struct aclvencFrameConfig {
  uint8_t force_i_frame = 0;
  uint8_t eos = 0;
};

namespace acl_dvpp {

// VENC's picture limits (aclcppdevg "VENC Functions and Restrictions": 128 x 128 to 1920 x 1920).
constexpr uint32_t kMinSide = 128, kMaxSide = 1920;

class VencChannel {
 public:
  struct Frame {
    acldvppPicDesc* in = nullptr;
    void* user = nullptr;
    std::vector<uint8_t> stream;  // the encoded frame
    std::string error;
  };

  CallbackStream stream;
  aclvencCallback callback = nullptr;
  std::unique_ptr<av::Encoder> encoder;
  uint32_t width = 0, height = 0;
  acldvppPixelFormat format = PIXEL_FORMAT_YUV_SEMIPLANAR_420;
  void* buf_addr = nullptr;
  uint32_t buf_size = 0;

  int64_t add(Frame f) { return frames_.add(std::move(f)); }

  // Worker: encodes a copied NV12/NV21 picture.
  void encode(int64_t seq, const std::vector<uint8_t>& nv, bool nv21, bool idr) {
    std::string err;
    const uint8_t* y = nv.data();
    const uint8_t* uv = y + static_cast<size_t>(width) * height;
    if (!encoder->send(y, static_cast<int>(width), uv, static_cast<int>(width), nv21, idr, seq, err))
      finish(seq, {}, "encoder refused the picture: " + err);
    drain();
  }

  // Worker at EOS: everything buffered comes out; frames without a stream end with an error.
  void flush() {
    std::string err;
    encoder->send(nullptr, 0, nullptr, 0, false, false, 0, err);
    drain();
    for (int64_t seq : frames_.pending()) finish(seq, {}, "the encoder produced no stream for this picture");
  }

  // Report thread: the callbacks of the frames encoded so far, in order.
  void deliver() {
    for (Frame& f : frames_.take_ready()) {
      acldvppStreamDesc* out = acldvppCreateStreamDesc();
      void* mem = nullptr;
      uint32_t ret_code = 0;
      if (!f.error.empty()) {
        ret_code = 1;
        fail("aclvencCallback", ACL_ERROR_FAILURE, "%s", f.error.c_str());
      } else if (buf_addr) {  // the caller's output buffer
        if (f.stream.size() > buf_size) {
          ret_code = 1;
          fail("aclvencCallback", ACL_ERROR_FAILURE, "the %zu-byte frame does not fit the %u-byte output buffer",
               f.stream.size(), buf_size);
        } else {
          std::memcpy(buf_addr, f.stream.data(), f.stream.size());
          mem = buf_addr;
        }
      } else if (!f.stream.empty() && acldvppMalloc(&mem, f.stream.size()) == ACL_SUCCESS) {
        std::memcpy(mem, f.stream.data(), f.stream.size());
      } else {
        ret_code = 1;
      }
      if (out) {
        acldvppSetStreamDescData(out, mem);
        acldvppSetStreamDescSize(out, ret_code ? 0 : static_cast<uint32_t>(f.stream.size()));
        acldvppSetStreamDescFormat(out, en_type);
        acldvppSetStreamDescRetCode(out, ret_code);
      }
      callback(f.in, out, f.user);
      if (out) acldvppDestroyStreamDesc(out);
      if (mem && mem != buf_addr) acldvppFree(mem);
    }
  }

  acldvppStreamFormat en_type = H264_MAIN_LEVEL;

 private:
  void drain() {
    std::vector<uint8_t> pkt;
    bool key = false;
    int64_t pts = 0;
    std::string err;
    for (;;) {
      int rc = encoder->receive(pkt, key, pts, err);
      if (rc == 0) break;
      if (rc < 0) break;  // frames left without a stream get their error at EOS
      finish(pts, std::move(pkt), "");
    }
  }

  void finish(int64_t seq, std::vector<uint8_t> data, const std::string& err) {
    frames_.finish(seq, [&data, &err](Frame& f) {
      f.stream = std::move(data);
      f.error = err;
    });
  }

  FrameBook<Frame> frames_;
};

}  // namespace acl_dvpp

using namespace acl_dvpp;

#define VE_SET(fn, type, field) ACL_DVPP_DESC_SET(fn, aclvencChannelDesc, channelDesc, type, field)
#define VE_GET(fn, type, field) ACL_DVPP_DESC_GET(fn, aclvencChannelDesc, channelDesc, type, field)
#define VF_SET(fn, field) ACL_DVPP_DESC_SET(fn, aclvencFrameConfig, config, uint8_t, field)
#define VF_GET(fn, field) ACL_DVPP_DESC_GET(fn, aclvencFrameConfig, config, uint8_t, field)

namespace {

// Parameter keys of aclvencSet/GetChannelDescParam: the field and its size.
bool param_field(aclvencChannelDesc* d, aclvencChannelDescParamType t, void*& field, size_t& size) {
  switch (t) {
    case ACL_VENC_THREAD_ID_UINT64:
      field = &d->thread_id, size = sizeof d->thread_id;
      return true;
    case ACL_VENC_CALLBACK_PTR:
      field = &d->callback, size = sizeof d->callback;
      return true;
    case ACL_VENC_PIXEL_FORMAT_UINT32:
      field = &d->pic_format, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_ENCODE_TYPE_UINT32:
      field = &d->en_type, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_PIC_WIDTH_UINT32:
      field = &d->pic_width, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_PIC_HEIGHT_UINT32:
      field = &d->pic_height, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_KEY_FRAME_INTERVAL_UINT32:
      field = &d->key_frame_interval, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_BUF_ADDR_PTR:
      field = &d->buf_addr, size = sizeof d->buf_addr;
      return true;
    case ACL_VENC_BUF_SIZE_UINT32:
      field = &d->buf_size, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_RC_MODE_UINT32:
      field = &d->rc_mode, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_SRC_RATE_UINT32:
      field = &d->src_rate, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_MAX_BITRATE_UINT32:
      field = &d->max_bit_rate, size = sizeof(uint32_t);
      return true;
    case ACL_VENC_MAX_IP_PROP_UINT32:
      field = &d->max_ip_prop, size = sizeof(uint32_t);
      return true;
  }
  return false;
}

}  // namespace

extern "C" {

aclvencChannelDesc* aclvencCreateChannelDesc(void) {
  return create(__func__, std::shared_ptr<aclvencChannelDesc>(new (std::nothrow) aclvencChannelDesc()));
}

aclError aclvencDestroyChannelDesc(aclvencChannelDesc* channelDesc) {
  return destroy_channel_desc(__func__, channelDesc, "aclvencDestroyChannel");
}

VE_SET(aclvencSetChannelDescThreadId, uint64_t, thread_id)
VE_SET(aclvencSetChannelDescCallback, aclvencCallback, callback)
VE_SET(aclvencSetChannelDescEnType, acldvppStreamFormat, en_type)
VE_SET(aclvencSetChannelDescPicFormat, acldvppPixelFormat, pic_format)
VE_SET(aclvencSetChannelDescPicWidth, uint32_t, pic_width)
VE_SET(aclvencSetChannelDescPicHeight, uint32_t, pic_height)
VE_SET(aclvencSetChannelDescKeyFrameInterval, uint32_t, key_frame_interval)
VE_SET(aclvencSetChannelDescBufAddr, void*, buf_addr)
VE_SET(aclvencSetChannelDescBufSize, uint32_t, buf_size)
VE_SET(aclvencSetChannelDescRcMode, uint32_t, rc_mode)
VE_SET(aclvencSetChannelDescSrcRate, uint32_t, src_rate)
VE_SET(aclvencSetChannelDescMaxBitRate, uint32_t, max_bit_rate)
VE_GET(aclvencGetChannelDescBufAddr, void*, buf_addr)
VE_GET(aclvencGetChannelDescBufSize, uint32_t, buf_size)
VE_GET(aclvencGetChannelDescChannelId, uint32_t, channel_id)
VE_GET(aclvencGetChannelDescThreadId, uint64_t, thread_id)
VE_GET(aclvencGetChannelDescCallback, aclvencCallback, callback)
VE_GET(aclvencGetChannelDescEnType, acldvppStreamFormat, en_type)
VE_GET(aclvencGetChannelDescPicFormat, acldvppPixelFormat, pic_format)
VE_GET(aclvencGetChannelDescPicWidth, uint32_t, pic_width)
VE_GET(aclvencGetChannelDescPicHeight, uint32_t, pic_height)
VE_GET(aclvencGetChannelDescKeyFrameInterval, uint32_t, key_frame_interval)
VE_GET(aclvencGetChannelDescRcMode, uint32_t, rc_mode)
VE_GET(aclvencGetChannelDescSrcRate, uint32_t, src_rate)
VE_GET(aclvencGetChannelDescMaxBitRate, uint32_t, max_bit_rate)

aclError aclvencSetChannelDescParam(aclvencChannelDesc* channelDesc, aclvencChannelDescParamType paramType,
                                    size_t length, const void* param) {
  Access a(__func__);
  aclvencChannelDesc* d = a.get(channelDesc, "channelDesc");
  if (!d) return a.error();
  void* field = nullptr;
  size_t size = 0;
  if (!param_field(d, paramType, field, size))
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "unknown paramType %d", static_cast<int>(paramType));
  if (!param || length < size)
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "param must point to %zu bytes (length %zu)", size, length);
  std::memcpy(field, param, size);
  return ACL_SUCCESS;
}

aclError aclvencGetChannelDescParam(const aclvencChannelDesc* channelDesc, aclvencChannelDescParamType paramType,
                                    size_t length, size_t* paramRetSize, void* param) {
  Access a(__func__);
  aclvencChannelDesc* d = a.get(channelDesc, "channelDesc");
  if (!d) return a.error();
  void* field = nullptr;
  size_t size = 0;
  if (!param_field(d, paramType, field, size))
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "unknown paramType %d", static_cast<int>(paramType));
  if (!param || !paramRetSize || length < size)
    return fail(__func__, ACL_ERROR_INVALID_PARAM, "param and paramRetSize must hold %zu bytes (length %zu)", size,
                length);
  std::memcpy(param, field, size);
  *paramRetSize = size;
  return ACL_SUCCESS;
}

aclvencFrameConfig* aclvencCreateFrameConfig(void) {
  return create(__func__, std::shared_ptr<aclvencFrameConfig>(new (std::nothrow) aclvencFrameConfig()));
}

aclError aclvencDestroyFrameConfig(aclvencFrameConfig* config) { return destroy(__func__, config, "config"); }

VF_SET(aclvencSetFrameConfigForceIFrame, force_i_frame)
VF_SET(aclvencSetFrameConfigEos, eos)
VF_GET(aclvencGetFrameConfigForceIFrame, force_i_frame)
VF_GET(aclvencGetFrameConfigEos, eos)

aclError aclvencCreateChannel(aclvencChannelDesc* channelDesc) {
  const char* api = __func__;
  aclvencChannelDesc snap;
  {
    Access a(api);
    aclvencChannelDesc* d = a.get(channelDesc, "channelDesc");
    if (!d) return a.error();
    if (d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is already created");
    snap = *d;
  }
  if (!snap.callback) return fail(api, ACL_ERROR_INVALID_PARAM, "no callback set (aclvencSetChannelDescCallback)");
  if (!snap.thread_id)
    return fail(api, ACL_ERROR_INVALID_PARAM, "no thread id set (aclvencSetChannelDescThreadId)");
  if (snap.pic_width < kMinSide || snap.pic_width > kMaxSide || snap.pic_height < kMinSide ||
      snap.pic_height > kMaxSide || snap.pic_width % 2 || snap.pic_height % 2)
    return fail(api, ACL_ERROR_INVALID_PARAM, "picture %ux%u: VENC takes even sizes from %ux%u to %ux%u",
                snap.pic_width, snap.pic_height, kMinSide, kMinSide, kMaxSide, kMaxSide);
  if (snap.pic_format != PIXEL_FORMAT_YUV_SEMIPLANAR_420 && snap.pic_format != PIXEL_FORMAT_YVU_SEMIPLANAR_420)
    return fail(api, ACL_ERROR_INVALID_PARAM, "picFormat %d: VENC takes YUV420SP NV12 (1) or NV21 (2)",
                static_cast<int>(snap.pic_format));
  const char* codec = nullptr;
  switch (snap.en_type) {
    case H265_MAIN_LEVEL:
      codec = "libx265";
      break;
    case H264_BASELINE_LEVEL:
    case H264_MAIN_LEVEL:
    case H264_HIGH_LEVEL:
      codec = "libx264";
      break;
    default:
      return fail(api, ACL_ERROR_INVALID_PARAM, "enType %d is not H265_MAIN_LEVEL (0) or H.264 (1-3)",
                  static_cast<int>(snap.en_type));
  }
  if (snap.buf_addr && !snap.buf_size)
    return fail(api, ACL_ERROR_INVALID_PARAM, "an output buffer address without its size (aclvencSetChannelDescBufSize)");
  auto chan = std::make_shared<VencChannel>();
  std::string why;
  chan->encoder = av::Encoder::open(codec, static_cast<int>(snap.pic_width), static_cast<int>(snap.pic_height),
                                    static_cast<int>(snap.key_frame_interval), static_cast<int>(snap.src_rate),
                                    static_cast<int>(snap.max_bit_rate), why);
  if (!chan->encoder)
    return fail(api, ACL_ERROR_FEATURE_UNSUPPORTED, "the host runtime's VENC has no encoder for enType %d: %s",
                static_cast<int>(snap.en_type), why.c_str());
  chan->callback = snap.callback;
  chan->width = snap.pic_width;
  chan->height = snap.pic_height;
  chan->format = snap.pic_format;
  chan->buf_addr = snap.buf_addr;
  chan->buf_size = snap.buf_size;
  chan->en_type = snap.en_type;
  if (aclError e = chan->stream.open(snap.thread_id)) return e;
  return attach_channel(api, channelDesc, chan, [](aclvencChannelDesc& d) {
    static std::mutex id_mutex;
    static uint32_t next_id = 0;
    std::lock_guard<std::mutex> lock(id_mutex);
    d.channel_id = next_id++;
  });
}

aclError aclvencDestroyChannel(aclvencChannelDesc* channelDesc) {
  return destroy_channel(__func__, channelDesc, "aclvencCreateChannel");
}

aclError aclvencSendFrame(aclvencChannelDesc* channelDesc, acldvppPicDesc* input, void* reserve,
                          aclvencFrameConfig* config, void* userdata) {
  (void)reserve;
  const char* api = __func__;
  std::shared_ptr<VencChannel> chan;
  bool eos = false, idr = false, nv21 = false;
  std::vector<uint8_t> nv;
  {
    Access a(api);
    aclvencChannelDesc* d = a.get(channelDesc, "channelDesc");
    aclvencFrameConfig* c = nullptr;
    if (!a.optional(config, "config", c)) return a.error();
    if (!d) return a.error();
    if (!d->chan) return fail(api, ACL_ERROR_INVALID_PARAM, "the channel is not created (aclvencCreateChannel)");
    chan = d->chan;
    eos = c && c->eos;
    idr = c && c->force_i_frame;
    if (!input) {
      if (!eos) return fail(api, ACL_ERROR_INVALID_PARAM, "input must not be NULL (except with the EOS flag)");
    } else {
      acldvppPicDesc* given = a.get(input, "input");
      if (!given) return a.error();
      // Huawei's vdecandvenc sample describes its input with data and size only: a picture whose
      // format, size and strides were never set (as acldvppCreatePicDesc made them) is the channel's
      // picture (aclvencSetChannelDescPicFormat/Width/Height) with 16/2-aligned strides.
      acldvppPicDesc channel_pic = *given;
      if (given->format == PIXEL_FORMAT_YUV_400 && given->width == 0 && given->height == 0 &&
          given->width_stride == 0 && given->height_stride == 0) {
        channel_pic.format = chan->format;
        channel_pic.width = chan->width;
        channel_pic.height = chan->height;
        channel_pic.width_stride = (chan->width + 15) / 16 * 16;
        channel_pic.height_stride = (chan->height + 1) / 2 * 2;
      }
      const acldvppPicDesc* p = &channel_pic;
      if (p->format != PIXEL_FORMAT_YUV_SEMIPLANAR_420 && p->format != PIXEL_FORMAT_YVU_SEMIPLANAR_420)
        return fail(api, ACL_ERROR_INVALID_PARAM, "input format %d: VENC takes YUV420SP NV12 (1) or NV21 (2)",
                    static_cast<int>(p->format));
      if (p->width != chan->width || p->height != chan->height)
        return fail(api, ACL_ERROR_INVALID_PARAM, "input %ux%u differs from the channel's %ux%u", p->width,
                    p->height, chan->width, chan->height);
      if (p->width_stride < p->width || p->width_stride % 16)
        return fail(api, ACL_ERROR_INVALID_PARAM,
                    "input width stride %u for width %u: the width stride must be >= width and 16-aligned",
                    p->width_stride, p->width);
      const uint64_t need = static_cast<uint64_t>(p->width_stride) * p->height * 3 / 2;
      if (!p->data || p->size < need)
        return fail(api, ACL_ERROR_INVALID_PARAM,
                    "input buffer %p of %u bytes: the picture needs %llu (width stride * height * 3/2)", p->data,
                    p->size, static_cast<unsigned long long>(need));
      if (aclError e = check_range(api, p->data, p->size, "input picture data")) return e;
      if (aclError e = check_dvpp_memory(api, p->data, p->size, "input picture data")) return e;
      // Copy now: the caller may free the picture once this returns.
      nv21 = p->format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
      const size_t w = p->width, h = p->height, ws = p->width_stride;
      nv.resize(w * h * 3 / 2);
      const uint8_t* y = static_cast<const uint8_t*>(p->data);
      const uint8_t* uv = y + ws * h;
      for (size_t r = 0; r < h; ++r) std::memcpy(nv.data() + r * w, y + r * ws, w);
      for (size_t r = 0; r < h / 2; ++r) std::memcpy(nv.data() + w * h + r * w, uv + r * ws, w);
    }
  }
  if (input) {
    VencChannel::Frame f;
    f.in = input;
    f.user = userdata;
    const int64_t seq = chan->add(std::move(f));
    VencChannel* cp = chan.get();
    auto pic = std::make_shared<std::vector<uint8_t>>(std::move(nv));
    aclError e = queue_frame(api, *chan, [cp, seq, pic, nv21, idr](std::string&) {
      cp->encode(seq, *pic, nv21, idr);
      return ACL_SUCCESS;
    });
    if (e != ACL_SUCCESS) return e;
  }
  if (eos) return finish_stream(api, *chan);
  return ACL_SUCCESS;
}

}  // extern "C"
