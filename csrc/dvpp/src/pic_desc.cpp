// Picture descriptions (acldvppPicDesc) and batches of them (acldvppBatchPicDesc).
// Plain records: checks happen where a picture is used (VPC, JPEGD, JPEGE, PNGD).
#include <memory>
#include <new>
#include <vector>

#include "common.h"

struct acldvppBatchPicDesc {
  std::vector<acldvppPicDesc> pics;
};

using namespace acl_dvpp;

#define PIC_SETTER(fn, type, field)                 \
  aclError fn(acldvppPicDesc* picDesc, type value) { \
    DVPP_NULL(picDesc);                              \
    picDesc->field = value;                          \
    return ACL_SUCCESS;                              \
  }
#define PIC_GETTER(fn, type, field)                                   \
  type fn(const acldvppPicDesc* picDesc) {                            \
    if (!picDesc) {                                                   \
      note(__func__, "picDesc must not be NULL");                     \
      return static_cast<type>(0);                                                \
    }                                                                 \
    return picDesc->field;                                            \
  }

extern "C" {

acldvppPicDesc* acldvppCreatePicDesc(void) { return new (std::nothrow) acldvppPicDesc(); }

aclError acldvppDestroyPicDesc(acldvppPicDesc* picDesc) {
  DVPP_NULL(picDesc);
  delete picDesc;
  return ACL_SUCCESS;
}

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
  if (batchSize == 0) {
    note(__func__, "batchSize must be greater than 0");
    return nullptr;
  }
  std::unique_ptr<acldvppBatchPicDesc> b(new (std::nothrow) acldvppBatchPicDesc());
  if (!b) return nullptr;
  try {
    b->pics.resize(batchSize);
  } catch (const std::bad_alloc&) {
    note(__func__, "cannot allocate %u picture descriptions", batchSize);
    return nullptr;
  }
  return b.release();
}

acldvppPicDesc* acldvppGetPicDesc(acldvppBatchPicDesc* batchPicDesc, uint32_t index) {
  if (!batchPicDesc) {
    note(__func__, "batchPicDesc must not be NULL");
    return nullptr;
  }
  if (index >= batchPicDesc->pics.size()) {
    note(__func__, "index %u is outside the batch of %zu", index, batchPicDesc->pics.size());
    return nullptr;
  }
  return &batchPicDesc->pics[index];
}

aclError acldvppDestroyBatchPicDesc(acldvppBatchPicDesc* batchPicDesc) {
  DVPP_NULL(batchPicDesc);
  delete batchPicDesc;
  return ACL_SUCCESS;
}

}  // extern "C"
