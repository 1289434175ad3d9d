// SPDX-License-Identifier: Apache-2.0
// Optimizers of a part of the trainables, and row-sparse updates: against
// the dense update of the same gradients (zero rows where untouched).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kernels/cpu_features.h"
#include "tfcompat/model/optimizer.h"
#include "tfcompat/model/trainer.h"
#include "util/two_part_model.h"

namespace tfcompat::model {
namespace {

using testing::TwoPartModel;
using Values = std::map<std::string, std::vector<float>>;

constexpr int64_t kRows = 300;
constexpr int64_t kWidth = 7;  // rows start at every alignment

// "table" [kRows, kWidth] and "bias" [4], at values that differ element to element.
struct TableStore {
  explicit TableStore(std::unique_ptr<Optimizer> opt) : optimizer(std::move(opt)) {
    BOOST_REQUIRE(store.AddTrainable("table", {kRows, kWidth}).ok());
    BOOST_REQUIRE(store.AddTrainable("bias", {4}).ok());
    BOOST_REQUIRE(optimizer->CreateSlots(&store, "").ok());
    for (size_t i = 0; i < store.num_params(); ++i) store.params()[i] = std::sin(0.37f * static_cast<float>(i));
  }
  // A gradient on `rows` of the table (every row when empty) and the bias;
  // zero elsewhere. Returns what sparse_gradients() would say.
  std::vector<SparseRows> SetGradients(const std::vector<int64_t>& rows, int step) {
    const std::span<float> grads = store.gradients();
    for (size_t i = 0; i < grads.size(); ++i) grads[i] = std::cos(0.11f * static_cast<float>(i) + step) * 0.5f;
    if (rows.empty()) return {};
    std::vector<bool> touched(kRows, false);
    for (int64_t row : rows) touched[static_cast<size_t>(row)] = true;
    for (int64_t row = 0; row < kRows; ++row) {
      if (touched[static_cast<size_t>(row)]) continue;
      for (int64_t j = 0; j < kWidth; ++j) grads[static_cast<size_t>(row * kWidth + j)] = 0.0f;
    }
    return {SparseRows{0, rows}};
  }
  Values Snapshot() {
    Values values;
    for (const VariableRef& v : store.List()) {
      if (const auto* floats = std::get_if<std::span<float>>(&v.values)) {
        values[std::string(v.name)] = std::vector<float>(floats->begin(), floats->end());
      }
    }
    return values;
  }
  VariableStore store;
  std::unique_ptr<Optimizer> optimizer;
};

using RowsAt = std::function<std::vector<int64_t>(int step)>;

// Rows touched at sparse step s: scattered ones and a run of neighbours.
std::vector<int64_t> TouchedRows(int step) {
  std::vector<int64_t> rows;
  for (int64_t row = 0; row < kRows; ++row) {
    if ((row + step) % 5 == 0 || (row >= 100 + step && row < 110 + step)) rows.push_back(row);
  }
  return rows;
}

bool Touched(const std::vector<int64_t>& rows, int64_t row) {
  return std::find(rows.begin(), rows.end(), row) != rows.end();
}

// Runs `make`'s optimizer twice: one store given the sparse rows, one the
// same gradients as dense. One dense step over every row first, then three
// sparse ones, step s touching rows_at(s). Returns the values of both
// before and after the last step.
struct SparseAndDense {
  Values sparse_before_last, sparse, dense_before_last, dense;
};
SparseAndDense RunSparseAndDense(const std::function<std::unique_ptr<Optimizer>()>& make,
                                 const RowsAt& rows_at = TouchedRows) {
  TableStore sparse(make()), dense(make());
  for (TableStore* s : {&sparse, &dense}) {
    s->SetGradients({}, 0);
    BOOST_REQUIRE(s->optimizer->Apply(&s->store, {}).ok());
  }
  SparseAndDense result;
  for (int step = 1; step <= 3; ++step) {
    result.sparse_before_last = sparse.Snapshot();
    result.dense_before_last = dense.Snapshot();
    const std::vector<SparseRows> rows = sparse.SetGradients(rows_at(step), step);
    BOOST_REQUIRE(sparse.optimizer->Apply(&sparse.store, rows).ok());
    dense.SetGradients(rows_at(step), step);
    BOOST_REQUIRE(dense.optimizer->Apply(&dense.store, {}).ok());
  }
  result.sparse = sparse.Snapshot();
  result.dense = dense.Snapshot();
  return result;
}

// Elements of the table (or a table slot) outside `rows` that differ
// between `a` and `b`.
size_t UntouchedRowsDiffering(const std::vector<float>& a, const std::vector<float>& b,
                              const std::vector<int64_t>& rows) {
  size_t differing = 0;
  for (int64_t row = 0; row < kRows; ++row) {
    if (Touched(rows, row)) continue;
    for (int64_t j = 0; j < kWidth; ++j) differing += a[row * kWidth + j] != b[row * kWidth + j];
  }
  return differing;
}

OptimizerPart Part(size_t first, size_t end, std::string scope = "") {
  return {.first_variable = first, .end_variable = end, .scope = std::move(scope), .default_optimizer = {}};
}

bool IsTable(const std::string& name) { return name == "table" || name.starts_with("table/"); }

BOOST_AUTO_TEST_SUITE(OptimizerPartsTest)

BOOST_AUTO_TEST_CASE(SparseMomentumAndRmsPropLeaveUntouchedRowsAndTheirSlotsWhereDenseUpdatesMoveThem) {
  const std::vector<std::function<std::unique_ptr<Optimizer>()>> makers = {
      [] { return NewMomentumOptimizer(0.1f, 0.9f); },
      [] { return NewMomentumOptimizer(0.1f, 0.9f, /*use_nesterov=*/true); },
      [] { return NewRMSPropOptimizer(0.1f, 0.9f, 0.5f); },
      [] { return NewRMSPropOptimizer(0.1f, 0.9f, 0.5f, 1e-10f, /*centered=*/true); }};
  // The same rows at every sparse step, so that the touched rows have the
  // same history in both stores.
  const std::vector<int64_t> rows = TouchedRows(1);
  for (size_t m = 0; m < makers.size(); ++m) {
    const SparseAndDense run = RunSparseAndDense(makers[m], [&rows](int) { return rows; });
    BOOST_TEST(run.sparse.size() >= 4u, "optimizer " << m);  // table, bias, a slot of each
    for (const auto& [name, values] : run.sparse) {
      const std::vector<float>& dense = run.dense.at(name);
      if (IsTable(name)) {
        BOOST_TEST(UntouchedRowsDiffering(values, run.sparse_before_last.at(name), rows) == 0u,
                   "optimizer " << m << " " << name);
        BOOST_TEST(UntouchedRowsDiffering(dense, run.dense_before_last.at(name), rows) > 0u,
                   "optimizer " << m << " " << name);
      }
      // Touched rows and dense variables: the same update, up to rounding
      // (rsqrt's vector and scalar paths).
      for (size_t i = 0; i < values.size(); ++i) {
        if (IsTable(name) && !Touched(rows, static_cast<int64_t>(i) / kWidth)) continue;
        if (std::abs(values[i] - dense[i]) > 1e-5f * (1.0f + std::abs(dense[i]))) {
          BOOST_ERROR("optimizer " << m << " " << name << "[" << i << "]: " << values[i] << " vs " << dense[i]);
          break;
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(SparseSgdAdagradAndFtrlEqualTheDenseUpdateWithZeroRowsBitForBit) {
  const std::vector<std::function<std::unique_ptr<Optimizer>()>> makers = {
      [] { return NewGradientDescentOptimizer(0.1f); }, [] { return NewAdagradOptimizer(0.1f); },
      [] { return NewFtrlOptimizer(0.1f); }, [] { return NewFtrlOptimizer(0.1f, -0.5f, 0.1f, 0.01f, 0.01f); }};
  // The AVX2 and AVX-512 Adagrad kernels compute every element alike; the
  // Eigen one, for other CPUs, rounds rsqrt differently in its vector and
  // scalar paths, so a row may differ in the last bit there.
  const bool adagrad_exact = kernels::CpuHasAvx2AndFma() || kernels::CpuHasAvx512();
  for (size_t m = 0; m < makers.size(); ++m) {
    const SparseAndDense run = RunSparseAndDense(makers[m]);
    for (const auto& [name, values] : run.sparse) {
      const std::vector<float>& dense = run.dense.at(name);
      BOOST_TEST(values != run.sparse_before_last.at(name), "optimizer " << m << " " << name << " did not change");
      if (m == 1 && !adagrad_exact) {
        for (size_t i = 0; i < values.size(); ++i)
          BOOST_TEST(values[i] == dense[i], boost::test_tools::tolerance(1e-6f));
      } else {
        BOOST_TEST(values == dense, "optimizer " << m << " " << name);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(AdamWithSparseRowsUpdatesEveryRowAsDenseAdam) {
  const SparseAndDense run = RunSparseAndDense([] { return NewAdamOptimizer(0.1f); });
  BOOST_TEST((run.sparse == run.dense));
  // Untouched rows moved too: their m decays, as in TF1's _apply_sparse.
  const std::vector<int64_t> rows = TouchedRows(3);
  BOOST_TEST(UntouchedRowsDiffering(run.sparse.at("table"), run.sparse_before_last.at("table"), rows) > 0u);
  BOOST_TEST(UntouchedRowsDiffering(run.sparse.at("table/Adam"), run.sparse_before_last.at("table/Adam"), rows) > 0u);
}

BOOST_AUTO_TEST_CASE(OptimizerOfAPartHasSlotsForAndUpdatesOnlyItsVariables) {
  VariableStore store;
  for (const char* name : {"a", "b", "c"}) BOOST_REQUIRE(store.AddTrainable(name, {3}).ok());
  auto adam = NewAdamOptimizer(0.1f);
  BOOST_REQUIRE(adam->CreateSlots(&store, Part(1, 2, "p/")).ok());
  std::vector<std::string> names;
  for (const VariableRef& v : store.List()) names.emplace_back(v.name);
  BOOST_TEST(names == std::vector<std::string>(
                          {"a", "b", "b/Adam", "b/Adam_1", "c", "global_step", "p/beta1_power", "p/beta2_power"}));
  for (float& g : store.gradients()) g = 1.0f;
  BOOST_REQUIRE(adam->Apply(&store, {}).ok());
  const std::vector<float> params(store.params().begin(), store.params().end());
  BOOST_TEST(params == std::vector<float>({0, 0, 0, -0.1f, -0.1f, -0.1f, 0, 0, 0}),
             boost::test_tools::tolerance(1e-5f) << boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(BadPartsAndMisuseAreErrors) {
  VariableStore store;
  BOOST_REQUIRE(store.AddTrainable("w", {2}).ok());
  auto opt = NewMomentumOptimizer(0.1f, 0.9f);
  BOOST_TEST((opt->Apply(&store, {}).code() == StatusCode::kFailedPrecondition));
  for (const OptimizerPart& part : {Part(0, 0), Part(0, 2)}) {
    BOOST_TEST((opt->CreateSlots(&store, part).code() == StatusCode::kInvalidArgument));
  }
  BOOST_REQUIRE(opt->CreateSlots(&store, "").ok());
  BOOST_TEST((opt->CreateSlots(&store, "").code() == StatusCode::kFailedPrecondition));
}

BOOST_AUTO_TEST_CASE(BadSparseRowsAreInvalidArgumentAndUpdateNothing) {
  TableStore s(NewMomentumOptimizer(0.1f, 0.9f));
  s.SetGradients({}, 0);
  const Values before = s.Snapshot();
  const std::vector<std::vector<SparseRows>> bad = {{{0, {3, 2}}}, {{0, {4, 4}}}, {{0, {kRows}}},
                                                    {{0, {-1}}},   {{2, {0}}},    {{0, {1}}, {0, {2}}}};
  for (const std::vector<SparseRows>& rows : bad) {
    const Status status = s.optimizer->Apply(&s.store, rows);
    BOOST_TEST((status.code() == StatusCode::kInvalidArgument), status.ToString());
    BOOST_TEST(status.message().find("sparse gradient") != std::string::npos, status.ToString());
  }
  BOOST_TEST((s.Snapshot() == before));
  const Status row = s.optimizer->Apply(&s.store, std::vector<SparseRows>{{0, {5, 2}}});
  BOOST_TEST(row.message() ==
             "sparse gradient of variable table: row 2 at position 1, expected sorted unique rows in "
             "[0, 300)");
}

BOOST_AUTO_TEST_CASE(TwoPartModelGetsFtrlSlotsOnItsFirstPartAndAdagradOnItsSecond) {
  auto trainer = Trainer::Create(std::make_unique<TwoPartModel>(), nullptr, 1).value();
  std::vector<std::string> names;
  for (const VariableRef& v : trainer->variables().List()) names.emplace_back(v.name);
  BOOST_TEST(
      names == std::vector<std::string>(
                   {"dnn/hiddenlayer_0/bias", "dnn/hiddenlayer_0/bias/t_0/Adagrad", "dnn/hiddenlayer_0/kernel",
                    "dnn/hiddenlayer_0/kernel/t_0/Adagrad", "global_step", "linear/linear_model/bias_weights",
                    "linear/linear_model/bias_weights/part_0/Ftrl", "linear/linear_model/bias_weights/part_0/Ftrl_1",
                    "linear/linear_model/island/weights", "linear/linear_model/island/weights/part_0/Ftrl",
                    "linear/linear_model/island/weights/part_0/Ftrl_1"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(TwoPartModelTrainsEachPartWithItsOptimizerAndTouchedRowsOnly) {
  // Momentum on the linear part: a dense update with zero rows would move
  // the untouched rows after the first step.
  auto trainer =
      Trainer::Create(std::make_unique<TwoPartModel>(OptimizerOptions{"Momentum", 0.1f}), nullptr, 1).value();
  auto data = std::make_shared<data::Dataset>();
  data->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x"});
  data->features = {1.0f};
  data->labels = {0.0f};
  auto batches = data::DatasetBatches::Create(data, {.batch_size = 1, .shuffle = false}).value();
  BOOST_REQUIRE(trainer->Train(batches.get(), TrainSteps::Steps(3), {}).ok());
  VariableStore& store = trainer->variables();
  const auto values = [&](const char* name) {
    const auto span = std::get<std::span<float>>(store.Find(name).value().values);
    return std::vector<float>(span.begin(), span.end());
  };
  // Momentum: accum 0.5, 0.95, 1.355; var -0.05, -0.145, -0.2805.
  const std::vector<float> island = values("linear/linear_model/island/weights");
  BOOST_TEST(island == std::vector<float>({0, -0.2805f, 0, -0.2805f, 0}), boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(
      values("linear/linear_model/island/weights/part_0/Momentum") == std::vector<float>({0, 1.355f, 0, 1.355f, 0}),
      boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(values("linear/linear_model/bias_weights")[0] == -0.2805f, boost::test_tools::tolerance(1e-6f));
  // Adagrad 0.05 from accum 0.1, gradient 0.5: every element alike.
  const float accum = values("dnn/hiddenlayer_0/kernel/t_0/Adagrad")[5];
  BOOST_TEST(accum == 0.85f, boost::test_tools::tolerance(1e-6f));
  const float step1 = 0.05f * 0.5f / std::sqrt(0.35f), step2 = 0.05f * 0.5f / std::sqrt(0.6f);
  const float step3 = 0.05f * 0.5f / std::sqrt(0.85f);
  BOOST_TEST(values("dnn/hiddenlayer_0/bias")[2] == -(step1 + step2 + step3), boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(EachPartsAdamHasItsOwnBetaPowersUnderItsScope) {
  auto trainer =
      Trainer::Create(std::make_unique<TwoPartModel>(OptimizerOptions{"Adam", 0.1f}, OptimizerOptions{"Adam", 0.01f}),
                      nullptr, 1)
          .value();
  for (const char* name :
       {"linear/head/beta1_power", "linear/head/beta2_power", "dnn/head/beta1_power", "dnn/head/beta2_power",
        "linear/linear_model/island/weights/part_0/Adam_1", "dnn/hiddenlayer_0/kernel/t_0/Adam"}) {
    BOOST_TEST(trainer->variables().Find(name).ok(), name);
  }
}

BOOST_AUTO_TEST_CASE(ExplicitOptimizerForATwoPartModelIsInvalidArgument) {
  const Status status = Trainer::Create(std::make_unique<TwoPartModel>(), NewAdagradOptimizer(0.1f), 1).status();
  BOOST_TEST((status.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(status.message() ==
             "the model has 2 optimizer parts, which carry their own optimizers; expected no optimizer");
}

// A model whose parts leave a trainable out, or overlap.
class BadPartsModel final : public Model {
 public:
  explicit BadPartsModel(std::vector<OptimizerPart> parts) : parts_(std::move(parts)) {
    for (const char* name : {"a", "b", "c"}) (void)store_.AddTrainable(name, {1}).value();
  }
  VariableStore& variables() override { return store_; }
  std::string_view optimizer_scope() const override { return ""; }
  const OptimizerOptions& default_optimizer() const override { return optimizer_; }
  std::vector<OptimizerPart> optimizer_parts() override { return parts_; }
  StatusOr<StepLoss> ComputeGradients(const data::Batch&, uint64_t) override { return StepLoss{}; }
  StatusOr<Predictions> Predict(const data::Batch&) override { return Predictions{}; }
  Status UpdateMetrics(const data::Batch&, Metrics*) override { return OkStatus(); }

 private:
  VariableStore store_;
  OptimizerOptions optimizer_;
  std::vector<OptimizerPart> parts_;
};

BOOST_AUTO_TEST_CASE(PartsThatDoNotCoverEveryTrainableOnceAreInvalidArgument) {
  const std::vector<std::vector<OptimizerPart>> bad = {
      {}, {Part(0, 2)}, {Part(0, 2), Part(1, 3)}, {Part(1, 3)}, {Part(0, 0), Part(0, 3)}};
  for (const std::vector<OptimizerPart>& parts : bad) {
    const Status status = Trainer::Create(std::make_unique<BadPartsModel>(parts), nullptr, 1).status();
    BOOST_TEST((status.code() == StatusCode::kInvalidArgument), status.ToString());
  }
  BOOST_TEST(
      Trainer::Create(std::make_unique<BadPartsModel>(std::vector<OptimizerPart>{Part(0, 1), Part(1, 3)}), nullptr, 1)
          .ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
