// SPDX-License-Identifier: Apache-2.0
// Table layout (TensorFlow's lib/io/table_format.txt, LevelDB without filter
// blocks), all integers little-endian:
//
//   [data block 0][trailer] ... [data block k][trailer]
//   [metaindex block][trailer]          always empty in checkpoints
//   [index block][trailer]              one entry per data block
//   [footer]                            48 bytes
//
// block    := entry* restart[num_restarts] num_restarts
// entry    := shared:varint32 non_shared:varint32 value_length:varint32
//             key_delta[non_shared] value[value_length]
//             (the key is the first `shared` bytes of the previous key
//             followed by key_delta; a restart entry has shared == 0)
// restart  := fixed32 offset of a restart entry within the block
// trailer  := type:uint8 (0 raw, 1 Snappy) crc:fixed32
//             crc = Mask(crc32c(block contents ‖ type))
// footer   := metaindex_handle index_handle zero padding to 40 bytes
//             magic:fixed64 (0xdb4775248b80fb57)
// handle   := offset:varint64 size:varint64 (size excludes the trailer)
//
// Data blocks restart every 16 entries and are cut at 256 KiB; the index
// block restarts at every entry. An index key is >= every key of its block
// and < the first key of the next block.
#include "checkpoint/table.h"

#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "io/coding.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/crc32c.h"

namespace tfcompat::table {

void BlockHandle::EncodeTo(std::string* dst) const {
  PutVarint64(dst, offset);
  PutVarint64(dst, size);
}

bool BlockHandle::DecodeFrom(std::string_view* input) {
  return GetVarint64(input, &offset) && GetVarint64(input, &size);
}

void Footer::EncodeTo(std::string* dst) const {
  const size_t start = dst->size();
  metaindex.EncodeTo(dst);
  index.EncodeTo(dst);
  dst->resize(start + kFooterSize - 8, '\0');
  PutFixed64(dst, kTableMagicNumber);
}

Status Footer::DecodeFrom(std::string_view input) {
  if (input.size() != kFooterSize) return DataLossError("file is too short to be an sstable");
  if (DecodeFixed64(input.data() + kFooterSize - 8) != kTableMagicNumber) {
    return DataLossError("not an sstable (bad magic number)");
  }
  std::string_view handles = input.substr(0, kFooterSize - 8);
  if (!metaindex.DecodeFrom(&handles) || !index.DecodeFrom(&handles)) {
    return DataLossError("bad block handle");
  }
  return OkStatus();
}

void AppendBlockTrailer(std::string_view contents, BlockType type, std::string* dst) {
  const char type_byte = static_cast<char>(type);
  uint32_t crc = crc32c::Value(contents.data(), contents.size());
  crc = crc32c::Extend(crc, &type_byte, 1);
  dst->push_back(type_byte);
  PutFixed32(dst, crc32c::Mask(crc));
}

void FindShortestSeparator(std::string* start, std::string_view limit) {
  const size_t min_length = std::min(start->size(), limit.size());
  size_t diff = 0;
  while (diff < min_length && (*start)[diff] == limit[diff]) ++diff;
  if (diff >= min_length) return;  // one is a prefix of the other
  const auto byte = static_cast<uint8_t>((*start)[diff]);
  if (byte < 0xff && byte + 1 < static_cast<uint8_t>(limit[diff])) {
    (*start)[diff] = static_cast<char>(byte + 1);
    start->resize(diff + 1);
  }
}

void FindShortSuccessor(std::string* key) {
  for (size_t i = 0; i < key->size(); ++i) {
    const auto byte = static_cast<uint8_t>((*key)[i]);
    if (byte != 0xff) {
      (*key)[i] = static_cast<char>(byte + 1);
      key->resize(i + 1);
      return;
    }
  }
  // All 0xff: leave it as is.
}

BlockBuilder::BlockBuilder(int restart_interval) : restart_interval_(restart_interval) { restarts_.push_back(0); }

void BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.assign(1, 0);
  counter_ = 0;
  last_key_.clear();
}

size_t BlockBuilder::CurrentSizeEstimate() const {
  return buffer_.size() + restarts_.size() * sizeof(uint32_t) + sizeof(uint32_t);
}

void BlockBuilder::Add(std::string_view key, std::string_view value) {
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    const size_t min_length = std::min(last_key_.size(), key.size());
    while (shared < min_length && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  const size_t non_shared = key.size() - shared;
  PutVarint32(&buffer_, static_cast<uint32_t>(shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(non_shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(value.size()));
  buffer_.append(key.substr(shared));
  buffer_.append(value);
  last_key_.resize(shared);
  last_key_.append(key.substr(shared));
  ++counter_;
}

std::string_view BlockBuilder::Finish() {
  for (uint32_t restart : restarts_) PutFixed32(&buffer_, restart);
  PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
  return buffer_;
}

TableBuilder::TableBuilder() : data_block_(kDataBlockRestartInterval), index_block_(1) {}

Status TableBuilder::Add(std::string_view key, std::string_view value) {
  if (!status_.ok()) return status_;
  if (finished_) return status_ = FailedPreconditionError("TableBuilder::Add after Finish");
  if (has_key_ && key <= last_key_) {
    return status_ = InvalidArgumentError("table keys must be added in strictly increasing order");
  }
  if (pending_index_entry_) {
    FindShortestSeparator(&last_key_, key);
    std::string handle;
    pending_handle_.EncodeTo(&handle);
    index_block_.Add(last_key_, handle);
    pending_index_entry_ = false;
  }
  last_key_.assign(key);
  has_key_ = true;
  data_block_.Add(key, value);
  if (data_block_.CurrentSizeEstimate() >= kDataBlockSize) FlushDataBlock();
  return OkStatus();
}

void TableBuilder::WriteBlock(std::string_view contents) {
  out_.append(contents);
  AppendBlockTrailer(contents, kNoCompression, &out_);
}

void TableBuilder::FlushDataBlock() {
  if (data_block_.empty()) return;
  pending_handle_.offset = out_.size();
  std::string_view contents = data_block_.Finish();
  pending_handle_.size = contents.size();
  WriteBlock(contents);
  data_block_.Reset();
  pending_index_entry_ = true;
}

StatusOr<std::string> TableBuilder::Finish() {
  if (!status_.ok()) return status_;
  if (finished_) return status_ = FailedPreconditionError("TableBuilder::Finish called twice");
  finished_ = true;
  FlushDataBlock();

  Footer footer;
  BlockBuilder metaindex_block(kDataBlockRestartInterval);
  std::string_view metaindex = metaindex_block.Finish();
  footer.metaindex = {out_.size(), metaindex.size()};
  WriteBlock(metaindex);

  if (pending_index_entry_) {
    FindShortSuccessor(&last_key_);
    std::string handle;
    pending_handle_.EncodeTo(&handle);
    index_block_.Add(last_key_, handle);
    pending_index_entry_ = false;
  }
  std::string_view index = index_block_.Finish();
  footer.index = {out_.size(), index.size()};
  WriteBlock(index);
  footer.EncodeTo(&out_);
  return std::move(out_);
}

StatusOr<std::string> ReadBlock(std::string_view file, const BlockHandle& handle) {
  if (handle.offset > file.size() || handle.size > file.size() - handle.offset ||
      kBlockTrailerSize > file.size() - handle.offset - handle.size) {
    return DataLossError("truncated block read");
  }
  std::string_view contents = file.substr(handle.offset, handle.size);
  const char type = file[handle.offset + handle.size];
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(file.data() + handle.offset + handle.size + 1));
  uint32_t actual = crc32c::Value(contents.data(), contents.size());
  actual = crc32c::Extend(actual, &type, 1);
  if (stored != actual) return DataLossError("block checksum mismatch");
  switch (type) {
    case kNoCompression:
      return std::string(contents);
    case kSnappyCompression: {
      // IsValidCompressedBuffer checks the stated length against the data
      // without allocating, so the output size below is trusted.
      if (!snappy::IsValidCompressedBuffer(contents.data(), contents.size())) {
        return DataLossError("corrupted compressed block contents");
      }
      std::string out;
      if (!snappy::Uncompress(contents.data(), contents.size(), &out)) {
        return DataLossError("corrupted compressed block contents");
      }
      return out;
    }
    default:
      return DataLossError("bad block type");
  }
}

Status DecodeBlock(std::string_view contents, const EntryVisitor& visit) {
  if (contents.size() < sizeof(uint32_t)) return DataLossError("bad block contents: too short");
  const uint32_t num_restarts = DecodeFixed32(contents.data() + contents.size() - 4);
  const size_t max_restarts = (contents.size() - 4) / 4;
  if (num_restarts > max_restarts) return DataLossError("bad block contents: bad restart count");
  std::string_view input = contents.substr(0, contents.size() - 4 - 4ull * num_restarts);
  std::string key;
  while (!input.empty()) {
    uint32_t shared, non_shared, value_length;
    if (!GetVarint32(&input, &shared) || !GetVarint32(&input, &non_shared) || !GetVarint32(&input, &value_length) ||
        shared > key.size() || non_shared > input.size() || value_length > input.size() - non_shared) {
      return DataLossError("bad entry in block");
    }
    key.resize(shared);
    key.append(input.substr(0, non_shared));
    TFCOMPAT_RETURN_IF_ERROR(visit(key, input.substr(non_shared, value_length)));
    input.remove_prefix(non_shared + value_length);
  }
  return OkStatus();
}

namespace {

EntryVisitor AppendTo(std::vector<std::pair<std::string, std::string>>* entries) {
  return [entries](std::string_view key, std::string_view value) {
    entries->emplace_back(key, value);
    return OkStatus();
  };
}

}  // namespace

Status DecodeBlock(std::string_view contents, std::vector<std::pair<std::string, std::string>>* entries) {
  return DecodeBlock(contents, AppendTo(entries));
}

Status ForEachEntry(std::string_view file, const EntryVisitor& visit) {
  if (file.size() < kFooterSize) return DataLossError("file is too short to be an sstable");
  Footer footer;
  TFCOMPAT_RETURN_IF_ERROR(footer.DecodeFrom(file.substr(file.size() - kFooterSize)));
  // The metaindex is always empty in checkpoints, but its checksum is
  // verified like every other block's.
  TFCOMPAT_RETURN_IF_ERROR(ReadBlock(file, footer.metaindex).status().WithContext("metaindex block"));
  StatusOr<std::string> index_or = ReadBlock(file, footer.index);
  if (!index_or.ok()) return index_or.status().WithContext("index block");
  std::string index = *std::move(index_or);
  std::vector<std::pair<std::string, std::string>> index_entries;
  TFCOMPAT_RETURN_IF_ERROR(DecodeBlock(index, &index_entries).WithContext("index block"));
  std::string previous;
  bool first = true;
  for (const auto& [last_key, encoded_handle] : index_entries) {
    // A block's keys are at most its index entry's key.
    const std::string_view index_key = last_key;
    std::string_view handle_input = encoded_handle;
    BlockHandle handle;
    if (!handle.DecodeFrom(&handle_input)) return DataLossError("bad block handle");
    StatusOr<std::string> block = ReadBlock(file, handle);
    const auto where = [&handle] { return "data block at offset " + std::to_string(handle.offset); };
    if (!block.ok()) return block.status().WithContext(where());
    bool visit_failed = false;  // the caller's error, or the keys' order: passed on as they are
    Status status = DecodeBlock(*block, [&](std::string_view key, std::string_view value) {
      Status visited = (!first && key <= previous) || key > index_key ? DataLossError(where() + ": keys out of order")
                                                                      : visit(key, value);
      first = false;
      previous.assign(key);
      visit_failed = !visited.ok();
      return visited;
    });
    if (!status.ok()) return visit_failed ? status : status.WithContext(where());
  }
  return OkStatus();
}

StatusOr<std::vector<std::pair<std::string, std::string>>> ReadTable(std::string_view file) {
  std::vector<std::pair<std::string, std::string>> entries;
  TFCOMPAT_RETURN_IF_ERROR(ForEachEntry(file, AppendTo(&entries)));
  return entries;
}

}  // namespace tfcompat::table
