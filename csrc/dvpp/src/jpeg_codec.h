// JPEG through libjpeg-turbo (libjpeg API): header facts, decoding to YCbCr planes, encoding
// YUV420 planes. libjpeg reports errors by longjmp; these wrappers turn them into messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace acl_dvpp {

struct JpegInfo {
  uint32_t width = 0, height = 0;  // as coded (SOF), before EXIF orientation
  int components = 0;
  acldvppJpegFormat css = ACL_JPEG_CSS_UNKNOWN;
  bool progressive = false;
  bool arithmetic = false;
  bool cmyk = false;
  int orientation = 1;  // EXIF 1..8
  // Size after orientation (5..8 swap width and height).
  uint32_t out_width() const { return orientation >= 5 ? height : width; }
  uint32_t out_height() const { return orientation >= 5 ? width : height; }
};

// Reads the header. False with `error` set when the data is not a JPEG libjpeg can read.
bool jpeg_info(const uint8_t* data, size_t size, JpegInfo& info, std::string& error);

// Decodes to full-resolution planes (y, cb, cr; width x height each, as coded; gray: cb/cr
// filled with 128). False with `error` on corrupt or truncated data.
bool jpeg_decode_planes(const uint8_t* data, size_t size, const JpegInfo& info, std::vector<uint8_t>& y,
                        std::vector<uint8_t>& cb, std::vector<uint8_t>& cr, std::string& error);

// 4:2:0 JPEGs (no EXIF rotation) straight into YUV420SP at `out` (strides ws x hs, hs a multiple
// of 16, ws >= the width rounded up to 16): libjpeg's raw planes, chroma as coded.
bool jpeg_decode_420sp(const uint8_t* data, size_t size, const JpegInfo& info, uint8_t* out, uint32_t ws,
                       uint32_t hs, bool vu, std::string& error);

// Encodes YUV420 planes (chroma (w+1)/2 x (h+1)/2) at `quality` 1..100 into `out`.
bool jpeg_encode_420(const uint8_t* y, int y_stride, const uint8_t* u, const uint8_t* v, int c_stride, int width,
                     int height, int quality, std::vector<uint8_t>& out, std::string& error);

}  // namespace acl_dvpp
