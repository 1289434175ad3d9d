// SPDX-License-Identifier: Apache-2.0
// SavedModels for the tests of SavedModelReader, saved_model_tool and
// ckpt_tool: those TensorFlow wrote (tests/testdata), one our Estimator
// exports, and hand-made ones with the tag sets a test needs.
#ifndef TFCOMPAT_TESTS_UTIL_SAVED_MODELS_H_
#define TFCOMPAT_TESTS_UTIL_SAVED_MODELS_H_

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/estimator/estimator.h"
#include "tfcompat/tensorflow/saved_model.pb.h"
#include "util/iris.h"
#include "util/temp_dir.h"

namespace tfcompat::testing {

// TF Serving's test model `name` (half_plus_two_cpu, half_plus_two_tf2_cpu,
// half_plus_two_mkl, half_plus_three, counter): its version 123.
inline std::string TfServingModel(const std::string& name) {
  return std::string(TFCOMPAT_TESTDATA) + "/tf/tf-serving/servables/tensorflow/testdata/saved_model_" + name +
         "/00000123";
}

// TF 1.14's Estimator.export_saved_model of a custom model_fn.
inline std::string EstimatorBasicsModel() {
  return std::string(TFCOMPAT_TESTDATA) + "/tf/estimator-basics/saved_model/1567058788";
}

// A DNNClassifier of Iris trained 3 steps in `dir`/model and exported by
// Estimator::ExportSavedModel (the parsing receiver) under `dir`/export;
// returns the export's directory.
inline std::string ExportIrisClassifier(const TempDir& dir) {
  estimator::RunConfig config;
  config.model_dir = dir.file("model");
  config.tf_random_seed = 1;
  auto estimator =
      estimator::Estimator::DNNClassifier(IrisClassifierOptions(), config, [](const std::string&) {}).value();
  const estimator::InputFn input = estimator::DatasetInputFn(ReadIris("iris_training.csv"), {.batch_size = 32});
  BOOST_TEST_REQUIRE(estimator->Train(input, model::TrainSteps::Steps(3)).ok());
  return estimator->ExportSavedModel(dir.file("export")).value();
}

// Writes `dir`/saved_model.pb with one MetaGraphDef per tag set, in this
// order; each has the signature "serving_default" of a float input "x" and
// an output "y".
inline void WriteTaggedSavedModel(const std::string& dir, const std::vector<std::vector<std::string>>& tag_sets) {
  tensorflow::SavedModel saved_model;
  saved_model.set_saved_model_schema_version(1);
  for (const std::vector<std::string>& tags : tag_sets) {
    tensorflow::MetaGraphDef* meta_graph = saved_model.add_meta_graphs();
    for (const std::string& tag : tags) meta_graph->mutable_meta_info_def()->add_tags(tag);
    tensorflow::SignatureDef& signature = (*meta_graph->mutable_signature_def())["serving_default"];
    tensorflow::TensorInfo& x = (*signature.mutable_inputs())["x"];
    x.set_name("x:0");
    x.set_dtype(tensorflow::DT_FLOAT);
    x.mutable_tensor_shape()->add_dim()->set_size(-1);
    tensorflow::TensorInfo& y = (*signature.mutable_outputs())["y"];
    y.set_name("y:0");
    y.set_dtype(tensorflow::DT_FLOAT);
    y.mutable_tensor_shape()->add_dim()->set_size(-1);
    signature.set_method_name("tensorflow/serving/predict");
  }
  boost::filesystem::create_directories(dir);
  WriteAll(dir + "/saved_model.pb", saved_model.SerializeAsString());
}

}  // namespace tfcompat::testing

#endif  // TFCOMPAT_TESTS_UTIL_SAVED_MODELS_H_
