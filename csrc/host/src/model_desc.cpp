// Model descriptions: aclmdlCreateDesc/GetDesc and the per-port queries.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "acl/acl.h"
#include "detail/error.h"
#include "detail/model.h"
#include "detail/util.h"

struct aclmdlDesc {
  bool filled = false;
  uint32_t model_id = 0;
  std::vector<acl_host::PortInfo> inputs;
  std::vector<acl_host::PortInfo> outputs;
};

namespace acl_host {
namespace {

struct Descs {
  std::mutex m;
  std::unordered_map<const aclmdlDesc*, std::unique_ptr<aclmdlDesc>> live;
};
Descs& descs() {
  static NoDestructor<Descs> d;
  return *d;
}

// Validates a desc handle; the lock guards the desc's contents too.
class DescAccess {
 public:
  explicit DescAccess(const aclmdlDesc* d) : lock_(descs().m), d_(d) {
    if (!d) {
      err_ = fail(ACL_ERROR_INVALID_PARAM, "modelDesc must not be NULL");
    } else if (!descs().live.count(d)) {
      err_ = fail(ACL_ERROR_INVALID_PARAM,
                  "modelDesc %p is not a live model description (destroyed or never created)",
                  static_cast<const void*>(d));
    } else if (!d->filled) {
      err_ = fail(ACL_ERROR_INVALID_PARAM, "modelDesc %p is empty: call aclmdlGetDesc first",
                  static_cast<const void*>(d));
    }
  }
  aclError error() const { return err_; }
  const aclmdlDesc* operator->() const { return d_; }

  // The port, or nullptr (with a message) when out of range / invalid.
  const PortInfo* port(bool input, size_t index) {
    if (err_) return nullptr;
    const auto& v = input ? d_->inputs : d_->outputs;
    if (index >= v.size()) {
      err_ = fail(ACL_ERROR_INVALID_PARAM, "%s index %zu out of range: model %u has %zu %s(s)",
                  input ? "input" : "output", index, d_->model_id, v.size(), input ? "input" : "output");
      return nullptr;
    }
    return &v[index];
  }

 private:
  std::lock_guard<std::mutex> lock_;
  const aclmdlDesc* d_;
  aclError err_ = ACL_SUCCESS;
};

aclError get_dims(const aclmdlDesc* desc, bool input, size_t index, aclmdlIODims* dims) {
  if (!dims) return fail(ACL_ERROR_INVALID_PARAM, "dims must not be NULL");
  DescAccess a(desc);
  const PortInfo* p = a.port(input, index);
  if (!p) return a.error();
  std::memset(dims, 0, sizeof *dims);
  std::strncpy(dims->name, p->name.c_str(), sizeof dims->name - 1);
  dims->dimCount = std::min<size_t>(p->dims.size(), sizeof dims->dims / sizeof dims->dims[0]);
  for (size_t i = 0; i < dims->dimCount; ++i) dims->dims[i] = p->dims[i];
  return ACL_SUCCESS;
}

// Field `field` of input (or output) `index`; `none` (and a message) when there is no such port.
template <typename T>
T port_value(const aclmdlDesc* desc, bool input, size_t index, T PortInfo::*field,
             typename std::decay<T>::type none) {
  DescAccess a(desc);
  const PortInfo* p = a.port(input, index);
  return p ? p->*field : none;
}

const char* port_name(const aclmdlDesc* desc, bool input, size_t index) {
  DescAccess a(desc);
  const PortInfo* p = a.port(input, index);
  return p ? p->name.c_str() : "";
}

aclError index_by_name(const aclmdlDesc* desc, bool input, const char* name, size_t* index) {
  if (!name || !index) return fail(ACL_ERROR_INVALID_PARAM, "name and index must not be NULL");
  DescAccess a(desc);
  if (a.error()) return a.error();
  const auto& v = input ? a->inputs : a->outputs;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].name == name) {
      *index = i;
      return ACL_SUCCESS;
    }
  }
  return fail(ACL_ERROR_INVALID_PARAM, "model %u has no %s named '%s'", a->model_id,
              input ? "input" : "output", name);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclmdlDesc* aclmdlCreateDesc() ACL_API_TRY {
  ACL_API();
  auto d = std::make_unique<aclmdlDesc>();
  aclmdlDesc* raw = d.get();
  std::lock_guard<std::mutex> lock(descs().m);
  descs().live.emplace(raw, std::move(d));
  return raw;
} ACL_API_CATCH

aclError aclmdlDestroyDesc(aclmdlDesc* modelDesc) ACL_API_TRY {
  ACL_API();
  if (!modelDesc) return fail(ACL_ERROR_INVALID_PARAM, "modelDesc must not be NULL");
  std::unique_ptr<aclmdlDesc> doomed;
  std::lock_guard<std::mutex> lock(descs().m);
  auto it = descs().live.find(modelDesc);
  if (it == descs().live.end())
    return fail(ACL_ERROR_INVALID_PARAM,
                "modelDesc %p is not a live model description (destroyed or never created)",
                static_cast<void*>(modelDesc));
  doomed = std::move(it->second);
  descs().live.erase(it);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetDesc(aclmdlDesc* modelDesc, uint32_t modelId) ACL_API_TRY {
  ACL_API();
  if (!modelDesc) return fail(ACL_ERROR_INVALID_PARAM, "modelDesc must not be NULL");
  auto m = model::lookup(modelId);
  if (!m) return fail(ACL_ERROR_INVALID_MODEL_ID, "model id %u is not loaded", modelId);
  std::lock_guard<std::mutex> lock(descs().m);
  if (!descs().live.count(modelDesc))
    return fail(ACL_ERROR_INVALID_PARAM,
                "modelDesc %p is not a live model description (destroyed or never created)",
                static_cast<void*>(modelDesc));
  modelDesc->model_id = modelId;
  modelDesc->inputs = m->info().inputs;
  modelDesc->outputs = m->info().outputs;
  modelDesc->filled = true;
  return ACL_SUCCESS;
} ACL_API_CATCH

size_t aclmdlGetNumInputs(aclmdlDesc* modelDesc) ACL_API_TRY {
  ACL_API();
  DescAccess a(modelDesc);
  return a.error() ? 0 : a->inputs.size();
} ACL_API_CATCH

size_t aclmdlGetNumOutputs(aclmdlDesc* modelDesc) ACL_API_TRY {
  ACL_API();
  DescAccess a(modelDesc);
  return a.error() ? 0 : a->outputs.size();
} ACL_API_CATCH

size_t aclmdlGetInputSizeByIndex(aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, true, index, &PortInfo::bytes, 0);
} ACL_API_CATCH

size_t aclmdlGetOutputSizeByIndex(aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, false, index, &PortInfo::bytes, 0);
} ACL_API_CATCH

aclError aclmdlGetInputDims(const aclmdlDesc* modelDesc, size_t index, aclmdlIODims* dims) ACL_API_TRY {
  ACL_API();
  if (aclError e = get_dims(modelDesc, true, index, dims)) return e;
  // A static-AIPP YUV420SP input: aclmdlGetInputDims gives the picture's NHWC dims (n, h, w, c), V2 the
  // buffer's (n, h*1.5, w, 1) (aclmdlGetInputDims/aclmdlGetInputDimsV2, table 1 "static AIPP"). Huawei's
  // samples size their VPC output from dims[1] (H) and dims[2] (W).
  uint32_t model_id = 0;
  {
    DescAccess a(modelDesc);
    model_id = a->model_id;
  }
  if (std::shared_ptr<ModelInstance> m = model::lookup(model_id)) {
    const auto& meta = m->entry().meta;
    const std::string prefix = "aipp" + std::to_string(index) + ".";
    auto code = meta.find(prefix + "format_code");
    auto mode = meta.find(prefix + "mode");
    const bool dynamic = mode != meta.end() && mode->second == "dynamic";
    if (code != meta.end() && std::atoi(code->second.c_str()) == ACL_YUV420SP_U8 && !dynamic &&
        dims->dimCount == 4 && dims->dims[3] == 1 && dims->dims[1] > 0) {
      dims->dims[1] = dims->dims[1] * 2 / 3;
      dims->dims[3] = 3;
    }
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetInputDimsV2(const aclmdlDesc* modelDesc, size_t index, aclmdlIODims* dims) ACL_API_TRY {
  ACL_API();
  return get_dims(modelDesc, true, index, dims);
} ACL_API_CATCH

aclError aclmdlGetOutputDims(const aclmdlDesc* modelDesc, size_t index, aclmdlIODims* dims) ACL_API_TRY {
  ACL_API();
  return get_dims(modelDesc, false, index, dims);
} ACL_API_CATCH

const char* aclmdlGetInputNameByIndex(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_name(modelDesc, true, index);
} ACL_API_CATCH

const char* aclmdlGetOutputNameByIndex(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_name(modelDesc, false, index);
} ACL_API_CATCH

aclDataType aclmdlGetInputDataType(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, true, index, &PortInfo::dtype, ACL_DT_UNDEFINED);
} ACL_API_CATCH

aclDataType aclmdlGetOutputDataType(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, false, index, &PortInfo::dtype, ACL_DT_UNDEFINED);
} ACL_API_CATCH

aclFormat aclmdlGetInputFormat(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, true, index, &PortInfo::format, ACL_FORMAT_UNDEFINED);
} ACL_API_CATCH

aclFormat aclmdlGetOutputFormat(const aclmdlDesc* modelDesc, size_t index) ACL_API_TRY {
  ACL_API();
  return port_value(modelDesc, false, index, &PortInfo::format, ACL_FORMAT_UNDEFINED);
} ACL_API_CATCH

aclError aclmdlGetInputIndexByName(const aclmdlDesc* modelDesc, const char* name, size_t* index) ACL_API_TRY {
  ACL_API();
  return index_by_name(modelDesc, true, name, index);
} ACL_API_CATCH

aclError aclmdlGetOutputIndexByName(const aclmdlDesc* modelDesc, const char* name, size_t* index) ACL_API_TRY {
  ACL_API();
  return index_by_name(modelDesc, false, name, index);
} ACL_API_CATCH

}  // extern "C"

namespace acl_host {
namespace desc {

// The model id of a live, filled description (model_dynamic.cpp, aipp.cpp).
aclError model_of(const aclmdlDesc* d, uint32_t* id) {
  DescAccess a(d);
  if (a.error()) return a.error();
  *id = a->model_id;
  return ACL_SUCCESS;
}

}  // namespace desc
}  // namespace acl_host
