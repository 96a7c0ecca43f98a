// The small configurations: ROI (inclusive box), resize (interpolation), JPEG encode (level)
// and border (type, widths, fill values). Values are checked where they are used.
#include <new>

#include "common.h"

using namespace acl_dvpp;

namespace {

template <typename T>
T* create() {
  return new (std::nothrow) T();
}

template <typename T>
aclError destroy(const char* api, T* p) {
  if (!p) return fail(api, ACL_ERROR_INVALID_PARAM, "the configuration must not be NULL");
  delete p;
  return ACL_SUCCESS;
}

}  // namespace

#define CFG_SET(fn, type, arg, field, value_type) \
  aclError fn(type* arg, value_type value) {      \
    DVPP_NULL(arg);                               \
    arg->field = value;                           \
    return ACL_SUCCESS;                           \
  }
#define CFG_GET(fn, type, arg, field, value_type)   \
  value_type fn(const type* arg) {                  \
    if (!arg) {                                     \
      note(__func__, "%s must not be NULL", #arg); \
      return static_cast<value_type>(0);                          \
    }                                               \
    return arg->field;                              \
  }

extern "C" {

/* ---- ROI ---- */
acldvppRoiConfig* acldvppCreateRoiConfig(uint32_t left, uint32_t right, uint32_t top, uint32_t bottom) {
  acldvppRoiConfig* c = create<acldvppRoiConfig>();
  if (c) *c = acldvppRoiConfig{left, right, top, bottom};
  return c;
}
aclError acldvppDestroyRoiConfig(acldvppRoiConfig* roiConfig) { return destroy(__func__, roiConfig); }
CFG_SET(acldvppSetRoiConfigLeft, acldvppRoiConfig, config, left, uint32_t)
CFG_SET(acldvppSetRoiConfigRight, acldvppRoiConfig, config, right, uint32_t)
CFG_SET(acldvppSetRoiConfigTop, acldvppRoiConfig, config, top, uint32_t)
CFG_SET(acldvppSetRoiConfigBottom, acldvppRoiConfig, config, bottom, uint32_t)
aclError acldvppSetRoiConfig(acldvppRoiConfig* config, uint32_t left, uint32_t right, uint32_t top,
                             uint32_t bottom) {
  DVPP_NULL(config);
  *config = acldvppRoiConfig{left, right, top, bottom};
  return ACL_SUCCESS;
}

/* ---- resize ---- */
acldvppResizeConfig* acldvppCreateResizeConfig(void) { return create<acldvppResizeConfig>(); }
aclError acldvppDestroyResizeConfig(acldvppResizeConfig* resizeConfig) { return destroy(__func__, resizeConfig); }
aclError acldvppSetResizeConfigInterpolation(acldvppResizeConfig* resizeConfig, uint32_t interpolation) {
  DVPP_NULL(resizeConfig);
  // 0 default (bilinear on 310), 1 bilinear, 2 nearest (aclcppdevg "acldvppSetResizeConfigInterpolation").
  if (interpolation > 2)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "interpolation %u is not 0 (default), 1 (bilinear) or 2 (nearest)",
                     interpolation);
  resizeConfig->interpolation = interpolation;
  return ACL_SUCCESS;
}
CFG_GET(acldvppGetResizeConfigInterpolation, acldvppResizeConfig, resizeConfig, interpolation, uint32_t)

/* ---- JPEG encode ---- */
acldvppJpegeConfig* acldvppCreateJpegeConfig(void) { return create<acldvppJpegeConfig>(); }
aclError acldvppDestroyJpegeConfig(acldvppJpegeConfig* jpegeConfig) { return destroy(__func__, jpegeConfig); }
aclError acldvppSetJpegeConfigLevel(acldvppJpegeConfig* jpegeConfig, uint32_t level) {
  DVPP_NULL(jpegeConfig);
  // Level [0, 100]; 0 behaves as 100 (aclcppdevg "acldvppSetJpegeConfigLevel").
  if (level > 100) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "level %u is outside [0, 100]", level);
  jpegeConfig->level = level;
  return ACL_SUCCESS;
}
CFG_GET(acldvppGetJpegeConfigLevel, acldvppJpegeConfig, jpegeConfig, level, uint32_t)

/* ---- border ---- */
acldvppBorderConfig* acldvppCreateBorderConfig(void) { return create<acldvppBorderConfig>(); }
aclError acldvppDestroyBorderConfig(acldvppBorderConfig* borderConfig) { return destroy(__func__, borderConfig); }
aclError acldvppSetBorderConfigValue(acldvppBorderConfig* borderConfig, uint32_t index, double value) {
  DVPP_NULL(borderConfig);
  if (index > 3) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "index %u is outside [0, 3]", index);
  borderConfig->value[index] = value;
  return ACL_SUCCESS;
}
double acldvppGetBorderConfigValue(const acldvppBorderConfig* borderConfig, uint32_t index) {
  if (!borderConfig || index > 3) {
    note(__func__, "borderConfig is NULL or index %u is outside [0, 3]", index);
    return -1.0;
  }
  return borderConfig->value[index];
}
aclError acldvppSetBorderConfigBorderType(acldvppBorderConfig* borderConfig, acldvppBorderType borderType) {
  DVPP_NULL(borderConfig);
  if (borderType < BORDER_CONSTANT || borderType > BORDER_REFLECT_101)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "borderType %d is not an acldvppBorderType", borderType);
  borderConfig->type = borderType;
  return ACL_SUCCESS;
}
CFG_GET(acldvppGetBorderConfigBorderType, acldvppBorderConfig, borderConfig, type, acldvppBorderType)
CFG_SET(acldvppSetBorderConfigTop, acldvppBorderConfig, borderConfig, top, uint32_t)
CFG_SET(acldvppSetBorderConfigBottom, acldvppBorderConfig, borderConfig, bottom, uint32_t)
CFG_SET(acldvppSetBorderConfigLeft, acldvppBorderConfig, borderConfig, left, uint32_t)
CFG_SET(acldvppSetBorderConfigRight, acldvppBorderConfig, borderConfig, right, uint32_t)
CFG_GET(acldvppGetBorderConfigTop, acldvppBorderConfig, borderConfig, top, uint32_t)
CFG_GET(acldvppGetBorderConfigBottom, acldvppBorderConfig, borderConfig, bottom, uint32_t)
CFG_GET(acldvppGetBorderConfigLeft, acldvppBorderConfig, borderConfig, left, uint32_t)
CFG_GET(acldvppGetBorderConfigRight, acldvppBorderConfig, borderConfig, right, uint32_t)

}  // extern "C"
