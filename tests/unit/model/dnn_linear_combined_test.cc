// SPDX-License-Identifier: Apache-2.0
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tfcompat/feature_column/feature_column.h"
#include "tfcompat/model/model.h"
#include "tfcompat/model/trainer.h"
#include "util/gradient_check.h"
#include "util/test_print.h"

namespace tfcompat::model {
namespace {

using feature_column::CategoricalColumn;
using feature_column::Combiner;
using feature_column::FeatureColumn;
using testing::CheckGradients;

// The columns of a small penguin model, one of every kind:
//   linear: island (vocabulary), bill_length_mm (numeric), flipper_bucketized,
//           island_X_sex (crossed), year_weighted_by_w (weighted identity)
//   dnn:    island_embedding, sex_indicator (hashed), bill_length_mm, flipper_bucketized
DNNLinearCombinedOptions PenguinOptions(Combiner embedding_combiner) {
  const CategoricalColumn island =
      CategoricalColumn::VocabularyList("island", {"Biscoe", "Dream", "Torgersen"}).value();
  const CategoricalColumn sex = CategoricalColumn::HashBucket("sex", 10).value();
  const CategoricalColumn flipper = CategoricalColumn::Bucketized("flipper", 1, {180.0f, 200.0f}).value();
  const CategoricalColumn cross = CategoricalColumn::Crossed({"sex", "island"}, 16).value();
  const CategoricalColumn year =
      CategoricalColumn::Weighted(CategoricalColumn::Identity("year", 3).value(), "w").value();
  const FeatureColumn bill = FeatureColumn::Numeric("bill_length_mm").value();
  DNNLinearCombinedOptions options;
  options.linear_feature_columns = {FeatureColumn::Categorical(island), bill, FeatureColumn::Categorical(flipper),
                                    FeatureColumn::Categorical(cross), FeatureColumn::Categorical(year)};
  options.dnn_feature_columns = {FeatureColumn::Embedding(island, 2, embedding_combiner).value(),
                                 FeatureColumn::Indicator(sex), bill, FeatureColumn::Categorical(flipper)};
  options.dnn_hidden_units = {4};
  return options;
}

// Every variable of `model` as "name [d0,d1]", in the store's order.
std::vector<std::string> Described(Model& model) {
  std::vector<std::string> listed;
  for (const VariableRef& v : model.variables().List()) {
    std::string shape;
    for (int64_t d : v.shape) {
      if (!shape.empty()) shape += ',';
      shape += std::to_string(d);
    }
    listed.push_back(std::string(v.name) + " [" + shape + "]");
  }
  return listed;
}

// Four penguins; the second has no island ("" is dropped as TF drops it)
// and an unknown one would get no id (no OOV buckets).
data::Batch PenguinBatch(std::vector<float> labels) {
  data::Batch batch;
  batch.size = 4;
  auto strings = [](std::vector<std::string> values) {
    const auto n = static_cast<int64_t>(values.size());
    return Tensor::FromStrings({n, 1}, std::move(values)).value();
  };
  auto floats = [](std::vector<float> values) {
    const auto n = static_cast<int64_t>(values.size());
    return Tensor::FromVector<float>(DataType::kFloat, {n, 1}, values);
  };
  batch.typed_features.batch_size = 4;
  batch.typed_features.dense["island"] = strings({"Biscoe", "", "Torgersen", "Dream"});
  batch.typed_features.dense["sex"] = strings({"male", "female", "female", "male"});
  batch.typed_features.dense["bill_length_mm"] = floats({0.391f, -0.2f, 0.405f, 0.1f});
  batch.typed_features.dense["flipper"] = floats({181.0f, 210.0f, 175.0f, 200.0f});
  batch.typed_features.dense["year"] = Tensor::FromVector<int64_t>(DataType::kInt64, {4, 1}, {0, 2, 1, 2});
  batch.typed_features.dense["w"] = floats({1.0f, 0.5f, 2.0f, 0.25f});
  batch.labels = std::move(labels);
  return batch;
}

BOOST_AUTO_TEST_SUITE(DNNLinearCombinedTest)

BOOST_AUTO_TEST_CASE(VariablesHaveTF1sNamesAndShapes) {
  auto model = NewDNNLinearCombinedClassifier(PenguinOptions(Combiner::kMean), 1).value();
  // As tf.train.list_variables lists TF 2.15's tf.compat.v1.estimator.DNNLinearCombinedClassifier
  // over the same columns (slots aside).
  const std::vector<std::string> expected = {
      "dnn/hiddenlayer_0/bias [4]",
      "dnn/hiddenlayer_0/kernel [16,4]",
      "dnn/input_from_feature_columns/input_layer/island_embedding/embedding_weights [3,2]",
      "dnn/logits/bias [1]",
      "dnn/logits/kernel [4,1]",
      "global_step []",
      "linear/linear_model/bias_weights [1]",
      "linear/linear_model/bill_length_mm/weights [1,1]",
      "linear/linear_model/flipper_bucketized/weights [3,1]",
      "linear/linear_model/island/weights [3,1]",
      "linear/linear_model/island_X_sex/weights [16,1]",
      "linear/linear_model/year_weighted_by_w/weights [3,1]",
  };
  BOOST_TEST(Described(*model) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(PartsAreTheDnnWithAdagradAndTheLinearModelWithFtrl) {
  auto model = NewDNNLinearCombinedClassifier(PenguinOptions(Combiner::kMean), 1).value();
  const std::vector<OptimizerPart> parts = model->optimizer_parts();
  BOOST_REQUIRE(parts.size() == 2u);
  BOOST_TEST(parts[0].first_variable == 0u);
  BOOST_TEST(parts[0].end_variable == 5u);  // embedding, hidden kernel and bias, logits kernel and bias
  BOOST_TEST(parts[0].default_optimizer.name == "Adagrad");
  BOOST_TEST(parts[0].default_optimizer.learning_rate == 0.001f);
  BOOST_TEST(parts[1].first_variable == 5u);
  BOOST_TEST(parts[1].end_variable == 11u);
  BOOST_TEST(parts[1].default_optimizer.name == "Ftrl");
  // dnn_linear_combined.py: min(0.005, 1 / sqrt(5 linear columns)).
  BOOST_TEST(parts[1].default_optimizer.learning_rate == 0.005f);
}

BOOST_AUTO_TEST_CASE(GradientsMatchFiniteDifferencesForEveryCombinerAndHead) {
  for (Combiner combiner : {Combiner::kSum, Combiner::kMean, Combiner::kSqrtn}) {
    BOOST_TEST_CONTEXT("combiner " << feature_column::CombinerName(combiner)) {
      DNNLinearCombinedOptions options = PenguinOptions(combiner);
      options.linear_sparse_combiner = combiner;
      options.n_classes = 3;
      auto classifier = NewDNNLinearCombinedClassifier(options, 7).value();
      CheckGradients(*classifier, PenguinBatch({0, 2, 1, 1}));
      auto regressor = NewDNNLinearCombinedRegressor(options, 7).value();
      CheckGradients(*regressor, PenguinBatch({0.5f, -1.0f, 2.0f, 0.25f}));
    }
  }
}

BOOST_AUTO_TEST_CASE(SparseGradientsNameTheRowsTheBatchUses) {
  auto model = NewDNNLinearCombinedClassifier(PenguinOptions(Combiner::kMean), 1).value();
  BOOST_REQUIRE(model->ComputeGradients(PenguinBatch({0, 1, 1, 0}), 1).ok());
  std::vector<std::string> described;
  for (const SparseRows& sparse : model->sparse_gradients()) {
    std::string text(model->variables().ListTrainable()[sparse.variable].name);
    text += ':';
    for (int64_t row : sparse.rows) {
      text += ' ';
      text += std::to_string(row);
    }
    described.push_back(std::move(text));
  }
  // Islands Biscoe (0), Torgersen (2), Dream (1); buckets of 181, 210, 175
  // and 200 (upper_bound: 200 is in the last bucket); years 0, 2, 1, 2.
  BOOST_REQUIRE(described.size() == 5u);
  BOOST_TEST(described[0] == "dnn/input_from_feature_columns/input_layer/island_embedding/embedding_weights: 0 1 2");
  BOOST_TEST(described[1] == "linear/linear_model/flipper_bucketized/weights: 0 1 2");
  BOOST_TEST(described[2] == "linear/linear_model/island/weights: 0 1 2");
  BOOST_TEST(described[3].rfind("linear/linear_model/island_X_sex/weights:", 0) == 0u);
  BOOST_TEST(described[4] == "linear/linear_model/year_weighted_by_w/weights: 0 1 2");
}

BOOST_AUTO_TEST_CASE(UntouchedEmbeddingRowsHaveZeroGradient) {
  auto model = NewDNNLinearCombinedClassifier(PenguinOptions(Combiner::kMean), 1).value();
  data::Batch batch = PenguinBatch({0, 1, 1, 0});
  batch.typed_features.dense["island"] = Tensor::FromStrings({4, 1}, {"Dream", "Dream", "", "Dream"}).value();
  BOOST_REQUIRE(model->ComputeGradients(PenguinBatch({0, 1, 1, 0}), 1).ok());
  BOOST_REQUIRE(model->ComputeGradients(batch, 1).ok());
  const VariableRef embedding =
      model->variables().Find("dnn/input_from_feature_columns/input_layer/island_embedding/embedding_weights").value();
  const auto offset =
      static_cast<size_t>(std::get<std::span<float>>(embedding.values).data() - model->variables().params().data());
  const std::span<const float> grad = model->variables().gradients().subspan(offset, 6);
  // Rows Biscoe and Torgersen, used by the first batch only, are zero again.
  BOOST_TEST(grad[0] == 0.0f);
  BOOST_TEST(grad[1] == 0.0f);
  BOOST_TEST((grad[2] != 0.0f || grad[3] != 0.0f));
  BOOST_TEST(grad[4] == 0.0f);
  BOOST_TEST(grad[5] == 0.0f);
}

BOOST_AUTO_TEST_CASE(MeanEmbeddingOfAWeightedColumnIsTheWeightedAverageOfItsRows) {
  // One example with ids 0 (weight 1) and 2 (weight 3), a 2-wide embedding
  // feeding a linear DNN whose kernels are the identity: the logit is
  // (1 e0 + 3 e2) / 4 summed over the two dimensions.
  const CategoricalColumn ids =
      CategoricalColumn::Weighted(CategoricalColumn::Identity("id", 3).value(), "weight").value();
  DNNLinearCombinedOptions options;
  options.dnn_feature_columns = {FeatureColumn::Embedding(ids, 2, Combiner::kMean).value()};
  options.dnn_hidden_units = {2};
  options.dnn_activation_fn = Activation::kLinear;
  auto model = NewDNNLinearCombinedRegressor(options, 1).value();
  VariableStore& store = model->variables();
  auto set = [&](const char* name, std::vector<float> values) {
    auto target = std::get<std::span<float>>(store.Find(name).value().values);
    BOOST_REQUIRE(target.size() == values.size());
    std::copy(values.begin(), values.end(), target.begin());
  };
  set("dnn/input_from_feature_columns/input_layer/id_weighted_by_weight_embedding/embedding_weights",
      {1, 2, 100, 200, 5, 7});
  set("dnn/hiddenlayer_0/kernel", {1, 0, 0, 1});
  set("dnn/logits/kernel", {1, 1});
  data::Batch batch;
  batch.size = 1;
  batch.typed_features.sparse["id"] = {Tensor::FromVector<int64_t>(DataType::kInt64, {2, 2}, {0, 0, 0, 1}),
                                       Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {0, 2}),
                                       Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {1, 2})};
  batch.typed_features.sparse["weight"] = {Tensor::FromVector<int64_t>(DataType::kInt64, {2, 2}, {0, 0, 0, 1}),
                                           Tensor::FromVector<float>(DataType::kFloat, {2}, {1.0f, 3.0f}),
                                           Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {1, 2})};
  const Predictions predictions = model->Predict(batch).value();
  BOOST_TEST(predictions.predictions[0] == (1 * 1 + 3 * 5) / 4.0f + (1 * 2 + 3 * 7) / 4.0f,
             boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(CategoricalColumnInTheDnnIsTFsError) {
  DNNLinearCombinedOptions options;
  options.dnn_feature_columns = {
      FeatureColumn::Categorical(CategoricalColumn::VocabularyList("island", {"Biscoe"}).value())};
  options.dnn_hidden_units = {2};
  const Status status = NewDNNLinearCombinedClassifier(options, 1).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(status.message() ==
             "Items of feature_columns must be a _DenseColumn. You can wrap a categorical column with an "
             "embedding_column or indicator_column. Given: island");
}

BOOST_AUTO_TEST_CASE(MissingFeatureNamesTheColumn) {
  auto model = NewDNNLinearCombinedClassifier(PenguinOptions(Combiner::kMean), 1).value();
  data::Batch batch = PenguinBatch({0, 1, 1, 0});
  batch.typed_features.dense.erase("bill_length_mm");
  const Status status = model->ComputeGradients(batch, 1).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(status.message() == "column 'bill_length_mm': no feature 'bill_length_mm' in the batch");
}

BOOST_AUTO_TEST_SUITE_END()

// The canned DNN and linear models over columns other than plain numeric
// ones: TF1's DNNClassifier / LinearClassifier names, slots and defaults.
BOOST_AUTO_TEST_SUITE(CannedOverFeatureColumnsTest)

const CategoricalColumn& Island() {
  static const CategoricalColumn island =
      CategoricalColumn::VocabularyList("island", {"Biscoe", "Dream", "Torgersen"}).value();
  return island;
}

BOOST_AUTO_TEST_CASE(DnnClassifierHasTF1sNamesAndT0SlotsForEveryVariable) {
  DNNClassifierOptions options;
  options.feature_columns = {FeatureColumn::Embedding(Island(), 2).value(), FeatureColumn::Indicator(Island()),
                             FeatureColumn::Numeric("bill_length_mm").value()};
  options.hidden_units = {4};
  auto trainer = Trainer::Create(NewDNNClassifier(options, 1).value(), nullptr, 1).value();
  BOOST_TEST(trainer->model().optimizer_scope() == "dnn/head/");
  BOOST_TEST(trainer->model().default_optimizer().name == "Adagrad");
  BOOST_TEST(trainer->model().default_optimizer().learning_rate == 0.05f);
  // As tf.train.list_variables lists TF 2.15's tf.compat.v1.estimator.DNNClassifier
  // ([4], [embedding(island, 2), indicator(island), numeric bill_length_mm]):
  // the input is 2 + 1 + 3 wide, columns sorted by name.
  const std::vector<std::string> expected = {
      "dnn/hiddenlayer_0/bias [4]",
      "dnn/hiddenlayer_0/bias/t_0/Adagrad [4]",
      "dnn/hiddenlayer_0/kernel [6,4]",
      "dnn/hiddenlayer_0/kernel/t_0/Adagrad [6,4]",
      "dnn/input_from_feature_columns/input_layer/island_embedding/embedding_weights [3,2]",
      "dnn/input_from_feature_columns/input_layer/island_embedding/embedding_weights/t_0/Adagrad [3,2]",
      "dnn/logits/bias [1]",
      "dnn/logits/bias/t_0/Adagrad [1]",
      "dnn/logits/kernel [4,1]",
      "dnn/logits/kernel/t_0/Adagrad [4,1]",
      "global_step []",
  };
  BOOST_TEST(Described(trainer->model()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(LinearClassifierHasTF1sNamesAndPart0FtrlSlots) {
  LinearClassifierOptions options;
  options.feature_columns = {FeatureColumn::Categorical(Island()), FeatureColumn::Numeric("bill_length_mm").value()};
  auto trainer = Trainer::Create(NewLinearClassifier(options).value(), nullptr, 1).value();
  BOOST_TEST(trainer->model().optimizer_scope() == "linear/head/");
  BOOST_TEST(trainer->model().default_optimizer().name == "Ftrl");
  BOOST_TEST(trainer->model().default_optimizer().learning_rate == kLinearLearningRate);
  const std::vector<std::string> expected = {
      "global_step []",
      "linear/linear_model/bias_weights [1]",
      "linear/linear_model/bias_weights/part_0/Ftrl [1]",
      "linear/linear_model/bias_weights/part_0/Ftrl_1 [1]",
      "linear/linear_model/bill_length_mm/weights [1,1]",
      "linear/linear_model/bill_length_mm/weights/part_0/Ftrl [1,1]",
      "linear/linear_model/bill_length_mm/weights/part_0/Ftrl_1 [1,1]",
      "linear/linear_model/island/weights [3,1]",
      "linear/linear_model/island/weights/part_0/Ftrl [3,1]",
      "linear/linear_model/island/weights/part_0/Ftrl_1 [3,1]",
  };
  BOOST_TEST(Described(trainer->model()) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(GradientsOfTheFourCannedModelsMatchFiniteDifferences) {
  for (Combiner combiner : {Combiner::kSum, Combiner::kMean, Combiner::kSqrtn}) {
    BOOST_TEST_CONTEXT("combiner " << feature_column::CombinerName(combiner)) {
      const DNNLinearCombinedOptions columns = PenguinOptions(combiner);
      DNNClassifierOptions dnn_classifier;
      dnn_classifier.feature_columns = columns.dnn_feature_columns;
      dnn_classifier.hidden_units = {4};
      dnn_classifier.n_classes = 3;
      CheckGradients(*NewDNNClassifier(dnn_classifier, 7).value(), PenguinBatch({0, 2, 1, 1}));
      DNNRegressorOptions dnn_regressor;
      dnn_regressor.feature_columns = columns.dnn_feature_columns;
      dnn_regressor.hidden_units = {4, 3};
      CheckGradients(*NewDNNRegressor(dnn_regressor, 7).value(), PenguinBatch({0.5f, -1.0f, 2.0f, 0.25f}));
      LinearClassifierOptions linear_classifier;
      linear_classifier.feature_columns = columns.linear_feature_columns;
      linear_classifier.sparse_combiner = combiner;
      linear_classifier.n_classes = 3;
      auto classifier = NewLinearClassifier(linear_classifier).value();
      // Move away from the all-zero start so every term is exercised.
      for (size_t i = 0; i < classifier->variables().num_params(); ++i) {
        classifier->variables().params()[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
      }
      CheckGradients(*classifier, PenguinBatch({0, 2, 1, 1}));
      LinearRegressorOptions linear_regressor;
      linear_regressor.feature_columns = columns.linear_feature_columns;
      linear_regressor.sparse_combiner = combiner;
      CheckGradients(*NewLinearRegressor(linear_regressor).value(), PenguinBatch({0.5f, -1.0f, 2.0f, 0.25f}));
    }
  }
}

BOOST_AUTO_TEST_CASE(SparseCombinerOfTheLinearModelCombinesAnExamplesIds) {
  // A weighted column: the sum of weight * row, the mean divides by the
  // summed weights; with one id per example, sum = w * row and mean = row.
  const CategoricalColumn year =
      CategoricalColumn::Weighted(CategoricalColumn::Identity("year", 3).value(), "w").value();
  for (const auto& [combiner, expected] : {std::pair{Combiner::kSum, 0.5f}, std::pair{Combiner::kMean, 1.0f}}) {
    LinearRegressorOptions options;
    options.feature_columns = {FeatureColumn::Categorical(year)};
    options.sparse_combiner = combiner;
    auto model = NewLinearRegressor(options).value();
    std::fill(model->variables().params().begin(), model->variables().params().end(), 1.0f);
    const Predictions predictions = model->Predict(PenguinBatch({0, 0, 0, 0})).value();
    // The second penguin: year 2, weight 0.5, bias 1.
    BOOST_TEST(predictions.predictions[1] == expected + 1.0f);
  }
}

BOOST_AUTO_TEST_CASE(NormalizerFnOfANumericColumnIsAppliedOverFeatureColumns) {
  LinearRegressorOptions options;
  options.feature_columns = {
      FeatureColumn::Categorical(Island()),
      FeatureColumn::Numeric("bill_length_mm", 1, std::nullopt, [](float x) { return 10.0f * x; }).value()};
  auto model = NewLinearRegressor(options).value();
  // bias_weights first (sorted by name: bias aside, bill_length_mm then island).
  std::fill(model->variables().params().begin(), model->variables().params().end(), 0.0f);
  for (const VariableRef& v : model->variables().ListTrainable()) {
    if (v.name == "linear/linear_model/bill_length_mm/weights") std::get<std::span<float>>(v.values)[0] = 1.0f;
  }
  const Predictions predictions = model->Predict(PenguinBatch({0, 0, 0, 0})).value();
  BOOST_TEST(predictions.predictions[0] == 3.91f, boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(TrainingSummariesAreTheCannedModels) {
  DNNClassifierOptions dnn;
  dnn.feature_columns = {FeatureColumn::Embedding(Island(), 2).value()};
  dnn.hidden_units = {4};
  auto dnn_model = NewDNNClassifier(dnn, 1).value();
  BOOST_REQUIRE(dnn_model->ComputeGradients(PenguinBatch({0, 1, 1, 0}), 1).ok());
  std::vector<std::string> tags;
  for (const ModelSummary& summary : dnn_model->TrainingSummaries()) tags.push_back(summary.tag);
  const std::vector<std::string> dnn_tags = {
      "dnn/dnn/hiddenlayer_0/fraction_of_zero_values", "dnn/dnn/hiddenlayer_0/activation",
      "dnn/dnn/logits/fraction_of_zero_values", "dnn/dnn/logits/activation", "average_loss"};
  BOOST_TEST(tags == dnn_tags, boost::test_tools::per_element());

  LinearClassifierOptions linear;
  linear.feature_columns = {FeatureColumn::Categorical(Island())};
  auto linear_model = NewLinearClassifier(linear).value();
  BOOST_REQUIRE(linear_model->ComputeGradients(PenguinBatch({0, 1, 1, 0}), 1).ok());
  tags.clear();
  for (const ModelSummary& summary : linear_model->TrainingSummaries()) tags.push_back(summary.tag);
  const std::vector<std::string> linear_tags = {"linear/bias", "linear/fraction_of_zero_weights", "average_loss"};
  BOOST_TEST(tags == linear_tags, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(BareCategoricalColumnInACannedDnnIsTFsError) {
  DNNClassifierOptions options;
  options.feature_columns = {FeatureColumn::Categorical(Island())};
  options.hidden_units = {4};
  const Status status = NewDNNClassifier(options, 1).status();
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(status.message() ==
             "Items of feature_columns must be a _DenseColumn. You can wrap a categorical column with an "
             "embedding_column or indicator_column. Given: island");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
