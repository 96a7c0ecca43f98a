// Entry points of CANN libraries the host runtime declares but cannot run:
// the BLAS matrix-vector functions (acl/ops/acl_cblas.h; the matrix-matrix ones
// are blas_gemm.cpp), single-operator compilation at run
// time (acl/acl_op_compiler.h) and per-operator exception info
// (aclmdlCreateAndGetOpDesc). Models run whole on OpenVINO, and single operators
// only from models `atc --singleop` built ahead (single_op.cpp): there is no
// operator compiler and no per-task operator record. Each returns
// ACL_ERROR_API_NOT_SUPPORT and aclGetRecentErrMsg() says so. They live in
// libascendcl.so; libacl_cblas.so and libacl_op_compiler.so load it (CMakeLists.txt).
#include "acl/acl.h"
#include "acl/acl_op_compiler.h"
#include "acl/ops/acl_cblas.h"
#include "detail/error.h"

namespace {

aclError no_single_ops() {
  return acl_host::fail(ACL_ERROR_API_NOT_SUPPORT,
                        "the host runtime compiles no operator at run time and has no BLAS matrix-vector operator: "
                        "single operators run from the models `acl-async atc --singleop` builds ahead (acl_op.h, "
                        "the aclblas GEMM functions)");
}

aclError no_handle(aclopHandle** handle) {
  if (handle) *handle = nullptr;
  return no_single_ops();
}

}  // namespace

extern "C" {

// ---- acl/ops/acl_cblas.h ----
aclError aclblasGemvEx(aclTransType, int, int, const void*, const void*, int, aclDataType, const void*, int,
                       aclDataType, const void*, void*, int, aclDataType, aclComputeType, aclrtStream) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclblasCreateHandleForGemvEx(aclTransType, int, int, aclDataType, aclDataType, aclDataType, aclComputeType,
                                      aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return no_handle(handle);
} ACL_API_CATCH
aclError aclblasHgemv(aclTransType, int, int, const aclFloat16*, const aclFloat16*, int, const aclFloat16*, int,
                      const aclFloat16*, aclFloat16*, int, aclComputeType, aclrtStream) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclblasCreateHandleForHgemv(aclTransType, int, int, aclComputeType, aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return no_handle(handle);
} ACL_API_CATCH
aclError aclblasS8gemv(aclTransType, int, int, const int32_t*, const int8_t*, int, const int8_t*, int, const int32_t*,
                       int32_t*, int, aclComputeType, aclrtStream) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclblasCreateHandleForS8gemv(aclTransType, int, int, aclComputeType, aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return no_handle(handle);
} ACL_API_CATCH
// ---- acl/acl_op_compiler.h ----
aclError aclopCompile(const char*, int, const aclTensorDesc* const[], int, const aclTensorDesc* const[],
                      const aclopAttr*, aclopEngineType, aclopCompileType, const char*) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclopCompileAndExecute(const char*, int, const aclTensorDesc* const[], const aclDataBuffer* const[], int,
                                const aclTensorDesc* const[], aclDataBuffer* const[], const aclopAttr*,
                                aclopEngineType, aclopCompileType, const char*, aclrtStream) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclopCompileAndExecuteV2(const char*, int, aclTensorDesc*[], aclDataBuffer*[], int, aclTensorDesc*[],
                                  aclDataBuffer*[], aclopAttr*, aclopEngineType, aclopCompileType, const char*,
                                  aclrtStream) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclSetCompileopt(aclCompileOpt, const char*) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
size_t aclGetCompileoptSize(aclCompileOpt) ACL_API_TRY {
  ACL_API();
  no_single_ops();
  return 0;
} ACL_API_CATCH
aclError aclGetCompileopt(aclCompileOpt, char*, size_t) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclopSetCompileFlag(aclOpCompileFlag) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclError aclGenGraphAndDumpForOp(const char*, int, const aclTensorDesc* const[], const aclDataBuffer* const[], int,
                                 const aclTensorDesc* const[], aclDataBuffer* const[], const aclopAttr*,
                                 aclopEngineType, const char*, const aclGraphDumpOption*) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH
aclGraphDumpOption* aclCreateGraphDumpOpt(void) ACL_API_TRY {
  ACL_API();
  no_single_ops();
  return nullptr;
} ACL_API_CATCH
aclError aclDestroyGraphDumpOpt(const aclGraphDumpOption*) ACL_API_TRY {
  ACL_API();
  return no_single_ops();
} ACL_API_CATCH

// ---- acl/acl_mdl.h ----
aclError aclmdlCreateAndGetOpDesc(uint32_t, uint32_t, uint32_t taskId, char* opName, size_t opNameLen,
                                  aclTensorDesc** inputDesc, size_t* numInputs, aclTensorDesc** outputDesc,
                                  size_t* numOutputs) ACL_API_TRY {
  ACL_API();
  if (!opName || opNameLen == 0 || !inputDesc || !numInputs || !outputDesc || !numOutputs)
    return acl_host::fail(ACL_ERROR_INVALID_PARAM, "opName, inputDesc, numInputs, outputDesc and numOutputs "
                                                   "must not be NULL (opNameLen > 0)");
  opName[0] = '\0';
  *inputDesc = *outputDesc = nullptr;
  *numInputs = *numOutputs = 0;
  return acl_host::fail(ACL_ERROR_API_NOT_SUPPORT,
                        "task %u: no operator description on the host runtime (a model executes as one task "
                        "on OpenVINO, with no per-operator task records)",
                        taskId);
} ACL_API_CATCH

}  // extern "C"
