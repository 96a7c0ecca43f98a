// The Python side of a pool Block: numpy views of its host buffers, inputs given as arrays,
// sequences or dicts (validated, then copied by the engine), outputs as new arrays.
#include "block_io.h"

#include <sstream>
#include <string>

#include "errors.h"
#include "host_buffer.h"

namespace acl_async {

namespace {

std::string shape_text(const py::array& a) {
  std::ostringstream out;
  out << "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) out << (i ? ", " : "") << a.shape(i);
  if (a.ndim() == 1) out << ",";
  out << ")";
  return out.str();
}

std::string input_label(const TensorDesc& d) {
  return "input " + std::to_string(d.index) + " ('" + d.name + "')";
}

bool is_raw_bytes(py::handle value) {
  return PyBytes_Check(value.ptr()) || PyByteArray_Check(value.ptr()) || PyMemoryView_Check(value.ptr());
}

bool shape_matches(const py::array& a, const std::vector<py::ssize_t>& shape) {
  if (a.ndim() != static_cast<py::ssize_t>(shape.size())) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (a.shape(static_cast<py::ssize_t>(i)) != shape[i]) return false;
  }
  return true;
}

}  // namespace

py::array block_view(Block& block, bool output, size_t i) {
  const std::vector<TensorDesc>& descs = output ? block.layout().outputs : block.layout().inputs;
  if (i >= descs.size())
    throw py::index_error(std::string(output ? "output" : "input") + " index out of range");
  std::shared_ptr<Memory> memory = output ? block.output_host(i) : block.input_host(i);
  void* data = memory->data();
  return make_view(descs[i], std::move(memory), data);
}

namespace {

void copy_input(Block& block, size_t i, py::handle value) {
  const TensorDesc& d = block.layout().inputs[i];
  if (is_raw_bytes(value)) {  // raw bytes in the model's layout (e.g. a .bin file)
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(value).request();
    size_t nbytes = static_cast<size_t>(info.size * info.itemsize);
    if (nbytes != d.size) {
      throw InputError(input_label(d) + ": expected " + std::to_string(d.size) + " bytes (" + d.describe() +
                       "), got " + std::to_string(nbytes));
    }
    if (!PyBuffer_IsContiguous(info.view(), 'C'))
      throw InputError(input_label(d) + ": buffer is not contiguous");
    block.copy_in(i, info.ptr, nbytes);
    return;
  }
  py::dtype want = numpy_dtype(d);
  py::array array;
  if (py::isinstance<py::array>(value)) {
    array = py::reinterpret_borrow<py::array>(value);
    if (!array.dtype().equal(want)) {
      throw InputError(input_label(d) + ": expected " + d.describe() + ", got " +
                       py::str(array.dtype()).cast<std::string>() + " " + shape_text(array) +
                       " (convert it with .astype(numpy." + py::str(want).cast<std::string>() + "))");
    }
  } else {
    try {
      array = py::module_::import("numpy").attr("asarray")(value, want);
    } catch (py::error_already_set& e) {
      throw InputError(input_label(d) + ": cannot make a " + d.describe() + " array from " +
                       std::string(Py_TYPE(value.ptr())->tp_name) + ": " + e.what());
    }
  }
  if (!shape_matches(array, d.view_shape())) {
    throw InputError(input_label(d) + ": expected " + d.describe() + ", got " +
                     py::str(array.dtype()).cast<std::string>() + " " + shape_text(array));
  }
  if (!(array.flags() & py::array::c_style)) array = py::array::ensure(array, py::array::c_style);
  if (!array) throw py::error_already_set();
  block.copy_in(i, array.data(), d.size);
}

}  // namespace

void block_set_inputs(Block& block, py::handle inputs) {
  const std::vector<TensorDesc>& descs = block.layout().inputs;
  const size_t n = descs.size();
  if (py::isinstance<py::dict>(inputs)) {
    std::vector<bool> seen(n, false);
    for (auto item : py::reinterpret_borrow<py::dict>(inputs)) {
      size_t index = n;
      if (py::isinstance<py::str>(item.first)) {
        auto name = item.first.cast<std::string>();
        for (const TensorDesc& d : descs) {
          if (d.name == name) index = d.index;
        }
        if (index == n) throw InputError("the model has no input named '" + name + "'");
      } else if (PyLong_Check(item.first.ptr())) {
        auto i = item.first.cast<long long>();
        if (i < 0 || static_cast<size_t>(i) >= n)
          throw InputError("input index " + std::to_string(i) + " out of range");
        index = static_cast<size_t>(i);
      } else {
        throw InputError("input keys must be names (str) or indices (int)");
      }
      if (seen[index]) throw InputError(input_label(descs[index]) + " is given twice");
      seen[index] = true;
      copy_input(block, index, item.second);
    }
    std::string missing;
    for (size_t i = 0; i < n; ++i) {
      if (!seen[i]) missing += (missing.empty() ? "" : ", ") + descs[i].name;
    }
    if (!missing.empty()) throw InputError("missing input(s): " + missing);
    return;
  }
  bool sequence = py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs);
  if (sequence) {
    auto items = py::reinterpret_borrow<py::sequence>(inputs);
    size_t count = static_cast<size_t>(py::len(items));
    // One entry per input; a single-input model also takes its data as a nested list.
    bool per_input =
        n != 1 || (count == 1 && (py::isinstance<py::array>(items[0]) || is_raw_bytes(items[0])));
    if (per_input) {
      if (count != n) {
        throw InputError("the model has " + std::to_string(n) + " input(s), got " + std::to_string(count));
      }
      for (size_t i = 0; i < n; ++i) copy_input(block, i, items[i]);
      return;
    }
  }
  if (inputs.is_none() && n == 0) return;
  if (n != 1) {
    throw InputError("the model has " + std::to_string(n) +
                     " inputs: pass a list/tuple of arrays or a dict keyed by name or index");
  }
  copy_input(block, 0, inputs);
}

py::list block_copy_outputs(Block& block) {
  const std::vector<TensorDesc>& descs = block.layout().outputs;
  py::list result(descs.size());
  std::vector<py::array> arrays;
  arrays.reserve(descs.size());
  for (const TensorDesc& d : descs) arrays.emplace_back(numpy_dtype(d), d.view_shape());
  std::vector<void*> destinations;
  for (auto& a : arrays) destinations.push_back(a.mutable_data());
  block.copy_outputs_into(destinations);
  for (size_t i = 0; i < descs.size(); ++i) result[i] = std::move(arrays[i]);
  return result;
}


}  // namespace acl_async
