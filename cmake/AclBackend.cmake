# Chooses the ACL library: the real CANN libascendcl when a toolkit is found
# (or asked for), else our host runtime built from csrc/host. Defines the
# target `acl_async::ascendcl` and ACL_ASYNC_BACKEND_RESOLVED (cann|host).

function(_acl_async_find_cann out)
  set(candidates "")
  foreach(var ASCEND_TOOLKIT_HOME ASCEND_HOME_PATH DDK_PATH)
    if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "")
      list(APPEND candidates "$ENV{${var}}")
    endif()
  endforeach()
  list(APPEND candidates "/usr/local/Ascend/ascend-toolkit/latest")
  foreach(dir IN LISTS candidates)
    if(EXISTS "${dir}/runtime/include/acl/acl.h")
      set(${out} "${dir}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

set(ACL_ASYNC_BACKEND_RESOLVED "${ACL_ASYNC_BACKEND}")
if(ACL_ASYNC_BACKEND STREQUAL "auto" OR ACL_ASYNC_BACKEND STREQUAL "cann")
  _acl_async_find_cann(ACL_ASYNC_CANN_DIR)
  if(ACL_ASYNC_CANN_DIR)
    set(ACL_ASYNC_BACKEND_RESOLVED cann)
  elseif(ACL_ASYNC_BACKEND STREQUAL "cann")
    message(FATAL_ERROR "ACL_ASYNC_BACKEND=cann but no CANN toolkit found: set ASCEND_TOOLKIT_HOME, "
                        "ASCEND_HOME_PATH or DDK_PATH (holding runtime/include/acl/acl.h)")
  else()
    set(ACL_ASYNC_BACKEND_RESOLVED host)
  endif()
elseif(NOT ACL_ASYNC_BACKEND STREQUAL "host")
  message(FATAL_ERROR "ACL_ASYNC_BACKEND must be auto, cann or host (got '${ACL_ASYNC_BACKEND}')")
endif()

if(ACL_ASYNC_BACKEND_RESOLVED STREQUAL "cann")
  # Cross builds link the stub; the real library is found at run time via LD_LIBRARY_PATH.
  if(CMAKE_CROSSCOMPILING AND NOT "$ENV{NPU_HOST_LIB}" STREQUAL "" AND EXISTS "$ENV{NPU_HOST_LIB}/libascendcl.so")
    set(_acl_lib "$ENV{NPU_HOST_LIB}/libascendcl.so")  # as Huawei's sample: NPU_HOST_LIB=$DDK_PATH/runtime/lib64/stub
  elseif(CMAKE_CROSSCOMPILING AND EXISTS "${ACL_ASYNC_CANN_DIR}/runtime/lib64/stub/libascendcl.so")
    set(_acl_lib "${ACL_ASYNC_CANN_DIR}/runtime/lib64/stub/libascendcl.so")
  else()
    set(_acl_lib "${ACL_ASYNC_CANN_DIR}/runtime/lib64/libascendcl.so")
  endif()
  if(NOT EXISTS "${_acl_lib}")
    message(FATAL_ERROR "CANN found at ${ACL_ASYNC_CANN_DIR} but ${_acl_lib} is missing")
  endif()
  add_library(acl_async_ascendcl SHARED IMPORTED GLOBAL)
  set_target_properties(acl_async_ascendcl PROPERTIES
    IMPORTED_LOCATION "${_acl_lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${ACL_ASYNC_CANN_DIR}/runtime/include")
  add_library(acl_async::ascendcl ALIAS acl_async_ascendcl)
  message(STATUS "acl-async: linking CANN ${_acl_lib}")
else()
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../csrc/host ${CMAKE_BINARY_DIR}/host)
  message(STATUS "acl-async: building the host runtime (OpenVINO ${OpenVINO_VERSION})")
endif()
