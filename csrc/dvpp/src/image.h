// Picture geometry and the checks VPC, JPEGD and JPEGE share. The layouts and limits are
// those of CANN's aclcppdevg guide for the Ascend 310 (Atlas 200/300/500 inference product):
//   VPC: "Restrictions on Image Formats, Width and Height Alignment, and Buffers"
//        (canncommercial/601 inferapplicationdev/aclcppdevg/aclcppdevg_03_0168): YUV420SP width a
//        multiple of 2, width stride a multiple of 16, height stride a multiple of 2, buffer
//        widthStride x heightStride x 3/2; packed RGB/BGR 888 width stride = width x 3 rounded up
//        to 16, buffer widthStride x heightStride; resolution 32 x 6 to 4096 x 4096; crop boxes
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
// The size a VPC operation reads of an input picture: a YUV420SP width or height rounded down to even.
inline void vpc_input_size(Pic& p) {
  if (p.yuv420sp() && p.width > 1) p.width &= ~1u;
  if (p.yuv420sp() && p.height > 1) p.height &= ~1u;
}

// An inclusive box inside a width x height picture. Strict: even left/top, odd right/bottom;
// relaxed: rounded that way (left/top down, right/bottom up, kept inside).
struct Box {
  uint32_t left, top, width, height;
};
aclError check_box(const char* api, const acldvppRoiConfig* roi, const Pic& p, const char* what, Box& out);

}  // namespace acl_dvpp
