// acl-async .om container: recognition and unpacking.
#include "detail/om_container.h"

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

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

// Valid UTF-8 (no overlong forms, surrogates or values past U+10FFFF), as Python decodes it.
bool utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char x = static_cast<unsigned char>(s[i + k]);
      if ((x & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (x & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::vector<std::string> split_all(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// A decimal integer of digits only (an optional leading '-' when allow_minus), in [lo, hi].
bool integer(const std::string& t, long long lo, long long hi, long long& v) {
  size_t i = t.size() > 0 && t[0] == '-' ? 1 : 0;
  if (i == t.size() || t.size() - i > 12) return false;
  v = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    v = v * 10 + (t[i] - '0');
  }
  if (t[0] == '-') v = -v;
  return v >= lo && v <= hi;
}

// "d0,d1,...": each -1 (dynamic) or 0..kMaxDim, at most kMaxRank of them.
bool dims_ok(const std::string& text, std::string& why) {
  if (text.empty()) return true;  // a scalar
  const auto parts = split_all(text, ',');
  if (parts.size() > kMaxRank) {
    why = std::to_string(parts.size()) + " dimensions (at most " + std::to_string(kMaxRank) + ")";
    return false;
  }
  for (const auto& d : parts) {
    long long v = 0;
    if (!integer(d, -1, kMaxDim, v)) {
      why = "dimension '" + d + "' is not -1 or an integer in 0.." + std::to_string(kMaxDim);
      return false;
    }
  }
  return true;
}

bool bad(std::string& err, const std::string& field, const std::string& why) {
  err = "corrupt .om metadata: field '" + field + "': " + why;
  return false;
}

}  // namespace

bool validate(const std::map<std::string, std::string>& meta, std::string& err) {
  auto get = [&](const char* k) -> const std::string* {
    auto it = meta.find(k);
    return it == meta.end() ? nullptr : &it->second;
  };
  if (const std::string* dyn = get("dynamic")) {
    if (*dyn != "batch" && *dyn != "hw" && *dyn != "dims")
      return bad(err, "dynamic", "'" + *dyn + "' is not batch, hw or dims");
    const bool hw = *dyn == "hw", dims = *dyn == "dims";
    const std::string* gears = get("gears");
    if (!gears || gears->empty()) return bad(err, "gears", "missing (dynamic=" + *dyn + " needs profiles)");
    const auto profiles = split_all(*gears, ';');
    if (profiles.size() > kMaxProfiles)
      return bad(err, "gears",
                 std::to_string(profiles.size()) + " profiles (at most " + std::to_string(kMaxProfiles) + ")");
    const long long cap = dims ? kMaxDynamicDim : hw ? kMaxImageSide : kMaxBatch;
    std::set<std::string> seen;
    for (const auto& p : profiles) {
      const auto values = split_all(p, ',');
      // dims: one value per -1 of dynamic_inputs (checked against the network when it is loaded).
      if (dims ? (values.empty() || values.size() > kMaxRank) : values.size() != (hw ? 2u : 1u))
        return bad(err, "gears",
                   "profile '" + p + "' needs " +
                       (dims ? "1.." + std::to_string(kMaxRank) + " values" : hw ? "2 values (h,w)" : "1 value (a batch size)"));
      for (const auto& v : values) {
        long long x = 0;
        if (v.empty() || v[0] == '-' || !integer(v, 1, cap, x))
          return bad(err, "gears", "profile '" + p + "': '" + v + "' is not an integer in 1.." + std::to_string(cap));
      }
      if (!seen.insert(p).second) return bad(err, "gears", "profile '" + p + "' is given twice");
    }
  }
  // "name:dims:type;..." and "name:dims;...": names may hold ':', so split from the right.
  for (const char* field : {"inputs", "dynamic_inputs"}) {
    const std::string* text = get(field);
    if (!text || text->empty()) continue;
    const size_t tail = std::strcmp(field, "inputs") == 0 ? 2 : 1;
    for (const auto& item : split_all(*text, ';')) {
      if (item.empty()) continue;
      std::string rest = item;
      for (size_t k = 1; k < tail; ++k) {
        const size_t c = rest.rfind(':');
        if (c == std::string::npos) return bad(err, field, "entry '" + item + "' is not name:dims:type");
        rest.resize(c);
      }
      const size_t c = rest.rfind(':');
      if (c == std::string::npos)
        return bad(err, field, "entry '" + item + "' is not " + (tail == 2 ? "name:dims:type" : "name:dims"));
      std::string why;
      if (!dims_ok(rest.substr(c + 1), why)) return bad(err, field, "entry '" + item + "': " + why);
    }
  }
  return true;
}

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
  if (!utf8(text)) {
    err = "corrupt .om metadata: not UTF-8 text";
    return false;
  }
  size_t line_no = 0;
  for (const std::string& line : split_all(text, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      err = "corrupt .om metadata: line " + std::to_string(line_no) + " is not key=value";
      return false;
    }
    meta[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (!validate(meta, err)) return false;
  xml = bytes.substr(at, xml_len);
  weights = bytes.substr(at + xml_len);
  return true;
}

}  // namespace om
}  // namespace acl_host
