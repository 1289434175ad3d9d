// SPDX-License-Identifier: Apache-2.0
// The POSIX file layer: the streaming (O_DIRECT) file that checkpoint data
// goes through, on the test directory's file system and on tmpfs, and
// gathered appends.
#include "io/file.h"

#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <string>
#include <vector>

#include "io/aligned_buffer_pool.h"
#include "util/page_cache.h"
#include "util/temp_dir.h"
#include "util/test_print.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;

// Deterministic bytes that differ at every offset modulo 251 (a prime, so
// no block-sized pattern can hide a misplaced block).
std::string Pattern(size_t size, size_t seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i + seed) % 251);
  return s;
}

// Appends `pieces` to a streaming file in `dir`, syncs and closes it, and
// checks the file holds exactly their concatenation.
void CheckStreamingFile(const std::string& dir, const std::vector<size_t>& pieces, bool flush_midway) {
  const std::string path = dir + "/streaming";
  auto file = Env::Default()->NewStreamingFile(path);
  BOOST_TEST_REQUIRE(file.ok(), file.status().ToString());
  std::string expected;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const std::string piece = Pattern(pieces[i], i);
    BOOST_TEST_REQUIRE((*file)->Append(piece).ok());
    expected += piece;
    if (flush_midway && i == pieces.size() / 2) BOOST_TEST_REQUIRE((*file)->Flush().ok());
  }
  BOOST_TEST_REQUIRE((*file)->Sync().ok());
  BOOST_TEST_REQUIRE((*file)->Close().ok());
  const std::string actual = ReadAll(path);
  BOOST_TEST_REQUIRE(actual.size() == expected.size());
  BOOST_TEST((actual == expected));
}

const std::vector<std::vector<size_t>> kPieceLists = {
    {},
    {1},
    {4095, 1, 4096},
    {size_t{8} << 20},                           // Exactly one staging buffer.
    {(size_t{8} << 20) + 1},                     // One past it: a buffered tail.
    {3 << 20, 7 << 20, 123, (16 << 20) + 4097},  // Pieces across buffer edges.
    {(size_t{8} << 20) * 5 + 3},                 // Each staging buffer written twice.
};

// Many pieces, none a divisor of the buffer size: the writer thread takes one
// buffer while the next fills, across 40 MiB.
std::vector<size_t> ManyPieces() { return std::vector<size_t>(40, (size_t{1} << 20) + 17); }

BOOST_AUTO_TEST_SUITE(FileTest)

BOOST_AUTO_TEST_CASE(StreamingFileWritesEveryByteInOrder) {
  TempDir dir;
  for (const auto& pieces : kPieceLists) {
    CheckStreamingFile(dir.path(), pieces, /*flush_midway=*/false);
    CheckStreamingFile(dir.path(), pieces, /*flush_midway=*/true);
  }
  CheckStreamingFile(dir.path(), ManyPieces(), /*flush_midway=*/false);
  CheckStreamingFile(dir.path(), ManyPieces(), /*flush_midway=*/true);
}

// tmpfs refused O_DIRECT before Linux 6.6 (the file then falls back to
// ordinary writes) and takes it since: the bytes must be right either way.
// /dev/shm is a tmpfs on every Linux the library is built for; without one
// the test fails rather than pass untested.
BOOST_AUTO_TEST_CASE(StreamingFileWritesEveryByteOnTmpfs) {
  struct statfs fs;
  BOOST_TEST_REQUIRE(statfs("/dev/shm", &fs) == 0, "no /dev/shm");
  BOOST_TEST_REQUIRE(fs.f_type == TMPFS_MAGIC, "/dev/shm is not a tmpfs");
  const TempDir dir("/dev/shm");
  for (const auto& pieces : kPieceLists) CheckStreamingFile(dir.path(), pieces, /*flush_midway=*/false);
}

BOOST_AUTO_TEST_CASE(StreamingFileReportsErrorsWithThePath) {
  auto file = Env::Default()->NewStreamingFile("/nonexistent-dir/file");
  BOOST_TEST(file.status().code() == StatusCode::kNotFound);
  BOOST_TEST(Contains(file.status().message(), "/nonexistent-dir/file"));
}

// A full buffer is written while the caller fills the next, so the disk's
// refusal (here: the file grows past RLIMIT_FSIZE, EFBIG) reaches the caller
// at a later call; it names the file, and every call after it fails too.
BOOST_AUTO_TEST_CASE(StreamingFileReportsABackgroundWriteErrorAtTheNextCall) {
  TempDir dir;
  const std::string path = dir.file("limited");
  rlimit saved;
  BOOST_TEST_REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
  rlimit limited = saved;
  limited.rlim_cur = 12 << 20;  // in the second staging buffer
  BOOST_TEST_REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
  auto file = Env::Default()->NewStreamingFile(path);
  Status first_error;
  int appends = 0;
  if (file.ok()) {
    const std::string piece = Pattern(1 << 20, 0);
    while (appends < 40 && first_error.ok()) {
      first_error = (*file)->Append(piece);
      ++appends;
    }
  }
  const Status after_error = file.ok() ? (*file)->Append("x") : OkStatus();
  const Status sync = file.ok() ? (*file)->Sync() : OkStatus();
  const Status close = file.ok() ? (*file)->Close() : OkStatus();
  BOOST_TEST_REQUIRE(setrlimit(RLIMIT_FSIZE, &saved) == 0);
  std::signal(SIGXFSZ, saved_handler);

  BOOST_TEST_REQUIRE(file.ok(), file.status().ToString());
  BOOST_TEST(first_error.code() == StatusCode::kResourceExhausted, first_error.ToString());
  BOOST_TEST(Contains(first_error.message(), path));
  // Not the Append that filled the failing buffer (the 16th MiB) but a
  // later one: the write went on behind the caller.
  BOOST_TEST(appends > 16);
  BOOST_TEST(after_error.ToString() == first_error.ToString());
  BOOST_TEST(sync.ToString() == first_error.ToString());
  BOOST_TEST(close.ToString() == first_error.ToString());
}

BOOST_AUTO_TEST_CASE(AppendPiecesWritesThemInOrder) {
  TempDir dir;
  // More pieces than one writev() takes, some empty.
  std::vector<std::string> storage;
  for (size_t i = 0; i < 1000; ++i) storage.push_back(Pattern(i % 7 == 0 ? 0 : i, i));
  const std::vector<std::string_view> pieces(storage.begin(), storage.end());
  std::string expected;
  for (const std::string& piece : storage) expected += piece;
  auto file = Env::Default()->NewWritableFile(dir.file("pieces"));
  BOOST_TEST_REQUIRE(file.ok());
  BOOST_TEST_REQUIRE((*file)->AppendPieces(pieces).ok());
  BOOST_TEST_REQUIRE((*file)->Close().ok());
  BOOST_TEST((ReadAll(dir.file("pieces")) == expected));
}

BOOST_AUTO_TEST_CASE(ReadPiecesFillsThemInOrderAndStopsAtTheEndOfFile) {
  TempDir dir;
  std::string contents;
  for (size_t i = 0; i < 1000; ++i) contents += Pattern(i % 7 == 0 ? 0 : i, i);
  testing::WriteAll(dir.file("pieces"), contents);
  auto file = Env::Default()->NewRandomAccessFile(dir.file("pieces"));
  BOOST_TEST_REQUIRE(file.ok());
  // More pieces than one preadv() takes, some empty, from an offset.
  const uint64_t offset = 5;
  std::vector<std::string> storage;
  for (size_t i = 0; i < 900; ++i) storage.emplace_back(i % 5 == 0 ? 0 : i, '?');
  std::vector<std::span<char>> pieces(storage.begin(), storage.end());
  size_t read = 0;
  BOOST_TEST_REQUIRE((*file)->ReadPieces(offset, pieces, &read).ok());
  std::string got;
  for (const std::string& piece : storage) got += piece;
  BOOST_TEST(read == got.size());
  BOOST_TEST((got == contents.substr(offset, got.size())));

  // Past the end: the bytes that are there, and their count.
  std::string tail(10, '?'), beyond(10, '?');
  const std::span<char> last[] = {tail, beyond};
  BOOST_TEST_REQUIRE((*file)->ReadPieces(contents.size() - 4, last, &read).ok());
  BOOST_TEST(read == 4u);
  BOOST_TEST((tail.substr(0, 4) == contents.substr(contents.size() - 4)));
}

// The file system under the tests' temp directory keeps a file's pages
// only while it must (not tmpfs): what the cold-read tests rely on.
BOOST_AUTO_TEST_CASE(AnEvictedFileIsNotCachedUntilRead) {
  TempDir dir;
  testing::WriteAll(dir.file("cold"), std::string(1 << 20, 'c'));
  testing::EvictFromPageCache(dir.file("cold"));
  auto file = Env::Default()->NewRandomAccessFile(dir.file("cold"));
  BOOST_TEST_REQUIRE(file.ok());
  BOOST_TEST_REQUIRE(!(*file)->Cached(4096), dir.path() << " keeps evicted pages (tmpfs?): cold reads are untested");
  // Asking reads nothing (a read that may not wait would start readahead).
  BOOST_TEST(!testing::InPageCache(dir.file("cold"), 4096));
  BOOST_TEST(!testing::InPageCache(dir.file("cold"), 8192));
  char byte;
  std::string_view result;
  BOOST_TEST_REQUIRE((*file)->Read(4096, 1, &byte, &result).ok());
  BOOST_TEST((*file)->Cached(4096));
}

// Aligned reads go past the page cache, unaligned ones and file systems
// without O_DIRECT (tmpfs before Linux 6.6) through it: the same bytes,
// and a short count at the end of the file.
BOOST_AUTO_TEST_CASE(ReadDirectReadsTheBytesAlignedOrNotAndStopsAtTheEndOfFile) {
  const TempDir disk;
  struct statfs fs;
  BOOST_TEST_REQUIRE(statfs("/dev/shm", &fs) == 0, "no /dev/shm");
  const TempDir shm("/dev/shm");
  std::string contents;
  for (size_t i = 0; contents.size() < (3 << 20) + 123; ++i) contents += Pattern(4093, i);
  contents.resize((3 << 20) + 123);
  for (const TempDir* dir : {&disk, &shm}) {
    testing::WriteAll(dir->file("direct"), contents);
    testing::EvictFromPageCache(dir->file("direct"));
    auto file = Env::Default()->NewRandomAccessFile(dir->file("direct"));
    BOOST_TEST_REQUIRE(file.ok());
    AlignedBufferPool pool(size_t{4} << 20, kDirectIoAlignment, /*max_kept=*/0);
    AlignedBufferPool::Buffer buffer = pool.Take();
    BOOST_TEST_REQUIRE(buffer != nullptr);
    const struct {
      uint64_t offset;
      size_t n;
    } cases[] = {{0, 1 << 20}, {8192, 2 << 20},         {3 << 20, 1 << 20},
                 {100, 5000},  {(3 << 20) + 100, 4096}, {4 << 20, 4096}};
    for (const auto& c : cases) {
      size_t read = 0;
      const Status status = (*file)->ReadDirect(c.offset, c.n, buffer.get(), &read);
      BOOST_TEST_REQUIRE(status.ok(), status.ToString());
      const size_t expected = c.offset >= contents.size() ? 0 : std::min(c.n, contents.size() - c.offset);
      BOOST_TEST(read == expected, dir->path() << " at " << c.offset);
      const std::string_view want =
          expected == 0 ? std::string_view() : std::string_view(contents).substr(c.offset, read);
      BOOST_TEST((std::string_view(buffer.get(), read) == want), dir->path() << " at " << c.offset);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
