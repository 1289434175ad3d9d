// SPDX-License-Identifier: Apache-2.0
// Estimator::ExportSavedModel: the export directory's layout, the
// MetaGraphDef (tags, signatures of each canned head and receiver, saver,
// collections, a graph whose every input names a node), the variables
// bundle (the model's variables and global_step, no optimizer slot), the
// errors, and atomicity: whichever file operation fails, no integer-named
// directory and no temp directory is left and earlier exports are
// untouched.
#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/tensorflow/saved_model.pb.h"
#include "tfcompat/tensorflow/variable.pb.h"
#include "unit/estimator/export_test_util.h"
#include "util/iris.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat::estimator {
namespace {

namespace fs = boost::filesystem;
using export_test::CheckEveryFailedFileOperationLeavesNoPartialExport;
using export_test::Config;
using export_test::Entries;
using export_test::kQuiet;
using export_test::TrainedClassifier;
using export_test::TrainSteps;
using testing::Contains;
using testing::ReadAll;
using testing::TempDir;

tensorflow::MetaGraphDef ReadMetaGraph(const std::string& export_dir) {
  tensorflow::SavedModel saved_model;
  BOOST_TEST_REQUIRE(saved_model.ParseFromString(ReadAll(export_dir + "/saved_model.pb")));
  BOOST_TEST(saved_model.saved_model_schema_version() == 1);
  BOOST_TEST_REQUIRE(saved_model.meta_graphs_size() == 1);
  return saved_model.meta_graphs(0);
}

std::set<std::string> SignatureKeys(const tensorflow::MetaGraphDef& meta_graph) {
  std::set<std::string> keys;
  for (const auto& [key, signature] : meta_graph.signature_def()) keys.insert(key);
  return keys;
}

std::set<std::string> OutputKeys(const tensorflow::MetaGraphDef& meta_graph, const std::string& signature) {
  std::set<std::string> keys;
  for (const auto& [key, info] : meta_graph.signature_def().at(signature).outputs()) keys.insert(key);
  return keys;
}

BOOST_AUTO_TEST_CASE(export_lays_out_a_timestamped_directory_with_the_graph_and_the_variables) {
  TempDir dir;
  std::unique_ptr<Estimator> estimator = TrainedClassifier(dir);
  const std::string base = dir.file("export");
  const StatusOr<std::string> exported = estimator->ExportSavedModel(base);
  BOOST_TEST_REQUIRE(exported.ok(), exported.status().ToString());
  const std::string name = fs::path(*exported).filename().string();
  BOOST_TEST(fs::path(*exported).parent_path().string() == base);
  BOOST_TEST(name.find_first_not_of("0123456789") == std::string::npos);
  BOOST_TEST(Entries(base) == std::set<std::string>{name});
  BOOST_TEST(Entries(*exported) == (std::set<std::string>{"saved_model.pb", "variables"}));
  BOOST_TEST(Entries(*exported + "/variables") ==
             (std::set<std::string>{"variables.index", "variables.data-00000-of-00001"}));

  // The model's variables and global_step, with the checkpoint's values.
  std::unique_ptr<BundleReader> bundle = BundleReader::Open(*exported + "/variables/variables").value();
  std::vector<std::string> names;
  for (const BundleEntry& entry : bundle->entries()) names.push_back(entry.name);
  const std::vector<std::string> expected = {"dnn/hiddenlayer_0/bias",
                                             "dnn/hiddenlayer_0/kernel",
                                             "dnn/hiddenlayer_1/bias",
                                             "dnn/hiddenlayer_1/kernel",
                                             "dnn/logits/bias",
                                             "dnn/logits/kernel",
                                             "global_step"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
  for (const std::string& variable : expected) {
    BOOST_TEST(bundle->Lookup(variable).value().bytes() == estimator->GetVariableValue(variable).value().bytes(),
               variable);
  }
}

BOOST_AUTO_TEST_CASE(meta_graph_has_tf_saver_collections_and_classifier_signatures) {
  TempDir dir;
  const tensorflow::MetaGraphDef meta_graph =
      ReadMetaGraph(TrainedClassifier(dir)->ExportSavedModel(dir.file("export")).value());
  BOOST_TEST_REQUIRE(meta_graph.meta_info_def().tags_size() == 1);
  BOOST_TEST(meta_graph.meta_info_def().tags(0) == "serve");
  BOOST_TEST(SignatureKeys(meta_graph) == (std::set<std::string>{"classification", "predict", "serving_default"}));
  BOOST_TEST(OutputKeys(meta_graph, "serving_default") == (std::set<std::string>{"classes", "scores"}));
  BOOST_TEST(meta_graph.signature_def().at("serving_default").method_name() == "tensorflow/serving/classify");
  BOOST_TEST(meta_graph.signature_def().at("classification").inputs().at("inputs").name() == "input_example_tensor:0");
  BOOST_TEST(meta_graph.signature_def().at("predict").inputs().at("examples").name() == "input_example_tensor:0");
  BOOST_TEST(OutputKeys(meta_graph, "predict") == (std::set<std::string>{"all_class_ids", "all_classes", "class_ids",
                                                                         "classes", "logits", "probabilities"}));

  const tensorflow::SaverDef& saver = meta_graph.saver_def();
  BOOST_TEST(saver.filename_tensor_name() == "save/Const:0");
  BOOST_TEST(saver.restore_op_name() == "save/restore_all");
  BOOST_TEST(saver.sharded());
  BOOST_TEST(saver.version() == tensorflow::SaverDef::V2);

  // Every input, signature tensor and saver name is a node of the graph.
  std::set<std::string> nodes;
  for (const tensorflow::NodeDef& node : meta_graph.graph_def().node()) {
    BOOST_TEST(nodes.insert(node.name()).second, "duplicate node " << node.name());
  }
  const auto op_of = [](std::string name) {
    if (!name.empty() && name[0] == '^') name.erase(0, 1);
    return name.substr(0, name.find(':'));
  };
  for (const tensorflow::NodeDef& node : meta_graph.graph_def().node()) {
    for (const std::string& input : node.input())
      BOOST_TEST(nodes.count(op_of(input)) == 1, node.name() << " <- " << input);
  }
  for (const auto& [key, signature] : meta_graph.signature_def()) {
    for (const auto& [name, info] : signature.outputs())
      BOOST_TEST(nodes.count(op_of(info.name())) == 1, key << "/" << name);
  }
  for (const std::string& name : {saver.filename_tensor_name(), saver.save_tensor_name(), saver.restore_op_name()}) {
    BOOST_TEST(nodes.count(op_of(name)) == 1, name);
  }

  // Resource variables in TF's collections; global_step is not trainable.
  const auto& collections = meta_graph.collection_def();
  BOOST_TEST(collections.at("variables").bytes_list().value_size() == 7);
  BOOST_TEST(collections.at("trainable_variables").bytes_list().value_size() == 6);
  tensorflow::VariableDef global_step;
  BOOST_TEST_REQUIRE(global_step.ParseFromString(collections.at("global_step").bytes_list().value(0)));
  BOOST_TEST(global_step.variable_name() == "global_step:0");
  BOOST_TEST(global_step.is_resource());
  BOOST_TEST(!global_step.trainable());
  tensorflow::VariableDef kernel;
  BOOST_TEST_REQUIRE(kernel.ParseFromString(collections.at("trainable_variables").bytes_list().value(0)));
  BOOST_TEST(kernel.variable_name() == "dnn/hiddenlayer_0/kernel/part_0:0");
  BOOST_TEST(kernel.save_slice_info_def().full_name() == "dnn/hiddenlayer_0/kernel");
  BOOST_TEST(nodes.count("dnn/hiddenlayer_0/kernel/part_0") == 1);
  BOOST_TEST(collections.at("saved_model_main_op").node_list().value(0) == "group_deps");
}

BOOST_AUTO_TEST_CASE(each_canned_head_exports_tf_signatures) {
  TempDir dir;
  const auto export_meta_graph = [&](Estimator& estimator, const std::string& base, ServingReceiver receiver) {
    return ReadMetaGraph(estimator.ExportSavedModel(dir.file(base), receiver).value());
  };
  {
    TempDir binary_dir;
    model::DNNClassifierOptions options = testing::IrisClassifierOptions();
    options.n_classes = 2;
    // Iris labels go up to 2: the binary head trains on labels 0 and 1.
    std::unique_ptr<Estimator> binary = Estimator::DNNClassifier(options, Config(binary_dir), kQuiet).value();
    auto data = std::make_shared<const data::Dataset>(
        data::ParseCsvDataset("4,4,a,b\n1,2,3,4,0\n4,3,2,1,1\n1,1,1,1,0\n2,2,2,2,1\n", "binary.csv",
                              testing::IrisCsvOptions())
            .value());
    BOOST_TEST_REQUIRE(binary->Train(DatasetInputFn(data, {.batch_size = 4}), model::TrainSteps::Steps(2)).ok());
    const tensorflow::MetaGraphDef meta_graph = export_meta_graph(*binary, "binary", ServingReceiver::kParsing);
    BOOST_TEST(SignatureKeys(meta_graph) ==
               (std::set<std::string>{"classification", "predict", "regression", "serving_default"}));
    BOOST_TEST(OutputKeys(meta_graph, "predict").count("logistic") == 1);
    BOOST_TEST(meta_graph.signature_def().at("regression").outputs().at("outputs").name() ==
               "dnn/head/predictions/logistic:0");
  }
  {
    model::DNNRegressorOptions options;
    options.feature_columns = testing::IrisColumns();
    options.hidden_units = {4};
    TempDir regressor_dir;
    std::unique_ptr<Estimator> regressor = Estimator::DNNRegressor(options, Config(regressor_dir), kQuiet).value();
    TrainSteps(*regressor, 2);
    const tensorflow::MetaGraphDef meta_graph = export_meta_graph(*regressor, "regressor", ServingReceiver::kParsing);
    BOOST_TEST(SignatureKeys(meta_graph) == (std::set<std::string>{"predict", "regression", "serving_default"}));
    BOOST_TEST(meta_graph.signature_def().at("serving_default").method_name() == "tensorflow/serving/regress");
    BOOST_TEST(OutputKeys(meta_graph, "predict") == std::set<std::string>{"predictions"});
  }
  {
    model::LinearClassifierOptions options;
    options.feature_columns = testing::IrisColumns();
    options.n_classes = 3;
    TempDir linear_dir;
    std::unique_ptr<Estimator> linear = Estimator::LinearClassifier(options, Config(linear_dir), kQuiet).value();
    // The raw receiver: one float placeholder per feature, predict only.
    TrainSteps(*linear, 2);
    const tensorflow::MetaGraphDef meta_graph = export_meta_graph(*linear, "linear", ServingReceiver::kRaw);
    BOOST_TEST(SignatureKeys(meta_graph) == std::set<std::string>{"predict"});
    std::set<std::string> inputs;
    for (const auto& [key, info] : meta_graph.signature_def().at("predict").inputs()) {
      inputs.insert(key);
      BOOST_TEST(info.dtype() == tensorflow::DT_FLOAT);
    }
    BOOST_TEST(inputs == std::set<std::string>(testing::kIrisFeatures.begin(), testing::kIrisFeatures.end()));
    BOOST_TEST(meta_graph.signature_def().at("predict").outputs().at("logits").name() ==
               "linear/linear_model/linear_model/linear_model/weighted_sum:0");
  }
}

BOOST_AUTO_TEST_CASE(canned_model_over_feature_columns_exports_the_parsing_receiver_only) {
  TempDir dir;
  using feature_column::CategoricalColumn;
  using feature_column::FeatureColumn;
  const CategoricalColumn sepal = CategoricalColumn::Bucketized("SepalLength", 1, {5.0f, 6.0f}).value();
  model::DNNClassifierOptions options = testing::IrisClassifierOptions({4});
  options.feature_columns = {FeatureColumn::Indicator(sepal), FeatureColumn::Numeric("PetalWidth").value()};
  std::unique_ptr<Estimator> estimator = Estimator::DNNClassifier(options, Config(dir), kQuiet).value();
  TrainSteps(*estimator, 2);
  const tensorflow::MetaGraphDef meta_graph =
      ReadMetaGraph(estimator->ExportSavedModel(dir.file("export"), ServingReceiver::kParsing).value());
  BOOST_TEST(SignatureKeys(meta_graph) == (std::set<std::string>{"classification", "predict", "serving_default"}));
  BOOST_TEST(meta_graph.signature_def()
                 .at("predict")
                 .outputs()
                 .at("probabilities")
                 .name()
                 .starts_with("dnn/head/predictions/"));
  const StatusOr<std::string> raw = estimator->ExportSavedModel(dir.file("raw"), ServingReceiver::kRaw);
  BOOST_TEST(raw.status().code() == StatusCode::kUnimplemented);
  BOOST_TEST(Contains(raw.status(), "with the raw receiver: a model over feature columns"));
  BOOST_TEST(estimator->ExportOnnx(dir.file("onnx")).status().code() == StatusCode::kUnimplemented);
  BOOST_TEST(!fs::exists(dir.file("raw")));
  BOOST_TEST(!fs::exists(dir.file("onnx")));
}

BOOST_AUTO_TEST_CASE(export_without_a_checkpoint_fails_with_tfs_message) {
  TempDir dir;
  std::unique_ptr<Estimator> estimator =
      Estimator::DNNClassifier(testing::IrisClassifierOptions(), Config(dir), kQuiet).value();
  const StatusOr<std::string> exported = estimator->ExportSavedModel(dir.file("export"));
  BOOST_TEST(exported.status().code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(exported.status(), "Couldn't find trained model at " + dir.file("model") + "."));
  BOOST_TEST(!fs::exists(dir.file("export")));
}

BOOST_AUTO_TEST_CASE(export_refuses_a_normalizer_fn_and_a_custom_model_fn) {
  TempDir dir;
  model::DNNClassifierOptions options = testing::IrisClassifierOptions();
  options.feature_columns[1] =
      feature_column::FeatureColumn::Numeric("SepalWidth", 1, std::nullopt, [](float x) { return x / 10; }).value();
  std::unique_ptr<Estimator> normalized = Estimator::DNNClassifier(options, Config(dir), kQuiet).value();
  TrainSteps(*normalized, 1);
  const StatusOr<std::string> exported = normalized->ExportSavedModel(dir.file("export"));
  BOOST_TEST(exported.status().code() == StatusCode::kUnimplemented);
  BOOST_TEST(Contains(exported.status(), "SepalWidth has a normalizer_fn"));

  EstimatorOptions custom{Config(dir), std::nullopt, std::nullopt, kQuiet};
  std::unique_ptr<Estimator> estimator =
      Estimator::Create([](uint64_t seed) { return model::NewDNNClassifier(testing::IrisClassifierOptions(), seed); },
                        custom)
          .value();
  BOOST_TEST(estimator->ExportSavedModel(dir.file("export")).status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(!fs::exists(dir.file("export")));
}

BOOST_AUTO_TEST_CASE(a_failed_file_operation_leaves_no_partial_export_and_earlier_exports_untouched) {
  TempDir dir;
  std::unique_ptr<Estimator> estimator = TrainedClassifier(dir);
  CheckEveryFailedFileOperationLeavesNoPartialExport(
      *estimator, dir.file("export"), [](Estimator& e, const std::string& base) { return e.ExportSavedModel(base); });
}

}  // namespace
}  // namespace tfcompat::estimator
