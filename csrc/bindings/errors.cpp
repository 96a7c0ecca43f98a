// The Python classes of the engine's exceptions (acl_async.errors) and their translator.
#include "bindings.h"
#include "errors.h"

namespace acl_async {

namespace {

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

// Messages may quote file names that are not valid UTF-8: decode like os.fsdecode (surrogateescape),
// never fail while raising.
py::object to_str(const std::string& text) {
  PyObject* str = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "surrogateescape");
  if (str == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(str);
}

void set_python_error(py::handle type, const char* what) { PyErr_SetObject(type.ptr(), to_str(what).ptr()); }

}  // namespace

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
      py::object exc = classes().make_acl_error(e.code(), e.function(), to_str(e.message()));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    } catch (const ClosedError& e) {
      set_python_error(classes().closed, e.what());
    } catch (const InputError& e) {
      set_python_error(classes().input, e.what());
    } catch (const LimitExceeded& e) {
      set_python_error(classes().limit, e.what());
    } catch (const WaitTimeout& e) {
      set_python_error(PyExc_TimeoutError, e.what());
    } catch (const UsageError& e) {
      set_python_error(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace acl_async
