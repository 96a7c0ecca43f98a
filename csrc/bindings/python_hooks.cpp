// The engine's host hooks for Python: blocking waits release the GIL, waits see Ctrl-C, report
// threads drop their Python state as they end, and callback errors are Python exceptions.
#include "bindings.h"
#include "errors.h"
#include "host_hooks.h"
#include "pyutil.h"

namespace acl_async {

namespace {

void* release_gil() noexcept {
  if (!Py_IsInitialized() || !PyGILState_Check()) return nullptr;
  return PyEval_SaveThread();
}

void restore_gil(void* state) noexcept { common::restore_thread_or_hang(static_cast<PyThreadState*>(state)); }

// Signal handlers run on the main thread only, and only where the GIL is held.
void check_signals_if_gil() {
  if (Py_IsInitialized() && PyGILState_Check()) check_signals();
}

std::shared_ptr<CallbackErrors> make_pending_errors() { return std::make_shared<PendingErrors>(); }

}  // namespace

void install_python_hooks() {
  HostHooks hooks;
  hooks.unlock = release_gil;
  hooks.relock = restore_gil;
  hooks.check_interrupt = check_signals_if_gil;
  hooks.thread_exit = ReportThreadGil::forget_thread_state;
  hooks.make_callback_errors = make_pending_errors;
  set_host_hooks(hooks);
}

}  // namespace acl_async
