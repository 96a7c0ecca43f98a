/* acl-async host runtime: the single-operator types that acl_op_compiler.h and
 * ops/acl_cblas.h use. The host runtime runs whole models only, so this header
 * declares no aclop* functions. Written for acl-async; values match CANN.
 * Valid C99/C++11. */
#ifndef ACL_ASYNC_ACL_OP_H
#define ACL_ASYNC_ACL_OP_H

#include "acl_base.h"
#include "acl_base_mdl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aclopHandle aclopHandle;
typedef struct aclopAttr aclopAttr;

typedef enum {
  ACL_ENGINE_SYS,
  ACL_ENGINE_AICORE,
  ACL_ENGINE_VECTOR
} aclopEngineType;

#ifdef __cplusplus
}
#endif

#endif /* ACL_ASYNC_ACL_OP_H */
