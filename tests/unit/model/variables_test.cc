// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/model/variables.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace tfcompat::model {
namespace {

std::vector<std::string> Names(VariableStore& store) {
  std::vector<std::string> names;
  for (const VariableRef& v : store.List()) names.emplace_back(v.name);
  return names;
}

BOOST_AUTO_TEST_SUITE(VariablesTest)

BOOST_AUTO_TEST_CASE(TrainablesAreContiguousRowMajorViews) {
  VariableStore store;
  BOOST_TEST(store.AddTrainable("dnn/logits/kernel", {2, 3}, "t_0/").value() == 0u);
  BOOST_TEST(store.AddTrainable("dnn/logits/bias", {3}, "t_0/").value() == 6u);
  BOOST_TEST(store.num_params() == 9u);
  for (size_t i = 0; i < 9; ++i) store.params()[i] = static_cast<float>(i);
  const VariableRef bias = store.Find("dnn/logits/bias").value();
  const auto values = std::get<std::span<float>>(bias.values);
  BOOST_TEST(values.size() == 3u);
  BOOST_TEST(values[0] == 6.0f);
  BOOST_TEST(std::vector<int64_t>(bias.shape.begin(), bias.shape.end()) == std::vector<int64_t>({3}));
}

BOOST_AUTO_TEST_CASE(SlotsAreNamedAfterTheirVariableWithTheInfix) {
  VariableStore store;
  BOOST_REQUIRE(store.AddTrainable("dnn/hiddenlayer_0/kernel", {4, 10}, "t_0/").ok());
  BOOST_REQUIRE(store.AddTrainable("linear/linear_model/bias_weights", {3}, "part_0/").ok());
  const int slot = store.AddSlot("Adagrad", 0.1f).value();
  BOOST_REQUIRE(store.AddScalar("dnn/head/beta1_power", 0.9f).ok());
  store.global_step() = 7;
  BOOST_TEST(Names(store) == std::vector<std::string>({"dnn/head/beta1_power", "dnn/hiddenlayer_0/kernel",
                                                       "dnn/hiddenlayer_0/kernel/t_0/Adagrad", "global_step",
                                                       "linear/linear_model/bias_weights",
                                                       "linear/linear_model/bias_weights/part_0/Adagrad"}));
  BOOST_TEST(store.slot(slot).size() == 43u);
  BOOST_TEST(store.slot(slot)[42] == 0.1f);
  const VariableRef step = store.Find("global_step").value();
  BOOST_TEST(std::get<std::span<int64_t>>(step.values)[0] == 7);
  BOOST_TEST(step.shape.empty());
  const auto accum = std::get<std::span<float>>(store.Find("linear/linear_model/bias_weights/part_0/Adagrad")->values);
  BOOST_TEST(accum.data() == store.slot(slot).data() + 40);
}

BOOST_AUTO_TEST_CASE(SlotBlocksOverRangesHoldOnlyTheirVariablesAndMayShareAName) {
  VariableStore store;
  BOOST_REQUIRE(store.AddTrainable("linear/linear_model/x/weights", {4, 1}, "part_0/").ok());
  BOOST_REQUIRE(store.AddTrainable("dnn/hiddenlayer_0/kernel", {2, 3}, "t_0/").ok());
  BOOST_REQUIRE(store.AddTrainable("dnn/hiddenlayer_0/bias", {3}, "t_0/").ok());
  const int linear = store.AddSlot("Adagrad", 0.1f, 0, 1).value();
  const int dnn = store.AddSlot("Adagrad", 0.2f, 1, 3).value();
  BOOST_TEST(Names(store) == std::vector<std::string>(
                                 {"dnn/hiddenlayer_0/bias", "dnn/hiddenlayer_0/bias/t_0/Adagrad",
                                  "dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_0/kernel/t_0/Adagrad", "global_step",
                                  "linear/linear_model/x/weights", "linear/linear_model/x/weights/part_0/Adagrad"}),
             boost::test_tools::per_element());
  BOOST_TEST(store.slot(linear).size() == 4u);
  BOOST_TEST(store.slot(dnn).size() == 9u);
  BOOST_TEST(store.trainables_range(1, 3).offset == 4u);
  BOOST_TEST(store.row_width(0) == 1u);
  BOOST_TEST(store.row_width(1) == 3u);
  BOOST_TEST(store.row_width(2) == 1u);
  const auto bias_accum = std::get<std::span<float>>(store.Find("dnn/hiddenlayer_0/bias/t_0/Adagrad")->values);
  BOOST_TEST(bias_accum.data() == store.slot(dnn).data() + 6);
  BOOST_TEST(bias_accum[0] == 0.2f);
  // Overlapping ranges would name a slot twice; empty or outside ranges name none.
  BOOST_TEST((store.AddSlot("Adagrad", 0.0f, 0, 2).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((store.AddSlot("Ftrl", 0.0f, 1, 1).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((store.AddSlot("Ftrl", 0.0f, 2, 4).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(DuplicateNameIsInvalidArgument) {
  VariableStore store;
  BOOST_REQUIRE(store.AddTrainable("w", {1}).ok());
  BOOST_TEST((store.AddTrainable("w", {2}).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((store.AddScalar("global_step", 0).status().code() == StatusCode::kInvalidArgument));
  BOOST_REQUIRE(store.AddScalar("w/s", 0).ok());
  BOOST_TEST((store.AddSlot("s", 0).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(BadShapeAndLateTrainableAreRejected) {
  VariableStore store;
  BOOST_TEST((store.AddTrainable("w", {0, 3}).status().code() == StatusCode::kInvalidArgument));
  BOOST_REQUIRE(store.AddTrainable("v", {3}).ok());
  BOOST_REQUIRE(store.AddSlot("Momentum", 0).ok());
  BOOST_TEST((store.AddTrainable("late", {1}).status().code() == StatusCode::kFailedPrecondition));
}

BOOST_AUTO_TEST_CASE(MissingNameIsNotFound) {
  VariableStore store;
  const Status s = store.Find("dnn/logits/bias").status();
  BOOST_TEST((s.code() == StatusCode::kNotFound));
  BOOST_TEST(s.message() == "Key dnn/logits/bias not found in variables");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::model
