// PNG through libpng 1.6's simplified API, loaded at first use: the copy Pillow's wheel bundles
// (site-packages/pillow.libs/libpng16-*.so*, Pillow being a dependency of acl-async), else the
// system's libpng16.so.16; ACL_DVPP_LIBPNG=<path> names another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace acl_dvpp {

struct PngInfo {
  uint32_t width = 0, height = 0;
  int components = 0;  // 1 grey, 2 grey + alpha, 3 RGB (and palettes without alpha), 4 RGBA
  bool alpha() const { return components == 2 || components == 4; }
};

// A libpng could be loaded (else `error` says where none was found).
bool png_available(std::string& error);
// Header facts; false with `error` when the data is not a PNG (or no libpng could be loaded).
bool png_info(const uint8_t* data, size_t size, PngInfo& info, std::string& error);
// Decodes to 8-bit RGB (channels 3) or RGBA (channels 4) rows of `stride` bytes.
bool png_decode(const uint8_t* data, size_t size, int channels, uint8_t* out, size_t stride, std::string& error);

}  // namespace acl_dvpp
