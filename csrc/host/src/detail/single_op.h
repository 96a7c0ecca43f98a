// Single operators (acl_op.h): attributes and the loaded single-operator models.
// An attribute is kept as canonical text ("i:3", "li:1,2", "f:0.5", ...), the
// form `acl-async atc --singleop` writes into a model's metadata
// (op.attr.<name>=<text>), so matching a call against a model compares strings.
#pragma once

#include <map>
#include <string>

#include "acl/acl_op.h"
#include "live_set.h"

struct aclopAttr {
  std::map<std::string, std::string> values;  // name -> canonical text
};

namespace acl_host {
namespace single_op {

// Canonical text of a float attribute (9 significant digits: float32 round-trips).
std::string float_text(double v);
// The attributes aclopCreateAttr made and aclopDestroyAttr has not destroyed.
LiveSet<const aclopAttr*, aclopAttr>& attr_set();
// a when it is live, else nullptr.
const aclopAttr* live_attr(const aclopAttr* a);
// What aclopExecute and aclopCreateHandle do once the caller's attributes are known to be live (the BLAS
// functions call them with descriptions and attributes of their own).
aclError execute(const char* type, int n_in, const aclTensorDesc* const in_desc[], const aclDataBuffer* const in[],
                 int n_out, const aclTensorDesc* const out_desc[], aclDataBuffer* const out[], const aclopAttr* attr,
                 aclrtStream stream);
aclError create_handle(const char* type, int n_in, const aclTensorDesc* const in[], int n_out,
                       const aclTensorDesc* const out[], const aclopAttr* attr, aclopHandle** handle);
// aclFinalize: drops every loaded single-operator model and handle (their compiled models with them).
void release_all();

}  // namespace single_op
}  // namespace acl_host
