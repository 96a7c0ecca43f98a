// aclopAttr (acl_op.h): operator attributes as canonical text (detail/single_op.h).
#include <memory>
#include <string>

#include "acl/acl_op.h"
#include "detail/error.h"
#include "detail/single_op.h"
#include "detail/util.h"

namespace acl_host {
namespace single_op {

std::string float_text(double v) { return format("%.9g", v); }

LiveSet<const aclopAttr*, aclopAttr>& attr_set() {
  static NoDestructor<LiveSet<const aclopAttr*, aclopAttr>> s;  // usable from exit handlers, fresh after fork
  return *s;
}

const aclopAttr* live_attr(const aclopAttr* a) { return a && attr_set().find(a) ? a : nullptr; }

}  // namespace single_op
}  // namespace acl_host

using acl_host::fail;
using acl_host::single_op::attr_set;
using acl_host::single_op::float_text;

namespace {

aclError put(aclopAttr* attr, const char* name, std::string text) {
  if (!attr || !attr_set().find(attr))
    return fail(ACL_ERROR_INVALID_PARAM, "attr %p is not a live aclopAttr (aclopCreateAttr)", static_cast<void*>(attr));
  if (!name || !*name) return fail(ACL_ERROR_INVALID_PARAM, "attrName must be a non-empty string");
  attr->values[name] = std::move(text);
  return ACL_SUCCESS;
}

template <typename T, typename F>
aclError put_list(aclopAttr* attr, const char* name, const char* tag, int n, const T* values, F text) {
  if (n < 0 || (n > 0 && !values))
    return fail(ACL_ERROR_INVALID_PARAM, "numValues %d with values %p: need numValues >= 0 values", n,
                static_cast<const void*>(values));
  std::string s = std::string(tag) + ":";
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + text(values[i]);
  return put(attr, name, s);
}

}  // namespace

extern "C" {

aclopAttr* aclopCreateAttr() ACL_API_TRY {
  ACL_API();
  auto a = std::make_shared<aclopAttr>();
  attr_set().add(a.get(), a);
  return a.get();
} ACL_API_CATCH

void aclopDestroyAttr(const aclopAttr* attr) ACL_API_TRY {
  ACL_API();
  if (attr && !attr_set().take(attr)) acl_host::note("attr %p is not a live aclopAttr: ignored", static_cast<const void*>(attr));
} ACL_API_CATCH_VOID

aclError aclopSetAttrBool(aclopAttr* attr, const char* attrName, uint8_t attrValue) ACL_API_TRY {
  ACL_API();
  return put(attr, attrName, attrValue ? "b:1" : "b:0");
} ACL_API_CATCH

aclError aclopSetAttrInt(aclopAttr* attr, const char* attrName, int64_t attrValue) ACL_API_TRY {
  ACL_API();
  return put(attr, attrName, "i:" + std::to_string(attrValue));
} ACL_API_CATCH

aclError aclopSetAttrFloat(aclopAttr* attr, const char* attrName, float attrValue) ACL_API_TRY {
  ACL_API();
  return put(attr, attrName, "f:" + float_text(attrValue));
} ACL_API_CATCH

aclError aclopSetAttrString(aclopAttr* attr, const char* attrName, const char* attrValue) ACL_API_TRY {
  ACL_API();
  if (!attrValue) return fail(ACL_ERROR_INVALID_PARAM, "attrValue must not be NULL");
  return put(attr, attrName, std::string("s:") + attrValue);
} ACL_API_CATCH

aclError aclopSetAttrDataType(aclopAttr* attr, const char* attrName, aclDataType attrValue) ACL_API_TRY {
  ACL_API();
  return put(attr, attrName, "dt:" + std::to_string(static_cast<int>(attrValue)));
} ACL_API_CATCH

aclError aclopSetAttrListDataType(aclopAttr* attr, const char* attrName, int numValues,
                                  const aclDataType values[]) ACL_API_TRY {
  ACL_API();
  return put_list(attr, attrName, "ldt", numValues, values,
                  [](aclDataType v) { return std::to_string(static_cast<int>(v)); });
} ACL_API_CATCH

aclError aclopSetAttrListBool(aclopAttr* attr, const char* attrName, int numValues, const uint8_t* values) ACL_API_TRY {
  ACL_API();
  return put_list(attr, attrName, "lb", numValues, values, [](uint8_t v) { return std::string(v ? "1" : "0"); });
} ACL_API_CATCH

aclError aclopSetAttrListInt(aclopAttr* attr, const char* attrName, int numValues, const int64_t* values) ACL_API_TRY {
  ACL_API();
  return put_list(attr, attrName, "li", numValues, values, [](int64_t v) { return std::to_string(v); });
} ACL_API_CATCH

aclError aclopSetAttrListFloat(aclopAttr* attr, const char* attrName, int numValues, const float* values) ACL_API_TRY {
  ACL_API();
  return put_list(attr, attrName, "lf", numValues, values, [](float v) { return float_text(v); });
} ACL_API_CATCH

aclError aclopSetAttrListString(aclopAttr* attr, const char* attrName, int numValues, const char** values) ACL_API_TRY {
  ACL_API();
  for (int i = 0; i < numValues && values; ++i)
    if (!values[i]) return fail(ACL_ERROR_INVALID_PARAM, "values[%d] must not be NULL", i);
  return put_list(attr, attrName, "ls", numValues, values, [](const char* v) { return std::string(v); });
} ACL_API_CATCH

aclError aclopSetAttrListListInt(aclopAttr* attr, const char* attrName, int numLists, const int* numValues,
                                 const int64_t* const values[]) ACL_API_TRY {
  ACL_API();
  if (numLists < 0 || (numLists > 0 && (!numValues || !values)))
    return fail(ACL_ERROR_INVALID_PARAM, "numLists %d needs numValues and values", numLists);
  std::string s = "lli:";
  for (int i = 0; i < numLists; ++i) {
    if (numValues[i] < 0 || (numValues[i] > 0 && !values[i]))
      return fail(ACL_ERROR_INVALID_PARAM, "list %d: numValues %d with values %p", i, numValues[i],
                  static_cast<const void*>(values[i]));
    if (i) s += ";";
    for (int j = 0; j < numValues[i]; ++j) s += (j ? "," : "") + std::to_string(values[i][j]);
  }
  return put(attr, attrName, s);
} ACL_API_CATCH

}  // extern "C"
