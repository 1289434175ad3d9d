// SPDX-License-Identifier: Apache-2.0
// Every single-bit flip and every truncation point of a real TF checkpoint
// (estimator-basics model.ckpt-0) and a real event file: each is either
// detected (an error from the reader) or harmless (the reader returns
// exactly the original values). A silent wrong value or a crash fails.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/summary/event_file_reader.h"
#include "util/temp_dir.h"

namespace tfcompat {
namespace {

using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

const std::string kTestdata = TFCOMPAT_TESTDATA;
const std::string kCheckpoint = kTestdata + "/tf/estimator-basics/model/model.ckpt-0";
const std::string kEventFile =
    kTestdata + "/tf/go-tensorboard/testdata/tfevents/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2";

enum class Outcome { kDetected, kHarmless, kWrong };

struct Counts {
  size_t detected = 0;
  size_t harmless = 0;
  size_t wrong = 0;
  size_t total() const { return detected + harmless + wrong; }
};

// A copy of a file, damaged in place between reads: one pwrite or
// ftruncate per variant instead of rewriting the file (tens of thousands).
class InPlaceFile {
 public:
  InPlaceFile(const std::string& path, std::string contents) : contents_(std::move(contents)) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    BOOST_REQUIRE(fd_ >= 0);
    Truncate(contents_.size());
  }
  ~InPlaceFile() { ::close(fd_); }
  InPlaceFile(const InPlaceFile&) = delete;
  InPlaceFile& operator=(const InPlaceFile&) = delete;

  // Flips bit `bit` (0 = lowest of byte 0); flipping it again restores it.
  void FlipBit(size_t bit) {
    const char byte = static_cast<char>(contents_[bit / 8] ^ (1 << (bit % 8)));
    contents_[bit / 8] = byte;
    BOOST_REQUIRE(::pwrite(fd_, &byte, 1, static_cast<off_t>(bit / 8)) == 1);
  }
  // Makes the file the first `length` bytes of the original.
  void Truncate(size_t length) {
    BOOST_REQUIRE(::ftruncate(fd_, static_cast<off_t>(length)) == 0);
    BOOST_REQUIRE(::pwrite(fd_, contents_.data(), length, 0) == static_cast<ssize_t>(length));
  }

 private:
  int fd_ = -1;
  std::string contents_;
};

// Every single-bit flip (`truncate` false) or every shorter length (true)
// of `file`, classified by `classify`.
template <typename Classify>
Counts Sweep(InPlaceFile& file, size_t size, bool truncate, Classify classify) {
  Counts counts;
  const size_t variants = truncate ? size : size * 8;
  for (size_t v = 0; v < variants; ++v) {
    if (truncate) {
      file.Truncate(v);
    } else {
      file.FlipBit(v);
    }
    switch (classify()) {
      case Outcome::kDetected:
        ++counts.detected;
        break;
      case Outcome::kHarmless:
        ++counts.harmless;
        break;
      case Outcome::kWrong:
        ++counts.wrong;
        BOOST_ERROR((truncate ? "truncation at " : "bit flip ") << v << " reads different values without an error");
        break;
    }
    if (!truncate) file.FlipBit(v);
  }
  if (truncate) file.Truncate(size);
  return counts;
}

void Report(const std::string& what, const Counts& counts) {
  BOOST_TEST_MESSAGE(what << ": " << counts.total() << " variants, " << counts.detected << " detected, "
                          << counts.harmless << " harmless, " << counts.wrong << " silently wrong");
  BOOST_TEST(counts.wrong == 0u);
}

// Every tensor of the checkpoint `prefix` by name, or the first error.
StatusOr<std::vector<std::pair<std::string, Tensor>>> ReadCheckpoint(const std::string& prefix) {
  auto reader = BundleReader::Open(prefix);
  if (!reader.ok()) return reader.status();
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const BundleEntry& entry : (*reader)->entries()) {
    auto tensor = (*reader)->Lookup(entry.name);
    if (!tensor.ok()) return tensor.status();
    tensors.emplace_back(entry.name, *std::move(tensor));
  }
  return tensors;
}

// Every event of `path` until the first non-OK status; `clean_end` tells
// whether that status was OutOfRange (end of file or truncated tail).
std::vector<std::string> ReadEvents(const std::string& path, bool* clean_end) {
  std::vector<std::string> events;
  *clean_end = false;
  auto reader = EventFileReader::Open(path);
  if (!reader.ok()) return events;
  EventView event;
  Status s;
  while ((s = (*reader)->ReadEvent(&event)).ok()) events.push_back(event.serialized);
  *clean_end = s.code() == StatusCode::kOutOfRange;
  return events;
}

// Flips every bit of (or truncates everywhere) one file of a copy of
// model.ckpt-0 and reports the counts.
void SweepCheckpointFile(const char* suffix, bool truncate) {
  TempDir dir;
  const std::string prefix = dir.file("model.ckpt-0");
  for (const char* s : {".index", ".data-00000-of-00001"}) WriteAll(prefix + s, ReadAll(kCheckpoint + s));
  const auto original = ReadCheckpoint(prefix);
  BOOST_REQUIRE(original.ok());
  BOOST_REQUIRE(!original->empty());
  const std::string bytes = ReadAll(prefix + suffix);
  InPlaceFile file(prefix + suffix, bytes);
  const Counts counts = Sweep(file, bytes.size(), truncate, [&] {
    const auto damaged = ReadCheckpoint(prefix);
    if (!damaged.ok()) return Outcome::kDetected;
    return *damaged == *original ? Outcome::kHarmless : Outcome::kWrong;
  });
  Report(std::string("model.ckpt-0") + suffix + (truncate ? ": truncations" : ": single-bit flips"), counts);
  // A shorter file never reads as the whole checkpoint.
  if (truncate) BOOST_TEST(counts.detected == bytes.size());
}

BOOST_AUTO_TEST_SUITE(DamageSweepTest)

BOOST_AUTO_TEST_CASE(EveryCheckpointBitFlipIsDetectedOrHarmless) {
  SweepCheckpointFile(".index", false);
  SweepCheckpointFile(".data-00000-of-00001", false);
}

BOOST_AUTO_TEST_CASE(EveryCheckpointTruncationIsDetected) {
  SweepCheckpointFile(".index", true);
  SweepCheckpointFile(".data-00000-of-00001", true);
}

BOOST_AUTO_TEST_CASE(EveryEventFileBitFlipIsDetectedOrHarmless) {
  const std::string bytes = ReadAll(kEventFile);
  bool clean_end = false;
  const std::vector<std::string> original = ReadEvents(kEventFile, &clean_end);
  BOOST_REQUIRE(clean_end);
  BOOST_REQUIRE(original.size() > 2u);
  TempDir dir;
  const std::string path = dir.file("events.out.tfevents.1.flipped");
  InPlaceFile file(path, bytes);
  const Counts counts = Sweep(file, bytes.size(), false, [&] {
    const std::vector<std::string> events = ReadEvents(path, &clean_end);
    // Events before the damage read as they were; the damage itself stops
    // the reader with an error, or changes nothing.
    if (events == original) return Outcome::kHarmless;
    const bool prefix_intact =
        events.size() < original.size() && std::equal(events.begin(), events.end(), original.begin());
    return prefix_intact && !clean_end ? Outcome::kDetected : Outcome::kWrong;
  });
  Report("go-tensorboard event file: single-bit flips", counts);
}

BOOST_AUTO_TEST_CASE(EveryEventFileTruncationReadsTheCompleteEvents) {
  const std::string bytes = ReadAll(kEventFile);
  bool clean_end = false;
  const std::vector<std::string> original = ReadEvents(kEventFile, &clean_end);
  TempDir dir;
  const std::string path = dir.file("events.out.tfevents.1.truncated");
  InPlaceFile file(path, bytes);
  // A truncated file is a file still being written: every complete record
  // reads, the partial last one is a clean (OutOfRange) end; nothing is
  // reported as damage, so "harmless" here means exactly that.
  const Counts counts = Sweep(file, bytes.size(), true, [&] {
    const std::vector<std::string> events = ReadEvents(path, &clean_end);
    const bool complete_prefix =
        clean_end && events.size() <= original.size() && std::equal(events.begin(), events.end(), original.begin());
    return complete_prefix ? Outcome::kHarmless : Outcome::kWrong;
  });
  Report("go-tensorboard event file: truncations (every complete event read, clean stop)", counts);
  BOOST_TEST(counts.harmless == bytes.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
