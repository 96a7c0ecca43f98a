/* libacl_cblas.so, libacl_op_compiler.so and libmsprofiler.so of the host runtime: CANN puts the
 * functions of acl/ops/acl_cblas.h, acl/acl_op_compiler.h and acl/acl_prof.h in these libraries, and
 * applications link them (-lacl_cblas ...) against their stubs in runtime/lib64/stub. The host runtime
 * implements those functions in libascendcl.so (they need its streams, models and error slot): each
 * of these libraries is this empty file plus a dependency on libascendcl.so, so that loading it at
 * run time brings the functions the application was linked against. */
__attribute__((visibility("hidden"))) int acl_host_companion_library;
