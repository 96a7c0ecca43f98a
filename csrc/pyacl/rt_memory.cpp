// pyACL: `acl.rt` memory: malloc/free, copies, memset, cache maintenance.
// Ranges of ACL memory are judged by the C functions themselves (strict mode), so the codes are the C
// API's; pyACL only admits pointers (ranges::admit) so a wrong int never reaches C code that touches it.
#include "common.h"

namespace pyacl {

namespace {

// acl.rt.malloc, malloc_cached: (dev_ptr, ret); the range is remembered for ranges::admit.
template <aclError (*Fn)(void**, size_t, aclrtMemMallocPolicy)>
void bind_malloc(py::module_& m, const char* name, const char* doc) {
  defn(
      m, name, {"size", "policy"}, 2,
      [](Args& a) -> py::object {
        const size_t size = a.size(0);
        const auto policy = a.integer<aclrtMemMallocPolicy>(1);
        void* p = nullptr;
        aclError ret = call_nogil([&] { return Fn(&p, size, policy); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Device);
        return pair(ptr_obj(p), ret);
      },
      doc);
}

// acl.rt.free, free_host: the C function judges the pointer (strict mode: unknown, freed or of the
// other kind are error codes there), then the range is forgotten.
template <aclError (*Fn)(void*)>
void bind_free(py::module_& m, const char* name, const char* param, const char* doc) {
  defn(
      m, name, {param}, 1,
      [](Args& a) -> py::object {
        const uintptr_t p = a.ptr(0);
        aclError ret = call_nogil([p] { return Fn(as<void>(p)); });
        if (ret == ACL_SUCCESS) ranges::remove(p);
        return py::int_(ret);
      },
      doc);
}

#ifdef ACL_EVENT_SYNC
// The bytes a 2-D copy touches on one side: pitch * (height - 1) + width.
size_t span_2d(size_t pitch, size_t width, size_t height) {
  return height ? pitch * (height - 1) + width : 0;
}

template <bool Async>
Impl memcpy_2d() {
  return [](Args& a) -> py::object {
    const uintptr_t dst = a.ptr(0), src = a.ptr(2);
    const size_t dpitch = a.size(1), spitch = a.size(3), width = a.size(4), height = a.size(5);
    const auto kind = a.integer<aclrtMemcpyKind>(6);
    const uintptr_t s = Async ? a.ptr(7) : 0;
    if (width) {
      if (aclError e = ranges::admit(a.fn(), "dst", dst, span_2d(dpitch, width, height), true))
        return py::int_(e);
      if (aclError e = ranges::admit(a.fn(), "src", src, span_2d(spitch, width, height), true))
        return py::int_(e);
    }
    return py::int_(call_nogil([&] {
      if (Async)
        return aclrtMemcpy2dAsync(as<void>(dst), dpitch, as<void>(src), spitch, width, height, kind,
                                  as<void>(s));
      return aclrtMemcpy2d(as<void>(dst), dpitch, as<void>(src), spitch, width, height, kind);
    }));
  };
}
#endif

}  // namespace

void bind_rt_memory(py::module_& m) {
  bind_malloc<aclrtMalloc>(m, "malloc", "dev_ptr, ret = acl.rt.malloc(size, policy)");
  bind_free<aclrtFree>(m, "free", "dev_ptr", "ret = acl.rt.free(dev_ptr)");
  defn(
      m, "malloc_host", {"size"}, 1,
      [](Args& a) -> py::object {
        const size_t size = a.size(0);
        void* p = nullptr;
        aclError ret = call_nogil([&] { return aclrtMallocHost(&p, size); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Host);
        return pair(ptr_obj(p), ret);
      },
      "host_ptr, ret = acl.rt.malloc_host(size)");
  bind_free<aclrtFreeHost>(m, "free_host", "host_ptr", "ret = acl.rt.free_host(host_ptr)");
  bind<aclrtMemcpy>(m, "memcpy", Call{"ret"}, CheckedPtr<3>{"dst"}, In{"dest_max"}, CheckedPtr<3>{"src"}, In{"count"},
                    In{"kind"});
  bind<aclrtMemcpyAsync>(m, "memcpy_async", Call{"ret"}, CheckedPtr<3>{"dst"}, In{"dest_max"}, CheckedPtr<3>{"src"},
                         In{"count"}, In{"kind"}, In{"stream"});
  bind<aclrtMemset>(m, "memset", Call{"ret"}, CheckedPtr<3>{"dev_ptr"}, In{"max_count"}, In{"value"}, In{"count"});
  bind<aclrtMemsetAsync>(m, "memset_async", Call{"ret"}, CheckedPtr<3>{"dev_ptr"}, In{"max_count"}, In{"value"},
                         In{"count"}, In{"stream"});
#ifdef ACL_EVENT_SYNC
  bind_malloc<aclrtMallocCached>(m, "malloc_cached", "dev_ptr, ret = acl.rt.malloc_cached(size, policy)");
  // Cache maintenance: the C function accepts only ACL memory (strict mode) and touches nothing.
  bind<aclrtMemFlush>(m, "mem_flush", Call{"ret"}, In{"dev_ptr"}, In{"size"});
  bind<aclrtMemInvalidate>(m, "mem_invalidate", Call{"ret"}, In{"dev_ptr"}, In{"size"});
  const std::vector<const char*> p2d = {"dst", "dpitch", "src", "spitch", "width", "height", "kind"};
  const std::vector<const char*> p2da = {"dst",   "dpitch", "src",  "spitch",
                                         "width", "height", "kind", "stream"};
  for (const char* name : {"memcpy_2d", "memcpy2d"})
    defn(m, name, p2d, 7, memcpy_2d<false>(),
         "ret = acl.rt.memcpy_2d(dst, dpitch, src, spitch, width, height, kind)");
  for (const char* name : {"memcpy_2d_async", "memcpy2d_async"})
    defn(m, name, p2da, 8, memcpy_2d<true>(),
         "ret = acl.rt.memcpy_2d_async(dst, dpitch, src, spitch, width, height, kind, stream)");
#endif
}

}  // namespace pyacl
