// SPDX-License-Identifier: Apache-2.0
// BundleReader::ReadInto: many tensors into the caller's memory, read in
// coalesced runs and large pieces, in 32 MiB chunks spread over the cores
// (the tests' checkpoints of more than 32 MiB take several chunks), through
// the page cache or, for files evicted from it, past it.
#include "checkpoint/bundle_read_into.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/io/crc32c.h"
#include "util/page_cache.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

using Destination = BundleReader::Destination;

// Float tensors named t0000, t0001, ... of the given element counts, each
// element a distinct value (tensor index and position), written in name
// order (so file order is name order) across shards of at most
// `max_shard_bytes`.
struct Written {
  std::string prefix;
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
};

Written WriteFloats(const TempDir& dir, const std::vector<int64_t>& counts, uint64_t max_shard_bytes = 0) {
  Written w;
  w.prefix = dir.file("ckpt");
  auto writer = BundleWriter::Create(w.prefix, {.max_shard_bytes = max_shard_bytes});
  BOOST_REQUIRE(writer.ok());
  for (size_t i = 0; i < counts.size(); ++i) {
    char name_buffer[32];
    std::snprintf(name_buffer, sizeof(name_buffer), "t%04zu", i);
    std::string name = name_buffer;
    std::vector<float> values(static_cast<size_t>(counts[i]));
    for (size_t k = 0; k < values.size(); ++k) values[k] = static_cast<float>(i) + static_cast<float>(k) * 1e-6f;
    BOOST_REQUIRE((*writer)->Add(name, Tensor::FromVector<float>(DataType::kFloat, {counts[i]}, values)).ok());
    w.names.push_back(std::move(name));
    w.values.push_back(std::move(values));
  }
  BOOST_REQUIRE((*writer)->Finish().ok());
  return w;
}

// The bytes of a caller's array, as ReadInto takes them.
template <typename T, size_t N>
std::span<char> AsChars(std::span<T, N> values) {
  return {reinterpret_cast<char*>(values.data()), values.size_bytes()};
}

// Destinations for the tensors `which` of `w` (in that order), in `memory`.
std::vector<Destination> DestinationsFor(const Written& w, const std::vector<size_t>& which,
                                         std::vector<std::vector<float>>* memory) {
  memory->clear();
  for (size_t i : which) memory->emplace_back(w.values[i].size(), -1.0f);
  std::vector<Destination> out;
  for (size_t k = 0; k < which.size(); ++k) {
    out.push_back({w.names[which[k]], AsChars(std::span((*memory)[k]))});
  }
  return out;
}

// 3000 small tensors (a dozen 1 MiB runs), two of 5 MiB and one of 20 MiB
// (read in 1 MiB pieces), empty ones: 42 MiB.
std::vector<int64_t> MixedCounts() {
  std::vector<int64_t> counts(3000, 1000);
  counts[100] = 5 << 18;
  counts[101] = 0;
  counts[2000] = 5 << 18;
  counts[2500] = 20 << 18;
  counts[2999] = 0;
  return counts;
}

// The files of checkpoint `w` made cold, so ReadInto reads them past the
// page cache.
void Evict(const Written& w, int num_shards = 1) {
  testing::EvictFromPageCache(w.prefix + ".index");
  for (int i = 0; i < num_shards; ++i) testing::EvictFromPageCache(DataFileName(w.prefix, i, num_shards));
}

// A file that says it is not in the page cache, so that every read of
// more than a window goes past it, and fails the `fail_direct`-th read past
// it (1-based; 0: none) and, with `fail_cached`, every read through the
// page cache.
class ColdFaultyFile final : public RandomAccessFile {
 public:
  ColdFaultyFile(std::unique_ptr<RandomAccessFile> base, int fail_direct, bool fail_cached)
      : base_(std::move(base)), fail_direct_(fail_direct), fail_cached_(fail_cached) {}

  Status Read(uint64_t offset, size_t n, char* scratch, std::string_view* result) const override {
    if (fail_cached_) return InternalError("injected failure of a cached read");
    return base_->Read(offset, n, scratch, result);
  }
  Status ReadPieces(uint64_t offset, std::span<const std::span<char>> pieces, size_t* read) const override {
    ++cached_reads_;
    if (fail_cached_) return InternalError("injected failure of a cached read");
    return base_->ReadPieces(offset, pieces, read);
  }
  bool Cached(uint64_t) const override { return false; }
  Status ReadDirect(uint64_t offset, size_t n, char* aligned, size_t* read) const override {
    if (++direct_reads_ == fail_direct_) return InternalError("injected failure of a direct read");
    return base_->ReadDirect(offset, n, aligned, read);
  }
  StatusOr<uint64_t> Size() const override { return base_->Size(); }
  const std::string& path() const override { return base_->path(); }

  int direct_reads() const { return direct_reads_; }
  int cached_reads() const { return cached_reads_; }

 private:
  std::unique_ptr<RandomAccessFile> base_;
  const int fail_direct_;
  const bool fail_cached_;
  mutable std::atomic<int> direct_reads_{0};
  mutable std::atomic<int> cached_reads_{0};
};

BOOST_AUTO_TEST_SUITE(BundleReadIntoTest)

// Whatever read past the page cache fails (with up to eight in flight and
// others being copied), the restore stops it and reads everything again
// through the page cache: all bytes arrive and are checked; when that fails
// too, its error names the tensor.
BOOST_AUTO_TEST_CASE(AFailedReadPastThePageCacheIsReadAgainThroughIt) {
  TempDir dir;
  const std::string path = dir.file("data");
  // 70 MiB: a 20 MiB tensor cut by windows, then 500 of 100 000 bytes 40
  // bytes apart, then the rest; five windows.
  std::string bytes(size_t{70} << 20, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 24);
  WriteAll(path, bytes);
  std::vector<std::pair<uint64_t, uint64_t>> ranges = {{0, uint64_t{20} << 20}};
  for (uint64_t k = 0, at = ranges[0].second; k < 500; ++k, at += 100040) ranges.emplace_back(at, 100000);
  ranges.emplace_back(ranges.back().first + 100000, bytes.size() - ranges.back().first - 100000);
  std::string expected(bytes.size(), '\0');  // the tensors' bytes; the gaps are not read
  for (const auto& [offset, size] : ranges) expected.replace(offset, size, bytes, offset, size);
  const std::vector<std::string> names = [&] {
    std::vector<std::string> out;
    for (size_t t = 0; t < ranges.size(); ++t) out.push_back("tensor" + std::to_string(t));
    return out;
  }();
  const bundle::TargetChecks checks{
      .crc = [&](const bundle::ReadTarget& target, uint32_t crc) -> Status {
        if (crc == crc32c::Value(bytes.data() + target.offset, target.size)) return OkStatus();
        return DataLossError("checksum of " + std::string(target.name));
      },
      .where = [](const bundle::ReadTarget& target) { return "reading " + std::string(target.name); }};
  for (const int fail_direct : {0, 1, 2, 3, 5}) {
    for (const bool fail_cached : {false, true}) {
      BOOST_TEST_CONTEXT("failing direct read " << fail_direct << (fail_cached ? ", cached reads failing" : "")) {
        auto base = Env::Default()->NewRandomAccessFile(path);
        BOOST_REQUIRE(base.ok());
        const ColdFaultyFile file(std::move(*base), fail_direct, fail_cached);
        std::string restored(bytes.size(), '\0');
        std::vector<bundle::ReadTarget> targets;
        for (size_t t = 0; t < ranges.size(); ++t) {
          const auto [offset, size] = ranges[t];
          targets.push_back({names[t], nullptr, &file, offset, size, restored.data() + offset});
        }
        const Status status = bundle::ReadTargets(targets, checks);
        BOOST_TEST(file.direct_reads() >= std::max(fail_direct, 1));
        if (fail_direct == 0) {
          BOOST_TEST(status.ok(), status.ToString());
          BOOST_TEST(file.cached_reads() == 0);
          BOOST_TEST((restored == expected));
        } else if (!fail_cached) {
          BOOST_TEST(status.ok(), status.ToString());
          BOOST_TEST(file.cached_reads() > 0);
          BOOST_TEST((restored == expected));
        } else {
          BOOST_TEST(!status.ok());
          BOOST_TEST(Contains(status, "reading tensor0: "), status.ToString());
          BOOST_TEST(Contains(status, "injected failure of a cached read"), status.ToString());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(RestoresSmallAndLargeTensorsAcrossShardsInAnyOrderCachedOrNot) {
  TempDir dir;
  // Shards of 12 MiB; read cold, tensors are cut by the 16 MiB windows of
  // the reads past the page cache.
  const std::vector<int64_t> counts = MixedCounts();
  const Written w = WriteFloats(dir, counts, uint64_t{12} << 20);
  auto reader = BundleReader::Open(w.prefix);
  BOOST_REQUIRE(reader.ok());
  const int shards = (*reader)->num_shards();
  BOOST_TEST(shards > 1);

  std::vector<size_t> every;  // backwards: the reader sorts by file offset
  for (size_t i = counts.size(); i-- > 0;) every.push_back(i);
  std::vector<size_t> some;  // gaps of two small tensors, and the large ones
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i % 3 == 0 || counts[i] > 1000) some.push_back(i);
  }
  for (const auto& which : {every, some}) {
    for (const bool cold : {false, true}) {
      BOOST_TEST_CONTEXT((cold ? "cold, " : "cached, ") << which.size() << " tensors") {
        if (cold) {
          Evict(w, shards);
        } else {  // BundleWriter writes past the page cache: read the files through it
          for (int i = 0; i < shards; ++i) BOOST_TEST_REQUIRE(!ReadAll(DataFileName(w.prefix, i, shards)).empty());
        }
        std::vector<std::vector<float>> memory;
        const Status status = (*reader)->ReadInto(DestinationsFor(w, which, &memory));
        BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
        for (size_t k = 0; k < which.size(); ++k) BOOST_TEST((memory[k] == w.values[which[k]]), w.names[which[k]]);
        if (!cold) continue;
        // Read past the page cache, not again through it after a failure.
        for (int i = 0; i < shards; ++i) {
          const std::string data_file = DataFileName(w.prefix, i, shards);
          const uint64_t size = std::filesystem::file_size(data_file);
          for (const uint64_t offset : {uint64_t{0}, size / 2, size - 1}) {
            BOOST_TEST(!testing::InPageCache(data_file, offset), data_file << " at " << offset);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(RestoresEveryFixedWidthDtypeAndAPartitionedTensor) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  {
    auto writer = BundleWriter::Create(prefix);
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Add("i64", Tensor::FromVector<int64_t>(DataType::kInt64, {2}, {-1, 1ll << 40})).ok());
    BOOST_REQUIRE((*writer)->Add("u8", Tensor::FromVector<uint8_t>(DataType::kUInt8, {3}, {0, 7, 255})).ok());
    BOOST_REQUIRE(
        (*writer)
            ->AddSlice("w", {2, 2}, {{0, 1}, {0, -1}}, Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {1, 2}))
            .ok());
    BOOST_REQUIRE(
        (*writer)
            ->AddSlice("w", {2, 2}, {{1, 1}, {0, -1}}, Tensor::FromVector<float>(DataType::kFloat, {1, 2}, {3, 4}))
            .ok());
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());
  int64_t i64[2] = {0, 0};
  uint8_t u8[3] = {1, 1, 1};
  std::vector<float> w(4, 0.0f);
  const Destination destinations[] = {
      {"w", AsChars(std::span(w))}, {"u8", AsChars(std::span(u8))}, {"i64", AsChars(std::span(i64))}};
  const Status status = (*reader)->ReadInto(destinations);
  BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
  BOOST_TEST((w == std::vector<float>{1, 2, 3, 4}));
  BOOST_TEST((u8[0] == 0 && u8[1] == 7 && u8[2] == 255));
  BOOST_TEST((i64[0] == -1 && i64[1] == (1ll << 40)));
}

BOOST_AUTO_TEST_CASE(RefusesStringsWrongSizesAndMissingKeysBeforeReading) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  {
    auto writer = BundleWriter::Create(prefix);
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Add("names", *Tensor::FromStrings({1}, {"a"})).ok());
    BOOST_REQUIRE((*writer)->Add("x", Tensor::FromVector<float>(DataType::kFloat, {3}, {1, 2, 3})).ok());
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());
  std::vector<float> two(2), three(3);
  const Destination string[] = {{"names", AsChars(std::span(three))}};
  const Status strings = (*reader)->ReadInto(string);
  BOOST_TEST((strings.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(strings, "key names is a string tensor"), strings.ToString());
  const Destination short_one[] = {{"x", AsChars(std::span(two))}};
  const Status wrong_size = (*reader)->ReadInto(short_one);
  BOOST_TEST((wrong_size.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(Contains(wrong_size, "key x has 12 bytes, its destination 8"), wrong_size.ToString());
  const Destination missing[] = {{"x", AsChars(std::span(three))}, {"y", AsChars(std::span(three))}};
  const Status not_found = (*reader)->ReadInto(missing);
  BOOST_TEST((not_found.code() == StatusCode::kNotFound));
  BOOST_TEST(not_found.message() == "Key y not found in checkpoint");
  BOOST_TEST((three == std::vector<float>(3, 0.0f)));  // nothing read
}

// A flipped byte anywhere fails the tensor that holds it, wherever it lies:
// in a run of small tensors, the first or the last piece of a large one.
// Cached and cold (past the page cache, where t3000 is cut by windows).
BOOST_AUTO_TEST_CASE(ACorruptedByteFailsItsTensorWithDataLoss) {
  TempDir dir;
  std::vector<int64_t> counts(4000, 1000);
  counts[3000] = 20 << 18;
  const Written w = WriteFloats(dir, counts);
  const std::string data_file = DataFileName(w.prefix, 0, 1);
  const std::string clean = ReadAll(data_file);
  const uint64_t large_start = uint64_t{3000} * 4000;
  const uint64_t large_bytes = uint64_t{20} << 20;
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {uint64_t{2500} * 4000 + 17, "t2500"},
      {large_start + 5, "t3000"},
      {large_start + (uint64_t{8} << 20) + 3, "t3000"},  // in the window after the first
      {large_start + large_bytes - 1, "t3000"},
  };
  std::vector<size_t> every(counts.size());
  for (size_t i = 0; i < every.size(); ++i) every[i] = i;
  for (const bool cold : {false, true}) {
    for (const auto& [offset, key] : cases) {
      BOOST_TEST_CONTEXT((cold ? "cold" : "cached") << ", byte " << offset) {
        std::string damaged = clean;
        damaged[offset] ^= 0x40;
        WriteAll(data_file, damaged);
        auto reader = BundleReader::Open(w.prefix);
        BOOST_REQUIRE(reader.ok());
        if (cold) Evict(w);
        std::vector<std::vector<float>> memory;
        const Status status = (*reader)->ReadInto(DestinationsFor(w, every, &memory));
        BOOST_TEST((status.code() == StatusCode::kDataLoss));
        BOOST_TEST(Contains(status, "key " + key + ": Checksum does not match"), status.ToString());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(DamageInSeveralChunksReportsTheFirstInFileOrderEveryTime) {
  // 80 MiB: three chunks, read by as many threads as there are cores; the
  // second and third chunks damaged as well as the first, so whichever
  // thread fails first, the error is the one a read in order meets first.
  TempDir dir;
  std::vector<int64_t> counts(2000, 1000);
  counts[1000] = 36 << 18;
  counts[1999] = 36 << 18;
  const Written w = WriteFloats(dir, counts);
  const std::string data_file = DataFileName(w.prefix, 0, 1);
  std::string damaged = ReadAll(data_file);
  damaged[uint64_t{900} * 4000 + 3] ^= 0x01;                      // t0900, first chunk
  damaged[uint64_t{1000} * 4000 + (uint64_t{30} << 20)] ^= 0x01;  // t1000, second
  damaged[damaged.size() - 1] ^= 0x01;                            // t1999, third
  WriteAll(data_file, damaged);
  auto reader = BundleReader::Open(w.prefix);
  BOOST_REQUIRE(reader.ok());
  std::vector<size_t> every(counts.size());
  for (size_t i = 0; i < every.size(); ++i) every[i] = i;
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::vector<std::vector<float>> memory;
    const Status status = (*reader)->ReadInto(DestinationsFor(w, every, &memory));
    BOOST_TEST(Contains(status, "key t0900: Checksum does not match"), status.ToString());
  }
}

// Cached and cold: truncated inside the 20 MiB t0010, which a cold read
// reads in the first window.
BOOST_AUTO_TEST_CASE(AShardTruncatedAfterOpenIsDataLossNotAHang) {
  TempDir dir;
  std::vector<int64_t> counts(4000, 1000);
  counts[10] = 20 << 18;
  const Written w = WriteFloats(dir, counts);
  const std::string data_file = DataFileName(w.prefix, 0, 1);
  const std::string clean = ReadAll(data_file);
  std::vector<size_t> every(counts.size());
  for (size_t i = 0; i < every.size(); ++i) every[i] = i;
  for (const bool cold : {false, true}) {
    BOOST_TEST_CONTEXT((cold ? "cold" : "cached")) {
      WriteAll(data_file, clean);
      auto reader = BundleReader::Open(w.prefix);
      BOOST_REQUIRE(reader.ok());
      std::vector<std::vector<float>> memory;
      const std::vector<Destination> destinations = DestinationsFor(w, every, &memory);
      BOOST_REQUIRE((*reader)->ReadInto(destinations).ok());   // opens the shard and records its size
      WriteAll(data_file, clean.substr(0, 10 * 4000 + 1000));  // inside t0010
      if (cold) Evict(w);
      const Status status = (*reader)->ReadInto(destinations);
      BOOST_TEST((status.code() == StatusCode::kDataLoss));
      BOOST_TEST(Contains(status, "key t0010"), status.ToString());
      BOOST_TEST(Contains(status, "truncated read of " + data_file), status.ToString());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
