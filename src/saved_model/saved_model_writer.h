// SPDX-License-Identifier: Apache-2.0
// Writes a TF1-style SavedModel, as tf.compat.v1.saved_model.Builder and
// Estimator.export_saved_model do (internal). The layout and the graph
// conventions are in docs/formats/saved_model.md:
//
//   <export_dir_base>/<unix seconds>/saved_model.pb          SavedModel proto, one MetaGraphDef
//   <export_dir_base>/<unix seconds>/variables/variables.index, .data-00000-of-00001
//                                                             V2 checkpoint of the variables
//
// The graph holds each variable as a resource variable (VarHandleOp, its
// zero initializer, ReadVariableOp) and TF's sharded V2 Saver
// (`save/Const` fed with the prefix, SaveV2 / RestoreV2, `save/restore_all`),
// which TF's loaders run to restore the variables from variables/.
//
// Usage:
//   tensorflow::MetaGraphDef meta_graph;
//   AddVariablesAndSaver(variables, &meta_graph);
//   ... the model's ops, reading ValueTensor(v); signatures ...
//   TFCOMPAT_ASSIGN_OR_RETURN(std::string dir, WriteSavedModel(env, "export/iris", meta_graph, variables));
#ifndef TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_WRITER_H_
#define TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_WRITER_H_

#include <span>
#include <string>
#include <string_view>

#include "io/file.h"
#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/meta_graph.pb.h"

namespace tfcompat::saved_model {

// One variable of the exported graph and its value.
struct SavedVariable {
  // The name the checkpoint holds it under ("dnn/logits/kernel").
  std::string name;
  DataType dtype = DataType::kFloat;  // kFloat or kInt64
  TensorShape shape;
  // Row-major element bytes; a view of the caller's memory.
  std::string_view bytes;
  bool trainable = true;
  // TF1's canned estimators create their model variables partitioned (one
  // partition): the handle is `<name>/part_0`, with a SaveSliceInfoDef,
  // and `<name>` is an Identity of its value. Otherwise (global_step) the
  // handle is `<name>`.
  bool partitioned = true;
};

// The tensor the model's ops read `variable`'s value from: "<name>" for a
// partitioned one, "<name>/Read/ReadVariableOp" otherwise.
std::string ValueTensor(const SavedVariable& variable);

// Adds to meta_graph's graph every variable's resource handle, zero
// initializer (`.../Assign`) and reads, and the Saver's save and restore
// ops for all of them; sets saver_def and the `variables`,
// `trainable_variables` and `global_step` collections (serialized
// VariableDefs; global_step is the non-trainable variable of that name).
void AddVariablesAndSaver(std::span<const SavedVariable> variables, tensorflow::MetaGraphDef* meta_graph);

// Adds TF's default main op, which the loader runs after the restore: the
// `group_deps` NoOp of the (here empty) local-variable and table
// initializers, in the `saved_model_main_op` collection.
void AddMainOp(tensorflow::MetaGraphDef* meta_graph);

// Writes `meta_graph` (tagged as it says) and the variables' values to
// <export_dir_base>/<unix seconds>, and returns that path: built in
// temp-<seconds> and renamed into place by WriteExportDir (io/export_dir.h),
// which says what a failure leaves and how the seconds are chosen.
[[nodiscard]] StatusOr<std::string> WriteSavedModel(Env* env, const std::string& export_dir_base,
                                                    const tensorflow::MetaGraphDef& meta_graph,
                                                    std::span<const SavedVariable> variables);

}  // namespace tfcompat::saved_model

#endif  // TFCOMPAT_SRC_SAVED_MODEL_SAVED_MODEL_WRITER_H_
