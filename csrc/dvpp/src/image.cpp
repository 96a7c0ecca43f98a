// Picture geometry checks (see image.h for the documented rules and their sources).
#include "image.h"

#include "memory.h"

namespace acl_dvpp {

Pic snapshot(const acldvppPicDesc* d) {
  Pic p;
  p.data = static_cast<uint8_t*>(d->data);
  p.size = d->size;
  p.format = d->format;
  p.width = d->width;
  p.height = d->height;
  p.width_stride = d->width_stride;
  p.height_stride = d->height_stride;
  return p;
}

const char* format_name(acldvppPixelFormat f) {
  switch (f) {
    case PIXEL_FORMAT_YUV_400:
      return "PIXEL_FORMAT_YUV_400";
    case PIXEL_FORMAT_YUV_SEMIPLANAR_420:
      return "PIXEL_FORMAT_YUV_SEMIPLANAR_420 (NV12)";
    case PIXEL_FORMAT_YVU_SEMIPLANAR_420:
      return "PIXEL_FORMAT_YVU_SEMIPLANAR_420 (NV21)";
    case PIXEL_FORMAT_YUV_SEMIPLANAR_422:
      return "PIXEL_FORMAT_YUV_SEMIPLANAR_422";
    case PIXEL_FORMAT_YVU_SEMIPLANAR_422:
      return "PIXEL_FORMAT_YVU_SEMIPLANAR_422";
    case PIXEL_FORMAT_YUV_SEMIPLANAR_444:
      return "PIXEL_FORMAT_YUV_SEMIPLANAR_444";
    case PIXEL_FORMAT_YVU_SEMIPLANAR_444:
      return "PIXEL_FORMAT_YVU_SEMIPLANAR_444";
    case PIXEL_FORMAT_YUYV_PACKED_422:
      return "PIXEL_FORMAT_YUYV_PACKED_422";
    case PIXEL_FORMAT_UYVY_PACKED_422:
      return "PIXEL_FORMAT_UYVY_PACKED_422";
    case PIXEL_FORMAT_YVYU_PACKED_422:
      return "PIXEL_FORMAT_YVYU_PACKED_422";
    case PIXEL_FORMAT_VYUY_PACKED_422:
      return "PIXEL_FORMAT_VYUY_PACKED_422";
    case PIXEL_FORMAT_RGB_888:
      return "PIXEL_FORMAT_RGB_888";
    case PIXEL_FORMAT_BGR_888:
      return "PIXEL_FORMAT_BGR_888";
    case PIXEL_FORMAT_ARGB_8888:
      return "PIXEL_FORMAT_ARGB_8888";
    case PIXEL_FORMAT_ABGR_8888:
      return "PIXEL_FORMAT_ABGR_8888";
    case PIXEL_FORMAT_RGBA_8888:
      return "PIXEL_FORMAT_RGBA_8888";
    case PIXEL_FORMAT_BGRA_8888:
      return "PIXEL_FORMAT_BGRA_8888";
    default:
      return "this pixel format";
  }
}

uint64_t buffer_size(acldvppPixelFormat f, uint32_t ws, uint32_t hs) {
  uint64_t plane = static_cast<uint64_t>(ws) * hs;
  switch (f) {
    case PIXEL_FORMAT_YUV_SEMIPLANAR_420:
    case PIXEL_FORMAT_YVU_SEMIPLANAR_420:
      return plane * 3 / 2;
    case PIXEL_FORMAT_YUV_SEMIPLANAR_422:
    case PIXEL_FORMAT_YVU_SEMIPLANAR_422:
      return plane * 2;
    case PIXEL_FORMAT_YUV_SEMIPLANAR_444:
    case PIXEL_FORMAT_YVU_SEMIPLANAR_444:
      return plane * 3;
    case PIXEL_FORMAT_YUV_400:  // the luma plane is all VPC reads (the 310's table allots x 3/2)
      return plane;
    default:
      return packed_pixel_bytes(f) ? plane : 0;  // packed: the width stride counts bytes
  }
}

aclError check_vpc_pic(const char* api, const Pic& p, const char* what, bool output, bool vpc_input) {
  const char* relax = " (strict mode; ACL_HOST_STRICT=0 relaxes)";
  if (!p.data) return fail(api, ACL_ERROR_INVALID_PARAM, "%s has no data (acldvppSetPicDescData)", what);
  if (!p.yuv420sp() && !p.packed_rgb() && !(vpc_input && p.converted_input()))
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "%s format %d (%s) is not handled: VPC takes YUV420SP NV12/NV21 and packed RGB/BGR 888%s", what,
                static_cast<int>(p.format), format_name(p.format),
                vpc_input ? ", and as input YUV400, YUV/YVU422SP, YUV/YVU444SP, packed YUV422 and 32-bit RGB" : "");
  if (output && p.packed_rgb() && strict())
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "%s format %s: VPC output on the Ascend 310 is YUV420SP NV12/NV21 only%s", what,
                format_name(p.format), relax);
  if (p.width == 0 || p.height == 0)
    return fail(api, ACL_ERROR_INVALID_PARAM, "%s width %u x height %u must not be 0", what, p.width, p.height);
  uint64_t row = static_cast<uint64_t>(p.width) * (p.packed_bytes() ? p.packed_bytes() : 1);
  if (p.width_stride < row || p.height_stride < p.height)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "%s strides %u x %u are smaller than its %llu-byte rows x %u rows", what, p.width_stride,
                p.height_stride, static_cast<unsigned long long>(row), p.height);
  if (strict()) {
    // A VPC input of odd width or height is "rounded down to 2-aligned by VPC (15 x 15 is processed as
    // 14 x 14)" (acldvppVpcResizeAsync, Atlas 200/300/500): see vpc_input_size.
    if (p.yuv420sp() && !vpc_input && (p.width % 2 || p.height % 2))
      return fail(api, ACL_ERROR_INVALID_PARAM, "%s width %u and height %u must be even for YUV420SP%s", what,
                  p.width, p.height, relax);
    // "Width: must be a multiple of 2" for YUV422SP and packed YUV422 inputs (the 310's table).
    if (p.half_width_chroma() && !p.yuv420sp() && p.width % 2)
      return fail(api, ACL_ERROR_INVALID_PARAM, "%s width %u must be even for %s%s", what, p.width,
                  format_name(p.format), relax);
    if (p.width_stride % 16 || p.height_stride % 2)
      return fail(api, ACL_ERROR_INVALID_PARAM,
                  "%s width stride %u must be a multiple of 16 and height stride %u a multiple of 2%s", what,
                  p.width_stride, p.height_stride, relax);
    // An input "of width or height in (4096, 8192]" is YUV420SP NV12/NV21 (acldvppVpcResizeAsync).
    const uint32_t max_side = vpc_input && p.yuv420sp() ? 8192 : 4096;
    if (p.width < 32 || p.height < 6 || p.width > max_side || p.height > max_side)
      return fail(api, ACL_ERROR_INVALID_PARAM, "%s %u x %u is outside VPC's 32 x 6 to %u x %u%s", what,
                  p.width, p.height, max_side, max_side, relax);
  } else if (p.yuv420sp() && p.height_stride % 2) {
    return fail(api, ACL_ERROR_INVALID_PARAM, "%s height stride %u must be even for YUV420SP", what,
                p.height_stride);
  }
  uint64_t need = buffer_size(p.format, p.width_stride, p.height_stride);
  if (p.size < need)
    return fail(api, ACL_ERROR_INVALID_PARAM, "%s size %u is smaller than the %llu bytes its layout needs", what,
                p.size, static_cast<unsigned long long>(need));
  return check_dvpp_memory(api, p.data, need, what);
}

aclError check_box(const char* api, const acldvppRoiConfig* roi, const Pic& p, const char* what, Box& out) {
  if (!roi) return fail(api, ACL_ERROR_INVALID_PARAM, "%s must not be NULL", what);
  uint32_t l = roi->left, r = roi->right, t = roi->top, b = roi->bottom;
  if (l > r || t > b || r >= p.width || b >= p.height)
    return fail(api, ACL_ERROR_INVALID_PARAM,
                "%s [left %u, right %u] x [top %u, bottom %u] (inclusive) is not inside the %u x %u picture", what,
                l, r, t, b, p.width, p.height);
  if (l % 2 || t % 2 || r % 2 == 0 || b % 2 == 0) {
    if (strict())
      return fail(api, ACL_ERROR_INVALID_PARAM,
                  "%s left %u and top %u must be even, right %u and bottom %u odd (strict mode; "
                  "ACL_HOST_STRICT=0 rounds them)",
                  what, l, t, r, b);
    l &= ~1u;
    t &= ~1u;
    if (r % 2 == 0) r = r + 1 < p.width ? r + 1 : r - 1;
    if (b % 2 == 0) b = b + 1 < p.height ? b + 1 : b - 1;
    if (r < l) r = l;
    if (b < t) b = t;
  }
  out = Box{l, t, r - l + 1, b - t + 1};
  return ACL_SUCCESS;
}

}  // namespace acl_dvpp
