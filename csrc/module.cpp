// acl_async._acl: the pybind11 extension. One regclass_* per concept.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "error.h"
#include "runtime.h"

namespace py = pybind11;

PYBIND11_MODULE(_acl, m) {
  m.doc() = "AscendCL (ACL) asynchronous inference: runtime, devices, contexts, streams, events, "
            "models, memory pools, report threads and the InferQueue core.";
  acl_async::register_errors(m);
  acl_async::regclass_Runtime(m);
  acl_async::regclass_Device(m);
  acl_async::regclass_Context(m);
  acl_async::regclass_Stream(m);
  acl_async::regclass_Event(m);
  acl_async::regclass_ReportThread(m);
  acl_async::regclass_Model(m);
  acl_async::regclass_MemoryPool(m);
  acl_async::regclass_ResultQueue(m);
  acl_async::regclass_InferQueue(m);
  // Stop report threads and release ACL before the interpreter finalizes:
  // a thread taking the GIL after that would never return.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { acl_async::shutdown(); }));
}
