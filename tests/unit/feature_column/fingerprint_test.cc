// SPDX-License-Identifier: Apache-2.0
#include "feature_column/fingerprint.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace tfcompat::feature_column {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

BOOST_AUTO_TEST_SUITE(FingerprintTest)

// TensorFlow 2.15 computed these: tf.strings.to_hash_bucket_fast(s, 2**63 - 1),
// i.e. Fingerprint64(s) % (2^63 - 1), for "", "a", "Biscoe", "hello world", "é".
BOOST_AUTO_TEST_CASE(Fingerprint64IsTensorFlows) {
  const std::vector<std::string> inputs = {"", "a", "Biscoe", "hello world", "\xc3\xa9"};
  const std::vector<int64_t> expected = {1936946117179621456, 3694432073954588132, 5749693388130625023,
                                         6381520714923946011, 693143013273849025};
  for (size_t i = 0; i < inputs.size(); ++i) {
    BOOST_TEST(static_cast<int64_t>(Fingerprint64(inputs[i]) % kInt64Max) == expected[i], "input " << i);
  }
}

// TensorFlow 2.15: tf.strings.to_hash_bucket_fast(["Biscoe", "", "a", "Dream", "Torgersen"], 16).
BOOST_AUTO_TEST_CASE(HashBucketIsToHashBucketFast) {
  BOOST_TEST(HashBucket("Biscoe", 16) == 14);
  BOOST_TEST(HashBucket("", 16) == 15);
  BOOST_TEST(HashBucket("a", 16) == 3);
  BOOST_TEST(HashBucket("Dream", 16) == 15);
  BOOST_TEST(HashBucket("Torgersen", 16) == 6);
  BOOST_TEST(HashBucket("anything", 1) == 0);
}

// TensorFlow 2.15: tf.sparse.cross_hashed([[[1]], [[2]]] as int64, num_buckets=0,
// hash_key=7) gives FingerprintCat64(FingerprintCat64(7, 1), 2) % (2^63 - 1);
// without hash_key, the key is 0xDECAFCAFFE.
BOOST_AUTO_TEST_CASE(FingerprintCat64IsTensorFlows) {
  BOOST_TEST(static_cast<int64_t>(FingerprintCat64(FingerprintCat64(7, 1), 2) % kInt64Max) == 8338789700882332938);
  BOOST_TEST(static_cast<int64_t>(FingerprintCat64(FingerprintCat64(0xDECAFCAFFE, 1), 2) % kInt64Max) ==
             5036120653031601357);
}

BOOST_AUTO_TEST_CASE(FingerprintCat64DependsOnTheOrder) {
  BOOST_TEST(FingerprintCat64(1, 2) != FingerprintCat64(2, 1));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::feature_column
