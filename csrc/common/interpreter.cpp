#include "interpreter.h"

#include <atomic>

#include "forced_unwind.h"

namespace acl_async::common {

namespace {
std::atomic<bool> g_exiting{false};
}  // namespace

bool interpreter_exiting() noexcept {
  if (g_exiting.load(std::memory_order_acquire) || !Py_IsInitialized()) return true;
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

void mark_interpreter_exiting() noexcept { g_exiting.store(true, std::memory_order_release); }

PyGILState_STATE ensure_gil_or_hang() noexcept {
  return hang_on_forced_unwind([] { return PyGILState_Ensure(); });
}

void restore_thread_or_hang(PyThreadState* state) noexcept {
  hang_on_forced_unwind([state] { PyEval_RestoreThread(state); });
}

GilRelease::GilRelease() noexcept {
  if (Py_IsInitialized() && PyGILState_Check()) state_ = PyEval_SaveThread();
}

GilRelease::~GilRelease() {
  if (state_ != nullptr) restore_thread_or_hang(state_);
}

namespace {
// The report thread's own Python state: the outer PyGILState_Ensure that keeps it alive.
thread_local bool tls_has_state = false;
thread_local PyGILState_STATE tls_outer_state;
}  // namespace

ReportThreadGil::ReportThreadGil() {
  if (!tls_has_state) {
    // First use on this thread: make a Python thread state and keep it (counter stays 1).
    tls_outer_state = ensure_gil_or_hang();
    tls_has_state = true;
    PyEval_SaveThread();
  }
  state_ = ensure_gil_or_hang();
}

ReportThreadGil::~ReportThreadGil() { PyGILState_Release(state_); }

void ReportThreadGil::forget_thread_state() noexcept {
  if (!tls_has_state) return;
  tls_has_state = false;
  if (interpreter_exiting()) return;  // taking the GIL now would never return: leak the state
  restore_thread_or_hang(PyGILState_GetThisThreadState());
  PyGILState_Release(tls_outer_state);
}

}  // namespace acl_async::common
