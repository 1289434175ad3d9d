// SPDX-License-Identifier: Apache-2.0
#include "data/batch_fingerprint.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/batches.h"

namespace tfcompat::data {
namespace {

using testing::BatchOfEveryKind;

// BatchOfEveryKind(3)'s parts, each changed in one way, by what changes.
const std::vector<std::pair<std::string, std::function<void(Batch*)>>>& OneChangeEach() {
  static const std::vector<std::pair<std::string, std::function<void(Batch*)>>> changes = {
      {"size", [](Batch* b) { b->size = 4; }},
      {"a feature name",
       [](Batch* b) {
         b->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"x", "z"});
       }},
      {"the feature names split otherwise",
       [](Batch* b) {
         b->feature_names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"xy", ""});
       }},
      {"a feature's sign bit: 0.0 to -0.0", [](Batch* b) { b->features[0] = -0.0f; }},
      {"a feature's last bit", [](Batch* b) { b->features[5] = std::nextafter(b->features[5], 1000.0f); }},
      {"a label", [](Batch* b) { b->labels[2] = 1.0f; }},
      {"no labels", [](Batch* b) { b->labels.clear(); }},
      {"the last feature moved to the labels",
       [](Batch* b) {
         b->labels.insert(b->labels.begin(), b->features.back());
         b->features.pop_back();
       }},
      {"typed batch_size", [](Batch* b) { b->typed_features.batch_size = 0; }},
      {"a dense key", [](Batch* b) { b->typed_features.dense["iD"] = b->typed_features.dense.extract("id").mapped(); }},
      {"a dense dtype with the same bytes",
       [](Batch* b) {
         Tensor& id = b->typed_features.dense["id"];
         id = Tensor::FromBytes(DataType::kUInt64, id.shape(), std::string(id.bytes())).value();
       }},
      {"a dense shape with the same bytes",
       [](Batch* b) {
         Tensor& grid = b->typed_features.dense["grid"];
         grid = Tensor::FromBytes(DataType::kInt32, {3, 4}, std::string(grid.bytes())).value();
       }},
      {"a dense value", [](Batch* b) { b->typed_features.dense["id"].mutable_flat<int64_t>()[1] = 7; }},
      {"a string", [](Batch* b) { (*b->typed_features.dense["name"].mutable_strings())[2] = "name3"; }},
      {"strings split otherwise",
       [](Batch* b) {
         *b->typed_features.dense["name"].mutable_strings() = {"name", "0name1", "name2"};
       }},
      {"a dense feature dropped", [](Batch* b) { b->typed_features.dense.erase("pair"); }},
      {"a sparse key",
       [](Batch* b) { b->typed_features.sparse["tag"] = b->typed_features.sparse.extract("tags").mapped(); }},
      {"a sparse index", [](Batch* b) { b->typed_features.sparse["weights"].indices.mutable_flat<int64_t>()[3] = 1; }},
      {"a sparse value", [](Batch* b) { (*b->typed_features.sparse["tags"].values.mutable_strings())[0] = "tag"; }},
      {"a sparse dense_shape",
       [](Batch* b) { b->typed_features.sparse["tags"].dense_shape.mutable_flat<int64_t>()[1] = 5; }},
      {"a sparse feature made dense",
       [](Batch* b) {
         b->typed_features.dense["weights"] = b->typed_features.sparse["weights"].values;
         b->typed_features.sparse.erase("weights");
       }},
  };
  return changes;
}

BOOST_AUTO_TEST_SUITE(batch_fingerprint)

BOOST_AUTO_TEST_CASE(equal_batches_have_equal_fingerprints) {
  const Batch batch = BatchOfEveryKind(3);
  const Batch copy = batch;
  BOOST_TEST(BatchFingerprint(copy) == BatchFingerprint(batch));
  BOOST_TEST(BatchFingerprint(BatchOfEveryKind(3)) == BatchFingerprint(batch));  // built apart: no address counts
  BOOST_TEST(BatchFingerprint(Batch{}) == BatchFingerprint(Batch{}));

  Batch no_names = batch;  // a null pointer counts as no names
  no_names.feature_names = nullptr;
  no_names.features.clear();
  Batch empty_names = no_names;
  empty_names.feature_names = std::make_shared<const std::vector<std::string>>();
  BOOST_TEST(BatchFingerprint(no_names) == BatchFingerprint(empty_names));
}

BOOST_AUTO_TEST_CASE(any_one_change_gives_a_fingerprint_of_its_own) {
  const Batch batch = BatchOfEveryKind(3);
  std::map<uint64_t, std::string> seen = {{BatchFingerprint(batch), "the batch itself"}};
  for (const auto& [what, change] : OneChangeEach()) {
    Batch changed = batch;
    change(&changed);
    const auto [it, added] = seen.emplace(BatchFingerprint(changed), what);
    BOOST_TEST_INFO("changed " << what);
    BOOST_TEST(added, "same fingerprint as " << it->second);
  }
}

BOOST_AUTO_TEST_CASE(the_fingerprint_is_a_known_answer_the_same_in_every_process) {
  // FarmHash's Fingerprint64 is the same on every platform; a change of
  // these values is a change of what ranks compare, so ranks built from
  // versions on either side of it would disagree on every batch.
  BOOST_TEST(BatchFingerprint(Batch{}) == 7729396717014748378ULL);
  BOOST_TEST(BatchFingerprint(BatchOfEveryKind(3)) == 8683996546298017226ULL);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::data
