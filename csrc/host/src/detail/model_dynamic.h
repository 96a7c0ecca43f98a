// Models converted by `acl-async atc` with --dynamic_batch_size or
// --dynamic_image_size: one static compiled model per gear, an extra last
// input ACL_DYNAMIC_TENSOR_NAME (int64 values: the batch size, or height and
// width) whose content picks the gear of each execution, input and output
// sizes of the largest gear; plus the AIPP facts of the container metadata.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <openvino/core/model.hpp>
#include <openvino/runtime/compiled_model.hpp>

#include "detail/model.h"

namespace acl_host {

// model.cpp: a port's description.
PortInfo describe_input(const ov::Output<const ov::Node>& port);
PortInfo describe_output(const ov::Output<const ov::Node>& port);

namespace dynamic {

bool has_gears(const std::map<std::string, std::string>& meta);
// Compiles every gear of `m` and fills entry.dyn, entry.compiled (the largest
// gear) and info (network inputs with -1 where the gear applies, sized for the
// largest gear, then the dynamic tensor; outputs of the largest gear).
bool compile_gears(const std::shared_ptr<ov::Model>& m, const ov::AnyMap& props, CompiledEntry& entry,
                   ModelInfo& info, std::string& err);
// AIPP inputs are NHWC pictures.
void mark_aipp_inputs(const std::map<std::string, std::string>& meta, ModelInfo& info);

}  // namespace dynamic
}  // namespace acl_host
