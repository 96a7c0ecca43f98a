// FFmpeg's libavcodec (H.264/H.265 decode, libx264/libx265 encode) for VDEC and VENC, loaded
// with dlopen at first use so libacl_dvpp has no link dependency on it (README "DVPP video").
// Only the functions below are looked up, by name; the few struct fields used are read at
// offsets checked against the loaded library's major versions (avcodec 59-62, avutil 57-60).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace acl_dvpp {
namespace av {

// True when a usable libavcodec was found; else error says why (searched places, version).
bool available(std::string& error);
// "libavcodec 62.28.102 (<path>)" of the loaded library, or "" when none.
std::string describe();

// A decoded picture in planar 4:2:0 (I420), owned by the decoder until the next call.
struct Picture {
  const uint8_t* plane[3] = {nullptr, nullptr, nullptr};
  int stride[3] = {0, 0, 0};
  int width = 0, height = 0;
  int64_t pts = 0;
};

class Decoder {
 public:
  ~Decoder();
  // codec: "h264" or "hevc". nullptr + error when the library or codec is missing.
  static std::unique_ptr<Decoder> open(const char* codec, std::string& error);
  // Feeds one access unit tagged with pts (size 0: drain at end of stream). false + error when
  // the decoder rejects it (corrupt data, another codec's stream).
  bool send(const uint8_t* data, size_t size, int64_t pts, std::string& error);
  // The next ready picture: 1 (pic filled), 0 (needs more input / drained), -1 (error set;
  // the picture with `pts` is lost, pts is -1 when unknown).
  int receive(Picture& pic, std::string& error);
  // Drops everything buffered (after a drain, for the next stream).
  void reset();

 private:
  Decoder() = default;
  void* ctx_ = nullptr;
  void* frame_ = nullptr;
  void* pkt_ = nullptr;
};

class Encoder {
 public:
  ~Encoder();
  // codec: "libx264" or "libx265"; gop: key frame interval; bit_rate in kbit/s (0: default
  // quality). nullptr + error when the library or the encoder is missing.
  static std::unique_ptr<Encoder> open(const char* codec, int width, int height, int gop, int fps,
                                       int bit_rate_kbps, std::string& error);
  // Encodes one NV12/NV21 picture (nv21: V first); nullptr y: drain at end of stream.
  bool send(const uint8_t* y, int y_stride, const uint8_t* uv, int uv_stride, bool nv21, bool force_idr,
            int64_t pts, std::string& error);
  // The next packet: 1 (out filled, Annex B, with its picture's pts), 0 (needs more input /
  // drained), -1 (error).
  int receive(std::vector<uint8_t>& out, bool& key, int64_t& pts, std::string& error);

 private:
  Encoder() = default;
  void* ctx_ = nullptr;
  void* frame_ = nullptr;
  void* pkt_ = nullptr;
  int width_ = 0, height_ = 0;
  std::vector<uint8_t> u_, v_;
};

}  // namespace av
}  // namespace acl_dvpp
