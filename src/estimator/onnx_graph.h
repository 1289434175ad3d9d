// SPDX-License-Identifier: Apache-2.0
// The ONNX model of a canned model, for Estimator::ExportOnnx (internal):
// the forward pass of serving_graph.h's raw-receiver graph and its head's
// `predict` outputs, in ONNX's operators (opset 17) with the variables'
// values as initializers named as the checkpoint names them.
//
//   inputs    <key> float [batch, 1], one per feature column, keys sorted
//   DNN       dnn/input_from_feature_columns/input_layer/concat (Concat, axis 1)
//               -> <layer>/MatMul -> <layer>/BiasAdd (Add) -> <layer>/<activation>
//                  (every layer but dnn/logits; none for kLinear)
//   linear    linear/linear_model/linear_model/linear_model/<key>/weighted_sum (MatMul)
//               -> .../weighted_sum_no_bias (Sum) -> .../weighted_sum (Add)
//   heads     the logits are output `logits` (classifiers) or `predictions`
//             (regressors); classifiers add `probabilities` (Softmax),
//             `class_ids` (ArgMax, int64 [batch, 1]), `classes` and
//             `all_classes` (Gather of the class names, string),
//             `all_class_ids` (Expand, int32 [batch, n]); the binary head
//             also `logistic` (Sigmoid), and takes the softmax and argmax of
//             [0, logit] as TF does.
//
// Node names and attributes: docs/formats/onnx.md.
#ifndef TFCOMPAT_SRC_ESTIMATOR_ONNX_GRAPH_H_
#define TFCOMPAT_SRC_ESTIMATOR_ONNX_GRAPH_H_

#include <cstdint>

#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/variables.h"
#include "tfcompat/onnx/onnx.pb.h"

namespace tfcompat::estimator {

// The ONNX IR version and the ai.onnx operator set the model declares.
inline constexpr int64_t kOnnxIrVersion = 8;
inline constexpr int64_t kOnnxOpset = 17;

// The model `description` describes, with the values of `store`'s
// variables and its global_step (metadata_props "global_step").
// FailedPrecondition when the store lacks a variable the description
// names, or holds one of another shape than the layers before and the head
// after it need, or when the head's class count or vocabulary is not one
// of a canned head (binary: 2 classes; multi-class: more); InvalidArgument when a feature key equals another name of
// the graph (an output, a variable or a node's output).
[[nodiscard]] StatusOr<onnx::ModelProto> BuildOnnxModel(const GraphDescription& description,
                                                        model::VariableStore& store);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_ONNX_GRAPH_H_
