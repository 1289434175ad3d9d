// SPDX-License-Identifier: Apache-2.0
// SavedModelReader on SavedModels TensorFlow wrote (TF Serving's test
// models, TF 1.x and 2.14; an Estimator export of TF 1.14), on one our
// Estimator exports, and on hand-made and damaged ones: tag sets,
// signatures, dtypes, shapes, tensor names, method names, the ops TF's
// ops_used_by_graph_def lists, the lookups, and every error naming its file.
#include "tfcompat/saved_model/saved_model_reader.h"

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/saved_models.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

namespace fs = boost::filesystem;
using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::TfServingModel;
using testing::WriteAll;

std::unique_ptr<SavedModelReader> OpenOrFail(const std::string& dir) {
  StatusOr<std::unique_ptr<SavedModelReader>> model = SavedModelReader::Open(dir);
  BOOST_TEST_REQUIRE(model.ok(), model.status().ToString());
  return *std::move(model);
}

std::set<std::string> Keys(const std::map<std::string, SignatureInfo>& signatures) {
  std::set<std::string> keys;
  for (const auto& [key, signature] : signatures) keys.insert(key);
  return keys;
}

BOOST_AUTO_TEST_CASE(tf1_serving_model_has_its_signatures_dtypes_shapes_and_names) {
  auto model = OpenOrFail(TfServingModel("half_plus_two_cpu"));
  BOOST_TEST(model->file() == TfServingModel("half_plus_two_cpu") + "/saved_model.pb");
  BOOST_TEST_REQUIRE(model->meta_graphs().size() == 1u);
  const MetaGraphInfo& serve = model->meta_graphs()[0];
  BOOST_TEST(serve.tags == std::vector<std::string>{"serve"}, boost::test_tools::per_element());
  BOOST_TEST(serve.tensorflow_version == "1.14.0");
  BOOST_TEST(Keys(serve.signatures) == (std::set<std::string>{"classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y",
                                                              "regress_x_to_y2", "serving_default"}));
  const SignatureInfo& classify = serve.signatures.at("classify_x_to_y");
  BOOST_TEST(classify.method_name == "tensorflow/serving/classify");
  const SignatureTensor& input = classify.inputs.at("inputs");
  BOOST_TEST(input.name == "tf_example:0");
  BOOST_TEST(input.dtype == DataType::kString);
  BOOST_TEST(!input.shape.has_value());  // unknown rank
  const SignatureTensor& scores = classify.outputs.at("scores");
  BOOST_TEST(scores.name == "y:0");
  BOOST_TEST(scores.dtype == DataType::kFloat);
  BOOST_TEST_REQUIRE(scores.shape.has_value());
  BOOST_TEST(*scores.shape == (TensorShape{-1, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reference_dtypes_scalars_and_signatures_without_inputs_read_as_stored) {
  auto model = OpenOrFail(TfServingModel("counter"));
  const SignatureInfo& get_counter = model->meta_graphs()[0].signatures.at("get_counter");
  BOOST_TEST(get_counter.inputs.empty());
  const SignatureTensor& output = get_counter.outputs.at("output");
  BOOST_TEST(DataTypeProtoName(output.dtype) == "DT_FLOAT_REF");
  BOOST_TEST_REQUIRE(output.shape.has_value());
  BOOST_TEST(output.shape->empty());  // a scalar
}

BOOST_AUTO_TEST_CASE(ops_are_those_tf_lists_for_a_tf1_graph) {
  // TF 2.15's saved_model_cli on this model (tests/testdata/saved_model_cli/half_plus_three.all.txt).
  const std::vector<std::string> expected = {
      "Add",          "Assign",      "Const",     "Identity", "MergeV2Checkpoints", "Mul",        "NoOp",      "Pack",
      "ParseExample", "Placeholder", "RestoreV2", "SaveV2",   "ShardedFilename",    "StringJoin", "VariableV2"};
  auto model = OpenOrFail(TfServingModel("half_plus_three"));
  BOOST_TEST(model->meta_graphs()[0].ops == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ops_of_a_tf2_graph_include_its_functions_ops_but_not_their_names) {
  // TF 2.15's saved_model_cli on this model (half_plus_two_tf2_cpu.all.txt):
  // most ops run inside the tf.functions that StatefulPartitionedCall calls.
  const std::vector<std::string> expected = {"AddV2",
                                             "AssignVariableOp",
                                             "Const",
                                             "DisableCopyOnRead",
                                             "Identity",
                                             "MergeV2Checkpoints",
                                             "Mul",
                                             "NoOp",
                                             "Pack",
                                             "ParseExampleV2",
                                             "Placeholder",
                                             "PlaceholderWithDefault",
                                             "ReadVariableOp",
                                             "Reshape",
                                             "RestoreV2",
                                             "SaveV2",
                                             "Select",
                                             "ShardedFilename",
                                             "StatefulPartitionedCall",
                                             "StaticRegexFullMatch",
                                             "StringJoin",
                                             "VarHandleOp",
                                             "VarIsInitializedOp"};
  auto model = OpenOrFail(TfServingModel("half_plus_two_tf2_cpu"));
  const MetaGraphInfo& serve = model->meta_graphs()[0];
  BOOST_TEST(serve.ops == expected, boost::test_tools::per_element());
  BOOST_TEST(serve.tensorflow_version == "2.14.0");
  // TF2's init signature: a bare op name, no dtype, no shape, no method.
  const SignatureTensor& init = serve.signatures.at("__saved_model_init_op").outputs.at("__saved_model_init_op");
  BOOST_TEST(init.name == "NoOp");
  BOOST_TEST(DataTypeProtoName(init.dtype) == "DT_INVALID");
  BOOST_TEST(!init.shape.has_value());
  BOOST_TEST(serve.signatures.at("__saved_model_init_op").method_name.empty());
}

BOOST_AUTO_TEST_CASE(our_estimator_export_has_tf_canned_classifier_signatures) {
  TempDir dir;
  auto model = OpenOrFail(testing::ExportIrisClassifier(dir));
  BOOST_TEST_REQUIRE(model->meta_graphs().size() == 1u);
  const MetaGraphInfo& serve = model->meta_graphs()[0];
  BOOST_TEST(Keys(serve.signatures) == (std::set<std::string>{"classification", "predict", "serving_default"}));
  const SignatureInfo& serving = serve.signatures.at("serving_default");
  BOOST_TEST(serving.method_name == "tensorflow/serving/classify");
  const SignatureTensor& input = serving.inputs.at("inputs");
  BOOST_TEST(input.name == "input_example_tensor:0");
  BOOST_TEST(DataTypeProtoName(input.dtype) == "DT_STRING");
  BOOST_TEST(*input.shape == (TensorShape{-1}), boost::test_tools::per_element());
  BOOST_TEST(*serving.outputs.at("scores").shape == (TensorShape{-1, 3}), boost::test_tools::per_element());
  BOOST_TEST(serve.signatures.at("predict").method_name == "tensorflow/serving/predict");
  const std::set<std::string> ops(serve.ops.begin(), serve.ops.end());
  for (const char* op :
       {"Placeholder", "ParseExampleV2", "VarHandleOp", "ReadVariableOp", "MatMul", "Softmax", "SaveV2", "RestoreV2"}) {
    BOOST_TEST(ops.contains(op), op);
  }
}

BOOST_AUTO_TEST_CASE(meta_graph_is_found_by_its_tag_set_in_any_order) {
  TempDir dir;
  testing::WriteTaggedSavedModel(dir.path(), {{"train"}, {"serve", "gpu"}, {"serve"}});
  auto model = OpenOrFail(dir.path());
  BOOST_TEST(model->FindMetaGraph({"serve"}).value() == &model->meta_graphs()[2]);
  BOOST_TEST(model->FindMetaGraph({"gpu", "serve"}).value() == &model->meta_graphs()[1]);
  // Empty tags are no tags, as in saved_model_cli's --tag_set "serve,".
  BOOST_TEST(model->FindMetaGraph({"serve", ""}).value() == &model->meta_graphs()[2]);
  const Status missing = model->FindMetaGraph({"tpu", "serve"}).status();
  BOOST_TEST(missing.code() == StatusCode::kNotFound);
  BOOST_TEST(missing.message() == "MetaGraphDef associated with tag-set 'serve, tpu' could not be found in " +
                                      model->file() + "; it has the tag-sets 'serve', 'gpu, serve', 'train'");
}

BOOST_AUTO_TEST_CASE(unknown_signature_names_those_the_meta_graph_has) {
  auto model = OpenOrFail(TfServingModel("half_plus_three"));
  const MetaGraphInfo& serve = *model->FindMetaGraph({"serve"}).value();
  BOOST_TEST(model->FindSignature(serve, "serving_default").value() == &serve.signatures.at("serving_default"));
  const Status missing = model->FindSignature(serve, "predict").status();
  BOOST_TEST(missing.code() == StatusCode::kNotFound);
  BOOST_TEST(missing.message() == "Could not find signature \"predict\" in the MetaGraphDef with tag-set 'serve' of " +
                                      model->file() + "; it has \"serving_default\", \"tensorflow/serving/regress\"");
}

BOOST_AUTO_TEST_CASE(missing_directory_and_missing_file_are_not_found_naming_the_path) {
  TempDir dir;
  const Status no_dir = SavedModelReader::Open(dir.file("nope")).status();
  BOOST_TEST(no_dir.code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(no_dir, dir.file("nope")));
  const Status no_file = SavedModelReader::Open(dir.path()).status();
  BOOST_TEST(no_file.code() == StatusCode::kNotFound);
  BOOST_TEST(no_file.message() ==
             "SavedModel file does not exist at: " + dir.path() + "/{saved_model.pbtxt|saved_model.pb}");
  WriteAll(dir.file("file"), "x");
  const Status not_dir = SavedModelReader::Open(dir.file("file")).status();
  BOOST_TEST(!not_dir.ok());
  BOOST_TEST(Contains(not_dir, dir.file("file") + ": not a directory"));
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_tf_file_is_data_loss_naming_it) {
  const std::string contents = ReadAll(TfServingModel("half_plus_two_cpu") + "/saved_model.pb");
  TempDir dir;
  const std::string file = dir.file("saved_model.pb");
  for (size_t size = 0; size < contents.size(); size += size < 64 ? 1 : 97) {
    WriteAll(file, contents.substr(0, size));
    const Status status = SavedModelReader::Open(dir.path()).status();
    BOOST_TEST(status.code() == StatusCode::kDataLoss, size << " bytes: " << status);
    BOOST_TEST(Contains(status, file + ": "), size << " bytes: " << status);
  }
}

BOOST_AUTO_TEST_CASE(bytes_that_are_no_saved_model_are_data_loss) {
  TempDir dir;
  WriteAll(dir.file("saved_model.pb"), "\xff\xff\xff\xff garbage");
  const Status status = SavedModelReader::Open(dir.path()).status();
  BOOST_TEST(status.code() == StatusCode::kDataLoss);
  BOOST_TEST(status.message() ==
             dir.file("saved_model.pb") + ": not a SavedModel proto (12 bytes; truncated or corrupt)");
}

BOOST_AUTO_TEST_CASE(file_over_the_size_limit_is_refused_before_reading) {
  SavedModelReader::Options options;
  options.max_file_bytes = 1000;
  const Status status = SavedModelReader::Open(TfServingModel("counter"), options).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(Contains(status, TfServingModel("counter") + "/saved_model.pb: file of 5289 bytes exceeds the limit"));
}

BOOST_AUTO_TEST_CASE(text_format_file_is_read_when_there_is_no_binary_one) {
  TempDir dir;
  // Unknown fields (object_graph_def here) are skipped, as a TF2 file has more than we model.
  WriteAll(dir.file("saved_model.pbtxt"), R"(saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" tensorflow_version: "2.15.0" }
  signature_def {
    key: "serving_default"
    value {
      inputs { key: "x" value { name: "x:0" dtype: DT_INT4 tensor_shape { unknown_rank: true } } }
      method_name: "tensorflow/serving/predict"
    }
  }
  object_graph_def { nodes { children { node_id: 1 local_name: "f" } } }
}
)");
  auto model = OpenOrFail(dir.path());
  BOOST_TEST(model->file() == dir.file("saved_model.pbtxt"));
  const SignatureTensor& x = model->meta_graphs()[0].signatures.at("serving_default").inputs.at("x");
  BOOST_TEST(DataTypeProtoName(x.dtype) == "DT_INT4");
  BOOST_TEST(!x.shape.has_value());

  WriteAll(dir.file("saved_model.pbtxt"), "saved_model_schema_version: 1\nmeta_graphs { meta_info_def {\n");
  const Status broken = SavedModelReader::Open(dir.path()).status();
  BOOST_TEST(broken.code() == StatusCode::kDataLoss);
  BOOST_TEST(Contains(broken, dir.file("saved_model.pbtxt") + ":3:1: "), broken);
}

BOOST_AUTO_TEST_CASE(saved_model_without_meta_graphs_is_data_loss) {
  TempDir dir;
  WriteAll(dir.file("saved_model.pb"), "");
  const Status status = SavedModelReader::Open(dir.path()).status();
  BOOST_TEST(status.code() == StatusCode::kDataLoss);
  BOOST_TEST(status.message() == dir.file("saved_model.pb") + ": a SavedModel with no MetaGraphDef");
}

BOOST_AUTO_TEST_CASE(contains_saved_model_looks_for_either_file_and_variables_live_in_variables) {
  TempDir dir;
  BOOST_TEST(!ContainsSavedModel(dir.path()));
  BOOST_TEST(ContainsSavedModel(TfServingModel("counter")));
  WriteAll(dir.file("saved_model.pbtxt"), "");
  BOOST_TEST(ContainsSavedModel(dir.path()));
  BOOST_TEST(SavedModelVariablesPrefix("export/123") == "export/123/variables/variables");
}

BOOST_AUTO_TEST_CASE(checkpoint_path_resolves_savedmodels_directories_and_prefixes) {
  // A SavedModel directory: its variables, whatever else the directory holds.
  const std::string model = TfServingModel("counter");
  StatusOr<std::string> variables = ResolveCheckpointPath(model);
  BOOST_TEST_REQUIRE(variables.ok(), variables.status().ToString());
  BOOST_TEST(*variables == SavedModelVariablesPrefix(model));
  // A model directory: the latest checkpoint its state file names.
  TempDir dir;
  WriteAll(dir.file("model.ckpt-7.index"), "");
  WriteAll(dir.file("checkpoint"), "model_checkpoint_path: \"model.ckpt-7\"\n");
  StatusOr<std::string> latest = ResolveCheckpointPath(dir.path());
  BOOST_TEST_REQUIRE(latest.ok(), latest.status().ToString());
  BOOST_TEST(*latest == dir.file("model.ckpt-7"));
  // Anything else is a prefix, as given.
  StatusOr<std::string> prefix = ResolveCheckpointPath(dir.file("model.ckpt-7"));
  BOOST_TEST_REQUIRE(prefix.ok(), prefix.status().ToString());
  BOOST_TEST(*prefix == dir.file("model.ckpt-7"));
  // A directory with neither: LatestCheckpoint's NotFound.
  TempDir empty;
  BOOST_TEST(ResolveCheckpointPath(empty.path()).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(data_type_names_are_tf_enum_names) {
  BOOST_TEST(DataTypeProtoName(DataType::kFloat) == "DT_FLOAT");
  BOOST_TEST(DataTypeProtoName(DataType::kString) == "DT_STRING");
  BOOST_TEST(DataTypeProtoName(static_cast<DataType>(101)) == "DT_FLOAT_REF");
  BOOST_TEST(DataTypeProtoName(static_cast<DataType>(30)) == "DT_UINT4");
  BOOST_TEST(DataTypeProtoName(static_cast<DataType>(57)) == "DataType(57)");
}

}  // namespace
}  // namespace tfcompat
