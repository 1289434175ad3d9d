// SPDX-License-Identifier: Apache-2.0
// The model over feature columns (internal): an optional DNN part (input
// layer + dense layers) and an optional linear part, logits summed. TF1's
// wide & deep is one; so are the canned DNN and linear models over columns
// that are not all plain numeric ones (model.h), which differ only in how
// they name their optimizer variables and what they summarise:
//
//                 slots of DNN / linear variables      non-slot optimizer variables
//   wide & deep   <var>/<slot>                         dnn/, linear/
//   canned DNN    <var>/t_0/<slot>                     dnn/head/
//   canned linear <var>/part_0/<slot>                  linear/head/
#ifndef TFCOMPAT_SRC_MODEL_DNN_LINEAR_COMBINED_H_
#define TFCOMPAT_SRC_MODEL_DNN_LINEAR_COMBINED_H_

#include <cstdint>
#include <memory>
#include <string>

#include "model/heads.h"
#include "tfcompat/model/model.h"

namespace tfcompat::model {

struct CombinedLayout {
  std::string dnn_slot_infix, linear_slot_infix;
  std::string dnn_scope, linear_scope;
  // The canned model_fns' summaries of the layers' outputs and the linear
  // weights (Model::TrainingSummaries); wide & deep summarises its loss only.
  bool canned_summaries = false;
};

// `options` with both optimizers set for the parts it has. INVALID_ARGUMENT
// as NewDNNLinearCombinedClassifier.
[[nodiscard]] StatusOr<std::unique_ptr<Model>> NewCombinedModel(const DNNLinearCombinedOptions& options,
                                                                std::unique_ptr<Head> head,
                                                                const CombinedLayout& layout, uint64_t seed);

}  // namespace tfcompat::model

#endif  // TFCOMPAT_SRC_MODEL_DNN_LINEAR_COMBINED_H_
