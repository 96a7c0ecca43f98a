// pyACL for acl-async: the shared core of the `acl` extension module.
//
// BINDING A NEW C FUNCTION: one line, one codec per C parameter, in order.
//
//   bind<aclrtStreamGetPriority>(m, "stream_get_priority", "priority, ret = acl.rt.stream_get_priority(s)",
//                                In{"stream"}, Out());
//
// When the doc is the call line alone, Call{"<results>"} writes it from the names:
//   bind<aclvdecSetChannelDescOutMode>(m, "vdec_set_channel_desc_out_mode", Call{"ret"}, In{"channel_desc"},
//                                      In{"out_mode"});
//   has the doc "ret = acl.media.vdec_set_channel_desc_out_mode(channel_desc, out_mode)".
//
//   In{"name"}    a Python argument converted to the C parameter's type (ints range-checked; a pointer
//                 or handle is an int, None = 0; `const char*` takes str or os.PathLike);
//   Out()         an out-parameter (`T*`): its value joins the result, in order, before `ret`
//                 (ints, pointers as ints, aclmdlIODims as {"name", "dimCount", "dims"}; add a to_py
//                 overload below for a new struct);
//   HostPtr<K>{"name"}  a pointer the C function reads or writes on the host, K = the index of the C
//                 parameter holding its length: in strict mode [p, p+len) must lie in memory an ACL call
//                 or bytes_to_ptr/numpy_to_ptr handed out (ranges::admit): no wrong int reaches C code;
//   CheckedPtr<K>{"name"}  the same for a C function that checks ACL memory ranges itself (aclrtMemcpy,
//                 aclrtMemset: their strict mode): ACL memory is passed on, so the codes are the C API's.
// Result shapes follow pyACL's: aclError -> `ret`, or `(out..., ret)` with outs; any other return type
// -> that value (a getter); void -> None. bind<Fn> runs the C call with the GIL released (every call
// that can wait or lock must); bind<Fn, Quick> keeps it for pure getters. Either way Python objects are
// built only with the GIL held: the C call sees C values only.
//
// Anything bind cannot express (callbacks, Python buffers, dict arguments) is written with defn(); its
// C call goes through call_nogil(), which releases the GIL and returns only C values (it does not
// compile otherwise). Never create py:: objects inside it, never use gil_scoped_release directly.
// Handles are validated by the C runtime itself (the host runtime looks every handle up in its
// registries), so their error codes are exactly the C API's. Memory a new allocator hands out (e.g.
// acl.media.dvpp_malloc) is registered with ranges::add(ptr, size, Mem::Device) and removed on free.
// A new file (e.g. media.cpp for acl.media): declare its bind_xxx below, add it to module.cpp's ordered
// list (the submodule is made on first use) and to CMakeLists.txt, and its stub stubs/xxx.pyi (installed
// by CMakeLists.txt, listed in tests/test_pyacl_stub.py's NAMESPACES); give each function a value test
// in tests/test_pyacl_values.py (@covers).
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "acl/acl.h"
#include "forced_unwind.h"
#include "interpreter.h"

namespace pyacl {

namespace py = pybind11;

// ---------------------------------------------------------------- the GIL

// Runs `f` (a C call) with the GIL released and returns its C result. The result type cannot be a
// Python object, so no Python object is made or touched without the GIL.
template <typename F>
auto call_nogil(F&& f) -> decltype(f()) {
  using R = decltype(f());
  static_assert(std::is_void<R>::value ||
                    (!std::is_base_of<py::handle, R>::value && std::is_trivially_copyable<R>::value),
                "call_nogil returns C values only: build Python objects after it returns");
  // common::GilRelease, not py::gil_scoped_release: taking the GIL back while the interpreter finalizes
  // hangs the thread there instead of unwinding it with pthread_exit.
  acl_async::common::GilRelease release;
  return f();
}

// ---------------------------------------------------------------- arguments

// Positional (or keyword) arguments of one pyACL call.
// An element of a list argument (dims, ranges) as int64: TypeError for a non-int, OverflowError out of
// range (never pybind11's generic cast error).
int64_t list_int(py::handle v, const std::string& what);

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
  int32_t i32(size_t i) const { return integer<int32_t>(i); }
  uint32_t u32(size_t i) const { return integer<uint32_t>(i); }
  size_t size(size_t i) const { return integer<size_t>(i); }
  // A pointer or handle: an int (None means 0).
  uintptr_t ptr(size_t i) const;
  double f64(size_t i) const;
  std::string str(size_t i) const;  // str or os.PathLike
  [[noreturn]] void type_error(size_t i, const char* expected) const;
  [[noreturn]] void range_error(size_t i) const;

  // Any integer or enum C type, range-checked.
  template <typename T>
  T integer(size_t i) const {
    if constexpr (std::is_enum<T>::value) {
      return static_cast<T>(integer<std::underlying_type_t<T>>(i));
    } else if constexpr (std::is_signed<T>::value) {
      int64_t v = i64(i);
      if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
          v > static_cast<int64_t>(std::numeric_limits<T>::max()))
        range_error(i);
      return static_cast<T>(v);
    } else {
      uint64_t v = u64(i);
      if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) range_error(i);
      return static_cast<T>(v);
    }
  }

 private:
  std::string fn_;
  std::vector<const char*> names_;
  std::vector<py::handle> slots_;
};

using Impl = std::function<py::object(Args&)>;

// Defines `name` in module `m` (pyACL name `<m.__name__>.<name>`) with its parameter names; every
// function is recorded for acl._signatures() (the stub test).
void defn(py::module_& m, const char* name, std::vector<const char*> params, size_t required, Impl impl,
          const char* doc);
// {qualified name: (parameter names, required count)} of every function defined so far.
py::dict signatures();

// ---------------------------------------------------------------- C values -> Python

inline py::object to_py(bool v) { return py::bool_(v); }
template <typename T, std::enable_if_t<std::is_integral<T>::value, int> = 0>
py::object to_py(T v) {
  return py::int_(v);
}
template <typename T, std::enable_if_t<std::is_enum<T>::value, int> = 0>
py::object to_py(T v) {
  return py::int_(static_cast<int64_t>(v));
}
inline py::object to_py(float v) { return py::float_(v); }
inline py::object to_py(double v) { return py::float_(v); }
inline py::object to_py(const char* s) { return py::str(s ? s : ""); }
template <typename T>
py::object to_py(T* p) {
  return py::int_(reinterpret_cast<uintptr_t>(p));
}
py::object to_py(const aclmdlIODims& d);  // {"name", "dimCount", "dims"}

inline py::tuple pair(py::object value, aclError ret) { return py::make_tuple(std::move(value), ret); }
inline py::int_ ptr_obj(const void* p) { return py::int_(reinterpret_cast<uintptr_t>(p)); }
template <typename T>
inline T* as(uintptr_t v) {
  return reinterpret_cast<T*>(v);
}

// A function of the libascendcl this module links, looked up by name (for
// entry points not every acl.h declares); nullptr when it has none.
void* acl_symbol(const char* name);

// ---------------------------------------------------------------- the binding's recent error message

// Records why the binding refused a call (per thread); returns `code`.
aclError refuse(aclError code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Takes (and clears) this thread's binding message; empty when none.
std::string take_refusal();

// ---------------------------------------------------------------- strict mode: memory

// Host runtime with ACL_HOST_STRICT != 0 (the runtime's own setting, read once).
bool strict();

enum class Mem : uint8_t { Device, Host, Python };

namespace ranges {
// Memory from acl.rt.malloc[_cached] (Device) / acl.rt.malloc_host (Host).
void add(uintptr_t base, size_t size, Mem kind);
void remove(uintptr_t base);
// Python memory handed out by acl.util.bytes_to_ptr / numpy_to_ptr; `owner`
// is kept alive while anything but this registry references it.
void add_python(uintptr_t base, size_t size, py::handle owner);
// Whether [p, p+len) may be passed to a C function that touches it on the host. The one pyACL rule,
// beside the C runtime's own checks (which judge ACL memory in the functions that check it: c_checks_acl,
// their codes are then the C API's):
//  - inside ACL memory this module handed out: passed on when c_checks_acl (the C function checks range
//    and kind), else it must end inside it (107000, the C rule for overruns);
//  - overlapping ACL memory from outside it (p-16, p+size): 107000, the C rule for overruns;
//  - inside a live Python buffer: passed on (host memory the C runtime cannot see); past its end: 107000;
//  - anything else (an int no ACL call produced, freed memory, a released bytes object): 100000,
//    since the C runtime would take it for host memory and touch it.
// NULL and len 0 are passed on (the C rules for them apply). Not strict: always 0.
aclError admit(const std::string& fn, const char* param, uintptr_t p, size_t len, bool c_checks_acl);
// Like admit, and refuses ACL device memory (107016): [p, p+len) is read by Python (ptr_to_bytes).
aclError readable(const std::string& fn, const char* param, uintptr_t p, size_t len);
// Forget every Device/Host range (acl.finalize released them).
void clear_acl();
}  // namespace ranges

// ---------------------------------------------------------------- Python from C threads

// Python callables run from C threads (callbacks, start_thread): reports an
// exception through sys.unraisablehook and goes on. Call with the GIL held.
void report_exception(const char* where, py::handle fn);
// Whether C threads may still enter Python, and taking the GIL there: the common layer's rules
// (csrc/common/interpreter.h: interpreter_exiting, mark_interpreter_exiting, GilAcquire).
using acl_async::common::GilAcquire;
using acl_async::common::interpreter_exiting;

// Runs `call` with the GIL taken on a C thread (a callback the runtime runs), then frees `owned` (the
// callback's Python objects) with the GIL. While the interpreter finalizes, a thread asking for the GIL
// (here, or inside `call`'s Python code) hangs there (common::ensure_gil_or_hang): nothing above is
// unwound, so `owned` is never freed without the GIL. `call` holds Python objects as raw references it
// releases itself.
template <typename Owned, typename Call>
void run_with_gil(std::unique_ptr<Owned>& owned, Call&& call) {
  acl_async::common::hang_on_forced_unwind([&] {
    PyGILState_STATE state = acl_async::common::ensure_gil_or_hang();
    call();
    owned.reset();
    PyGILState_Release(state);
  });
}

// ---------------------------------------------------------------- the binding templates

enum Gil { Release, Quick };

struct In {
  const char* name;
};
struct Out {};
// The doc of a binding that is its pyACL call line: `<result> = <module>.<name>(<the In names>)`.
struct Call {
  const char* result;
};
template <size_t LenParam, bool CChecksAcl = false>
struct HostPtr {
  const char* name;
};
template <size_t LenParam>
using CheckedPtr = HostPtr<LenParam, true>;

namespace detail {

template <typename F>
struct fn_traits;
template <typename R, typename... A>
struct fn_traits<R (*)(A...)> {
  using ret = R;
  using args = std::tuple<A...>;
  static constexpr size_t arity = sizeof...(A);
};

// What a codec stores for C parameter type T.
template <typename Codec, typename T>
struct Store {
  using type = T;
};
template <>
struct Store<In, const char*> {
  using type = std::string;
};
template <typename T>
struct Store<Out, T*> {
  using type = T;
};

template <typename Codec>
constexpr bool takes_arg = !std::is_same<Codec, Out>::value;

inline const char* arg_name(const In& c) { return c.name; }
template <size_t K, bool C>
const char* arg_name(const HostPtr<K, C>& c) {
  return c.name;
}
inline const char* arg_name(const Out&) { return nullptr; }

template <typename T>
void load(const Args& a, size_t& pi, const In&, T& out) {
  if constexpr (std::is_same<T, std::string>::value) {
    out = a.str(pi);
  } else if constexpr (std::is_pointer<T>::value) {
    out = reinterpret_cast<T>(a.ptr(pi));
  } else if constexpr (std::is_floating_point<T>::value) {
    out = static_cast<T>(a.f64(pi));
  } else {
    out = a.integer<T>(pi);
  }
  ++pi;
}
template <size_t K, bool C, typename T>
void load(const Args& a, size_t& pi, const HostPtr<K, C>&, T& out) {
  out = reinterpret_cast<T>(a.ptr(pi++));
}
template <typename T>
void load(const Args&, size_t&, const Out&, T&) {}

template <typename T>
decltype(auto) pass(const In&, T& v) {
  if constexpr (std::is_same<T, std::string>::value)
    return v.c_str();
  else
    return (v);
}
template <size_t K, bool C, typename T>
T pass(const HostPtr<K, C>&, T& v) {
  return v;
}
template <typename T>
T* pass(const Out&, T& v) {
  return &v;
}

template <size_t K, bool C, typename P, typename Tuple>
aclError admit_mem(const Args& a, const HostPtr<K, C>& c, P p, const Tuple& st) {
  return ranges::admit(a.fn(), c.name, reinterpret_cast<uintptr_t>(p), static_cast<size_t>(std::get<K>(st)),
                       C);
}

template <size_t I, typename Codec, typename Tuple>
aclError admit(const Args& a, const Codec& c, const Tuple& st) {
  if constexpr (std::is_same<Codec, In>::value || std::is_same<Codec, Out>::value) {
    (void)a, (void)c, (void)st;
    return ACL_SUCCESS;
  } else {
    return admit_mem(a, c, std::get<I>(st), st);
  }
}

template <typename Codec, typename T>
void collect(py::list& outs, const Codec&, const T& v) {
  if constexpr (std::is_same<Codec, Out>::value) outs.append(to_py(v));
  (void)outs, (void)v;
}

template <auto Fn, Gil G, typename... C, size_t... I>
py::object invoke(Args& a, std::index_sequence<I...>, const C&... c) {
  using T = fn_traits<decltype(Fn)>;
  using R = typename T::ret;
  std::tuple<typename Store<C, std::tuple_element_t<I, typename T::args>>::type...> st{};
  size_t pi = 0;
  (load(a, pi, c, std::get<I>(st)), ...);  // left to right
  (void)pi;
  aclError refused = ACL_SUCCESS;
  ((refused = refused ? refused : admit<I>(a, c, st)), ...);
  auto call = [&]() -> R { return Fn(pass(c, std::get<I>(st))...); };
  if constexpr (std::is_void<R>::value) {
    if (!refused) {
      if constexpr (G == Release)
        call_nogil(call);
      else
        call();
    }
    return py::none();
  } else {
    R r{};
    if (!refused) r = G == Release ? call_nogil(call) : call();
    py::list outs;  // made after the call: a thread ended while it waited for the GIL holds no Python object
    (collect(outs, c, std::get<I>(st)), ...);
    if constexpr (std::is_same<R, aclError>::value) {
      aclError ret = refused ? refused : r;
      if (outs.empty()) return py::int_(ret);
      outs.append(py::int_(ret));
      return py::tuple(outs);
    } else {
      static_assert(!(std::is_same<C, Out>::value || ...), "out-parameters need an aclError return");
      return to_py(r);
    }
  }
}

}  // namespace detail

// Binds C function Fn as `name` in `m`; see the top of this file.
template <auto Fn, Gil G = Release, typename... C>
void bind(py::module_& m, const char* name, const char* doc, C... codecs) {
  using T = detail::fn_traits<decltype(Fn)>;
  static_assert(sizeof...(C) == T::arity, "one codec per C parameter");
  std::vector<const char*> names;
  for (const char* n : {static_cast<const char*>(nullptr), detail::arg_name(codecs)...})
    if (n) names.push_back(n);
  const size_t required = names.size();
  defn(
      m, name, names, required,
      [codecs...](Args& a) -> py::object {
        return detail::invoke<Fn, G>(a, std::index_sequence_for<C...>{}, codecs...);
      },
      doc);
}

// "<result> = <module of m>.<name>(<params, in order>)": the doc of a Call binding.
std::string call_doc(py::module_& m, const char* result, const char* name, const std::vector<const char*>& params);

// bind with the doc written from the names (Call above).
template <auto Fn, Gil G = Release, typename... C>
void bind(py::module_& m, const char* name, Call call, C... codecs) {
  std::vector<const char*> params;
  for (const char* n : {static_cast<const char*>(nullptr), detail::arg_name(codecs)...})
    if (n) params.push_back(n);
  bind<Fn, G>(m, name, call_doc(m, call.result, name, params).c_str(), codecs...);
}

// ---------------------------------------------------------------- the module's parts (module.cpp)

void bind_base(py::module_& m);         // acl: init/finalize, versions, errors, data buffers, types
void bind_tensor_desc(py::module_& m);  // acl: tensor descriptions
void bind_rt_device(py::module_& m);    // acl.rt: devices, contexts, streams, events, exception info
void bind_rt_memory(py::module_& m);    // acl.rt: malloc/free, copies, memset
void bind_report(py::module_& m);       // acl.rt: report threads and callbacks
void bind_mdl_model(py::module_& m);    // acl.mdl: load/unload, config handles, execute
void bind_mdl_desc(py::module_& m);     // acl.mdl: model descriptions, dims, dynamic shapes, AIPP
void bind_mdl_dataset(py::module_& m);  // acl.mdl: datasets
void bind_threads(py::module_& m);      // acl.util: start_thread/stop_thread
void bind_util(py::module_& m);         // acl.util: Python buffers <-> pointers
void bind_media(py::module_& m);        // acl.media: DVPP (media.cpp)
void bind_op(py::module_& m);           // acl.op: single operators (op.cpp)

// Report threads (report.cpp): pyACL's callbacks queued on `stream` / on any stream subscribed to
// `thread_id` that will never run (the runtime dropped them) are released and reported.
void drop_stream_callbacks(uintptr_t stream, const char* why);
void drop_thread_callbacks(uint64_t thread_id, const char* why);
void drop_all_callbacks(const char* what);  // acl.finalize

}  // namespace pyacl
