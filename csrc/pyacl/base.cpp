// pyACL: the `acl` namespace (init/finalize, version, error messages, data buffers, type helpers).
#include "common.h"

namespace pyacl {

void bind_base(py::module_& m) {
  defn(
      m, "init", {"config_path"}, 0,
      [](Args& a) -> py::object {
        std::string path;
        bool has = a.has(0) && !a.get(0).is_none();
        if (has) path = a.str(0);
        py::gil_scoped_release nogil;
        return py::int_(aclInit(has ? path.c_str() : nullptr));
      },
      "ret = acl.init(config_path=None)");

  defn(
      m, "finalize", {}, 0,
      [](Args&) -> py::object {
        aclError ret;
        {
          py::gil_scoped_release nogil;
          ret = aclFinalize();
        }
        if (ret == ACL_SUCCESS) ranges::clear_acl();  // the runtime released all ACL memory
        return py::int_(ret);
      },
      "ret = acl.finalize()");

  defn(
      m, "finalize_reference", {}, 0,
      [](Args&) -> py::object {
        // Not in every acl.h (ours exports it without declaring it): looked up at run time.
        using Fn = aclError (*)(uint64_t*);
        static const Fn fn = reinterpret_cast<Fn>(acl_symbol("aclFinalizeReference"));
        if (!fn)
          return pair(py::int_(0),
                      refuse(ACL_ERROR_API_NOT_SUPPORT,
                             "acl.finalize_reference: this libascendcl has no aclFinalizeReference"));
        uint64_t count = 0;
        aclError ret;
        {
          py::gil_scoped_release nogil;
          ret = fn(&count);
        }
        if (ret == ACL_SUCCESS && count == 0) ranges::clear_acl();
        return pair(py::int_(count), ret);
      },
      "ref_count, ret = acl.finalize_reference(): drops one acl.init reference; finalizes at 0");

  defn(
      m, "app_log", {"log_level", "message"}, 2,
      [](Args& a) -> py::object {
        int32_t level = a.i32(0);
        std::string msg = a.str(1);
        // The Python caller's function, file and line, as ACL_APP_LOG passes the C ones.
        std::string func = "<python>", file = "<python>";
        uint32_t line = 0;
        py::object frame = py::module_::import("sys").attr("_getframe")(0);
        if (!frame.is_none()) {
          py::object code = frame.attr("f_code");
          func = py::str(code.attr("co_name"));
          file = py::str(code.attr("co_filename"));
          line = frame.attr("f_lineno").cast<uint32_t>();
        }
        using Fn = void (*)(aclLogLevel, const char*, const char*, uint32_t, const char*, ...);
        static const Fn fn = reinterpret_cast<Fn>(acl_symbol("aclAppLog"));
        if (fn) fn(static_cast<aclLogLevel>(level), func.c_str(), file.c_str(), line, "%s", msg.c_str());
        return py::none();
      },
      "acl.app_log(log_level, message): 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR");

  defn(
      m, "get_version", {}, 0,
      [](Args&) -> py::object {
        int32_t major = 0, minor = 0, patch = 0;
        aclError ret = aclrtGetVersion(&major, &minor, &patch);
        return py::make_tuple(major, minor, patch, ret);
      },
      "major, minor, patch, ret = acl.get_version()");

  defn(
      m, "get_recent_err_msg", {}, 0,
      [](Args&) -> py::object {
        std::string mine = take_refusal();
        const char* rt = aclGetRecentErrMsg();  // read (and clear) the runtime's too
        if (!mine.empty()) return py::str(mine);
        return py::str(rt ? rt : "");
      },
      "msg = acl.get_recent_err_msg(): why the last ACL call of this thread failed");

  defn(
      m, "get_soc_name", {}, 0,
      [](Args&) -> py::object {
        const char* name = aclrtGetSocName();
        if (!name) return py::none();
        return py::str(name);
      },
      "name = acl.get_soc_name()");

  defn(
      m, "create_data_buffer", {"data", "size"}, 2,
      [](Args& a) -> py::object {
        void* data = as<void>(a.ptr(0));
        size_t size = a.size(1);
        aclDataBuffer* b = aclCreateDataBuffer(data, size);
        handles::add(reinterpret_cast<uintptr_t>(b), Kind::DataBuffer);
        return ptr_obj(b);
      },
      "data_buffer = acl.create_data_buffer(data, size): 0 on failure");

  defn(
      m, "destroy_data_buffer", {"data_buffer"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::DataBuffer)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = aclDestroyDataBuffer(as<aclDataBuffer>(h));
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.destroy_data_buffer(data_buffer)");

  defn(
      m, "update_data_buffer", {"data_buffer", "data", "size"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::DataBuffer)) return py::int_(e);
        return py::int_(aclUpdateDataBuffer(as<aclDataBuffer>(a.ptr(0)), as<void>(a.ptr(1)), a.size(2)));
      },
      "ret = acl.update_data_buffer(data_buffer, data, size)");

  defn(
      m, "get_data_buffer_addr", {"data_buffer"}, 1,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::DataBuffer)) return py::int_(0);
        return ptr_obj(aclGetDataBufferAddr(as<aclDataBuffer>(a.ptr(0))));
      },
      "data = acl.get_data_buffer_addr(data_buffer): 0 on failure");

  defn(
      m, "get_data_buffer_size", {"data_buffer"}, 1,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::DataBuffer)) return py::int_(0);
        return py::int_(aclGetDataBufferSizeV2(as<aclDataBuffer>(a.ptr(0))) & 0xFFFFFFFFu);
      },
      "size = acl.get_data_buffer_size(data_buffer) (32-bit; deprecated, use get_data_buffer_size_v2)");

  defn(
      m, "get_data_buffer_size_v2", {"data_buffer"}, 1,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::DataBuffer)) return py::int_(0);
        return py::int_(aclGetDataBufferSizeV2(as<aclDataBuffer>(a.ptr(0))));
      },
      "size = acl.get_data_buffer_size_v2(data_buffer)");

  defn(
      m, "data_type_size", {"data_type"}, 1,
      [](Args& a) -> py::object { return py::int_(aclDataTypeSize(static_cast<aclDataType>(a.i32(0)))); },
      "size = acl.data_type_size(data_type): bytes per element, 0 for types without a fixed size");

  defn(
      m, "float16_to_float", {"value"}, 1,
      [](Args& a) -> py::object {
        return py::float_(aclFloat16ToFloat(static_cast<aclFloat16>(a.u64(0) & 0xFFFFu)));
      },
      "value = acl.float16_to_float(value): the fp16 bit pattern (int) as a float");

  defn(
      m, "float_to_float16", {"value"}, 1,
      [](Args& a) -> py::object { return py::int_(aclFloatToFloat16(static_cast<float>(a.f64(0)))); },
      "value = acl.float_to_float16(value): the fp16 bit pattern (int) of a float");
}

}  // namespace pyacl
