// libavcodec loaded at run time (see avcodec.h). The functions are FFmpeg's public C API; the
// struct fields read or written are the stable leading members of AVFrame and AVPacket, at the
// offsets FFmpeg's frame.h/packet.h give them for the supported major versions (AVFrame gained
// no member before pts since avutil 57, and its deprecated key_frame went away at avutil 60);
// codec contexts are configured only through AVOptions, never by offset.
#include "avcodec.h"

#include <dlfcn.h>
#include <glob.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common.h"

namespace acl_dvpp {
namespace av {
namespace {

constexpr int kEagain = -11;                               // AVERROR(EAGAIN) on Linux
constexpr int kEof = -static_cast<int>(('E') | ('O' << 8) | ('F' << 16) | (' ' << 24));  // AVERROR_EOF
constexpr int64_t kNoPts = INT64_MIN;                      // AV_NOPTS_VALUE
constexpr int kPixYuv420p = 0, kPixYuvj420p = 12;          // AVPixelFormat (stable values)
constexpr int kPictureTypeI = 1;                           // AV_PICTURE_TYPE_I
constexpr int kPacketFlagKey = 1;                          // AV_PKT_FLAG_KEY

// AVFrame: uint8_t* data[8]; int linesize[8]; uint8_t** extended_data; int width, height,
// nb_samples, format; [int key_frame (avutil < 60)]; int pict_type; AVRational sar; int64_t pts.
constexpr size_t kFrameData = 0, kFrameLinesize = 64, kFrameWidth = 104, kFrameHeight = 108, kFrameFormat = 116,
                 kFramePts = 136;
// AVPacket: AVBufferRef* buf; int64_t pts, dts; uint8_t* data; int size, stream_index, flags.
constexpr size_t kPktPts = 8, kPktData = 24, kPktSize = 32, kPktFlags = 40;

template <typename T>
T& field(void* obj, size_t off) {
  return *reinterpret_cast<T*>(static_cast<char*>(obj) + off);
}

struct Lib {
  unsigned (*avcodec_version)() = nullptr;
  unsigned (*avutil_version)() = nullptr;
  const void* (*find_decoder_by_name)(const char*) = nullptr;
  const void* (*find_encoder_by_name)(const char*) = nullptr;
  void* (*alloc_context3)(const void*) = nullptr;
  void (*free_context)(void**) = nullptr;
  int (*open2)(void*, const void*, void**) = nullptr;
  int (*send_packet)(void*, const void*) = nullptr;
  int (*receive_frame)(void*, void*) = nullptr;
  int (*send_frame)(void*, const void*) = nullptr;
  int (*receive_packet)(void*, void*) = nullptr;
  void (*flush_buffers)(void*) = nullptr;
  void* (*packet_alloc)() = nullptr;
  void (*packet_free)(void**) = nullptr;
  int (*new_packet)(void*, int) = nullptr;
  void (*packet_unref)(void*) = nullptr;
  void* (*frame_alloc)() = nullptr;
  void (*frame_free)(void**) = nullptr;
  void (*frame_unref)(void*) = nullptr;
  int (*frame_get_buffer)(void*, int) = nullptr;
  int (*frame_make_writable)(void*) = nullptr;
  int (*opt_set)(void*, const char*, const char*, int) = nullptr;
  int (*strerror)(int, char*, size_t) = nullptr;
  void (*log_set_level)(int) = nullptr;
  size_t pict_type_offset = 0;
  std::string path, error;
  bool ok = false;
};

void* open_first(const std::string& pattern, std::string& path) {
  glob_t g;
  void* h = nullptr;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc && !h; ++i)
      if ((h = dlopen(g.gl_pathv[i], RTLD_NOW | RTLD_LOCAL))) path = g.gl_pathv[i];
  globfree(&g);
  return h;
}

template <typename F>
bool sym(void* h, const char* name, F& out, std::string& missing) {
  out = reinterpret_cast<F>(dlsym(h, name));
  if (!out) missing += std::string(missing.empty() ? "" : ", ") + name;
  return out != nullptr;
}

const Lib& lib() {
  static Lib l;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = nullptr;
    if (const char* env = std::getenv("ACL_DVPP_LIBAVCODEC"))
      if ((h = dlopen(env, RTLD_NOW | RTLD_LOCAL))) l.path = env;
    Dl_info self{};
    if (!h && dladdr(reinterpret_cast<void*>(&available), &self) && self.dli_fname) {
      // runtime/lib64/libacl_dvpp.so -> site-packages/av.libs (PyAV's wheel, a dependency)
      std::string dir(self.dli_fname);
      dir = dir.substr(0, dir.rfind('/'));
      h = open_first(dir + "/../../../av.libs/libavcodec-*.so*", l.path);
    }
    for (const char* name : {"libavcodec.so.62", "libavcodec.so.61", "libavcodec.so.60", "libavcodec.so.59"})
      if (!h && (h = dlopen(name, RTLD_NOW | RTLD_LOCAL))) l.path = name;
    if (!h) {
      l.error = "no libavcodec found (PyAV's av.libs beside the acl_async package, libavcodec.so.59-62, "
                "or ACL_DVPP_LIBAVCODEC): `pip install av`";
      return;
    }
    std::string missing;
    sym(h, "avcodec_version", l.avcodec_version, missing);
    sym(h, "avutil_version", l.avutil_version, missing);
    sym(h, "avcodec_find_decoder_by_name", l.find_decoder_by_name, missing);
    sym(h, "avcodec_find_encoder_by_name", l.find_encoder_by_name, missing);
    sym(h, "avcodec_alloc_context3", l.alloc_context3, missing);
    sym(h, "avcodec_free_context", l.free_context, missing);
    sym(h, "avcodec_open2", l.open2, missing);
    sym(h, "avcodec_send_packet", l.send_packet, missing);
    sym(h, "avcodec_receive_frame", l.receive_frame, missing);
    sym(h, "avcodec_send_frame", l.send_frame, missing);
    sym(h, "avcodec_receive_packet", l.receive_packet, missing);
    sym(h, "avcodec_flush_buffers", l.flush_buffers, missing);
    sym(h, "av_packet_alloc", l.packet_alloc, missing);
    sym(h, "av_packet_free", l.packet_free, missing);
    sym(h, "av_new_packet", l.new_packet, missing);
    sym(h, "av_packet_unref", l.packet_unref, missing);
    sym(h, "av_frame_alloc", l.frame_alloc, missing);
    sym(h, "av_frame_free", l.frame_free, missing);
    sym(h, "av_frame_unref", l.frame_unref, missing);
    sym(h, "av_frame_get_buffer", l.frame_get_buffer, missing);
    sym(h, "av_frame_make_writable", l.frame_make_writable, missing);
    sym(h, "av_opt_set", l.opt_set, missing);
    sym(h, "av_strerror", l.strerror, missing);
    sym(h, "av_log_set_level", l.log_set_level, missing);
    if (!missing.empty()) {
      l.error = l.path + " lacks " + missing;
      return;
    }
    const unsigned codec_major = l.avcodec_version() >> 16, util_major = l.avutil_version() >> 16;
    if (codec_major < 59 || codec_major > 62 || util_major < 57 || util_major > 60) {
      l.error = format("%s is libavcodec %u / libavutil %u; supported: libavcodec 59-62 with libavutil 57-60",
                       l.path.c_str(), codec_major, util_major);
      return;
    }
    // FFmpeg's own log goes to stderr; errors reach the caller through the callbacks' ret codes and
    // aclGetRecentErrMsg instead (ACL_DVPP_FFMPEG_LOG=1 keeps FFmpeg's messages).
    const char* keep_log = std::getenv("ACL_DVPP_FFMPEG_LOG");
    if (!(keep_log && std::strcmp(keep_log, "1") == 0)) l.log_set_level(-8);  // AV_LOG_QUIET
    l.pict_type_offset = util_major < 60 ? 124 : 120;
    // Check the layout on a fresh frame: av_frame_alloc sets pts to AV_NOPTS_VALUE.
    void* f = l.frame_alloc();
    const bool layout_ok = f && field<int64_t>(f, kFramePts) == kNoPts && field<int>(f, kFrameFormat) == -1;
    l.frame_free(&f);
    if (!layout_ok) {
      l.error = l.path + ": AVFrame layout differs from the one libacl_dvpp was written for";
      return;
    }
    l.ok = true;
  });
  return l;
}

std::string av_error(int code) {
  char buf[128] = {0};
  if (lib().strerror(code, buf, sizeof buf) < 0) return format("FFmpeg error %d", code);
  return buf;
}

}  // namespace

bool available(std::string& error) {
  error = lib().error;
  return lib().ok;
}

std::string describe() {
  const Lib& l = lib();
  if (!l.ok) return "";
  unsigned v = l.avcodec_version();
  return format("libavcodec %u.%u.%u (%s)", v >> 16, (v >> 8) & 0xff, v & 0xff, l.path.c_str());
}

Decoder::~Decoder() {
  const Lib& l = lib();
  if (pkt_) l.packet_free(&pkt_);
  if (frame_) l.frame_free(&frame_);
  if (ctx_) l.free_context(&ctx_);
}

std::unique_ptr<Decoder> Decoder::open(const char* codec, std::string& error) {
  if (!available(error)) return nullptr;
  const Lib& l = lib();
  const void* c = l.find_decoder_by_name(codec);
  if (!c) {
    error = format("%s has no %s decoder", l.path.c_str(), codec);
    return nullptr;
  }
  std::unique_ptr<Decoder> d(new Decoder());
  d->ctx_ = l.alloc_context3(c);
  d->frame_ = l.frame_alloc();
  d->pkt_ = l.packet_alloc();
  if (!d->ctx_ || !d->frame_ || !d->pkt_) {
    error = "out of memory";
    return nullptr;
  }
  // Slice threads keep one picture per call (frame threads would delay errors and pictures);
  // explode: a damaged access unit is an error, not a concealed picture.
  l.opt_set(d->ctx_, "threads", "auto", 0);
  l.opt_set(d->ctx_, "thread_type", "slice", 0);
  l.opt_set(d->ctx_, "err_detect", "crccheck+bitstream+buffer+explode", 0);
  if (int rc = l.open2(d->ctx_, c, nullptr); rc < 0) {
    error = format("cannot open the %s decoder: %s", codec, av_error(rc).c_str());
    return nullptr;
  }
  return d;
}

bool Decoder::send(const uint8_t* data, size_t size, int64_t pts, std::string& error) {
  const Lib& l = lib();
  int rc;
  if (size == 0) {
    rc = l.send_packet(ctx_, nullptr);
  } else {
    if (size > 0x7fffffff || l.new_packet(pkt_, static_cast<int>(size)) < 0) {
      error = "out of memory";
      return false;
    }
    std::memcpy(field<uint8_t*>(pkt_, kPktData), data, size);
    field<int64_t>(pkt_, kPktPts) = pts;
    rc = l.send_packet(ctx_, pkt_);
    l.packet_unref(pkt_);
  }
  if (rc < 0 && rc != kEof) {
    error = av_error(rc);
    return false;
  }
  return true;
}

int Decoder::receive(Picture& pic, std::string& error) {
  const Lib& l = lib();
  l.frame_unref(frame_);
  int rc = l.receive_frame(ctx_, frame_);
  if (rc == kEagain || rc == kEof) return 0;
  if (rc < 0) {
    error = av_error(rc);
    return -1;
  }
  const int fmt = field<int>(frame_, kFrameFormat);
  pic.pts = field<int64_t>(frame_, kFramePts);
  if (fmt != kPixYuv420p && fmt != kPixYuvj420p) {
    error = format("the stream decodes to FFmpeg pixel format %d, not 8-bit 4:2:0", fmt);
    return -1;
  }
  for (int i = 0; i < 3; ++i) {
    pic.plane[i] = field<uint8_t*>(frame_, kFrameData + i * sizeof(void*));
    pic.stride[i] = field<int>(frame_, kFrameLinesize + i * sizeof(int));
  }
  pic.width = field<int>(frame_, kFrameWidth);
  pic.height = field<int>(frame_, kFrameHeight);
  return 1;
}

void Decoder::reset() { lib().flush_buffers(ctx_); }

Encoder::~Encoder() {
  const Lib& l = lib();
  if (pkt_) l.packet_free(&pkt_);
  if (frame_) l.frame_free(&frame_);
  if (ctx_) l.free_context(&ctx_);
}

std::unique_ptr<Encoder> Encoder::open(const char* codec, int width, int height, int gop, int fps,
                                       int bit_rate_kbps, std::string& error) {
  if (!available(error)) return nullptr;
  const Lib& l = lib();
  const void* c = l.find_encoder_by_name(codec);
  if (!c) {
    error = format("%s has no %s encoder", l.path.c_str(), codec);
    return nullptr;
  }
  std::unique_ptr<Encoder> e(new Encoder());
  e->ctx_ = l.alloc_context3(c);
  e->frame_ = l.frame_alloc();
  e->pkt_ = l.packet_alloc();
  if (!e->ctx_ || !e->frame_ || !e->pkt_) {
    error = "out of memory";
    return nullptr;
  }
  e->width_ = width;
  e->height_ = height;
  l.opt_set(e->ctx_, "video_size", format("%dx%d", width, height).c_str(), 0);
  l.opt_set(e->ctx_, "pixel_format", "yuv420p", 0);
  l.opt_set(e->ctx_, "time_base", format("1/%d", fps > 0 ? fps : 30).c_str(), 0);
  l.opt_set(e->ctx_, "g", format("%d", gop > 0 ? gop : 30).c_str(), 0);
  l.opt_set(e->ctx_, "bf", "0", 0);  // VENC emits every frame's stream in input order
  if (bit_rate_kbps > 0) l.opt_set(e->ctx_, "b", format("%d", bit_rate_kbps * 1000).c_str(), 0);
  constexpr int kSearchChildren = 1;  // AV_OPT_SEARCH_CHILDREN: the encoder's private options
  l.opt_set(e->ctx_, "preset", "veryfast", kSearchChildren);
  l.opt_set(e->ctx_, "tune", "zerolatency", kSearchChildren);
  if (int rc = l.open2(e->ctx_, c, nullptr); rc < 0) {
    error = format("cannot open the %s encoder: %s", codec, av_error(rc).c_str());
    return nullptr;
  }
  return e;
}

bool Encoder::send(const uint8_t* y, int y_stride, const uint8_t* uv, int uv_stride, bool nv21, bool force_idr,
                   int64_t pts, std::string& error) {
  const Lib& l = lib();
  int rc;
  if (!y) {
    rc = l.send_frame(ctx_, nullptr);
  } else {
    l.frame_unref(frame_);
    field<int>(frame_, kFrameWidth) = width_;
    field<int>(frame_, kFrameHeight) = height_;
    field<int>(frame_, kFrameFormat) = kPixYuv420p;
    if ((rc = l.frame_get_buffer(frame_, 0)) < 0) {
      error = av_error(rc);
      return false;
    }
    uint8_t* dst[3];
    int ds[3];
    for (int i = 0; i < 3; ++i) {
      dst[i] = field<uint8_t*>(frame_, kFrameData + i * sizeof(void*));
      ds[i] = field<int>(frame_, kFrameLinesize + i * sizeof(int));
    }
    for (int r = 0; r < height_; ++r) std::memcpy(dst[0] + r * ds[0], y + static_cast<size_t>(r) * y_stride, width_);
    const int ui = nv21 ? 1 : 0;  // where U sits in each interleaved chroma pair
    const int cw = (width_ + 1) / 2, ch = (height_ + 1) / 2;
    for (int r = 0; r < ch; ++r) {
      const uint8_t* s = uv + static_cast<size_t>(r) * uv_stride;
      uint8_t* u = dst[1] + r * ds[1];
      uint8_t* v = dst[2] + r * ds[2];
      for (int c = 0; c < cw; ++c) {
        u[c] = s[2 * c + ui];
        v[c] = s[2 * c + 1 - ui];
      }
    }
    field<int64_t>(frame_, kFramePts) = pts;
    field<int>(frame_, l.pict_type_offset) = force_idr ? kPictureTypeI : 0;
    rc = l.send_frame(ctx_, frame_);
  }
  if (rc < 0 && rc != kEof) {
    error = av_error(rc);
    return false;
  }
  return true;
}

int Encoder::receive(std::vector<uint8_t>& out, bool& key, int64_t& pts, std::string& error) {
  const Lib& l = lib();
  int rc = l.receive_packet(ctx_, pkt_);
  if (rc == kEagain || rc == kEof) return 0;
  if (rc < 0) {
    error = av_error(rc);
    return -1;
  }
  const uint8_t* d = field<uint8_t*>(pkt_, kPktData);
  out.assign(d, d + field<int>(pkt_, kPktSize));
  key = (field<int>(pkt_, kPktFlags) & kPacketFlagKey) != 0;
  pts = field<int64_t>(pkt_, kPktPts);
  l.packet_unref(pkt_);
  return 1;
}

}  // namespace av
}  // namespace acl_dvpp
