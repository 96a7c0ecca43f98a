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
}  // namespace pyacl

PYBIND11_MODULE(acl, m) {
  using namespace pyacl;
  m.doc() = "pyACL (CANN's Python API for AscendCL), implemented by acl-async over libascendcl";
  py::module_ sys = py::module_::import("sys");
  py::dict modules = sys.attr("modules");
  const char* subs[] = {"rt", "mdl", "util", "media"};
  for (const char* name : subs) {
    py::module_ sub = m.def_submodule(name);
    modules[py::str(std::string("acl.") + name)] = sub;
  }
  bind_base(m);
  bind_tensor_desc(m);
  py::module_ rt = m.attr("rt");
  bind_rt(rt);
  bind_report(rt);
  bind_rt_ext(rt);
  py::module_ mdl = m.attr("mdl");
  bind_mdl(mdl);
  bind_mdl_ext(mdl);
  py::module_ util = m.attr("util");
  bind_util(util);
  py::module_ media = m.attr("media");
  bind_media(media);

#ifdef ACL_PYACL_HOST_BACKEND
  m.attr("__backend__") = "host";
#else
  m.attr("__backend__") = "cann";
#endif
  m.attr("__implementation__") = "acl-async";
  m.def("_library_path", &library_path, "The libascendcl this module calls (acl-async extension)");
  m.def("_strict", &strict, "True when strict-mode checks are on (host runtime, ACL_HOST_STRICT != 0)");
  // C threads stop entering Python once the interpreter starts shutting down.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { mark_exiting(); }));
}
