// HostBuffer: the Python object behind zero-copy numpy views of engine memory.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>

#include "tensor_desc.h"

namespace acl_async {

namespace py = pybind11;

// The Python object behind zero-copy numpy views: exposes the buffer protocol
// and keeps the memory alive as long as a view exists.
struct HostBuffer {
  std::shared_ptr<void> owner;
  void* data = nullptr;
  size_t size = 0;
};

// A numpy array viewing `data` (shape and dtype from `desc`), kept alive by `owner`.
py::array make_view(const TensorDesc& desc, std::shared_ptr<void> owner, void* data);

}  // namespace acl_async
