// Picture descriptions (acldvppPicDesc) and batches of them (acldvppBatchPicDesc).
// Plain records: their values are checked where a picture is used (VPC, JPEGD, JPEGE, PNGD);
// the handles are looked up in the registry (handles.h) by every call.
#include <memory>
#include <new>
#include <vector>

#include "handles.h"

using namespace acl_dvpp;

#define PIC_SETTER(fn, type, field)                    \
  aclError fn(acldvppPicDesc* picDesc, type value) {   \
    Access a(__func__);                                \
    acldvppPicDesc* p = a.get(picDesc, "picDesc");     \
    if (!p) return a.error();                          \
    p->field = value;                                  \
    return ACL_SUCCESS;                                \
  }
#define PIC_GETTER(fn, type, field)                    \
  type fn(const acldvppPicDesc* picDesc) {             \
    Access a(__func__);                                \
    acldvppPicDesc* p = a.get(picDesc, "picDesc");     \
    return p ? p->field : static_cast<type>(0);        \
  }

extern "C" {

acldvppPicDesc* acldvppCreatePicDesc(void) {
  return create(__func__, std::shared_ptr<acldvppPicDesc>(new (std::nothrow) acldvppPicDesc()));
}

aclError acldvppDestroyPicDesc(acldvppPicDesc* picDesc) { return destroy(__func__, picDesc, "picDesc"); }

PIC_SETTER(acldvppSetPicDescData, void*, data)
PIC_SETTER(acldvppSetPicDescSize, uint32_t, size)
PIC_SETTER(acldvppSetPicDescFormat, acldvppPixelFormat, format)
PIC_SETTER(acldvppSetPicDescWidth, uint32_t, width)
PIC_SETTER(acldvppSetPicDescHeight, uint32_t, height)
PIC_SETTER(acldvppSetPicDescWidthStride, uint32_t, width_stride)
PIC_SETTER(acldvppSetPicDescHeightStride, uint32_t, height_stride)
PIC_SETTER(acldvppSetPicDescRetCode, uint32_t, ret_code)
PIC_GETTER(acldvppGetPicDescData, void*, data)
PIC_GETTER(acldvppGetPicDescSize, uint32_t, size)
PIC_GETTER(acldvppGetPicDescFormat, acldvppPixelFormat, format)
PIC_GETTER(acldvppGetPicDescWidth, uint32_t, width)
PIC_GETTER(acldvppGetPicDescHeight, uint32_t, height)
PIC_GETTER(acldvppGetPicDescWidthStride, uint32_t, width_stride)
PIC_GETTER(acldvppGetPicDescHeightStride, uint32_t, height_stride)
PIC_GETTER(acldvppGetPicDescRetCode, uint32_t, ret_code)

acldvppBatchPicDesc* acldvppCreateBatchPicDesc(uint32_t batchSize) {
  // No batch call takes more than 256 pictures (aclcppdevg, acldvppVpcBatchCropAsync: "roiNums[0] + ... +
  // roiNums[size-1] <= 256"); a description of millions is refused before it is allocated.
  constexpr uint32_t kMaxBatchPictures = 65536;
  if (batchSize == 0 || batchSize > kMaxBatchPictures) {
    note(__func__, "batchSize must be in 1..%u (got %u)", kMaxBatchPictures, batchSize);
    return nullptr;
  }
  std::shared_ptr<acldvppBatchPicDesc> b;
  try {
    b = std::make_shared<acldvppBatchPicDesc>();
    b->pics.resize(batchSize);
  } catch (const std::bad_alloc&) {
    note(__func__, "cannot allocate %u picture descriptions", batchSize);
    return nullptr;
  }
  std::lock_guard<std::recursive_mutex> lock(handles::mutex());
  // The pictures are live handles too (acldvppGetPicDesc hands them out), owned by the batch.
  for (acldvppPicDesc& p : b->pics) {
    if (!handles::add(__func__, Kind::Pic, &p, std::shared_ptr<void>(b, &p), b.get())) {
      for (acldvppPicDesc& q : b->pics) handles::forget(&q);
      return nullptr;
    }
  }
  acldvppBatchPicDesc* raw = b.get();
  if (!handles::add(__func__, Kind::BatchPic, raw, b)) {
    for (acldvppPicDesc& q : b->pics) handles::forget(&q);
    return nullptr;
  }
  return raw;
}

acldvppPicDesc* acldvppGetPicDesc(acldvppBatchPicDesc* batchPicDesc, uint32_t index) {
  Access a(__func__);
  acldvppBatchPicDesc* b = a.get(batchPicDesc, "batchPicDesc");
  if (!b) return nullptr;
  if (index >= b->pics.size()) {
    note(__func__, "index %u is outside the batch of %zu", index, b->pics.size());
    return nullptr;
  }
  return &b->pics[index];
}

aclError acldvppDestroyBatchPicDesc(acldvppBatchPicDesc* batchPicDesc) {
  return destroy(__func__, batchPicDesc, "batchPicDesc");
}

}  // extern "C"
