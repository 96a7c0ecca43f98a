// NV12/NV21 scaling for VPC: libyuv's NV12Scale, with the chroma plane of a bilinear
// down-scale composed from libyuv's SIMD row kernels (scale_nv12.cpp says why).
#pragma once

#include <cstdint>

#include "libyuv.h"

namespace acl_dvpp {

// libyuv::NV12Scale's contract (0 on success). The UV plane is interleaved pairs, either order.
int nv12_scale(const uint8_t* sy, int sys, const uint8_t* suv, int suvs, int sw, int sh, uint8_t* dy, int dys,
               uint8_t* duv, int duvs, int dw, int dh, libyuv::FilterMode filter);

// True when nv12_scale takes the split chroma path for these sizes on this CPU (for tests).
bool nv12_scale_splits_chroma(int sw, int sh, int dw, int dh, libyuv::FilterMode filter);

}  // namespace acl_dvpp
