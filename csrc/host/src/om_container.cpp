// acl-async .om container: recognition and unpacking.
#include "detail/om_container.h"

#include <cstdint>
#include <cstring>

namespace acl_host {
namespace om {
namespace {

template <typename T>
T read_le(const std::string& b, size_t at) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<T>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

}  // namespace

bool is_container(const std::string& bytes) {
  return bytes.size() >= kMagicSize && std::memcmp(bytes.data(), kMagic, kMagicSize) == 0;
}

bool unpack(const std::string& bytes, std::map<std::string, std::string>& meta, std::string& xml,
            std::string& weights, std::string& err) {
  constexpr size_t kHeader = kMagicSize + 4 + 8 + 8;
  if (!is_container(bytes) || bytes.size() < kHeader) {
    err = "not an acl-async .om container";
    return false;
  }
  const uint64_t meta_len = read_le<uint32_t>(bytes, 8);
  const uint64_t xml_len = read_le<uint64_t>(bytes, 12);
  const uint64_t bin_len = read_le<uint64_t>(bytes, 20);
  const uint64_t avail = bytes.size() - kHeader;
  if (meta_len > avail || xml_len > avail - meta_len || bin_len != avail - meta_len - xml_len) {
    err = "truncated or corrupt acl-async .om container (section lengths do not match the file size)";
    return false;
  }
  size_t at = kHeader;
  const std::string text = bytes.substr(at, meta_len);
  at += meta_len;
  meta.clear();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t eq = line.find('=');
    if (eq != std::string::npos) meta[line.substr(0, eq)] = line.substr(eq + 1);
    start = end + 1;
  }
  xml = bytes.substr(at, xml_len);
  weights = bytes.substr(at + xml_len);
  return true;
}

}  // namespace om
}  // namespace acl_host
