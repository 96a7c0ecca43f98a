// Dynamic batch / image size / dims: the gears of an `acl-async atc` model,
// their execution, and the aclmdl entry points that choose and describe them.
#include "detail/model_dynamic.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "acl/acl.h"
#include "detail/dataset.h"
#include "detail/error.h"
#include "detail/runtime.h"
#include "detail/strict.h"

namespace acl_host {
namespace desc {
// model_desc.cpp: the model id a filled description belongs to.
aclError model_of(const aclmdlDesc* d, uint32_t* id);
}  // namespace desc

namespace dynamic {
namespace {

std::string meta_get(const std::map<std::string, std::string>& meta, const std::string& key) {
  auto it = meta.find(key);
  return it == meta.end() ? std::string() : it->second;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

const char* kind_name(DynamicInfo::Kind k) {
  switch (k) {
    case DynamicInfo::Kind::Batch:
      return "dynamic batch";
    case DynamicInfo::Kind::HW:
      return "dynamic image size";
    case DynamicInfo::Kind::Dims:
      return "dynamic dims";
    default:
      return "static";
  }
}

std::string gear_text(const std::vector<uint64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}

// A dims gear as aclmdlGetInputDynamicDims describes it: the dims of every input that takes
// the gear, one input after another (what aclmdlSetInputDynamicDims is given).
std::vector<uint64_t> full_dims(const DynamicInfo& d, const Gear& g) {
  std::vector<uint64_t> out;
  for (size_t i = 0; i < d.dynamic_input.size(); ++i)
    if (d.dynamic_input[i])
      for (int64_t v : g.inputs[i].dims) out.push_back(static_cast<uint64_t>(v));
  return out;
}

std::string gears_text(const DynamicInfo& d) {
  std::string s;
  for (size_t i = 0; i < d.gears.size(); ++i) {
    const Gear& g = d.gears[i];
    s += (i ? ", " : "") + gear_text(d.kind == DynamicInfo::Kind::Dims ? full_dims(d, g) : g.values);
  }
  return s;
}

// Index of the gear with these values (for a dims model: these full dims), or -1.
int find_gear(const DynamicInfo& d, const std::vector<uint64_t>& values) {
  for (size_t i = 0; i < d.gears.size(); ++i) {
    const Gear& g = d.gears[i];
    if ((d.kind == DynamicInfo::Kind::Dims ? full_dims(d, g) : g.values) == values) return static_cast<int>(i);
  }
  return -1;
}

const char* set_function(DynamicInfo::Kind k) {
  switch (k) {
    case DynamicInfo::Kind::HW:
      return "aclmdlSetDynamicHWSize";
    case DynamicInfo::Kind::Dims:
      return "aclmdlSetInputDynamicDims";
    default:
      return "aclmdlSetDynamicBatchSize";
  }
}

const char* atc_flag(DynamicInfo::Kind k) {
  switch (k) {
    case DynamicInfo::Kind::HW:
      return "dynamic_image_size";
    case DynamicInfo::Kind::Dims:
      return "dynamic_dims";
    default:
      return "dynamic_batch_size";
  }
}

// Gear named by the dynamic tensor's content: all zero (never chosen) -> the largest gear,
// as aclmdlGetCurOutputDims describes an unset model; -2 when the values name no gear.
int gear_from_buffer(const DynamicInfo& d, const IoRef& b, std::vector<uint64_t>& values) {
  const size_t n = d.width;
  values.assign(n, 0);
  std::memcpy(values.data(), b.ptr, n * sizeof(uint64_t));
  if (std::all_of(values.begin(), values.end(), [](uint64_t v) { return v == 0; }))
    return static_cast<int>(d.largest);
  for (size_t i = 0; i < d.gears.size(); ++i)  // the tensor holds a gear's own values (dims: the -1 dims')
    if (d.gears[i].values == values) return static_cast<int>(i);
  return -2;
}

std::shared_ptr<ModelInstance> require_model(uint32_t id, aclError& e) {
  auto m = model::lookup(id);
  e = m ? ACL_SUCCESS : fail(ACL_ERROR_INVALID_MODEL_ID, "model id %u is not loaded", id);
  return m;
}

// Writes a gear into the dataset's dynamic tensor buffer and makes it the model's current gear.
aclError choose(uint32_t modelId, aclmdlDataset* dataset, size_t index, DynamicInfo::Kind want,
                const std::vector<uint64_t>& values) {
  aclError e;
  auto m = require_model(modelId, e);
  if (!m) return e;
  const DynamicInfo& d = m->entry().dyn;
  if (d.kind == DynamicInfo::Kind::None)
    return fail(ACL_ERROR_INVALID_PARAM, "model %u has no %s profiles (convert it with `acl-async atc --%s`)",
                modelId, kind_name(want), atc_flag(want));
  if (d.kind != want)
    return fail(ACL_ERROR_INVALID_PARAM, "model %u was converted with %s profiles, not %s", modelId,
                kind_name(d.kind), kind_name(want));
  if (index != d.tensor_index)
    return fail(ACL_ERROR_INVALID_PARAM, "index %zu is not the model's %s input (index %zu)", index,
                ACL_DYNAMIC_TENSOR_NAME, d.tensor_index);
  const int g = find_gear(d, values);
  if (g < 0)
    return fail(ACL_ERROR_INVALID_PARAM, "%s %s is not a profile of model %u (profiles: %s)",
                d.kind == DynamicInfo::Kind::HW     ? "height x width"
                : d.kind == DynamicInfo::Kind::Dims ? "dims"
                                                    : "batch size",
                gear_text(values).c_str(), modelId, gears_text(d).c_str());
  const std::vector<uint64_t>& stored = d.gears[static_cast<size_t>(g)].values;
  std::lock_guard<std::mutex> lock(handles::mutex());
  if (!dataset || !handles::dataset_valid_locked(dataset))
    return fail(ACL_ERROR_INVALID_PARAM, "dataset %p is not a live dataset", static_cast<void*>(dataset));
  if (index >= dataset->buffers.size())
    return fail(ACL_ERROR_INVALID_PARAM,
                "dataset holds %zu buffer(s), no buffer at index %zu (add one of "
                "aclmdlGetInputSizeByIndex bytes for %s)",
                dataset->buffers.size(), index, ACL_DYNAMIC_TENSOR_NAME);
  aclDataBuffer* b = dataset->buffers[index];
  const size_t need = stored.size() * sizeof(uint64_t);
  if (!handles::buffer_valid_locked(b) || !b->data || b->size < need)
    return fail(ACL_ERROR_INVALID_PARAM, "the %s buffer at index %zu must hold at least %zu bytes",
                ACL_DYNAMIC_TENSOR_NAME, index, need);
  std::memcpy(b->data, stored.data(), need);
  m->choose_gear(g);
  return ACL_SUCCESS;
}

struct DescModel {
  std::shared_ptr<ModelInstance> m;
  aclError e = ACL_SUCCESS;
};

DescModel from_desc(const aclmdlDesc* desc) {
  DescModel r;
  uint32_t id = 0;
  if ((r.e = desc::model_of(desc, &id))) return r;
  r.m = require_model(id, r.e);
  return r;
}

}  // namespace

bool has_gears(const std::map<std::string, std::string>& meta) {
  const std::string k = meta_get(meta, "dynamic");
  return k == "batch" || k == "hw" || k == "dims";
}

bool compile_gears(const std::shared_ptr<ov::Model>& m, const ov::AnyMap& props, CompiledEntry& entry,
                   ModelInfo& info, std::string& err) {
  DynamicInfo d;
  const std::string kind = meta_get(entry.meta, "dynamic");
  d.kind = kind == "hw"     ? DynamicInfo::Kind::HW
           : kind == "dims" ? DynamicInfo::Kind::Dims
                            : DynamicInfo::Kind::Batch;
  const bool dims = d.kind == DynamicInfo::Kind::Dims;
  // Batch and image size: every dynamic input takes the same 1 or 2 values. Dims: the gear's
  // values fill the model's -1 dims in input order, so a gear has one value per -1 dim.
  size_t width = d.kind == DynamicInfo::Kind::HW ? 2 : 1;
  if (dims) {
    width = 0;
    for (const auto& in : m->inputs())
      if (in.get_partial_shape().rank().is_static())
        for (const auto& dim : in.get_partial_shape()) width += dim.is_dynamic();
  }
  d.width = width;
  for (const std::string& text : split(meta_get(entry.meta, "gears"), ';')) {
    Gear g;
    for (const std::string& v : split(text, ',')) {
      char* end = nullptr;
      const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
      if (*end || x == 0) {
        err = "corrupt profile '" + text + "' in the .om metadata";
        return false;
      }
      g.values.push_back(x);
    }
    if (g.values.size() != width) {
      err = "corrupt profile '" + text + "' in the .om metadata";
      return false;
    }
    d.gears.push_back(std::move(g));
  }
  if (d.gears.empty()) {
    err = "the .om metadata names no profiles";
    return false;
  }
  const auto params = m->inputs();
  for (const auto& in : params) {
    const ov::PartialShape& ps = in.get_partial_shape();
    size_t unknown = 0;
    if (ps.rank().is_static())
      for (const auto& dim : ps) unknown += dim.is_dynamic();
    if (!dims && unknown != 0 && unknown != width) {
      err = "input '" + in.get_any_name() + "' has " + std::to_string(unknown) + " unknown dimension(s)";
      return false;
    }
    d.dynamic_input.push_back(unknown != 0);
  }
  // Cap before anything is allocated: at every profile each input fits the device memory.
  for (const Gear& g : d.gears)
    for (size_t i = 0; i < params.size(); ++i) {
      if (!d.dynamic_input[i]) continue;
      const ov::PartialShape& ps = params[i].get_partial_shape();
      const size_t limit = config().device_memory;
      size_t bytes = (params[i].get_element_type().bitwidth() + 7) / 8, k = 0;
      bool over = false;
      for (const auto& dim : ps) {
        const uint64_t n = dim.is_dynamic() ? g.values[(k++) % width] : static_cast<uint64_t>(dim.get_length());
        if (n != 0 && bytes > limit / n) over = true;
        bytes = over ? limit : bytes * n;
      }
      if (over) {
        err = "profile " + gear_text(g.values) + ": input '" + params[i].get_any_name() +
              "' would not fit the device memory (" + std::to_string(limit >> 20) +
              " MB; ACL_HOST_DEVICE_MEMORY_MB sets it)";
        return false;
      }
    }
  size_t best = 0;
  for (size_t gi = 0; gi < d.gears.size(); ++gi) {
    Gear& g = d.gears[gi];
    std::shared_ptr<ov::Model> copy = m->clone();
    std::map<ov::Output<ov::Node>, ov::PartialShape> shapes;
    auto inputs = copy->inputs();
    size_t next = 0;  // dims: the running index into the gear's values
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!d.dynamic_input[i]) continue;
      ov::PartialShape ps = inputs[i].get_partial_shape();
      size_t k = dims ? next : 0;
      for (auto& dim : ps)
        if (dim.is_dynamic()) dim = ov::Dimension(static_cast<int64_t>(g.values[(k++) % width]));
      if (dims) next = k;
      shapes[inputs[i]] = ps;
    }
    try {
      copy->reshape(shapes);
      g.compiled = core().compile_model(copy, "CPU", props);
    } catch (const std::exception& e) {
      std::string what = e.what();
      err = "profile " + gear_text(g.values) + ": " + what.substr(0, what.find('\n'));
      return false;
    }
    size_t bytes = 0;
    for (const auto& in : g.compiled.inputs()) {
      g.inputs.push_back(describe_input(in));
      bytes += g.inputs.back().bytes;
    }
    for (const auto& out : g.compiled.outputs()) g.outputs.push_back(describe_output(out));
    if (bytes > best) {
      best = bytes;
      d.largest = gi;
    }
  }
  const Gear& big = d.gears[d.largest];
  info.inputs = big.inputs;
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    if (!d.dynamic_input[i]) continue;
    const ov::PartialShape& ps = params[i].get_partial_shape();
    for (size_t k = 0; k < info.inputs[i].dims.size(); ++k)
      if (ps[k].is_dynamic()) info.inputs[i].dims[k] = -1;
  }
  PortInfo t;
  t.name = ACL_DYNAMIC_TENSOR_NAME;
  t.type = ov::element::i64;
  t.dtype = ACL_INT64;
  t.format = ACL_FORMAT_ND;
  t.dims = {static_cast<int64_t>(width)};
  t.shape = ov::Shape{width};
  t.bytes = width * sizeof(int64_t);
  d.tensor_index = info.inputs.size();
  info.inputs.push_back(t);
  info.outputs = big.outputs;
  entry.compiled = big.compiled;
  entry.dyn = std::move(d);
  return true;
}

void mark_aipp_inputs(const std::map<std::string, std::string>& meta, ModelInfo& info) {
  for (size_t i = 0; i < info.inputs.size(); ++i)
    if (meta.count("aipp" + std::to_string(i) + ".input_format")) info.inputs[i].format = ACL_FORMAT_NHWC;
}

}  // namespace dynamic

// ---- Execution of a model with gears ----

aclError ModelInstance::validate_gears(const IoList& io, uint32_t num_inputs) {
  const ModelInfo& mi = info();
  const DynamicInfo& d = entry_->dyn;
  const size_t nout = io.size() - num_inputs;
  if (num_inputs != mi.inputs.size())
    return fail(ACL_ERROR_MODEL_INPUT_NOT_MATCH,
                "model %u has %zu input(s) (the last one %s) but the input dataset holds %u buffer(s)", id_,
                mi.inputs.size(), ACL_DYNAMIC_TENSOR_NAME, num_inputs);
  if (nout != mi.outputs.size())
    return fail(ACL_ERROR_MODEL_OUTPUT_NOT_MATCH,
                "model %u has %zu output(s) but the output dataset holds %zu buffer(s)", id_,
                mi.outputs.size(), nout);
  const bool strict = strict_mode();
  for (size_t i = 0; i < io.size(); ++i)
    if (!io[i].ptr)
      return fail(i < num_inputs ? ACL_ERROR_MODEL_INPUT_NOT_MATCH : ACL_ERROR_MODEL_OUTPUT_NOT_MATCH,
                  "model %u %s %zu has a NULL buffer address", id_, i < num_inputs ? "input" : "output",
                  i < num_inputs ? i : i - num_inputs);
  const IoRef& t = io[d.tensor_index];
  if (t.size < mi.inputs[d.tensor_index].bytes)
    return fail(ACL_ERROR_MODEL_INPUT_NOT_MATCH,
                "model %u input %zu (%s) buffer holds %zu bytes, it needs %zu", id_, d.tensor_index,
                ACL_DYNAMIC_TENSOR_NAME, t.size, mi.inputs[d.tensor_index].bytes);
  if (strict)
    if (aclError e = strict::check_device_range(t.ptr, t.size, ACL_DYNAMIC_TENSOR_NAME " buffer")) return e;
  // The profile is the dynamic tensor's content when the execution runs (an earlier copy on the
  // stream may still write it): here, only check that every buffer fits some profile; run_gears
  // checks the one that runs.
  for (size_t i = 0; i < io.size(); ++i) {
    if (i == d.tensor_index) continue;
    const bool is_in = i < num_inputs;
    const size_t k = is_in ? i : i - num_inputs;
    const PortInfo& largest = is_in ? mi.inputs[k] : mi.outputs[k];
    const aclError code = is_in ? ACL_ERROR_MODEL_INPUT_NOT_MATCH : ACL_ERROR_MODEL_OUTPUT_NOT_MATCH;
    const char* side = is_in ? "input" : "output";
    const IoRef& b = io[i];
    size_t smallest = largest.bytes;
    bool exact = b.size == largest.bytes;
    for (const Gear& gear : d.gears) {
      const PortInfo& p = is_in ? gear.inputs[k] : gear.outputs[k];
      smallest = std::min(smallest, p.bytes);
      exact = exact || b.size == p.bytes;
    }
    if (b.size < smallest || (strict && !exact))
      return fail(code,
                  "model %u %s %zu ('%s') buffer holds %zu bytes; the model's profiles (%s) need %zu for the "
                  "largest%s",
                  id_, side, k, largest.name.c_str(), b.size, dynamic::gears_text(d).c_str(), largest.bytes,
                  strict ? " (strict mode: a profile's exact size)" : "");
    if (strict) {
      std::string what = format("model %u %s %zu ('%s') buffer", id_, side, k, largest.name.c_str());
      if (aclError e = strict::check_device_range(b.ptr, b.size, what.c_str())) return e;
    }
  }
  return ACL_SUCCESS;
}

aclError ModelInstance::run_gears(const IoList& io, uint32_t num_inputs, std::string& msg,
                                  ov::InferRequest*& used) {
  const DynamicInfo& d = entry_->dyn;
  std::vector<uint64_t> values;
  const int g = dynamic::gear_from_buffer(d, io[d.tensor_index], values);
  if (g < 0) {
    msg = format(
        "model %u: the %s buffer holds %s, not a profile of the model (%s): choose one with %s", id_,
        ACL_DYNAMIC_TENSOR_NAME, dynamic::gear_text(values).c_str(), dynamic::gears_text(d).c_str(),
        dynamic::set_function(d.kind));
    return ACL_ERROR_INVALID_PARAM;
  }
  const Gear& gear = d.gears[static_cast<size_t>(g)];
  // The gear may have changed since validate_gears (the buffer is read when the execution runs):
  // never read or write past a buffer.
  for (size_t i = 0, k = 0; i < io.size(); ++i) {
    if (i == d.tensor_index) continue;
    const bool is_in = i < num_inputs;
    const PortInfo& p = is_in ? gear.inputs[k] : gear.outputs[i - num_inputs];
    if (is_in) ++k;
    if (io[i].size < p.bytes) {
      msg = format("model %u: profile %s needs %zu bytes for '%s', its buffer holds %zu", id_,
                   dynamic::gear_text(gear.values).c_str(), p.bytes, p.name.c_str(), io[i].size);
      return is_in ? ACL_ERROR_MODEL_INPUT_NOT_MATCH : ACL_ERROR_MODEL_OUTPUT_NOT_MATCH;
    }
  }
  std::lock_guard<std::mutex> lock(run_m_);
  ov::InferRequest& request = gear_requests_[static_cast<size_t>(g)];
  used = &request;
  try {
    size_t k_in = 0;
    for (size_t i = 0; i < num_inputs; ++i) {
      if (i == d.tensor_index) continue;
      const PortInfo& p = gear.inputs[k_in];
      request.set_input_tensor(k_in, ov::Tensor(p.type, p.shape, io[i].ptr));
      ++k_in;
    }
    for (size_t k = 0; k < gear.outputs.size(); ++k) {
      const PortInfo& p = gear.outputs[k];
      request.set_output_tensor(k, ov::Tensor(p.type, p.shape, io[num_inputs + k].ptr));
    }
    request.infer();
  } catch (const std::exception& e) {
    std::string what = e.what();
    msg = format("model %u execution failed: %s", id_, what.substr(0, what.find("\n\n")).c_str());
    return ACL_ERROR_RT_MODEL_EXECUTE;
  }
  return ACL_SUCCESS;
}

}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclmdlSetDynamicBatchSize(uint32_t modelId, aclmdlDataset* dataset, size_t index,
                                   uint64_t batchSize) ACL_API_TRY {
  ACL_API();
  if (!dataset) return fail(ACL_ERROR_INVALID_PARAM, "dataset must not be NULL");
  return dynamic::choose(modelId, dataset, index, DynamicInfo::Kind::Batch, {batchSize});
} ACL_API_CATCH

aclError aclmdlSetDynamicHWSize(uint32_t modelId, aclmdlDataset* dataset, size_t index, uint64_t height,
                                uint64_t width) ACL_API_TRY {
  ACL_API();
  if (!dataset) return fail(ACL_ERROR_INVALID_PARAM, "dataset must not be NULL");
  return dynamic::choose(modelId, dataset, index, DynamicInfo::Kind::HW, {height, width});
} ACL_API_CATCH

aclError aclmdlSetInputDynamicDims(uint32_t modelId, aclmdlDataset* dataset, size_t index,
                                   const aclmdlIODims* dims) ACL_API_TRY {
  ACL_API();
  if (!dataset || !dims) return fail(ACL_ERROR_INVALID_PARAM, "dataset and dims must not be NULL");
  if (dims->dimCount == 0 || dims->dimCount > ACL_MAX_DIM_CNT)
    return fail(ACL_ERROR_INVALID_PARAM, "dims->dimCount %zu is out of range", dims->dimCount);
  std::vector<uint64_t> values;
  for (size_t i = 0; i < dims->dimCount; ++i) {
    if (dims->dims[i] <= 0)
      return fail(ACL_ERROR_INVALID_PARAM, "dims->dims[%zu] = %lld is not positive", i,
                  static_cast<long long>(dims->dims[i]));
    values.push_back(static_cast<uint64_t>(dims->dims[i]));
  }
  return dynamic::choose(modelId, dataset, index, DynamicInfo::Kind::Dims, values);
} ACL_API_CATCH

aclError aclmdlGetDynamicBatch(const aclmdlDesc* modelDesc, aclmdlBatch* batch) ACL_API_TRY {
  ACL_API();
  if (!batch) return fail(ACL_ERROR_INVALID_PARAM, "batch must not be NULL");
  dynamic::DescModel r = dynamic::from_desc(modelDesc);
  if (!r.m) return r.e;
  const DynamicInfo& d = r.m->entry().dyn;
  std::memset(batch, 0, sizeof *batch);
  if (d.kind != DynamicInfo::Kind::Batch) return ACL_SUCCESS;  // batchCount 0: not a dynamic batch model
  batch->batchCount = std::min<size_t>(d.gears.size(), ACL_MAX_BATCH_NUM);
  for (size_t i = 0; i < batch->batchCount; ++i) batch->batch[i] = d.gears[i].values[0];
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetDynamicHW(const aclmdlDesc* modelDesc, size_t index, aclmdlHW* hw) ACL_API_TRY {
  ACL_API();
  (void)index;  // every dynamic input shares the profiles
  if (!hw) return fail(ACL_ERROR_INVALID_PARAM, "hw must not be NULL");
  dynamic::DescModel r = dynamic::from_desc(modelDesc);
  if (!r.m) return r.e;
  const DynamicInfo& d = r.m->entry().dyn;
  std::memset(hw, 0, sizeof *hw);
  if (d.kind != DynamicInfo::Kind::HW) return ACL_SUCCESS;
  hw->hwCount = std::min<size_t>(d.gears.size(), ACL_MAX_HW_NUM);
  for (size_t i = 0; i < hw->hwCount; ++i) {
    hw->hw[i][0] = d.gears[i].values[0];
    hw->hw[i][1] = d.gears[i].values[1];
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetInputDynamicGearCount(const aclmdlDesc* modelDesc, size_t index, size_t* gearCount) ACL_API_TRY {
  ACL_API();
  (void)index;  // documented as unused (-1)
  if (!gearCount) return fail(ACL_ERROR_INVALID_PARAM, "gearCount must not be NULL");
  dynamic::DescModel r = dynamic::from_desc(modelDesc);
  if (!r.m) return r.e;
  // Profiles of --dynamic_dims only: 0 for dynamic batch / image size and static models (the
  // tools take a non-zero count for a dims model).
  const DynamicInfo& d = r.m->entry().dyn;
  *gearCount = d.kind == DynamicInfo::Kind::Dims ? d.gears.size() : 0;
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetInputDynamicDims(const aclmdlDesc* modelDesc, size_t index, aclmdlIODims* dims,
                                   size_t gearCount) ACL_API_TRY {
  ACL_API();
  (void)index;
  if (!dims) return fail(ACL_ERROR_INVALID_PARAM, "dims must not be NULL");
  dynamic::DescModel r = dynamic::from_desc(modelDesc);
  if (!r.m) return r.e;
  const DynamicInfo& d = r.m->entry().dyn;
  if (d.kind != DynamicInfo::Kind::Dims) return ACL_SUCCESS;  // no dims profiles: nothing to write
  if (gearCount < d.gears.size())
    return fail(ACL_ERROR_INVALID_PARAM, "gearCount %zu is smaller than the model's %zu profile(s)",
                gearCount, d.gears.size());
  for (size_t g = 0; g < d.gears.size(); ++g) {
    aclmdlIODims& out = dims[g];
    std::memset(&out, 0, sizeof out);
    // The dims of every gear-taking input at this profile, one after another.
    for (size_t i = 0; i < d.dynamic_input.size(); ++i) {
      if (!d.dynamic_input[i]) continue;
      const PortInfo& p = d.gears[g].inputs[i];
      if (out.name[0] == '\0') std::strncpy(out.name, p.name.c_str(), sizeof out.name - 1);
      for (int64_t v : p.dims)
        if (out.dimCount < ACL_MAX_DIM_CNT) out.dims[out.dimCount++] = v;
    }
  }
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclmdlGetCurOutputDims(const aclmdlDesc* modelDesc, size_t index, aclmdlIODims* dims) ACL_API_TRY {
  ACL_API();
  if (!dims) return fail(ACL_ERROR_INVALID_PARAM, "dims must not be NULL");
  dynamic::DescModel r = dynamic::from_desc(modelDesc);
  if (!r.m) return r.e;
  const ModelInfo& mi = r.m->info();
  if (index >= mi.outputs.size())
    return fail(ACL_ERROR_INVALID_PARAM, "output index %zu out of range: the model has %zu output(s)", index,
                mi.outputs.size());
  const DynamicInfo& d = r.m->entry().dyn;
  const int g = r.m->chosen_gear();
  // With gears: the chosen one (the largest before any choice); otherwise the static dims.
  const PortInfo& p = d.gears.empty() ? mi.outputs[index]
                                      : d.gears[g >= 0 ? static_cast<size_t>(g) : d.largest].outputs[index];
  std::memset(dims, 0, sizeof *dims);
  std::strncpy(dims->name, p.name.c_str(), sizeof dims->name - 1);
  dims->dimCount = std::min<size_t>(p.dims.size(), ACL_MAX_DIM_CNT);
  for (size_t i = 0; i < dims->dimCount; ++i) dims->dims[i] = p.dims[i];
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
