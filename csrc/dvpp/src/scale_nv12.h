// NV12/NV21 scaling for VPC: libyuv's scalers, with bilinear down-scales on x86 filtered
// horizontally from a table of sample positions computed once per picture, and other blending
// chroma scales done on split U and V planes (scale_nv12.cpp says why).
#pragma once

#include <cstdint>

#include "libyuv.h"

namespace acl_dvpp {

// libyuv::NV12Scale's contract (0 on success). The UV plane is interleaved pairs, either order.
int nv12_scale(const uint8_t* sy, int sys, const uint8_t* suv, int suvs, int sw, int sh, uint8_t* dy, int dys,
               uint8_t* duv, int duvs, int dw, int dh, libyuv::FilterMode filter);

}  // namespace acl_dvpp
