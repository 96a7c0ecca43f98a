// libpng's simplified API (png_image), declared here from its documented ABI (libpng 1.6,
// PNG_IMAGE_VERSION 1) and resolved with dlsym, so building needs no libpng headers.
#include "png_codec.h"

#include <dlfcn.h>
#include <glob.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common.h"

namespace acl_dvpp {
namespace {

struct PngImage {  // libpng's png_image
  void* opaque;
  uint32_t version;
  uint32_t width;
  uint32_t height;
  uint32_t format;
  uint32_t flags;
  uint32_t colormap_entries;
  uint32_t warning_or_error;
  char message[64];
};
constexpr uint32_t kImageVersion = 1;
constexpr uint32_t kFormatAlpha = 0x01, kFormatColor = 0x02, kFormatColormap = 0x08;

struct Lib {
  int (*begin)(PngImage*, const void*, size_t) = nullptr;
  int (*finish)(PngImage*, const void*, void*, int32_t, void*) = nullptr;
  void (*free_image)(PngImage*) = nullptr;
  std::string error;
};

void* open_first(const std::string& pattern) {
  glob_t g;
  void* h = nullptr;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc && !h; ++i) h = dlopen(g.gl_pathv[i], RTLD_NOW | RTLD_LOCAL);
  globfree(&g);
  return h;
}

const Lib& lib() {
  static Lib l;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = nullptr;
    if (const char* env = std::getenv("ACL_DVPP_LIBPNG")) h = dlopen(env, RTLD_NOW | RTLD_LOCAL);
    Dl_info self{};
    if (!h && dladdr(reinterpret_cast<void*>(&png_info), &self) && self.dli_fname) {
      // runtime/lib64/libacl_dvpp.so -> site-packages/pillow.libs
      std::string dir(self.dli_fname);
      dir = dir.substr(0, dir.rfind('/'));
      h = open_first(dir + "/../../../pillow.libs/libpng16-*.so*");
    }
    if (!h) h = dlopen("libpng16.so.16", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      l.error = "no libpng 1.6 found (Pillow's pillow.libs, libpng16.so.16 or ACL_DVPP_LIBPNG)";
      return;
    }
    l.begin = reinterpret_cast<decltype(l.begin)>(dlsym(h, "png_image_begin_read_from_memory"));
    l.finish = reinterpret_cast<decltype(l.finish)>(dlsym(h, "png_image_finish_read"));
    l.free_image = reinterpret_cast<decltype(l.free_image)>(dlsym(h, "png_image_free"));
    if (!l.begin || !l.finish || !l.free_image) {
      l.begin = nullptr;
      l.error = "the libpng found lacks the simplified API (png_image_*)";
    }
  });
  return l;
}

bool begin(const uint8_t* data, size_t size, PngImage& img, std::string& error) {
  const Lib& l = lib();
  if (!l.begin) {
    error = l.error;
    return false;
  }
  if (!data) {
    error = "no data";
    return false;
  }
  std::memset(&img, 0, sizeof img);
  img.version = kImageVersion;
  if (size < 8 || std::memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0) {
    error = "not a PNG (no PNG signature)";
    return false;
  }
  if (!l.begin(&img, data, size)) {
    error = format("not a PNG libpng can read: %s", img.message);
    l.free_image(&img);
    return false;
  }
  return true;
}

}  // namespace

bool png_available(std::string& error) {
  error = lib().error;
  return lib().begin != nullptr;
}

bool png_info(const uint8_t* data, size_t size, PngInfo& info, std::string& error) {
  PngImage img;
  if (!begin(data, size, img, error)) return false;
  info.width = img.width;
  info.height = img.height;
  bool color = (img.format & (kFormatColor | kFormatColormap)) != 0;
  bool alpha = (img.format & kFormatAlpha) != 0;
  info.components = color ? (alpha ? 4 : 3) : (alpha ? 2 : 1);
  lib().free_image(&img);
  return true;
}

bool png_decode(const uint8_t* data, size_t size, int channels, uint8_t* out, size_t stride, std::string& error) {
  PngImage img;
  if (!begin(data, size, img, error)) return false;
  img.format = channels == 4 ? (kFormatColor | kFormatAlpha) : kFormatColor;
  // Alpha dropped onto black for RGB output (a NULL background composes onto black... libpng's
  // default); the hardware drops the alpha channel the same way for opaque pictures.
  if (!lib().finish(&img, nullptr, out, static_cast<int32_t>(stride), nullptr)) {
    error = format("corrupt PNG data: %s", img.message);
    lib().free_image(&img);
    return false;
  }
  return true;
}

}  // namespace acl_dvpp
