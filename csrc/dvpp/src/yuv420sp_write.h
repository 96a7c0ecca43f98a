// VDEC's output copy: libavcodec's planar 4:2:0 picture (I420) into an NV12/NV21 picture, once per
// decoded frame (2 bytes read and written per luma pixel and chroma pair: at 1080p 3 MB each way).
#pragma once

#include <cstdint>

namespace acl_dvpp {

// Writes the w x h I420 picture (y, u, v with their strides) as YUV420SP: dst_y rows of dst_stride
// bytes, then dst_uv's (w+1)/2 chroma pairs a row, U first (NV12) or V first (nv21).
void write_yuv420sp(const uint8_t* y, int y_stride, const uint8_t* u, int u_stride, const uint8_t* v, int v_stride,
                    uint8_t* dst_y, uint8_t* dst_uv, int dst_stride, int w, int h, bool nv21);

}  // namespace acl_dvpp
