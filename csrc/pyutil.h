// Python interop helpers shared by the extension: GIL handling that is safe on
// any thread, Python references that may be dropped off the GIL, and the list
// of exceptions raised by callbacks that waits for the next synchronize/wait.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace acl_async {

namespace py = pybind11;

// True while the interpreter shuts down: no thread may take the GIL then.
bool python_finalizing() noexcept;

// Releases the GIL for the scope if (and only if) the calling thread holds it.
class GilRelease {
 public:
  GilRelease() noexcept;
  ~GilRelease();
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

// Takes the GIL on a report thread. The thread keeps one Python thread state
// for its whole life (made on first use), so each callback pays only the GIL.
class ReportThreadGil {
 public:
  ReportThreadGil();
  ~ReportThreadGil();
  ReportThreadGil(const ReportThreadGil&) = delete;
  ReportThreadGil& operator=(const ReportThreadGil&) = delete;
  // Drops the thread's Python state; called by the report thread as it ends.
  static void forget_thread_state() noexcept;

 private:
  PyGILState_STATE state_;
};

// A strong reference that can be destroyed on any thread: the GIL is taken for
// the decref (or the reference is leaked while the interpreter finalizes).
class SafeObject {
 public:
  SafeObject() = default;
  explicit SafeObject(py::object obj) noexcept : ptr_(obj.release().ptr()) {}
  SafeObject(SafeObject&& other) noexcept : ptr_(other.ptr_) { other.ptr_ = nullptr; }
  SafeObject& operator=(SafeObject&& other) noexcept;
  SafeObject(const SafeObject&) = delete;
  SafeObject& operator=(const SafeObject&) = delete;
  ~SafeObject() { reset(); }

  void reset() noexcept;
  // New reference to the object (GIL held); None when empty.
  py::object get() const;
  // Moves the reference out (GIL held); None when empty.
  py::object take();
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  PyObject* ptr_ = nullptr;
};

// Exceptions raised by Python callbacks, re-raised once in the thread that
// next waits: the first as itself (with its traceback), the others noted on it.
class PendingErrors {
 public:
  // Stores the exception of `error` (GIL held).
  void add(py::error_already_set& error);
  // Stores a C++ exception from a callback as RuntimeError (GIL held).
  void add_message(const char* what);
  bool empty() const noexcept { return count_.load(std::memory_order_acquire) == 0; }
  // Raises the first stored exception and forgets all of them (GIL held).
  void raise_if_any();
  // Forgets all stored exceptions (GIL held or not).
  void clear() noexcept;

 private:
  std::mutex mu_;
  std::vector<SafeObject> errors_;
  std::atomic<size_t> count_{0};
};

// Seconds (None = forever) -> optional deadline in steady-clock nanoseconds.
std::optional<int64_t> deadline_after(std::optional<double> timeout_s);
int64_t now_ns() noexcept;

// Runs Python signal handlers on the main thread (GIL held); throws on KeyboardInterrupt etc.
void check_signals();

}  // namespace acl_async
