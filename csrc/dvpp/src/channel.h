// Channel checks shared by the image operations.
#pragma once

#include "common.h"

namespace acl_dvpp {

// The channel exists (acldvppCreateChannel) and serves `mode` (a DVPP_CHNMODE_* bit).
aclError check_channel(const char* api, const acldvppChannelDesc* channel, uint32_t mode);

}  // namespace acl_dvpp
