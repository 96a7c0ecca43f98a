// The one rule set for native threads meeting the Python interpreter, shared by both binding
// modules (acl_async._acl and acl): when the interpreter is exiting (no thread may take the GIL
// then), and RAII helpers that release or take the GIL. Each module links its own copy of this
// library, so each keeps its own "exiting" mark (set by its own atexit handler).
#pragma once

#include <Python.h>

namespace acl_async::common {

// True once the interpreter shuts down (not initialized, finalizing, or this module's atexit
// handler ran mark_interpreter_exiting()): a thread taking the GIL then would never return.
bool interpreter_exiting() noexcept;
// Called from a module's atexit handler: callbacks on native threads run no Python from then on.
void mark_interpreter_exiting() noexcept;

// Taking the GIL back while the interpreter finalizes: Python < 3.14 ends the thread with pthread_exit,
// a forced unwind through every C++ frame above. Their cleanups then run without the GIL (pybind11's
// dispatcher releases its argument references), a catch (...) that swallows it aborts the process, and
// sanitizers report the frames it unwinds. Python 3.14 hangs such a thread instead
// (PyThread_hang_thread); these do the same on every version: the thread stops where it asked for the
// GIL, holding no lock of ours, until the process ends. Each returns only with the GIL taken.
PyGILState_STATE ensure_gil_or_hang() noexcept;
void restore_thread_or_hang(PyThreadState* state) noexcept;

// Releases the GIL for the scope if (and only if) the calling thread holds it.
class GilRelease {
 public:
  GilRelease() noexcept;
  ~GilRelease();  // restore_thread_or_hang
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

// Takes the GIL on any native thread (ensure_gil_or_hang/PyGILState_Release). Check
// interpreter_exiting() first.
class GilAcquire {
 public:
  GilAcquire() noexcept : state_(ensure_gil_or_hang()) {}
  ~GilAcquire() { PyGILState_Release(state_); }
  GilAcquire(const GilAcquire&) = delete;
  GilAcquire& operator=(const GilAcquire&) = delete;

 private:
  PyGILState_STATE state_;
};

// Takes the GIL on a long-lived native thread (a report thread). The thread keeps one Python
// thread state for its whole life (made on first use), so each callback pays only the GIL.
class ReportThreadGil {
 public:
  ReportThreadGil();
  ~ReportThreadGil();
  ReportThreadGil(const ReportThreadGil&) = delete;
  ReportThreadGil& operator=(const ReportThreadGil&) = delete;
  // Drops the thread's Python state; called by the thread as it ends.
  static void forget_thread_state() noexcept;

 private:
  PyGILState_STATE state_;
};

}  // namespace acl_async::common
