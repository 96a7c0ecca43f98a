// libjpeg-turbo wrappers (jpeg_codec.h). Each libjpeg session lives in one function whose
// locals are plain data, so the longjmp out of libjpeg's error handler skips no destructor.
#include "jpeg_codec.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// jpeglib.h needs FILE and size_t first.
#include "jpeglib.h"

namespace acl_dvpp {
namespace {

struct ErrorMgr {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr cinfo) {
  ErrorMgr* e = reinterpret_cast<ErrorMgr*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

void on_message(j_common_ptr) {}  // warnings (e.g. premature end) are judged by the caller

uint16_t rd16(const uint8_t* p, bool le) { return le ? (p[0] | p[1] << 8) : (p[0] << 8 | p[1]); }
uint32_t rd32(const uint8_t* p, bool le) {
  return le ? (p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24)
            : (static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]);
}

// EXIF orientation (tag 0x0112 of IFD0) from an APP1 payload; 1 when absent or malformed.
int exif_orientation(const uint8_t* d, size_t n) {
  if (n < 14 || std::memcmp(d, "Exif\0\0", 6) != 0) return 1;
  const uint8_t* t = d + 6;
  size_t tn = n - 6;
  bool le;
  if (t[0] == 'I' && t[1] == 'I')
    le = true;
  else if (t[0] == 'M' && t[1] == 'M')
    le = false;
  else
    return 1;
  uint32_t ifd = rd32(t + 4, le);
  if (ifd > tn - 2) return 1;
  uint16_t count = rd16(t + ifd, le);
  for (uint32_t i = 0; i < count; ++i) {
    size_t at = ifd + 2 + static_cast<size_t>(i) * 12;
    if (at + 12 > tn) return 1;
    if (rd16(t + at, le) == 0x0112) {
      int v = rd16(t + at + 8, le);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

acldvppJpegFormat subsampling(const jpeg_decompress_struct& c) {
  if (c.num_components == 1) return ACL_JPEG_CSS_GRAY;
  if (c.num_components != 3) return ACL_JPEG_CSS_UNKNOWN;
  int h = c.comp_info[0].h_samp_factor, v = c.comp_info[0].v_samp_factor;
  for (int i = 1; i < 3; ++i)
    if (c.comp_info[i].h_samp_factor != 1 || c.comp_info[i].v_samp_factor != 1) return ACL_JPEG_CSS_UNKNOWN;
  if (h == 1 && v == 1) return ACL_JPEG_CSS_444;
  if (h == 2 && v == 1) return ACL_JPEG_CSS_422;
  if (h == 2 && v == 2) return ACL_JPEG_CSS_420;
  if (h == 1 && v == 2) return ACL_JPEG_CSS_440;
  if (h == 4 && v == 1) return ACL_JPEG_CSS_411;
  return ACL_JPEG_CSS_UNKNOWN;
}

// The libjpeg part of jpeg_info: plain locals only.
bool read_header(const uint8_t* data, size_t size, JpegInfo* info, char* error, size_t error_size) {
  jpeg_decompress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  if (setjmp(err.jump)) {
    std::snprintf(error, error_size, "%s", err.message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header(&cinfo, TRUE);
  info->width = cinfo.image_width;
  info->height = cinfo.image_height;
  info->components = cinfo.num_components;
  info->css = subsampling(cinfo);
  info->progressive = cinfo.progressive_mode != 0;
  info->arithmetic = cinfo.arith_code != 0;
  info->cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
    if (m->marker == JPEG_APP0 + 1) {
      info->orientation = exif_orientation(m->data, m->data_length);
      break;
    }
  jpeg_destroy_decompress(&cinfo);
  return true;
}

bool decode(const uint8_t* data, size_t size, uint8_t* y, uint8_t* cb, uint8_t* cr, uint8_t* row, char* error,
            size_t error_size) {
  jpeg_decompress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  if (setjmp(err.jump)) {
    std::snprintf(error, error_size, "corrupt JPEG data: %s", err.message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  bool gray = cinfo.num_components == 1;
  cinfo.out_color_space = gray ? JCS_GRAYSCALE : JCS_YCbCr;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  const size_t w = cinfo.output_width;
  while (cinfo.output_scanline < cinfo.output_height) {
    size_t r = cinfo.output_scanline;
    JSAMPROW rows[1] = {gray ? y + r * w : row};
    jpeg_read_scanlines(&cinfo, rows, 1);
    if (!gray) {
      uint8_t* py = y + r * w;
      uint8_t* pb = cb + r * w;
      uint8_t* pr = cr + r * w;
      for (size_t x = 0; x < w; ++x) {
        py[x] = row[3 * x];
        pb[x] = row[3 * x + 1];
        pr[x] = row[3 * x + 2];
      }
    }
  }
  // Truncated data: libjpeg fills the rest with grey and warns; the hardware reports an error.
  bool truncated = err.pub.num_warnings > 0;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (truncated) {
    std::snprintf(error, error_size, "corrupt or truncated JPEG data (the decoder warned %ld time(s))",
                  err.pub.num_warnings);
    return false;
  }
  if (gray) {
    std::memset(cb, 128, w * cinfo.output_height);
    std::memset(cr, 128, w * cinfo.output_height);
  }
  return true;
}

// 4:2:0 straight to YUV420SP: libjpeg's raw (still subsampled) planes, no colour conversion and no
// upsampling. Y rows land in the output; chroma comes through cb/cr (8 rows of c_stride each).
bool decode_raw420(const uint8_t* data, size_t size, uint8_t* y, size_t ws, uint8_t* uv, uint8_t* cb,
                   uint8_t* cr, size_t c_stride, bool vu, char* error, size_t error_size) {
  jpeg_decompress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  if (setjmp(err.jump)) {
    std::snprintf(error, error_size, "corrupt JPEG data: %s", err.message);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.raw_data_out = TRUE;
  cinfo.out_color_space = JCS_YCbCr;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  JSAMPROW yrows[16], brows[8], rrows[8];
  JSAMPARRAY planes[3] = {yrows, brows, rrows};
  const size_t cw = (cinfo.output_width + 1) / 2;
  while (cinfo.output_scanline < cinfo.output_height) {
    size_t base = cinfo.output_scanline;
    for (int i = 0; i < 16; ++i) yrows[i] = y + (base + i) * ws;  // the output has align(h, 16) rows
    for (int i = 0; i < 8; ++i) {
      brows[i] = cb + i * c_stride;
      rrows[i] = cr + i * c_stride;
    }
    jpeg_read_raw_data(&cinfo, planes, 16);
    for (size_t i = 0; i < 8; ++i) {
      uint8_t* dst = uv + (base / 2 + i) * ws;
      const uint8_t* u = brows[i];
      const uint8_t* v = rrows[i];
      if (vu)
        for (size_t x = 0; x < cw; ++x) {
          dst[2 * x] = v[x];
          dst[2 * x + 1] = u[x];
        }
      else
        for (size_t x = 0; x < cw; ++x) {
          dst[2 * x] = u[x];
          dst[2 * x + 1] = v[x];
        }
    }
  }
  bool truncated = err.pub.num_warnings > 0;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  if (truncated) {
    std::snprintf(error, error_size, "corrupt or truncated JPEG data (the decoder warned %ld time(s))",
                  err.pub.num_warnings);
    return false;
  }
  return true;
}

bool encode(const uint8_t* y, int ys, const uint8_t* u, const uint8_t* v, int cs, int width, int height, int quality,
            unsigned char** out, unsigned long* out_size, char* error, size_t error_size) {
  jpeg_compress_struct cinfo;
  ErrorMgr err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.output_message = on_message;
  if (setjmp(err.jump)) {
    std::snprintf(error, error_size, "JPEG encoding failed: %s", err.message);
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, out_size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_YCbCr;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  cinfo.raw_data_in = TRUE;
  cinfo.comp_info[0].h_samp_factor = 2;
  cinfo.comp_info[0].v_samp_factor = 2;
  cinfo.comp_info[1].h_samp_factor = cinfo.comp_info[1].v_samp_factor = 1;
  cinfo.comp_info[2].h_samp_factor = cinfo.comp_info[2].v_samp_factor = 1;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_compress(&cinfo, TRUE);
  JSAMPROW yrows[16], urows[8], vrows[8];
  JSAMPARRAY planes[3] = {yrows, urows, vrows};
  const int ch = (height + 1) / 2;
  while (cinfo.next_scanline < cinfo.image_height) {
    int base = static_cast<int>(cinfo.next_scanline);
    for (int i = 0; i < 16; ++i) {
      int r = base + i < height ? base + i : height - 1;  // the last rows repeat past the end
      yrows[i] = const_cast<JSAMPROW>(y + static_cast<size_t>(r) * ys);
    }
    for (int i = 0; i < 8; ++i) {
      int r = base / 2 + i < ch ? base / 2 + i : ch - 1;
      urows[i] = const_cast<JSAMPROW>(u + static_cast<size_t>(r) * cs);
      vrows[i] = const_cast<JSAMPROW>(v + static_cast<size_t>(r) * cs);
    }
    jpeg_write_raw_data(&cinfo, planes, 16);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

bool jpeg_info(const uint8_t* data, size_t size, JpegInfo& info, std::string& error) {
  char msg[JMSG_LENGTH_MAX + 32] = {0};
  if (!read_header(data, size, &info, msg, sizeof msg)) {
    error = format("not a JPEG the decoder can read: %s", msg);
    return false;
  }
  return true;
}

bool jpeg_decode_planes(const uint8_t* data, size_t size, const JpegInfo& info, std::vector<uint8_t>& y,
                        std::vector<uint8_t>& cb, std::vector<uint8_t>& cr, std::string& error) {
  size_t n = static_cast<size_t>(info.width) * info.height;
  y.resize(n);
  cb.resize(n);
  cr.resize(n);
  std::vector<uint8_t> row(static_cast<size_t>(info.width) * 3);
  char msg[JMSG_LENGTH_MAX + 64] = {0};
  if (!decode(data, size, y.data(), cb.data(), cr.data(), row.data(), msg, sizeof msg)) {
    error = msg;
    return false;
  }
  return true;
}

bool jpeg_decode_420sp(const uint8_t* data, size_t size, const JpegInfo& info, uint8_t* out, uint32_t ws,
                       uint32_t hs, bool vu, std::string& error) {
  const size_t c_stride = (static_cast<size_t>(info.width) + 15) / 16 * 8 + 8;
  std::vector<uint8_t> cb(c_stride * 8), cr(c_stride * 8);
  char msg[JMSG_LENGTH_MAX + 64] = {0};
  if (!decode_raw420(data, size, out, ws, out + static_cast<size_t>(ws) * hs, cb.data(), cr.data(), c_stride, vu,
                     msg, sizeof msg)) {
    error = msg;
    return false;
  }
  return true;
}

bool jpeg_encode_420(const uint8_t* y, int y_stride, const uint8_t* u, const uint8_t* v, int c_stride, int width,
                     int height, int quality, std::vector<uint8_t>& out, std::string& error) {
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  char msg[JMSG_LENGTH_MAX + 32] = {0};
  bool ok = encode(y, y_stride, u, v, c_stride, width, height, quality, &buf, &len, msg, sizeof msg);
  if (ok) out.assign(buf, buf + len);
  std::free(buf);
  if (!ok) error = msg;
  return ok;
}

}  // namespace acl_dvpp
