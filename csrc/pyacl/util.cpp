// pyACL: `acl.util` conversions between Python objects and the plain-int pointers pyACL uses.
#include <pybind11/numpy.h>

#include "common.h"
#include "selftest_plant.h"

namespace pyacl {

namespace {

// ptr_to_bytes / ptr_to_numpy read [p, p+n) from Python: in strict mode it must be host memory an ACL
// call or bytes_to_ptr/numpy_to_ptr handed out (ValueError otherwise, the message also in
// acl.get_recent_err_msg()).
void readable_or_raise(const Args& a, uintptr_t p, size_t n) {
  if (!strict()) return;
  if (!p) throw py::value_error(a.fn() + "(): ptr must not be 0");
  if (ranges::readable(a.fn(), "ptr", p, n)) {
    std::string why = take_refusal();
    refuse(ACL_ERROR_INVALID_PARAM, "%s", why.c_str());
    throw py::value_error(why);
  }
}

}  // namespace

void bind_util(py::module_& m) {
  defn(
      m, "bytes_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        if (!PyObject_CheckBuffer(obj.ptr())) a.type_error(0, "bytes (or another buffer)");
        Py_buffer view;
        if (PyObject_GetBuffer(obj.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
        uintptr_t p = reinterpret_cast<uintptr_t>(view.buf);
        size_t len = static_cast<size_t>(view.len);
        PyBuffer_Release(&view);
        ranges::add_python(p, len, obj);
        return py::int_(p);
      },
      "ptr = acl.util.bytes_to_ptr(data): the address of the bytes' contents (keep data alive while in use)");

  defn(
      m, "ptr_to_bytes", {"ptr", "size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (n == 0) return py::bytes();
        readable_or_raise(a, p, n);
        n += acl_async::selftest::overread("pyacl-overread");
        return py::bytes(reinterpret_cast<const char*>(p), n);
      },
      "data = acl.util.ptr_to_bytes(ptr, size): a copy of size bytes at host address ptr");

  defn(
      m, "numpy_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        py::module_ np = py::module_::import("numpy");
        if (!py::isinstance(obj, np.attr("ndarray"))) a.type_error(0, "numpy.ndarray");
        auto arr = py::reinterpret_borrow<py::array>(obj);
        if (!(arr.flags() & py::array::c_style))
          py::print(
              "Warning: The input ndarray is discontiguous. Please use acl.util.numpy_contiguous_to_ptr "
              "instead.");
        uintptr_t p = reinterpret_cast<uintptr_t>(arr.data());
        ranges::add_python(p, static_cast<size_t>(arr.nbytes()), obj);
        return py::int_(p);
      },
      "ptr = acl.util.numpy_to_ptr(data): the address of the array's data (keep data alive while in use)");

  defn(
      m, "numpy_contiguous_to_ptr", {"data"}, 1,
      [](Args& a) -> py::object {
        py::handle obj = a.get(0);
        py::module_ np = py::module_::import("numpy");
        if (!py::isinstance(obj, np.attr("ndarray"))) a.type_error(0, "numpy.ndarray");
        py::array arr = np.attr("ascontiguousarray")(obj);
        uintptr_t p = reinterpret_cast<uintptr_t>(arr.data());
        ranges::add_python(p, static_cast<size_t>(arr.nbytes()), arr);
        return py::make_tuple(py::int_(p), arr);
      },
      "ptr, array = acl.util.numpy_contiguous_to_ptr(data): a C-contiguous array (data itself when it is "
      "one) "
      "and its address; keep the array alive while ptr is in use");

  defn(
      m, "ptr_to_numpy", {"ptr", "shape", "type"}, 3,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        py::handle shape_obj = a.get(1);
        if (!PyTuple_Check(shape_obj.ptr()) && !PyList_Check(shape_obj.ptr())) a.type_error(1, "tuple");
        std::vector<py::ssize_t> shape;
        size_t count = 1;
        for (py::handle d : shape_obj) {
          const int64_t v = list_int(d, a.fn() + "(): shape");
          if (v < 0) throw py::value_error(a.fn() + "(): shape dimensions must not be negative");
          if (v > 0 && count > (size_t{1} << 48) / static_cast<size_t>(v))
            throw py::value_error(a.fn() + "(): shape describes more than 2^48 elements");
          shape.push_back(static_cast<py::ssize_t>(v));
          count *= static_cast<size_t>(v);
        }
        int type = a.i32(2);
        py::dtype dt;
        try {
          dt = py::dtype(type);
        } catch (py::error_already_set&) {
          throw py::value_error(a.fn() + "(): unknown numpy type code " + std::to_string(type));
        }
        size_t nbytes = count * static_cast<size_t>(dt.itemsize());
        if (!p && nbytes) throw py::value_error(a.fn() + "(): ptr must not be 0");
        if (nbytes) readable_or_raise(a, p, nbytes);
        // A view of the memory (no copy), as pyACL's: valid while the memory is.
        py::capsule base(reinterpret_cast<void*>(p), [](void*) {});
        return py::array(dt, shape, reinterpret_cast<void*>(p), base);
      },
      "array = acl.util.ptr_to_numpy(ptr, shape, type): a numpy view of host memory; type is a numpy type "
      "number (11 NPY_FLOAT32, 23 NPY_FLOAT16, ...)");
}

}  // namespace pyacl
