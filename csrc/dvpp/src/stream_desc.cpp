// Stream descriptions (acldvppStreamDesc): compressed data for video decode; plain records.
#include <new>

#include "common.h"

using namespace acl_dvpp;

#define SD_SET(fn, type, field)                         \
  aclError fn(acldvppStreamDesc* streamDesc, type value) { \
    DVPP_NULL(streamDesc);                                 \
    streamDesc->field = value;                             \
    return ACL_SUCCESS;                                    \
  }
#define SD_GET(fn, type, field)                         \
  type fn(const acldvppStreamDesc* streamDesc) {        \
    if (!streamDesc) {                                  \
      note(__func__, "streamDesc must not be NULL");    \
      return static_cast<type>(0);                                  \
    }                                                   \
    return streamDesc->field;                           \
  }

extern "C" {

acldvppStreamDesc* acldvppCreateStreamDesc(void) { return new (std::nothrow) acldvppStreamDesc(); }

aclError acldvppDestroyStreamDesc(acldvppStreamDesc* streamDesc) {
  DVPP_NULL(streamDesc);
  delete streamDesc;
  return ACL_SUCCESS;
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
