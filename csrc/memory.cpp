#include "memory.h"

#include <algorithm>

#include "bindings.h"
#include "error.h"
#include "pyutil.h"
#include "runtime.h"

namespace acl_async {

std::shared_ptr<Memory> Memory::allocate(Kind kind, size_t size, const std::shared_ptr<Context>& context) {
  context->activate();
  void* data = nullptr;
  size_t bytes = std::max<size_t>(size, 1);  // ACL refuses 0-byte allocations
  if (kind == Kind::Device) {
    check(aclrtMalloc(&data, bytes, ACL_MEM_MALLOC_HUGE_FIRST), "aclrtMalloc");
  } else {
    check(aclrtMallocHost(&data, bytes), "aclrtMallocHost");
  }
  note_memory_allocated();
  return std::make_shared<Memory>(Key{}, kind, data, size, context, Runtime::generation());
}

Memory::~Memory() {
  void* data = data_;
  Kind kind = kind_;
  std::shared_ptr<Context> context = context_;
  uint64_t generation = generation_;
  run_or_defer([data, kind, context, generation] {
    // Memory of an earlier initialization died with its aclFinalize.
    if (Runtime::generation() == generation) {
      context->try_activate();
      if (kind == Kind::Device) {
        aclrtFree(data);
      } else {
        aclrtFreeHost(data);
      }
    }
    note_memory_freed();
  });
}

py::array make_view(const TensorDesc& desc, std::shared_ptr<void> owner, void* data) {
  py::object base = py::cast(HostBuffer{std::move(owner), data, desc.size});
  return py::array(desc.numpy_dtype(), desc.view_shape(), {}, data, base);
}

Dataset::Dataset() : dataset_(aclmdlCreateDataset()) {
  if (dataset_ == nullptr) raise_acl(ACL_ERROR_BAD_ALLOC, "aclmdlCreateDataset");
}

Dataset::~Dataset() {
  for (aclDataBuffer* buffer : buffers_) aclDestroyDataBuffer(buffer);
  aclmdlDestroyDataset(dataset_);
}

void Dataset::add(void* data, size_t size) {
  aclDataBuffer* buffer = aclCreateDataBuffer(data, size);
  if (buffer == nullptr) raise_acl(ACL_ERROR_BAD_ALLOC, "aclCreateDataBuffer");
  aclError ret = aclmdlAddDatasetBuffer(dataset_, buffer);
  if (ret != ACL_SUCCESS) {
    aclDestroyDataBuffer(buffer);
    raise_acl(ret, "aclmdlAddDatasetBuffer");
  }
  buffers_.push_back(buffer);
}

std::unique_lock<std::mutex> lock_releasing_gil(std::mutex& mu) {
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    GilRelease nogil;
    lock.lock();
  }
  return lock;
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
