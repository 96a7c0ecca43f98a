// Dynamic AIPP: the aclmdlAIPP parameter object, its setters (each checks CANN's documented range of
// every parameter: ACL_ERROR_INVALID_PARAM naming it), and aclmdlSetInputAIPP /
// aclmdlSetAIPPByInputIndex, which write it into the model's ACL_DYNAMIC_AIPP_NAME input buffer
// (aclmdlGetAippDataSize bytes); the host runs the AIPP itself at execution (aipp_apply.cpp).
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "acl/acl.h"
#include "detail/aipp_host.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/model.h"
#include "detail/util.h"

struct aclmdlAIPP {
  acl_host::aipp::Params p;
};

namespace acl_host {
namespace {

constexpr uint64_t kMaxAippBatch = 2048;  // MAX_BATCH of acl-async atc (atc/container.py)

struct Registry {
  std::mutex m;
  std::map<const aclmdlAIPP*, std::unique_ptr<aclmdlAIPP>> live;
};

Registry& registry() {
  static NoDestructor<Registry> r;  // outlives every thread at exit
  return *r;
}

// Runs `f(params)` on a live parameter object, under the registry's lock.
template <typename F>
aclError with_aipp(const char* fn, const aclmdlAIPP* a, F&& f) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.m);
  auto it = r.live.find(a);
  if (!a || it == r.live.end())
    return fail(ACL_ERROR_INVALID_PARAM, "%s: aippParmsSet %p is not an aclmdlAIPP of aclmdlCreateAIPP", fn,
                static_cast<const void*>(a));
  return f(it->second->p);
}

// One parameter of a setter as given, with the range CANN documents for it (a double holds every
// value exactly: the integer parameters have at most 32 bits).
struct Arg {
  template <typename T>
  Arg(const char* n, T value, double l, double h)
      : name(n), v(static_cast<double>(value)), lo(l), hi(h), real(std::is_floating_point<T>::value) {}
  const char* name;
  double v, lo, hi;
  bool real;
};

// ACL_ERROR_INVALID_PARAM naming the first of `args` outside its range (NaN included).
aclError check(const char* fn, std::initializer_list<Arg> args) {
  for (const Arg& a : args) {
    if (a.v >= a.lo && a.v <= a.hi) continue;
    if (a.real)
      return fail(ACL_ERROR_INVALID_PARAM, "%s: %s = %g is out of range [%g, %g]", fn, a.name, a.v, a.lo, a.hi);
    return fail(ACL_ERROR_INVALID_PARAM, "%s: %s = %lld is out of range [%lld, %lld]", fn, a.name,
                static_cast<long long>(a.v), static_cast<long long>(a.lo), static_cast<long long>(a.hi));
  }
  return ACL_SUCCESS;
}

aclError batch_index(const char* fn, const aipp::Params& p, uint64_t batchIndex) {
  if (batchIndex >= p.batches.size())
    return fail(ACL_ERROR_INVALID_PARAM, "%s: batchIndex = %llu is out of range [0, %zu) (the batchSize of "
                "aclmdlCreateAIPP)", fn, static_cast<unsigned long long>(batchIndex), p.batches.size());
  return ACL_SUCCESS;
}

// The setters: check `args` on a live object (after `batchIndex`, for a per-batch parameter), then
// `store` them; a call that fails changes nothing.
template <typename Store>
aclError set_header(const char* fn, aclmdlAIPP* a, std::initializer_list<Arg> args, Store&& store) {
  return with_aipp(fn, a, [&](aipp::Params& p) -> aclError {
    if (aclError e = check(fn, args)) return e;
    store(p.h);
    return ACL_SUCCESS;
  });
}

template <typename Store>
aclError set_batch(const char* fn, aclmdlAIPP* a, uint64_t batchIndex, std::initializer_list<Arg> args,
                   Store&& store) {
  return with_aipp(fn, a, [&](aipp::Params& p) -> aclError {
    if (aclError e = batch_index(fn, p, batchIndex)) return e;
    if (aclError e = check(fn, args)) return e;
    store(p.batches[batchIndex]);
    return ACL_SUCCESS;
  });
}

// A per-batch switch (0 or 1) and the parameters it enables, checked and stored only when it is on.
template <typename Store>
aclError set_switched(const char* fn, aclmdlAIPP* a, uint64_t batchIndex, const char* name, int8_t on,
                      int8_t aipp::BatchParams::*flag, std::initializer_list<Arg> args, Store&& store) {
  return with_aipp(fn, a, [&](aipp::Params& p) -> aclError {
    if (aclError e = batch_index(fn, p, batchIndex)) return e;
    if (aclError e = check(fn, {{name, on, 0, 1}})) return e;
    aipp::BatchParams& b = p.batches[batchIndex];
    if (on) {
      if (aclError e = check(fn, args)) return e;
      store(b);
    }
    b.*flag = on;
    return ACL_SUCCESS;
  });
}

// Four per-channel values of one batch, `<stem>0`..`<stem>3`, each in [lo, hi].
template <typename T, typename U>
aclError set_channels(const char* fn, aclmdlAIPP* a, uint64_t batchIndex, const char* stem, const T (&v)[4],
                      double lo, double hi, U (aipp::BatchParams::*to)[4]) {
  std::string n[4];
  for (int i = 0; i < 4; ++i) n[i] = stem + std::to_string(i);
  return set_batch(fn, a, batchIndex,
                   {{n[0].c_str(), v[0], lo, hi}, {n[1].c_str(), v[1], lo, hi}, {n[2].c_str(), v[2], lo, hi},
                    {n[3].c_str(), v[3], lo, hi}},
                   [&](aipp::BatchParams& b) { std::copy(v, v + 4, b.*to); });
}

// Writes `a` into the ACL_DYNAMIC_AIPP_NAME buffer of `dataset` for the dynamic AIPP input `in`.
aclError write(const char* fn, uint32_t modelId, aclmdlDataset* dataset, const aipp::HostInput& in,
               const aclmdlAIPP* a) {
  const size_t n = static_cast<size_t>(in.net.dims[0]);
  std::vector<uint8_t> bytes(aipp::data_size(n));
  aclError e = with_aipp(fn, a, [&](const aipp::Params& p) -> aclError {
    if (p.batches.size() != n)
      return fail(ACL_ERROR_INVALID_PARAM, "%s: the aclmdlAIPP holds %zu batch(es), model %u input %zu takes %zu",
                  fn, p.batches.size(), modelId, in.index, n);
    const std::string why = aipp::check(p);
    if (!why.empty()) return fail(ACL_ERROR_INVALID_PARAM, "%s: %s", fn, why.c_str());
    aipp::serialize(p, bytes.data());
    return ACL_SUCCESS;
  });
  if (e) return e;
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!dataset || !handles::dataset_valid_locked(dataset))
    return fail(ACL_ERROR_INVALID_PARAM, "%s: dataset %p is not a live dataset", fn, static_cast<void*>(dataset));
  if (in.data_index >= dataset->buffers.size())
    return fail(ACL_ERROR_INVALID_PARAM, "%s: the dataset holds %zu buffer(s), none at index %zu (%s)", fn,
                dataset->buffers.size(), in.data_index, ACL_DYNAMIC_AIPP_NAME);
  aclDataBuffer* b = dataset->buffers[in.data_index];
  if (!handles::buffer_valid_locked(b) || !b->data || b->size < bytes.size())
    return fail(ACL_ERROR_INVALID_PARAM, "%s: the %s buffer at index %zu must hold at least %zu bytes", fn,
                ACL_DYNAMIC_AIPP_NAME, in.data_index, bytes.size());
  std::memcpy(b->data, bytes.data(), bytes.size());
  return ACL_SUCCESS;
}

// aclmdlSetInputAIPP (`index` names the ACL_DYNAMIC_AIPP_NAME input: data_index) and
// aclmdlSetAIPPByInputIndex (`index` names the picture input).
aclError set_input(const char* fn, uint32_t modelId, aclmdlDataset* dataset, size_t index, bool data_index,
                   const aclmdlAIPP* a) {
  std::shared_ptr<ModelInstance> m = model::lookup(modelId);
  if (!m) return fail(ACL_ERROR_INVALID_MODEL_ID, "%s: model id %u is not loaded", fn, modelId);
  const auto& host = m->entry().host_aipp;
  const aipp::HostInput* in = !host ? nullptr : data_index ? host->find_data(index) : host->find(index);
  if (!in || !in->dynamic)
    return fail(ACL_ERROR_INVALID_PARAM,
                "%s: input %zu of model %u is not %s (convert the model with aipp_mode: dynamic)", fn, index,
                modelId, data_index ? "a dynamic AIPP parameter input (" ACL_DYNAMIC_AIPP_NAME ")"
                                    : "an input with dynamic AIPP");
  return write(fn, modelId, dataset, *in, a);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclmdlAIPP* aclmdlCreateAIPP(uint64_t batchSize) ACL_API_TRY {
  ACL_API();
  if (batchSize == 0 || batchSize > kMaxAippBatch) {
    fail(ACL_ERROR_INVALID_PARAM, "aclmdlCreateAIPP: batchSize = %llu is out of range [1, %llu]",
         static_cast<unsigned long long>(batchSize), static_cast<unsigned long long>(kMaxAippBatch));
    return nullptr;
  }
  auto a = std::make_unique<aclmdlAIPP>();
  a->p.batches.resize(batchSize);
  aclmdlAIPP* raw = a.get();
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.m);
  r.live.emplace(raw, std::move(a));
  return raw;
} ACL_API_CATCH

aclError aclmdlDestroyAIPP(const aclmdlAIPP* aippParmsSet) ACL_API_TRY {
  ACL_API();
  Registry& r = registry();
  std::unique_ptr<aclmdlAIPP> dead;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(r.m);
  auto it = r.live.find(aippParmsSet);
  if (!aippParmsSet || it == r.live.end())
    return fail(ACL_ERROR_INVALID_PARAM, "aclmdlDestroyAIPP: aippParmsSet %p is not a live aclmdlAIPP",
                static_cast<const void*>(aippParmsSet));
  dead = std::move(it->second);
  r.live.erase(it);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetAippDataSize(uint64_t batchSize, size_t* size) ACL_API_TRY {
  ACL_API();
  if (!size) return fail(ACL_ERROR_INVALID_PARAM, "aclmdlGetAippDataSize: size must not be NULL");
  if (batchSize == 0 || batchSize > kMaxAippBatch)
    return fail(ACL_ERROR_INVALID_PARAM, "aclmdlGetAippDataSize: batchSize = %llu is out of range [1, %llu]",
                static_cast<unsigned long long>(batchSize), static_cast<unsigned long long>(kMaxAippBatch));
  *size = aipp::data_size(batchSize);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlSetAIPPInputFormat(aclmdlAIPP* aippParmsSet, aclAippInputFormat inputFormat) ACL_API_TRY {
  ACL_API();
  const char* fn = __func__;
  return with_aipp(fn, aippParmsSet, [&](aipp::Params& p) -> aclError {
    const int f = static_cast<int>(inputFormat);
    if (f != ACL_YUV420SP_U8 && f != ACL_XRGB8888_U8 && f != ACL_RGB888_U8 && f != ACL_YUV400_U8)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "%s: inputFormat = %d is not one the host runs (ACL_YUV420SP_U8, ACL_XRGB8888_U8, "
                  "ACL_RGB888_U8, ACL_YUV400_U8)", fn, f);
    p.h.format = f;
    return ACL_SUCCESS;
  });
} ACL_API_CATCH

aclError aclmdlSetAIPPCscParams(aclmdlAIPP* aippParmsSet, int8_t cscSwitch, int16_t cscMatrixR0C0,
                                int16_t cscMatrixR0C1, int16_t cscMatrixR0C2, int16_t cscMatrixR1C0,
                                int16_t cscMatrixR1C1, int16_t cscMatrixR1C2, int16_t cscMatrixR2C0,
                                int16_t cscMatrixR2C1, int16_t cscMatrixR2C2, uint8_t cscOutputBiasR0,
                                uint8_t cscOutputBiasR1, uint8_t cscOutputBiasR2, uint8_t cscInputBiasR0,
                                uint8_t cscInputBiasR1, uint8_t cscInputBiasR2) ACL_API_TRY {
  ACL_API();
  constexpr double lo = -32677, hi = 32676;
  const int16_t m[9] = {cscMatrixR0C0, cscMatrixR0C1, cscMatrixR0C2, cscMatrixR1C0, cscMatrixR1C1,
                        cscMatrixR1C2, cscMatrixR2C0, cscMatrixR2C1, cscMatrixR2C2};
  const uint8_t out_bias[3] = {cscOutputBiasR0, cscOutputBiasR1, cscOutputBiasR2};
  const uint8_t in_bias[3] = {cscInputBiasR0, cscInputBiasR1, cscInputBiasR2};
  return set_header(
      __func__, aippParmsSet,
      {{"cscSwitch", cscSwitch, 0, 1}, {"cscMatrixR0C0", cscMatrixR0C0, lo, hi},
       {"cscMatrixR0C1", cscMatrixR0C1, lo, hi}, {"cscMatrixR0C2", cscMatrixR0C2, lo, hi},
       {"cscMatrixR1C0", cscMatrixR1C0, lo, hi}, {"cscMatrixR1C1", cscMatrixR1C1, lo, hi},
       {"cscMatrixR1C2", cscMatrixR1C2, lo, hi}, {"cscMatrixR2C0", cscMatrixR2C0, lo, hi},
       {"cscMatrixR2C1", cscMatrixR2C1, lo, hi}, {"cscMatrixR2C2", cscMatrixR2C2, lo, hi}},
      [&](aipp::Header& h) {
        h.csc = cscSwitch;
        std::copy(m, m + 9, h.matrix);
        std::copy(out_bias, out_bias + 3, h.out_bias);
        std::copy(in_bias, in_bias + 3, h.in_bias);
      });
} ACL_API_CATCH

aclError aclmdlSetAIPPRbuvSwapSwitch(aclmdlAIPP* aippParmsSet, int8_t rbuvSwapSwitch) ACL_API_TRY {
  ACL_API();
  return set_header(__func__, aippParmsSet, {{"rbuvSwapSwitch", rbuvSwapSwitch, 0, 1}},
                    [&](aipp::Header& h) { h.rbuv_swap = rbuvSwapSwitch; });
} ACL_API_CATCH

aclError aclmdlSetAIPPAxSwapSwitch(aclmdlAIPP* aippParmsSet, int8_t axSwapSwitch) ACL_API_TRY {
  ACL_API();
  return set_header(__func__, aippParmsSet, {{"axSwapSwitch", axSwapSwitch, 0, 1}},
                    [&](aipp::Header& h) { h.ax_swap = axSwapSwitch; });
} ACL_API_CATCH

aclError aclmdlSetAIPPSrcImageSize(aclmdlAIPP* aippParmsSet, int32_t srcImageSizeW,
                                   int32_t srcImageSizeH) ACL_API_TRY {
  ACL_API();
  return set_header(__func__, aippParmsSet,
                    {{"srcImageSizeW", srcImageSizeW, 2, 4096}, {"srcImageSizeH", srcImageSizeH, 1, 4096}},
                    [&](aipp::Header& h) { h.src_w = srcImageSizeW, h.src_h = srcImageSizeH; });
} ACL_API_CATCH

aclError aclmdlSetAIPPScfParams(aclmdlAIPP* aippParmsSet, int8_t scfSwitch, int32_t scfInputSizeW,
                                int32_t scfInputSizeH, int32_t scfOutputSizeW, int32_t scfOutputSizeH,
                                uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  const char* fn = __func__;
  // Unlike crop and padding, the switch is stored before the sizes are checked, and a ratio outside
  // [1/16, 16] turns scaling off (the behaviour tests/test_aipp_dynamic.py was written against).
  return with_aipp(fn, aippParmsSet, [&](aipp::Params& p) -> aclError {
    if (aclError e = batch_index(fn, p, batchIndex)) return e;
    if (aclError e = check(fn, {{"scfSwitch", scfSwitch, 0, 1}})) return e;
    aipp::BatchParams& b = p.batches[batchIndex];
    b.scf = scfSwitch;
    if (!scfSwitch) return ACL_SUCCESS;
    if (aclError e = check(fn, {{"scfInputSizeW", scfInputSizeW, 16, 4096},
                                {"scfInputSizeH", scfInputSizeH, 16, 4096},
                                {"scfOutputSizeW", scfOutputSizeW, 16, 1920},
                                {"scfOutputSizeH", scfOutputSizeH, 16, 4096}}))
      return e;
    if (scfOutputSizeW * 16 < scfInputSizeW || scfOutputSizeW > scfInputSizeW * 16 ||
        scfOutputSizeH * 16 < scfInputSizeH || scfOutputSizeH > scfInputSizeH * 16) {
      b.scf = 0;
      return fail(ACL_ERROR_INVALID_PARAM,
                  "%s: the scaling ratio scfOutputSize/scfInputSize (%dx%d -> %dx%d) must lie in [1/16, 16]", fn,
                  scfInputSizeW, scfInputSizeH, scfOutputSizeW, scfOutputSizeH);
    }
    b.scf_in_w = scfInputSizeW, b.scf_in_h = scfInputSizeH;
    b.scf_out_w = scfOutputSizeW, b.scf_out_h = scfOutputSizeH;
    return ACL_SUCCESS;
  });
} ACL_API_CATCH

aclError aclmdlSetAIPPCropParams(aclmdlAIPP* aippParmsSet, int8_t cropSwitch, int32_t cropStartPosW,
                                 int32_t cropStartPosH, int32_t cropSizeW, int32_t cropSizeH,
                                 uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  return set_switched(__func__, aippParmsSet, batchIndex, "cropSwitch", cropSwitch, &aipp::BatchParams::crop,
                      {{"cropStartPosW", cropStartPosW, 0, 4095}, {"cropStartPosH", cropStartPosH, 0, 4095},
                       {"cropSizeW", cropSizeW, 1, 4096}, {"cropSizeH", cropSizeH, 1, 4096}},
                      [&](aipp::BatchParams& b) {
                        b.crop_x = cropStartPosW, b.crop_y = cropStartPosH;
                        b.crop_w = cropSizeW, b.crop_h = cropSizeH;
                      });
} ACL_API_CATCH

aclError aclmdlSetAIPPPaddingParams(aclmdlAIPP* aippParmsSet, int8_t paddingSwitch, int32_t paddingSizeTop,
                                    int32_t paddingSizeBottom, int32_t paddingSizeLeft, int32_t paddingSizeRight,
                                    uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  return set_switched(__func__, aippParmsSet, batchIndex, "paddingSwitch", paddingSwitch,
                      &aipp::BatchParams::padding,
                      {{"paddingSizeTop", paddingSizeTop, 0, 32}, {"paddingSizeBottom", paddingSizeBottom, 0, 32},
                       {"paddingSizeLeft", paddingSizeLeft, 0, 32}, {"paddingSizeRight", paddingSizeRight, 0, 32}},
                      [&](aipp::BatchParams& b) {
                        b.pad_top = paddingSizeTop, b.pad_bottom = paddingSizeBottom;
                        b.pad_left = paddingSizeLeft, b.pad_right = paddingSizeRight;
                      });
} ACL_API_CATCH

aclError aclmdlSetAIPPDtcPixelMean(aclmdlAIPP* aippParmsSet, int16_t dtcPixelMeanChn0, int16_t dtcPixelMeanChn1,
                                   int16_t dtcPixelMeanChn2, int16_t dtcPixelMeanChn3,
                                   uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  const int16_t v[4] = {dtcPixelMeanChn0, dtcPixelMeanChn1, dtcPixelMeanChn2, dtcPixelMeanChn3};
  return set_channels(__func__, aippParmsSet, batchIndex, "dtcPixelMeanChn", v, 0, 255, &aipp::BatchParams::mean);
} ACL_API_CATCH

aclError aclmdlSetAIPPDtcPixelMin(aclmdlAIPP* aippParmsSet, float dtcPixelMinChn0, float dtcPixelMinChn1,
                                  float dtcPixelMinChn2, float dtcPixelMinChn3, uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  const float v[4] = {dtcPixelMinChn0, dtcPixelMinChn1, dtcPixelMinChn2, dtcPixelMinChn3};
  return set_channels(__func__, aippParmsSet, batchIndex, "dtcPixelMinChn", v, 0, 255, &aipp::BatchParams::min);
} ACL_API_CATCH

aclError aclmdlSetAIPPPixelVarReci(aclmdlAIPP* aippParmsSet, float dtcPixelVarReciChn0, float dtcPixelVarReciChn1,
                                   float dtcPixelVarReciChn2, float dtcPixelVarReciChn3,
                                   uint64_t batchIndex) ACL_API_TRY {
  ACL_API();
  const float v[4] = {dtcPixelVarReciChn0, dtcPixelVarReciChn1, dtcPixelVarReciChn2, dtcPixelVarReciChn3};
  return set_channels(__func__, aippParmsSet, batchIndex, "dtcPixelVarReciChn", v, -65504, 65504,
                      &aipp::BatchParams::var);
} ACL_API_CATCH

aclError aclmdlSetInputAIPP(uint32_t modelId, aclmdlDataset* dataset, size_t index,
                            const aclmdlAIPP* aippParmsSet) ACL_API_TRY {
  ACL_API();
  return set_input(__func__, modelId, dataset, index, true, aippParmsSet);
} ACL_API_CATCH

aclError aclmdlSetAIPPByInputIndex(uint32_t modelId, aclmdlDataset* dataset, size_t index,
                                   const aclmdlAIPP* aippParmsSet) ACL_API_TRY {
  ACL_API();
  return set_input(__func__, modelId, dataset, index, false, aippParmsSet);
} ACL_API_CATCH

}  // extern "C"
