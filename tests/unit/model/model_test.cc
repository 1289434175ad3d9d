// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/model.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "util/gradient_check.h"
#include "util/iris.h"

namespace tfcompat::model {
namespace {

using feature_column::FeatureColumn;
using feature_column::NumericColumns;
using testing::CheckGradients;
using testing::IrisColumns;

// A batch of `n` examples over the Iris features with features in [-2, 2] and
// labels drawn by `label`.
data::Batch RandomBatch(int n, uint32_t seed, float (*label)(std::mt19937&)) {
  std::mt19937 rng(seed);
  data::Batch batch;
  batch.feature_names = std::make_shared<const std::vector<std::string>>(testing::kIrisFeatures);
  batch.size = n;
  for (int i = 0; i < n * 4; ++i) batch.features.push_back(static_cast<float>(rng() % 4001) / 1000.0f - 2.0f);
  for (int i = 0; i < n; ++i) batch.labels.push_back(label(rng));
  return batch;
}
float ThreeClasses(std::mt19937& rng) { return static_cast<float>(rng() % 3); }
float TwoClasses(std::mt19937& rng) { return static_cast<float>(rng() % 2); }
float RealValued(std::mt19937& rng) { return static_cast<float>(rng() % 1000) / 250.0f - 2.0f; }

DNNClassifierOptions SmallDNN(int n_classes, Activation activation) {
  DNNClassifierOptions options;
  options.feature_columns = IrisColumns();
  options.hidden_units = {5, 4};
  options.n_classes = n_classes;
  options.activation_fn = activation;
  return options;
}

BOOST_AUTO_TEST_SUITE(ModelTest)

BOOST_AUTO_TEST_CASE(GradientsOfEveryActivationMatchFiniteDifferences) {
  for (Activation a : {Activation::kRelu, Activation::kRelu6, Activation::kElu, Activation::kTanh, Activation::kSigmoid,
                       Activation::kLinear}) {
    BOOST_TEST_CONTEXT("activation " << ActivationName(a)) {
      auto model = NewDNNClassifier(SmallDNN(3, a), 5).value();
      CheckGradients(*model, RandomBatch(6, 1, ThreeClasses));
    }
  }
}

BOOST_AUTO_TEST_CASE(GradientsOfBinaryHeadMatchFiniteDifferences) {
  auto model = NewDNNClassifier(SmallDNN(2, Activation::kTanh), 5).value();
  CheckGradients(*model, RandomBatch(6, 2, TwoClasses));
}

BOOST_AUTO_TEST_CASE(GradientsOfRegressionHeadMatchFiniteDifferences) {
  DNNRegressorOptions options;
  options.feature_columns = IrisColumns();
  options.hidden_units = {3};
  options.activation_fn = Activation::kSigmoid;
  options.loss_reduction = LossReduction::kSumOverBatchSize;
  auto model = NewDNNRegressor(options, 5).value();
  CheckGradients(*model, RandomBatch(6, 3, RealValued));
}

BOOST_AUTO_TEST_CASE(GradientsWithDropoutMatchFiniteDifferences) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kTanh);
  options.dropout = 0.4f;
  auto model = NewDNNClassifier(options, 5).value();
  CheckGradients(*model, RandomBatch(6, 4, ThreeClasses));
}

// Restores Gemm()'s packed kernel as it goes out of scope.
class PackedKernelRestorer {
 public:
  PackedKernelRestorer() : saved_(kernels::gemm_internal::SelectedPackedKernel()) {}
  ~PackedKernelRestorer() { kernels::gemm_internal::SelectPackedKernel(saved_); }

 private:
  std::string saved_;
};

// Hidden layers wide enough (72 x 72, batch 64) that their products run on a
// packed kernel (gemm.h): the layer's three products and the fused bias +
// activation, checked end to end on each packed kernel this CPU runs, and on
// Eigen alone (as on a CPU without AVX2).
BOOST_AUTO_TEST_CASE(GradientsOfWideLayersMatchFiniteDifferences) {
  const PackedKernelRestorer restorer;
  std::vector<std::string> kernels = kernels::gemm_internal::CpuPackedKernels();
  kernels.push_back("");  // none
  for (const std::string& kernel : kernels) {
    BOOST_TEST_CONTEXT("packed kernel \"" << kernel << "\"") {
      BOOST_REQUIRE(kernels::gemm_internal::SelectPackedKernel(kernel));
      BOOST_TEST(kernels::GemmUsesPackedKernel(64, 72, 72) == !kernel.empty());
      for (Activation a : {Activation::kRelu, Activation::kTanh}) {
        BOOST_TEST_CONTEXT("activation " << ActivationName(a)) {
          DNNClassifierOptions options = SmallDNN(3, a);
          options.hidden_units = {72, 72};
          options.loss_reduction = LossReduction::kSumOverBatchSize;  // a loss near 1: finer differences
          auto model = NewDNNClassifier(options, 5).value();
          CheckGradients(*model, RandomBatch(64, 6, ThreeClasses));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(GradientsOfLinearClassifierWithNormalizerMatchFiniteDifferences) {
  LinearClassifierOptions options;
  options.feature_columns = IrisColumns();
  options.feature_columns[0] =
      FeatureColumn::Numeric("SepalLength", 1, std::nullopt, [](float x) { return (x - 1.0f) / 2.0f; }).value();
  options.n_classes = 3;
  auto model = NewLinearClassifier(options).value();
  // Move away from the all-zero start so every term is exercised.
  for (size_t i = 0; i < model->variables().num_params(); ++i) {
    model->variables().params()[i] = 0.1f * static_cast<float>(i % 5) - 0.2f;
  }
  CheckGradients(*model, RandomBatch(6, 5, ThreeClasses));
}

// The values of variable `name` (a copy of the span, not of the data).
std::span<float> Values(Model& model, const std::string& name) {
  const VariableRef v = model.variables().Find(name).value();
  return std::get<std::span<float>>(v.values);
}

std::vector<std::string> NamesAndShapes(Model& model) {
  std::vector<std::string> out;
  for (const VariableRef& v : model.variables().List()) {
    std::string s(v.name);
    s += std::holds_alternative<std::span<int64_t>>(v.values) ? " int64 [" : " float [";
    for (size_t i = 0; i < v.shape.size(); ++i) {
      if (i > 0) s += ',';
      s += std::to_string(v.shape[i]);
    }
    out.push_back(s + "]");
  }
  return out;
}

BOOST_AUTO_TEST_CASE(IrisDNNClassifierHasTF1CheckpointNamesAndShapes) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kRelu);
  options.hidden_units = {10, 10};
  auto model = NewDNNClassifier(options, 1).value();
  auto optimizer = NewOptimizer(model->default_optimizer()).value();
  BOOST_REQUIRE(optimizer->CreateSlots(&model->variables(), model->optimizer_scope()).ok());
  BOOST_TEST(
      NamesAndShapes(*model) ==
      std::vector<std::string>(
          {"dnn/hiddenlayer_0/bias float [10]", "dnn/hiddenlayer_0/bias/t_0/Adagrad float [10]",
           "dnn/hiddenlayer_0/kernel float [4,10]", "dnn/hiddenlayer_0/kernel/t_0/Adagrad float [4,10]",
           "dnn/hiddenlayer_1/bias float [10]", "dnn/hiddenlayer_1/bias/t_0/Adagrad float [10]",
           "dnn/hiddenlayer_1/kernel float [10,10]", "dnn/hiddenlayer_1/kernel/t_0/Adagrad float [10,10]",
           "dnn/logits/bias float [3]", "dnn/logits/bias/t_0/Adagrad float [3]", "dnn/logits/kernel float [10,3]",
           "dnn/logits/kernel/t_0/Adagrad float [10,3]", "global_step int64 []"}));
  BOOST_TEST(model->variables().num_params() == 193u);
}

BOOST_AUTO_TEST_CASE(BinaryClassifierHasOneLogit) {
  auto model = NewDNNClassifier(SmallDNN(2, Activation::kRelu), 1).value();
  BOOST_TEST(Values(*model, "dnn/logits/bias").size() == 1u);
}

BOOST_AUTO_TEST_CASE(LinearClassifierHasTF1NamesAndFtrlByDefault) {
  LinearClassifierOptions options;
  options.feature_columns = IrisColumns();
  options.n_classes = 3;
  auto model = NewLinearClassifier(options).value();
  BOOST_TEST(model->default_optimizer().name == "Ftrl");
  BOOST_TEST(model->default_optimizer().learning_rate == 0.2f);
  auto optimizer = NewOptimizer(model->default_optimizer()).value();
  BOOST_REQUIRE(optimizer->CreateSlots(&model->variables(), model->optimizer_scope()).ok());
  const std::vector<std::string> names = NamesAndShapes(*model);
  BOOST_TEST(names.size() == 16u);
  BOOST_TEST(names[0] == "global_step int64 []");
  BOOST_TEST(names[1] == "linear/linear_model/PetalLength/weights float [1,3]");
  BOOST_TEST(names[2] == "linear/linear_model/PetalLength/weights/part_0/Ftrl float [1,3]");
  BOOST_TEST(names[3] == "linear/linear_model/PetalLength/weights/part_0/Ftrl_1 float [1,3]");
  BOOST_TEST(names[13] == "linear/linear_model/bias_weights float [3]");
}

// TF1's LinearRegressor(optimizer='Ftrl') builds Ftrl with the linear
// model's learning rate, 0.2, whatever the column count (its
// min(0.2, 1/sqrt(#columns)) serves only optimizer=None): 36 columns keep 0.2.
BOOST_AUTO_TEST_CASE(LinearRegressorHasTF1NamesOneLogitAndFtrlAtTheLinearRate) {
  LinearRegressorOptions options;
  std::vector<std::string> keys;
  for (int i = 100; i < 136; ++i) keys.push_back(std::string("f").append(std::to_string(i)));
  options.feature_columns = NumericColumns(keys).value();
  auto model = NewLinearRegressor(options).value();
  BOOST_TEST(model->default_optimizer().name == "Ftrl");
  BOOST_TEST(model->default_optimizer().learning_rate == 0.2f);
  BOOST_TEST(model->optimizer_scope() == "linear/head/");
  const std::vector<std::string> names = NamesAndShapes(*model);
  BOOST_TEST(names.size() == 38u);
  BOOST_TEST(names[1] == "linear/linear_model/bias_weights float [1]");
  BOOST_TEST(names[2] == "linear/linear_model/f100/weights float [1,1]");

  // Zero weights predict 0; the head is squared error.
  data::Batch batch;
  batch.feature_names = std::make_shared<const std::vector<std::string>>(keys);
  batch.size = 1;
  batch.features.assign(36, 1.0f);
  batch.labels = {3.0f};
  const Predictions p = model->Predict(batch).value();
  BOOST_TEST(p.predictions == std::vector<float>({0.0f}), boost::test_tools::per_element());
  BOOST_TEST(p.class_ids.empty());
  BOOST_TEST(model->ComputeGradients(batch, 1).value().loss == 9.0);
}

BOOST_AUTO_TEST_CASE(AdamScalarsLiveUnderTheHeadScope) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kRelu);
  auto model = NewDNNClassifier(options, 1).value();
  BOOST_REQUIRE(NewAdamOptimizer()->CreateSlots(&model->variables(), model->optimizer_scope()).ok());
  BOOST_TEST(model->variables().Find("dnn/head/beta1_power").ok());
  BOOST_TEST(model->variables().Find("dnn/logits/kernel/t_0/Adam_1").ok());
}

BOOST_AUTO_TEST_CASE(KernelsStartGlorotUniformAndBiasesZeroSameForASeed) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kRelu);
  options.hidden_units = {10, 10};
  auto a = NewDNNClassifier(options, 42).value();
  auto b = NewDNNClassifier(options, 42).value();
  auto c = NewDNNClassifier(options, 43).value();
  const auto pa = a->variables().params(), pb = b->variables().params(), pc = c->variables().params();
  BOOST_TEST(std::equal(pa.begin(), pa.end(), pb.begin()));
  BOOST_TEST(!std::equal(pa.begin(), pa.end(), pc.begin()));
  const std::span<float> kernel = Values(*a, "dnn/hiddenlayer_1/kernel");
  const float limit = std::sqrt(6.0f / 20.0f);
  double sum_sq = 0;
  for (float w : kernel) {
    BOOST_TEST(std::abs(w) <= limit);
    sum_sq += w * w;
  }
  // Variance of U(-l, l) is l^2 / 3; 100 samples land well within 30% of it.
  BOOST_TEST(sum_sq / 100.0 == limit * limit / 3.0, boost::test_tools::tolerance(0.3));
  for (float v : Values(*a, "dnn/hiddenlayer_1/bias")) BOOST_TEST(v == 0.0f);
}

BOOST_AUTO_TEST_CASE(MultiClassHeadPredictsTheArgmaxWithProbabilitiesSummingToOne) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kRelu);
  options.label_vocabulary = {"Setosa", "Versicolor", "Virginica"};
  auto model = NewDNNClassifier(options, 3).value();
  const data::Batch batch = RandomBatch(4, 9, ThreeClasses);
  const Predictions p = model->Predict(batch).value();
  BOOST_TEST(p.logits.size() == 12u);
  BOOST_TEST(p.probabilities.size() == 12u);
  BOOST_TEST(p.class_ids.size() == 4u);
  for (int b = 0; b < 4; ++b) {
    double sum = 0;
    int64_t best = 0;
    for (int j = 0; j < 3; ++j) {
      sum += p.probabilities[b * 3 + j];
      if (p.logits[b * 3 + j] > p.logits[b * 3 + best]) best = j;
    }
    BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(p.class_ids[b] == best);
    BOOST_TEST(p.classes[b] == options.label_vocabulary[best]);
  }
}

BOOST_AUTO_TEST_CASE(BinaryHeadPredictsTheLogisticOfItsLogit) {
  auto model = NewDNNClassifier(SmallDNN(2, Activation::kRelu), 3).value();
  const Predictions p = model->Predict(RandomBatch(4, 9, TwoClasses)).value();
  for (int b = 0; b < 4; ++b) {
    BOOST_TEST(p.logistic[b] == 1.0 / (1.0 + std::exp(-p.logits[b])), boost::test_tools::tolerance(1e-6));
    BOOST_TEST(p.probabilities[2 * b + 1] == p.logistic[b]);
    BOOST_TEST(p.class_ids[b] == (p.logits[b] > 0 ? 1 : 0));
    BOOST_TEST(p.classes[b] == std::to_string(p.class_ids[b]));
  }
}

BOOST_AUTO_TEST_CASE(LossReductionSumIsBatchSizeTimesAverage) {
  const data::Batch batch = RandomBatch(8, 11, ThreeClasses);
  auto sum = NewDNNClassifier(SmallDNN(3, Activation::kRelu), 3).value();
  DNNClassifierOptions options = SmallDNN(3, Activation::kRelu);
  options.loss_reduction = LossReduction::kSumOverBatchSize;
  auto mean = NewDNNClassifier(options, 3).value();
  const StepLoss s = sum->ComputeGradients(batch, 0).value();
  const StepLoss m = mean->ComputeGradients(batch, 0).value();
  BOOST_TEST(s.loss == 8 * s.average_loss, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(m.loss == s.average_loss, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(MultiClassHeadMetricsAverageLossAndAccuracyOverExamples) {
  auto model = NewDNNClassifier(SmallDNN(3, Activation::kRelu), 3).value();
  const data::Batch a = RandomBatch(4, 12, ThreeClasses), b = RandomBatch(2, 13, ThreeClasses);
  Metrics metrics;
  BOOST_REQUIRE(model->UpdateMetrics(a, &metrics).ok());
  BOOST_REQUIRE(model->UpdateMetrics(b, &metrics).ok());
  const StepLoss la = model->ComputeGradients(a, 0).value(), lb = model->ComputeGradients(b, 0).value();
  const auto result = metrics.Result();
  // loss: mean over batches of the SUM loss; average_loss: mean over examples.
  BOOST_TEST(result.at("loss") == (la.loss + lb.loss) / 2, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(result.at("average_loss") == (la.loss + lb.loss) / 6, boost::test_tools::tolerance(1e-9));
  double correct = 0;
  for (const data::Batch* batch : {&a, &b}) {
    const Predictions p = model->Predict(*batch).value();
    for (int64_t i = 0; i < batch->size; ++i) correct += p.class_ids[i] == batch->labels[i] ? 1 : 0;
  }
  BOOST_TEST(result.at("accuracy") == correct / 6, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(BinaryHeadHasTf1sMetricsOverThePredictedProbability) {
  auto model = NewDNNClassifier(SmallDNN(2, Activation::kRelu), 3).value();
  const data::Batch a = RandomBatch(5, 14, TwoClasses), b = RandomBatch(7, 15, TwoClasses);
  Metrics metrics, curves;
  double positives = 0;
  for (const data::Batch* batch : {&a, &b}) {
    BOOST_REQUIRE(model->UpdateMetrics(*batch, &metrics).ok());
    // The curves are over the predicted probability of class 1.
    const Predictions p = model->Predict(*batch).value();
    curves.AddAuc("auc", AucCurve::kRoc, p.logistic, batch->labels);
    curves.AddAuc("auc_precision_recall", AucCurve::kPrecisionRecall, p.logistic, batch->labels);
    for (float label : batch->labels) positives += label;
  }
  const auto result = metrics.Result();
  std::vector<std::string> names;
  for (const auto& [name, value] : result) names.push_back(name);
  // TF1's binary head: the names of its eval_metric_ops, and the Estimator's loss.
  BOOST_TEST(
      names == (std::vector<std::string>{"accuracy", "accuracy_baseline", "auc", "auc_precision_recall", "average_loss",
                                         "label/mean", "loss", "precision", "prediction/mean", "recall"}),
      boost::test_tools::per_element());
  BOOST_TEST(result.at("label/mean") == positives / 12, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(result.at("accuracy_baseline") == std::max(positives, 12 - positives) / 12,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(result.at("auc") == curves.Result().at("auc"), boost::test_tools::tolerance(1e-6));
  BOOST_TEST(result.at("auc_precision_recall") == curves.Result().at("auc_precision_recall"),
             boost::test_tools::tolerance(1e-6));
}

// Tags of the summaries, in order.
std::vector<std::string> Tags(const std::vector<ModelSummary>& summaries) {
  std::vector<std::string> tags;
  for (const ModelSummary& s : summaries) tags.push_back(s.tag);
  return tags;
}

BOOST_AUTO_TEST_CASE(DnnSummarisesEachLayerAsTF1) {
  auto model = NewDNNClassifier(SmallDNN(3, Activation::kRelu), 3).value();
  BOOST_TEST(model->TrainingSummaries().empty());  // no step yet
  const data::Batch batch = RandomBatch(8, 16, ThreeClasses);
  BOOST_REQUIRE(model->ComputeGradients(batch, 0).ok());
  const std::vector<ModelSummary> summaries = model->TrainingSummaries();
  BOOST_TEST(
      Tags(summaries) == (std::vector<std::string>{
                             "dnn/dnn/hiddenlayer_0/fraction_of_zero_values", "dnn/dnn/hiddenlayer_0/activation",
                             "dnn/dnn/hiddenlayer_1/fraction_of_zero_values", "dnn/dnn/hiddenlayer_1/activation",
                             "dnn/dnn/logits/fraction_of_zero_values", "dnn/dnn/logits/activation", "average_loss"}),
      boost::test_tools::per_element());
  // Each layer: [batch, units] values; the fraction counts their zeros.
  const std::vector<size_t> units = {5, 4, 3};
  for (size_t layer = 0; layer < 3; ++layer) {
    const auto& values = std::get<std::vector<double>>(summaries[2 * layer + 1].value);
    BOOST_TEST(values.size() == 8 * units[layer]);
    const double zeros = static_cast<double>(std::count(values.begin(), values.end(), 0.0));
    BOOST_TEST(std::get<float>(summaries[2 * layer].value) == zeros / static_cast<double>(values.size()),
               boost::test_tools::tolerance(1e-6));
  }
  // The logits histogram holds the logits.
  std::vector<double> logits = std::get<std::vector<double>>(summaries[5].value);
  const Predictions p = model->Predict(batch).value();
  std::vector<double> predicted(p.logits.begin(), p.logits.end());
  std::sort(logits.begin(), logits.end());
  std::sort(predicted.begin(), predicted.end());
  BOOST_TEST(logits == predicted, boost::test_tools::per_element());
  const StepLoss loss = model->ComputeGradients(batch, 0).value();
  BOOST_TEST(std::get<float>(model->TrainingSummaries().back().value) == loss.average_loss,
             boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(DnnSummariesSeeDropoutAndTheLossReduction) {
  DNNClassifierOptions options = SmallDNN(3, Activation::kTanh);  // tanh: no zero of its own
  options.dropout = 0.5f;
  options.loss_reduction = LossReduction::kSumOverBatchSize;
  auto model = NewDNNClassifier(options, 3).value();
  BOOST_REQUIRE(model->ComputeGradients(RandomBatch(50, 17, ThreeClasses), 5).ok());
  const std::vector<ModelSummary> summaries = model->TrainingSummaries();
  // The hidden layers' summaries are of the dropped-out outputs, as TF's.
  BOOST_TEST(std::get<float>(summaries[0].value) > 0.3f);
  BOOST_TEST(std::get<float>(summaries[2].value) > 0.3f);
  // The head summarises average_loss only when the loss is a sum.
  BOOST_TEST(Tags(summaries).back() == "dnn/dnn/logits/activation");
}

BOOST_AUTO_TEST_CASE(LinearModelSummarisesItsWeightsBeforeTheUpdate) {
  LinearClassifierOptions options;
  options.feature_columns = IrisColumns();
  options.n_classes = 2;
  auto binary = NewLinearClassifier(options).value();
  BOOST_REQUIRE(binary->ComputeGradients(RandomBatch(4, 18, TwoClasses), 0).ok());
  // The optimizer's update comes after; TF's summary read the old values.
  for (float& w : binary->variables().params()) w = 0.5f;
  std::vector<ModelSummary> summaries = binary->TrainingSummaries();
  BOOST_TEST(
      Tags(summaries) == (std::vector<std::string>{"linear/bias", "linear/fraction_of_zero_weights", "average_loss"}),
      boost::test_tools::per_element());
  BOOST_TEST(std::get<float>(summaries[0].value) == 0.0f);  // one logit: a scalar
  BOOST_TEST(std::get<float>(summaries[1].value) == 1.0f);
  BOOST_REQUIRE(binary->ComputeGradients(RandomBatch(4, 18, TwoClasses), 0).ok());
  summaries = binary->TrainingSummaries();
  BOOST_TEST(std::get<float>(summaries[0].value) == 0.5f);
  BOOST_TEST(std::get<float>(summaries[1].value) == 0.0f);

  options.n_classes = 3;
  auto multi = NewLinearClassifier(options).value();
  BOOST_REQUIRE(multi->ComputeGradients(RandomBatch(4, 19, ThreeClasses), 0).ok());
  const std::vector<ModelSummary> multi_summaries = multi->TrainingSummaries();
  const auto& bias = std::get<std::vector<double>>(multi_summaries[0].value);
  BOOST_TEST(bias == std::vector<double>(3, 0.0), boost::test_tools::per_element());  // three: a histogram
}

BOOST_AUTO_TEST_CASE(LabelOutOfRangeIsTFsError) {
  auto model = NewDNNClassifier(SmallDNN(3, Activation::kRelu), 3).value();
  data::Batch batch = RandomBatch(2, 1, ThreeClasses);
  batch.labels[1] = 3;
  const Status s = model->ComputeGradients(batch, 0).status();
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message().find("Received a label value of 3") == 0u);
}

BOOST_AUTO_TEST_CASE(MissingFeatureIsAnError) {
  auto model = NewDNNClassifier(SmallDNN(3, Activation::kRelu), 3).value();
  data::Batch batch = RandomBatch(2, 1, ThreeClasses);
  batch.feature_names = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"SepalLength", "SepalWidth", "PetalLength", "Other"});
  const Status s = model->Predict(batch).status();
  BOOST_TEST(s.message() == "Feature PetalWidth is not in features dictionary.");
}

BOOST_AUTO_TEST_CASE(BadModelOptionsAreRejected) {
  DNNClassifierOptions options = SmallDNN(1, Activation::kRelu);
  BOOST_TEST((NewDNNClassifier(options, 0).status().code() == StatusCode::kInvalidArgument));
  options = SmallDNN(3, Activation::kRelu);
  options.hidden_units = {10, 0};
  BOOST_TEST((NewDNNClassifier(options, 0).status().code() == StatusCode::kInvalidArgument));
  options = SmallDNN(3, Activation::kRelu);
  options.label_vocabulary = {"a", "b"};
  BOOST_TEST((NewDNNClassifier(options, 0).status().code() == StatusCode::kInvalidArgument));
  options = SmallDNN(3, Activation::kRelu);
  options.feature_columns.push_back(FeatureColumn::Numeric("SepalLength").value());
  BOOST_TEST(NewDNNClassifier(options, 0).status().message() ==
             "Duplicate feature column key found for column: SepalLength");
  options = SmallDNN(3, Activation::kRelu);
  options.dropout = 1.0f;
  BOOST_TEST((NewDNNClassifier(options, 0).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((ParseActivation("tanh").value() == Activation::kTanh));
  BOOST_TEST((ParseActivation("swish").status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
