// The small configurations: ROI (inclusive box), resize (interpolation), JPEG encode (level)
// and border (type, widths, fill values). Values are checked where they are used.
#include <memory>
#include <new>

#include "handles.h"

using namespace acl_dvpp;

namespace {

template <typename T>
std::shared_ptr<T> make() {
  return std::shared_ptr<T>(new (std::nothrow) T());
}

}  // namespace

#define CFG_SET(fn, type, arg, field, value_type) \
  aclError fn(type* arg, value_type value) {      \
    Access a(__func__);                           \
    type* c = a.get(arg, #arg);                   \
    if (!c) return a.error();                     \
    c->field = value;                             \
    return ACL_SUCCESS;                           \
  }
#define CFG_GET(fn, type, arg, field, value_type) \
  value_type fn(const type* arg) {                \
    Access a(__func__);                           \
    type* c = a.get(arg, #arg);                   \
    return c ? c->field : static_cast<value_type>(0); \
  }
// A setter's first lines: the live configuration `c`, or the error.
#define CFG_ACCESS(type, arg)   \
  Access a(__func__);           \
  type* c = a.get(arg, #arg);   \
  if (!c) return a.error()

extern "C" {

/* ---- ROI ---- */
acldvppRoiConfig* acldvppCreateRoiConfig(uint32_t left, uint32_t right, uint32_t top, uint32_t bottom) {
  std::shared_ptr<acldvppRoiConfig> c = make<acldvppRoiConfig>();
  if (c) *c = acldvppRoiConfig{left, right, top, bottom};
  return create(__func__, std::move(c));
}
aclError acldvppDestroyRoiConfig(acldvppRoiConfig* roiConfig) { return destroy(__func__, roiConfig, "roiConfig"); }
CFG_SET(acldvppSetRoiConfigLeft, acldvppRoiConfig, config, left, uint32_t)
CFG_SET(acldvppSetRoiConfigRight, acldvppRoiConfig, config, right, uint32_t)
CFG_SET(acldvppSetRoiConfigTop, acldvppRoiConfig, config, top, uint32_t)
CFG_SET(acldvppSetRoiConfigBottom, acldvppRoiConfig, config, bottom, uint32_t)
aclError acldvppSetRoiConfig(acldvppRoiConfig* config, uint32_t left, uint32_t right, uint32_t top,
                             uint32_t bottom) {
  CFG_ACCESS(acldvppRoiConfig, config);
  *c = acldvppRoiConfig{left, right, top, bottom};
  return ACL_SUCCESS;
}

/* ---- resize ---- */
acldvppResizeConfig* acldvppCreateResizeConfig(void) { return create(__func__, make<acldvppResizeConfig>()); }
aclError acldvppDestroyResizeConfig(acldvppResizeConfig* resizeConfig) {
  return destroy(__func__, resizeConfig, "resizeConfig");
}
aclError acldvppSetResizeConfigInterpolation(acldvppResizeConfig* resizeConfig, uint32_t interpolation) {
  CFG_ACCESS(acldvppResizeConfig, resizeConfig);
  // 0 default (bilinear on 310), 1 bilinear, 2 nearest (aclcppdevg "acldvppSetResizeConfigInterpolation").
  if (interpolation > 2)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "interpolation %u is not 0 (default), 1 (bilinear) or 2 (nearest)",
                     interpolation);
  c->interpolation = interpolation;
  return ACL_SUCCESS;
}
CFG_GET(acldvppGetResizeConfigInterpolation, acldvppResizeConfig, resizeConfig, interpolation, uint32_t)

/* ---- JPEG encode ---- */
acldvppJpegeConfig* acldvppCreateJpegeConfig(void) { return create(__func__, make<acldvppJpegeConfig>()); }
aclError acldvppDestroyJpegeConfig(acldvppJpegeConfig* jpegeConfig) {
  return destroy(__func__, jpegeConfig, "jpegeConfig");
}
aclError acldvppSetJpegeConfigLevel(acldvppJpegeConfig* jpegeConfig, uint32_t level) {
  CFG_ACCESS(acldvppJpegeConfig, jpegeConfig);
  // Level [0, 100]; 0 behaves as 100 (aclcppdevg "acldvppSetJpegeConfigLevel").
  if (level > 100) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "level %u is outside [0, 100]", level);
  c->level = level;
  return ACL_SUCCESS;
}
CFG_GET(acldvppGetJpegeConfigLevel, acldvppJpegeConfig, jpegeConfig, level, uint32_t)

/* ---- border ---- */
acldvppBorderConfig* acldvppCreateBorderConfig(void) { return create(__func__, make<acldvppBorderConfig>()); }
aclError acldvppDestroyBorderConfig(acldvppBorderConfig* borderConfig) {
  return destroy(__func__, borderConfig, "borderConfig");
}
aclError acldvppSetBorderConfigValue(acldvppBorderConfig* borderConfig, uint32_t index, double value) {
  CFG_ACCESS(acldvppBorderConfig, borderConfig);
  if (index > 3) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "index %u is outside [0, 3]", index);
  c->value[index] = value;
  return ACL_SUCCESS;
}
double acldvppGetBorderConfigValue(const acldvppBorderConfig* borderConfig, uint32_t index) {
  Access a(__func__);
  acldvppBorderConfig* c = a.get(borderConfig, "borderConfig");
  if (!c) return -1.0;
  if (index > 3) {
    note(__func__, "index %u is outside [0, 3]", index);
    return -1.0;
  }
  return c->value[index];
}
aclError acldvppSetBorderConfigBorderType(acldvppBorderConfig* borderConfig, acldvppBorderType borderType) {
  CFG_ACCESS(acldvppBorderConfig, borderConfig);
  if (borderType < BORDER_CONSTANT || borderType > BORDER_REFLECT_101)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "borderType %d is not an acldvppBorderType", borderType);
  c->type = borderType;
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
