// What the host runtime does not implement: video encode (aclvenc*; decode is vdec.cpp),
// histograms, LUT equalisation, pyramids and batch crop-resize-border. Every function exists (no
// missing symbol); each fails: aclError ones with ACL_ERROR_FEATURE_UNSUPPORTED, handle ones with
// NULL, number ones with 0, each leaving aclGetRecentErrMsg saying the host runtime lacks it.
#include "common.h"

using namespace acl_dvpp;

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif

extern "C" {

aclvencChannelDesc* aclvencCreateChannelDesc(void) {
  unsupported(__func__);
  return nullptr;
}

aclError aclvencDestroyChannelDesc(aclvencChannelDesc* channelDesc) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescThreadId(aclvencChannelDesc* channelDesc, uint64_t threadId) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescCallback(aclvencChannelDesc* channelDesc, aclvencCallback callback) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescEnType(aclvencChannelDesc* channelDesc, acldvppStreamFormat enType) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescPicFormat(aclvencChannelDesc* channelDesc, acldvppPixelFormat picFormat) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescPicWidth(aclvencChannelDesc* channelDesc, uint32_t picWidth) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescPicHeight(aclvencChannelDesc* channelDesc, uint32_t picHeight) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescKeyFrameInterval(aclvencChannelDesc* channelDesc, uint32_t keyFrameInterval) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescBufAddr(aclvencChannelDesc* channelDesc, void* bufAddr) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescBufSize(aclvencChannelDesc* channelDesc, uint32_t bufSize) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescRcMode(aclvencChannelDesc* channelDesc, uint32_t rcMode) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescSrcRate(aclvencChannelDesc* channelDesc, uint32_t srcRate) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescMaxBitRate(aclvencChannelDesc* channelDesc, uint32_t maxBitRate) {
  return unsupported(__func__);
}

aclError aclvencSetChannelDescParam(aclvencChannelDesc* channelDesc, aclvencChannelDescParamType paramType, size_t length, const void* param) {
  return unsupported(__func__);
}

void* aclvencGetChannelDescBufAddr(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return nullptr;
}

uint32_t aclvencGetChannelDescBufSize(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescChannelId(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint64_t aclvencGetChannelDescThreadId(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint64_t();
}

aclvencCallback aclvencGetChannelDescCallback(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return nullptr;
}

acldvppStreamFormat aclvencGetChannelDescEnType(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return static_cast<acldvppStreamFormat>(0);
}

acldvppPixelFormat aclvencGetChannelDescPicFormat(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return static_cast<acldvppPixelFormat>(0);
}

uint32_t aclvencGetChannelDescPicWidth(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescPicHeight(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescKeyFrameInterval(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescRcMode(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescSrcRate(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

uint32_t aclvencGetChannelDescMaxBitRate(const aclvencChannelDesc* channelDesc) {
  unsupported(__func__);
  return uint32_t();
}

aclError aclvencGetChannelDescParam(const aclvencChannelDesc* channelDesc, aclvencChannelDescParamType paramType, size_t length, size_t* paramRetSize, void* param) {
  return unsupported(__func__);
}

uint8_t aclvencGetFrameConfigForceIFrame(const aclvencFrameConfig* config) {
  unsupported(__func__);
  return uint8_t();
}

uint8_t aclvencGetFrameConfigEos(const aclvencFrameConfig* config) {
  unsupported(__func__);
  return uint8_t();
}

aclError aclvencSetFrameConfigForceIFrame(aclvencFrameConfig* config, uint8_t forceIFrame) {
  return unsupported(__func__);
}

aclError aclvencSetFrameConfigEos(aclvencFrameConfig* config, uint8_t eos) {
  return unsupported(__func__);
}

aclError aclvencDestroyFrameConfig(aclvencFrameConfig* config) {
  return unsupported(__func__);
}

aclvencFrameConfig* aclvencCreateFrameConfig(void) {
  unsupported(__func__);
  return nullptr;
}

aclError aclvencCreateChannel(aclvencChannelDesc* channelDesc) {
  return unsupported(__func__);
}

aclError aclvencDestroyChannel(aclvencChannelDesc* channelDesc) {
  return unsupported(__func__);
}

aclError aclvencSendFrame(aclvencChannelDesc* channelDesc, acldvppPicDesc* input, void* reserve, aclvencFrameConfig* config, void* userdata) {
  return unsupported(__func__);
}

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
