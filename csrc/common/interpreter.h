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

// Releases the GIL for the scope if (and only if) the calling thread holds it.
class GilRelease {
 public:
  GilRelease() noexcept;
  // noexcept(false): taking the GIL back while the interpreter finalizes ends the thread with
  // pthread_exit (Python < 3.14), a forced unwind that must leave this destructor (a noexcept one
  // std::terminates the process); pybind11 and pyACL's thread entry let it through.
  ~GilRelease() noexcept(false);
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

// Takes the GIL on any native thread (PyGILState_Ensure/Release). Check interpreter_exiting() first.
class GilAcquire {
 public:
  GilAcquire() noexcept : state_(PyGILState_Ensure()) {}
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
