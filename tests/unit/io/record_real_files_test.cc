// SPDX-License-Identifier: Apache-2.0
// RecordReader over event files that TensorFlow, TensorBoard, PyTorch and
// tensorboardX wrote (tests/testdata/tf, each folder's README says which),
// and over every single-bit corruption of small ones.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tfcompat/io/record_reader.h"
#include "tfcompat/tensorflow/event.pb.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

const std::string kTfTestdata = std::string(TFCOMPAT_TESTDATA) + "/tf";

// Every events.out.tfevents* file under tests/testdata/tf, sorted.
std::vector<std::string> RealEventFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kTfTestdata)) {
    if (entry.is_regular_file() && entry.path().filename().string().starts_with("events.out.tfevents")) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct ReadResult {
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;  // Where each record starts.
  Status end;                     // The first non-OK status.
  uint64_t end_offset = 0;
  bool truncated_tail = false;
};

ReadResult ReadUntilError(const std::string& path) {
  ReadResult result;
  auto reader = RecordReader::Open(path);
  BOOST_REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  std::string record;
  while (true) {
    const uint64_t offset = (*reader)->offset();
    result.end = (*reader)->ReadRecord(&record);
    if (!result.end.ok()) break;
    result.records.push_back(record);
    result.offsets.push_back(offset);
  }
  result.end_offset = (*reader)->offset();
  result.truncated_tail = (*reader)->truncated_tail();
  return result;
}

// Overwrites one byte of an existing file in place. Rewriting the whole file
// instead (truncate, write) makes ext4 flush it on close, 8000 times a test.
void OverwriteByte(const std::string& path, size_t offset, char value) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(value);
  BOOST_REQUIRE(file.good());
}

// Whether `message` names byte offset `offset` (and not a longer number that
// starts with the same digits).
bool MentionsOffset(const std::string& message, uint64_t offset) {
  const std::string needle = "at offset " + std::to_string(offset);
  for (size_t at = message.find(needle); at != std::string::npos; at = message.find(needle, at + 1)) {
    const size_t after = at + needle.size();
    if (after == message.size() || !std::isdigit(static_cast<unsigned char>(message[after]))) return true;
  }
  return false;
}

BOOST_AUTO_TEST_SUITE(RecordRealFilesTest)

BOOST_AUTO_TEST_CASE(EveryRealEventFileReadsToACleanEnd) {
  const std::vector<std::string> files = RealEventFiles();
  BOOST_TEST_REQUIRE(files.size() == 18u,
                     files.size() << " event files under " << kTfTestdata << "; the folders' READMEs list 18");
  // Record counts the folders' READMEs state: a file_version record plus the
  // summaries the generating script wrote; the 0-byte file was never flushed.
  const std::map<std::string, size_t> stated_counts = {
      {"go-tensorboard/testdata/tfevents/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2", 101},
      {"tensorboard-reducer/tests/runs/strict/run_1/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0", 101},
      {"tensorboardX-mnist/runs/classifier_mnist_0915/events.out.tfevents.1600155762.yca-2662-2", 1},
      {"tensorboardX-mnist/runs/classifier_mnist_0915/events.out.tfevents.1600155787.yca-2662-2", 0}};
  size_t checked_counts = 0;
  for (const std::string& path : files) {
    BOOST_TEST_CONTEXT(path) {
      const ReadResult result = ReadUntilError(path);
      BOOST_TEST(static_cast<int>(result.end.code()) == static_cast<int>(StatusCode::kOutOfRange),
                 result.end.ToString());
      BOOST_TEST(!result.truncated_tail);
      BOOST_TEST(result.end_offset == std::filesystem::file_size(path));
      for (size_t i = 0; i < result.records.size(); ++i) {
        tensorflow::Event event;
        BOOST_TEST(event.ParseFromString(result.records[i]), "record " << i << " is not an Event");
        if (i == 0) BOOST_TEST(event.file_version().starts_with("brain.Event:"), event.file_version());
      }
      const auto stated = stated_counts.find(path.substr(kTfTestdata.size() + 1));
      if (stated != stated_counts.end()) {
        BOOST_TEST(result.records.size() == stated->second);
        ++checked_counts;
      }
      BOOST_TEST_MESSAGE(path << ": " << result.records.size() << " records");
    }
  }
  BOOST_TEST(checked_counts == stated_counts.size());
}

// CRC-32C detects every single-bit error, so each flipped bit of a framed
// file must surface as DataLoss at the record holding it, with the records
// before it intact: never a crash, a hang, a truncated-tail OutOfRange or a
// silently changed record.
void CheckEverySingleBitFlipIsDataLoss(const std::string& original_path) {
  const std::string original = ReadAll(original_path);
  const ReadResult clean = ReadUntilError(original_path);
  BOOST_TEST_REQUIRE(!clean.records.empty());
  TempDir dir;
  const std::string path = dir.file("flipped.tfevents");
  WriteAll(path, original);
  for (size_t byte = 0; byte < original.size(); ++byte) {
    // The record holding this byte.
    const size_t record =
        std::upper_bound(clean.offsets.begin(), clean.offsets.end(), byte) - clean.offsets.begin() - 1;
    for (int bit = 0; bit < 8; ++bit) {
      OverwriteByte(path, byte, static_cast<char>(original[byte] ^ (1 << bit)));
      const ReadResult result = ReadUntilError(path);
      OverwriteByte(path, byte, original[byte]);
      BOOST_TEST_CONTEXT(original_path << ": byte " << byte << " bit " << bit) {
        BOOST_TEST(static_cast<int>(result.end.code()) == static_cast<int>(StatusCode::kDataLoss),
                   result.end.ToString());
        BOOST_TEST(Contains(result.end.message(), path), result.end.message());
        BOOST_TEST(MentionsOffset(result.end.message(), clean.offsets[record]), result.end.message());
        BOOST_TEST(result.records.size() == record);
        BOOST_TEST(std::equal(result.records.begin(), result.records.end(), clean.records.begin()));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(EverySingleBitFlipOfAHeaderOnlyFileIsDataLoss) {
  // tensorboardX's 40 bytes: one file_version record.
  CheckEverySingleBitFlipIsDataLoss(kTfTestdata +
                                    "/tensorboardX-mnist/runs/classifier_mnist_0915/"
                                    "events.out.tfevents.1600155762.yca-2662-2");
}

BOOST_AUTO_TEST_CASE(EverySingleBitFlipOfAScalarFileIsDataLoss) {
  // tensorboardX's 996 bytes: file_version and 20 scalar events.
  CheckEverySingleBitFlipIsDataLoss(kTfTestdata +
                                    "/tensorboardX-mnist/runs/scalar_example2_0914/"
                                    "events.out.tfevents.1600092523.yca-2662-2");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
