// pyACL: `acl.mdl` datasets: the buffers (and tensor descriptions) of an execution's inputs and outputs,
// and the dynamic batch / image size / dims an execution uses.
#include <cstdio>

#include "common.h"

namespace pyacl {

void bind_mdl_dataset(py::module_& m) {
  bind<aclmdlCreateDataset, Quick>(m, "create_dataset", "dataset = acl.mdl.create_dataset(): 0 on failure");
  bind<aclmdlDestroyDataset, Quick>(m, "destroy_dataset", Call{"ret"}, In{"dataset"});
  defn(
      m, "add_dataset_buffer", {"dataset", "data_buffer"}, 2,
      [](Args& a) -> py::object {
        const uintptr_t ds = a.ptr(0), buf = a.ptr(1);
        aclError ret = aclmdlAddDatasetBuffer(as<aclmdlDataset>(ds), as<aclDataBuffer>(buf));
        return pair(py::int_(ds), ret);
      },
      "dataset, ret = acl.mdl.add_dataset_buffer(dataset, data_buffer)");
  bind<aclmdlGetDatasetNumBuffers, Quick>(m, "get_dataset_num_buffers", Call{"num"}, In{"dataset"});
  bind<aclmdlGetDatasetBuffer, Quick>(
      m, "get_dataset_buffer", "data_buffer = acl.mdl.get_dataset_buffer(dataset, index): 0 on failure",
      In{"dataset"}, In{"index"});
#ifdef ACL_MDL_LOAD_FROM_FILE
  defn(
      m, "set_dataset_tensor_desc", {"dataset", "tensor_desc", "index"}, 3,
      [](Args& a) -> py::object {
        const uintptr_t ds = a.ptr(0);
        aclError ret =
            aclmdlSetDatasetTensorDesc(as<aclmdlDataset>(ds), as<aclTensorDesc>(a.ptr(1)), a.size(2));
        return pair(py::int_(ds), ret);
      },
      "dataset, ret = acl.mdl.set_dataset_tensor_desc(dataset, tensor_desc, index)");
  bind<aclmdlGetDatasetTensorDesc, Quick>(m, "get_dataset_tensor_desc", Call{"tensor_desc"}, In{"dataset"},
                                          In{"index"});
#endif
#ifdef ACL_MAX_BATCH_NUM
  bind<aclmdlSetDynamicBatchSize, Quick>(m, "set_dynamic_batch_size", Call{"ret"}, In{"model_id"}, In{"dataset"},
                                         In{"index"}, In{"batch_size"});
  bind<aclmdlSetDynamicHWSize, Quick>(m, "set_dynamic_hw_size", Call{"ret"}, In{"model_id"}, In{"dataset"}, In{"index"},
                                      In{"height"}, In{"width"});
  defn(
      m, "set_input_dynamic_dims", {"model_id", "dataset", "index", "dims"}, 4,
      [](Args& a) -> py::object {
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
          dims.dims[n++] = list_int(v, a.fn() + "(): dims");
        }
        dims.dimCount = dict.contains("dimCount") ? static_cast<size_t>(list_int(dict["dimCount"], a.fn() + "(): dimCount")) : n;
        return py::int_(aclmdlSetInputDynamicDims(a.u32(0), as<aclmdlDataset>(a.ptr(1)), a.size(2), &dims));
      },
      "ret = acl.mdl.set_input_dynamic_dims(model_id, dataset, index, dims): dims = {'name', 'dimCount', "
      "'dims'}");
#endif
}

}  // namespace pyacl
