// Static AIPP of `acl-async atc` models: aclmdlGetAippType and
// aclmdlGetFirstAippInfo, read from the container metadata (the host runs the AIPP, aipp_apply.cpp, or
// it is part of the compiled network: src/acl_async/atc/aipp_graph.py).
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "detail/aipp_host.h"
#include "detail/error.h"
#include "detail/model.h"

namespace acl_host {
namespace {

// GE's "the tensor of index is not configured with AIPP" (ge_error_codes.h).
constexpr aclError kAippNotExist = 145015;

struct AippMeta {
  const std::map<std::string, std::string>& meta;
  std::string prefix;
  bool present() const { return meta.count(prefix + "input_format") != 0; }
  std::string str(const char* key) const {
    auto it = meta.find(prefix + key);
    return it == meta.end() ? std::string() : it->second;
  }
  long num(const char* key) const { return std::strtol(str(key).c_str(), nullptr, 10); }
  std::vector<double> list(const char* key) const {
    std::vector<double> out;
    std::istringstream in(str(key));
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::strtod(item.c_str(), nullptr));
    return out;
  }
};

aclError find(uint32_t modelId, size_t index, std::shared_ptr<ModelInstance>& m) {
  m = model::lookup(modelId);
  if (!m) return fail(ACL_ERROR_INVALID_MODEL_ID, "model id %u is not loaded", modelId);
  if (index >= m->info().inputs.size())
    return fail(ACL_ERROR_INVALID_PARAM, "input index %zu out of range: model %u has %zu input(s)", index,
                modelId, m->info().inputs.size());
  return ACL_SUCCESS;
}

void fill_dims(aclmdlIODims& d, const PortInfo& p) {
  std::memset(&d, 0, sizeof d);
  std::strncpy(d.name, p.name.c_str(), sizeof d.name - 1);
  d.dimCount = std::min<size_t>(p.dims.size(), ACL_MAX_DIM_CNT);
  for (size_t i = 0; i < d.dimCount; ++i) d.dims[i] = p.dims[i];
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclmdlGetAippType(uint32_t modelId, size_t index, aclmdlInputAippType* type,
                           size_t* dynamicAttachedDataIndex) ACL_API_TRY {
  ACL_API();
  if (!type || !dynamicAttachedDataIndex)
    return fail(ACL_ERROR_INVALID_PARAM, "type and dynamicAttachedDataIndex must not be NULL");
  std::shared_ptr<ModelInstance> m;
  if (aclError e = find(modelId, index, m)) return e;
  AippMeta a{m->entry().meta, "aipp" + std::to_string(index) + "."};
  *type = a.present() ? ACL_DATA_WITH_STATIC_AIPP : ACL_DATA_WITHOUT_AIPP;
  *dynamicAttachedDataIndex = ACL_INVALID_NODE_INDEX;
  if (const auto& host = m->entry().host_aipp) {
    if (host->find_data(index)) {
      *type = ACL_DYNAMIC_AIPP_NODE;
    } else if (const aipp::HostInput* in = host->find(index); in && in->dynamic) {
      *type = ACL_DATA_WITH_DYNAMIC_AIPP;
      *dynamicAttachedDataIndex = in->data_index;
    }
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetFirstAippInfo(uint32_t modelId, size_t index, aclAippInfo* aippInfo) ACL_API_TRY {
  ACL_API();
  if (!aippInfo) return fail(ACL_ERROR_INVALID_PARAM, "aippInfo must not be NULL");
  std::shared_ptr<ModelInstance> m;
  if (aclError e = find(modelId, index, m)) return e;
  AippMeta a{m->entry().meta, "aipp" + std::to_string(index) + "."};
  if (!a.present()) return fail(kAippNotExist, "input %zu of model %u has no AIPP", index, modelId);
  if (a.str("mode") == "dynamic")
    return fail(kAippNotExist, "input %zu of model %u has dynamic AIPP: its parameters come with each "
                "execution (aclmdlSetInputAIPP), there is no static configuration", index, modelId);
  aclAippInfo& o = *aippInfo;
  std::memset(&o, 0, sizeof o);
  o.inputFormat = static_cast<aclAippInputFormat>(a.num("format_code"));
  o.srcImageSizeW = static_cast<int32_t>(a.num("src_image_size_w"));
  o.srcImageSizeH = static_cast<int32_t>(a.num("src_image_size_h"));
  o.cropSwitch = static_cast<int8_t>(a.num("crop"));
  o.loadStartPosW = static_cast<int32_t>(a.num("load_start_pos_w"));
  o.loadStartPosH = static_cast<int32_t>(a.num("load_start_pos_h"));
  o.cropSizeW = static_cast<int32_t>(a.num("crop_size_w"));
  o.cropSizeH = static_cast<int32_t>(a.num("crop_size_h"));
  o.resizeSwitch = static_cast<int8_t>(a.num("resize"));
  o.resizeOutputW = static_cast<int32_t>(a.num("resize_output_w"));
  o.resizeOutputH = static_cast<int32_t>(a.num("resize_output_h"));
  o.paddingSwitch = static_cast<int8_t>(a.num("padding"));
  o.leftPaddingSize = static_cast<int32_t>(a.num("left_padding_size"));
  o.rightPaddingSize = static_cast<int32_t>(a.num("right_padding_size"));
  o.topPaddingSize = static_cast<int32_t>(a.num("top_padding_size"));
  o.bottomPaddingSize = static_cast<int32_t>(a.num("bottom_padding_size"));
  o.cscSwitch = static_cast<int8_t>(a.num("csc_switch"));
  o.rbuvSwapSwitch = static_cast<int8_t>(a.num("rbuv_swap_switch"));
  o.axSwapSwitch = static_cast<int8_t>(a.num("ax_swap_switch"));
  const std::vector<double> mx = a.list("matrix"), ob = a.list("output_bias"), ib = a.list("input_bias"),
                            mean = a.list("mean_chn"), mn = a.list("min_chn"), var = a.list("var_reci_chn");
  int32_t* matrix[] = {&o.matrixR0C0, &o.matrixR0C1, &o.matrixR0C2, &o.matrixR1C0, &o.matrixR1C1,
                       &o.matrixR1C2, &o.matrixR2C0, &o.matrixR2C1, &o.matrixR2C2};
  for (size_t i = 0; i < 9 && i < mx.size(); ++i) *matrix[i] = static_cast<int32_t>(mx[i]);
  int32_t* obias[] = {&o.outputBias0, &o.outputBias1, &o.outputBias2};
  int32_t* ibias[] = {&o.inputBias0, &o.inputBias1, &o.inputBias2};
  for (size_t i = 0; i < 3; ++i) {
    if (i < ob.size()) *obias[i] = static_cast<int32_t>(ob[i]);
    if (i < ib.size()) *ibias[i] = static_cast<int32_t>(ib[i]);
  }
  int32_t* means[] = {&o.meanChn0, &o.meanChn1, &o.meanChn2, &o.meanChn3};
  float* mins[] = {&o.minChn0, &o.minChn1, &o.minChn2, &o.minChn3};
  float* vars[] = {&o.varReciChn0, &o.varReciChn1, &o.varReciChn2, &o.varReciChn3};
  for (size_t i = 0; i < 4; ++i) {
    if (i < mean.size()) *means[i] = static_cast<int32_t>(mean[i]);
    if (i < mn.size()) *mins[i] = static_cast<float>(mn[i]);
    if (i < var.size()) *vars[i] = static_cast<float>(var[i]);
  }
  const PortInfo& in = m->info().inputs[index];
  o.srcFormat = in.format;
  o.srcDatatype = in.dtype;
  o.srcDimNum = in.dims.size();
  // One shape per gear (or the static one): the source picture and what AIPP feeds the network.
  const DynamicInfo& d = m->entry().dyn;
  const size_t count = d.gears.empty() ? 1 : d.gears.size();
  o.shapeCount = std::min<size_t>(count, ACL_MAX_SHAPE_COUNT);
  for (size_t g = 0; g < o.shapeCount; ++g) {
    const PortInfo& src = d.gears.empty() ? in : d.gears[g].inputs[index];
    fill_dims(o.outDims[g].srcDims, src);
    o.outDims[g].srcSize = src.bytes;
    // AIPP output: NCHW float of the (cropped) picture; N and channels from the source.
    aclmdlIODims& out = o.outDims[g].aippOutdims;
    std::memset(&out, 0, sizeof out);
    std::strncpy(out.name, src.name.c_str(), sizeof out.name - 1);
    const int64_t n = src.dims.empty() ? 1 : src.dims[0];
    const int64_t h = o.cropSwitch ? o.cropSizeH : (src.dims.size() > 1 ? src.dims[1] : 0);
    const int64_t w = o.cropSwitch ? o.cropSizeW : (src.dims.size() > 2 ? src.dims[2] : 0);
    const int64_t c = o.inputFormat == ACL_YUV400_U8 ? 1 : 3;
    const int64_t h_out = o.inputFormat == ACL_YUV420SP_U8 && !o.cropSwitch ? h * 2 / 3 : h;
    out.dimCount = 4;
    out.dims[0] = n;
    out.dims[1] = c;
    out.dims[2] = h_out;
    out.dims[3] = w;
    o.outDims[g].aippOutSize = static_cast<size_t>(n * c * h_out * w) * sizeof(float);
    // AIPP the host runs (resize, padding): what it feeds the network is the network's own input.
    const aipp::HostInput* host = m->entry().host_aipp ? m->entry().host_aipp->find(index) : nullptr;
    if (host) {
      const bool nchw = host->nchw;
      const int64_t dims[4] = {host->net.dims[0], host->net.dims[nchw ? 1 : 3], host->net.dims[nchw ? 2 : 1],
                               host->net.dims[nchw ? 3 : 2]};
      for (int i = 0; i < 4; ++i) out.dims[i] = dims[i];
      o.outDims[g].aippOutSize = host->net.bytes;
    }
  }
  o.aippExtend = nullptr;
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
