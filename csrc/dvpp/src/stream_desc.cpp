// Stream descriptions (acldvppStreamDesc): compressed data for video decode; plain records,
// looked up in the handle registry (handles.h) by every call.
#include <memory>
#include <new>

#include "handles.h"

using namespace acl_dvpp;

#define SD_SET(fn, type, field)                              \
  aclError fn(acldvppStreamDesc* streamDesc, type value) {   \
    Access a(__func__);                                      \
    acldvppStreamDesc* d = a.get(streamDesc, "streamDesc");  \
    if (!d) return a.error();                                \
    d->field = value;                                        \
    return ACL_SUCCESS;                                      \
  }
#define SD_GET(fn, type, field)                              \
  type fn(const acldvppStreamDesc* streamDesc) {             \
    Access a(__func__);                                      \
    acldvppStreamDesc* d = a.get(streamDesc, "streamDesc");  \
    return d ? d->field : static_cast<type>(0);              \
  }

extern "C" {

acldvppStreamDesc* acldvppCreateStreamDesc(void) {
  return create(__func__, std::shared_ptr<acldvppStreamDesc>(new (std::nothrow) acldvppStreamDesc()));
}

aclError acldvppDestroyStreamDesc(acldvppStreamDesc* streamDesc) {
  return destroy(__func__, streamDesc, "streamDesc");
}

SD_SET(acldvppSetStreamDescData, void*, data)
SD_SET(acldvppSetStreamDescSize, uint32_t, size)
SD_SET(acldvppSetStreamDescFormat, acldvppStreamFormat, format)
SD_SET(acldvppSetStreamDescTimestamp, uint64_t, timestamp)
SD_SET(acldvppSetStreamDescRetCode, uint32_t, ret_code)
SD_SET(acldvppSetStreamDescEos, uint8_t, eos)
SD_GET(acldvppGetStreamDescData, void*, data)
SD_GET(acldvppGetStreamDescSize, uint32_t, size)
SD_GET(acldvppGetStreamDescFormat, acldvppStreamFormat, format)
SD_GET(acldvppGetStreamDescTimestamp, uint64_t, timestamp)
SD_GET(acldvppGetStreamDescRetCode, uint32_t, ret_code)
SD_GET(acldvppGetStreamDescEos, uint8_t, eos)

}  // extern "C"
