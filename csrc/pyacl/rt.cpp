// pyACL: `acl.rt` devices, contexts, streams, events and memory.
#include "common.h"

namespace pyacl {

namespace {

template <typename F>
aclError nogil(F f) {
  py::gil_scoped_release release;
  return f();
}

// Strict-mode checks of a copy: [dst, dst+dest_max) and [src, src+count) lie
// inside allocations this module handed out.
aclError check_copy(const Args& a, uintptr_t dst, size_t dest_max, uintptr_t src, size_t count) {
  if (!strict()) return ACL_SUCCESS;
  if (!dst || !src) return ACL_SUCCESS;  // the runtime's NULL rules
  if (aclError e = ranges::check(a.fn(), "dst", dst, dest_max, false)) return e;
  if (count == 0) return ACL_SUCCESS;
  return ranges::check(a.fn(), "src", src, count, false);
}

}  // namespace

void bind_rt(py::module_& m) {
  // ---- devices
  defn(
      m, "set_device", {"device_id"}, 1,
      [](Args& a) -> py::object {
        int32_t id = a.i32(0);
        return py::int_(nogil([&] { return aclrtSetDevice(id); }));
      },
      "ret = acl.rt.set_device(device_id)");
  defn(
      m, "reset_device", {"device_id"}, 1,
      [](Args& a) -> py::object {
        int32_t id = a.i32(0);
        return py::int_(nogil([&] { return aclrtResetDevice(id); }));
      },
      "ret = acl.rt.reset_device(device_id)");
  defn(
      m, "get_device", {}, 0,
      [](Args&) -> py::object {
        int32_t id = -1;
        aclError ret = aclrtGetDevice(&id);
        return pair(py::int_(id), ret);
      },
      "device_id, ret = acl.rt.get_device()");
  defn(
      m, "get_device_count", {}, 0,
      [](Args&) -> py::object {
        uint32_t n = 0;
        aclError ret = aclrtGetDeviceCount(&n);
        return pair(py::int_(n), ret);
      },
      "count, ret = acl.rt.get_device_count()");
  defn(
      m, "get_run_mode", {}, 0,
      [](Args&) -> py::object {
        aclrtRunMode mode = ACL_HOST;
        aclError ret = aclrtGetRunMode(&mode);
        return pair(py::int_(static_cast<int>(mode)), ret);
      },
      "run_mode, ret = acl.rt.get_run_mode(): 0 ACL_DEVICE, 1 ACL_HOST");
  defn(
      m, "synchronize_device", {}, 0,
      [](Args&) -> py::object { return py::int_(nogil([] { return aclrtSynchronizeDevice(); })); },
      "ret = acl.rt.synchronize_device()");

  // ---- contexts
  defn(
      m, "create_context", {"device_id"}, 1,
      [](Args& a) -> py::object {
        int32_t id = a.i32(0);
        aclrtContext ctx = nullptr;
        aclError ret = nogil([&] { return aclrtCreateContext(&ctx, id); });
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(ctx), Kind::Context);
        return pair(ptr_obj(ctx), ret);
      },
      "context, ret = acl.rt.create_context(device_id)");
  defn(
      m, "destroy_context", {"context"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Context)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = nogil([&] { return aclrtDestroyContext(as<void>(h)); });
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.rt.destroy_context(context)");
  defn(
      m, "set_context", {"context"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Context)) return py::int_(e);
        return py::int_(aclrtSetCurrentContext(as<void>(a.ptr(0))));
      },
      "ret = acl.rt.set_context(context): aclrtSetCurrentContext");
  defn(
      m, "get_context", {}, 0,
      [](Args&) -> py::object {
        aclrtContext ctx = nullptr;
        aclError ret = aclrtGetCurrentContext(&ctx);
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(ctx), Kind::Context);
        return pair(ptr_obj(ctx), ret);
      },
      "context, ret = acl.rt.get_context(): aclrtGetCurrentContext");

  // ---- streams
  defn(
      m, "create_stream", {}, 0,
      [](Args&) -> py::object {
        aclrtStream s = nullptr;
        aclError ret = nogil([&] { return aclrtCreateStream(&s); });
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(s), Kind::Stream);
        return pair(ptr_obj(s), ret);
      },
      "stream, ret = acl.rt.create_stream()");
  defn(
      m, "destroy_stream", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = nogil([&] { return aclrtDestroyStream(as<void>(h)); });
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.rt.destroy_stream(stream)");
  defn(
      m, "synchronize_stream", {"stream"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        return py::int_(nogil([&] { return aclrtSynchronizeStream(as<void>(h)); }));
      },
      "ret = acl.rt.synchronize_stream(stream)");
  defn(
      m, "synchronize_stream_with_timeout", {"stream", "timeout"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        int32_t t = a.i32(1);
        return py::int_(nogil([&] { return aclrtSynchronizeStreamWithTimeout(as<void>(h), t); }));
      },
      "ret = acl.rt.synchronize_stream_with_timeout(stream, timeout): timeout in ms, -1 forever");

  // ---- events
  defn(
      m, "create_event", {}, 0,
      [](Args&) -> py::object {
        aclrtEvent e = nullptr;
        aclError ret = aclrtCreateEvent(&e);
        if (ret == ACL_SUCCESS) handles::add(reinterpret_cast<uintptr_t>(e), Kind::Event);
        return pair(ptr_obj(e), ret);
      },
      "event, ret = acl.rt.create_event()");
  defn(
      m, "destroy_event", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = nogil([&] { return aclrtDestroyEvent(as<void>(h)); });
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.rt.destroy_event(event)");
  defn(
      m, "record_event", {"event", "stream"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return py::int_(e);
        if (aclError e = handles::check(a, 1, Kind::Stream)) return py::int_(e);
        return py::int_(aclrtRecordEvent(as<void>(a.ptr(0)), as<void>(a.ptr(1))));
      },
      "ret = acl.rt.record_event(event, stream)");
  defn(
      m, "query_event", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return pair(py::int_(0), e);
        aclrtEventStatus st = ACL_EVENT_STATUS_RESERVED;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        aclError ret = aclrtQueryEvent(as<void>(a.ptr(0)), &st);  // pyACL keeps the deprecated call
#pragma GCC diagnostic pop
        return pair(py::int_(static_cast<int>(st)), ret);
      },
      "status, ret = acl.rt.query_event(event): 0 complete, 1 not ready");
  defn(
      m, "query_event_status", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return pair(py::int_(0), e);
        aclrtEventRecordedStatus st = ACL_EVENT_RECORDED_STATUS_NOT_READY;
        aclError ret = aclrtQueryEventStatus(as<void>(a.ptr(0)), &st);
        return pair(py::int_(static_cast<int>(st)), ret);
      },
      "status, ret = acl.rt.query_event_status(event): 1 complete, 0 not ready");
  defn(
      m, "synchronize_event", {"event"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        return py::int_(nogil([&] { return aclrtSynchronizeEvent(as<void>(h)); }));
      },
      "ret = acl.rt.synchronize_event(event)");
  defn(
      m, "event_elapsed_time", {"start", "end"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Event)) return pair(py::float_(0.0), e);
        if (aclError e = handles::check(a, 1, Kind::Event)) return pair(py::float_(0.0), e);
        float ms = 0.0f;
        aclError ret = aclrtEventElapsedTime(&ms, as<void>(a.ptr(0)), as<void>(a.ptr(1)));
        return pair(py::float_(ms), ret);
      },
      "ms, ret = acl.rt.event_elapsed_time(start, end)");
  defn(
      m, "stream_wait_event", {"stream", "event"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Stream)) return py::int_(e);
        if (aclError e = handles::check(a, 1, Kind::Event)) return py::int_(e);
        return py::int_(aclrtStreamWaitEvent(as<void>(a.ptr(0)), as<void>(a.ptr(1))));
      },
      "ret = acl.rt.stream_wait_event(stream, event)");

  // ---- memory
  defn(
      m, "malloc", {"size", "policy"}, 2,
      [](Args& a) -> py::object {
        size_t size = a.size(0);
        auto policy = static_cast<aclrtMemMallocPolicy>(a.i32(1));
        void* p = nullptr;
        aclError ret = nogil([&] { return aclrtMalloc(&p, size, policy); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Device);
        return pair(ptr_obj(p), ret);
      },
      "dev_ptr, ret = acl.rt.malloc(size, policy)");
  defn(
      m, "free", {"dev_ptr"}, 1,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        if (p && strict() && !ranges::remove(p, Mem::Device))
          return py::int_(
              refuse(ACL_ERROR_INVALID_PARAM,
                     "%s: dev_ptr 0x%llx is not the start of live device memory from acl.rt.malloc "
                     "(never allocated, already freed, or not device memory)",
                     a.fn().c_str(), static_cast<unsigned long long>(p)));
        return py::int_(nogil([&] { return aclrtFree(as<void>(p)); }));
      },
      "ret = acl.rt.free(dev_ptr)");
  defn(
      m, "malloc_host", {"size"}, 1,
      [](Args& a) -> py::object {
        size_t size = a.size(0);
        void* p = nullptr;
        aclError ret = nogil([&] { return aclrtMallocHost(&p, size); });
        if (ret == ACL_SUCCESS) ranges::add(reinterpret_cast<uintptr_t>(p), size, Mem::Host);
        return pair(ptr_obj(p), ret);
      },
      "host_ptr, ret = acl.rt.malloc_host(size)");
  defn(
      m, "free_host", {"host_ptr"}, 1,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        if (p && strict() && !ranges::remove(p, Mem::Host))
          return py::int_(refuse(ACL_ERROR_INVALID_PARAM,
                                 "%s: host_ptr 0x%llx is not the start of live host memory from "
                                 "acl.rt.malloc_host (never allocated, already freed, or not host memory)",
                                 a.fn().c_str(), static_cast<unsigned long long>(p)));
        return py::int_(nogil([&] { return aclrtFreeHost(as<void>(p)); }));
      },
      "ret = acl.rt.free_host(host_ptr)");
  defn(
      m, "memcpy", {"dst", "dest_max", "src", "count", "kind"}, 5,
      [](Args& a) -> py::object {
        uintptr_t dst = a.ptr(0), src = a.ptr(2);
        size_t dest_max = a.size(1), count = a.size(3);
        auto kind = static_cast<aclrtMemcpyKind>(a.i32(4));
        if (aclError e = check_copy(a, dst, dest_max, src, count)) return py::int_(e);
        return py::int_(
            nogil([&] { return aclrtMemcpy(as<void>(dst), dest_max, as<void>(src), count, kind); }));
      },
      "ret = acl.rt.memcpy(dst, dest_max, src, count, kind)");
  defn(
      m, "memcpy_async", {"dst", "dest_max", "src", "count", "kind", "stream"}, 6,
      [](Args& a) -> py::object {
        uintptr_t dst = a.ptr(0), src = a.ptr(2);
        size_t dest_max = a.size(1), count = a.size(3);
        auto kind = static_cast<aclrtMemcpyKind>(a.i32(4));
        if (aclError e = handles::check(a, 5, Kind::Stream)) return py::int_(e);
        uintptr_t s = a.ptr(5);
        if (aclError e = check_copy(a, dst, dest_max, src, count)) return py::int_(e);
        return py::int_(nogil([&] {
          return aclrtMemcpyAsync(as<void>(dst), dest_max, as<void>(src), count, kind, as<void>(s));
        }));
      },
      "ret = acl.rt.memcpy_async(dst, dest_max, src, count, kind, stream)");
  defn(
      m, "memset", {"dev_ptr", "max_count", "value", "count"}, 4,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t max_count = a.size(1), count = a.size(3);
        int32_t value = a.i32(2);
        if (p && strict())
          if (aclError e = ranges::check(a.fn(), "dev_ptr", p, max_count, false)) return py::int_(e);
        return py::int_(nogil([&] { return aclrtMemset(as<void>(p), max_count, value, count); }));
      },
      "ret = acl.rt.memset(dev_ptr, max_count, value, count)");
  defn(
      m, "memset_async", {"dev_ptr", "max_count", "value", "count", "stream"}, 5,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t max_count = a.size(1), count = a.size(3);
        int32_t value = a.i32(2);
        if (aclError e = handles::check(a, 4, Kind::Stream)) return py::int_(e);
        uintptr_t s = a.ptr(4);
        if (p && strict())
          if (aclError e = ranges::check(a.fn(), "dev_ptr", p, max_count, false)) return py::int_(e);
        return py::int_(
            nogil([&] { return aclrtMemsetAsync(as<void>(p), max_count, value, count, as<void>(s)); }));
      },
      "ret = acl.rt.memset_async(dev_ptr, max_count, value, count, stream)");
  defn(
      m, "get_mem_info", {"attr"}, 1,
      [](Args& a) -> py::object {
        auto attr = static_cast<aclrtMemAttr>(a.i32(0));
        size_t free_b = 0, total = 0;
        aclError ret = aclrtGetMemInfo(attr, &free_b, &total);
        return py::make_tuple(free_b, total, ret);
      },
      "free, total, ret = acl.rt.get_mem_info(attr)");
}

}  // namespace pyacl
