#!/usr/bin/env bash
# Cross-compile acl-async for aarch64 Linux (Kunpeng and other ARM servers) on an
# x86_64 Linux machine, and build an aarch64 wheel into dist/.
#
#   scripts/cross_compile_aarch64.sh [options]
#
# Backends (like a native build, see cmake/AclBackend.cmake):
#   cann  DDK_PATH=<ascend-toolkit>/latest/arm64-linux (the arm64 CANN toolkit). Compiles
#         against $DDK_PATH/runtime/include and links the stub library in
#         NPU_HOST_LIB (default $DDK_PATH/runtime/lib64/stub); on the device the real
#         libascendcl.so is found through LD_LIBRARY_PATH (CANN's set_env.sh), as CANN expects.
#   host  no CANN: our host runtime (csrc/host) against the aarch64 `openvino` wheel,
#         which this script downloads with `pip download --platform ..._aarch64`.
#   auto  (default) cann when DDK_PATH is set, else host.
#
# Options:
#   --backend auto|cann|host  or the environment variable ACL_ASYNC_BACKEND
#   --no-wheel                skip the wheel (no Python headers needed)
#   --sdk                     also configure+build the C SDK with CMake into the build
#                             folder (host backend: with the C test programs of csrc/host/tests)
#   --build-dir DIR           work folder (default build/cross-aarch64)
#   --dist DIR                where the wheel goes (default dist)
#   --openvino-dir DIR        an unpacked aarch64 openvino wheel (the folder holding
#                             openvino/); default: downloaded into the work folder
#   -j N                      parallel compile jobs (default 2)
#   -h, --help
#
# Environment: PYTHON (the build Python, default python3; its major.minor picks the
# arm64 headers and the wheel's cp tag), ACL_ASYNC_CROSS_PREFIX (default
# aarch64-linux-gnu-), ACL_ASYNC_CROSS_PYTHON_INCLUDE (folder of the arm64 pyconfig.h,
# default /usr/include/aarch64-linux-gnu/python3.X), ACL_ASYNC_OPENVINO_VERSION
# (default: the pin in pyproject.toml), DDK_PATH, NPU_HOST_LIB.
#
# Needs (Debian 12): apt-get install g++-aarch64-linux-gnu; for the wheel also
# dpkg --add-architecture arm64 && apt-get update && apt-get install libpython3.11-dev:arm64,
# and in the build Python: pip install scikit-build-core pybind11 cmake ninja.
# Every missing piece is reported in one line with what to install or set; exit code 2.
set -euo pipefail

die() { echo "cross_compile_aarch64: error: $*" >&2; exit 2; }
log() { echo "cross_compile_aarch64: $*" >&2; }

script_dir=$(cd "${BASH_SOURCE[0]%/*}" && pwd)
root=$(cd "$script_dir/.." && pwd)

backend=${ACL_ASYNC_BACKEND:-auto}
want_wheel=1
want_sdk=0
build_dir=""
dist_dir=""
ov_root=""
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) [ $# -ge 2 ] || die "--backend needs a value: auto, cann or host"; backend=$2; shift 2 ;;
    --backend=*) backend=${1#*=}; shift ;;
    --no-wheel) want_wheel=0; shift ;;
    --sdk) want_sdk=1; shift ;;
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a folder"; build_dir=$2; shift 2 ;;
    --dist) [ $# -ge 2 ] || die "--dist needs a folder"; dist_dir=$2; shift 2 ;;
    --openvino-dir) [ $# -ge 2 ] || die "--openvino-dir needs a folder"; ov_root=$2; shift 2 ;;
    -j) [ $# -ge 2 ] || die "-j needs a number"; jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
case "$jobs" in ''|*[!0-9]*|0) die "-j wants a positive number, got '$jobs'" ;; esac
[ "$want_wheel" = 1 ] || [ "$want_sdk" = 1 ] || die "nothing to do: --no-wheel without --sdk"

case "$backend" in
  auto) if [ -n "${DDK_PATH:-}" ]; then backend=cann; else backend=host; fi ;;
  cann|host) ;;
  *) die "backend must be auto, cann or host, got '$backend'" ;;
esac

# --- the cross compiler ------------------------------------------------------------
prefix=${ACL_ASYNC_CROSS_PREFIX:-aarch64-linux-gnu-}
cxx=$(command -v "${prefix}g++" 2>/dev/null) ||
  die "aarch64 cross compiler ${prefix}g++ not found in PATH: apt-get install g++-aarch64-linux-gnu"
command -v "${prefix}gcc" >/dev/null 2>&1 ||
  die "aarch64 cross compiler ${prefix}gcc not found in PATH: apt-get install gcc-aarch64-linux-gnu"
machine=$("$cxx" -dumpmachine 2>/dev/null) || machine=""
case "$machine" in
  aarch64*) ;;
  *) die "${prefix}g++ targets '${machine:-unknown}', not aarch64: apt-get install g++-aarch64-linux-gnu" ;;
esac

# --- CANN: the arm64 toolkit -----------------------------------------------------------
if [ "$backend" = cann ]; then
  [ -n "${DDK_PATH:-}" ] ||
    die "DDK_PATH is not set: export DDK_PATH=\$HOME/Ascend/ascend-toolkit/latest/arm64-linux (the arm64 CANN toolkit)"
  [ -d "$DDK_PATH" ] ||
    die "DDK_PATH=$DDK_PATH is not a folder: point it at <ascend-toolkit>/latest/arm64-linux"
  [ -f "$DDK_PATH/runtime/include/acl/acl.h" ] ||
    die "DDK_PATH=$DDK_PATH has no runtime/include/acl/acl.h: point it at <ascend-toolkit>/latest/arm64-linux"
  npu_host_lib=${NPU_HOST_LIB:-$DDK_PATH/runtime/lib64/stub}
  [ -f "$npu_host_lib/libascendcl.so" ] ||
    die "no libascendcl.so in NPU_HOST_LIB=$npu_host_lib: set NPU_HOST_LIB=\$DDK_PATH/runtime/lib64/stub (install the arm64 toolkit's runtime)"
  # An x86_64 toolkit would link but not run: check the stub's ELF machine (e_machine 183 = AArch64).
  elf_machine=$(od -An -t u2 -j 18 -N 2 "$npu_host_lib/libascendcl.so" 2>/dev/null | tr -d ' ') || elf_machine=""
  [ "$elf_machine" = 183 ] ||
    die "$npu_host_lib/libascendcl.so is not an AArch64 library: DDK_PATH must be the arm64-linux toolkit, not $DDK_PATH"
  export DDK_PATH NPU_HOST_LIB="$npu_host_lib"
  # AclBackend.cmake looks at these before DDK_PATH: a native toolkit's set_env.sh sets them.
  unset ASCEND_TOOLKIT_HOME ASCEND_HOME_PATH
fi

# --- the build Python and the arm64 Python headers -------------------------------------
py=${PYTHON:-python3}
if [ "$want_wheel" = 1 ] || [ "$backend" = host ]; then
  command -v "$py" >/dev/null 2>&1 || die "Python '$py' not found: apt-get install python3 (or set PYTHON)"
  pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])') ||
    die "Python '$py' does not run (set PYTHON to a working python3)"
fi
if [ "$want_wheel" = 1 ]; then
  pyinc_arch=${ACL_ASYNC_CROSS_PYTHON_INCLUDE:-/usr/include/aarch64-linux-gnu/python$pyver}
  # Debian: Python.h is arch-independent in /usr/include/python3.X; a complete include
  # folder (another sysroot) may hold both.
  pyinc_main=/usr/include/python$pyver
  [ ! -f "$pyinc_arch/Python.h" ] || pyinc_main=$pyinc_arch
  if [ ! -f "$pyinc_arch/pyconfig.h" ] || [ ! -f "$pyinc_main/Python.h" ]; then
    die "arm64 Python $pyver headers not found ($pyinc_arch/pyconfig.h): dpkg --add-architecture arm64 && apt-get update && apt-get install libpython$pyver-dev:arm64"
  fi
  for mod in scikit_build_core pybind11; do
    "$py" -c "import $mod" 2>/dev/null ||
      die "the build Python ($py) lacks $mod: $py -m pip install scikit-build-core pybind11 cmake ninja"
  done
fi

# --- work folders ----------------------------------------------------------------------
build_dir=${build_dir:-$root/build/cross-aarch64}
dist_dir=${dist_dir:-$root/dist}
mkdir -p "$build_dir" "$dist_dir"
build_dir=$(cd "$build_dir" && pwd)
dist_dir=$(cd "$dist_dir" && pwd)
toolchain=$root/cmake/toolchains/aarch64-linux-gnu.cmake
command -v cmake >/dev/null 2>&1 || die "cmake not found: $py -m pip install cmake ninja (or apt-get install cmake)"
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs

# --- host: the aarch64 OpenVINO wheel --------------------------------------------------
ov_cmake=""
if [ "$backend" = host ]; then
  if [ -z "$ov_root" ]; then
    ov_version=${ACL_ASYNC_OPENVINO_VERSION:-$(sed -n 's/.*"openvino==\([0-9][0-9.]*\)".*/\1/p' "$root/pyproject.toml" | head -n 1)}
    [ -n "$ov_version" ] || die "cannot read the openvino pin from pyproject.toml: set ACL_ASYNC_OPENVINO_VERSION"
    ov_root=$build_dir/openvino-$ov_version-aarch64
    if [ ! -f "$ov_root/openvino/cmake/OpenVINOConfig.cmake" ]; then
      # pip does not widen an explicit --platform to older manylinux tags: list them
      # (openvino 2026.4.1 for aarch64 is tagged manylinux_2_35).
      plats=()
      for m in 17 26 27 28 29 30 31 32 33 34 35 36; do plats+=(--platform "manylinux_2_${m}_aarch64"); done
      log "downloading openvino==$ov_version for aarch64 (cp${pyver/./})"
      rm -rf "$build_dir/openvino-wheel"
      "$py" -m pip download --quiet --no-deps --only-binary=:all: "${plats[@]}" \
        --python-version "$pyver" --implementation cp -d "$build_dir/openvino-wheel" "openvino==$ov_version" ||
        die "pip could not download openvino==$ov_version for aarch64: check the network/index, or pass --openvino-dir"
      whl=$(ls "$build_dir"/openvino-wheel/openvino-*aarch64*.whl 2>/dev/null | head -n 1)
      [ -n "$whl" ] || die "no aarch64 openvino wheel in $build_dir/openvino-wheel"
      rm -rf "$ov_root.tmp" && mkdir -p "$ov_root.tmp"
      "$py" -m zipfile -e "$whl" "$ov_root.tmp"
      rm -rf "$ov_root" && mv "$ov_root.tmp" "$ov_root"
    fi
  fi
  [ -d "$ov_root" ] || die "--openvino-dir $ov_root is not a folder: pass the unpacked aarch64 openvino wheel"
  ov_root=$(cd "$ov_root" && pwd)
  ov_cmake=$ov_root/openvino/cmake
  [ -f "$ov_cmake/OpenVINOConfig.cmake" ] ||
    die "$ov_root holds no openvino/cmake/OpenVINOConfig.cmake: pass the unpacked aarch64 openvino wheel"
  ov_lib=$(ls "$ov_root"/openvino/libs/libopenvino.so.* 2>/dev/null | head -n 1)
  [ "$(od -An -t u2 -j 18 -N 2 "$ov_lib" 2>/dev/null | tr -d ' ')" = 183 ] ||
    die "$ov_root/openvino/libs is not an aarch64 OpenVINO: download it with pip download --platform manylinux_2_35_aarch64"
  log "OpenVINO for aarch64: $ov_root"
fi

common_defs=(
  "-DCMAKE_TOOLCHAIN_FILE=$toolchain"
  "-DACL_ASYNC_CROSS_PREFIX=$prefix"
  "-DACL_ASYNC_BACKEND=$backend"
  "-DCMAKE_BUILD_TYPE=Release"
)
[ -z "$ov_cmake" ] || common_defs+=("-DOpenVINO_DIR=$ov_cmake")

# --- the C SDK (and the host runtime's C tests) ----------------------------------------
if [ "$want_sdk" = 1 ]; then
  sdk_build=$build_dir/sdk
  tests=OFF
  [ "$backend" = host ] && tests=ON
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  # A cache made with another generator cannot be reused.
  if [ -f "$sdk_build/CMakeCache.txt" ] &&
     ! grep -qx "CMAKE_GENERATOR:INTERNAL=${generator[1]:-Unix Makefiles}" "$sdk_build/CMakeCache.txt"; then
    rm -rf "$sdk_build"
  fi
  log "configuring the C SDK in $sdk_build"
  cmake -S "$root" -B "$sdk_build" "${generator[@]}" "${common_defs[@]}" \
    -DACL_ASYNC_BUILD_PYTHON=OFF -DACL_ASYNC_BUILD_TESTS=$tests \
    -DCMAKE_INSTALL_PREFIX="$build_dir/sdk-install"
  cmake --build "$sdk_build" -j "$jobs"
  cmake --install "$sdk_build" >/dev/null
  log "C SDK installed in $build_dir/sdk-install"
fi

# --- the wheel -------------------------------------------------------------------------
if [ "$want_wheel" = 1 ]; then
  abi_tag=cpython-${pyver/./}-aarch64-linux-gnu
  # Debian splits the headers: Python.h in /usr/include/python3.X, the arm64 pyconfig.h in
  # /usr/include/aarch64-linux-gnu/python3.X, reached from a dispatching pyconfig.h through
  # the /usr/include search path, which the cross compiler must not have. Stage one folder.
  pyinc=$build_dir/python$pyver-aarch64-include
  rm -rf "$pyinc" && mkdir -p "$pyinc"
  for f in "$pyinc_main"/*; do ln -s "$f" "$pyinc/"; done
  rm -f "$pyinc/pyconfig.h" && ln -s "$pyinc_arch/pyconfig.h" "$pyinc/pyconfig.h"

  # The wheel tag (linux_aarch64) and the extension suffix follow the target, not the
  # build machine: scikit-build-core reads _PYTHON_HOST_PLATFORM and SETUPTOOLS_EXT_SUFFIX;
  # FindPython and pybind11 are told the same through cache variables.
  export _PYTHON_HOST_PLATFORM=linux-aarch64
  export SETUPTOOLS_EXT_SUFFIX=.$abi_tag.so
  export ACL_ASYNC_BACKEND=$backend
  cfg=(
    -C "cmake.define.CMAKE_TOOLCHAIN_FILE=$toolchain"
    -C "cmake.define.ACL_ASYNC_CROSS_PREFIX=$prefix"
    -C "cmake.define.ACL_ASYNC_BUILD_PYTHON=ON"
    -C "cmake.define.Python_INCLUDE_DIR=$pyinc"
    -C "cmake.define.Python_SOABI=$abi_tag"
    -C "cmake.define.PYBIND11_USE_CROSSCOMPILING=ON"
    -C "cmake.define.PYTHON_MODULE_EXTENSION=.$abi_tag.so"
    -C "build-dir=$build_dir/wheel-build"
  )
  [ -z "$ov_cmake" ] || cfg+=(-C "cmake.define.OpenVINO_DIR=$ov_cmake")
  log "building the aarch64 wheel ($backend backend) into $dist_dir"
  rm -rf "$build_dir/wheel-out" && mkdir -p "$build_dir/wheel-out"
  (cd "$root" && "$py" -m pip wheel . --no-build-isolation --no-deps -w "$build_dir/wheel-out" "${cfg[@]}")
  whl=$(ls "$build_dir"/wheel-out/*.whl 2>/dev/null | head -n 1)
  [ -n "$whl" ] || die "pip wheel produced no wheel"
  case "$whl" in
    *_aarch64.whl) ;;
    *) die "the wheel is not tagged aarch64: $whl" ;;
  esac
  cp "$whl" "$dist_dir/"
  echo "$dist_dir/$(basename "$whl")"
fi
