#include "device.h"

#include "bindings.h"
#include "context.h"
#include "error.h"
#include "pyutil.h"

namespace acl_async {

std::shared_ptr<Device> Device::create(int32_t id, std::shared_ptr<Runtime> runtime) {
  run_deferred();
  runtime->check_open();
  aclError ret;
  {
    GilRelease nogil;
    ret = aclrtSetDevice(id);
  }
  invalidate_current_context();  // aclrtSetDevice makes the device's default context current
  check(ret, "aclrtSetDevice");
  auto device = std::make_shared<Device>(Key{}, id, runtime);
  aclrtRunMode mode = ACL_HOST;
  ret = aclrtGetRunMode(&mode);
  if (ret != ACL_SUCCESS) {
    device->close();
    raise_acl(ret, "aclrtGetRunMode");
  }
  device->run_mode_ = mode;
  runtime->add_child(device);
  return device;
}

void Device::release() noexcept {
  int32_t id = id_;
  run_or_defer([id] {
    reset_device_when_unused(id);
    invalidate_current_context();
  });
}

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
