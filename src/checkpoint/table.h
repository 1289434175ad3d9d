// SPDX-License-Identifier: Apache-2.0
// The immutable sorted table TensorFlow stores a checkpoint's `.index` in: a
// LevelDB SSTable without filter blocks (internal). The byte layout is
// described at the top of table.cc.
#ifndef TFCOMPAT_SRC_CHECKPOINT_TABLE_H_
#define TFCOMPAT_SRC_CHECKPOINT_TABLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tfcompat/base/status.h"

namespace tfcompat::table {

inline constexpr uint64_t kTableMagicNumber = 0xdb4775248b80fb57ull;
inline constexpr size_t kBlockTrailerSize = 5;  // type byte + masked crc32c
inline constexpr size_t kFooterSize = 48;
inline constexpr int kDataBlockRestartInterval = 16;
inline constexpr size_t kDataBlockSize = 262144;

enum BlockType : uint8_t { kNoCompression = 0, kSnappyCompression = 1 };

// Where a block lives in the file: its offset and its size without trailer.
struct BlockHandle {
  uint64_t offset = 0;
  uint64_t size = 0;

  void EncodeTo(std::string* dst) const;
  // Consumes a handle from the front of `input`.
  [[nodiscard]] bool DecodeFrom(std::string_view* input);
};

struct Footer {
  BlockHandle metaindex;
  BlockHandle index;

  // Appends exactly kFooterSize bytes.
  void EncodeTo(std::string* dst) const;
  // `input` must be the last kFooterSize bytes of the file.
  [[nodiscard]] Status DecodeFrom(std::string_view input);
};

// Appends the 5-byte trailer of `contents` stored with `type`.
void AppendBlockTrailer(std::string_view contents, BlockType type, std::string* dst);

// Smallest-ish key k with start <= k < limit (start < limit), for index keys.
void FindShortestSeparator(std::string* start, std::string_view limit);
// A short key >= `key`: the first byte that is not 0xff is incremented and
// the rest dropped.
void FindShortSuccessor(std::string* key);

// Builds one block of prefix-compressed entries; keys must be added in
// strictly increasing bytewise order.
class BlockBuilder {
 public:
  explicit BlockBuilder(int restart_interval);

  void Add(std::string_view key, std::string_view value);
  // Appends the restart array and returns the finished block contents; the
  // builder is then Reset() before it is used again.
  std::string_view Finish();
  void Reset();
  // Bytes of the block if it were finished now.
  size_t CurrentSizeEstimate() const;
  bool empty() const { return buffer_.empty(); }

 private:
  const int restart_interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_;
  int counter_ = 0;
  std::string last_key_;
};

// Builds a whole table in memory (checkpoint indexes are small: one entry
// per tensor). Keys must be added in strictly increasing order.
class TableBuilder {
 public:
  TableBuilder();

  // InvalidArgument when `key` is not greater than the previous key.
  Status Add(std::string_view key, std::string_view value);
  // Returns the file contents; a second call fails.
  StatusOr<std::string> Finish();

 private:
  void FlushDataBlock();
  void WriteBlock(std::string_view contents);

  Status status_;
  bool finished_ = false;
  std::string out_;
  BlockBuilder data_block_;
  BlockBuilder index_block_;
  std::string last_key_;
  bool has_key_ = false;
  // Set after a data block is flushed until the next key arrives, so that
  // the index key can be a separator between the two blocks.
  bool pending_index_entry_ = false;
  BlockHandle pending_handle_;
};

// Returns a block's contents after checking its bounds and trailer CRC and
// decompressing it. `file` holds the whole table.
StatusOr<std::string> ReadBlock(std::string_view file, const BlockHandle& handle);

// Called with each entry of a block or table; the views are valid during
// the call only. An error stops the walk and is returned.
using EntryVisitor = std::function<Status(std::string_view key, std::string_view value)>;

// Decodes every entry of one block contents (as ReadBlock returns them).
Status DecodeBlock(std::string_view contents, const EntryVisitor& visit);
Status DecodeBlock(std::string_view contents, std::vector<std::pair<std::string, std::string>>* entries);

// Visits every key/value of a table held in `file`, in key order (keys
// strictly increasing: DataLoss otherwise), verifying every block checksum,
// with no copy of an entry. Errors do not name the file; callers add it.
Status ForEachEntry(std::string_view file, const EntryVisitor& visit);
// The same, collected.
StatusOr<std::vector<std::pair<std::string, std::string>>> ReadTable(std::string_view file);

}  // namespace tfcompat::table

#endif  // TFCOMPAT_SRC_CHECKPOINT_TABLE_H_
