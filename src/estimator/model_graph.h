// SPDX-License-Identifier: Apache-2.0
// The GraphDef an Estimator writes for TensorBoard's Graphs dashboard and
// model_dir/graph.pbtxt (internal).
//
// Every variable of the store is a VariableV2 node with its `<name>/read`
// Identity, named as the checkpoint names it. When the model's dense
// layers are described, the forward pass is drawn on top of them with TF's
// op names:
//
//   <feature key> (Placeholder) ...
//     -> dnn/input_from_feature_columns/input_layer/concat (ConcatV2)
//     -> <layer>/MatMul -> <layer>/BiasAdd -> <layer>/<Activation>   (every layer but the last)
//     -> <head>/predictions and <head>/loss (with the `labels` Placeholder)
#ifndef TFCOMPAT_SRC_ESTIMATOR_MODEL_GRAPH_H_
#define TFCOMPAT_SRC_ESTIMATOR_MODEL_GRAPH_H_

#include "tfcompat/estimator/estimator.h"
#include "tfcompat/model/variables.h"
#include "tfcompat/tensorflow/graph.pb.h"

namespace tfcompat::estimator {

// TF's op for an activation ("Relu", ...); empty for kLinear.
std::string_view ActivationOp(model::Activation activation);

// `description` may be null (variables only, as for a model over feature
// columns).
tensorflow::GraphDef BuildModelGraph(model::VariableStore& store, const GraphDescription* description);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_MODEL_GRAPH_H_
