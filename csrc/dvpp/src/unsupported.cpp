// What the host runtime does not implement (video: vdec.cpp, venc.cpp): histograms, LUT
// equalisation, pyramids and batch crop-resize-border. Every function exists (no missing symbol);
// each fails: aclError ones with ACL_ERROR_FEATURE_UNSUPPORTED, handle ones with NULL, number ones
// with 0, each leaving aclGetRecentErrMsg saying the host runtime lacks it.
#include "common.h"

using namespace acl_dvpp;

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif

extern "C" {

aclError acldvppVpcPyrDownAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* inputDesc, acldvppPicDesc* outputDesc, void* reserve, aclrtStream stream) {
  return unsupported(__func__);
}

acldvppLutMap* acldvppCreateLutMap(void) {
  unsupported(__func__);
  return nullptr;
}

aclError acldvppDestroyLutMap(acldvppLutMap* lutMap) {
  return unsupported(__func__);
}

uint32_t acldvppGetLutMapDims(const acldvppLutMap* lutMap) {
  unsupported(__func__);
  return uint32_t();
}

aclError acldvppGetLutMapData(const acldvppLutMap* lutMap, uint32_t dim, uint8_t** data, uint32_t* len) {
  return unsupported(__func__);
}

aclError acldvppVpcEqualizeHistAsync(const acldvppChannelDesc* channelDesc, const acldvppPicDesc* inputDesc, acldvppPicDesc* outputDesc, const acldvppLutMap* lutMap, aclrtStream stream) {
  return unsupported(__func__);
}

aclError acldvppVpcCalcHistAsync(acldvppChannelDesc* channelDesc, acldvppPicDesc* srcPicDesc, acldvppHist* hist, void* reserve, aclrtStream stream) {
  return unsupported(__func__);
}

acldvppHist* acldvppCreateHist(void) {
  unsupported(__func__);
  return nullptr;
}

aclError acldvppDestroyHist(acldvppHist* hist) {
  return unsupported(__func__);
}

uint32_t acldvppGetHistDims(acldvppHist* hist) {
  unsupported(__func__);
  return uint32_t();
}

aclError acldvppGetHistData(acldvppHist* hist, uint32_t dim, uint32_t** data, uint16_t* len) {
  return unsupported(__func__);
}

uint32_t acldvppGetHistRetCode(acldvppHist* hist) {
  unsupported(__func__);
  return uint32_t();
}

aclError acldvppClearHist(acldvppHist* hist) {
  return unsupported(__func__);
}

aclError acldvppVpcBatchCropResizeMakeBorderAsync(acldvppChannelDesc* channelDesc, acldvppBatchPicDesc* srcBatchPicDescs, uint32_t* roiNums, uint32_t size, acldvppBatchPicDesc* dstBatchPicDescs, acldvppRoiConfig* cropAreas[], acldvppBorderConfig* borderCfgs[], acldvppResizeConfig* resizeConfig, aclrtStream stream) {
  return unsupported(__func__);
}

}  // extern "C"
