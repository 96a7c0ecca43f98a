#include "pyutil.h"

#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace acl_async {

bool python_finalizing() noexcept {
  if (!Py_IsInitialized()) return true;
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

GilRelease::GilRelease() noexcept {
  if (Py_IsInitialized() && PyGILState_Check()) state_ = PyEval_SaveThread();
}

GilRelease::~GilRelease() {
  if (state_ != nullptr) PyEval_RestoreThread(state_);
}

namespace {
// The report thread's own Python state: the outer PyGILState_Ensure that keeps it alive.
thread_local bool tls_has_state = false;
thread_local PyGILState_STATE tls_outer_state;
}  // namespace

ReportThreadGil::ReportThreadGil() {
  if (!tls_has_state) {
    // First use on this thread: make a Python thread state and keep it (counter stays 1).
    tls_outer_state = PyGILState_Ensure();
    tls_has_state = true;
    PyEval_SaveThread();
  }
  state_ = PyGILState_Ensure();
}

ReportThreadGil::~ReportThreadGil() { PyGILState_Release(state_); }

void ReportThreadGil::forget_thread_state() noexcept {
  if (!tls_has_state) return;
  tls_has_state = false;
  if (python_finalizing()) return;  // taking the GIL now would never return: leak the state
  PyEval_RestoreThread(PyGILState_GetThisThreadState());
  PyGILState_Release(tls_outer_state);
}

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
  if (ptr == nullptr || python_finalizing()) return;
  PyGILState_STATE state = PyGILState_Ensure();
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

int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> deadline_after(std::optional<double> timeout_s) {
  if (!timeout_s) return std::nullopt;
  if (std::isnan(*timeout_s) || *timeout_s < 0)
    throw std::invalid_argument("timeout must be >= 0 seconds or None");
  double ns = *timeout_s * 1e9;
  if (ns > 9e18) return std::nullopt;  // effectively forever
  return now_ns() + static_cast<int64_t>(ns);
}

void check_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

}  // namespace acl_async
