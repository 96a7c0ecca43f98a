// pyACL: argument parsing, strict-mode registries and the binding's error messages.
#include "common.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#ifdef ACL_PYACL_HOST_BACKEND
#include "host_ext.h"  // acl_host_ext_strict: libascendcl's private entry points
#endif

namespace pyacl {

namespace {

std::string type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }

}  // namespace

// ---------------------------------------------------------------- Args

Args::Args(const std::string& qualname, const std::vector<const char*>& names, size_t required,
           const py::args& args, const py::kwargs& kwargs)
    : fn_(qualname), names_(names), slots_(names.size()) {
  const size_t n = args.size();
  if (n > names.size()) {
    throw py::type_error(fn_ + "() takes " + std::to_string(names.size()) + " positional argument" +
                         (names.size() == 1 ? "" : "s") + " but " + std::to_string(n) + " were given");
  }
  for (size_t i = 0; i < n; ++i) slots_[i] = args[i];
  for (auto item : kwargs) {
    const std::string key = py::str(item.first);
    size_t i = 0;
    while (i < names.size() && key != names[i]) ++i;
    if (i == names.size()) throw py::type_error(fn_ + "() got an unexpected keyword argument '" + key + "'");
    if (slots_[i]) throw py::type_error(fn_ + "() got multiple values for argument '" + key + "'");
    slots_[i] = item.second;
  }
  for (size_t i = 0; i < required; ++i) {
    if (!slots_[i])
      throw py::type_error(fn_ + "() missing required argument '" + names[i] + "' (pos " +
                           std::to_string(i + 1) + ")");
  }
}

void Args::type_error(size_t i, const char* expected) const {
  throw py::type_error(fn_ + "(): argument '" + names_[i] + "' must be " + expected + ", not " +
                       type_name(slots_[i]));
}

namespace {

// An int-like argument (int, bool, numpy integers), never a float or a str.
py::object index_of(const Args& a, size_t i) {
  py::handle h = a.get(i);
  if (PyFloat_Check(h.ptr()) || !PyIndex_Check(h.ptr())) a.type_error(i, "int");
  PyObject* idx = PyNumber_Index(h.ptr());
  if (!idx) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(idx);
}

}  // namespace

int64_t list_int(py::handle v, const std::string& what) {
  if (PyFloat_Check(v.ptr()) || !PyIndex_Check(v.ptr())) throw py::type_error(what + " must hold ints");
  py::object o = py::reinterpret_steal<py::object>(PyNumber_Index(v.ptr()));
  if (!o) throw py::error_already_set();
  long long x = PyLong_AsLongLong(o.ptr());
  if (x == -1 && PyErr_Occurred()) throw py::error_already_set();  // OverflowError
  return x;
}

int64_t Args::i64(size_t i) const {
  py::object o = index_of(*this, i);
  long long v = PyLong_AsLongLong(o.ptr());
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

uint64_t Args::u64(size_t i) const {
  py::object o = index_of(*this, i);
  if (PyObject_RichCompareBool(o.ptr(), py::int_(0).ptr(), Py_LT) == 1)
    throw py::value_error(fn_ + "(): argument '" + names_[i] + "' must not be negative");
  unsigned long long v = PyLong_AsUnsignedLongLong(o.ptr());
  if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

void Args::range_error(size_t i) const {
  throw py::value_error(fn_ + "(): argument '" + names_[i] + "' is out of range for its C type");
}

uintptr_t Args::ptr(size_t i) const {
  if (slots_[i].is_none()) return 0;
  return static_cast<uintptr_t>(u64(i));
}

double Args::f64(size_t i) const {
  py::handle h = slots_[i];
  if (!PyFloat_Check(h.ptr()) && !PyIndex_Check(h.ptr())) type_error(i, "float");
  double v = PyFloat_AsDouble(h.ptr());
  if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

std::string Args::str(size_t i) const {
  py::handle h = slots_[i];
  if (PyUnicode_Check(h.ptr())) {
    Py_ssize_t n = 0;
    const char* u = PyUnicode_AsUTF8AndSize(h.ptr(), &n);  // NULL for lone surrogates
    if (!u) throw py::error_already_set();                   // UnicodeEncodeError, a ValueError
    return std::string(u, static_cast<size_t>(n));
  }
  if (PyBytes_Check(h.ptr())) return std::string(PyBytes_AS_STRING(h.ptr()), PyBytes_GET_SIZE(h.ptr()));
  if (PyObject_HasAttrString(h.ptr(), "__fspath__")) {
    py::object p = py::module_::import("os").attr("fspath")(h);
    if (PyUnicode_Check(p.ptr())) {
      const char* u = PyUnicode_AsUTF8(p.ptr());
      if (!u) throw py::error_already_set();
      return u;
    }
  }
  type_error(i, "str");
}

namespace {
thread_local std::string t_refusal;  // the binding's recent error message (refuse, take_refusal)

// qualified name -> (parameter names, required count); never destroyed (read at any time).
std::vector<std::tuple<std::string, std::vector<const char*>, size_t>>& registry() {
  static auto* r = new std::vector<std::tuple<std::string, std::vector<const char*>, size_t>>();
  return *r;
}
}  // namespace

void defn(py::module_& m, const char* name, std::vector<const char*> params, size_t required, Impl impl,
          const char* doc) {
  std::string qual = py::str(m.attr("__name__")).cast<std::string>() + "." + name;
  registry().emplace_back(qual, params, required);
  // A call supersedes the binding's message of an earlier one (acl.get_recent_err_msg reads it).
  const bool reads_message = std::strcmp(name, "get_recent_err_msg") == 0;
  m.def(
      name,
      [qual, params, required, impl, reads_message](py::args args, py::kwargs kwargs) -> py::object {
        if (!reads_message) t_refusal.clear();
        // A forced unwind (Python code inside impl asking for the GIL as the interpreter finalizes)
        // stops here: pybind11's dispatcher above would release its references without the GIL.
        return acl_async::common::hang_on_forced_unwind([&] {
          Args a(qual, params, required, args, kwargs);
          return impl(a);
        });
      },
      doc);
}

std::string call_doc(py::module_& m, const char* result, const char* name, const std::vector<const char*>& params) {
  std::string doc = std::string(result) + " = " + py::str(m.attr("__name__")).cast<std::string>() + "." + name + "(";
  for (size_t i = 0; i < params.size(); ++i) doc += (i ? ", " : "") + std::string(params[i]);
  return doc + ")";
}

py::dict signatures() {
  py::dict out;
  for (const auto& [qual, params, required] : registry()) {
    py::list names;
    for (const char* p : params) names.append(p);
    out[py::str(qual)] = py::make_tuple(names, required);
  }
  return out;
}

py::object to_py(const aclmdlIODims& d) {
  py::dict out;
  size_t n = d.dimCount < ACL_MAX_DIM_CNT ? d.dimCount : ACL_MAX_DIM_CNT;
  py::list dims;
  for (size_t i = 0; i < n; ++i) dims.append(py::int_(d.dims[i]));
  size_t len = 0;
  while (len < ACL_MAX_TENSOR_NAME_LEN && d.name[len]) ++len;
  out["name"] = py::str(d.name, len);
  out["dimCount"] = py::int_(d.dimCount);
  out["dims"] = dims;
  return out;
}

void* acl_symbol(const char* name) {
  static void* lib = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&aclInit), &info) || !info.dli_fname)
      return static_cast<void*>(nullptr);
    return dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  }();
  return lib ? dlsym(lib, name) : nullptr;
}

// ---------------------------------------------------------------- refusals

aclError refuse(aclError code, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  t_refusal = buf;
  return code;
}

std::string take_refusal() {
  std::string s;
  s.swap(t_refusal);
  return s;
}

// ---------------------------------------------------------------- strict mode

bool strict() {
#ifdef ACL_PYACL_HOST_BACKEND
  return acl_host_ext_strict() != 0;  // the runtime's own setting (csrc/common/env_config.h's rule)
#else
  return false;  // CANN: behave as pyACL does
#endif
}

namespace ranges {
namespace {
struct Range {
  size_t size;
  Mem kind;
  PyObject* owner;  // Python memory: a strong reference
};
struct Table {
  std::mutex m;
  std::map<uintptr_t, Range> live;
  size_t python = 0;     // Python ranges held
  size_t sweep_at = 64;  // next sweep when python reaches this
};
Table& table() {
  static Table* t = new Table();
  return *t;
}
const char* mem_name(Mem k) {
  switch (k) {
    case Mem::Device:
      return "device memory (acl.rt.malloc)";
    case Mem::Host:
      return "host memory (acl.rt.malloc_host)";
    default:
      return "Python memory (acl.util.bytes_to_ptr/numpy_to_ptr)";
  }
}
// Only this registry still references the owner: the pointer is stale. GIL held.
bool orphaned(const Range& r) { return r.owner && Py_REFCNT(r.owner) <= 1; }

// Drops orphaned Python ranges. Lock and GIL held; the owners are released by the caller.
void sweep(Table& t, std::vector<PyObject*>& dead) {
  for (auto it = t.live.begin(); it != t.live.end();) {
    if (orphaned(it->second)) {
      dead.push_back(it->second.owner);
      --t.python;
      it = t.live.erase(it);
    } else {
      ++it;
    }
  }
}
void release(std::vector<PyObject*>& dead) {
  for (PyObject* o : dead) Py_DECREF(o);
}
}  // namespace

void add(uintptr_t base, size_t size, Mem kind) {
  if (!base || !strict()) return;
  std::vector<PyObject*> dead;
  {
    std::lock_guard<std::mutex> lock(table().m);
    auto it = table().live.find(base);
    if (it != table().live.end() && it->second.owner) {
      dead.push_back(it->second.owner);
      --table().python;
    }
    table().live[base] = Range{size, kind, nullptr};
  }
  release(dead);
}

void remove(uintptr_t base) {
  if (!base || !strict()) return;
  std::lock_guard<std::mutex> lock(table().m);
  auto it = table().live.find(base);
  if (it != table().live.end() && it->second.kind != Mem::Python) table().live.erase(it);
}

void add_python(uintptr_t base, size_t size, py::handle owner) {
  if (!base || !strict()) return;
  std::vector<PyObject*> dead;
  {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.m);
    auto it = t.live.find(base);
    if (it != t.live.end()) {
      if (it->second.owner) {
        dead.push_back(it->second.owner);
        --t.python;
      }
      t.live.erase(it);
    }
    Py_INCREF(owner.ptr());
    t.live[base] = Range{size, Mem::Python, owner.ptr()};
    if (++t.python >= t.sweep_at) {
      sweep(t, dead);
      t.sweep_at = std::max<size_t>(64, 2 * t.python);
    }
  }
  release(dead);
}

namespace {

enum class Use { CChecksAcl, Touched, PythonReads };

aclError judge(const std::string& fn, const char* param, uintptr_t p, size_t len, Use use) {
  const bool host_read = use == Use::PythonReads;
  if (!strict() || !p || (len == 0 && !host_read)) return ACL_SUCCESS;
  const unsigned long long addr = p;
  std::vector<PyObject*> dead;
  aclError err = ACL_SUCCESS;
  {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.m);
    auto next = t.live.upper_bound(p);  // the first allocation starting after p
    auto it = next;
    bool inside = false;
    if (it != t.live.begin()) {
      --it;
      inside = p - it->first < std::max<size_t>(it->second.size, 1);
    }
    if (inside && orphaned(it->second)) {
      dead.push_back(it->second.owner);
      --t.python;
      t.live.erase(it);
      err = refuse(ACL_ERROR_INVALID_PARAM,
                   "%s: %s 0x%llx points into Python memory that no longer exists (its bytes/ndarray was "
                   "released)",
                   fn.c_str(), param, addr);
    } else if (inside) {
      const Range& r = it->second;
      const bool overrun = len > r.size - (p - it->first);
      if (host_read && r.kind == Mem::Device)
        err = refuse(ACL_ERROR_RT_INVALID_MEMORY_TYPE,
                     "%s: %s 0x%llx is device memory, which the host cannot read or write directly (copy it "
                     "with acl.rt.memcpy first; strict mode)",
                     fn.c_str(), param, addr);
      else if (overrun && (r.kind == Mem::Python || use != Use::CChecksAcl))
        err = refuse(
            ACL_ERROR_RT_PARAM_INVALID,
            "%s: %s range [0x%llx, +%zu) runs past the end of its allocation (%s at 0x%llx, %zu bytes)",
            fn.c_str(), param, addr, len, mem_name(r.kind), static_cast<unsigned long long>(it->first),
            r.size);
    } else if (next != t.live.end() && next->second.kind != Mem::Python && len > next->first - p) {
      err = refuse(ACL_ERROR_RT_PARAM_INVALID,
                   "%s: %s range [0x%llx, +%zu) overlaps %s at 0x%llx from outside it (strict mode)",
                   fn.c_str(), param, addr, len, mem_name(next->second.kind),
                   static_cast<unsigned long long>(next->first));
    } else {
      err = refuse(
          ACL_ERROR_INVALID_PARAM,
          "%s: %s 0x%llx is not memory an ACL call handed out (acl.rt.malloc, acl.rt.malloc_host, "
          "acl.util.bytes_to_ptr/numpy_to_ptr), or it was freed (strict mode; ACL_HOST_STRICT=0 relaxes)",
          fn.c_str(), param, addr);
    }
  }
  release(dead);
  return err;
}

}  // namespace

aclError admit(const std::string& fn, const char* param, uintptr_t p, size_t len, bool c_checks_acl) {
  return judge(fn, param, p, len, c_checks_acl ? Use::CChecksAcl : Use::Touched);
}

aclError readable(const std::string& fn, const char* param, uintptr_t p, size_t len) {
  return judge(fn, param, p, len, Use::PythonReads);
}

void clear_acl() {
  if (!strict()) return;
  std::lock_guard<std::mutex> lock(table().m);
  for (auto it = table().live.begin(); it != table().live.end();) {
    if (it->second.kind != Mem::Python)
      it = table().live.erase(it);
    else
      ++it;
  }
}
}  // namespace ranges

// ---------------------------------------------------------------- Python from C threads

void report_exception(const char* where, py::handle fn) {
  // sys.unraisablehook gets the exception; the default hook prints it with a traceback.
  std::string msg = std::string("Exception ignored in ") + where;
  PyObject* ctx = fn.ptr();
#if PY_VERSION_HEX >= 0x030D0000
  PyErr_FormatUnraisable("%s %R", msg.c_str(), ctx);
#else
  (void)msg;
  PyErr_WriteUnraisable(ctx);
#endif
}

}  // namespace pyacl
