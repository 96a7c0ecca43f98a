// Context: the Python class.
#include "bindings.h"
#include "errors.h"
#include "device.h"

#include "context.h"

namespace acl_async {

void regclass_Context(py::module_& m) {
  py::class_<Context, std::shared_ptr<Context>> cls(m, "Context", R"doc(
An ACL context (aclrtCreateContext) on a device. Streams, models, pools and
report threads are made in a context and closed with it.
)doc");
  cls.def(py::init(&Context::create), py::arg("device"))
      .def_property_readonly("device", &Context::device)
      .def_property_readonly(
          "run_mode", [](const Context& self) { return self.run_mode() == ACL_HOST ? "host" : "device"; })
      .def(
          "make_current", [](Context& self) { self.activate(); },
          "aclrtSetCurrentContext on the calling thread (acl_async does this itself before each call).");
  def_resource_methods(cls);
}

}  // namespace acl_async
