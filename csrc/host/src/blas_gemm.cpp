// The BLAS matrix-matrix functions (acl/ops/acl_cblas.h): C = alpha * op(A) op(B) + beta * C as CANN's
// guide describes aclblasGemmEx ("CBLAS API Call"): the GEMM single operator, built ahead by
// `atc --singleop` (inputs a, b, c, alpha, beta; output c; attributes transpose_a, transpose_b) and
// loaded with aclopSetModelDir, matched and queued like any single operator (single_op.cpp). lda, ldb
// and ldc are reserved (-1); transC is ACL_TRANS_N only; alpha and beta have C's data type.
#include <memory>
#include <vector>

#include "acl/ops/acl_cblas.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/single_op.h"

namespace {

using acl_host::fail;

struct DescDeleter {
  void operator()(aclTensorDesc* d) const { aclDestroyTensorDesc(d); }
};
using Desc = std::unique_ptr<aclTensorDesc, DescDeleter>;

// The GEMM call's descriptions (a, b, c, alpha, beta; then the output c) and attributes.
struct Gemm {
  std::vector<Desc> owned;
  const aclTensorDesc* in[5] = {};
  const aclTensorDesc* out[1] = {};
  aclopAttr attr;

  aclError make(aclTransType ta, aclTransType tb, aclTransType tc, int m, int n, int k, aclDataType a_type,
                aclDataType b_type, aclDataType c_type) {
    for (aclTransType t : {ta, tb})
      if (t != ACL_TRANS_N && t != ACL_TRANS_T)
        return fail(ACL_ERROR_INVALID_PARAM, "transA/transB %d: the host runs ACL_TRANS_N and ACL_TRANS_T (no NZ)",
                    static_cast<int>(t));
    if (tc != ACL_TRANS_N) return fail(ACL_ERROR_INVALID_PARAM, "transC %d: only ACL_TRANS_N", static_cast<int>(tc));
    if (m <= 0 || n <= 0 || k <= 0) return fail(ACL_ERROR_INVALID_PARAM, "m %d, n %d, k %d must be > 0", m, n, k);
    const int64_t dims[3][2] = {{ta == ACL_TRANS_N ? m : k, ta == ACL_TRANS_N ? k : m},
                                {tb == ACL_TRANS_N ? k : n, tb == ACL_TRANS_N ? n : k},
                                {m, n}};
    const aclDataType types[3] = {a_type, b_type, c_type};
    for (int i = 0; i < 5; ++i) {
      owned.emplace_back(i < 3 ? aclCreateTensorDesc(types[i], 2, dims[i], ACL_FORMAT_ND)
                               : aclCreateTensorDesc(c_type, 0, nullptr, ACL_FORMAT_ND));
      if (!owned.back()) return fail(ACL_ERROR_BAD_ALLOC, "cannot describe GEMM's input %d", i);
      in[i] = owned.back().get();
    }
    out[0] = in[2];
    attr.values["transpose_a"] = ta == ACL_TRANS_T ? "b:1" : "b:0";
    attr.values["transpose_b"] = tb == ACL_TRANS_T ? "b:1" : "b:0";
    return ACL_SUCCESS;
  }
};

size_t bytes(aclDataType t, int64_t count) { return aclDataTypeSize(t) * static_cast<size_t>(count); }

aclError gemm(aclTransType ta, aclTransType tb, aclTransType tc, int m, int n, int k, const void* alpha,
              const void* a, aclDataType a_type, const void* b, aclDataType b_type, const void* beta, void* c,
              aclDataType c_type, aclrtStream stream) {
  Gemm g;
  if (aclError e = g.make(ta, tb, tc, m, n, k, a_type, b_type, c_type)) return e;
  aclDataBuffer buf[5] = {{const_cast<void*>(a), bytes(a_type, int64_t{m} * k)},
                          {const_cast<void*>(b), bytes(b_type, int64_t{k} * n)},
                          {c, bytes(c_type, int64_t{m} * n)},
                          {const_cast<void*>(alpha), bytes(c_type, 1)},
                          {const_cast<void*>(beta), bytes(c_type, 1)}};
  const aclDataBuffer* in[5] = {&buf[0], &buf[1], &buf[2], &buf[3], &buf[4]};
  aclDataBuffer* out[1] = {&buf[2]};
  return acl_host::single_op::execute("GEMM", 5, g.in, in, 1, g.out, out, &g.attr, stream);
}

aclError gemm_handle(aclTransType ta, aclTransType tb, aclTransType tc, int m, int n, int k, aclDataType a_type,
                     aclDataType b_type, aclDataType c_type, aclopHandle** handle) {
  if (!handle) return fail(ACL_ERROR_INVALID_PARAM, "handle must not be NULL");
  *handle = nullptr;
  Gemm g;
  if (aclError e = g.make(ta, tb, tc, m, n, k, a_type, b_type, c_type)) return e;
  return acl_host::single_op::create_handle("GEMM", 5, g.in, 1, g.out, &g.attr, handle);
}

}  // namespace

extern "C" {

aclError aclblasGemmEx(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n, int k,
                       const void* alpha, const void* matrixA, int, aclDataType dataTypeA, const void* matrixB, int,
                       aclDataType dataTypeB, const void* beta, void* matrixC, int, aclDataType dataTypeC,
                       aclComputeType, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  return gemm(transA, transB, transC, m, n, k, alpha, matrixA, dataTypeA, matrixB, dataTypeB, beta, matrixC,
              dataTypeC, stream);
} ACL_API_CATCH

aclError aclblasCreateHandleForGemmEx(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n,
                                      int k, aclDataType dataTypeA, aclDataType dataTypeB, aclDataType dataTypeC,
                                      aclComputeType, aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return gemm_handle(transA, transB, transC, m, n, k, dataTypeA, dataTypeB, dataTypeC, handle);
} ACL_API_CATCH

aclError aclblasHgemm(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n, int k,
                      const aclFloat16* alpha, const aclFloat16* matrixA, int, const aclFloat16* matrixB, int,
                      const aclFloat16* beta, aclFloat16* matrixC, int, aclComputeType, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  return gemm(transA, transB, transC, m, n, k, alpha, matrixA, ACL_FLOAT16, matrixB, ACL_FLOAT16, beta, matrixC,
              ACL_FLOAT16, stream);
} ACL_API_CATCH

aclError aclblasCreateHandleForHgemm(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n,
                                     int k, aclComputeType, aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return gemm_handle(transA, transB, transC, m, n, k, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, handle);
} ACL_API_CATCH

aclError aclblasS8gemm(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n, int k,
                       const int32_t* alpha, const int8_t* matrixA, int, const int8_t* matrixB, int, const int32_t* beta,
                       int32_t* matrixC, int, aclComputeType, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  return gemm(transA, transB, transC, m, n, k, alpha, matrixA, ACL_INT8, matrixB, ACL_INT8, beta, matrixC, ACL_INT32,
              stream);
} ACL_API_CATCH

aclError aclblasCreateHandleForS8gemm(aclTransType transA, aclTransType transB, aclTransType transC, int m, int n,
                                      int k, aclComputeType, aclopHandle** handle) ACL_API_TRY {
  ACL_API();
  return gemm_handle(transA, transB, transC, m, n, k, ACL_INT8, ACL_INT8, ACL_INT32, handle);
} ACL_API_CATCH

}  // extern "C"
