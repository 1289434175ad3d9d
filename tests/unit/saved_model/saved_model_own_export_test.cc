// SPDX-License-Identifier: Apache-2.0
// SavedModel::Run on the library's own export: the Iris DNNClassifier
// exported by Estimator::ExportSavedModel (parsing receiver: serialized
// tf.train.Examples in) gives, on every signature that carries them,
// Estimator::Predict's probabilities and class ids on the Iris test set.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "tfcompat/data/example.h"
#include "tfcompat/estimator/estimator.h"
#include "tfcompat/saved_model/saved_model.h"
#include "util/iris.h"
#include "util/temp_dir.h"

namespace tfcompat {
namespace {

using testing::TempDir;

BOOST_AUTO_TEST_SUITE(own_export)

BOOST_AUTO_TEST_CASE(the_exported_classifier_gives_the_estimators_predictions) {
  TempDir dir;
  estimator::RunConfig config;
  config.model_dir = dir.file("model");
  config.tf_random_seed = 1;
  auto trained =
      estimator::Estimator::DNNClassifier(testing::IrisClassifierOptions(), config, [](const std::string&) {}).value();
  const Status status =
      trained->Train(estimator::DatasetInputFn(testing::ReadIris("iris_training.csv"), {.batch_size = 32, .seed = 7}),
                     model::TrainSteps::Steps(50));
  BOOST_TEST_REQUIRE(status.ok(), status);
  const auto test = testing::ReadIris("iris_test.csv");
  const auto predictions =
      trained->Predict(estimator::DatasetInputFn(test, {.batch_size = 1000, .shuffle = false, .num_epochs = 1}));
  BOOST_TEST_REQUIRE(predictions.ok(), predictions.status());
  BOOST_TEST_REQUIRE(predictions->size() == 1u);
  const model::Predictions& expected = predictions->front();

  const StatusOr<std::string> exported = trained->ExportSavedModel(dir.file("export"));
  BOOST_TEST_REQUIRE(exported.ok(), exported.status());
  const StatusOr<std::unique_ptr<SavedModel>> served = SavedModel::Load(*exported, {"serve"});
  BOOST_TEST_REQUIRE(served.ok(), served.status());

  std::vector<std::string> records;
  const size_t width = testing::kIrisFeatures.size();
  for (int64_t row = 0; row < test->num_rows(); ++row) {
    std::map<std::string, data::FeatureValues> features;
    for (size_t f = 0; f < width; ++f) {
      features[testing::kIrisFeatures[f]] = std::vector<float>{test->features[row * width + f]};
    }
    records.push_back(data::SerializeExample(features));
  }
  const Tensor examples = Tensor::FromStrings({test->num_rows()}, records).value();
  // predict takes "examples", classification and serving_default "inputs".
  for (const auto& [signature, input_key, probabilities_key] :
       {std::tuple{"predict", "examples", "probabilities"}, std::tuple{"classification", "inputs", "scores"},
        std::tuple{"serving_default", "inputs", "scores"}}) {
    const StatusOr<std::map<std::string, Tensor>> outputs = (*served)->Run(signature, {{input_key, examples}});
    BOOST_TEST_REQUIRE(outputs.ok(), outputs.status());
    const std::span<const float> probabilities = outputs->at(probabilities_key).flat<float>();
    BOOST_TEST_REQUIRE(probabilities.size() == expected.probabilities.size());
    for (size_t i = 0; i < probabilities.size(); ++i) {
      BOOST_TEST(std::abs(probabilities[i] - expected.probabilities[i]) <= 1e-6f, signature << " element " << i);
    }
    if (outputs->contains("class_ids")) {
      const std::span<const int64_t> class_ids = outputs->at("class_ids").flat<int64_t>();
      BOOST_TEST(std::vector<int64_t>(class_ids.begin(), class_ids.end()) == expected.class_ids,
                 boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
