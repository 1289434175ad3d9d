// SPDX-License-Identifier: Apache-2.0
// SavedModelReader: what a SavedModel directory offers its users, as TF's
// saved_model_cli shows it: the meta graphs, each named by its tag set
// ("serve"), their signatures with each input's and output's dtype, shape
// and tensor name, and the ops each graph runs.
//
//   DIR/saved_model.pb                          the SavedModel proto: one MetaGraphDef per tag set
//                                               (or saved_model.pbtxt, the same in text format)
//   DIR/variables/variables.index, .data-*      a V2 checkpoint of the variables (checkpoint/bundle.h)
//   DIR/assets/                                 files the graph reads (vocabularies), if any
//
// TF1 exports (Estimator.export_saved_model, SavedModelBuilder) and TF2 ones
// (tf.saved_model.save) alike; a TF2 SavedModel's object graph (its
// restored tf.functions) is not read.
//
// Usage:
//   TFCOMPAT_ASSIGN_OR_RETURN(auto model, SavedModelReader::Open("export/iris/1700000000"));
//   TFCOMPAT_ASSIGN_OR_RETURN(const MetaGraphInfo* serve, model->FindMetaGraph({"serve"}));
//   TFCOMPAT_ASSIGN_OR_RETURN(const SignatureInfo* signature, model->FindSignature(*serve, "serving_default"));
//   std::string described;
//   for (const auto& [key, input] : signature->inputs) {
//     described += key + ": " + DataTypeProtoName(input.dtype) + " " + input.name + "\n";
//   }
//   TFCOMPAT_ASSIGN_OR_RETURN(auto variables, BundleReader::Open(SavedModelVariablesPrefix(model->dir())));
#ifndef TFCOMPAT_SAVED_MODEL_SAVED_MODEL_READER_H_
#define TFCOMPAT_SAVED_MODEL_SAVED_MODEL_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat {

// One input or output of a signature (TF's TensorInfo).
struct SignatureTensor {
  // The graph tensor, "<op>:<output>" ("input_example_tensor:0"); empty
  // for a sparse or composite tensor, which is no single graph tensor.
  std::string name;
  // TF's DataType value, which may be one DataType does not name
  // (DT_FLOAT_REF is 101): see DataTypeProtoName.
  DataType dtype = DataType::kInvalid;
  // -1 for a dimension of unknown size; nullopt when even the rank is
  // unknown. A scalar is {}.
  std::optional<TensorShape> shape;
};

// A signature (TF's SignatureDef): what a serving system feeds and fetches.
struct SignatureInfo {
  // By key, in byte order of the keys.
  std::map<std::string, SignatureTensor> inputs;
  std::map<std::string, SignatureTensor> outputs;
  // "tensorflow/serving/predict", ".../classify" or ".../regress".
  std::string method_name;
};

// One MetaGraphDef of the SavedModel.
struct MetaGraphInfo {
  // The tag set, in the order the file stores it ("serve"; "serve", "gpu").
  std::vector<std::string> tags;
  // What wrote it ("2.15.0", "v2.15.0-rc1-8-g6887368d6d4"); may be empty.
  std::string tensorflow_version;
  std::string tensorflow_git_version;
  // By key ("serving_default", "predict", ...), in byte order.
  std::map<std::string, SignatureInfo> signatures;
  // The ops the graph uses, sorted: its nodes' ops and, through every
  // function a node runs (a node whose op names a function, the `f` of a
  // PartitionedCall or StatefulPartitionedCall), the ops of the function's
  // nodes; function names themselves are left out. TF's
  // meta_graph.ops_used_by_graph_def, which saved_model_cli prints.
  std::vector<std::string> ops;
};

class SavedModelReader {
 public:
  struct Options {
    // Largest file read: protobuf parses no message of 2 GiB or
    // more, so neither does TF. A larger file is refused with
    // InvalidArgument before anything is allocated for it.
    uint64_t max_file_bytes = (uint64_t{1} << 31) - 1;
  };

  // Reads DIR/saved_model.pb, or DIR/saved_model.pbtxt when there is no
  // saved_model.pb (as TF does). NotFound (naming the path) when DIR does
  // not exist or holds neither; DataLoss naming the file when it does not
  // parse (truncated or corrupt; for text, the line and column) or holds no
  // MetaGraphDef.
  static StatusOr<std::unique_ptr<SavedModelReader>> Open(const std::string& dir, const Options& options);
  static StatusOr<std::unique_ptr<SavedModelReader>> Open(const std::string& dir) { return Open(dir, Options()); }
  ~SavedModelReader();
  SavedModelReader(const SavedModelReader&) = delete;
  SavedModelReader& operator=(const SavedModelReader&) = delete;

  // DIR as given to Open.
  const std::string& dir() const;
  // The file read: DIR/saved_model.pb or DIR/saved_model.pbtxt.
  const std::string& file() const;
  // In the order the file stores them.
  const std::vector<MetaGraphInfo>& meta_graphs() const;

  // The meta graph whose tags, as a set, are `tags` (empty strings left
  // out, as saved_model_cli reads --tag_set ""). NotFound naming the file
  // and the tag sets it has:
  //   MetaGraphDef associated with tag-set 'gpu' could not be found in
  //   DIR/saved_model.pb; it has the tag-sets 'serve', 'serve, tpu'
  StatusOr<const MetaGraphInfo*> FindMetaGraph(const std::vector<std::string>& tags) const;
  // The signature `key` of `meta_graph` (one of this model's). NotFound
  // naming the file, the tag set and the signatures it has.
  StatusOr<const SignatureInfo*> FindSignature(const MetaGraphInfo& meta_graph, std::string_view key) const;

 private:
  struct Rep;
  explicit SavedModelReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// Whether DIR holds a SavedModel: saved_model.pb or saved_model.pbtxt (TF's
// tf.saved_model.contains_saved_model).
bool ContainsSavedModel(const std::string& dir);

// The prefix of DIR's variables checkpoint: "DIR/variables/variables".
std::string SavedModelVariablesPrefix(std::string_view dir);

// The checkpoint prefix PATH stands for, as ckpt_tool and the Python
// package resolve it: a SavedModel directory (ContainsSavedModel) its
// variables, SavedModelVariablesPrefix(PATH); another directory its latest
// checkpoint (LatestCheckpoint, with its NotFound errors); anything else is
// a prefix itself (ResolveCheckpoint: NotFound "The passed save_path is not
// a valid checkpoint: PATH" without PATH.index).
StatusOr<std::string> ResolveCheckpointPath(const std::string& path);

// TF's name of a DataType value, as saved_model_cli prints it: "DT_FLOAT",
// "DT_STRING", "DT_RESOURCE", "DT_FLOAT_REF", "DT_INT4"; "DataType(57)" for
// a value TensorFlow 2.15 does not name.
std::string DataTypeProtoName(DataType dtype);

}  // namespace tfcompat

#endif  // TFCOMPAT_SAVED_MODEL_SAVED_MODEL_READER_H_
