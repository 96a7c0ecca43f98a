// Picture geometry and the checks VPC, JPEGD and JPEGE share. The layouts and limits are
// those of CANN's aclcppdevg guide for the Ascend 310 (Atlas 200/300/500 inference product):
//   VPC: "Restrictions on Image Formats, Width and Height Alignment, and Buffers"
//        (canncommercial/601 inferapplicationdev/aclcppdevg/aclcppdevg_03_0168): YUV420SP width a
//        multiple of 2, width stride a multiple of 16, height stride a multiple of 2, buffer
//        widthStride x heightStride x 3/2; packed RGB/BGR 888 width stride = width x 3 rounded up
//        to 16, buffer widthStride x heightStride; the other inputs: YUV400 (the luma plane),
//        YUV422SP (width even, buffer x 2), YUV444SP (x 3), packed YUV422 (width even, stride
//        2 bytes a pixel), 32-bit RGB (4 bytes a pixel); resolution 32 x 6 to 4096 x 4096; crop boxes
//        inclusive, left/top even, right/bottom odd; scaling 1/32 to 16.
//   JPEGD: "JPEGD Functions and Restrictions" (CANNCommunityEdition/900 API/dvpp/aclcppdevg_03_0354):
//        output YUV420SP, width stride the width rounded up to 128, height stride to 16 (310),
//        32 x 32 to 8192 x 8192, Huffman baseline only (no progressive, no arithmetic coding).
//   JPEGE: "Functions and Restrictions" of JPEGE (canncommercial/800 apiref/appdevgapi/
//        aclcppdevg_03_0362): NV12/NV21 input, width/height multiples of 2, width stride a multiple
//        of 16, height stride the height or the height rounded up to 16; 32 x 32 to 8192 x 8192.
#pragma once

#include <cstdint>
#include <string>

#include "common.h"

namespace acl_dvpp {

inline uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

// Bytes per pixel of a packed format (0 for planar and semi-planar ones).
inline uint32_t packed_pixel_bytes(acldvppPixelFormat f) {
  switch (f) {
    case PIXEL_FORMAT_YUYV_PACKED_422:
    case PIXEL_FORMAT_UYVY_PACKED_422:
    case PIXEL_FORMAT_YVYU_PACKED_422:
    case PIXEL_FORMAT_VYUY_PACKED_422:
      return 2;
    case PIXEL_FORMAT_RGB_888:
    case PIXEL_FORMAT_BGR_888:
      return 3;
    case PIXEL_FORMAT_ARGB_8888:
    case PIXEL_FORMAT_ABGR_8888:
    case PIXEL_FORMAT_RGBA_8888:
    case PIXEL_FORMAT_BGRA_8888:
      return 4;
    default:
      return 0;
  }
}

// A copy of a picture description taken when an operation is queued.
struct Pic {
  uint8_t* data = nullptr;
  uint32_t size = 0;
  acldvppPixelFormat format = PIXEL_FORMAT_YUV_400;
  uint32_t width = 0, height = 0, width_stride = 0, height_stride = 0;

  bool yuv420sp() const {
    return format == PIXEL_FORMAT_YUV_SEMIPLANAR_420 || format == PIXEL_FORMAT_YVU_SEMIPLANAR_420;
  }
  bool packed_rgb() const { return format == PIXEL_FORMAT_RGB_888 || format == PIXEL_FORMAT_BGR_888; }
  // The other VPC input formats of the Ascend 310's table (YUV400, YUV/YVU422SP, YUV/YVU444SP, packed
  // YUV422 in its four orders, 32-bit RGB in its four orders): converted to YUV420SP first (vpc.cpp).
  bool converted_input() const {
    switch (format) {
      case PIXEL_FORMAT_YUV_400:
      case PIXEL_FORMAT_YUV_SEMIPLANAR_422:
      case PIXEL_FORMAT_YVU_SEMIPLANAR_422:
      case PIXEL_FORMAT_YUV_SEMIPLANAR_444:
      case PIXEL_FORMAT_YVU_SEMIPLANAR_444:
      case PIXEL_FORMAT_YUYV_PACKED_422:
      case PIXEL_FORMAT_UYVY_PACKED_422:
      case PIXEL_FORMAT_YVYU_PACKED_422:
      case PIXEL_FORMAT_VYUY_PACKED_422:
      case PIXEL_FORMAT_ARGB_8888:
      case PIXEL_FORMAT_ABGR_8888:
      case PIXEL_FORMAT_RGBA_8888:
      case PIXEL_FORMAT_BGRA_8888:
        return true;
      default:
        return false;
    }
  }
  uint32_t packed_bytes() const { return packed_pixel_bytes(format); }
  // Chroma at half the luma's width: the width must be even (rounded down by VPC on its input).
  bool half_width_chroma() const {
    return yuv420sp() || format == PIXEL_FORMAT_YUV_SEMIPLANAR_422 || format == PIXEL_FORMAT_YVU_SEMIPLANAR_422 ||
           (packed_bytes() == 2);
  }
  uint8_t* uv() const { return data + static_cast<size_t>(width_stride) * height_stride; }
};

Pic snapshot(const acldvppPicDesc* desc);
const char* format_name(acldvppPixelFormat f);
// Bytes a picture of this format and strides occupies (0: format not handled here).
uint64_t buffer_size(acldvppPixelFormat f, uint32_t width_stride, uint32_t height_stride);

// A VPC input or output picture (`what` names it in messages): a handled format, sizes,
// strides and buffer as the docs require in strict mode; in either mode whatever memory
// safety needs (strides >= row bytes, buffer >= the layout).
// vpc_input: the input of a VPC operation (8K YUV420SP allowed, odd sizes taken: vpc_input_size).
aclError check_vpc_pic(const char* api, const Pic& p, const char* what, bool output, bool vpc_input = false);
// The size a VPC operation reads of an input picture: a YUV420SP width or height rounded down to even
// (and the width of the other formats with half-width chroma).
inline void vpc_input_size(Pic& p) {
  if (p.half_width_chroma() && p.width > 1) p.width &= ~1u;
  if (p.yuv420sp() && p.height > 1) p.height &= ~1u;
}

// An inclusive box inside a width x height picture. Strict: even left/top, odd right/bottom;
// relaxed: rounded that way (left/top down, right/bottom up, kept inside).
struct Box {
  uint32_t left, top, width, height;
};
aclError check_box(const char* api, const acldvppRoiConfig* roi, const Pic& p, const char* what, Box& out);

}  // namespace acl_dvpp
