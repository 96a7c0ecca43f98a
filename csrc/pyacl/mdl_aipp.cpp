// pyACL: `acl.mdl` dynamic AIPP: the aclmdlAIPP parameter object, its setters, and setting it on a
// model's input dataset (pyACL's names and result shapes).
#include "common.h"

namespace pyacl {

void bind_mdl_aipp(py::module_& m) {
  bind<aclmdlCreateAIPP, Quick>(m, "create_aipp", "aipp_ptr = acl.mdl.create_aipp(batch_size): 0 on failure",
                                In{"batch_size"});
  bind<aclmdlDestroyAIPP, Quick>(m, "destroy_aipp", Call{"ret"}, In{"aipp_parms_set"});
  bind<aclmdlGetAippDataSize, Quick>(m, "get_aipp_data_size", Call{"mem_size, ret"}, In{"batch_size"}, Out());
  bind<aclmdlSetAIPPInputFormat, Quick>(m, "set_aipp_input_format", Call{"ret"}, In{"aipp_parms_set"},
                                        In{"input_format"});
  bind<aclmdlSetAIPPCscParams, Quick>(
      m, "set_aipp_csc_params",
      "ret = acl.mdl.set_aipp_csc_params(aipp_parms_set, csc_switch, csc_matrix_R0C0, ..., csc_matrix_R2C2, "
      "csc_output_bias_R0, csc_output_bias_R1, csc_output_bias_R2, csc_input_bias_R0, csc_input_bias_R1, "
      "csc_input_bias_R2)",
      In{"aipp_parms_set"}, In{"csc_switch"}, In{"csc_matrix_R0C0"}, In{"csc_matrix_R0C1"},
      In{"csc_matrix_R0C2"}, In{"csc_matrix_R1C0"}, In{"csc_matrix_R1C1"}, In{"csc_matrix_R1C2"},
      In{"csc_matrix_R2C0"}, In{"csc_matrix_R2C1"}, In{"csc_matrix_R2C2"}, In{"csc_output_bias_R0"},
      In{"csc_output_bias_R1"}, In{"csc_output_bias_R2"}, In{"csc_input_bias_R0"}, In{"csc_input_bias_R1"},
      In{"csc_input_bias_R2"});
  bind<aclmdlSetAIPPRbuvSwapSwitch, Quick>(m, "set_aipp_rbuv_swap_switch", Call{"ret"}, In{"aipp_parms_set"},
                                           In{"rbuv_swap_switch"});
  bind<aclmdlSetAIPPAxSwapSwitch, Quick>(m, "set_aipp_ax_swap_switch", Call{"ret"}, In{"aipp_parms_set"},
                                         In{"ax_swap_switch"});
  bind<aclmdlSetAIPPSrcImageSize, Quick>(m, "set_aipp_src_image_size", Call{"ret"}, In{"aipp_parms_set"},
                                         In{"src_image_size_w"}, In{"src_image_size_h"});
  bind<aclmdlSetAIPPScfParams, Quick>(m, "set_aipp_scf_params", Call{"ret"}, In{"aipp_parms_set"}, In{"scf_switch"},
                                      In{"scf_input_size_w"}, In{"scf_input_size_h"}, In{"scf_output_size_w"},
                                      In{"scf_output_size_h"}, In{"batch_index"});
  bind<aclmdlSetAIPPCropParams, Quick>(m, "set_aipp_crop_params", Call{"ret"}, In{"aipp_parms_set"}, In{"crop_switch"},
                                       In{"crop_start_pos_w"}, In{"crop_start_pos_h"}, In{"crop_size_w"},
                                       In{"crop_size_h"}, In{"batch_index"});
  bind<aclmdlSetAIPPPaddingParams, Quick>(m, "set_aipp_padding_params", Call{"ret"}, In{"aipp_parms_set"},
                                          In{"padding_switch"}, In{"padding_size_top"}, In{"padding_size_bottom"},
                                          In{"padding_size_left"}, In{"padding_size_right"}, In{"batch_index"});
  bind<aclmdlSetAIPPDtcPixelMean, Quick>(m, "set_aipp_dtc_pixel_mean", Call{"ret"}, In{"aipp_parms_set"},
                                         In{"dtc_pixel_mean_chn0"}, In{"dtc_pixel_mean_chn1"},
                                         In{"dtc_pixel_mean_chn2"}, In{"dtc_pixel_mean_chn3"}, In{"batch_index"});
  bind<aclmdlSetAIPPDtcPixelMin, Quick>(m, "set_aipp_dtc_pixel_min", Call{"ret"}, In{"aipp_parms_set"},
                                        In{"dtc_pixel_min_chn0"}, In{"dtc_pixel_min_chn1"}, In{"dtc_pixel_min_chn2"},
                                        In{"dtc_pixel_min_chn3"}, In{"batch_index"});
  bind<aclmdlSetAIPPPixelVarReci, Quick>(m, "set_aipp_pixel_var_reci", Call{"ret"}, In{"aipp_parms_set"},
                                         In{"dtc_pixel_var_reci_chn0"}, In{"dtc_pixel_var_reci_chn1"},
                                         In{"dtc_pixel_var_reci_chn2"}, In{"dtc_pixel_var_reci_chn3"},
                                         In{"batch_index"});
  bind<aclmdlSetInputAIPP>(m, "set_input_aipp",
                           "ret = acl.mdl.set_input_aipp(model_id, dataset, index, aipp_parms_set): index of the "
                           "ascend_dynamic_aipp_data input",
                           In{"model_id"}, In{"dataset"}, In{"index"}, In{"aipp_parms_set"});
  bind<aclmdlSetAIPPByInputIndex>(m, "set_aipp_by_input_index",
                                  "ret = acl.mdl.set_aipp_by_input_index(model_id, dataset, index, "
                                  "aipp_parms_set): index of the picture input",
                                  In{"model_id"}, In{"dataset"}, In{"index"}, In{"aipp_parms_set"});
}

}  // namespace pyacl
