// Device: the Python class.
#include "bindings.h"
#include "errors.h"
#include "runtime.h"

#include "device.h"

namespace acl_async {

void regclass_Device(py::module_& m) {
  py::class_<Device, std::shared_ptr<Device>> cls(m, "Device", R"doc(
An ACL device in use (aclrtSetDevice); closing it calls aclrtResetDevice.
Without ``runtime``, the device holds its own Runtime reference.
)doc");
  cls.def(py::init([](int32_t device_id, std::shared_ptr<Runtime> runtime) {
            if (!runtime) runtime = Runtime::create(std::nullopt);
            return Device::create(device_id, std::move(runtime));
          }),
          py::arg("device_id") = 0, py::arg("runtime") = nullptr)
      .def_property_readonly("id", &Device::id)
      .def_property_readonly(
          "run_mode", [](const Device& self) { return self.run_mode() == ACL_HOST ? "host" : "device"; },
          "'host' (ACL_HOST: inputs and outputs are copied between host and device) or 'device'.")
      .def_property_readonly("runtime", &Device::runtime);
  def_resource_methods(cls);
}

}  // namespace acl_async
