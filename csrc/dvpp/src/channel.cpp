// Image channels (acldvppChannelDesc, acldvppCreateChannel): a channel id, the modes it serves
// (acldvppSetChannelDescMode, before creation; 0 = all) and the CSC matrix parameter.
#include <atomic>
#include <cstring>
#include <memory>
#include <new>

#include "channel.h"
#include "memory.h"

using namespace acl_dvpp;

namespace acl_dvpp {

aclError check_channel(Access& a, const acldvppChannelDesc* h, uint32_t mode) {
  const char* api = a.api();
  const acldvppChannelDesc* channel = a.get(h, "channelDesc");
  if (!channel) return a.error();
  if (!channel->created)
    return fail(api, ACL_ERROR_INVALID_PARAM, "channelDesc has no channel: call acldvppCreateChannel first");
  if (channel->mode != 0 && (channel->mode & mode) == 0)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "the channel was created for modes 0x%x (acldvppSetChannelDescMode), not for this one (0x%x)",
                channel->mode, mode);
  return ACL_SUCCESS;
}

}  // namespace acl_dvpp

extern "C" {

acldvppChannelDesc* acldvppCreateChannelDesc(void) {
  return create(__func__, std::shared_ptr<acldvppChannelDesc>(new (std::nothrow) acldvppChannelDesc()));
}

aclError acldvppDestroyChannelDesc(acldvppChannelDesc* channelDesc) {
  return destroy(__func__, channelDesc, "channelDesc");
}

uint64_t acldvppGetChannelDescChannelId(const acldvppChannelDesc* channelDesc) {
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  return c ? c->channel_id : 0;
}

aclError acldvppSetChannelDescMode(acldvppChannelDesc* channelDesc, uint32_t mode) {
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  if (!c) return a.error();
  const uint32_t all = DVPP_CHNMODE_VPC | DVPP_CHNMODE_JPEGD | DVPP_CHNMODE_JPEGE | DVPP_CHNMODE_PNGD;
  if (mode & ~all)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "mode 0x%x has bits outside acldvppChannelMode (0x%x)", mode, all);
  if (c->created)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "the mode is set before acldvppCreateChannel");
  c->mode = mode;
  return ACL_SUCCESS;
}

aclError acldvppSetChannelDescParam(acldvppChannelDesc* channelDesc, acldvppChannelDescParamType paramType,
                                    size_t length, const void* param) {
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  if (!c) return a.error();
  DVPP_NULL(param);
  if (paramType != ACL_DVPP_CSC_MATRIX_UINT32)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "paramType %d is not ACL_DVPP_CSC_MATRIX_UINT32", paramType);
  if (length != sizeof(uint32_t))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "length %zu is not sizeof(uint32_t)", length);
  ReadPin pin(param, length);
  if (aclError e = check_range(__func__, param, length, "param")) return e;
  uint32_t v;
  std::memcpy(&v, param, sizeof v);
  if (v > ACL_DVPP_CSC_MATRIX_BT2020_NARROW)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "CSC matrix %u is not an acldvppCscMatrix", v);
  c->csc_matrix = v;
  return ACL_SUCCESS;
}

aclError acldvppGetChannelDescParam(const acldvppChannelDesc* channelDesc, acldvppChannelDescParamType paramType,
                                    size_t length, size_t* paramRetSize, void* param) {
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  if (!c) return a.error();
  DVPP_NULL(paramRetSize);
  DVPP_NULL(param);
  if (paramType != ACL_DVPP_CSC_MATRIX_UINT32)
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "paramType %d is not ACL_DVPP_CSC_MATRIX_UINT32", paramType);
  if (length < sizeof(uint32_t))
    return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "length %zu is smaller than sizeof(uint32_t)", length);
  ReadPin pin(param, length), pin_size(paramRetSize, sizeof *paramRetSize);
  if (aclError e = check_range(__func__, param, length, "param")) return e;
  if (aclError e = check_range(__func__, paramRetSize, sizeof *paramRetSize, "paramRetSize")) return e;
  std::memcpy(param, &c->csc_matrix, sizeof(uint32_t));
  *paramRetSize = sizeof(uint32_t);
  return ACL_SUCCESS;
}

aclError acldvppCreateChannel(acldvppChannelDesc* channelDesc) {
  static std::atomic<uint64_t> next_id{0};
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  if (!c) return a.error();
  if (c->created) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "the channel is already created");
  c->channel_id = next_id.fetch_add(1);
  c->created = true;
  return ACL_SUCCESS;
}

aclError acldvppDestroyChannel(acldvppChannelDesc* channelDesc) {
  Access a(__func__);
  acldvppChannelDesc* c = a.get(channelDesc, "channelDesc");
  if (!c) return a.error();
  if (!c->created) return DVPP_FAIL(ACL_ERROR_INVALID_PARAM, "the channel was not created");
  c->created = false;
  return ACL_SUCCESS;
}

}  // extern "C"
