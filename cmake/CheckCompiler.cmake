# A friendly configure-time check of the C/C++ compilers, run before the languages are enabled:
# without it, a missing compiler ends in CMake's generic "No CMAKE_CXX_COMPILER could be found" deep
# inside pip's log. One line says what to install.
include(CheckLanguage)
include(CheckCXXSourceCompiles)

set(_acl_async_install_hint
    "install one (Debian/Ubuntu: apt-get install g++; Fedora/RHEL: dnf install gcc-c++; \
Alpine: apk add g++), or point CXX at it, then run pip install again")

# A toolchain file (cross builds) names its compilers itself, and says what is missing.
if(NOT CMAKE_TOOLCHAIN_FILE)
  foreach(_lang C CXX)
    check_language(${_lang})
    if(NOT CMAKE_${_lang}_COMPILER)
      message(FATAL_ERROR "acl-async: no ${_lang} compiler found (it builds a C++17 extension): "
                          "${_acl_async_install_hint}")
    endif()
  endforeach()
endif()
enable_language(C CXX)

# C++17 as the sources use it (GCC >= 9, Clang >= 10): std::optional, std::string_view, fold
# expressions, inline variables and <filesystem> without an extra library.
set(CMAKE_REQUIRED_QUIET ON)
set(_acl_async_saved_standard "${CMAKE_CXX_STANDARD}")
set(CMAKE_CXX_STANDARD 17)
check_cxx_source_compiles([=[
#include <filesystem>
#include <optional>
#include <string_view>
inline constexpr int kOne = 1;
template <typename... T> constexpr int sum(T... v) { return (v + ... + 0); }
int main() {
  std::optional<std::string_view> s{"x"};
  return static_cast<int>(std::filesystem::path("a").empty()) + sum(kOne, 1) - 2 + (s ? 0 : 1);
}
]=] ACL_ASYNC_CXX17_WORKS)
set(CMAKE_CXX_STANDARD "${_acl_async_saved_standard}")
if(NOT ACL_ASYNC_CXX17_WORKS)
  message(FATAL_ERROR "acl-async: ${CMAKE_CXX_COMPILER} (${CMAKE_CXX_COMPILER_ID} "
                      "${CMAKE_CXX_COMPILER_VERSION}) cannot compile C++17; it needs GCC >= 9 or Clang >= 10: "
                      "${_acl_async_install_hint}")
endif()
