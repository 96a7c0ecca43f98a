// pyACL for acl-async: shared pieces of the `acl` extension module.
//   - Args: pyACL's positional calling convention with Python-style errors
//     (TypeError naming the function and the parameter);
//   - strict mode (host runtime, ACL_HOST_STRICT != 0): registries of the
//     handles and memory ranges this module handed out, so a pointer or handle
//     no ACL call produced, a freed one, or a range past the end of its
//     allocation is an ACL error code instead of a crash;
//   - the binding's own "recent error" message, read by acl.get_recent_err_msg.
// Written against the public ACL C API only.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <array>
#include <functional>
#include <string>
#include <vector>

#include "acl/acl.h"

namespace pyacl {

namespace py = pybind11;

// Positional (or keyword) arguments of one pyACL call.
class Args {
 public:
  Args(const std::string& qualname, const std::vector<const char*>& names, size_t required,
       const py::args& args, const py::kwargs& kwargs);

  const std::string& fn() const { return fn_; }
  const char* name(size_t i) const { return names_[i]; }
  bool has(size_t i) const { return i < slots_.size() && slots_[i]; }
  py::handle get(size_t i) const { return slots_[i]; }
  int64_t i64(size_t i) const;
  uint64_t u64(size_t i) const;
  int32_t i32(size_t i) const;
  uint32_t u32(size_t i) const;
  size_t size(size_t i) const { return static_cast<size_t>(u64(i)); }
  // A pointer or handle: an int (None means 0).
  uintptr_t ptr(size_t i) const;
  double f64(size_t i) const;
  std::string str(size_t i) const;  // str or os.PathLike
  [[noreturn]] void type_error(size_t i, const char* expected) const;

 private:
  std::string fn_;
  std::vector<const char*> names_;
  std::vector<py::handle> slots_;
};

using Impl = std::function<py::object(Args&)>;

// Defines `name` in module `m` (pyACL name `<m.__name__>.<name>`).
void defn(py::module_& m, const char* name, std::vector<const char*> params, size_t required, Impl impl,
          const char* doc);

// (value, ret) tuples.
inline py::tuple pair(py::object value, aclError ret) { return py::make_tuple(std::move(value), ret); }
inline py::int_ ptr_obj(const void* p) { return py::int_(reinterpret_cast<uintptr_t>(p)); }
template <typename T>
inline T* as(uintptr_t v) {
  return reinterpret_cast<T*>(v);
}

// A function of the libascendcl this module links, looked up by name (for
// entry points not every acl.h declares); nullptr when it has none.
void* acl_symbol(const char* name);

// ---- the binding's recent error message (per thread) ----
// Records why the binding refused a call; returns `code`.
aclError refuse(aclError code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Takes (and clears) this thread's binding message; empty when none.
std::string take_refusal();

// ---- strict mode ----
bool strict();

enum class Kind : uint8_t {
  Context,
  Stream,
  Event,
  Dataset,
  DataBuffer,
  ModelDesc,
  TensorDesc,
  ConfigHandle,
  ExecConfigHandle,
  Other
};
const char* kind_name(Kind k);

namespace handles {
void add(uintptr_t h, Kind k);
void remove(uintptr_t h);
// 0 when `h` may be passed on (strict: a live handle of kind k, or NULL which
// the runtime judges itself), else an ACL error code with a message.
aclError check(const Args& a, size_t i, Kind k);
}  // namespace handles

enum class Mem : uint8_t { Device, Host, Python };

namespace ranges {
// Memory from acl.rt.malloc (Device) / acl.rt.malloc_host (Host).
void add(uintptr_t base, size_t size, Mem kind);
bool remove(uintptr_t base, Mem kind);
// Python memory handed out by acl.util.bytes_to_ptr / numpy_to_ptr; `owner`
// is kept alive while anything but this registry references it.
void add_python(uintptr_t base, size_t size, py::handle owner);
// 0 when [p, p+len) lies inside one live allocation this module handed out
// (host_only: not device memory), else an ACL error code with a message.
aclError check(const std::string& fn, const char* param, uintptr_t p, size_t len, bool host_only);
// Forget every Device/Host range (acl.finalize released them).
void clear_acl();
}  // namespace ranges

// Python callables run from C threads (callbacks, start_thread): reports an
// exception through sys.unraisablehook and goes on. Call with the GIL held.
void report_exception(const char* where, py::handle fn);
// True once the interpreter is shutting down: C threads must not enter Python.
bool python_exiting();
void mark_exiting();

void bind_base(py::module_& m);
void bind_rt(py::module_& m);
void bind_report(py::module_& m);
void bind_mdl(py::module_& m);
void bind_util(py::module_& m);
void bind_tensor_desc(py::module_& m);
void bind_rt_ext(py::module_& m);
void bind_mdl_ext(py::module_& m);
void bind_media(py::module_& m);  // media.cpp: acl.media (DVPP), host backend

}  // namespace pyacl
