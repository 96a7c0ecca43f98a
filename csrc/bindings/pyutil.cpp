#include "pyutil.h"

#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace acl_async {

SafeObject& SafeObject::operator=(SafeObject&& other) noexcept {
  if (this != &other) {
    reset();
    ptr_ = other.ptr_;
    other.ptr_ = nullptr;
  }
  return *this;
}

void SafeObject::reset() noexcept {
  PyObject* ptr = ptr_;
  ptr_ = nullptr;
  if (ptr == nullptr || common::interpreter_exiting()) return;
  PyGILState_STATE state = common::ensure_gil_or_hang();
  Py_DECREF(ptr);
  PyGILState_Release(state);
}

py::object SafeObject::get() const {
  if (ptr_ == nullptr) return py::none();
  return py::reinterpret_borrow<py::object>(ptr_);
}

py::object SafeObject::take() {
  PyObject* ptr = ptr_;
  ptr_ = nullptr;
  if (ptr == nullptr) return py::none();
  return py::reinterpret_steal<py::object>(ptr);
}

void PendingErrors::add(py::error_already_set& error) {
  py::object value = error.value();
  py::object trace = error.trace();
  if (!value) return;
  PyObject* existing = PyException_GetTraceback(value.ptr());  // new reference or NULL
  if (existing == nullptr && trace && !trace.is_none()) PyException_SetTraceback(value.ptr(), trace.ptr());
  Py_XDECREF(existing);
  std::lock_guard<std::mutex> lock(mu_);
  errors_.emplace_back(std::move(value));
  count_.store(errors_.size(), std::memory_order_release);
}

void PendingErrors::add_message(const char* what) {
  py::object value =
      py::module_::import("builtins").attr("RuntimeError")(std::string("callback failed: ") + what);
  std::lock_guard<std::mutex> lock(mu_);
  errors_.emplace_back(std::move(value));
  count_.store(errors_.size(), std::memory_order_release);
}

void PendingErrors::raise_if_any() {
  if (empty()) return;
  std::vector<SafeObject> errors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    errors.swap(errors_);
    count_.store(0, std::memory_order_release);
  }
  if (errors.empty()) return;
  py::object first = errors.front().take();
  if (errors.size() > 1 && py::hasattr(first, "add_note")) {
    std::string note = std::to_string(errors.size() - 1) + " more callback error(s) dropped:";
    for (size_t i = 1; i < errors.size() && i <= 3; ++i) {
      note += "\n  " + py::repr(errors[i].get()).cast<std::string>();
    }
    first.attr("add_note")(note);
  }
  errors.clear();
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(first.ptr())), first.ptr());
  throw py::error_already_set();
}

void PendingErrors::clear() noexcept {
  std::vector<SafeObject> errors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    errors.swap(errors_);
    count_.store(0, std::memory_order_release);
  }
}

void check_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace acl_async
