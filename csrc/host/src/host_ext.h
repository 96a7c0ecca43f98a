/* Private entry points of our libascendcl for its sibling libraries (libacl_dvpp):
 * the recent-error slot, strict mode, memory classification and stream tasks live in
 * libascendcl, and these let another library use them. Not part of any public header
 * (no CANN library has them); C, so the siblings need no C++ ABI agreement. */
#ifndef ACL_HOST_EXT_H
#define ACL_HOST_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "acl/acl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Records "<api>: <message> (error <code>)" as the thread's recent error; returns code. */
ACL_FUNC_VISIBILITY aclError acl_host_ext_fail(const char* api, aclError code, const char* message);
/* 1 in strict mode (ACL_HOST_STRICT unset or not 0), else 0. */
ACL_FUNC_VISIBILITY int acl_host_ext_strict(void);
/* The ACL allocation holding ptr: 1 device (aclrtMalloc), 2 host (aclrtMallocHost), with its
 * start and size; 0 when ptr is in none (base and size untouched). */
ACL_FUNC_VISIBILITY int acl_host_ext_find_allocation(const void* ptr, const void** base, size_t* size);

/* A task run on a stream's worker, in order with the stream's other tasks. It returns
 * ACL_SUCCESS or an error code and then writes a message (at most message_size bytes, NUL
 * included) that the stream's synchronize reports. */
typedef aclError (*acl_host_ext_task_fn)(void* user, char* message, size_t message_size);
typedef void (*acl_host_ext_release_fn)(void* user);
/* Queues fn(user) on stream (NULL: the current context's default stream; the stream must
 * belong to the current context, as for aclrtMemcpyAsync). release(user) runs once, after
 * the task ran or was dropped, or at once when queueing fails (may be NULL). */
ACL_FUNC_VISIBILITY aclError acl_host_ext_launch(const char* api, aclrtStream stream, acl_host_ext_task_fn fn,
                                                 void* user, acl_host_ext_release_fn release);
/* A memory range a task reads or writes. */
typedef struct acl_host_ext_range {
  const void* ptr;
  size_t size;
} acl_host_ext_range;
/* acl_host_ext_launch with the ACL allocations holding ranges[0..count) pinned until the task
 * is destroyed, as for the runtime's own copies and executions: a concurrent aclrtFree of one
 * is refused in strict mode (ACL_ERROR_RT_MEMORY_FREE, 207002) and waits in relaxed mode. Ranges outside ACL memory are ignored. */
ACL_FUNC_VISIBILITY aclError acl_host_ext_launch_pinned(const char* api, aclrtStream stream, acl_host_ext_task_fn fn,
                                                        void* user, acl_host_ext_release_fn release,
                                                        const acl_host_ext_range* ranges, size_t count,
                                                        unsigned flags);
/* flags of acl_host_ext_launch_pinned: the task only reads and writes memory and never waits for
 * another thread, so a thread synchronizing the stream may run it itself (when the worker has
 * not started it yet) instead of waiting for the worker to wake up and run it. */
#define ACL_HOST_EXT_TASK_ANY_THREAD 1u

/* Pins the ACL allocation(s) holding [ptr, ptr+size) for a synchronous read or write by the
 * calling thread (a sibling's call that reads the caller's buffer right away): until
 * acl_host_ext_unpin(handle), a concurrent aclrtFree of it is refused in strict mode (207002) and
 * waits in relaxed mode, as for a queued task. Returns a handle (NULL when nothing was pinned:
 * memory outside ACL allocations, or out of memory); acl_host_ext_unpin(NULL) does nothing. */
ACL_FUNC_VISIBILITY void* acl_host_ext_pin(const void* ptr, size_t size);
ACL_FUNC_VISIBILITY void acl_host_ext_unpin(void* handle);

/* Makes the calling thread known as a report thread from its start, without running any callback:
 * when it ends (even without ever calling aclrtProcessReport), the callbacks still queued for it
 * are dropped and the streams blocked on them released. pyACL's acl.util.start_thread calls it
 * before thr_func, which must be first to run on the thread (it sets the thread's context). */
ACL_FUNC_VISIBILITY void acl_host_ext_watch_report_thread(void);

/* Model executions a stream started while the one before them still ran (README "Execution
 * policy": the look-ahead), in this process so far. For tests and benchmarks. */
ACL_FUNC_VISIBILITY uint64_t acl_host_ext_executions_started_ahead(void);
/* Tasks run by a thread in aclrtSynchronizeStream rather than the stream's worker (copies,
 * memsets and ACL_HOST_EXT_TASK_ANY_THREAD tasks the worker had not started). */
ACL_FUNC_VISIBILITY uint64_t acl_host_ext_tasks_run_by_synchronize(void);

#ifdef __cplusplus
}
#endif

#endif /* ACL_HOST_EXT_H */
