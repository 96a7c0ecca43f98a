// pyACL for acl-async: the top-level `acl` extension module, CANN's Python
// binding conventions (pyACL API reference) over the libascendcl it links.
// Submodules acl.rt, acl.mdl and acl.util are importable (`import acl.rt`).
#include <dlfcn.h>

#include "common.h"

namespace pyacl {
namespace {

std::string library_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&aclInit), &info) && info.dli_fname) return info.dli_fname;
  return "";
}

}  // namespace

void bind_mdl_aipp(py::module_& m);  // mdl_aipp.cpp

}  // namespace pyacl

PYBIND11_MODULE(acl, m) {
  using namespace pyacl;
  m.doc() = "pyACL (CANN's Python API for AscendCL), implemented by acl-async over libascendcl";
  py::dict modules = py::module_::import("sys").attr("modules");
  // The module's parts, in registration order: (submodule or "" for `acl`, binder).
  const std::pair<const char*, void (*)(py::module_&)> parts[] = {
      {"", bind_base},        {"", bind_tensor_desc},  {"rt", bind_rt_device}, {"rt", bind_rt_memory},
      {"rt", bind_report},    {"mdl", bind_mdl_model}, {"mdl", bind_mdl_desc}, {"mdl", bind_mdl_dataset},
      {"mdl", bind_mdl_aipp},
      {"util", bind_threads}, {"util", bind_util},     {"media", bind_media},
      {"op", bind_op},
  };
  for (const auto& [sub, binder] : parts) {
    py::module_ target = m;
    if (*sub) {
      if (!py::hasattr(m, sub)) {
        m.def_submodule(sub);
        modules[py::str(std::string("acl.") + sub)] = m.attr(sub);  // `import acl.rt` works
      }
      target = py::reinterpret_borrow<py::module_>(m.attr(sub));
    }
    binder(target);
  }

#ifdef ACL_PYACL_HOST_BACKEND
  m.attr("__backend__") = "host";
#else
  m.attr("__backend__") = "cann";
#endif
  m.attr("__implementation__") = "acl-async";
  m.def("_library_path", &library_path, "The libascendcl this module calls (acl-async extension)");
  m.def("_strict", &strict, "True when strict-mode checks are on (host runtime, ACL_HOST_STRICT != 0)");
  m.def("_signatures", &signatures, "{name: (parameter names, required count)} of every acl function");
  // C threads stop entering Python once the interpreter starts shutting down.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { acl_async::common::mark_interpreter_exiting(); }));
}
