// acl-async's own .om container, written by `acl-async atc` (layout in
// src/acl_async/atc/container.py): magic "ACLAOM01", lengths, "key=value"
// metadata lines, an OpenVINO IR (.xml) and its weights (.bin).
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace acl_host {
namespace om {

constexpr char kMagic[] = "ACLAOM01";
constexpr size_t kMagicSize = 8;

// Caps of the metadata (src/acl_async/atc/container.py applies the same rules):
// profiles per model (atc's limit), batch sizes (CANN's documented range for
// --dynamic_batch_size), image sides, dimensions in `inputs`/`dynamic_inputs`.
constexpr size_t kMaxProfiles = 100;
constexpr long long kMaxBatch = 2048;
constexpr long long kMaxImageSide = 8192;
constexpr long long kMaxDynamicDim = 65536;  // a --dynamic_dims value
constexpr size_t kMaxRank = 32;
constexpr long long kMaxDim = 2147483647;

bool is_container(const std::string& bytes);
// Checks the metadata against the caps above; false with the field named in err.
bool validate(const std::map<std::string, std::string>& meta, std::string& err);
// Splits a container; false (with a reason in err) when it is truncated or corrupt.
bool unpack(const std::string& bytes, std::map<std::string, std::string>& meta, std::string& xml,
            std::string& weights, std::string& err);

}  // namespace om
}  // namespace acl_host
