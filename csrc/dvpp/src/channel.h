// Channel checks shared by the image operations.
#pragma once

#include "handles.h"

namespace acl_dvpp {

// The live channel description `channel` (a.get) whose channel exists (acldvppCreateChannel)
// and serves `mode` (a DVPP_CHNMODE_* bit); else ACL_ERROR_INVALID_PARAM with the reason.
aclError check_channel(Access& a, const acldvppChannelDesc* channel, uint32_t mode);

}  // namespace acl_dvpp
