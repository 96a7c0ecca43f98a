// pyACL: `acl.mdl` model descriptions: inputs and outputs (sizes, types, formats, dims, names),
// dynamic batch / image size / dims profiles and AIPP information.
#include "common.h"

namespace pyacl {

namespace {

using DimsFn = aclError (*)(const aclmdlDesc*, size_t, aclmdlIODims*);

// aclmdlGetCurOutputDims where the library has it; else the output's static
// dims (what it reports for models without dynamic batch/resolution).
aclError cur_output_dims(const aclmdlDesc* desc, size_t index, aclmdlIODims* dims) {
  static const DimsFn fn = reinterpret_cast<DimsFn>(acl_symbol("aclmdlGetCurOutputDims"));
  if (fn) return fn(desc, index, dims);
  return aclmdlGetOutputDims(desc, index, dims);
}

}  // namespace

void bind_mdl_desc(py::module_& m) {
  bind<aclmdlCreateDesc, Quick>(m, "create_desc", "model_desc = acl.mdl.create_desc(): 0 on failure");
  bind<aclmdlGetDesc, Quick>(m, "get_desc", Call{"ret"}, In{"model_desc"}, In{"model_id"});
  bind<aclmdlDestroyDesc, Quick>(m, "destroy_desc", Call{"ret"}, In{"model_desc"});

  // ---- getters: plain values (0 / "" for a bad description or index, as the C functions return)
  bind<aclmdlGetNumInputs, Quick>(m, "get_num_inputs", Call{"num"}, In{"model_desc"});
  bind<aclmdlGetNumOutputs, Quick>(m, "get_num_outputs", Call{"num"}, In{"model_desc"});
  bind<aclmdlGetInputSizeByIndex, Quick>(m, "get_input_size_by_index", Call{"size"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetOutputSizeByIndex, Quick>(m, "get_output_size_by_index", Call{"size"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetInputDataType, Quick>(m, "get_input_data_type", Call{"data_type"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetOutputDataType, Quick>(m, "get_output_data_type", Call{"data_type"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetInputFormat, Quick>(m, "get_input_format", Call{"format"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetOutputFormat, Quick>(m, "get_output_format", Call{"format"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetInputNameByIndex, Quick>(m, "get_input_name_by_index", Call{"name"}, In{"model_desc"}, In{"index"});
  bind<aclmdlGetOutputNameByIndex, Quick>(m, "get_output_name_by_index", Call{"name"}, In{"model_desc"}, In{"index"});

  // ---- (value, ret)
  bind<aclmdlGetInputDims, Quick>(
      m, "get_input_dims",
      "dims, ret = acl.mdl.get_input_dims(model_desc, index): dims = {'name', 'dimCount', 'dims'}",
      In{"model_desc"}, In{"index"}, Out());
  bind<aclmdlGetInputDimsV2, Quick>(m, "get_input_dims_v2", Call{"dims, ret"}, In{"model_desc"}, In{"index"}, Out());
  bind<aclmdlGetOutputDims, Quick>(m, "get_output_dims", Call{"dims, ret"}, In{"model_desc"}, In{"index"}, Out());
  bind<cur_output_dims, Quick>(
      m, "get_cur_output_dims",
      "dims, ret = acl.mdl.get_cur_output_dims(model_desc, index): the output dims of the last execution",
      In{"model_desc"}, In{"index"}, Out());
  bind<aclmdlGetInputIndexByName, Quick>(m, "get_input_index_by_name", Call{"index, ret"}, In{"model_desc"}, In{"name"},
                                         Out());
  bind<aclmdlGetOutputIndexByName, Quick>(m, "get_output_index_by_name", Call{"index, ret"}, In{"model_desc"},
                                          In{"name"}, Out());

#ifdef ACL_MAX_BATCH_NUM
  // ---- dynamic shapes and AIPP (structures: written out)
  defn(
      m, "get_dynamic_batch", {"model_desc"}, 1,
      [](Args& a) -> py::object {
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
        size_t n = 0;
        aclError ret =
            aclmdlGetInputDynamicGearCount(as<aclmdlDesc>(a.ptr(0)), static_cast<size_t>(a.i64(1)), &n);
        return pair(py::int_(n), ret);
      },
      "gear_count, ret = acl.mdl.get_input_dynamic_gear_count(model_desc, index): index -1");
  defn(
      m, "get_input_dynamic_dims", {"model_desc", "index", "gear_count"}, 3,
      [](Args& a) -> py::object {
        size_t gears = a.size(2);
        if (gears > 4096) throw py::value_error(a.fn() + "(): gear_count too large");
        std::vector<aclmdlIODims> dims(gears ? gears : 1);
        aclError ret = aclmdlGetInputDynamicDims(as<aclmdlDesc>(a.ptr(0)), static_cast<size_t>(a.i64(1)),
                                                 dims.data(), gears);
        py::list out;
        for (size_t i = 0; i < gears; ++i) out.append(to_py(dims[i]));
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
          o["srcDims"] = to_py(info.outDims[i].srcDims);
          o["srcSize"] = info.outDims[i].srcSize;
          o["aippOutdims"] = to_py(info.outDims[i].aippOutdims);
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
