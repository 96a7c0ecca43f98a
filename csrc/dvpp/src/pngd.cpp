// PNGD: not implemented on the CPU (no PNG library in the build yet): each call fails with
// ACL_ERROR_FEATURE_UNSUPPORTED and says so.
#include "common.h"

using namespace acl_dvpp;

extern "C" {

aclError acldvppPngGetImageInfo(const void*, uint32_t, uint32_t*, uint32_t*, int32_t*) {
  return unsupported(__func__);
}

aclError acldvppPngPredictDecSize(const void*, uint32_t, acldvppPixelFormat, uint32_t*) {
  return unsupported(__func__);
}

aclError acldvppPngDecodeAsync(acldvppChannelDesc*, const void*, uint32_t, acldvppPicDesc*, aclrtStream) {
  return unsupported(__func__);
}

}  // extern "C"
