// SPDX-License-Identifier: Apache-2.0
#include "summary/tag_map.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tfcompat {
namespace {

using Entries = std::vector<std::pair<std::string, std::vector<int>>>;

Entries EntriesOf(const TagMap<std::vector<int>>& map) {
  Entries entries;
  for (const auto& [tag, values] : map) entries.emplace_back(tag, values);
  return entries;
}

BOOST_AUTO_TEST_SUITE(TagMapTest)

BOOST_AUTO_TEST_CASE(FindsEachTagWhateverTheOrderOfLookups) {
  TagMap<std::vector<int>> map;
  // A repeating cycle, then a change of order, a new tag, and tags that
  // differ only past their first 8 bytes, in their last byte or in length.
  const std::vector<std::string> lookups = {"loss",           "accuracy",        "loss", "accuracy", "loss",
                                            "accuracy",       "accuracy",        "new",  "loss",     "layer/0/weights",
                                            "layer/0/biases", "layer/0/weights", "los",  "grad/x",   "grad/y"};
  for (size_t i = 0; i < lookups.size(); ++i) map[lookups[i]].push_back(static_cast<int>(i));
  const Entries expected = {
      {"accuracy", {1, 3, 5, 6}},   {"grad/x", {13}}, {"grad/y", {14}},       {"layer/0/biases", {10}},
      {"layer/0/weights", {9, 11}}, {"los", {12}},    {"loss", {0, 2, 4, 8}}, {"new", {7}}};
  BOOST_TEST((EntriesOf(map) == expected));
}

BOOST_AUTO_TEST_CASE(AMovedMapGoesOnFindingItsTags) {
  TagMap<std::vector<int>> map;
  for (int i = 0; i < 4; ++i) map[i % 2 == 0 ? "a" : "b"].push_back(i);
  TagMap<std::vector<int>> moved(std::move(map));
  for (int i = 4; i < 6; ++i) moved[i % 2 == 0 ? "a" : "b"].push_back(i);
  BOOST_TEST((EntriesOf(moved) == Entries{{"a", {0, 2, 4}}, {"b", {1, 3, 5}}}));
  map = std::move(moved);
  map["b"].push_back(6);
  BOOST_TEST((EntriesOf(map) == Entries{{"a", {0, 2, 4}}, {"b", {1, 3, 5, 6}}}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
