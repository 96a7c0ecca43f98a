// The host AIPP without scf and padding (decode, swap, crop, CSC, DTC) in one pass per output row
// (aipp_fast.cpp): the common case of static AIPP (DVPP/VDEC NV12 pictures into a network), bit for bit
// the results of aipp_apply.cpp's generic path.
#pragma once

#include <cstdint>

#include "detail/aipp_host.h"

namespace acl_host {
namespace aipp {

// Whether apply_fast runs the batch's parameters (no scf, no padding).
bool fast_path(const BatchParams& b);
// One picture (`pic`, checked parameters: check()) to the network input (`channels` x the crop or source
// size, NCHW or NHWC float32 at `out`).
void apply_fast(const Header& h, const BatchParams& b, const uint8_t* pic, int channels, bool nchw, float* out);

}  // namespace aipp
}  // namespace acl_host
