# find_package(acl_async) for C/C++ applications: the host runtime's CANN-like
# SDK (runtime/include, runtime/lib64) installed inside the acl_async package.
#   cmake -Dacl_async_DIR=$(python -m acl_async --cmakedir) ...
#   target_link_libraries(app PRIVATE acl_async::ascendcl)
get_filename_component(acl_async_DDK_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)
set(acl_async_INCLUDE_DIR "${acl_async_DDK_PATH}/runtime/include")
set(acl_async_LIBRARY "${acl_async_DDK_PATH}/runtime/lib64/libascendcl.so")
if(NOT TARGET acl_async::ascendcl)
  add_library(acl_async::ascendcl SHARED IMPORTED)
  set_target_properties(acl_async::ascendcl PROPERTIES
    IMPORTED_LOCATION "${acl_async_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${acl_async_INCLUDE_DIR}")
endif()
set(acl_async_FOUND TRUE)
