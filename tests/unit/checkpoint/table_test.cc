// SPDX-License-Identifier: Apache-2.0
#include "checkpoint/table.h"

#include <boost/test/unit_test.hpp>

#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat::table {
namespace {

using testing::Contains;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// The 123-byte index of tf-serving's saved_model_counter, decoded in
// docs/formats/checkpoint.md: "" -> header, "counter" -> float32 scalar entry.
std::string CounterIndex() {
  std::string file;
  file += Bytes({0x00, 0x00, 0x06, 0x08, 0x01, 0x1a, 0x02, 0x08, 0x01});
  file +=
      Bytes({0x00, 0x07, 0x0b}) + "counter" + Bytes({0x08, 0x01, 0x12, 0x00, 0x28, 0x04, 0x35, 0xa6, 0x7b, 0x11, 0x3a});
  file += Bytes({0, 0, 0, 0, 1, 0, 0, 0});
  file += Bytes({0x00, 0x5f, 0xa0, 0x10, 0x73});
  file += Bytes({0, 0, 0, 0, 1, 0, 0, 0, 0x00, 0xc0, 0xf2, 0xa1, 0xb0});
  file += Bytes({0x00, 0x01, 0x02, 0x64, 0x00, 0x26, 0, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x22, 0xb1, 0x61, 0x03});
  file +=
      Bytes({0x2b, 0x08, 0x38, 0x0e}) + std::string(36, '\0') + Bytes({0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb});
  return file;
}

const std::string kCounterEntry = Bytes({0x08, 0x01, 0x12, 0x00, 0x28, 0x04, 0x35, 0xa6, 0x7b, 0x11, 0x3a});
const std::string kHeader = Bytes({0x08, 0x01, 0x1a, 0x02, 0x08, 0x01});

BOOST_AUTO_TEST_SUITE(TableTest)

BOOST_AUTO_TEST_CASE(CounterIndexKnownAnswer) {
  const std::string expected = CounterIndex();
  BOOST_REQUIRE_EQUAL(expected.size(), 123u);
  TableBuilder builder;
  BOOST_REQUIRE(builder.Add("", kHeader).ok());
  BOOST_REQUIRE(builder.Add("counter", kCounterEntry).ok());
  StatusOr<std::string> file = builder.Finish();
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(*file == expected);
  // And the real file TensorFlow wrote is the same.
  BOOST_TEST(*file == testing::ReadAll(std::string(TFCOMPAT_TESTDATA) +
                                       "/tf/tf-serving/servables/tensorflow/testdata/saved_model_counter/00000123/"
                                       "variables/variables.index"));
}

BOOST_AUTO_TEST_CASE(ReadsCounterIndex) {
  auto entries = ReadTable(CounterIndex());
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE_EQUAL(entries->size(), 2u);
  BOOST_TEST((*entries)[0].first == "");
  BOOST_TEST((*entries)[0].second == kHeader);
  BOOST_TEST((*entries)[1].first == "counter");
  BOOST_TEST((*entries)[1].second == kCounterEntry);
}

BOOST_AUTO_TEST_CASE(FooterKnownAnswer) {
  Footer footer{{43, 8}, {56, 14}};
  std::string out;
  footer.EncodeTo(&out);
  BOOST_TEST(out == CounterIndex().substr(75));
  Footer decoded;
  BOOST_REQUIRE(decoded.DecodeFrom(out).ok());
  BOOST_TEST(decoded.index.offset == 56u);
  BOOST_TEST(decoded.index.size == 14u);
  BOOST_TEST(decoded.metaindex.offset == 43u);
}

BOOST_AUTO_TEST_CASE(SeparatorAndSuccessorShortenKeys) {
  std::string start = "abcd";
  FindShortestSeparator(&start, "abzz");
  BOOST_TEST(start == "abd");
  start = "abc";
  FindShortestSeparator(&start, "abcd");  // prefix: unchanged
  BOOST_TEST(start == "abc");
  start = "abc";
  FindShortestSeparator(&start, "abd");  // adjacent bytes: unchanged
  BOOST_TEST(start == "abc");
  std::string key = "global_step";
  FindShortSuccessor(&key);
  BOOST_TEST(key == "h");
  key = "_CHECKPOINTABLE_OBJECT_GRAPH";
  FindShortSuccessor(&key);
  BOOST_TEST(key == "`");
  key = "\xff\xff";
  FindShortSuccessor(&key);
  BOOST_TEST(key == "\xff\xff");
}

BOOST_AUTO_TEST_CASE(RestartEvery16EntriesAndRoundTrip) {
  BlockBuilder block(kDataBlockRestartInterval);
  std::vector<std::pair<std::string, std::string>> expected;
  for (int i = 0; i < 18; ++i) {
    expected.emplace_back("key" + std::to_string(100 + i), std::string(static_cast<size_t>(i), 'v'));
    block.Add(expected.back().first, expected.back().second);
  }
  std::string contents(block.Finish());
  // Two restarts: entry 0 at offset 0 and entry 16.
  BOOST_TEST(contents.substr(contents.size() - 4) == Bytes({2, 0, 0, 0}));
  BOOST_TEST(contents.substr(contents.size() - 12, 4) == Bytes({0, 0, 0, 0}));
  std::vector<std::pair<std::string, std::string>> decoded;
  BOOST_REQUIRE(DecodeBlock(contents, &decoded).ok());
  BOOST_TEST((decoded == expected));
}

BOOST_AUTO_TEST_CASE(ManyBlocksRoundTrip) {
  TableBuilder builder;
  std::vector<std::pair<std::string, std::string>> expected;
  for (int i = 0; i < 3000; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "t%06d", i);
    expected.emplace_back(key, std::string(200, static_cast<char>('a' + i % 26)));
    BOOST_REQUIRE(builder.Add(expected.back().first, expected.back().second).ok());
  }
  auto file = builder.Finish();
  BOOST_REQUIRE(file.ok());
  BOOST_TEST(file->size() > 2 * kDataBlockSize);  // several data blocks
  auto entries = ReadTable(*file);
  BOOST_REQUIRE(entries.ok());
  BOOST_TEST((*entries == expected));
  BOOST_TEST(!builder.Finish().ok());
}

BOOST_AUTO_TEST_CASE(KeysOutOfOrderAreRejected) {
  TableBuilder builder;
  BOOST_REQUIRE(builder.Add("b", "").ok());
  BOOST_TEST(!builder.Add("a", "").ok());
  BOOST_TEST(!builder.Finish().ok());  // the first error sticks
}

BOOST_AUTO_TEST_CASE(WrongMagicIsDataLoss) {
  std::string file = CounterIndex();
  file[file.size() - 1] ^= 1;
  auto entries = ReadTable(file);
  BOOST_REQUIRE(!entries.ok());
  BOOST_TEST((entries.status().code() == StatusCode::kDataLoss));
  BOOST_TEST(entries.status().message() == "not an sstable (bad magic number)");
}

BOOST_AUTO_TEST_CASE(TooShortFileIsNotAnSstable) {
  auto entries = ReadTable(CounterIndex().substr(100));
  BOOST_REQUIRE(!entries.ok());
  BOOST_TEST(entries.status().message() == "file is too short to be an sstable");
}

BOOST_AUTO_TEST_CASE(EveryFlippedByteIsDetectedOrHarmless) {
  const std::string good = CounterIndex();
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x40;
    auto entries = ReadTable(bad);
    // Padding bytes of the footer are not checked; everything else is.
    if (i >= 79 && i < 115) {
      BOOST_TEST(entries.ok());
    } else {
      BOOST_TEST(!entries.ok(), "flip at " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(ChecksumMismatchIsDataLoss) {
  std::string file = CounterIndex();
  file[12] ^= 1;  // inside the data block
  auto entries = ReadTable(file);
  BOOST_REQUIRE(!entries.ok());
  BOOST_TEST(Contains(entries.status().message(), "block checksum mismatch"));
}

BOOST_AUTO_TEST_CASE(HandlePastEndIsTruncatedBlockRead) {
  std::string file = CounterIndex();
  file[77] = 0x7f;  // index handle size 14 -> 127
  auto entries = ReadTable(file);
  BOOST_REQUIRE(!entries.ok());
  BOOST_TEST(entries.status().message() == "index block: truncated block read");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat::table
