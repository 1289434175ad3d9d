// SPDX-License-Identifier: Apache-2.0
// SavedModel: runs the signatures of a SavedModel TensorFlow exported, with
// no TensorFlow linked.
//
// Load reads DIR/saved_model.pb, picks the meta graph of the tag set,
// inlines the functions a TF2 export's nodes call (StatefulPartitionedCall,
// PartitionedCall: nested calls flattened, recursion and nesting past 64
// refused), restores DIR/variables/ by interpreting the graph's own restore
// op (the SaverDef's, as TF's loader runs it, through the restore function
// of a TF2 export), binds the variables a signature's call captures and
// that op leaves alone (Keras 3's tf.saved_model.save) through the export's
// object graph, as Python's tf.saved_model.load does, and then, once per
// signature (but the init op's "__saved_model_init_op", which TF does not
// offer either):
//   checks    every input names an existing node, every op on the way from
//             the signature's inputs to its outputs has a kernel here and
//             attributes it honours, and the graph has no cycle there;
//   prunes    the graph to the nodes the outputs need, stopping at the fed
//             inputs (summaries, initializers and the saver drop out);
//   plans     a list of kernel calls in dependency order, constants and
//             variables resolved to tensors held by the plan, Identity
//             aliased away.
// Run then feeds the inputs, calls the kernels in plan order and returns the
// outputs: no graph work per run.
//
// What loads: TF1 graph exports of the canned Estimators
// (tf.compat.v1.estimator.DNNClassifier, DNNRegressor, LinearClassifier,
// LinearRegressor, DNNLinearCombinedClassifier and -Regressor) with numeric
// columns, exported with build_raw_serving_input_receiver_fn (placeholders
// in) or build_parsing_serving_input_receiver_fn (serialized
// tf.train.Examples in, ParseExampleV2), and with categorical columns
// (vocabulary lists and files, hash buckets, identity, bucketized, crossed,
// weighted, embedding and indicator columns: the sparse ops, and tables
// filled from the export's assets) exported with the parsing one; their
// resource (VarHandleOp) or reference (VariableV2) variables, partitioned or
// not; TF2 exports of Keras MLPs (Sequential or functional; Dense with
// relu, sigmoid, softmax or no activation; Dropout, BatchNormalization)
// written by model.export or by tf.saved_model.save (Keras 2 and 3).
// Anything else fails at Load naming the op type and the node: NotFound "Op
// type not registered 'StringToHashBucketFast' ...", InvalidArgument for a
// bad attribute, dtype or connection. Kernels: src/saved_model/ops/.
//
// saved_model.pb is untrusted: tensors it declares are bounded by
// Options::max_tensor_bytes before anything is allocated, the graph walks are
// iterative, and every error names the node.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(auto model, SavedModel::Load("export/1700000000", {"serve"}));
//   std::map<std::string, Tensor> inputs;
//   inputs["x"] = Tensor::FromVector<float>(DataType::kFloat, {2, 4}, {5.1f, 3.5f, 1.4f, 0.2f,  //
//                                                                       6.7f, 3.1f, 4.4f, 1.4f});
//   TFCOMPAT_ASSIGN_OR_RETURN(auto outputs, model->Run("predict", inputs));
//   std::span<const float> probabilities = outputs["probabilities"].flat<float>();  // [2, n_classes]
//   // A serving loop keeps its maps: each call reuses their tensors' buffers.
//   TFCOMPAT_RETURN_IF_ERROR(model->Run("predict", inputs, &outputs));
#ifndef TFCOMPAT_SAVED_MODEL_SAVED_MODEL_H_
#define TFCOMPAT_SAVED_MODEL_SAVED_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/saved_model/saved_model_reader.h"

namespace tfcompat {

class SavedModel {
 public:
  struct Options {
    // Largest saved_model.pb read (protobuf's own limit).
    uint64_t max_file_bytes = (uint64_t{1} << 31) - 1;
    // Largest tensor a constant of the graph or a variable of the
    // checkpoint may make, in bytes (a constant's declared shape may be far
    // larger than its stored values); InvalidArgument naming the node past it.
    uint64_t max_tensor_bytes = uint64_t{1} << 30;
  };

  // Loads the meta graph whose tag set is `tags` ({"serve"}) and plans every
  // signature. The errors of SavedModelReader::Open and FindMetaGraph; those
  // of BundleReader for variables/; NotFound / InvalidArgument / DataLoss
  // naming the call, its function and the object node for an object graph
  // that does not bind a captured variable; NotFound / InvalidArgument
  // naming the signature and the node for a graph this library cannot run.
  static StatusOr<std::unique_ptr<SavedModel>> Load(const std::string& dir, const std::vector<std::string>& tags,
                                                    const Options& options);
  static StatusOr<std::unique_ptr<SavedModel>> Load(const std::string& dir, const std::vector<std::string>& tags) {
    return Load(dir, tags, Options());
  }
  ~SavedModel();
  SavedModel(const SavedModel&) = delete;
  SavedModel& operator=(const SavedModel&) = delete;

  // The signatures loaded, by key, with their inputs' and outputs' dtypes and
  // shapes as the SignatureDef declares them.
  const std::map<std::string, SignatureInfo>& signatures() const;

  // Runs `signature` on `inputs` (one tensor per input key of the signature,
  // no more, no fewer) and returns one tensor per output key. NotFound for
  // an unknown signature (naming those there are); InvalidArgument for a
  // missing or extra input, or one whose dtype or shape the graph's
  // placeholder does not accept; a kernel's error (TF's wording) prefixed
  // with the node. Thread-safe: runs share only read-only state.
  StatusOr<std::map<std::string, Tensor>> Run(std::string_view signature,
                                              const std::map<std::string, Tensor>& inputs) const;
  // The same, assigning the outputs into `*outputs` (keys the signature
  // does not have are erased): its tensors' buffers are reused, so a serving
  // loop that keeps one map per thread allocates nothing per call once the
  // shapes repeat. On an error `*outputs` holds unspecified values.
  [[nodiscard]] Status Run(std::string_view signature, const std::map<std::string, Tensor>& inputs,
                           std::map<std::string, Tensor>* outputs) const;

 private:
  struct Rep;
  explicit SavedModel(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_SAVED_MODEL_SAVED_MODEL_H_
