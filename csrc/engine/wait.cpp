#include "wait.h"

#include <cmath>
#include <stdexcept>

namespace acl_async {

int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> deadline_after(std::optional<double> timeout_s) {
  if (!timeout_s) return std::nullopt;
  if (std::isnan(*timeout_s) || *timeout_s < 0)
    throw std::invalid_argument("timeout must be >= 0 seconds or None");
  double ns = *timeout_s * 1e9;
  if (ns > 9e18) return std::nullopt;  // effectively forever
  return now_ns() + static_cast<int64_t>(ns);
}

}  // namespace acl_async
