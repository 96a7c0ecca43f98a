// Python interop helpers of the extension: Python references that may be dropped
// off the GIL, and the list of exceptions raised by callbacks that waits for the
// next synchronize/wait.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "host_hooks.h"  // CallbackErrors
#include "interpreter.h"
#include "wait.h"  // now_ns, deadline_after

namespace acl_async {

namespace py = pybind11;

// The GIL and interpreter-exit rules are the common layer's (csrc/common/interpreter.h).
using common::GilRelease;
using common::ReportThreadGil;

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
class PendingErrors final : public CallbackErrors {
 public:
  // Stores the exception of `error` (GIL held).
  void add(py::error_already_set& error);
  // Stores a C++ exception from a callback as RuntimeError (GIL held).
  void add_message(const char* what);
  bool empty() const noexcept override { return count_.load(std::memory_order_acquire) == 0; }
  // Raises the first stored exception and forgets all of them (GIL held).
  void raise_if_any() override;
  // Forgets all stored exceptions (GIL held or not).
  void clear() noexcept override;

 private:
  std::mutex mu_;
  std::vector<SafeObject> errors_;
  std::atomic<size_t> count_{0};
};

// Runs Python signal handlers on the main thread (GIL held); throws on KeyboardInterrupt etc.
void check_signals();

}  // namespace acl_async
