// Data buffers, data type sizes and fp16 conversions.
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "acl/acl.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/util.h"

namespace acl_host {
namespace handles {
namespace {

struct Tables {
  std::mutex m;
  std::unordered_map<const aclDataBuffer*, std::unique_ptr<aclDataBuffer>> buffers;
};
Tables& tables() {
  static NoDestructor<Tables> t;
  return *t;
}

}  // namespace

std::mutex& mutex() { return tables().m; }

bool buffer_valid_locked(const aclDataBuffer* b) { return b && tables().buffers.count(b) != 0; }

aclDataBuffer* create_buffer(void* data, size_t size) {
  auto b = std::make_unique<aclDataBuffer>();
  b->data = data;
  b->size = size;
  aclDataBuffer* raw = b.get();
  std::lock_guard<std::mutex> lock(mutex());
  tables().buffers.emplace(raw, std::move(b));
  return raw;
}

bool destroy_buffer(const aclDataBuffer* b) {
  std::unique_ptr<aclDataBuffer> doomed;
  std::lock_guard<std::mutex> lock(mutex());
  auto it = tables().buffers.find(b);
  if (it == tables().buffers.end()) return false;
  doomed = std::move(it->second);
  tables().buffers.erase(it);
  return true;
}

}  // namespace handles

namespace {

aclError bad_buffer(const aclDataBuffer* b) {
  if (!b) return fail(ACL_ERROR_INVALID_PARAM, "dataBuffer must not be NULL");
  return fail(ACL_ERROR_INVALID_PARAM, "dataBuffer %p is not a live data buffer (destroyed or never created)",
              static_cast<const void*>(b));
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclDataBuffer* aclCreateDataBuffer(void* data, size_t size) ACL_API_TRY {
  ACL_API();
  return handles::create_buffer(data, size);
} ACL_API_CATCH

aclError aclDestroyDataBuffer(const aclDataBuffer* dataBuffer) ACL_API_TRY {
  ACL_API();
  if (!dataBuffer || !handles::destroy_buffer(dataBuffer)) return bad_buffer(dataBuffer);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclUpdateDataBuffer(aclDataBuffer* dataBuffer, void* data, size_t size) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::buffer_valid_locked(dataBuffer)) return bad_buffer(dataBuffer);
  dataBuffer->data = data;
  dataBuffer->size = size;
  return ACL_SUCCESS;
} ACL_API_CATCH

void* aclGetDataBufferAddr(const aclDataBuffer* dataBuffer) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::buffer_valid_locked(dataBuffer)) {
    bad_buffer(dataBuffer);
    return nullptr;
  }
  return dataBuffer->data;
} ACL_API_CATCH

size_t aclGetDataBufferSizeV2(const aclDataBuffer* dataBuffer) ACL_API_TRY {
  ACL_API();
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!handles::buffer_valid_locked(dataBuffer)) {
    bad_buffer(dataBuffer);
    return 0;
  }
  return dataBuffer->size;
} ACL_API_CATCH

uint32_t aclGetDataBufferSize(const aclDataBuffer* dataBuffer) ACL_API_TRY {
  return static_cast<uint32_t>(aclGetDataBufferSizeV2(dataBuffer));
} ACL_API_CATCH

size_t aclDataTypeSize(aclDataType dataType) ACL_API_TRY {
  switch (static_cast<int>(dataType)) {
    case 0:
      return 4;  // ACL_FLOAT
    case 1:
      return 2;  // ACL_FLOAT16
    case 2:
      return 1;  // ACL_INT8
    case 3:
      return 4;  // ACL_INT32
    case 4:
      return 1;  // ACL_UINT8
    case 6:
      return 2;  // ACL_INT16
    case 7:
      return 2;  // ACL_UINT16
    case 8:
      return 4;  // ACL_UINT32
    case 9:
      return 8;  // ACL_INT64
    case 10:
      return 8;  // ACL_UINT64
    case 11:
      return 8;  // ACL_DOUBLE
    case 12:
      return 1;  // ACL_BOOL
    case 16:
      return 8;  // ACL_COMPLEX64
    case 17:
      return 16;  // ACL_COMPLEX128
    case 27:
      return 2;  // ACL_BF16
    default:
      return 0;  // ACL_STRING, ACL_DT_UNDEFINED, unknown
  }
} ACL_API_CATCH

float aclFloat16ToFloat(aclFloat16 value) ACL_API_TRY {
  const uint32_t h = value;
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      mant &= 0x3FFu;
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | (mant << 13);
    }
  } else if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
} ACL_API_CATCH

aclFloat16 aclFloatToFloat16(float value) ACL_API_TRY {
  uint32_t x;
  std::memcpy(&x, &value, sizeof x);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t absx = x & 0x7FFFFFFFu;
  if (absx >= 0x7F800000u)  // inf or nan
    return static_cast<aclFloat16>(sign | 0x7C00u | (absx > 0x7F800000u ? 0x200u : 0u));
  if (absx >= 0x477FF000u)  // rounds to >= 65520: overflow to inf
    return static_cast<aclFloat16>(sign | 0x7C00u);
  if (absx < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    if (absx < 0x33000000u) return static_cast<aclFloat16>(sign);  // < 2^-25 rounds to 0
    const uint32_t e = absx >> 23;
    const uint32_t m = (absx & 0x7FFFFFu) | 0x800000u;
    const uint32_t shift = 126 - e;  // value = m * 2^(e-150) = res * 2^-24
    const uint32_t rem = m & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1);
    uint32_t res = m >> shift;
    if (rem > halfway || (rem == halfway && (res & 1u))) ++res;
    return static_cast<aclFloat16>(sign | res);
  }
  // normal: rebias exponent, round mantissa to nearest even
  uint32_t res = ((absx >> 13) - ((127u - 15u) << 10));
  const uint32_t rem = absx & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (res & 1u))) ++res;
  return static_cast<aclFloat16>(sign | res);
} ACL_API_CATCH

}  // extern "C"
