// Registration of the Python classes, one function per class; module.cpp calls
// every one of them, in order, and nothing else registers a class. The methods
// every resource shares are here too.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>  // std::optional and std::vector arguments and results

#include "resource.h"
#include "tensor_desc.h"

namespace acl_async {

namespace py = pybind11;

// acl_async.errors classes for the engine's exceptions (errors.cpp).
void register_errors(py::module_& m);
// The engine's host hooks: GIL, Ctrl-C, callback errors (python_hooks.cpp). First of all.
void install_python_hooks();

void regclass_Runtime(py::module_& m);
void regclass_Device(py::module_& m);
void regclass_Context(py::module_& m);
void regclass_Event(py::module_& m);
void regclass_Stream(py::module_& m);
void regclass_ReportThread(py::module_& m);
void regclass_TensorDesc(py::module_& m);
void regclass_HostBuffer(py::module_& m);
void regclass_Block(py::module_& m);
void regclass_Model(py::module_& m);
void regclass_MemoryPool(py::module_& m);
void regclass_ResultQueue(py::module_& m);
void regclass_InferQueue(py::module_& m);

// numpy element type of a tensor's host arrays: the ACL type, or uint8 for types numpy lacks.
py::dtype numpy_dtype(const TensorDesc& desc);

// close(), closed, and the context-manager protocol (exit closes).
template <class T, class... Options>
void def_resource_methods(py::class_<T, Options...>& cls) {
  cls.def(
         "close",
         [](T& self) {
           run_deferred();  // earlier teardown deferred by report threads goes first
           self.close();
         },
         "Release the ACL resources (children first). Idempotent; later use raises ClosedError.")
      .def_property_readonly("closed", [](const T& self) { return self.closed(); })
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](T& self, const py::args&) {
        run_deferred();
        self.close();
      });
}

}  // namespace acl_async
