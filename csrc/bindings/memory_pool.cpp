// Block and MemoryPool: the Python classes (numpy views, input copies).
#include "bindings.h"
#include "errors.h"
#include "context.h"

#include "block_io.h"
#include "memory_pool.h"
#include "model.h"

namespace acl_async {

namespace {

// Every input (or output) view of a block, as a list.
py::list all_views(Block& block, bool output) {
  size_t count = output ? block.layout().outputs.size() : block.layout().inputs.size();
  py::list views;
  for (size_t i = 0; i < count; ++i) views.append(block_view(block, output, i));
  return views;
}

}  // namespace

void regclass_Block(py::module_& m) {
  py::class_<Block, std::shared_ptr<Block>>(m, "Block", R"doc(
One block of a MemoryPool: the device buffers of every model input and
output, their host staging buffers (ACL_HOST run mode) and the datasets.
``inputs``/``outputs`` are writable numpy views of the host buffers (no copy).
)doc")
      .def_property_readonly("index", &Block::index)
      .def_property_readonly("in_use", &Block::in_use, "True between acquire() and release().")
      .def_property_readonly("pool", &Block::pool)
      .def_property_readonly("copies", &Block::copies,
                             "True when executions copy between host staging and device buffers (an NPU); "
                             "False on the host runtime, where the views are the model's own buffers.")
      .def_property_readonly(
          "inputs",
          [](Block& self) { return all_views(self, false); },
          "Zero-copy writable numpy views of the host input buffers.")
      .def_property_readonly(
          "outputs",
          [](Block& self) { return all_views(self, true); },
          "Zero-copy numpy views of the host output buffers (valid after the execution completed).")
      .def(
          "input", [](Block& self, size_t index) { return block_view(self, false, index); }, py::arg("index"))
      .def(
          "output", [](Block& self, size_t index) { return block_view(self, true, index); }, py::arg("index"))
      .def("set_inputs", &block_set_inputs, py::arg("inputs"), R"doc(
Copy ``inputs`` into the host input buffers: one array (single-input model),
a list/tuple with one array per input, or a dict keyed by input name or
index. dtype and shape must match the model (InputError otherwise);
bytes-like objects are taken as raw data of the exact byte size.
)doc")
      .def("copy_outputs", &block_copy_outputs, "New numpy arrays holding the outputs.")
      .def(
          "release",
          [](Block& self) {
            auto pool = self.pool();
            if (!pool) return;  // pool gone: nothing to return to
            pool->give_back(self);
          },
          "Return the block to its pool (ValueError if it was already released).")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](Block& self, const py::args&) {
             auto pool = self.pool();
             if (pool && self.in_use()) pool->give_back_quietly(self);
           })
      .def("__repr__", [](const Block& self) {
        return "<Block " + std::to_string(self.index()) + (self.in_use() ? " in use>" : " free>");
      });
}

void regclass_MemoryPool(py::module_& m) {
  py::class_<MemoryPool, std::shared_ptr<MemoryPool>> cls(m, "MemoryPool", R"doc(
``size`` blocks of input/output memory for ``model``, made up front.
acquire() waits while every block is in use (back-pressure).
)doc");
  cls.def(py::init([](const std::shared_ptr<Model>& model, size_t size) {
            model->check_open();
            return MemoryPool::create(model->context(), model->layout(), size);
          }),
          py::arg("model"), py::arg("size"))
      .def("acquire", &MemoryPool::acquire, py::arg("timeout") = py::none(), R"doc(
A free block, waiting (GIL released) while none is free. ``timeout`` in
seconds (None: forever); expiry raises TimeoutError.
)doc")
      .def("try_acquire", &MemoryPool::try_acquire, "A free block, or None at once.")
      .def("release", &MemoryPool::give_back, py::arg("block"),
           "Return a block (ValueError if it was already released or belongs to another pool).")
      .def_property_readonly("size", &MemoryPool::size)
      .def_property_readonly("available", &MemoryPool::available, "Blocks free right now.")
      .def_property_readonly("in_use", [](const MemoryPool& self) { return self.size() - self.available(); })
      .def_property_readonly("leased", &MemoryPool::leased,
                             "Blocks held by zero-copy result views (back when the views are gone).")
      .def_property_readonly("blocks", &MemoryPool::blocks)
      .def_property_readonly("inputs", [](const MemoryPool& self) { return self.layout()->inputs; })
      .def_property_readonly("outputs", [](const MemoryPool& self) { return self.layout()->outputs; })
      .def_property_readonly("context", &MemoryPool::context)
      .def("__len__", &MemoryPool::size);
  def_resource_methods(cls);
}

}  // namespace acl_async
