// acl_async._acl: the pybind11 extension. This is the complete list of what it
// registers, one regclass_X per class (bindings.h), in an order where each
// class comes after the classes its methods take or return (pybind11 writes
// their Python names into the signatures then; a later one appears by its C++
// name). Three pairs refer to each other, so one side of each shows a C++ name:
// Event.record (Stream), Stream.report_thread (ReportThread), Block.pool
// (MemoryPool). tests/test_stub.py checks the signatures against _acl.pyi.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "runtime.h"

namespace py = pybind11;

PYBIND11_MODULE(_acl, m) {
  m.doc() =
      "AscendCL (ACL) asynchronous inference: runtime, devices, contexts, streams, events, "
      "models, memory pools, report threads and the InferQueue core.";
  acl_async::install_python_hooks();
  acl_async::register_errors(m);
  acl_async::regclass_Runtime(m);
  acl_async::regclass_Device(m);
  acl_async::regclass_Context(m);
  acl_async::regclass_Event(m);
  acl_async::regclass_Stream(m);
  acl_async::regclass_ReportThread(m);
  acl_async::regclass_TensorDesc(m);
  acl_async::regclass_HostBuffer(m);
  acl_async::regclass_Block(m);
  acl_async::regclass_Model(m);
  acl_async::regclass_MemoryPool(m);
  acl_async::regclass_ResultQueue(m);
  acl_async::regclass_InferQueue(m);
  // Stop report threads and release ACL before the interpreter finalizes:
  // a thread taking the GIL after that would never return.
  m.def("_shutdown", [] { acl_async::shutdown(); }, "Close everything still open (registered with atexit).");
  py::module_::import("atexit").attr("register")(py::cpp_function([] { acl_async::shutdown(); }));
}
