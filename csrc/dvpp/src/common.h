// Shared pieces of libacl_dvpp: errors (through libascendcl's recent-error slot), strict
// mode, and the objects behind the opaque description handles.
#pragma once

#define ENABLE_DVPP_INTERFACE
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "acl/ops/acl_dvpp.h"
#include "host_ext.h"

namespace acl_dvpp {

// Records "<api>: <message> (error <code>)" for aclGetRecentErrMsg and returns code.
aclError fail(const char* api, aclError code, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
// Same for functions that return no aclError (a handle, a number).
void note(const char* api, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
inline bool strict() { return acl_host_ext_strict() != 0; }
// ACL_ERROR_FEATURE_UNSUPPORTED with a message saying the host runtime lacks `api`.
aclError unsupported(const char* api);

#define DVPP_FAIL(code, ...) ::acl_dvpp::fail(__func__, (code), __VA_ARGS__)
#define DVPP_NULL(arg) \
  if (!(arg)) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "%s must not be NULL", #arg)

}  // namespace acl_dvpp

// The objects behind the handles (plain data; CANN's are opaque too).
struct acldvppPicDesc {
  void* data = nullptr;
  uint32_t size = 0;
  acldvppPixelFormat format = PIXEL_FORMAT_YUV_400;
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t width_stride = 0;
  uint32_t height_stride = 0;
  uint32_t ret_code = 0;
};

struct acldvppBatchPicDesc {
  std::vector<acldvppPicDesc> pics;  // never resized: the pictures' addresses are their handles
};

struct acldvppRoiConfig {
  uint32_t left = 0, right = 0, top = 0, bottom = 0;
};

struct acldvppResizeConfig {
  uint32_t interpolation = 0;
};

struct acldvppJpegeConfig {
  uint32_t level = 100;
};

struct acldvppBorderConfig {
  double value[4] = {0, 0, 0, 0};
  acldvppBorderType type = BORDER_CONSTANT;
  uint32_t top = 0, bottom = 0, left = 0, right = 0;
};

struct acldvppStreamDesc {
  void* data = nullptr;
  uint32_t size = 0;
  acldvppStreamFormat format = H265_MAIN_LEVEL;
  uint64_t timestamp = 0;
  uint32_t ret_code = 0;
  uint8_t eos = 0;
};

struct acldvppChannelDesc {
  uint64_t channel_id = 0;
  uint32_t mode = 0;  // 0: every mode (CANN's default)
  uint32_t csc_matrix = ACL_DVPP_CSC_MATRIX_BT601_WIDE;
  bool created = false;
};
