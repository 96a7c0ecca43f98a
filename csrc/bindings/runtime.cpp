// Runtime: the Python class over the engine's Runtime.
#include "bindings.h"
#include "errors.h"

#include "runtime.h"

namespace acl_async {

namespace {

std::optional<std::string> fspath(const py::object& path) {
  if (path.is_none()) return std::nullopt;
  return py::module_::import("os").attr("fspath")(path).cast<std::string>();
}

}  // namespace

void regclass_Runtime(py::module_& m) {
  py::class_<Runtime, std::shared_ptr<Runtime>> cls(m, "Runtime", R"doc(
A reference to the process-wide ACL initialization.

aclInit(config) runs when the first reference is made, aclFinalize when the
last one is closed (or at interpreter exit). ``config`` is an acl.json path or
None; it only matters for the reference that initializes ACL.
)doc");
  cls.def(py::init([](const py::object& config) { return Runtime::create(fspath(config)); }),
          py::arg("config") = py::none())
      .def_static("refcount", &Runtime::refcount, "Live Runtime references in this process.")
      .def_static("is_initialized", &Runtime::initialized, "True while ACL is initialized by acl_async.")
      .def_property_readonly(
          "version",
          [](Runtime& self) {
            self.check_open();
            int32_t major = 0, minor = 0, patch = 0;
            check(aclrtGetVersion(&major, &minor, &patch), "aclrtGetVersion");
            return py::make_tuple(major, minor, patch);
          },
          "(major, minor, patch) of the ACL runtime.")
      .def_property_readonly(
          "soc_name",
          [](Runtime& self) -> py::object {
            self.check_open();
            const char* name = aclrtGetSocName();
            if (name == nullptr) return py::none();
            return py::str(name);
          },
          "The SoC the runtime drives ('HostCPU' on the host runtime), or None.")
      .def(
          "device_count",
          [](Runtime& self) {
            self.check_open();
            uint32_t count = 0;
            check(aclrtGetDeviceCount(&count), "aclrtGetDeviceCount");
            return count;
          },
          "Number of devices (aclrtGetDeviceCount).");
  def_resource_methods(cls);
}

}  // namespace acl_async
