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

bool is_container(const std::string& bytes);
// Splits a container; false (with a reason in err) when it is truncated or corrupt.
bool unpack(const std::string& bytes, std::map<std::string, std::string>& meta, std::string& xml,
            std::string& weights, std::string& err);

}  // namespace om
}  // namespace acl_host
