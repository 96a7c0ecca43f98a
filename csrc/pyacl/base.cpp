// pyACL: the `acl` namespace (init/finalize, versions, error messages, data buffers, type helpers).
#include "common.h"

namespace pyacl {

void bind_base(py::module_& m) {
  defn(
      m, "init", {"config_path"}, 0,
      [](Args& a) -> py::object {
        std::string path;
        const bool has = a.has(0) && !a.get(0).is_none();
        if (has) path = a.str(0);
        const char* p = has ? path.c_str() : nullptr;
        return py::int_(call_nogil([p] { return aclInit(p); }));
      },
      "ret = acl.init(config_path=None)");
  defn(
      m, "finalize", {}, 0,
      [](Args&) -> py::object {
        aclError ret = call_nogil([] { return aclFinalize(); });
        if (ret == ACL_SUCCESS) {
          ranges::clear_acl();  // the runtime released all ACL memory and report queues
          drop_all_callbacks("acl.finalize");
        }
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
        aclError ret = call_nogil([&] { return fn(&count); });
        if (ret == ACL_SUCCESS && count == 0) {
          ranges::clear_acl();
          drop_all_callbacks("acl.finalize_reference");
        }
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
        if (fn)
          call_nogil([&] {
            fn(static_cast<aclLogLevel>(level), func.c_str(), file.c_str(), line, "%s", msg.c_str());
          });
        return py::none();
      },
      "acl.app_log(log_level, message): 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR");
  bind<aclrtGetVersion, Quick>(m, "get_version", Call{"major, minor, patch, ret"}, Out(), Out(), Out());
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

  // ---- data buffers (the runtime only records the address: nothing is admitted here)
  bind<aclCreateDataBuffer, Quick>(m, "create_data_buffer",
                                   "data_buffer = acl.create_data_buffer(data, size): 0 on failure",
                                   In{"data"}, In{"size"});
  bind<aclDestroyDataBuffer, Quick>(m, "destroy_data_buffer", Call{"ret"}, In{"data_buffer"});
  bind<aclUpdateDataBuffer, Quick>(m, "update_data_buffer", Call{"ret"}, In{"data_buffer"}, In{"data"}, In{"size"});
  bind<aclGetDataBufferAddr, Quick>(m, "get_data_buffer_addr",
                                    "data = acl.get_data_buffer_addr(data_buffer): 0 on failure",
                                    In{"data_buffer"});
  defn(
      m, "get_data_buffer_size", {"data_buffer"}, 1,
      [](Args& a) -> py::object {
        return py::int_(aclGetDataBufferSizeV2(as<aclDataBuffer>(a.ptr(0))) & 0xFFFFFFFFu);
      },
      "size = acl.get_data_buffer_size(data_buffer) (32-bit; deprecated, use get_data_buffer_size_v2)");
  bind<aclGetDataBufferSizeV2, Quick>(m, "get_data_buffer_size_v2", Call{"size"}, In{"data_buffer"});

  // ---- types
  bind<aclDataTypeSize, Quick>(
      m, "data_type_size",
      "size = acl.data_type_size(data_type): bytes per element, 0 for types without a "
      "fixed size",
      In{"data_type"});
  defn(
      m, "float16_to_float", {"value"}, 1,
      [](Args& a) -> py::object {
        return py::float_(aclFloat16ToFloat(static_cast<aclFloat16>(a.u64(0) & 0xFFFFu)));
      },
      "value = acl.float16_to_float(value): the fp16 bit pattern (int) as a float");
  bind<aclFloatToFloat16, Quick>(m, "float_to_float16",
                                 "value = acl.float_to_float16(value): the fp16 bit pattern (int) of a float",
                                 In{"value"});
}

}  // namespace pyacl
