// SPDX-License-Identifier: Apache-2.0
// The variables of a SavedModel's graph, restored from DIR/variables/ the
// way TF's loader does it: by the SaverDef's restore op. Its subgraph is
// interpreted, not run: each AssignVariableOp (resource variables) or Assign
// (VariableV2) of it takes output i of a RestoreV2 whose tensor_names and
// shape_and_slices are constants, so the variable's value is the
// checkpoint's tensor tensor_names[i], cut to shape_and_slices[i] (one part
// of a partitioned variable: "4 8 0,2:-" is rows 0-1 of a [4,8] tensor).
//
// A tf.saved_model.save export also describes its objects
// (MetaGraphDef.object_graph_def, a SavedObjectGraph), and Keras 3's restore
// op assigns copies of the variables, not those its signatures' function
// calls capture. Those are bound as Python's tf.saved_model.load binds them:
// a call's trailing data inputs are its function's captures, as many as its
// SavedConcreteFunction's bound_inputs, the i-th the object of node id
// bound_inputs[i]; the checkpoint's "_CHECKPOINTABLE_OBJECT_GRAPH" (a
// serialized TrackableObjectGraph, node ids the same) names, at that id, the
// checkpoint_key of its "VARIABLE_VALUE".
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(VariableValues values, RestoreVariables(graph, saver, prefix, max_bytes));
//   TFCOMPAT_RETURN_IF_ERROR(RestoreCapturedVariables(graph_def, graph, objects, prefix, max_bytes, &values));
#ifndef TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_
#define TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_

#include <cstdint>
#include <string>
#include <unordered_map>

#include "saved_model/graph.h"
#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/graph.pb.h"
#include "tfcompat/tensorflow/saved_object_graph.pb.h"
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

// Adds to *values the captured variables (VarHandleOps, looked up through
// Identity in `graph`, the inlined `graph_def`) that the top-level calls of
// `graph_def` pass to functions with bound_inputs in `objects` and that
// *values lacks: those the restore op left unassigned. A variable the restore
// op assigned keeps that value (the same checkpoint tensor in every export
// whose restore op assigns it); a captured input that is no VarHandleOp (a
// constant, a table) is the graph's own. Errors name the call node and its
// function: InvalidArgument for more bound_inputs than data inputs, a node
// id out of range of either object graph, a variable bound to an object that
// is no SavedVariable, a SavedVariable's dtype or shape not the
// VarHandleOp's or the checkpoint tensor's; NotFound for a checkpoint without
// "_CHECKPOINTABLE_OBJECT_GRAPH" or the key, or a node without a
// VARIABLE_VALUE; DataLoss for an object graph tensor that is not one
// serialized TrackableObjectGraph.
Status RestoreCapturedVariables(const tensorflow::GraphDef& graph_def, const Graph& graph,
                                const tensorflow::SavedObjectGraph& objects, const std::string& prefix,
                                uint64_t max_tensor_bytes, VariableValues* values);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_VARIABLES_H_
