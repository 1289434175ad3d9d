// SPDX-License-Identifier: Apache-2.0
// The variables of a SavedModel's graph, restored from DIR/variables/ the
// way TF's loader does it: by the SaverDef's restore op. Its subgraph is
// interpreted, not run: each AssignVariableOp (resource variables) or Assign
// (VariableV2) of it takes output i of a RestoreV2 whose tensor_names and
// shape_and_slices are constants, so the variable's value is the
// checkpoint's tensor tensor_names[i], cut to shape_and_slices[i] (one part
// of a partitioned variable: "4 8 0,2:-" is rows 0-1 of a [4,8] tensor).
#ifndef TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_
#define TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "saved_model/graph.h"
#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/saver.pb.h"

namespace tfcompat::saved_model {

// Variable node (VarHandleOp or VariableV2) index -> its value.
using VariableValues = std::unordered_map<int, Tensor>;

// Restores the variables `saver`'s restore op assigns from the checkpoint at
// `prefix` (DIR/variables/variables). InvalidArgument naming the node for a
// restore subgraph of another form; the checkpoint's errors (NotFound
// "Key k not found in checkpoint", DataLoss) with the variable named;
// InvalidArgument when a stored dtype or shape is not the variable's.
StatusOr<VariableValues> RestoreVariables(const Graph& graph, const tensorflow::SaverDef& saver,
                                          const std::string& prefix, uint64_t max_tensor_bytes);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_
