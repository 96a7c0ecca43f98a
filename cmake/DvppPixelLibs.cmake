# The pixel libraries of libacl_dvpp, as static archives from PyPI wheels (README "DVPP"):
#   comma-deps-libjpeg  libjpeg-turbo 3.1 (libjpeg.a + headers; IJG/BSD-3-Clause/zlib licences)
#   comma-deps-libyuv   libyuv (libyuv.a + headers; BSD-3-Clause)
# Both ship manylinux_2_28 x86_64 and aarch64 wheels; they declare Requires-Python >= 3.12, so
# they are fetched with `pip download --python-version 3.12` (never installed) into the build
# folder and linked statically: a fresh machine needs nothing beyond Python, pip and a compiler,
# and the cross build gets the aarch64 archives the same way.
# ACL_DVPP_WHEEL_DIR: a folder already holding the two wheels (offline builds).
# Defines the imported targets dvpp::jpeg and dvpp::yuv.

set(ACL_DVPP_LIBJPEG_WHEEL "comma-deps-libjpeg==3.1.0.post92" CACHE STRING "pip requirement of the libjpeg-turbo wheel")
set(ACL_DVPP_LIBYUV_WHEEL "comma-deps-libyuv==1922.0.post95" CACHE STRING "pip requirement of the libyuv wheel")
set(ACL_DVPP_WHEEL_DIR "" CACHE PATH "Folder holding the pixel-library wheels (default: downloaded into the build)")

find_package(Python3 COMPONENTS Interpreter REQUIRED)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_dvpp_platform manylinux_2_28_aarch64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_dvpp_platform manylinux_2_28_x86_64)
else()
  message(FATAL_ERROR "libacl_dvpp: no pixel-library wheels for ${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(_dvpp_root "${CMAKE_BINARY_DIR}/dvpp-pixel-libs/${_dvpp_platform}")
function(_dvpp_fetch requirement package out_dir)
  set(dest "${_dvpp_root}/${package}")
  if(NOT EXISTS "${dest}/.done")
    set(wheels "${ACL_DVPP_WHEEL_DIR}")
    if(NOT wheels)
      set(wheels "${_dvpp_root}/wheels")
      message(STATUS "libacl_dvpp: pip download ${requirement} (${_dvpp_platform})")
      execute_process(
        COMMAND "${Python3_EXECUTABLE}" -m pip download --quiet --no-deps --only-binary=:all:
                --python-version 3.12 --platform ${_dvpp_platform} -d "${wheels}" "${requirement}"
        RESULT_VARIABLE rc ERROR_VARIABLE err)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "libacl_dvpp: `pip download ${requirement}` failed: ${err}")
      endif()
    endif()
    string(REPLACE "-" "_" stem "${package}")
    file(GLOB wheel "${wheels}/${stem}-*-${_dvpp_platform}.whl")
    list(LENGTH wheel n)
    if(NOT n EQUAL 1)
      message(FATAL_ERROR "libacl_dvpp: expected one ${stem}-*-${_dvpp_platform}.whl in ${wheels}, found ${n}")
    endif()
    file(REMOVE_RECURSE "${dest}")
    file(MAKE_DIRECTORY "${dest}")
    file(ARCHIVE_EXTRACT INPUT "${wheel}" DESTINATION "${dest}")
    file(TOUCH "${dest}/.done")
  endif()
  set(${out_dir} "${dest}" PARENT_SCOPE)
endfunction()

_dvpp_fetch("${ACL_DVPP_LIBJPEG_WHEEL}" comma-deps-libjpeg _jpeg_dir)
_dvpp_fetch("${ACL_DVPP_LIBYUV_WHEEL}" comma-deps-libyuv _yuv_dir)
file(GLOB _jpeg_install "${_jpeg_dir}/*.data/purelib/libjpeg/install")
file(GLOB _yuv_install "${_yuv_dir}/*.data/purelib/libyuv/install")
foreach(pair "jpeg;${_jpeg_install};libjpeg.a" "yuv;${_yuv_install};libyuv.a")
  list(GET pair 0 name)
  list(GET pair 1 dir)
  list(GET pair 2 archive)
  if(NOT EXISTS "${dir}/lib/${archive}")
    message(FATAL_ERROR "libacl_dvpp: ${dir}/lib/${archive} missing from the ${name} wheel")
  endif()
  add_library(dvpp::${name} STATIC IMPORTED GLOBAL)
  set_target_properties(dvpp::${name} PROPERTIES
    IMPORTED_LOCATION "${dir}/lib/${archive}"
    INTERFACE_INCLUDE_DIRECTORIES "${dir}/include")
endforeach()
