// SPDX-License-Identifier: Apache-2.0
// The serving graph of a canned model, as TF's canned estimators build it
// in PREDICT mode for export_saved_model (internal):
//
//   receiver   kParsing: input_example_tensor (string [-1])
//                -> ParseExample/ParseExampleV2 (dense float [1] per key, sorted)
//              kRaw: Placeholder, Placeholder_1, ... (float [-1], keys sorted)
//   input      DNN: dnn/input_from_feature_columns/input_layer/<key>/Reshape [-1, 1] -> .../concat
//              linear: linear/linear_model/linear_model/linear_model/<key>/Reshape
//                        -> <key>/weighted_sum (MatMul) -> weighted_sum_no_bias (AddN)
//                        -> weighted_sum (BiasAdd) = the logits
//   network    <layer>/MatMul -> <layer>/BiasAdd -> <layer>/<Activation>; logits <last layer>/BiasAdd
//   head       <head>/predictions/{probabilities, class_ids, str_classes, logistic, Tile, Tile_1, ...},
//              <head>/Tile (the classify signature's classes)
//
// The variables' values are read from the tensors the SavedModel writer
// names after them (`dnn/hiddenlayer_0/kernel`, ...; see
// saved_model/saved_model_writer.h). Signatures: ServingReceiver in
// tfcompat/estimator/estimator.h; names and shapes in
// docs/formats/saved_model.md.
#ifndef TFCOMPAT_SRC_ESTIMATOR_SERVING_GRAPH_H_
#define TFCOMPAT_SRC_ESTIMATOR_SERVING_GRAPH_H_

#include "tfcompat/estimator/estimator.h"
#include "tfcompat/tensorflow/meta_graph.pb.h"

namespace tfcompat::estimator {

// Adds the receiver, the model and its head to meta_graph's graph and
// sets its signatures. `description` names the feature keys and a head.
void AddServingGraph(const GraphDescription& description, ServingReceiver receiver,
                     tensorflow::MetaGraphDef* meta_graph);

}  // namespace tfcompat::estimator

#endif  // TFCOMPAT_SRC_ESTIMATOR_SERVING_GRAPH_H_
