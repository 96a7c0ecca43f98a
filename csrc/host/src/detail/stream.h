// Streams: a FIFO of tasks served by one worker thread. Async calls queue a
// task and return; synchronize waits for everything queued before it and
// returns (then clears) the first failure of that work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "acl/acl.h"
#include "detail/idle_spin.h"
#include "detail/memory.h"
#include "detail/util.h"

namespace acl_host {

class Context;
class Event;
class ModelInstance;
struct ShapeIo;
class ReportQueue;

struct IoRef {
  void* ptr;
  size_t size;
};
using IoList = SmallVec<IoRef, 8>;

enum class TaskKind : uint8_t {
  None,
  Execute,
  Memcpy,
  Memcpy2d,
  Memset,
  Callback,
  RecordEvent,
  WaitEvent,
  ResetEvent,
  HostTask  // a sibling library's work (host_ext.h: acl_host_ext_launch)
};

struct Task {
  TaskKind kind = TaskKind::None;
  bool block = false;  // Callback: ACL_CALLBACK_BLOCK
  uint32_t num_inputs = 0;
  IoList io;  // Execute: inputs then outputs
  std::shared_ptr<ModelInstance> model;
  std::shared_ptr<const ShapeIo> shapes;  // Execute of a dynamic-shape model (detail/model.h)
  std::shared_ptr<Event> event;
  uint64_t generation = 0;  // RecordEvent / WaitEvent / ResetEvent
  void* dst = nullptr;
  const void* src = nullptr;
  size_t count = 0;                           // Memcpy2d: the width
  size_t dpitch = 0, spitch = 0, height = 0;  // Memcpy2d
  int value = 0;
  aclrtCallback fn = nullptr;
  void* user = nullptr;
  // The ACL memory the task reads or writes, kept allocated until the task is
  // destroyed (set by Stream::enqueue from the fields above).
  memory::Pins pins;
  aclError (*host_fn)(void* user, char* message, size_t message_size) = nullptr;  // HostTask
  std::shared_ptr<void> host_user;  // HostTask: its argument, released with the task
  // A synchronizing thread may run it (Stream::run_here): it only touches memory and never
  // waits for another thread (copies, memsets, HostTasks launched with ACL_HOST_EXT_TASK_ANY_THREAD).
  bool any_thread = false;
};

class Stream : public std::enable_shared_from_this<Stream> {
 public:
  Stream(Context* owner, int device, bool is_default);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Context* owner() const { return owner_; }
  int device() const { return device_; }
  bool is_default() const { return is_default_; }
  aclrtStream handle() { return static_cast<aclrtStream>(this); }
  // A small number naming the stream in exception reports.
  uint32_t id() const { return id_; }
  // True when every task queued so far has completed (aclrtStreamQuery).
  bool idle();
  // aclrtCreateStreamWithConfig's priority and flags (set once, before use).
  void set_config(uint32_t priority, uint32_t flags) {
    priority_ = priority;
    flags_ = flags;
  }
  uint32_t priority() const { return priority_; }
  uint32_t flags() const { return flags_; }

  // Queues a task (fails once the stream is shutting down).
  aclError enqueue(Task&& task);
  // Waits for the work queued so far; timeout_ms < 0 waits forever.
  // Returns the first failure of that work (and clears it), or
  // ACL_ERROR_RT_STREAM_SYNC_TIMEOUT.
  aclError synchronize(int64_t timeout_ms);
  // Stops the worker: after the pending work (abort = false) or dropping
  // it (abort = true). Joins the worker. Idempotent.
  void shutdown(bool abort);
  bool aborting() const { return abort_.load(std::memory_order_acquire); }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // Report subscription (aclrtSubscribeReport).
  std::shared_ptr<ReportQueue> subscriber();
  void set_subscriber(std::shared_ptr<ReportQueue> q);
  // A BLOCK callback handed to the report thread has returned (or was dropped).
  void callback_done(uint64_t ticket);

 private:
  void run();
  // Runs one task popped by the worker or run_here (never throws).
  aclError run_task(Task& task, bool started_ahead, bool aborting, std::string& msg);
  // Counts a task done (lock held on return; unlocked on entry) and wakes synchronize.
  void complete(std::unique_lock<std::mutex>& lock, aclError err, std::string& msg);
  // synchronize's thread runs the queue's front tasks up to `target` itself while they may run on
  // any thread and the worker runs none (lock held).
  void run_here(std::unique_lock<std::mutex>& lock, uint64_t target);
  aclError execute(Task& task, std::string& msg);
  // A model execution, two at a time when the queue allows (the look-ahead below).
  aclError execute_model(Task& task, std::string& msg);
  // The execution `task` that the look-ahead started: waits for it (also when aborting).
  aclError finish_ahead(Task& task, bool aborting, std::string& msg);
  struct Ahead;
  // The next queued execution of `task`'s model, if nothing but NO_BLOCK callbacks comes before
  // it and neither writes memory the other touches.
  bool find_ahead(const Task& task, Ahead& next);
  void discard(Task& task);
  aclError run_callback(Task& task);

  Context* const owner_;  // identity only: never dereferenced
  const int device_;
  const bool is_default_;
  const uint32_t id_;
  uint32_t priority_ = 0;
  uint32_t flags_ = 0;

  std::mutex m_;
  std::condition_variable work_cv_;   // worker waits for tasks
  std::condition_variable state_cv_;  // synchronize / BLOCK callback waits
  RingQueue<Task> queue_;
  uint64_t enqueued_ = 0;
  std::atomic<uint64_t> posted_{0};  // enqueued_, readable without m_ (the worker's spin)
  uint64_t completed_ = 0;
  bool worker_idle_ = false;
  IdleSpin idle_spin_;         // worker thread only
  bool heavy_models_ = false;  // worker thread only: the last model execution took > IdleSpin::kShortBusy
  // Look-ahead (worker thread only). While one execution runs, the next queued execution of
  // the same model may already run beside it: an ACL stream's order is only observable through
  // memory, events and callbacks, so it is started early only when no task between the two
  // but NO_BLOCK callbacks (which a device does not wait for either) and no memory one writes
  // that the other touches. Completions, callbacks and synchronize keep the queue's order.
  struct Ahead {
    uint64_t seq = 0;  // its place in the queue (popped_ when it reaches the front)
    IoList io;
    uint32_t num_inputs = 0;
    int slot = 0;                // ModelInstance pipe slot
    aclError err = ACL_SUCCESS;  // of its start
    std::string msg;
  };
  std::optional<Ahead> ahead_;
  uint64_t popped_ = 0;  // tasks taken from queue_ so far
  bool borrowed_ = false;  // a synchronizing thread runs the front task: the worker takes none
  std::multiset<uint64_t> sync_targets_;  // the completed_ count each synchronize waits for
  bool stop_ = false;
  std::atomic<bool> abort_{false};
  std::atomic<bool> closed_{false};
  aclError first_error_ = ACL_SUCCESS;
  std::string first_error_msg_;
  std::shared_ptr<ReportQueue> subscriber_;
  uint64_t cb_issued_ = 0;
  uint64_t cb_done_ = 0;
  std::thread worker_;
  std::mutex join_m_;
};

namespace stream {

// Creates a registered stream owned by ctx.
std::shared_ptr<Stream> create(Context* ctx);
// A registered stream; null otherwise (default streams are not registered).
std::shared_ptr<Stream> lookup(aclrtStream handle);
// Resolves a stream argument: NULL = the current context's default stream.
// With check_context, the stream must belong to the current context
// (ACL_ERROR_RT_STREAM_CONTEXT), and a current context is required.
aclError resolve(aclrtStream handle, bool check_context, std::shared_ptr<Stream>& out);
// Unregisters, drains (or aborts) and joins.
void destroy(const std::shared_ptr<Stream>& s, bool abort);
// Every registered stream of a context (for context destruction).
void destroy_owned_by(const Context* ctx, bool abort);
// Synchronizes every stream (registered or default) of a device; timeout_ms < 0
// waits forever, else ACL_ERROR_RT_STREAM_SYNC_TIMEOUT once it has passed.
aclError synchronize_device(int device, int64_t timeout_ms = -1);
// Streams still alive, including default ones, for aclFinalize.
void register_default(const std::shared_ptr<Stream>& s);
void release_all();
// Executions started while the one before them on their stream still ran (the look-ahead).
uint64_t started_ahead();
// Tasks run by a synchronizing thread instead of their stream's worker (Stream::run_here).
uint64_t run_by_synchronize();

}  // namespace stream
}  // namespace acl_host
