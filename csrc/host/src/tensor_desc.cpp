// Tensor descriptions: creation, getters, setters, format translation.
#include "detail/tensor_desc.h"

#include <cstring>
#include <mutex>
#include <unordered_set>

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/util.h"

namespace acl_host {
namespace tensor_desc {
namespace {

struct Registry {
  std::mutex m;
  std::unordered_set<const aclTensorDesc*> live;
};
Registry& reg() {
  static NoDestructor<Registry> r;
  return *r;
}

void add(const aclTensorDesc* d) {
  std::lock_guard<std::mutex> lock(reg().m);
  reg().live.insert(d);
}

bool remove(const aclTensorDesc* d) {
  std::lock_guard<std::mutex> lock(reg().m);
  return reg().live.erase(d) != 0;
}

}  // namespace

bool live(const aclTensorDesc* d) {
  if (!d) return false;
  std::lock_guard<std::mutex> lock(reg().m);
  return reg().live.count(d) != 0;
}

std::shared_ptr<aclTensorDesc> make_shared_copy(const aclTensorDesc& d) {
  auto copy = std::unique_ptr<aclTensorDesc>(new aclTensorDesc(d));
  add(copy.get());
  return std::shared_ptr<aclTensorDesc>(copy.release(), [](aclTensorDesc* p) {
    remove(p);
    delete p;
  });
}

}  // namespace tensor_desc

namespace {

// Validates a desc argument; records a message naming `what` when it is not live.
bool check(const aclTensorDesc* d, const char* what = "desc") {
  if (!d) {
    fail(ACL_ERROR_INVALID_PARAM, "%s must not be NULL", what);
    return false;
  }
  if (!tensor_desc::live(d)) {
    fail(ACL_ERROR_INVALID_PARAM, "%s %p is not a live aclTensorDesc (destroyed or never created)", what,
         static_cast<const void*>(d));
    return false;
  }
  return true;
}

aclError read_shape(int numDims, const int64_t* dims, std::vector<int64_t>& out) {
  if (numDims < 0) return fail(ACL_ERROR_INVALID_PARAM, "numDims must be >= 0, got %d", numDims);
  if (numDims > ACL_MAX_DIM_CNT)
    return fail(ACL_ERROR_INVALID_PARAM, "numDims %d exceeds ACL_MAX_DIM_CNT (%d)", numDims, ACL_MAX_DIM_CNT);
  if (numDims > 0 && !dims)
    return fail(ACL_ERROR_INVALID_PARAM, "dims must not be NULL when numDims is %d", numDims);
  for (int i = 0; i < numDims; ++i)
    if (dims[i] < -2)
      return fail(ACL_ERROR_INVALID_PARAM,
                  "dims[%d] is %lld: a dimension is >= 0, -1 (unknown) or -2 (unknown rank)", i,
                  static_cast<long long>(dims[i]));
  out.assign(dims, dims + numDims);
  return ACL_SUCCESS;
}

bool unknown_rank(const std::vector<int64_t>& dims) { return dims.size() == 1 && dims[0] == -2; }

size_t element_count(const std::vector<int64_t>& dims) {
  size_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return 0;  // unknown
    n *= static_cast<size_t>(d);
  }
  return n;
}

// Axis permutation between the 4-D layouts with named axes.
const char* axes(aclFormat f) {
  switch (f) {
    case ACL_FORMAT_NCHW:
      return "NCHW";
    case ACL_FORMAT_NHWC:
      return "NHWC";
    case ACL_FORMAT_HWCN:
      return "HWCN";
    default:
      return nullptr;
  }
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclTensorDesc* aclCreateTensorDesc(aclDataType dataType, int numDims, const int64_t* dims, aclFormat format) ACL_API_TRY {
  ACL_API();
  std::vector<int64_t> shape;
  if (read_shape(numDims, dims, shape) != ACL_SUCCESS) return nullptr;
  auto d = std::unique_ptr<aclTensorDesc>(new aclTensorDesc());
  d->dtype = dataType;
  d->format = format;
  d->dims = shape;
  d->storage_format = format;
  d->storage_dims = shape;
  d->origin_format = format;
  d->origin_dims = shape;
  tensor_desc::add(d.get());
  return d.release();
} ACL_API_CATCH

void aclDestroyTensorDesc(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  if (!desc) return;
  if (!tensor_desc::remove(desc)) {
    note(
        "desc %p is not a live aclTensorDesc made by aclCreateTensorDesc (destroyed twice, or owned by a "
        "dataset?): ignored",
        static_cast<const void*>(desc));
    return;
  }
  delete desc;
} ACL_API_CATCH_VOID

aclError aclSetTensorShapeRange(aclTensorDesc* desc, size_t dimsCount,
                                int64_t dimsRange[][ACL_TENSOR_SHAPE_RANGE_NUM]) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (dimsCount > 0 && !dimsRange)
    return fail(ACL_ERROR_INVALID_PARAM, "dimsRange must not be NULL when dimsCount is %zu", dimsCount);
  if (dimsCount > ACL_MAX_DIM_CNT)
    return fail(ACL_ERROR_INVALID_PARAM, "dimsCount %zu exceeds ACL_MAX_DIM_CNT (%d)", dimsCount,
                ACL_MAX_DIM_CNT);
  std::vector<std::pair<int64_t, int64_t>> r;
  for (size_t i = 0; i < dimsCount; ++i) {
    int64_t lo = dimsRange[i][0], hi = dimsRange[i][1];
    if (lo < 0 || (hi != -1 && hi < lo))
      return fail(ACL_ERROR_INVALID_PARAM,
                  "dimsRange[%zu] = {%lld, %lld}: need 0 <= min <= max (max -1: unbounded)", i,
                  static_cast<long long>(lo), static_cast<long long>(hi));
    r.emplace_back(lo, hi);
  }
  desc->shape_range.swap(r);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorValueRange(aclTensorDesc* desc, size_t valueCount,
                                int64_t valueRange[][ACL_TENSOR_VALUE_RANGE_NUM]) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (valueCount > 0 && !valueRange)
    return fail(ACL_ERROR_INVALID_PARAM, "valueRange must not be NULL when valueCount is %zu", valueCount);
  std::vector<std::pair<int64_t, int64_t>> r;
  for (size_t i = 0; i < valueCount; ++i) {
    if (valueRange[i][1] < valueRange[i][0])
      return fail(ACL_ERROR_INVALID_PARAM, "valueRange[%zu] = {%lld, %lld}: min is greater than max", i,
                  static_cast<long long>(valueRange[i][0]), static_cast<long long>(valueRange[i][1]));
    r.emplace_back(valueRange[i][0], valueRange[i][1]);
  }
  desc->value_range.swap(r);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclDataType aclGetTensorDescType(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  return check(desc) ? desc->dtype : ACL_DT_UNDEFINED;
} ACL_API_CATCH

aclFormat aclGetTensorDescFormat(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  return check(desc) ? desc->format : ACL_FORMAT_UNDEFINED;
} ACL_API_CATCH

size_t aclGetTensorDescSize(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return 0;
  return element_count(desc->dims) * aclDataTypeSize(desc->dtype);
} ACL_API_CATCH

size_t aclGetTensorDescElementCount(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  return check(desc) ? element_count(desc->dims) : 0;
} ACL_API_CATCH

size_t aclGetTensorDescNumDims(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return 0;
  return unknown_rank(desc->dims) ? static_cast<size_t>(ACL_UNKNOWN_RANK) : desc->dims.size();
} ACL_API_CATCH

int64_t aclGetTensorDescDim(const aclTensorDesc* desc, size_t index) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return -1;
  if (index >= desc->dims.size()) {
    fail(ACL_ERROR_INVALID_PARAM, "index %zu is out of range: the desc has %zu dims", index,
         desc->dims.size());
    return -1;
  }
  return desc->dims[index];
} ACL_API_CATCH

aclError aclGetTensorDescDimV2(const aclTensorDesc* desc, size_t index, int64_t* dimSize) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (!dimSize) return fail(ACL_ERROR_INVALID_PARAM, "dimSize must not be NULL");
  if (index >= desc->dims.size())
    return fail(ACL_ERROR_INVALID_PARAM, "index %zu is out of range: the desc has %zu dims", index,
                desc->dims.size());
  *dimSize = desc->dims[index];
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclGetTensorDescDimRange(const aclTensorDesc* desc, size_t index, size_t dimRangeNum,
                                  int64_t* dimRange) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (!dimRange) return fail(ACL_ERROR_INVALID_PARAM, "dimRange must not be NULL");
  if (dimRangeNum < ACL_TENSOR_SHAPE_RANGE_NUM)
    return fail(ACL_ERROR_INVALID_PARAM, "dimRangeNum %zu is smaller than ACL_TENSOR_SHAPE_RANGE_NUM (%d)",
                dimRangeNum, ACL_TENSOR_SHAPE_RANGE_NUM);
  if (index >= desc->shape_range.size())
    return fail(ACL_ERROR_INVALID_PARAM,
                "index %zu is out of range: the desc has %zu shape ranges "
                "(aclSetTensorShapeRange sets them)",
                index, desc->shape_range.size());
  dimRange[0] = desc->shape_range[index].first;
  dimRange[1] = desc->shape_range[index].second;
  return ACL_SUCCESS;
} ACL_API_CATCH

void aclSetTensorDescName(aclTensorDesc* desc, const char* name) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return;
  desc->name = name ? name : "";
} ACL_API_CATCH_VOID

const char* aclGetTensorDescName(aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return "";
  return desc->name.c_str();
} ACL_API_CATCH

aclError aclTransTensorDescFormat(const aclTensorDesc* srcDesc, aclFormat dstFormat,
                                  aclTensorDesc** dstDesc) ACL_API_TRY {
  ACL_API();
  if (!check(srcDesc, "srcDesc")) return ACL_ERROR_INVALID_PARAM;
  if (!dstDesc) return fail(ACL_ERROR_INVALID_PARAM, "dstDesc must not be NULL");
  std::vector<int64_t> dims;
  const aclFormat src = srcDesc->format;
  const char* from = axes(src);
  const char* to = axes(dstFormat);
  if (dstFormat == src || dstFormat == ACL_FORMAT_ND) {
    dims = srcDesc->dims;
  } else if (from && to && srcDesc->dims.size() == 4) {
    for (int i = 0; i < 4; ++i) dims.push_back(srcDesc->dims[std::strchr(from, to[i]) - from]);
  } else if (dstFormat == ACL_FORMAT_NC1HWC0 && from && srcDesc->dims.size() == 4 &&
             (srcDesc->dtype == ACL_FLOAT16 || srcDesc->dtype == ACL_INT8 || srcDesc->dtype == ACL_UINT8 ||
              srcDesc->dtype == ACL_FLOAT || srcDesc->dtype == ACL_BF16)) {
    const int64_t c0 = (srcDesc->dtype == ACL_INT8 || srcDesc->dtype == ACL_UINT8) ? 32 : 16;
    auto at = [&](char a) { return srcDesc->dims[std::strchr(from, a) - from]; };
    const int64_t c = at('C');
    dims = {at('N'), c < 0 ? -1 : (c + c0 - 1) / c0, at('H'), at('W'), c0};
  } else {
    return fail(
        ACL_ERROR_FORMAT_NOT_MATCH,
        "cannot translate format %d (%zu dims) to format %d: the host runtime translates between NCHW, NHWC "
        "and HWCN (4-D), to ND, and from those to NC1HWC0",
        static_cast<int>(src), srcDesc->dims.size(), static_cast<int>(dstFormat));
  }
  aclTensorDesc* d =
      aclCreateTensorDesc(srcDesc->dtype, static_cast<int>(dims.size()), dims.data(), dstFormat);
  if (!d) return fail(ACL_ERROR_BAD_ALLOC, "cannot create the destination desc");
  d->origin_format = srcDesc->origin_format;
  d->origin_dims = srcDesc->origin_dims;
  d->name = srcDesc->name;
  d->placement = srcDesc->placement;
  *dstDesc = d;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorStorageFormat(aclTensorDesc* desc, aclFormat format) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  desc->storage_format = format;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorStorageShape(aclTensorDesc* desc, int numDims, const int64_t* dims) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  return read_shape(numDims, dims, desc->storage_dims);
} ACL_API_CATCH

aclError aclSetTensorFormat(aclTensorDesc* desc, aclFormat format) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  desc->format = format;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorShape(aclTensorDesc* desc, int numDims, const int64_t* dims) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  return read_shape(numDims, dims, desc->dims);
} ACL_API_CATCH

aclError aclSetTensorOriginFormat(aclTensorDesc* desc, aclFormat format) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  desc->origin_format = format;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorOriginShape(aclTensorDesc* desc, int numDims, const int64_t* dims) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  return read_shape(numDims, dims, desc->origin_dims);
} ACL_API_CATCH

aclTensorDesc* aclGetTensorDescByIndex(aclTensorDesc* desc, size_t index) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return nullptr;
  if (index != 0) {
    fail(ACL_ERROR_INVALID_PARAM, "index %zu is out of range: desc %p is a single aclTensorDesc", index,
         static_cast<void*>(desc));
    return nullptr;
  }
  return desc;
} ACL_API_CATCH

void* aclGetTensorDescAddress(const aclTensorDesc* desc) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return nullptr;
  return desc->has_const ? const_cast<unsigned char*>(desc->const_data.data()) : nullptr;
} ACL_API_CATCH

aclError aclSetTensorDynamicInput(aclTensorDesc* desc, const char* dynamicInputName) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (!dynamicInputName) return fail(ACL_ERROR_INVALID_PARAM, "dynamicInputName must not be NULL");
  desc->dynamic_input = dynamicInputName;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorConst(aclTensorDesc* desc, void* dataBuffer, size_t length) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  if (!dataBuffer) return fail(ACL_ERROR_INVALID_PARAM, "dataBuffer must not be NULL");
  if (length == 0) return fail(ACL_ERROR_INVALID_PARAM, "length must be greater than 0");
  const unsigned char* p = static_cast<const unsigned char*>(dataBuffer);
  desc->const_data.assign(p, p + length);
  desc->has_const = true;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclSetTensorPlaceMent(aclTensorDesc* desc, aclMemType memType) ACL_API_TRY {
  ACL_API();
  if (!check(desc)) return ACL_ERROR_INVALID_PARAM;
  const int m = static_cast<int>(memType);
  if (m < ACL_MEMTYPE_DEVICE || m > ACL_MEMTYPE_HOST_COMPILE_INDEPENDENT)
    return fail(
        ACL_ERROR_INVALID_PARAM,
        "memType %d is not ACL_MEMTYPE_DEVICE, ACL_MEMTYPE_HOST or ACL_MEMTYPE_HOST_COMPILE_INDEPENDENT", m);
  desc->placement = memType;
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
