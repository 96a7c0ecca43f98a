// pyACL: `acl.util` threads for acl.rt.process_report loops, and conversions
// between Python objects and the plain-int pointers pyACL uses.
#include <pybind11/numpy.h>

#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common.h"

namespace pyacl {

namespace {

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
  // Make the runtime know this thread as a report thread from the start, so
  // that when it ends (even without ever calling acl.rt.process_report) the
  // callbacks still queued for it are dropped and BLOCK waits released,
  // instead of holding its streams forever. Usually it is not subscribed yet
  // and this returns at once; if it is, it runs what is already pending.
  (void)aclrtProcessReport(1);
  (void)aclGetRecentErrMsg();  // clear the message that left
  if (python_exiting()) return;
  PyGILState_STATE gil = PyGILState_Ensure();
  {
    std::unique_ptr<ThreadJob> job(raw);
    PyObject* r = PyObject_CallFunctionObjArgs(job->fn.ptr(), job->args.ptr(), nullptr);
    if (r)
      Py_DECREF(r);
    else
      report_exception("acl.util.start_thread thread function", job->fn);
  }
  PyGILState_Release(gil);
}

}  // namespace

void bind_util(py::module_& m) {
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
        uint64_t tid = static_cast<uint64_t>(t->native_handle());
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
        uint64_t tid = a.u64(0);
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
        {
          py::gil_scoped_release nogil;  // the thread needs the GIL to finish
          t->join();
        }
        return py::int_(ACL_SUCCESS);
      },
      "ret = acl.util.stop_thread(thread_id): waits for the thread function to return");

  defn(
      m, "bytes_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        if (!PyObject_CheckBuffer(obj.ptr())) a.type_error(0, "bytes (or another buffer)");
        Py_buffer view;
        if (PyObject_GetBuffer(obj.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
        uintptr_t p = reinterpret_cast<uintptr_t>(view.buf);
        size_t len = static_cast<size_t>(view.len);
        PyBuffer_Release(&view);
        ranges::add_python(p, len, obj);
        return py::int_(p);
      },
      "ptr = acl.util.bytes_to_ptr(data): the address of the bytes' contents (keep data alive while in use)");

  defn(
      m, "ptr_to_bytes", {"ptr", "size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (n == 0) return py::bytes();
        if (strict()) {
          if (!p) throw py::value_error(a.fn() + "(): ptr must not be 0");
          if (ranges::check(a.fn(), "ptr", p, n, true)) {
            std::string why = take_refusal();
            refuse(ACL_ERROR_INVALID_PARAM, "%s", why.c_str());
            throw py::value_error(why);
          }
        }
        return py::bytes(reinterpret_cast<const char*>(p), n);
      },
      "data = acl.util.ptr_to_bytes(ptr, size): a copy of size bytes at host address ptr");

  defn(
      m, "numpy_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        py::module_ np = py::module_::import("numpy");
        if (!py::isinstance(obj, np.attr("ndarray"))) a.type_error(0, "numpy.ndarray");
        auto arr = py::reinterpret_borrow<py::array>(obj);
        if (!(arr.flags() & py::array::c_style))
          py::print(
              "Warning: The input ndarray is discontiguous. Please use acl.util.numpy_contiguous_to_ptr "
              "instead.");
        uintptr_t p = reinterpret_cast<uintptr_t>(arr.data());
        ranges::add_python(p, static_cast<size_t>(arr.nbytes()), obj);
        return py::int_(p);
      },
      "ptr = acl.util.numpy_to_ptr(data): the address of the array's data (keep data alive while in use)");

  defn(
      m, "numpy_contiguous_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        py::module_ np = py::module_::import("numpy");
        if (!py::isinstance(obj, np.attr("ndarray"))) a.type_error(0, "numpy.ndarray");
        py::array arr = np.attr("ascontiguousarray")(obj);
        uintptr_t p = reinterpret_cast<uintptr_t>(arr.data());
        ranges::add_python(p, static_cast<size_t>(arr.nbytes()), arr);
        return py::make_tuple(py::int_(p), arr);
      },
      "ptr, array = acl.util.numpy_contiguous_to_ptr(data): a C-contiguous array (data itself when it is "
      "one) "
      "and its address; keep the array alive while ptr is in use");

  defn(
      m, "ptr_to_numpy", {"ptr", "shape", "type"}, 3,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        py::handle shape_obj = a.get(1);
        if (!PyTuple_Check(shape_obj.ptr()) && !PyList_Check(shape_obj.ptr())) a.type_error(1, "tuple");
        std::vector<py::ssize_t> shape;
        size_t count = 1;
        for (py::handle d : shape_obj) {
          py::ssize_t v = py::cast<py::ssize_t>(d);
          if (v < 0) throw py::value_error(a.fn() + "(): shape dimensions must not be negative");
          shape.push_back(v);
          count *= static_cast<size_t>(v);
        }
        int type = a.i32(2);
        py::dtype dt;
        try {
          dt = py::dtype(type);
        } catch (py::error_already_set&) {
          throw py::value_error(a.fn() + "(): unknown numpy type code " + std::to_string(type));
        }
        size_t nbytes = count * static_cast<size_t>(dt.itemsize());
        if (!p && nbytes) throw py::value_error(a.fn() + "(): ptr must not be 0");
        if (strict() && nbytes) {
          if (ranges::check(a.fn(), "ptr", p, nbytes, true)) {
            std::string why = take_refusal();
            refuse(ACL_ERROR_INVALID_PARAM, "%s", why.c_str());
            throw py::value_error(why);
          }
        }
        // A view of the memory (no copy), as pyACL's: valid while the memory is.
        py::capsule base(reinterpret_cast<void*>(p), [](void*) {});
        return py::array(dt, shape, reinterpret_cast<void*>(p), base);
      },
      "array = acl.util.ptr_to_numpy(ptr, shape, type): a numpy view of host memory; type is a numpy type "
      "number (11 NPY_FLOAT32, 23 NPY_FLOAT16, ...)");
}

}  // namespace pyacl
