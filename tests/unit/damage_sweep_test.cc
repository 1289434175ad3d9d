// Every single-bit flip and every truncation point of a real TF checkpoint
// (estimator-basics model.ckpt-0) and a real event file: each is either
// detected (an error from the reader) or harmless (the reader returns
// exactly the original values). A silent wrong value or a crash fails.
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

const std::string kTestdata = TFCOMPAT_SHARED_TESTDATA;

struct Counts {
  size_t detected = 0;
  size_t harmless = 0;
  size_t wrong = 0;
};

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

// Applies `damage` to the checkpoint file `victim` (".index" or ".data-...")
// for every variant `damage` makes, and classifies what the reader returns.
template <typename Damage>
Counts SweepCheckpoint(const std::string& victim_suffix, size_t variants, Damage damage) {
  const std::string source = kTestdata + "/tf/estimator-basics/model/model.ckpt-0";
  TempDir dir;
  const std::string prefix = dir.file("model.ckpt-0");
  for (const char* suffix : {".index", ".data-00000-of-00001"}) WriteAll(prefix + suffix, ReadAll(source + suffix));
  const auto original = ReadCheckpoint(prefix);
  BOOST_REQUIRE(original.ok());
  BOOST_REQUIRE(!original->empty());
  const std::string bytes = ReadAll(prefix + victim_suffix);
  Counts counts;
  for (size_t v = 0; v < variants; ++v) {
    WriteAll(prefix + victim_suffix, damage(bytes, v));
    const auto damaged = ReadCheckpoint(prefix);
    if (!damaged.ok()) {
      ++counts.detected;
    } else if (*damaged == *original) {
      ++counts.harmless;
    } else {
      ++counts.wrong;
      BOOST_ERROR("variant " << v << " of " << victim_suffix << " reads different values without an error");
    }
  }
  return counts;
}

std::string FlipBit(const std::string& bytes, size_t bit) {
  std::string copy = bytes;
  copy[bit / 8] = static_cast<char>(copy[bit / 8] ^ (1 << (bit % 8)));
  return copy;
}

std::string Truncate(const std::string& bytes, size_t length) { return bytes.substr(0, length); }

void Report(const std::string& what, const Counts& counts) {
  BOOST_TEST_MESSAGE(what << ": " << counts.detected << " detected, " << counts.harmless << " harmless, "
                          << counts.wrong << " silently wrong");
  BOOST_TEST(counts.wrong == 0u);
}

BOOST_AUTO_TEST_SUITE(DamageSweep)

BOOST_AUTO_TEST_CASE(CheckpointBitFlips) {
  const std::string source = kTestdata + "/tf/estimator-basics/model/model.ckpt-0";
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    const size_t bits = ReadAll(source + suffix).size() * 8;
    const Counts counts = SweepCheckpoint(suffix, bits, FlipBit);
    Report(std::string("model.ckpt-0") + suffix + ": " + std::to_string(bits) + " single-bit flips", counts);
    BOOST_TEST(counts.detected + counts.harmless == bits);
  }
}

BOOST_AUTO_TEST_CASE(CheckpointTruncations) {
  const std::string source = kTestdata + "/tf/estimator-basics/model/model.ckpt-0";
  for (const char* suffix : {".index", ".data-00000-of-00001"}) {
    const size_t size = ReadAll(source + suffix).size();
    const Counts counts = SweepCheckpoint(suffix, size, Truncate);  // every length < size
    Report(std::string("model.ckpt-0") + suffix + ": " + std::to_string(size) + " truncation points", counts);
    // A shorter file never reads as the whole checkpoint.
    BOOST_TEST(counts.detected == size);
  }
}

const std::string kEventFile =
    kTestdata + "/tf/go-tensorboard/testdata/tfevents/events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2";

BOOST_AUTO_TEST_CASE(EventFileBitFlips) {
  const std::string bytes = ReadAll(kEventFile);
  bool clean_end = false;
  const std::vector<std::string> original = ReadEvents(kEventFile, &clean_end);
  BOOST_REQUIRE(clean_end);
  BOOST_REQUIRE(original.size() > 2u);
  TempDir dir;
  const std::string path = dir.file("events.out.tfevents.1.flipped");
  Counts counts;
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    WriteAll(path, FlipBit(bytes, bit));
    const std::vector<std::string> events = ReadEvents(path, &clean_end);
    // Events before the damage read as they were; the damage itself stops
    // the reader with an error, or changes nothing.
    const bool prefix_intact = events.size() <= original.size() &&
                               std::equal(events.begin(), events.end(), original.begin());
    if (prefix_intact && events.size() < original.size()) {
      ++counts.detected;
    } else if (events == original) {
      ++counts.harmless;
    } else {
      ++counts.wrong;
      BOOST_ERROR("bit " << bit << " of " << kEventFile << " changes an event without an error");
    }
  }
  Report("go-tensorboard event file: " + std::to_string(bytes.size() * 8) + " single-bit flips", counts);
}

BOOST_AUTO_TEST_CASE(EventFileTruncations) {
  const std::string bytes = ReadAll(kEventFile);
  bool clean_end = false;
  const std::vector<std::string> original = ReadEvents(kEventFile, &clean_end);
  TempDir dir;
  const std::string path = dir.file("events.out.tfevents.1.truncated");
  size_t complete_prefix = 0;
  for (size_t length = 0; length < bytes.size(); ++length) {
    WriteAll(path, bytes.substr(0, length));
    const std::vector<std::string> events = ReadEvents(path, &clean_end);
    // A truncated file is a file still being written: every complete
    // record reads, the partial last one is a clean (OutOfRange) end.
    const bool ok = clean_end && events.size() <= original.size() &&
                    std::equal(events.begin(), events.end(), original.begin());
    if (ok) {
      ++complete_prefix;
    } else {
      BOOST_ERROR("truncation at " << length << " of " << kEventFile << " loses or changes a complete event");
    }
  }
  BOOST_TEST_MESSAGE("go-tensorboard event file: " << bytes.size() << " truncation points, " << complete_prefix
                                                   << " read every complete event and stop cleanly");
  BOOST_TEST(complete_prefix == bytes.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
