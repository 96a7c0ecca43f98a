// AIPP run by the host runtime in front of the compiled network (aipp_apply.cpp): dynamic AIPP (the
// parameters arrive with each execution in the ACL_DYNAMIC_AIPP_NAME input, written by
// aclmdlSetInputAIPP) and static AIPP (parameters from the .om metadata, aipp<i>.mode=host). Static AIPP
// of older .om files, or in front of a dynamic network input, is part of the network itself
// (src/acl_async/atc/aipp_graph.py).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "detail/model.h"

namespace acl_host {
namespace aipp {

// Per-batch parameters (crop -> scf -> padding, then DTC), as aclmdlSetAIPP* set them.
struct BatchParams {
  int8_t crop = 0, scf = 0, padding = 0, reserved = 0;
  int32_t crop_x = 0, crop_y = 0, crop_w = 0, crop_h = 0;
  int32_t scf_in_w = 0, scf_in_h = 0, scf_out_w = 0, scf_out_h = 0;
  int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int16_t mean[4] = {0, 0, 0, 0};
  float min[4] = {0, 0, 0, 0};
  float var[4] = {1, 1, 1, 1};
};

// The common part; the serialized form (the ACL_DYNAMIC_AIPP_NAME buffer) is this header followed by
// `batch` BatchParams.
struct Header {
  uint32_t magic = 0x50504941;  // "AIPP"
  uint32_t batch = 0;
  int32_t format = 0;  // aclAippInputFormat; 0: not set
  int32_t src_w = 0, src_h = 0;
  int8_t csc = 0, rbuv_swap = 0, ax_swap = 0;
  uint8_t pad_value = 0;
  int16_t matrix[9] = {298, 516, 0, 298, -100, -208, 298, 0, 409};
  uint8_t out_bias[3] = {16, 128, 128};
  uint8_t in_bias[3] = {16, 128, 128};
};

struct Params {
  Header h;
  std::vector<BatchParams> batches;
};

inline size_t data_size(uint64_t batch) { return sizeof(Header) + batch * sizeof(BatchParams); }
void serialize(const Params& p, void* out);
// Reads the buffer of an execution; false (and `msg`) when it holds no parameter set for `batch` images.
bool deserialize(const void* data, size_t size, uint64_t batch, Params& p, std::string& msg);
// Checks a parameter set (CANN's documented ranges, crop inside the source, ...): "" when valid. Dynamic
// parameters come from a caller's buffer, so every value is checked again before use.
std::string check(const Params& p);

// One input whose AIPP the host runs.
struct HostInput {
  size_t index = 0;              // the picture input
  bool dynamic = false;          // parameters from the data input (else `fixed`)
  size_t data_index = SIZE_MAX;  // dynamic: the ACL_DYNAMIC_AIPP_NAME input
  size_t max_src = 0;            // bytes of one picture (dynamic)
  bool nchw = true;              // the network input's layout
  PortInfo net;                  // the network input AIPP feeds (float)
  Params fixed;
};

struct HostAipp {
  std::vector<HostInput> inputs;
  const HostInput* find(size_t index) const {
    for (const HostInput& h : inputs)
      if (h.index == index) return &h;
    return nullptr;
  }
  const HostInput* find_data(size_t index) const {
    for (const HostInput& h : inputs)
      if (h.dynamic && h.data_index == index) return &h;
    return nullptr;
  }
};

// compile(): for each host-AIPP input of `meta`, the network's port becomes the picture port callers
// feed (and a dynamic one gets its data input at the end). False with `err` for bad metadata.
bool prepare(const std::map<std::string, std::string>& meta, ModelInfo& info, HostAipp& out,
             std::string& err);
// The network input of `in` from the pictures (`pic`, `pic_size` bytes) and the parameters (`data`:
// the data input's buffer, dynamic only). False with `msg` for parameters the pictures cannot take.
bool apply(const HostInput& in, const uint8_t* pic, size_t pic_size, const void* data, size_t data_size,
           float* out, std::string& msg);

}  // namespace aipp
}  // namespace acl_host
