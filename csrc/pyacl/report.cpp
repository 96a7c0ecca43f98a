// pyACL: report threads and host callbacks (`acl.rt.subscribe_report` ... `launch_callback`,
// `acl.util.start_thread`/`stop_thread`). A Python callback queued by acl.rt.launch_callback runs on the
// thread subscribed to its stream, inside that thread's acl.rt.process_report, which waits with the
// GIL released and takes it only to call Python.
//
// Every launched callback runs exactly once or is dropped visibly: the runtime is handed a token, not
// the Python objects, and pyACL keeps the objects until the callback runs. CANN documents that after
// aclrtUnSubscribeReport the stream's callbacks are no longer processed by that thread (and asks to
// unsubscribe once the asynchronous work is done); the runtime also drops what is queued when the
// stream is destroyed or its report thread ends (and everything at aclFinalize). In those cases pyACL
// releases the Python objects of the callbacks that can no longer run and says how many with a
// RuntimeWarning.
#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "selftest_plant.h"

#ifdef ACL_PYACL_HOST_BACKEND
#include "host_ext.h"  // acl_host_ext_watch_report_thread
#endif

namespace pyacl {

namespace {

struct Pending {
  uintptr_t stream;
  py::object fn;
  py::object user_data;
};

struct Callbacks {
  std::mutex m;
  uint64_t next = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Pending>> live;  // Python objects: freed with the GIL held
  std::unordered_map<uintptr_t, uint64_t> subscriber;  // stream -> thread id (acl.rt.subscribe_report)
};
Callbacks& callbacks() {
  static Callbacks* c = new Callbacks();  // never destroyed: C threads may use it at exit
  return *c;
}

// Takes the callback `token` if it is still pending.
std::unique_ptr<Pending> claim(uint64_t token) {
  Callbacks& c = callbacks();
  std::lock_guard<std::mutex> lock(c.m);
  auto it = c.live.find(token);
  if (it == c.live.end()) return nullptr;
  std::unique_ptr<Pending> p = std::move(it->second);
  c.live.erase(it);
  return p;
}

void run_callback(void* raw) {
  if (interpreter_exiting()) return;  // the interpreter is gone: nothing can run (nor be released)
  const uint64_t token = reinterpret_cast<uintptr_t>(raw);
  acl_async::selftest::race("pyacl-race");
  std::unique_ptr<Pending> cb = claim(token);
  if (!cb) return;  // dropped (unsubscribed, destroyed) after the runtime took it
  run_with_gil(cb, [&] {
    PyObject* r = PyObject_CallFunctionObjArgs(cb->fn.ptr(), cb->user_data.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.rt.launch_callback callback", cb->fn);
  });
}

// Releases (GIL held) the callbacks of the streams `pick` selects, warning with their count.
template <typename Pick>
void drop_where(Pick pick, const char* what, const char* why) {
  std::vector<std::unique_ptr<Pending>> dropped;
  {
    Callbacks& c = callbacks();
    std::lock_guard<std::mutex> lock(c.m);
    for (auto it = c.live.begin(); it != c.live.end();) {
      if (pick(it->second->stream)) {
        dropped.push_back(std::move(it->second));
        it = c.live.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (dropped.empty()) return;
  const size_t n = dropped.size();
  dropped.clear();
  if (PyErr_WarnFormat(
          PyExc_RuntimeWarning, 1,
          "%s: %zu callback(s) launched with acl.rt.launch_callback had not run and were dropped (%s); "
          "synchronize the stream before unsubscribing, destroying it or stopping its thread",
          what, n, why) != 0)
    throw py::error_already_set();
}

void forget_subscriber(uintptr_t stream) {
  Callbacks& c = callbacks();
  std::lock_guard<std::mutex> lock(c.m);
  c.subscriber.erase(stream);
}

// ---- acl.util threads

struct ThreadJob {
  py::object fn;
  py::object args;
};

struct Threads {
  std::mutex m;
  std::unordered_map<uint64_t, std::unique_ptr<std::thread>> live;
};
Threads& threads() {
  static Threads* t = new Threads();  // never destroyed: running threads outlive module teardown
  return *t;
}

void thread_main(ThreadJob* raw) {
#ifdef ACL_PYACL_HOST_BACKEND
  // The runtime knows this thread as a report thread from the start, so that when it ends (even
  // without ever calling acl.rt.process_report) the callbacks still queued for it are dropped and
  // BLOCK waits released. Nothing runs here: a callback must not run before thr_func has set up
  // the thread (acllite's threads set their context first; a callback run before that has none).
  acl_host_ext_watch_report_thread();
#endif
  if (interpreter_exiting()) return;
  std::unique_ptr<ThreadJob> job(raw);
  // The interpreter may exit while thr_func still runs (acllite's decode threads sleep in loops): the
  // thread then hangs where it asks for the GIL back, and the job is never released without the GIL.
  acl_async::common::hang_on_forced_unwind([&] {
    PyGILState_STATE gil = acl_async::common::ensure_gil_or_hang();
    PyObject* r = PyObject_CallFunctionObjArgs(job->fn.ptr(), job->args.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.util.start_thread thread function", job->fn);
    job.reset();
    PyGILState_Release(gil);
  });
}

}  // namespace

void drop_stream_callbacks(uintptr_t stream, const char* why) {
  forget_subscriber(stream);
  drop_where([stream](uintptr_t s) { return s == stream; }, "acl.rt", why);
}

void drop_all_callbacks(const char* what) {
  {
    Callbacks& c = callbacks();
    std::lock_guard<std::mutex> lock(c.m);
    c.subscriber.clear();
  }
  drop_where([](uintptr_t) { return true; }, what, "ACL was finalized");
}

void drop_thread_callbacks(uint64_t thread_id, const char* why) {
  std::vector<uintptr_t> streams;
  {
    Callbacks& c = callbacks();
    std::lock_guard<std::mutex> lock(c.m);
    for (const auto& kv : c.subscriber)
      if (kv.second == thread_id) streams.push_back(kv.first);
  }
  drop_where(
      [&streams](uintptr_t s) { return std::find(streams.begin(), streams.end(), s) != streams.end(); },
      "acl.util.stop_thread", why);
}

void bind_report(py::module_& m) {
  defn(
      m, "subscribe_report", {"thread_id", "stream"}, 2,
      [](Args& a) -> py::object {
        const uint64_t tid = a.u64(0);
        const uintptr_t s = a.ptr(1);
        aclError ret = call_nogil([&] { return aclrtSubscribeReport(tid, as<void>(s)); });
        if (ret == ACL_SUCCESS) {
          Callbacks& c = callbacks();
          std::lock_guard<std::mutex> lock(c.m);
          c.subscriber[s] = tid;
        }
        return py::int_(ret);
      },
      "ret = acl.rt.subscribe_report(thread_id, stream): thread_id from acl.util.start_thread");
  defn(
      m, "unsubscribe_report", {"thread_id", "stream"}, 2,
      [](Args& a) -> py::object {
        const uint64_t tid = a.u64(0);
        const uintptr_t s = a.ptr(1);
        aclError ret = call_nogil([&] { return aclrtUnSubscribeReport(tid, as<void>(s)); });
        if (ret == ACL_SUCCESS)
          drop_stream_callbacks(s, "the stream was unsubscribed from its report thread");
        return py::int_(ret);
      },
      "ret = acl.rt.unsubscribe_report(thread_id, stream): aclrtUnSubscribeReport; callbacks of the stream "
      "that have not run are dropped with a RuntimeWarning");
  bind<aclrtProcessReport>(
      m, "process_report",
      "ret = acl.rt.process_report(timeout): runs this thread's pending callbacks; timeout in "
      "ms, -1 forever",
      In{"timeout"});
  defn(
      m, "launch_callback", {"fn", "user_data", "block_type", "stream"}, 4,
      [](Args& a) -> py::object {
        if (!PyCallable_Check(a.get(0).ptr())) a.type_error(0, "callable");
        const auto block = a.integer<aclrtCallbackBlockType>(2);
        const uintptr_t s = a.ptr(3);
        auto cb = std::make_unique<Pending>();
        cb->stream = s;
        cb->fn = py::reinterpret_borrow<py::object>(a.get(0));
        cb->user_data = py::reinterpret_borrow<py::object>(a.get(1));
        uint64_t token;
        acl_async::selftest::race("pyacl-race");
        {
          Callbacks& c = callbacks();
          std::lock_guard<std::mutex> lock(c.m);
          token = c.next++;
          c.live.emplace(token, std::move(cb));  // before the launch: the callback may run at once
        }
        aclError ret = call_nogil([&] {
          return aclrtLaunchCallback(&run_callback, reinterpret_cast<void*>(static_cast<uintptr_t>(token)),
                                     block, as<void>(s));
        });
        if (ret != ACL_SUCCESS) claim(token).reset();  // never queued
        return py::int_(ret);
      },
      "ret = acl.rt.launch_callback(fn, user_data, block_type, stream): fn(user_data) runs on the thread "
      "subscribed to stream, inside its acl.rt.process_report; block_type 1 holds the stream until fn "
      "returns");
}

void bind_threads(py::module_& m) {
  defn(
      m, "start_thread", {"thr_func", "args_list"}, 2,
      [](Args& a) -> py::object {
        if (!PyCallable_Check(a.get(0).ptr())) a.type_error(0, "callable");
        auto job = std::make_unique<ThreadJob>();
        job->fn = py::reinterpret_borrow<py::object>(a.get(0));
        job->args = py::reinterpret_borrow<py::object>(a.get(1));
        std::unique_ptr<std::thread> t;
        ThreadJob* raw = job.get();
        try {
          t = std::make_unique<std::thread>(thread_main, raw);
        } catch (const std::system_error& e) {
          return pair(py::int_(0),
                      refuse(ACL_ERROR_FAILURE, "%s: cannot start a thread: %s", a.fn().c_str(), e.what()));
        }
        job.release();  // the thread owns it
        // The id aclrtSubscribeReport takes: the thread's pthread_t.
        const uint64_t tid = static_cast<uint64_t>(t->native_handle());
        {
          std::lock_guard<std::mutex> lock(threads().m);
          threads().live[tid] = std::move(t);
        }
        return pair(py::int_(tid), ACL_SUCCESS);
      },
      "thread_id, ret = acl.util.start_thread(thr_func, args_list): runs thr_func(args_list) on a new "
      "thread; "
      "thread_id is what acl.rt.subscribe_report takes");
  defn(
      m, "stop_thread", {"thread_id"}, 1,
      [](Args& a) -> py::object {
        const uint64_t tid = a.u64(0);
        std::unique_ptr<std::thread> t;
        {
          std::lock_guard<std::mutex> lock(threads().m);
          auto it = threads().live.find(tid);
          if (it == threads().live.end())
            return py::int_(refuse(ACL_ERROR_INVALID_PARAM,
                                   "%s: thread %llu was not started by acl.util.start_thread, or is already "
                                   "stopped",
                                   a.fn().c_str(), static_cast<unsigned long long>(tid)));
          if (it->second->get_id() == std::this_thread::get_id())
            return py::int_(
                refuse(ACL_ERROR_INVALID_PARAM, "%s: a thread cannot stop (join) itself", a.fn().c_str()));
          t = std::move(it->second);
          threads().live.erase(it);
        }
        std::thread* raw = t.get();
        call_nogil([raw] { raw->join(); });  // the thread needs the GIL to finish
        drop_thread_callbacks(tid, "their report thread ended");
        return py::int_(ACL_SUCCESS);
      },
      "ret = acl.util.stop_thread(thread_id): waits for the thread function to return");
}

}  // namespace pyacl
