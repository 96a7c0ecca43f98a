// HostBuffer: the buffer-protocol object behind zero-copy numpy views.
#include "bindings.h"
#include "errors.h"

#include "host_buffer.h"

namespace acl_async {

py::array make_view(const TensorDesc& desc, std::shared_ptr<void> owner, void* data) {
  py::object base = py::cast(HostBuffer{std::move(owner), data, desc.size});
  return py::array(numpy_dtype(desc), desc.view_shape(), {}, data, base);
}

void regclass_HostBuffer(py::module_& m) {
  py::class_<HostBuffer>(m, "HostBuffer", py::buffer_protocol(), R"doc(
Host memory of a pool block or a result, exposed through the buffer protocol
(``memoryview(buf)``, ``numpy.asarray(buf)``) without copies. numpy views of
block tensors hold one of these as their ``base``.
)doc")
      .def_buffer([](HostBuffer& b) {
        return py::buffer_info(b.data, 1, py::format_descriptor<uint8_t>::format(), 1,
                               {static_cast<py::ssize_t>(b.size)}, {static_cast<py::ssize_t>(1)}, false);
      })
      .def_property_readonly("nbytes", [](const HostBuffer& b) { return b.size; })
      .def("__len__", [](const HostBuffer& b) { return b.size; });
}

}  // namespace acl_async
