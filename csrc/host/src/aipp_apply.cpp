// AIPP run by the host in front of the network (detail/aipp_host.h). Order of the steps, per picture:
// decode the input format to one or three 8-bit channels (YUV420SP: chroma repeated over each 2x2
// block; XRGB8888: the alpha byte dropped, first with ax_swap), R/B or U/V swap, crop, scf (bilinear,
// half-pixel centres, 11-bit integer weights, rounded to 8 bits), padding (pad_value), CSC (integer,
// `>> 8` = floor division by 256, clamped to 0..255), DTC `(x - mean - min) * var_reci` in float32
// as one fused multiply-add (the same rounding as the in-network static AIPP's OpenVINO kernels).
// Everything before DTC is integer arithmetic: tests/aipp_host_reference.py reproduces it exactly.
// Without scf and padding (static AIPP's usual case) aipp_fast.cpp runs the same steps in one pass.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <utility>

#include "acl/acl.h"
#include "detail/aipp_fast.h"
#include "detail/aipp_host.h"

namespace acl_host {
namespace aipp {
namespace {

struct Meta {
  const std::map<std::string, std::string>& meta;
  std::string prefix;
  std::string str(const char* key) const {
    auto it = meta.find(prefix + key);
    return it == meta.end() ? std::string() : it->second;
  }
  long num(const char* key, long dflt = 0) const {
    const std::string s = str(key);
    return s.empty() ? dflt : std::strtol(s.c_str(), nullptr, 10);
  }
  std::vector<double> list(const char* key) const {
    std::vector<double> out;
    std::istringstream in(str(key));
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::strtod(item.c_str(), nullptr));
    return out;
  }
};

// One picture in 8-bit channels, interleaved.
struct Image {
  int w = 0, h = 0, c = 0;
  std::vector<int32_t> px;
  int32_t& at(int y, int x, int ch) { return px[(static_cast<size_t>(y) * w + x) * c + ch]; }
  int32_t at(int y, int x, int ch) const { return px[(static_cast<size_t>(y) * w + x) * c + ch]; }
};

size_t picture_bytes(int32_t format, int32_t w, int32_t h) {
  const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
  switch (format) {
    case ACL_YUV420SP_U8:
      return n * 3 / 2;
    case ACL_XRGB8888_U8:
      return n * 4;
    case ACL_RGB888_U8:
      return n * 3;
    case ACL_YUV400_U8:
      return n;
    default:
      return 0;
  }
}

Image decode(const Header& h, const uint8_t* p) {
  Image im;
  im.w = h.src_w;
  im.h = h.src_h;
  im.c = h.format == ACL_YUV400_U8 ? 1 : 3;
  im.px.resize(static_cast<size_t>(im.w) * im.h * im.c);
  for (int y = 0; y < im.h; ++y)
    for (int x = 0; x < im.w; ++x) {
      const size_t i = static_cast<size_t>(y) * im.w + x;
      switch (h.format) {
        case ACL_YUV420SP_U8: {
          const uint8_t* uv = p + static_cast<size_t>(im.w) * im.h + static_cast<size_t>(y / 2) * im.w + (x / 2) * 2;
          im.at(y, x, 0) = p[i];
          im.at(y, x, 1) = uv[0];
          im.at(y, x, 2) = uv[1];
          break;
        }
        case ACL_XRGB8888_U8:
          for (int c = 0; c < 3; ++c) im.at(y, x, c) = p[i * 4 + (h.ax_swap ? 0 : 1) + c];
          break;
        case ACL_RGB888_U8:
          for (int c = 0; c < 3; ++c) im.at(y, x, c) = p[i * 3 + c];
          break;
        default:
          im.at(y, x, 0) = p[i];
      }
    }
  return im;
}

Image crop(const Image& in, int x0, int y0, int w, int h) {
  Image o{w, h, in.c, std::vector<int32_t>(static_cast<size_t>(w) * h * in.c)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < in.c; ++c) o.at(y, x, c) = in.at(y0 + y, x0 + x, c);
  return o;
}

// Source index and 11-bit weight of output coordinate `o` (half-pixel centres, clamped at 0).
void coord(int o, int in, int out, int& i0, int& i1, int64_t& f) {
  int64_t num = static_cast<int64_t>(2 * o + 1) * in - out;
  if (num < 0) num = 0;
  const int64_t den = 2 * static_cast<int64_t>(out);
  i0 = static_cast<int>(num / den);
  f = (num - i0 * den) * 2048 / den;
  if (i0 >= in - 1) {
    i0 = in - 1;
    f = 0;
  }
  i1 = std::min(i0 + 1, in - 1);
}

Image resize(const Image& in, int w, int h) {
  Image o{w, h, in.c, std::vector<int32_t>(static_cast<size_t>(w) * h * in.c)};
  for (int y = 0; y < h; ++y) {
    int y0, y1;
    int64_t fy;
    coord(y, in.h, h, y0, y1, fy);
    for (int x = 0; x < w; ++x) {
      int x0, x1;
      int64_t fx;
      coord(x, in.w, w, x0, x1, fx);
      for (int c = 0; c < in.c; ++c) {
        const int64_t v = in.at(y0, x0, c) * (2048 - fx) * (2048 - fy) + in.at(y0, x1, c) * fx * (2048 - fy) +
                          in.at(y1, x0, c) * (2048 - fx) * fy + in.at(y1, x1, c) * fx * fy;
        o.at(y, x, c) = static_cast<int32_t>((v + (int64_t{1} << 21)) >> 22);
      }
    }
  }
  return o;
}

Image pad(const Image& in, const BatchParams& b, int value) {
  const int w = in.w + b.pad_left + b.pad_right, h = in.h + b.pad_top + b.pad_bottom;
  Image o{w, h, in.c, std::vector<int32_t>(static_cast<size_t>(w) * h * in.c, value)};
  for (int y = 0; y < in.h; ++y)
    for (int x = 0; x < in.w; ++x)
      for (int c = 0; c < in.c; ++c) o.at(y + b.pad_top, x + b.pad_left, c) = in.at(y, x, c);
  return o;
}

int32_t floor_div256(int64_t v) { return static_cast<int32_t>(v >= 0 ? v / 256 : -((-v + 255) / 256)); }

void csc(Image& im, const Header& h) {
  const bool yuv = h.format == ACL_YUV420SP_U8 || h.format == ACL_YUV400_U8;
  for (size_t i = 0; i < im.px.size(); i += 3) {
    int64_t in[3];
    for (int c = 0; c < 3; ++c) in[c] = im.px[i + c] - (yuv ? h.in_bias[c] : 0);
    for (int r = 0; r < 3; ++r) {
      int64_t acc = 0;
      for (int c = 0; c < 3; ++c) acc += static_cast<int64_t>(h.matrix[r * 3 + c]) * in[c];
      int32_t v = floor_div256(acc) + (yuv ? 0 : h.out_bias[r]);
      im.px[i + r] = std::min(255, std::max(0, v));
    }
  }
}

}  // namespace

void serialize(const Params& p, void* out) {
  Header h = p.h;
  h.batch = static_cast<uint32_t>(p.batches.size());
  std::memcpy(out, &h, sizeof h);
  if (!p.batches.empty())
    std::memcpy(static_cast<uint8_t*>(out) + sizeof h, p.batches.data(), p.batches.size() * sizeof(BatchParams));
}

bool deserialize(const void* data, size_t size, uint64_t batch, Params& p, std::string& msg) {
  if (!data || size < data_size(batch)) {
    msg = "the " ACL_DYNAMIC_AIPP_NAME " buffer is smaller than aclmdlGetAippDataSize's size";
    return false;
  }
  std::memcpy(&p.h, data, sizeof p.h);
  if (p.h.magic != Header().magic || p.h.batch != batch) {
    msg = "no dynamic AIPP parameters were set in the " ACL_DYNAMIC_AIPP_NAME
          " buffer (aclmdlSetInputAIPP before aclmdlExecute)";
    return false;
  }
  p.batches.resize(batch);
  std::memcpy(p.batches.data(), static_cast<const uint8_t*>(data) + sizeof p.h, batch * sizeof(BatchParams));
  return true;
}

namespace {

bool within(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

// CANN's documented ranges (aclmdlSetAIPP*); the setters enforce them, a buffer written otherwise may not.
std::string ranges(const Params& p) {
  const Header& h = p.h;
  if (!within(h.src_w, 0, 4096) || !within(h.src_h, 0, 4096)) return "the source image size is out of range";
  if (!within(h.csc, 0, 1) || !within(h.rbuv_swap, 0, 1) || !within(h.ax_swap, 0, 1)) return "a switch is not 0 or 1";
  for (size_t i = 0; i < p.batches.size(); ++i) {
    const BatchParams& b = p.batches[i];
    const std::string at = "batch " + std::to_string(i) + ": ";
    if (!within(b.crop, 0, 1) || !within(b.scf, 0, 1) || !within(b.padding, 0, 1)) return at + "a switch is not 0 or 1";
    if (b.crop && !(within(b.crop_x, 0, 4095) && within(b.crop_y, 0, 4095) && within(b.crop_w, 1, 4096) &&
                    within(b.crop_h, 1, 4096)))
      return at + "the crop parameters are out of range";
    if (b.scf && !(within(b.scf_in_w, 16, 4096) && within(b.scf_in_h, 16, 4096) && within(b.scf_out_w, 16, 1920) &&
                   within(b.scf_out_h, 16, 4096)))
      return at + "the scf parameters are out of range";
    if (b.padding && !(within(b.pad_top, 0, 32) && within(b.pad_bottom, 0, 32) && within(b.pad_left, 0, 32) &&
                       within(b.pad_right, 0, 32)))
      return at + "the padding sizes are out of range";
  }
  return "";
}

}  // namespace

std::string check(const Params& p) {
  const Header& h = p.h;
  const std::string bad = ranges(p);
  if (!bad.empty()) return bad;
  if (picture_bytes(h.format, 1, 1) == 0)
    return "the input format is not set (aclmdlSetAIPPInputFormat: YUV420SP_U8, XRGB8888_U8, RGB888_U8 or "
           "YUV400_U8)";
  if (h.src_w <= 0 || h.src_h <= 0) return "the source image size is not set (aclmdlSetAIPPSrcImageSize)";
  if (h.format == ACL_YUV420SP_U8 && (h.src_w % 2 || h.src_h % 2))
    return "srcImageSizeW and srcImageSizeH must be even for YUV420SP_U8";
  if (h.format == ACL_YUV400_U8 && h.csc) return "CSC is not available with YUV400_U8";
  for (size_t i = 0; i < p.batches.size(); ++i) {
    const BatchParams& b = p.batches[i];
    std::ostringstream s;
    if (b.crop && (b.crop_x + b.crop_w > h.src_w || b.crop_y + b.crop_h > h.src_h)) {
      s << "batch " << i << ": the crop area (" << b.crop_x << "," << b.crop_y << ") " << b.crop_w << "x"
        << b.crop_h << " exceeds the " << h.src_w << "x" << h.src_h << " source image";
      return s.str();
    }
    if (b.crop && h.format == ACL_YUV420SP_U8 && (b.crop_x % 2 || b.crop_y % 2)) {
      s << "batch " << i << ": cropStartPosW and cropStartPosH must be even for YUV420SP_U8";
      return s.str();
    }
    const int in_w = b.crop ? b.crop_w : h.src_w, in_h = b.crop ? b.crop_h : h.src_h;
    if (b.scf && (b.scf_in_w != in_w || b.scf_in_h != in_h)) {
      s << "batch " << i << ": scfInputSize " << b.scf_in_w << "x" << b.scf_in_h << " is not the "
        << (b.crop ? "crop" : "source image") << " size " << in_w << "x" << in_h;
      return s.str();
    }
  }
  return "";
}

bool prepare(const std::map<std::string, std::string>& meta, ModelInfo& info, HostAipp& out, std::string& err) {
  for (size_t k = 0; k < info.inputs.size(); ++k) {
    Meta a{meta, "aipp" + std::to_string(k) + "."};
    const std::string mode = a.str("mode");
    if (mode != "host" && mode != "dynamic") continue;
    const PortInfo net = info.inputs[k];
    if (net.dynamic || net.dims.size() != 4 || net.type != ov::element::f32) {
      err = "AIPP input " + std::to_string(k) + " must be a static 4-D float32 network input";
      return false;
    }
    HostInput h;
    h.index = k;
    h.dynamic = mode == "dynamic";
    h.nchw = a.str("layout") != "NHWC";
    h.net = net;
    const int64_t n = net.dims[0];
    PortInfo pic;
    pic.name = net.name;
    pic.dtype = ACL_UINT8;
    pic.type = ov::element::u8;
    if (h.dynamic) {
      h.max_src = static_cast<size_t>(a.num("max_src_image_size"));
      if (h.max_src == 0) {
        err = "AIPP input " + std::to_string(k) + ": max_src_image_size is 0";
        return false;
      }
      pic.format = ACL_FORMAT_ND;
      pic.dims = {n, static_cast<int64_t>(h.max_src)};
    } else {
      Params& p = h.fixed;
      p.h.format = static_cast<int32_t>(a.num("format_code"));
      p.h.src_w = static_cast<int32_t>(a.num("src_image_size_w"));
      p.h.src_h = static_cast<int32_t>(a.num("src_image_size_h"));
      p.h.csc = static_cast<int8_t>(a.num("csc_switch"));
      p.h.rbuv_swap = static_cast<int8_t>(a.num("rbuv_swap_switch"));
      p.h.ax_swap = static_cast<int8_t>(a.num("ax_swap_switch"));
      const long pad = std::lround(std::strtod(a.str("padding_value").c_str(), nullptr));
      p.h.pad_value = static_cast<uint8_t>(std::min(255L, std::max(0L, pad)));
      const std::vector<double> mx = a.list("matrix"), ob = a.list("output_bias"), ib = a.list("input_bias"),
                                mean = a.list("mean_chn"), mn = a.list("min_chn"), var = a.list("var_reci_chn");
      for (size_t i = 0; i < 9 && i < mx.size(); ++i) p.h.matrix[i] = static_cast<int16_t>(mx[i]);
      for (size_t i = 0; i < 3; ++i) {
        if (i < ob.size()) p.h.out_bias[i] = static_cast<uint8_t>(ob[i]);
        if (i < ib.size()) p.h.in_bias[i] = static_cast<uint8_t>(ib[i]);
      }
      BatchParams b;
      b.crop = static_cast<int8_t>(a.num("crop"));
      b.crop_x = static_cast<int32_t>(a.num("load_start_pos_w"));
      b.crop_y = static_cast<int32_t>(a.num("load_start_pos_h"));
      b.crop_w = static_cast<int32_t>(a.num("crop_size_w"));
      b.crop_h = static_cast<int32_t>(a.num("crop_size_h"));
      b.scf = static_cast<int8_t>(a.num("resize"));
      b.scf_in_w = b.crop ? b.crop_w : p.h.src_w;
      b.scf_in_h = b.crop ? b.crop_h : p.h.src_h;
      b.scf_out_w = static_cast<int32_t>(a.num("resize_output_w"));
      b.scf_out_h = static_cast<int32_t>(a.num("resize_output_h"));
      b.padding = static_cast<int8_t>(a.num("padding"));
      b.pad_top = static_cast<int32_t>(a.num("top_padding_size"));
      b.pad_bottom = static_cast<int32_t>(a.num("bottom_padding_size"));
      b.pad_left = static_cast<int32_t>(a.num("left_padding_size"));
      b.pad_right = static_cast<int32_t>(a.num("right_padding_size"));
      for (size_t i = 0; i < 4; ++i) {
        if (i < mean.size()) b.mean[i] = static_cast<int16_t>(mean[i]);
        if (i < mn.size()) b.min[i] = static_cast<float>(mn[i]);
        if (i < var.size()) b.var[i] = static_cast<float>(var[i]);
      }
      p.batches.assign(static_cast<size_t>(n), b);
      err = check(p);
      if (!err.empty()) return false;
      const int64_t c = p.h.format == ACL_XRGB8888_U8 ? 4 : p.h.format == ACL_RGB888_U8 ? 3 : 1;
      pic.format = ACL_FORMAT_NHWC;
      pic.dims = {n, p.h.format == ACL_YUV420SP_U8 ? p.h.src_h * 3 / 2 : p.h.src_h, p.h.src_w, c};
    }
    size_t bytes = 1;
    ov::Shape shape;
    for (int64_t d : pic.dims) {
      bytes *= static_cast<size_t>(d);
      shape.push_back(static_cast<size_t>(d));
    }
    pic.bytes = bytes;
    pic.shape = shape;
    info.inputs[k] = pic;
    out.inputs.push_back(h);
  }
  for (HostInput& h : out.inputs) {
    if (!h.dynamic) continue;
    h.data_index = info.inputs.size();
    PortInfo d;
    d.name = ACL_DYNAMIC_AIPP_NAME;
    d.dtype = ACL_UINT8;
    d.type = ov::element::u8;
    d.bytes = data_size(static_cast<uint64_t>(h.net.dims[0]));
    d.dims = {static_cast<int64_t>(d.bytes)};
    d.shape = {d.bytes};
    info.inputs.push_back(d);
  }
  return true;
}

bool apply(const HostInput& in, const uint8_t* pic, size_t pic_size, const void* data, size_t size, float* out,
           std::string& msg) {
  const size_t n = static_cast<size_t>(in.net.dims[0]);
  Params dyn;
  if (in.dynamic) {
    if (!deserialize(data, size, n, dyn, msg)) return false;
    msg = check(dyn);
    if (!msg.empty()) return false;
  }
  const Params& p = in.dynamic ? dyn : in.fixed;
  const int64_t c_net = in.net.dims[in.nchw ? 1 : 3], h_net = in.net.dims[in.nchw ? 2 : 1],
                w_net = in.net.dims[in.nchw ? 3 : 2];
  const size_t one = picture_bytes(p.h.format, p.h.src_w, p.h.src_h);
  // max_src_image_size sizes the input (aclmdlGetInputSizeByIndex); the buffer given may differ (Huawei's
  // dynamic AIPP sample feeds a 416x416 RGB picture to a model converted with max_src_image_size 260000):
  // it must hold the pictures the parameters describe.
  if (one * n > pic_size) {
    std::ostringstream s;
    s << "the picture buffer holds " << pic_size << " bytes, " << n << " source image(s) of " << p.h.src_w << "x"
      << p.h.src_h << " (input format " << p.h.format << ") need " << one * n;
    msg = s.str();
    return false;
  }
  const size_t net_size = static_cast<size_t>(c_net * h_net * w_net);
  for (size_t b = 0; b < n; ++b) {
    const BatchParams& bp = p.batches[b];
    if (fast_path(bp)) {  // the common case in one pass (aipp_fast.cpp)
      const int w = bp.crop ? bp.crop_w : p.h.src_w, h = bp.crop ? bp.crop_h : p.h.src_h;
      const int c = p.h.format == ACL_YUV400_U8 ? 1 : 3;
      if (w == w_net && h == h_net && c == c_net) {
        apply_fast(p.h, bp, pic + b * one, c, in.nchw, out + b * net_size);
        continue;
      }
    }
    Image im = decode(p.h, pic + b * one);
    if (p.h.rbuv_swap && im.c == 3) {
      const bool yuv = p.h.format == ACL_YUV420SP_U8;
      for (size_t i = 0; i < im.px.size(); i += 3) std::swap(im.px[i + (yuv ? 1 : 0)], im.px[i + 2]);
    }
    if (bp.crop) im = crop(im, bp.crop_x, bp.crop_y, bp.crop_w, bp.crop_h);
    if (bp.scf) im = resize(im, bp.scf_out_w, bp.scf_out_h);
    if (bp.padding) im = pad(im, bp, p.h.pad_value);
    // CANN's CSC guide (atlasatc_16_0021): an RGB picture through CSC to a one-channel (GRAY) input keeps
    // CSC's row 0 (Y, with output_bias_0).
    const bool to_gray = p.h.csc && im.c == 3 && c_net == 1 && p.h.format != ACL_YUV420SP_U8 &&
                         p.h.format != ACL_YUV400_U8;
    if (im.w != w_net || im.h != h_net || (im.c != c_net && !to_gray)) {
      std::ostringstream s;
      s << "batch " << b << ": AIPP makes a " << im.w << "x" << im.h << " picture of " << im.c
        << " channel(s), the network input takes " << w_net << "x" << h_net << " with " << c_net;
      msg = s.str();
      return false;
    }
    if (p.h.csc && im.c == 3) csc(im, p.h);
    if (to_gray) {
      Image y{im.w, im.h, 1, std::vector<int32_t>(static_cast<size_t>(im.w) * im.h)};
      for (size_t i = 0; i < y.px.size(); ++i) y.px[i] = im.px[i * 3];
      im = std::move(y);
    }
    float mul[4], add[4];
    for (int c = 0; c < 4; ++c) {
      const float m = static_cast<float>(bp.mean[c]) + bp.min[c];
      mul[c] = bp.var[c];
      add[c] = -m * bp.var[c];
    }
    float* o = out + b * net_size;
    for (int y = 0; y < im.h; ++y)
      for (int x = 0; x < im.w; ++x)
        for (int c = 0; c < im.c; ++c) {
          const float v = std::fma(static_cast<float>(im.at(y, x, c)), mul[c], add[c]);
          const size_t at = in.nchw ? (static_cast<size_t>(c) * im.h + y) * im.w + x
                                    : (static_cast<size_t>(y) * im.w + x) * im.c + c;
          o[at] = v;
        }
  }
  return true;
}

}  // namespace aipp
}  // namespace acl_host
