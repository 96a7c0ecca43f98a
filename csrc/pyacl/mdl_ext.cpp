// pyACL: `acl.mdl` configuration handles, ExecuteV2, dataset tensor descriptions,
// dynamic batch / resolution / dims and AIPP information. Compiled when
// acl_mdl.h declares them.
#include <map>
#include <mutex>

#include "common.h"

namespace pyacl {

namespace {

template <typename F>
aclError nogil(F f) {
  py::gil_scoped_release release;
  return f();
}

[[maybe_unused]] py::dict dims_to_dict(const aclmdlIODims& d) {
  py::dict out;
  size_t n = d.dimCount < ACL_MAX_DIM_CNT ? d.dimCount : ACL_MAX_DIM_CNT;
  py::list dims;
  for (size_t i = 0; i < n; ++i) dims.append(py::int_(d.dims[i]));
  size_t len = 0;
  while (len < ACL_MAX_TENSOR_NAME_LEN && d.name[len]) ++len;
  out["name"] = py::str(d.name, len);
  out["dimCount"] = py::int_(d.dimCount);
  out["dims"] = dims;
  return out;
}

#ifdef ACL_MDL_LOAD_FROM_FILE
// Strings given to set_config_opt (paths) must outlive the handle.
std::mutex g_strings_m;
std::map<uintptr_t, std::vector<std::string>>* g_strings =
    new std::map<uintptr_t, std::vector<std::string>>();

// The bytes of one option value, typed by the attribute's suffix (_PTR, _SIZET, _INT32).
struct OptValue {
  union {
    const void* ptr;
    size_t sizet;
    int32_t i32;
  } v{};
  size_t size = 0;
};
#endif

}  // namespace

void bind_mdl_ext(py::module_& m) {
  (void)m;
#ifdef ACL_MDL_LOAD_FROM_FILE
  defn(
      m, "create_config_handle", {}, 0,
      [](Args&) -> py::object {
        aclmdlConfigHandle* h = aclmdlCreateConfigHandle();
        handles::add(reinterpret_cast<uintptr_t>(h), Kind::ConfigHandle);
        return ptr_obj(h);
      },
      "handle = acl.mdl.create_config_handle(): 0 on failure");
  defn(
      m, "destroy_config_handle", {"handle"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ConfigHandle)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = aclmdlDestroyConfigHandle(as<aclmdlConfigHandle>(h));
        if (ret == ACL_SUCCESS) {
          handles::remove(h);
          std::lock_guard<std::mutex> lock(g_strings_m);
          g_strings->erase(h);
        }
        return py::int_(ret);
      },
      "ret = acl.mdl.destroy_config_handle(handle)");
  defn(
      m, "set_config_opt", {"handle", "attr", "attr_value"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ConfigHandle)) return py::int_(e);
        auto attr = static_cast<aclmdlConfigAttr>(a.i32(1));
        OptValue val;
        const char* str = nullptr;
        if (attr == ACL_MDL_PATH_PTR || attr == ACL_MDL_WEIGHT_PATH_PTR) {
          std::string s = a.str(2);
          std::lock_guard<std::mutex> lock(g_strings_m);
          auto& keep = (*g_strings)[a.ptr(0)];
          keep.push_back(std::move(s));
          str = keep.back().c_str();
          val.v.ptr = str;
          val.size = sizeof(const char*);
        } else if (attr == ACL_MDL_PRIORITY_INT32 || attr == ACL_MDL_WITHOUT_GRAPH_INT32) {
          val.v.i32 = a.i32(2);
          val.size = sizeof(int32_t);
        } else if (attr == ACL_MDL_MEM_ADDR_PTR || attr == ACL_MDL_WEIGHT_ADDR_PTR ||
                   attr == ACL_MDL_WORKSPACE_ADDR_PTR || attr == ACL_MDL_INPUTQ_ADDR_PTR ||
                   attr == ACL_MDL_OUTPUTQ_ADDR_PTR || attr == ACL_MDL_MODEL_DESC_PTR ||
                   attr == ACL_MDL_KERNEL_PTR || attr == ACL_MDL_KERNEL_ARGS_PTR ||
                   attr == ACL_MDL_STATIC_TASK_PTR || attr == ACL_MDL_DYNAMIC_TASK_PTR ||
                   attr == ACL_MDL_FIFO_PTR) {
          val.v.ptr = as<void>(a.ptr(2));
          val.size = sizeof(void*);
        } else {
          val.v.sizet = a.size(2);
          val.size = sizeof(size_t);
        }
        return py::int_(aclmdlSetConfigOpt(as<aclmdlConfigHandle>(a.ptr(0)), attr, &val.v, val.size));
      },
      "ret = acl.mdl.set_config_opt(handle, attr, attr_value): a str for the path attributes, an int "
      "otherwise");
  defn(
      m, "load_with_config", {"handle"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ConfigHandle)) return pair(py::int_(0), e);
        uintptr_t h = a.ptr(0);
        uint32_t id = 0;
        aclError ret = nogil([&] { return aclmdlLoadWithConfig(as<aclmdlConfigHandle>(h), &id); });
        return pair(py::int_(id), ret);
      },
      "model_id, ret = acl.mdl.load_with_config(handle)");
  defn(
      m, "create_exec_config_handle", {}, 0,
      [](Args&) -> py::object {
        aclmdlExecConfigHandle* h = aclmdlCreateExecConfigHandle();
        handles::add(reinterpret_cast<uintptr_t>(h), Kind::ExecConfigHandle);
        return ptr_obj(h);
      },
      "handle = acl.mdl.create_exec_config_handle(): 0 on failure");
  defn(
      m, "destroy_exec_config_handle", {"handle"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ExecConfigHandle)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = aclmdlDestroyExecConfigHandle(as<aclmdlExecConfigHandle>(h));
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.mdl.destroy_exec_config_handle(handle)");
  defn(
      m, "set_exec_config_opt", {"handle", "attr", "attr_value"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ExecConfigHandle)) return py::int_(e);
        auto attr = static_cast<aclmdlExecConfigAttr>(a.i32(1));
        OptValue val;
        if (attr == ACL_MDL_STREAM_SYNC_TIMEOUT || attr == ACL_MDL_EVENT_SYNC_TIMEOUT) {
          val.v.i32 = a.i32(2);
          val.size = sizeof(int32_t);
        } else if (attr == ACL_MDL_WORK_ADDR_PTR) {
          val.v.ptr = as<void>(a.ptr(2));
          val.size = sizeof(void*);
        } else {
          val.v.sizet = a.size(2);
          val.size = sizeof(size_t);
        }
        return py::int_(aclmdlSetExecConfigOpt(as<aclmdlExecConfigHandle>(a.ptr(0)), attr, &val.v, val.size));
      },
      "ret = acl.mdl.set_exec_config_opt(handle, attr, attr_value)");
  defn(
      m, "execute_v2", {"model_id", "input", "output", "stream", "handle"}, 5,
      [](Args& a) -> py::object {
        uint32_t id = a.u32(0);
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 2, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 3, Kind::Stream)) return py::int_(e);
        if (aclError e = handles::check(a, 4, Kind::ExecConfigHandle)) return py::int_(e);
        uintptr_t in = a.ptr(1), out = a.ptr(2), s = a.ptr(3), h = a.ptr(4);
        return py::int_(nogil([&] {
          return aclmdlExecuteV2(id, as<aclmdlDataset>(in), as<aclmdlDataset>(out), as<void>(s),
                                 as<aclmdlExecConfigHandle>(h));
        }));
      },
      "ret = acl.mdl.execute_v2(model_id, input, output, stream, handle)");
  defn(
      m, "execute_async_v2", {"model_id", "input", "output", "stream", "handle"}, 5,
      [](Args& a) -> py::object {
        uint32_t id = a.u32(0);
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 2, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 3, Kind::Stream)) return py::int_(e);
        if (aclError e = handles::check(a, 4, Kind::ExecConfigHandle)) return py::int_(e);
        uintptr_t in = a.ptr(1), out = a.ptr(2), s = a.ptr(3), h = a.ptr(4);
        return py::int_(nogil([&] {
          return aclmdlExecuteAsyncV2(id, as<aclmdlDataset>(in), as<aclmdlDataset>(out), as<void>(s),
                                      as<aclmdlExecConfigHandle>(h));
        }));
      },
      "ret = acl.mdl.execute_async_v2(model_id, input, output, stream, handle)");
  defn(
      m, "set_dataset_tensor_desc", {"dataset", "tensor_desc", "index"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Dataset)) return pair(py::int_(a.ptr(0)), e);
        if (aclError e = handles::check(a, 1, Kind::TensorDesc)) return pair(py::int_(a.ptr(0)), e);
        aclError ret =
            aclmdlSetDatasetTensorDesc(as<aclmdlDataset>(a.ptr(0)), as<aclTensorDesc>(a.ptr(1)), a.size(2));
        return pair(py::int_(a.ptr(0)), ret);
      },
      "dataset, ret = acl.mdl.set_dataset_tensor_desc(dataset, tensor_desc, index)");
  defn(
      m, "get_dataset_tensor_desc", {"dataset", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::Dataset)) return py::int_(0);
        aclTensorDesc* d = aclmdlGetDatasetTensorDesc(as<aclmdlDataset>(a.ptr(0)), a.size(1));
        handles::add(reinterpret_cast<uintptr_t>(d), Kind::TensorDesc);
        return ptr_obj(d);
      },
      "tensor_desc = acl.mdl.get_dataset_tensor_desc(dataset, index)");
#endif

#ifdef ACL_MAX_BATCH_NUM
  defn(
      m, "set_dynamic_batch_size", {"model_id", "dataset", "index", "batch_size"}, 4,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        return py::int_(
            aclmdlSetDynamicBatchSize(a.u32(0), as<aclmdlDataset>(a.ptr(1)), a.size(2), a.u64(3)));
      },
      "ret = acl.mdl.set_dynamic_batch_size(model_id, dataset, index, batch_size)");
  defn(
      m, "set_dynamic_hw_size", {"model_id", "dataset", "index", "height", "width"}, 5,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        return py::int_(
            aclmdlSetDynamicHWSize(a.u32(0), as<aclmdlDataset>(a.ptr(1)), a.size(2), a.u64(3), a.u64(4)));
      },
      "ret = acl.mdl.set_dynamic_hw_size(model_id, dataset, index, height, width)");
  defn(
      m, "set_input_dynamic_dims", {"model_id", "dataset", "index", "dims"}, 4,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        py::handle d = a.get(3);
        if (!PyDict_Check(d.ptr())) a.type_error(3, "dict {'name', 'dimCount', 'dims'}");
        py::dict dict = py::reinterpret_borrow<py::dict>(d);
        aclmdlIODims dims{};
        if (dict.contains("name")) {
          std::string name = py::str(dict["name"]);
          std::snprintf(dims.name, sizeof dims.name, "%s", name.c_str());
        }
        if (!dict.contains("dims")) a.type_error(3, "dict with a 'dims' list");
        size_t n = 0;
        for (py::handle v : dict["dims"]) {
          if (n >= ACL_MAX_DIM_CNT) throw py::value_error(a.fn() + "(): too many dims");
          dims.dims[n++] = py::cast<int64_t>(v);
        }
        dims.dimCount = dict.contains("dimCount") ? py::cast<size_t>(dict["dimCount"]) : n;
        return py::int_(aclmdlSetInputDynamicDims(a.u32(0), as<aclmdlDataset>(a.ptr(1)), a.size(2), &dims));
      },
      "ret = acl.mdl.set_input_dynamic_dims(model_id, dataset, index, dims): dims = {'name', 'dimCount', "
      "'dims'}");
  defn(
      m, "get_dynamic_batch", {"model_desc"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::dict(), e);
        aclmdlBatch b{};
        aclError ret = aclmdlGetDynamicBatch(as<aclmdlDesc>(a.ptr(0)), &b);
        py::list batch;
        for (size_t i = 0; i < b.batchCount && i < ACL_MAX_BATCH_NUM; ++i) batch.append(b.batch[i]);
        py::dict out;
        out["batchCount"] = b.batchCount;
        out["batch"] = batch;
        return pair(out, ret);
      },
      "batch, ret = acl.mdl.get_dynamic_batch(model_desc): {'batchCount', 'batch'}");
  defn(
      m, "get_dynamic_hw", {"model_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::dict(), e);
        aclmdlHW hw{};
        aclError ret = aclmdlGetDynamicHW(as<aclmdlDesc>(a.ptr(0)), a.size(1), &hw);
        py::list list;
        for (size_t i = 0; i < hw.hwCount && i < ACL_MAX_HW_NUM; ++i) {
          py::list pair_hw;
          pair_hw.append(hw.hw[i][0]);
          pair_hw.append(hw.hw[i][1]);
          list.append(pair_hw);
        }
        py::dict out;
        out["hwCount"] = hw.hwCount;
        out["hw"] = list;
        return pair(out, ret);
      },
      "hw, ret = acl.mdl.get_dynamic_hw(model_desc, index): {'hwCount', 'hw': [[h, w], ...]}");
  defn(
      m, "get_input_dynamic_gear_count", {"model_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::int_(0), e);
        size_t n = 0;
        aclError ret =
            aclmdlGetInputDynamicGearCount(as<aclmdlDesc>(a.ptr(0)), static_cast<size_t>(a.i64(1)), &n);
        return pair(py::int_(n), ret);
      },
      "gear_count, ret = acl.mdl.get_input_dynamic_gear_count(model_desc, index): index -1");
  defn(
      m, "get_input_dynamic_dims", {"model_desc", "index", "gear_count"}, 3,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::list(), e);
        size_t gears = a.size(2);
        if (gears > 4096) throw py::value_error(a.fn() + "(): gear_count too large");
        std::vector<aclmdlIODims> dims(gears ? gears : 1);
        aclError ret = aclmdlGetInputDynamicDims(as<aclmdlDesc>(a.ptr(0)), static_cast<size_t>(a.i64(1)),
                                                 dims.data(), gears);
        py::list out;
        for (size_t i = 0; i < gears; ++i) out.append(dims_to_dict(dims[i]));
        return pair(out, ret);
      },
      "dims_list, ret = acl.mdl.get_input_dynamic_dims(model_desc, index, gear_count)");
  defn(
      m, "get_aipp_type", {"model_id", "index"}, 2,
      [](Args& a) -> py::object {
        aclmdlInputAippType type = ACL_DATA_WITHOUT_AIPP;
        size_t attached = 0;
        aclError ret = aclmdlGetAippType(a.u32(0), a.size(1), &type, &attached);
        return py::make_tuple(static_cast<int>(type), attached, ret);
      },
      "type, dynamic_attached_data_index, ret = acl.mdl.get_aipp_type(model_id, index)");
  defn(
      m, "get_first_aipp_info", {"model_id", "index"}, 2,
      [](Args& a) -> py::object {
        aclAippInfo info{};
        aclError ret = aclmdlGetFirstAippInfo(a.u32(0), a.size(1), &info);
        py::dict d;
#define F(name) d[#name] = info.name
        d["inputFormat"] = static_cast<int>(info.inputFormat);
        F(srcImageSizeW);
        F(srcImageSizeH);
        F(cropSwitch);
        F(loadStartPosW);
        F(loadStartPosH);
        F(cropSizeW);
        F(cropSizeH);
        F(resizeSwitch);
        F(resizeOutputW);
        F(resizeOutputH);
        F(paddingSwitch);
        F(leftPaddingSize);
        F(rightPaddingSize);
        F(topPaddingSize);
        F(bottomPaddingSize);
        F(cscSwitch);
        F(rbuvSwapSwitch);
        F(axSwapSwitch);
        F(singleLineMode);
        F(matrixR0C0);
        F(matrixR0C1);
        F(matrixR0C2);
        F(matrixR1C0);
        F(matrixR1C1);
        F(matrixR1C2);
        F(matrixR2C0);
        F(matrixR2C1);
        F(matrixR2C2);
        F(outputBias0);
        F(outputBias1);
        F(outputBias2);
        F(inputBias0);
        F(inputBias1);
        F(inputBias2);
        F(meanChn0);
        F(meanChn1);
        F(meanChn2);
        F(meanChn3);
        F(minChn0);
        F(minChn1);
        F(minChn2);
        F(minChn3);
        F(varReciChn0);
        F(varReciChn1);
        F(varReciChn2);
        F(varReciChn3);
        F(srcDimNum);
        F(shapeCount);
#undef F
        d["srcFormat"] = static_cast<int>(info.srcFormat);
        d["srcDatatype"] = static_cast<int>(info.srcDatatype);
        py::list outs;
        for (size_t i = 0; i < info.shapeCount && i < ACL_MAX_SHAPE_COUNT; ++i) {
          py::dict o;
          o["srcDims"] = dims_to_dict(info.outDims[i].srcDims);
          o["srcSize"] = info.outDims[i].srcSize;
          o["aippOutdims"] = dims_to_dict(info.outDims[i].aippOutdims);
          o["aippOutSize"] = info.outDims[i].aippOutSize;
          outs.append(o);
        }
        d["outDims"] = outs;
        return pair(d, ret);
      },
      "aipp_info, ret = acl.mdl.get_first_aipp_info(model_id, index): the aclAippInfo fields as a dict");
#endif
}

}  // namespace pyacl
