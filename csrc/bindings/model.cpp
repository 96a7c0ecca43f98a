// Model: the Python class (paths, bytes, infer).
#include "bindings.h"
#include "errors.h"
#include "stream.h"
#include "memory_pool.h"

#include "block_io.h"
#include "model.h"

namespace acl_async {

namespace {

Model::Source source_from(const py::object& model) {
  Model::Source source;
  if (py::isinstance<py::bytes>(model) || PyByteArray_Check(model.ptr()) || PyMemoryView_Check(model.ptr())) {
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(model).request();
    source.bytes = std::make_shared<const std::string>(static_cast<const char*>(info.ptr),
                                                       static_cast<size_t>(info.size * info.itemsize));
    if (source.bytes->empty()) throw std::invalid_argument("the model bytes are empty");
    return source;
  }
  // os.fsencode: str (non-UTF-8 names arrive surrogate-escaped), bytes paths from os.fsencode, PathLike.
  std::string path = py::module_::import("os").attr("fsencode")(model).cast<std::string>();
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : ENOENT;
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path.c_str());
    throw py::error_already_set();
  }
  source.path = path;
  return source;
}

}  // namespace

void regclass_Model(py::module_& m) {
  py::class_<Model, std::shared_ptr<Model>> cls(m, "Model", R"doc(
A model loaded in a context from a file path or from bytes (aclmdlLoadFromFile
/ aclmdlLoadFromMem), with its description. A missing file raises
FileNotFoundError; a file the runtime cannot load raises AclError.
)doc");
  cls.def(py::init([](std::shared_ptr<Context> context, const py::object& model) {
            return Model::load(std::move(context), source_from(model));
          }),
          py::arg("context"), py::arg("model"))
      .def_property_readonly("id", &Model::id, "The ACL model id.")
      .def_property_readonly(
          "path",
          [](const Model& self) -> py::object {
            if (!self.source().path) return py::none();
            return py::module_::import("os").attr("fsdecode")(py::bytes(*self.source().path));
          },
          "The file the model was loaded from (None when loaded from bytes).")
      .def_property_readonly("inputs", [](const Model& self) { return self.layout()->inputs; })
      .def_property_readonly("outputs", [](const Model& self) { return self.layout()->outputs; })
      .def_property_readonly("context", &Model::context)
      .def(
          "source_bytes",
          [](const Model& self) -> py::object {
            if (!self.source().bytes) return py::none();
            return py::bytes(*self.source().bytes);
          },
          "The bytes the model was loaded from (None when loaded from a file).")
      .def("load_copy", &Model::load_copy,
           "Load the same model again in the same context: a new model id, e.g. for another stream.")
      .def("execute", &Model::execute, py::arg("block"),
           "Run the model on an acquired block now (input copy, aclmdlExecute, output copy); GIL released.")
      .def("execute_async", &Model::execute_async, py::arg("block"), py::arg("stream"), R"doc(
Queue the block's input copies, aclmdlExecuteAsync and output copies on
``stream`` and return. The outputs are valid once the stream got there
(synchronize, or a callback launched afterwards on the same stream).
)doc")
      .def(
          "infer",
          [](Model& self, py::handle inputs) {
            py::list outputs;
            self.infer([&](Block& block) { block_set_inputs(block, inputs); },
                       [&](Block& block) { outputs = block_copy_outputs(block); });
            return outputs;
          },
          py::arg("inputs"),
           "One synchronous inference: inputs as for Block.set_inputs, returns new output arrays.")
      .def("__repr__", [](const Model& self) {
        std::string where = self.source().path ? "'" + *self.source().path + "'" : std::string("<bytes>");
        return "<Model " + where + (self.closed() ? " closed>" : " id=" + std::to_string(self.id()) + ">");
      });
  def_resource_methods(cls);
}

}  // namespace acl_async
