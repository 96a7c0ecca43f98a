# Cross-compiling for aarch64 Linux (Kunpeng and other ARM servers) from an x86_64
# Linux host with the GNU cross toolchain (Debian/Ubuntu: `apt-get install
# g++-aarch64-linux-gnu`).
#
#   cmake -S . -B build-aarch64 \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
#     -DOpenVINO_DIR=<aarch64 openvino wheel>/openvino/cmake      # host backend
#   DDK_PATH=<ascend-toolkit>/latest/arm64-linux cmake ... -DACL_ASYNC_BACKEND=cann   # CANN
#
# Knobs (cache variables or environment variables of the same name):
#   ACL_ASYNC_CROSS_PREFIX  compiler prefix, default "aarch64-linux-gnu-"
#   ACL_ASYNC_CROSS_SYSROOT target root searched for libraries and headers,
#                           default /usr/aarch64-linux-gnu (Debian's cross libc)
#   ACL_ASYNC_QEMU          emulator used by try_run/ctest, default qemu-aarch64
# Scripts: scripts/cross_compile_aarch64.sh drives this file end to end.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
# Debian multiarch directory name: /usr/lib/aarch64-linux-gnu, /usr/include/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

foreach(_v ACL_ASYNC_CROSS_PREFIX ACL_ASYNC_CROSS_SYSROOT ACL_ASYNC_QEMU)
  if(NOT DEFINED ${_v} AND DEFINED ENV{${_v}} AND NOT "$ENV{${_v}}" STREQUAL "")
    set(${_v} "$ENV{${_v}}")
  endif()
endforeach()
if(NOT DEFINED ACL_ASYNC_CROSS_PREFIX)
  set(ACL_ASYNC_CROSS_PREFIX "aarch64-linux-gnu-")
endif()
if(NOT DEFINED ACL_ASYNC_CROSS_SYSROOT)
  set(ACL_ASYNC_CROSS_SYSROOT "/usr/aarch64-linux-gnu")
endif()
if(NOT DEFINED ACL_ASYNC_QEMU)
  set(ACL_ASYNC_QEMU "qemu-aarch64")
endif()
# try_compile projects re-read this file: pass the knobs on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES
     ACL_ASYNC_CROSS_PREFIX ACL_ASYNC_CROSS_SYSROOT ACL_ASYNC_QEMU)

find_program(_acl_async_cross_cc NAMES "${ACL_ASYNC_CROSS_PREFIX}gcc" NO_CACHE)
find_program(_acl_async_cross_cxx NAMES "${ACL_ASYNC_CROSS_PREFIX}g++" NO_CACHE)
if(NOT _acl_async_cross_cc OR NOT _acl_async_cross_cxx)
  message(FATAL_ERROR "aarch64 cross compiler ${ACL_ASYNC_CROSS_PREFIX}g++ not found: "
                      "apt-get install g++-aarch64-linux-gnu (or set ACL_ASYNC_CROSS_PREFIX)")
endif()
set(CMAKE_C_COMPILER "${_acl_async_cross_cc}")
set(CMAKE_CXX_COMPILER "${_acl_async_cross_cxx}")

# Libraries and headers come from the target root (plus Debian's multiarch
# arm64 directories, which CMAKE_LIBRARY_ARCHITECTURE adds under "/"); programs
# (python, pkg-config helpers) from the build machine. Packages given by an
# explicit <Pkg>_DIR (OpenVINO_DIR, pybind11_DIR) are used as given.
set(CMAKE_FIND_ROOT_PATH "${ACL_ASYNC_CROSS_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Run target programs (try_run, ctest) under user-mode emulation. The library
# path points the dynamic loader at the cross libc that matches the cross
# ld-linux-aarch64.so.1: without it, once Debian's libc6:arm64 is installed
# (libpython3.11-dev:arm64 pulls it in), the loader picks /lib/aarch64-linux-gnu/
# libc.so.6 from the build machine's /etc/ld.so.cache, a different glibc build,
# and threaded programs hang in pthread_create.
find_program(_acl_async_qemu NAMES "${ACL_ASYNC_QEMU}" NO_CACHE)
if(_acl_async_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR
      "${_acl_async_qemu};-L;${ACL_ASYNC_CROSS_SYSROOT};-E;LD_LIBRARY_PATH=${ACL_ASYNC_CROSS_SYSROOT}/lib")
endif()
