// SPDX-License-Identifier: Apache-2.0
// One update of var = [1, -2] with grad = [0.5, -1] and learning rate 0.1,
// against values computed independently from TF's documented kernels.
#include "tfcompat/model/optimizer.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace tfcompat::model {
namespace {

struct OneVariable {
  OneVariable() {
    BOOST_REQUIRE(store.AddTrainable("w", {2}, "t_0/").ok());
    store.params()[0] = 1.0f;
    store.params()[1] = -2.0f;
    store.gradients()[0] = 0.5f;
    store.gradients()[1] = -1.0f;
  }
  std::vector<float> Step(Optimizer& optimizer) {
    BOOST_REQUIRE(optimizer.Apply(&store, {}).ok());
    return {store.params()[0], store.params()[1]};
  }
  std::vector<std::string> Names() {
    std::vector<std::string> names;
    for (const VariableRef& v : store.List()) names.emplace_back(v.name);
    return names;
  }
  VariableStore store;
};

void CheckClose(const std::vector<float>& actual, const std::vector<double>& expected) {
  BOOST_REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) BOOST_TEST(actual[i] == expected[i], boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_SUITE(OptimizerTest)

BOOST_AUTO_TEST_CASE(GradientDescentUpdateMatchesTfAndAddsNoSlot) {
  OneVariable v;
  auto opt = NewGradientDescentOptimizer(0.1f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "dnn/head/").ok());
  CheckClose(v.Step(*opt), {0.95, -1.9});
  BOOST_TEST(v.Names() == std::vector<std::string>({"global_step", "w"}));
}

BOOST_AUTO_TEST_CASE(AdagradUpdateMatchesTfWithItsAccumulatorSlot) {
  OneVariable v;
  auto opt = NewAdagradOptimizer(0.1f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "dnn/head/").ok());
  CheckClose(v.Step(*opt), {0.9154845745, -1.9046537411});
  BOOST_TEST(v.Names() == std::vector<std::string>({"global_step", "w", "w/t_0/Adagrad"}));
  BOOST_TEST(std::get<std::span<float>>(v.store.Find("w/t_0/Adagrad")->values)[0] == 0.35f,
             boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(MomentumUpdatesOfTwoStepsMatchTf) {
  OneVariable v;
  auto opt = NewMomentumOptimizer(0.1f, 0.9f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  CheckClose(v.Step(*opt), {0.95, -1.9});
  CheckClose(v.Step(*opt), {0.855, -1.71});
  BOOST_TEST(v.Names() == std::vector<std::string>({"global_step", "w", "w/t_0/Momentum"}));
}

BOOST_AUTO_TEST_CASE(NesterovMomentumUpdateMatchesTf) {
  OneVariable v;
  auto opt = NewMomentumOptimizer(0.1f, 0.9f, /*use_nesterov=*/true);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  CheckClose(v.Step(*opt), {0.905, -1.81});
}

BOOST_AUTO_TEST_CASE(AdamUpdatesMomentsAndBetaPowers) {
  OneVariable v;
  auto opt = NewAdamOptimizer(0.1f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "dnn/head/").ok());
  CheckClose(v.Step(*opt), {0.9000000632, -1.9000000316});
  BOOST_TEST(v.Names() == std::vector<std::string>({"dnn/head/beta1_power", "dnn/head/beta2_power", "global_step", "w",
                                                    "w/t_0/Adam", "w/t_0/Adam_1"}));
  BOOST_TEST(std::get<std::span<float>>(v.store.Find("dnn/head/beta1_power")->values)[0] == 0.81f,
             boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(std::get<std::span<float>>(v.store.Find("dnn/head/beta2_power")->values)[0] == 0.998001f,
             boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(RmsPropUpdateMatchesTfWithTwoSlots) {
  OneVariable v;
  auto opt = NewRMSPropOptimizer(0.1f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  CheckClose(v.Step(*opt), {0.9480124755, -1.9});
  BOOST_TEST(v.Names() == std::vector<std::string>({"global_step", "w", "w/t_0/RMSProp", "w/t_0/RMSProp_1"}));
}

BOOST_AUTO_TEST_CASE(CenteredRmsPropUpdateMatchesTfWithThreeSlots) {
  OneVariable v;
  auto opt = NewRMSPropOptimizer(0.1f, 0.9f, 0.0f, 1e-10f, /*centered=*/true);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  // mg = 0.1 g, so the denominator is sqrt(ms - 0.01 g^2).
  CheckClose(v.Step(*opt), {1.0 - 0.05 / std::sqrt(0.925 - 0.0025), -2.0 + 0.1 / std::sqrt(1.0 - 0.01)});
  BOOST_TEST(v.Names() ==
             std::vector<std::string>({"global_step", "w", "w/t_0/RMSProp", "w/t_0/RMSProp_1", "w/t_0/RMSProp_2"}));
}

BOOST_AUTO_TEST_CASE(FtrlUpdateMatchesTfWithTwoSlots) {
  OneVariable v;
  auto opt = NewFtrlOptimizer(0.1f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  CheckClose(v.Step(*opt), {0.3809620907, -1.3016310519});
  BOOST_TEST(v.Names() == std::vector<std::string>({"global_step", "w", "w/t_0/Ftrl", "w/t_0/Ftrl_1"}));
}

BOOST_AUTO_TEST_CASE(FtrlL1ZeroesSmallWeights) {
  OneVariable v;
  auto opt = NewFtrlOptimizer(0.1f, -0.5f, 0.1f, /*l1=*/100.0f);
  BOOST_REQUIRE(opt->CreateSlots(&v.store, "").ok());
  CheckClose(v.Step(*opt), {0.0, 0.0});
}

// Updates run a piece of the variables at a time: over a block of several
// pieces and a partial one, every element (and every slot element) of a
// variable whose elements start alike ends alike, two steps on. A piece
// skipped, or updated twice, would stand out.
BOOST_AUTO_TEST_CASE(EveryElementOfALargeBlockUpdatedOnce) {
  const std::vector<std::unique_ptr<Optimizer>> optimizers = [] {
    std::vector<std::unique_ptr<Optimizer>> v;
    v.push_back(NewGradientDescentOptimizer(0.1f));
    v.push_back(NewAdagradOptimizer(0.1f));
    v.push_back(NewMomentumOptimizer(0.1f, 0.9f, /*use_nesterov=*/true));
    v.push_back(NewAdamOptimizer(0.1f));
    v.push_back(NewRMSPropOptimizer(0.1f, 0.9f, 0.5f, 1e-10f, /*centered=*/true));
    v.push_back(NewFtrlOptimizer(0.1f, -0.5f, 0.1f, 0.01f, 0.01f));
    return v;
  }();
  for (const std::unique_ptr<Optimizer>& optimizer : optimizers) {
    VariableStore store;
    BOOST_REQUIRE(store.AddTrainable("w", {3, 2000}).ok());
    BOOST_REQUIRE(store.AddTrainable("b", {11}).ok());
    BOOST_REQUIRE(optimizer->CreateSlots(&store, "").ok());
    for (float& x : store.params()) x = 1.0f;
    for (float& g : store.gradients()) g = 0.5f;
    BOOST_REQUIRE(optimizer->Apply(&store, {}).ok());
    BOOST_REQUIRE(optimizer->Apply(&store, {}).ok());
    for (const VariableRef& ref : store.List()) {
      const auto* values = std::get_if<std::span<float>>(&ref.values);
      if (values == nullptr || values->size() < 2) continue;  // global_step, Adam's beta powers
      const float first = (*values)[0];
      BOOST_TEST(first != 1.0f, ref.name);
      size_t differing = 0;
      // Vector and scalar code (the last elements) may round differently.
      for (float x : *values) differing += std::abs(x - first) > 1e-6f * std::abs(first);
      BOOST_TEST(differing == 0u, ref.name << ": " << differing << " elements differ from the first");
    }
  }
}

BOOST_AUTO_TEST_CASE(NewOptimizerTakesTfsNamesAndRejectsOthers) {
  for (const char* name : {"SGD", "Adagrad", "Momentum", "Adam", "RMSProp", "Ftrl"}) {
    BOOST_TEST(NewOptimizer({name, 0.05f}).ok(), name);
  }
  const Status unknown = NewOptimizer({"Adadelta", 0.05f}).status();
  BOOST_TEST((unknown.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(unknown.message().find("Unsupported optimizer name: Adadelta") == 0u);
  BOOST_TEST((NewOptimizer({"SGD", 0.0f}).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
