// SPDX-License-Identifier: Apache-2.0
// Vocabulary files read as TensorFlow 2.15 reads them
// (categorical_column_with_vocabulary_file and its lookup table); the error
// texts after the column's name are TensorFlow's own.
#include "tfcompat/feature_column/vocabulary.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "tfcompat/feature_column/categorical_column.h"
#include "util/temp_dir.h"

namespace tfcompat::feature_column {
namespace {

using Options = CategoricalColumn::VocabularyFileOptions;

class VocabularyFile {
 public:
  explicit VocabularyFile(const std::string& contents) : path_(dir_.file("vocab.txt")) {
    testing::WriteAll(path_, contents);
  }
  const std::string& path() const { return path_; }

 private:
  testing::TempDir dir_;
  std::string path_;
};

void CheckError(const StatusOr<Vocabulary>& vocab, StatusCode code, const std::string& message) {
  BOOST_REQUIRE(!vocab.ok());
  BOOST_TEST((vocab.status().code() == code));
  BOOST_TEST(vocab.status().message() == message);
}

BOOST_AUTO_TEST_SUITE(VocabularyTest)

BOOST_AUTO_TEST_CASE(LinesAreKeysAndLineNumbersAreIds) {
  const VocabularyFile file("Biscoe\r\nDream\nTorgersen");
  const Vocabulary vocab = Vocabulary::FromFile("island", file.path(), std::nullopt, KeyType::kString).value();
  BOOST_TEST(vocab.size() == 3);
  BOOST_TEST(vocab.Find("Biscoe").value() == 0);
  BOOST_TEST(vocab.Find("Dream").value() == 1);
  BOOST_TEST(vocab.Find("Torgersen").value() == 2);
  BOOST_TEST(!vocab.Find("Biscoe\r").has_value());
  BOOST_TEST(!vocab.Find(int64_t{0}).has_value());
}

// TensorFlow 2.15: categorical_column_with_vocabulary_file on "Biscoe\nDream\n
// Torgersen\n" with num_oov_buckets=3 gives [2, 5, 0] for [Torgersen, Atlantis,
// Biscoe]; with vocabulary_size=2 and 1 OOV bucket, [2, 1] for [Torgersen, Dream].
BOOST_AUTO_TEST_CASE(OovBucketsFollowTheLinesRead) {
  const VocabularyFile file("Biscoe\nDream\nTorgersen\n");
  FeatureMap features;
  features["island"] = StringTensor::Dense(1, 3, {"Torgersen", "Atlantis", "Biscoe"});
  const auto all = CategoricalColumn::VocabularyFile("island", file.path(), Options{.num_oov_buckets = 3}).value();
  BOOST_TEST(all.num_buckets() == 6);
  BOOST_TEST(all.Transform(features)->ids == std::vector<int64_t>({2, 5, 0}));
  features["island"] = StringTensor::Dense(1, 2, {"Torgersen", "Dream"});
  const auto first_two =
      CategoricalColumn::VocabularyFile("island", file.path(), Options{.vocabulary_size = 2, .num_oov_buckets = 1})
          .value();
  BOOST_TEST(first_two.Transform(features)->ids == std::vector<int64_t>({2, 1}));
}

// TensorFlow 2.15: an int64 file "3\n-7\n12\n" maps [-7, 5] to [1, -1].
BOOST_AUTO_TEST_CASE(Int64FilesParseLikeSafeStrto64) {
  const VocabularyFile file("3\n-7\n 12 \n");
  FeatureMap features;
  features["code"] = Int64Tensor::Dense(1, 3, {-7, 5, 12});
  const auto column = CategoricalColumn::VocabularyFile("code", file.path(), Options{.dtype = KeyType::kInt64}).value();
  BOOST_TEST(column.Transform(features)->ids == std::vector<int64_t>({1, -1, 2}));
}

BOOST_AUTO_TEST_CASE(ParseInt64AcceptsWhatTensorFlowAccepts) {
  int64_t value = 0;
  BOOST_TEST(ParseInt64("\t-9223372036854775808 ", &value));
  BOOST_TEST(value == std::numeric_limits<int64_t>::min());
  BOOST_TEST(ParseInt64("9223372036854775807", &value));
  BOOST_TEST(value == std::numeric_limits<int64_t>::max());
  BOOST_TEST(!ParseInt64("9223372036854775808", &value));
  BOOST_TEST(!ParseInt64("+1", &value));
  BOOST_TEST(!ParseInt64("1 2", &value));
  BOOST_TEST(!ParseInt64("", &value));
  BOOST_TEST(ParseInt64(std::string("12\0x", 4), &value));
  BOOST_TEST(value == 12);
}

// The messages below are TensorFlow 2.15's for the same files.
BOOST_AUTO_TEST_CASE(EmptyLinesRepeatsAndBadIntegersAreTensorFlowsErrors) {
  const VocabularyFile empty_line("a\nb\r\nc\n\nd\n");
  CheckError(Vocabulary::FromFile("x", empty_line.path(), std::nullopt, KeyType::kString), StatusCode::kInvalidArgument,
             "column 'x': Invalid content in " + empty_line.path() + ": empty line found at position 8.");
  const VocabularyFile repeat("a\nb\na\n");
  CheckError(Vocabulary::FromFile("x", repeat.path(), std::nullopt, KeyType::kString), StatusCode::kFailedPrecondition,
             "column 'x': vocabulary file " + repeat.path() +
                 " line 3: HashTable has different value for same key. Key a has 0 and trying to add value 2");
  const VocabularyFile bad_int("1\n2\nx\n");
  CheckError(Vocabulary::FromFile("x", bad_int.path(), std::nullopt, KeyType::kInt64), StatusCode::kInvalidArgument,
             "column 'x': " + bad_int.path() + ": Field x in line 2 is not a valid int64.");
}

BOOST_AUTO_TEST_CASE(AVocabularySizeBeyondTheFileIsAnError) {
  const VocabularyFile file("a\nb\n");
  CheckError(Vocabulary::FromFile("x", file.path(), 3, KeyType::kString), StatusCode::kInvalidArgument,
             "column 'x': Invalid vocab_size in " + file.path() + ": expected 3 but got 2");
  // Lines past vocabulary_size are not read, so an empty one there is fine.
  const VocabularyFile tail("a\nb\n\n");
  BOOST_TEST(Vocabulary::FromFile("x", tail.path(), 2, KeyType::kString)->size() == 2);
  const VocabularyFile nothing("");
  CheckError(Vocabulary::FromFile("x", nothing.path(), std::nullopt, KeyType::kString), StatusCode::kInvalidArgument,
             "column 'x': Invalid vocabulary_size 0 for " + nothing.path());
}

BOOST_AUTO_TEST_CASE(ADeviceIsNoVocabularyFile) {
  // /dev/zero has no end: reading it as lines would never finish.
  CheckError(Vocabulary::FromFile("x", "/dev/zero", std::nullopt, KeyType::kString), StatusCode::kInvalidArgument,
             "column 'x': vocabulary file /dev/zero is not a regular file");
}

BOOST_AUTO_TEST_CASE(AMissingFileIsNotFound) {
  testing::TempDir dir;
  const StatusOr<Vocabulary> vocab = Vocabulary::FromFile("x", dir.file("none.txt"), std::nullopt, KeyType::kString);
  BOOST_REQUIRE(!vocab.ok());
  BOOST_TEST((vocab.status().code() == StatusCode::kNotFound));
  BOOST_TEST(vocab.status().message().find("column 'x': vocabulary file " + dir.file("none.txt")) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::feature_column
