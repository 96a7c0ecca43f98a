/* acl-async host runtime: the AscendCL C API subset it implements. */
#ifndef ACL_ASYNC_ACL_H
#define ACL_ASYNC_ACL_H

#include "acl_rt.h"
#include "acl_op.h"
#include "acl_mdl.h"

#endif /* ACL_ASYNC_ACL_H */
