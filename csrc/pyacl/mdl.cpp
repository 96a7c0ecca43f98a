// pyACL: `acl.mdl` model loading, descriptions, datasets and execution.
#include "common.h"

namespace pyacl {

namespace {

template <typename F>
aclError nogil(F f) {
  py::gil_scoped_release release;
  return f();
}

py::dict dims_dict(const aclmdlIODims& d) {
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

using DimsFn = aclError (*)(const aclmdlDesc*, size_t, aclmdlIODims*);

py::object dims_call(Args& a, DimsFn fn) {
  if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::dict(), e);
  aclmdlIODims d{};
  aclError ret = fn(as<aclmdlDesc>(a.ptr(0)), a.size(1), &d);
  return pair(dims_dict(d), ret);
}

// aclmdlGetCurOutputDims where the library has it; else the output's static
// dims (what it reports for models without dynamic batch/resolution).
aclError cur_output_dims(const aclmdlDesc* desc, size_t index, aclmdlIODims* dims) {
  static const DimsFn fn = reinterpret_cast<DimsFn>(acl_symbol("aclmdlGetCurOutputDims"));
  if (fn) return fn(desc, index, dims);
  return aclmdlGetOutputDims(desc, index, dims);
}

py::str c_str(const char* s) { return py::str(s ? s : ""); }

}  // namespace

void bind_mdl(py::module_& m) {
  // ---- loading
  defn(
      m, "query_size", {"model_path"}, 1,
      [](Args& a) -> py::object {
        std::string path = a.str(0);
        size_t work = 0, weight = 0;
        aclError ret = nogil([&] { return aclmdlQuerySize(path.c_str(), &work, &weight); });
        return py::make_tuple(work, weight, ret);
      },
      "work_size, weight_size, ret = acl.mdl.query_size(model_path)");
  defn(
      m, "query_size_from_mem", {"model", "model_size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "model", p, n, true)) return py::make_tuple(0, 0, e);
        size_t work = 0, weight = 0;
        aclError ret = nogil([&] { return aclmdlQuerySizeFromMem(as<void>(p), n, &work, &weight); });
        return py::make_tuple(work, weight, ret);
      },
      "work_size, weight_size, ret = acl.mdl.query_size_from_mem(model, model_size)");
  defn(
      m, "load_from_file", {"model_path"}, 1,
      [](Args& a) -> py::object {
        std::string path = a.str(0);
        uint32_t id = 0;
        aclError ret = nogil([&] { return aclmdlLoadFromFile(path.c_str(), &id); });
        return pair(py::int_(id), ret);
      },
      "model_id, ret = acl.mdl.load_from_file(model_path)");
  defn(
      m, "load_from_file_with_mem", {"model_path", "work_ptr", "work_size", "weight_ptr", "weight_size"}, 5,
      [](Args& a) -> py::object {
        std::string path = a.str(0);
        uintptr_t work = a.ptr(1), weight = a.ptr(3);
        size_t work_size = a.size(2), weight_size = a.size(4);
        if (work && work_size)
          if (aclError e = ranges::check(a.fn(), "work_ptr", work, work_size, false))
            return pair(py::int_(0), e);
        if (weight && weight_size)
          if (aclError e = ranges::check(a.fn(), "weight_ptr", weight, weight_size, false))
            return pair(py::int_(0), e);
        uint32_t id = 0;
        aclError ret = nogil([&] {
          return aclmdlLoadFromFileWithMem(path.c_str(), &id, as<void>(work), work_size, as<void>(weight),
                                           weight_size);
        });
        return pair(py::int_(id), ret);
      },
      "model_id, ret = acl.mdl.load_from_file_with_mem(model_path, work_ptr, work_size, weight_ptr, "
      "weight_size)");
  defn(
      m, "load_from_mem", {"model", "model_size"}, 2,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0);
        size_t n = a.size(1);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "model", p, n, true)) return pair(py::int_(0), e);
        uint32_t id = 0;
        aclError ret = nogil([&] { return aclmdlLoadFromMem(as<void>(p), n, &id); });
        return pair(py::int_(id), ret);
      },
      "model_id, ret = acl.mdl.load_from_mem(model, model_size)");
  defn(
      m, "load_from_mem_with_mem",
      {"model", "model_size", "work_ptr", "work_size", "weight_ptr", "weight_size"}, 6,
      [](Args& a) -> py::object {
        uintptr_t p = a.ptr(0), work = a.ptr(2), weight = a.ptr(4);
        size_t n = a.size(1), work_size = a.size(3), weight_size = a.size(5);
        if (p && n)
          if (aclError e = ranges::check(a.fn(), "model", p, n, true)) return pair(py::int_(0), e);
        if (work && work_size)
          if (aclError e = ranges::check(a.fn(), "work_ptr", work, work_size, false))
            return pair(py::int_(0), e);
        if (weight && weight_size)
          if (aclError e = ranges::check(a.fn(), "weight_ptr", weight, weight_size, false))
            return pair(py::int_(0), e);
        uint32_t id = 0;
        aclError ret = nogil([&] {
          return aclmdlLoadFromMemWithMem(as<void>(p), n, &id, as<void>(work), work_size, as<void>(weight),
                                          weight_size);
        });
        return pair(py::int_(id), ret);
      },
      "model_id, ret = acl.mdl.load_from_mem_with_mem(model, model_size, work_ptr, work_size, weight_ptr, "
      "weight_size)");
  defn(
      m, "unload", {"model_id"}, 1,
      [](Args& a) -> py::object {
        uint32_t id = a.u32(0);
        return py::int_(nogil([&] { return aclmdlUnload(id); }));
      },
      "ret = acl.mdl.unload(model_id)");

  // ---- descriptions
  defn(
      m, "create_desc", {}, 0,
      [](Args&) -> py::object {
        aclmdlDesc* d = aclmdlCreateDesc();
        handles::add(reinterpret_cast<uintptr_t>(d), Kind::ModelDesc);
        return ptr_obj(d);
      },
      "model_desc = acl.mdl.create_desc(): 0 on failure");
  defn(
      m, "get_desc", {"model_desc", "model_id"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return py::int_(e);
        return py::int_(aclmdlGetDesc(as<aclmdlDesc>(a.ptr(0)), a.u32(1)));
      },
      "ret = acl.mdl.get_desc(model_desc, model_id)");
  defn(
      m, "destroy_desc", {"model_desc"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = aclmdlDestroyDesc(as<aclmdlDesc>(h));
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.mdl.destroy_desc(model_desc)");

#define PYACL_DESC_GETTER(pyname, cfn, doc)                            \
  defn(                                                                \
      m, pyname, {"model_desc"}, 1,                                    \
      [](Args& a) -> py::object {                                      \
        if (handles::check(a, 0, Kind::ModelDesc)) return py::int_(0); \
        return py::int_(cfn(as<aclmdlDesc>(a.ptr(0))));                \
      },                                                               \
      doc)
#define PYACL_DESC_INDEX_GETTER(pyname, cfn, doc)                                        \
  defn(                                                                                  \
      m, pyname, {"model_desc", "index"}, 2,                                             \
      [](Args& a) -> py::object {                                                        \
        if (handles::check(a, 0, Kind::ModelDesc)) return py::int_(0);                   \
        return py::int_(static_cast<int64_t>(cfn(as<aclmdlDesc>(a.ptr(0)), a.size(1)))); \
      },                                                                                 \
      doc)

  PYACL_DESC_GETTER("get_num_inputs", aclmdlGetNumInputs, "num = acl.mdl.get_num_inputs(model_desc)");
  PYACL_DESC_GETTER("get_num_outputs", aclmdlGetNumOutputs, "num = acl.mdl.get_num_outputs(model_desc)");
  PYACL_DESC_INDEX_GETTER("get_input_size_by_index", aclmdlGetInputSizeByIndex,
                          "size = acl.mdl.get_input_size_by_index(model_desc, index)");
  PYACL_DESC_INDEX_GETTER("get_output_size_by_index", aclmdlGetOutputSizeByIndex,
                          "size = acl.mdl.get_output_size_by_index(model_desc, index)");
  PYACL_DESC_INDEX_GETTER("get_input_data_type", aclmdlGetInputDataType,
                          "data_type = acl.mdl.get_input_data_type(model_desc, index)");
  PYACL_DESC_INDEX_GETTER("get_output_data_type", aclmdlGetOutputDataType,
                          "data_type = acl.mdl.get_output_data_type(model_desc, index)");
  PYACL_DESC_INDEX_GETTER("get_input_format", aclmdlGetInputFormat,
                          "format = acl.mdl.get_input_format(model_desc, index)");
  PYACL_DESC_INDEX_GETTER("get_output_format", aclmdlGetOutputFormat,
                          "format = acl.mdl.get_output_format(model_desc, index)");
#undef PYACL_DESC_GETTER
#undef PYACL_DESC_INDEX_GETTER

  defn(
      m, "get_input_dims", {"model_desc", "index"}, 2,
      [](Args& a) { return dims_call(a, &aclmdlGetInputDims); },
      "dims, ret = acl.mdl.get_input_dims(model_desc, index): dims = {'name', 'dimCount', 'dims'}");
  defn(
      m, "get_input_dims_v2", {"model_desc", "index"}, 2,
      [](Args& a) { return dims_call(a, &aclmdlGetInputDimsV2); },
      "dims, ret = acl.mdl.get_input_dims_v2(model_desc, index)");
  defn(
      m, "get_output_dims", {"model_desc", "index"}, 2,
      [](Args& a) { return dims_call(a, &aclmdlGetOutputDims); },
      "dims, ret = acl.mdl.get_output_dims(model_desc, index)");
  defn(
      m, "get_cur_output_dims", {"model_desc", "index"}, 2,
      [](Args& a) { return dims_call(a, &cur_output_dims); },
      "dims, ret = acl.mdl.get_cur_output_dims(model_desc, index): the output dims of the last execution");
  defn(
      m, "get_input_name_by_index", {"model_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::ModelDesc)) return py::str("");
        return c_str(aclmdlGetInputNameByIndex(as<aclmdlDesc>(a.ptr(0)), a.size(1)));
      },
      "name = acl.mdl.get_input_name_by_index(model_desc, index)");
  defn(
      m, "get_output_name_by_index", {"model_desc", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::ModelDesc)) return py::str("");
        return c_str(aclmdlGetOutputNameByIndex(as<aclmdlDesc>(a.ptr(0)), a.size(1)));
      },
      "name = acl.mdl.get_output_name_by_index(model_desc, index)");
  defn(
      m, "get_input_index_by_name", {"model_desc", "name"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::int_(0), e);
        std::string name = a.str(1);
        size_t index = 0;
        aclError ret = aclmdlGetInputIndexByName(as<aclmdlDesc>(a.ptr(0)), name.c_str(), &index);
        return pair(py::int_(index), ret);
      },
      "index, ret = acl.mdl.get_input_index_by_name(model_desc, name)");
  defn(
      m, "get_output_index_by_name", {"model_desc", "name"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::ModelDesc)) return pair(py::int_(0), e);
        std::string name = a.str(1);
        size_t index = 0;
        aclError ret = aclmdlGetOutputIndexByName(as<aclmdlDesc>(a.ptr(0)), name.c_str(), &index);
        return pair(py::int_(index), ret);
      },
      "index, ret = acl.mdl.get_output_index_by_name(model_desc, name)");

  // ---- datasets
  defn(
      m, "create_dataset", {}, 0,
      [](Args&) -> py::object {
        aclmdlDataset* d = aclmdlCreateDataset();
        handles::add(reinterpret_cast<uintptr_t>(d), Kind::Dataset);
        return ptr_obj(d);
      },
      "dataset = acl.mdl.create_dataset(): 0 on failure");
  defn(
      m, "destroy_dataset", {"dataset"}, 1,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Dataset)) return py::int_(e);
        uintptr_t h = a.ptr(0);
        aclError ret = aclmdlDestroyDataset(as<aclmdlDataset>(h));
        if (ret == ACL_SUCCESS) handles::remove(h);
        return py::int_(ret);
      },
      "ret = acl.mdl.destroy_dataset(dataset)");
  defn(
      m, "add_dataset_buffer", {"dataset", "data_buffer"}, 2,
      [](Args& a) -> py::object {
        if (aclError e = handles::check(a, 0, Kind::Dataset)) return pair(py::int_(a.ptr(0)), e);
        if (aclError e = handles::check(a, 1, Kind::DataBuffer)) return pair(py::int_(a.ptr(0)), e);
        aclError ret = aclmdlAddDatasetBuffer(as<aclmdlDataset>(a.ptr(0)), as<aclDataBuffer>(a.ptr(1)));
        return pair(py::int_(a.ptr(0)), ret);
      },
      "dataset, ret = acl.mdl.add_dataset_buffer(dataset, data_buffer)");
  defn(
      m, "get_dataset_num_buffers", {"dataset"}, 1,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::Dataset)) return py::int_(0);
        return py::int_(aclmdlGetDatasetNumBuffers(as<aclmdlDataset>(a.ptr(0))));
      },
      "num = acl.mdl.get_dataset_num_buffers(dataset)");
  defn(
      m, "get_dataset_buffer", {"dataset", "index"}, 2,
      [](Args& a) -> py::object {
        if (handles::check(a, 0, Kind::Dataset)) return py::int_(0);
        return ptr_obj(aclmdlGetDatasetBuffer(as<aclmdlDataset>(a.ptr(0)), a.size(1)));
      },
      "data_buffer = acl.mdl.get_dataset_buffer(dataset, index): 0 on failure");

  // ---- execution
  defn(
      m, "execute", {"model_id", "input", "output"}, 3,
      [](Args& a) -> py::object {
        uint32_t id = a.u32(0);
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 2, Kind::Dataset)) return py::int_(e);
        uintptr_t in = a.ptr(1), out = a.ptr(2);
        return py::int_(
            nogil([&] { return aclmdlExecute(id, as<aclmdlDataset>(in), as<aclmdlDataset>(out)); }));
      },
      "ret = acl.mdl.execute(model_id, input, output)");
  defn(
      m, "execute_async", {"model_id", "input", "output", "stream"}, 4,
      [](Args& a) -> py::object {
        uint32_t id = a.u32(0);
        if (aclError e = handles::check(a, 1, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 2, Kind::Dataset)) return py::int_(e);
        if (aclError e = handles::check(a, 3, Kind::Stream)) return py::int_(e);
        uintptr_t in = a.ptr(1), out = a.ptr(2), s = a.ptr(3);
        return py::int_(nogil([&] {
          return aclmdlExecuteAsync(id, as<aclmdlDataset>(in), as<aclmdlDataset>(out), as<void>(s));
        }));
      },
      "ret = acl.mdl.execute_async(model_id, input, output, stream)");
}

}  // namespace pyacl
