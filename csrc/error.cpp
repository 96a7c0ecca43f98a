#include "error.h"

#include <utility>

namespace acl_async {

namespace {

std::string describe(aclError code, const std::string& function, const std::string& message) {
  std::string text = function + " failed with ACL error " + std::to_string(code);
  if (!message.empty()) text += ": " + message;
  return text;
}

// The Python classes, kept for the life of the process (never decref'd at exit).
struct ErrorClasses {
  py::handle make_acl_error;  // acl_async.errors.AclError.from_code
  py::handle closed;
  py::handle input;
  py::handle limit;
};

ErrorClasses& classes() {
  static ErrorClasses instance;
  return instance;
}

}  // namespace

AclFailure::AclFailure(aclError code, std::string function, std::string message)
    : std::runtime_error(describe(code, function, message)),
      code_(code),
      function_(std::move(function)),
      message_(std::move(message)) {}

void raise_acl(aclError code, const char* function) {
  const char* recent = aclGetRecentErrMsg();
  std::string message = recent != nullptr ? recent : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw AclFailure(code, function, std::move(message));
}

void register_errors(py::module_& m) {
  py::module_ errors = py::module_::import("acl_async.errors");
  ErrorClasses& cls = classes();
  cls.make_acl_error = py::object(errors.attr("AclError").attr("from_code")).release();
  cls.closed = py::object(errors.attr("ClosedError")).release();
  cls.input = py::object(errors.attr("InputError")).release();
  cls.limit = py::object(errors.attr("LimitError")).release();
  for (const char* name : {"AclError", "AclParamError", "AclMemoryError", "AclModelError", "AclTimeoutError",
                           "ClosedError", "InputError", "LimitError"}) {
    m.attr(name) = errors.attr(name);
  }

  py::register_exception_translator([](std::exception_ptr ptr) {
    if (!ptr) return;
    try {
      std::rethrow_exception(ptr);
    } catch (const AclFailure& e) {
      py::object exc = classes().make_acl_error(e.code(), e.function(), e.message());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    } catch (const ClosedError& e) {
      PyErr_SetString(classes().closed.ptr(), e.what());
    } catch (const InputError& e) {
      PyErr_SetString(classes().input.ptr(), e.what());
    } catch (const LimitExceeded& e) {
      PyErr_SetString(classes().limit.ptr(), e.what());
    } catch (const WaitTimeout& e) {
      PyErr_SetString(PyExc_TimeoutError, e.what());
    } catch (const UsageError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace acl_async
