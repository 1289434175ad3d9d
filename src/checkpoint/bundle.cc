// SPDX-License-Identifier: Apache-2.0
// BundleWriter and BundleReader; the byte layout is in bundle_format.cc and
// table.cc.
#include "tfcompat/checkpoint/bundle.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>

#include "checkpoint/bundle_format.h"
#include "checkpoint/bundle_read_into.h"
#include "checkpoint/checkpoint_internal.h"
#include "checkpoint/table.h"
#include "io/file.h"
#include "tfcompat/base/status_macros.h"
#include "tfcompat/io/crc32c.h"
#include "tfcompat/tensorflow/tensor_bundle.pb.h"

namespace tfcompat {

std::string IndexFileName(std::string_view prefix) { return std::string(prefix) + ".index"; }

std::string DataFileName(std::string_view prefix, int shard_id, int num_shards) {
  char suffix[48];
  std::snprintf(suffix, sizeof(suffix), ".data-%05d-of-%05d", shard_id, num_shards);
  return std::string(prefix) + suffix;
}

// ---------------------------------------------------------------------------
// BundleWriter

namespace {

// For a file that does not gather small writes itself, they are gathered
// into one buffer; larger ones go straight to the file after the buffer is
// flushed.
constexpr size_t kWriteBufferSize = 1 << 20;
// A tensor is checksummed and written in pieces of this size, which stay in
// the core's cache (L2) from the CRC to the copy.
constexpr size_t kCrcPieceBytes = 256 << 10;

std::string TempSuffix() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return ".tempstate" + std::to_string(rng());
}

// An index entry as the writer and the reader keep it: its key a range of
// one string of all keys, its shape and slices in one arena, so that a
// checkpoint of many small tensors costs no allocation per tensor.
struct KeyedEntry {
  uint64_t key_offset = 0;
  uint64_t key_size = 0;
  bundle::EntryRecord record;
};

}  // namespace

struct BundleWriter::Rep {
  Env* env = nullptr;
  std::string prefix;
  Options options;
  std::string temp_suffix;
  Status status;
  bool finished = false;
  // Set while the index's temp file exists.
  std::string index_temp_path;

  struct Shard {
    std::string temp_path;
    std::unique_ptr<WritableFile> file;
    uint64_t size = 0;
  };
  std::vector<Shard> shards;
  // Small writes gathered for a file that does not gather them itself.
  std::string buffer;

  // The index entries in the order added (sorted by key at Finish).
  using PendingEntry = KeyedEntry;
  std::string keys;
  bundle::EntryArena arena;
  std::vector<PendingEntry> entries;
  // Whether the keys were added in increasing order (no sort needed).
  bool in_order = true;
  // Entry indices in key order, run by run: every kSortedRun entries are
  // sorted when the run is complete, while the adds wait for the disk
  // anyway; Finish sorts the last run and merges the runs, which for
  // 100 000 entries is a quarter of the time of sorting them all there.
  static constexpr size_t kSortedRun = 4096;
  std::vector<uint32_t> order;
  // Open addressing over the keys: entry index + 1, 0 for an empty slot;
  // at most half full.
  std::vector<uint32_t> key_slots;

  std::string_view Key(const PendingEntry& entry) const { return {keys.data() + entry.key_offset, entry.key_size}; }
  bool KeyLess(uint32_t a, uint32_t b) const { return Key(entries[a]) < Key(entries[b]); }

  // Sorts order[begin, end) by key.
  void SortRun(size_t begin, size_t end) {
    std::sort(order.begin() + static_cast<ptrdiff_t>(begin), order.begin() + static_cast<ptrdiff_t>(end),
              [this](uint32_t a, uint32_t b) { return KeyLess(a, b); });
  }

  // `order` sorted: the last run sorted, then runs merged pairwise. Runs
  // completed while the keys came in order are sorted already.
  void SortOrder() {
    if (in_order) return;
    const size_t n = order.size();
    SortRun(n - n % kSortedRun, n);
    const auto at = [this](size_t i) { return order.begin() + static_cast<ptrdiff_t>(i); };
    for (size_t width = kSortedRun; width < n; width *= 2) {
      for (size_t lo = 0; lo + width < n; lo += 2 * width) {
        std::inplace_merge(at(lo), at(lo + width), at(std::min(lo + 2 * width, n)),
                           [this](uint32_t a, uint32_t b) { return KeyLess(a, b); });
      }
    }
  }

  // The slot holding `key`'s entry, or the empty slot where it would go.
  uint32_t& Slot(std::string_view key) {
    const size_t mask = key_slots.size() - 1;
    for (size_t i = std::hash<std::string_view>()(key) & mask;; i = (i + 1) & mask) {
      uint32_t& slot = key_slots[i];
      if (slot == 0 || Key(entries[slot - 1]) == key) return slot;
    }
  }

  PendingEntry* Find(std::string_view key) {
    if (key_slots.empty()) return nullptr;
    const uint32_t slot = Slot(key);
    return slot == 0 ? nullptr : &entries[slot - 1];
  }

  // Adds an entry for a key not added before.
  PendingEntry& Insert(std::string_view key) {
    if (!entries.empty() && in_order) in_order = Key(entries.back()) < key;
    entries.push_back({keys.size(), key.size(), {}});
    keys.append(key);
    order.push_back(static_cast<uint32_t>(entries.size() - 1));
    if (!in_order && order.size() % kSortedRun == 0) SortRun(order.size() - kSortedRun, order.size());
    if (entries.size() * 2 > key_slots.size()) {
      key_slots.assign(std::max<size_t>(64, key_slots.size() * 2), 0);
      for (size_t i = 0; i < entries.size(); ++i) Slot(Key(entries[i])) = static_cast<uint32_t>(i + 1);
    } else {
      Slot(key) = static_cast<uint32_t>(entries.size());
    }
    return entries.back();
  }

  void SetShape(bundle::EntryRecord* record, DataType dtype, const TensorShape& shape) {
    record->dtype = static_cast<int32_t>(dtype);
    record->has_shape = true;
    record->first_dim = static_cast<uint32_t>(arena.dims.size());
    record->rank = static_cast<uint32_t>(shape.size());
    arena.dims.insert(arena.dims.end(), shape.begin(), shape.end());
  }

  // EncodeEntry wants an entry's slices contiguous: when another entry's
  // slices came in between, this entry's are moved to the end first.
  void AppendSlice(bundle::EntryRecord* record, std::span<const bundle::SliceExtent> extents) {
    if (record->num_slices > 0 && record->first_slice + record->num_slices != arena.slices.size()) {
      const auto first = static_cast<uint32_t>(arena.slices.size());
      for (uint32_t s = 0; s < record->num_slices; ++s) {
        const bundle::EntryArena::Slice moved = arena.slices[record->first_slice + s];
        arena.slices.push_back(moved);
      }
      record->first_slice = first;
    }
    if (record->num_slices == 0) record->first_slice = static_cast<uint32_t>(arena.slices.size());
    arena.slices.push_back({static_cast<uint32_t>(arena.extents.size()), static_cast<uint32_t>(extents.size())});
    arena.extents.insert(arena.extents.end(), extents.begin(), extents.end());
    ++record->num_slices;
  }

  std::string TempDataPath(size_t shard) const { return prefix + ".data-" + std::to_string(shard) + temp_suffix; }

  Status OpenShard() {
    Shard shard;
    shard.temp_path = TempDataPath(shards.size());
    TFCOMPAT_ASSIGN_OR_RETURN(shard.file, env->NewStreamingFile(shard.temp_path));
    shards.push_back(std::move(shard));
    return OkStatus();
  }

  Status FlushBuffer() {
    if (buffer.empty()) return OkStatus();
    Status s = shards.back().file->Append(buffer);
    buffer.clear();
    return s;
  }

  Status Write(std::string_view data) {
    shards.back().size += data.size();
    if (shards.back().file->buffers_appends()) return shards.back().file->Append(data);
    if (buffer.size() + data.size() <= kWriteBufferSize) {
      buffer.append(data);
      return OkStatus();
    }
    TFCOMPAT_RETURN_IF_ERROR(FlushBuffer());
    return shards.back().file->Append(data);
  }

  // Checks the name and moves to a new shard if this tensor would overflow
  // the current one.
  Status BeginEntry(std::string_view name, uint64_t size) {
    if (Find(name) != nullptr) return InvalidArgumentError("Adding duplicate key: " + std::string(name));
    if (options.max_shard_bytes > 0 && shards.back().size > 0 && shards.back().size + size > options.max_shard_bytes) {
      TFCOMPAT_RETURN_IF_ERROR(FlushBuffer());
      TFCOMPAT_RETURN_IF_ERROR(OpenShard());
    }
    return OkStatus();
  }

  void NewEntry(std::string_view name, DataType dtype, const TensorShape& shape, uint64_t size, uint32_t crc) {
    bundle::EntryRecord& record = Insert(name).record;
    SetShape(&record, dtype, shape);
    record.shard_id = static_cast<int32_t>(shards.size() - 1);
    record.offset = static_cast<int64_t>(shards.back().size - size);
    record.size = static_cast<int64_t>(size);
    record.masked_crc32c = crc32c::Mask(crc);
  }

  Status AddBytes(std::string_view name, DataType dtype, const TensorShape& shape, std::string_view bytes) {
    if (!IsFixedWidth(dtype)) {
      return InvalidArgumentError("tensor " + std::string(name) + ": dtype " + std::string(DataTypeName(dtype)) +
                                  " is not a fixed-width type");
    }
    TFCOMPAT_ASSIGN_OR_RETURN(int64_t count, NumElements(shape, DataTypeSize(dtype)));
    if (bytes.size() != static_cast<uint64_t>(count) * DataTypeSize(dtype)) {
      return InvalidArgumentError("tensor " + std::string(name) + " of shape " + ShapeDebugString(shape) + " has " +
                                  std::to_string(bytes.size()) + " bytes, expected " +
                                  std::to_string(count * static_cast<int64_t>(DataTypeSize(dtype))));
    }
    TFCOMPAT_RETURN_IF_ERROR(BeginEntry(name, bytes.size()));
    // Checksummed and written piece by piece, so that the write copies each
    // piece from the cache the CRC brought it into: the CRC of a whole large
    // tensor and then its copy read it from memory twice, which the disk's
    // DMA competes with (a third slower for 16 MiB tensors).
    uint32_t crc = 0;
    for (size_t done = 0; done < bytes.size(); done += kCrcPieceBytes) {
      const std::string_view piece = bytes.substr(done, kCrcPieceBytes);
      crc = crc32c::Extend(crc, piece.data(), piece.size());
      TFCOMPAT_RETURN_IF_ERROR(Write(piece));
    }
    NewEntry(name, dtype, shape, bytes.size(), crc);
    return OkStatus();
  }

  Status AddStrings(std::string_view name, const Tensor& tensor) {
    uint32_t crc;
    const std::string header = bundle::EncodeStringHeader(tensor.strings(), &crc);
    uint64_t size = header.size();
    for (const std::string& value : tensor.strings()) size += value.size();
    TFCOMPAT_RETURN_IF_ERROR(BeginEntry(name, size));
    TFCOMPAT_RETURN_IF_ERROR(Write(header));
    for (const std::string& value : tensor.strings()) {
      crc = crc32c::Extend(crc, value.data(), value.size());
      TFCOMPAT_RETURN_IF_ERROR(Write(value));
    }
    NewEntry(name, DataType::kString, tensor.shape(), size, crc);
    return OkStatus();
  }

  Status Add(std::string_view name, const Tensor& tensor) {
    if (tensor.dtype() == DataType::kString) return AddStrings(name, tensor);
    return AddBytes(name, tensor.dtype(), tensor.shape(), tensor.bytes());
  }

  Status AddSlice(std::string_view full_name, const TensorShape& full_shape, const std::vector<Extent>& slice,
                  const Tensor& tensor) {
    const std::string where = "slice of tensor " + std::string(full_name);
    if (slice.size() != full_shape.size()) {
      return InvalidArgumentError(where + ": slice rank " + std::to_string(slice.size()) + " != shape rank " +
                                  std::to_string(full_shape.size()));
    }
    TFCOMPAT_RETURN_IF_ERROR(NumElements(full_shape).status());
    std::vector<bundle::SliceExtent> extents(slice.size());  // a full dimension stays {0, -1}
    TensorShape slice_shape;
    bool covers_all = true;
    for (size_t d = 0; d < slice.size(); ++d) {
      const Extent& extent = slice[d];
      const bool full_dim = extent.length == -1 || (extent.start == 0 && extent.length == full_shape[d]);
      if (!full_dim) {
        if (extent.start < 0 || extent.length < 0 || extent.start > full_shape[d] ||
            extent.length > full_shape[d] - extent.start) {
          return InvalidArgumentError(where + ": extent " + std::to_string(extent.start) + "," +
                                      std::to_string(extent.length) + " is outside dimension " + std::to_string(d) +
                                      " of " + ShapeDebugString(full_shape));
        }
        extents[d] = {extent.start, extent.length};
        covers_all = false;
      }
      slice_shape.push_back(full_dim ? full_shape[d] : extent.length);
    }
    if (slice_shape != tensor.shape()) {
      return InvalidArgumentError(where + ": tensor shape " + ShapeDebugString(tensor.shape()) +
                                  " does not match the slice shape " + ShapeDebugString(slice_shape));
    }
    if (covers_all) return Add(full_name, tensor);
    const PendingEntry* existing = Find(full_name);
    if (existing != nullptr &&
        (existing->record.num_slices == 0 || existing->record.dtype != static_cast<int32_t>(tensor.dtype()))) {
      return InvalidArgumentError(where + ": the name is already used by a tensor of another kind");
    }
    TFCOMPAT_RETURN_IF_ERROR(Add(bundle::EncodeTensorNameSlice(full_name, extents), tensor));
    // Looked up again: adding the slice may have moved the entries.
    bundle::EntryRecord& full = existing != nullptr ? Find(full_name)->record : Insert(full_name).record;
    SetShape(&full, tensor.dtype(), full_shape);
    AppendSlice(&full, extents);
    return OkStatus();
  }

  // Every file is complete (and synced) under its temp name before the
  // first rename, so a failure or a crash can leave renamed data files
  // without an index but never an index whose data is incomplete.
  Status Finish() {
    TFCOMPAT_RETURN_IF_ERROR(FlushBuffer());
    const int num_shards = static_cast<int>(shards.size());
    // The index is built while the data's last write is in flight.
    table::TableBuilder builder;
    TFCOMPAT_RETURN_IF_ERROR(builder.Add(bundle::kHeaderEntryKey, bundle::MakeHeader(num_shards).SerializeAsString()));
    SortOrder();
    std::string value;
    for (const uint32_t i : order) {
      value.clear();
      bundle::EncodeEntry(entries[i].record, arena, &value);
      TFCOMPAT_RETURN_IF_ERROR(builder.Add(Key(entries[i]), value));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(std::string index, builder.Finish());
    for (Shard& shard : shards) {
      if (options.sync) TFCOMPAT_RETURN_IF_ERROR(shard.file->Sync());
      TFCOMPAT_RETURN_IF_ERROR(shard.file->Close());
    }
    index_temp_path = IndexFileName(prefix) + temp_suffix;
    TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(index_temp_path));
    TFCOMPAT_RETURN_IF_ERROR(file->Append(index));
    if (options.sync) TFCOMPAT_RETURN_IF_ERROR(file->Sync());
    TFCOMPAT_RETURN_IF_ERROR(file->Close());
    // Data first: the index gets its name last.
    for (int i = 0; i < num_shards; ++i) {
      Shard& shard = shards[static_cast<size_t>(i)];
      TFCOMPAT_RETURN_IF_ERROR(env->RenameFile(shard.temp_path, DataFileName(prefix, i, num_shards)));
      shard.temp_path.clear();
    }
    TFCOMPAT_RETURN_IF_ERROR(env->RenameFile(index_temp_path, IndexFileName(prefix)));
    index_temp_path.clear();
    if (options.sync && options.sync_directory) TFCOMPAT_RETURN_IF_ERROR(env->SyncDir(Dirname(prefix)));
    return OkStatus();
  }
};

BundleWriter::BundleWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

// The temp files are gone with the writer; a leftover (when deleting fails
// too) is removed by CheckpointManager's next save.
BundleWriter::~BundleWriter() {
  for (const Rep::Shard& shard : rep_->shards) {
    if (!shard.temp_path.empty()) {
      if (shard.file) shard.file->Close().IgnoreError();
      rep_->env->DeleteFile(shard.temp_path).IgnoreError();
    }
  }
  if (!rep_->index_temp_path.empty()) rep_->env->DeleteFile(rep_->index_temp_path).IgnoreError();
}

StatusOr<std::unique_ptr<BundleWriter>> BundleWriter::Create(const std::string& prefix, Options options) {
  return CheckpointAccess::NewBundleWriter(Env::Default(), prefix, options);
}

StatusOr<std::unique_ptr<BundleWriter>> CheckpointAccess::NewBundleWriter(Env* env, const std::string& prefix,
                                                                          BundleWriter::Options options) {
  auto rep = std::make_unique<BundleWriter::Rep>();
  rep->env = env;
  rep->prefix = prefix;
  rep->options = options;
  rep->temp_suffix = TempSuffix();
  TFCOMPAT_RETURN_IF_ERROR(rep->env->RecursivelyCreateDir(Dirname(prefix)));
  TFCOMPAT_RETURN_IF_ERROR(rep->OpenShard());
  return std::unique_ptr<BundleWriter>(new BundleWriter(std::move(rep)));
}

// Names starting with a NUL byte are reserved for slice keys.
Status BundleWriter::CheckAdd(std::string_view name) {
  if (!rep_->status.ok()) return rep_->status;
  if (rep_->finished) return rep_->status = FailedPreconditionError("BundleWriter::Add after Finish");
  if (name.empty() || name[0] == '\0') {
    return rep_->status = InvalidArgumentError("tensor names must be non-empty and not start with a NUL byte");
  }
  return OkStatus();
}

Status BundleWriter::Add(std::string_view name, const Tensor& tensor) {
  TFCOMPAT_RETURN_IF_ERROR(CheckAdd(name));
  return rep_->status = rep_->Add(name, tensor);
}

Status BundleWriter::AddBytes(std::string_view name, DataType dtype, const TensorShape& shape, std::string_view bytes) {
  TFCOMPAT_RETURN_IF_ERROR(CheckAdd(name));
  return rep_->status = rep_->AddBytes(name, dtype, shape, bytes);
}

Status BundleWriter::AddSlice(std::string_view full_name, const TensorShape& full_shape,
                              const std::vector<Extent>& slice, const Tensor& slice_tensor) {
  TFCOMPAT_RETURN_IF_ERROR(CheckAdd(full_name));
  return rep_->status = rep_->AddSlice(full_name, full_shape, slice, slice_tensor);
}

Status BundleWriter::Finish() {
  if (rep_->finished) return FailedPreconditionError("BundleWriter::Finish called twice");
  rep_->finished = true;
  if (!rep_->status.ok()) return rep_->status;
  return rep_->status = rep_->Finish().WithContext("writing checkpoint " + rep_->prefix);
}

// ---------------------------------------------------------------------------
// BundleReader

namespace {

// Upper bound for an index file read into memory: far above any real
// checkpoint index (about 100 bytes per tensor).
constexpr uint64_t kMaxIndexFileSize = uint64_t{1} << 31;

// Reads exactly `n` bytes at `offset` into `into`: DataLoss for a file that
// ends first (a checked entry's range lies inside the file as it was at
// Open; a shorter file was truncated since).
Status ReadFully(const RandomAccessFile& file, uint64_t offset, size_t n, char* into) {
  std::string_view read;
  TFCOMPAT_RETURN_IF_ERROR(file.Read(offset, n, into, &read));
  if (read.size() != n) {
    return DataLossError("truncated read of " + file.path() + ": " + std::to_string(read.size()) + " of " +
                         std::to_string(n) + " bytes at offset " + std::to_string(offset));
  }
  if (read.data() != into) std::memcpy(into, read.data(), n);
  return OkStatus();
}

}  // namespace

struct BundleReader::Rep {
  Env* env = Env::Default();
  std::string prefix;
  Options options;
  int num_shards = 1;
  // Every key but "", in the index's (sorted) order, decoded without
  // protobuf.
  using IndexEntry = KeyedEntry;
  std::string keys;
  bundle::EntryArena arena;
  std::vector<IndexEntry> index;
  std::vector<BundleEntry> entries;
  // A data file, opened on first use, and its size then: a published
  // checkpoint's files never change, and one fstat per tensor would cost
  // more than reading a small tensor.
  struct DataShard {
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size = 0;
  };
  std::vector<DataShard> shards;

  std::string IndexError(std::string_view what) const {
    return "Unable to read file (" + IndexFileName(prefix) +
           "). Perhaps the file is corrupt or was produced by a newer version of TensorFlow with format changes (" +
           std::string(what) + ")";
  }

  std::string_view Key(const IndexEntry& entry) const { return {keys.data() + entry.key_offset, entry.key_size}; }

  // `hint`, if given, is the position after the previous lookup's entry,
  // tried first and then updated: lookups in name order (a restore
  // walking entries()) skip the binary search.
  StatusOr<const bundle::EntryRecord*> FindEntry(std::string_view key, std::string_view name,
                                                 size_t* hint = nullptr) const {
    size_t at;
    if (hint != nullptr && *hint < index.size() && Key(index[*hint]) == key) {
      at = *hint;
    } else {
      at =
          static_cast<size_t>(std::lower_bound(index.begin(), index.end(), key,
                                               [this](const IndexEntry& e, std::string_view k) { return Key(e) < k; }) -
                              index.begin());
      if (at == index.size() || Key(index[at]) != key) {
        return NotFoundError("Key " + std::string(name) + " not found in checkpoint");
      }
    }
    if (hint != nullptr) *hint = at + 1;
    return &index[at].record;
  }

  StatusOr<const DataShard*> Shard(int shard_id) {
    if (shard_id < 0 || shard_id >= num_shards) {
      return DataLossError("shard_id " + std::to_string(shard_id) + " is outside [0, " + std::to_string(num_shards) +
                           ")");
    }
    DataShard& shard = shards[static_cast<size_t>(shard_id)];
    if (!shard.file) {
      TFCOMPAT_ASSIGN_OR_RETURN(auto file, env->NewRandomAccessFile(DataFileName(prefix, shard_id, num_shards)));
      TFCOMPAT_ASSIGN_OR_RETURN(shard.size, file->Size());
      shard.file = std::move(file);
    }
    return &shard;
  }

  // ResourceExhausted when a tensor of `bytes` is above the limit.
  Status CheckTensorBytes(std::string_view name, uint64_t bytes) const {
    if (bytes <= options.max_tensor_bytes) return OkStatus();
    return ResourceExhaustedError("TensorBundle at " + prefix + ", key " + std::string(name) + ": tensor of " +
                                  std::to_string(bytes) + " bytes is above the reader's limit of " +
                                  std::to_string(options.max_tensor_bytes) + " bytes (Options::max_tensor_bytes)");
  }

  // Names a stored entry in errors.
  std::string Where(std::string_view name, const bundle::EntryRecord& entry) const {
    return "TensorBundle at " + prefix + " shard " + std::to_string(entry.shard_id) + " (" +
           std::to_string(entry.size) + " bytes), key " + std::string(name);
  }

  // A stored (unpartitioned) entry's bytes, checked against its dtype,
  // shape and data file before anything is read.
  struct StoredRange {
    DataType dtype = DataType::kInvalid;
    TensorShape shape;
    int64_t num_elements = 0;
    RandomAccessFile* file = nullptr;
    uint64_t offset = 0;
    uint64_t size = 0;
  };

  StatusOr<StoredRange> Locate(std::string_view name, const bundle::EntryRecord& entry) {
    StoredRange range;
    range.dtype = static_cast<DataType>(entry.dtype);
    TFCOMPAT_ASSIGN_OR_RETURN(range.shape, bundle::EntryShape(entry, arena));
    if (!IsFixedWidth(range.dtype) && range.dtype != DataType::kString) {
      return UnimplementedError(Where(name, entry) + ": reading dtype " + std::string(DataTypeName(range.dtype)) +
                                " is not supported");
    }
    TFCOMPAT_ASSIGN_OR_RETURN(range.num_elements, NumElements(range.shape, DataTypeSize(range.dtype)));
    const int64_t fixed_bytes = range.num_elements * static_cast<int64_t>(DataTypeSize(range.dtype));
    if (IsFixedWidth(range.dtype) && entry.size != fixed_bytes) {
      return DataLossError("Invalid size in bundle entry: key " + std::string(name) + "; stored size " +
                           std::to_string(entry.size) + "; expected size " + std::to_string(fixed_bytes));
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const DataShard* shard, Shard(entry.shard_id));
    range.file = shard->file.get();
    if (entry.offset < 0 || entry.size < 0 || static_cast<uint64_t>(entry.offset) > shard->size ||
        static_cast<uint64_t>(entry.size) > shard->size - static_cast<uint64_t>(entry.offset)) {
      return DataLossError(Where(name, entry) + ": entry at offset " + std::to_string(entry.offset) +
                           " runs past the end of " + range.file->path() + " (" + std::to_string(shard->size) +
                           " bytes)");
    }
    range.offset = static_cast<uint64_t>(entry.offset);
    range.size = static_cast<uint64_t>(entry.size);
    return range;
  }

  // DataLoss unless `actual` is the entry's stored CRC32C.
  Status CheckCrc(std::string_view name, const bundle::EntryRecord& entry, uint32_t actual) const {
    const uint32_t stored = crc32c::Unmask(entry.masked_crc32c);
    if (actual == stored) return OkStatus();
    return DataLossError(Where(name, entry) + ": Checksum does not match: stored " + std::to_string(stored) +
                         " vs. calculated on the restored bytes " + std::to_string(actual));
  }

  // Reads one stored (unpartitioned) entry.
  StatusOr<Tensor> ReadEntry(std::string_view name, const bundle::EntryRecord& entry) {
    TFCOMPAT_ASSIGN_OR_RETURN(StoredRange range, Locate(name, entry));
    if (range.size > 0) TFCOMPAT_RETURN_IF_ERROR(CheckTensorBytes(name, range.size));
    std::string bytes(static_cast<size_t>(range.size), '\0');
    TFCOMPAT_RETURN_IF_ERROR(
        ReadFully(*range.file, range.offset, bytes.size(), bytes.data()).WithContext(Where(name, entry)));
    if (range.dtype == DataType::kString) {
      std::vector<std::string> values;
      TFCOMPAT_RETURN_IF_ERROR(
          bundle::DecodeStringTensor(bytes, range.num_elements, crc32c::Unmask(entry.masked_crc32c), &values)
              .WithContext(Where(name, entry)));
      return Tensor::FromStrings(std::move(range.shape), std::move(values));
    }
    TFCOMPAT_RETURN_IF_ERROR(CheckCrc(name, entry, crc32c::Value(bytes.data(), bytes.size())));
    return Tensor::FromBytes(range.dtype, std::move(range.shape), std::move(bytes));
  }

  // Assembles a partitioned tensor from its slice entries.
  StatusOr<Tensor> ReadPartitioned(std::string_view name, const bundle::EntryRecord& full_entry);
};

namespace {

// Copies the elements of `part` (the slice [start, start + part.shape)) into
// `full`, row-major. Strings and fixed-width bytes alike.
void CopySlice(const Tensor& part, const std::vector<int64_t>& start, Tensor* full,
               std::vector<std::string>* full_strings) {
  const TensorShape& shape = full->shape();
  const TensorShape& part_shape = part.shape();
  const size_t rank = shape.size();
  const size_t element_size = DataTypeSize(full->dtype());
  const int64_t inner = rank == 0 ? 1 : part_shape[rank - 1];
  if (part.num_elements() == 0) return;
  std::vector<int64_t> index(rank, 0);  // position in `part`, last dim = 0
  for (int64_t source = 0; source < part.num_elements(); source += inner) {
    int64_t target = 0;
    for (size_t d = 0; d < rank; ++d) target = target * shape[d] + start[d] + index[d];
    if (full_strings) {
      for (int64_t k = 0; k < inner; ++k) {
        (*full_strings)[static_cast<size_t>(target + k)] = part.strings()[static_cast<size_t>(source + k)];
      }
    } else {
      std::memcpy(full->mutable_bytes()->data() + target * element_size, part.bytes().data() + source * element_size,
                  static_cast<size_t>(inner) * element_size);
    }
    for (size_t d = rank - 1; d-- > 0;) {  // next row of `part`
      if (++index[d] < part_shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

StatusOr<Tensor> BundleReader::Rep::ReadPartitioned(std::string_view name, const bundle::EntryRecord& full_entry) {
  const auto dtype = static_cast<DataType>(full_entry.dtype);
  TFCOMPAT_ASSIGN_OR_RETURN(TensorShape shape, bundle::EntryShape(full_entry, arena));
  TFCOMPAT_ASSIGN_OR_RETURN(int64_t total, NumElements(shape, std::max<size_t>(DataTypeSize(dtype), 1)));
  // The slices must exist (and so be backed by real bytes) before the full
  // tensor is allocated.
  std::vector<std::pair<std::vector<int64_t>, const bundle::EntryRecord*>> parts;
  int64_t covered = 0;
  for (uint32_t s = 0; s < full_entry.num_slices; ++s) {
    const std::span<const bundle::SliceExtent> slice = full_entry.extents(arena, s);
    const std::string where = "partitioned tensor " + std::string(name);
    if (slice.size() != shape.size()) {
      return DataLossError(where + ": slice rank does not match shape " + ShapeDebugString(shape));
    }
    std::vector<int64_t> start(shape.size());
    TensorShape slice_shape(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) {
      const bundle::SliceExtent& extent = slice[d];
      const bool full = extent.length == -1;
      start[d] = extent.start;
      slice_shape[d] = full ? shape[d] : extent.length;
      if (start[d] < 0 || slice_shape[d] < 0 || start[d] > shape[d] || slice_shape[d] > shape[d] - start[d]) {
        return DataLossError(where + ": slice outside shape " + ShapeDebugString(shape));
      }
    }
    const std::string key = bundle::EncodeTensorNameSlice(name, slice);
    TFCOMPAT_ASSIGN_OR_RETURN(const bundle::EntryRecord* part, FindEntry(key, std::string(name) + " (slice)"));
    TFCOMPAT_ASSIGN_OR_RETURN(TensorShape stored_shape, bundle::EntryShape(*part, arena));
    if (stored_shape != slice_shape || part->dtype != full_entry.dtype) {
      return DataLossError(where + ": slice entry has shape " + ShapeDebugString(stored_shape) + ", expected " +
                           ShapeDebugString(slice_shape));
    }
    covered += *NumElements(slice_shape);
    parts.emplace_back(std::move(start), part);
  }
  if (covered != total) {
    return NotFoundError("Does not have sufficient slices for partitioned tensor " + std::string(name) +
                         " to restore in slice_spec: " + ShapeDebugString(shape));
  }
  const uint64_t element_bytes = dtype == DataType::kString ? sizeof(std::string) : DataTypeSize(dtype);
  if (static_cast<uint64_t>(total) > options.max_tensor_bytes / std::max<uint64_t>(element_bytes, 1)) {
    return CheckTensorBytes(name, static_cast<uint64_t>(total) * element_bytes);
  }
  TFCOMPAT_ASSIGN_OR_RETURN(Tensor full, Tensor::Zeros(dtype, shape));
  std::vector<std::string> strings(dtype == DataType::kString ? static_cast<size_t>(total) : 0);
  for (const auto& [start, part_entry] : parts) {
    TFCOMPAT_ASSIGN_OR_RETURN(Tensor part, ReadEntry(name, *part_entry));
    CopySlice(part, start, &full, dtype == DataType::kString ? &strings : nullptr);
  }
  if (dtype == DataType::kString) return Tensor::FromStrings(std::move(shape), std::move(strings));
  return full;
}

BundleReader::BundleReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
BundleReader::~BundleReader() = default;

StatusOr<std::unique_ptr<BundleReader>> BundleReader::Open(const std::string& prefix, const Options& options) {
  auto rep = std::make_unique<Rep>();
  rep->prefix = prefix;
  rep->options = options;
  const std::string index_path = IndexFileName(prefix);
  TFCOMPAT_ASSIGN_OR_RETURN(std::string index, ReadFileToString(rep->env, index_path, kMaxIndexFileSize));
  // Reserved as the index's size: the keys usually take less.
  rep->keys.reserve(index.size());
  bool header_seen = false;
  Status entry_error;  // the visitor's own error, already naming the file
  const auto visit = [&](std::string_view key, std::string_view value) -> Status {
    if (!header_seen) {
      tensorflow::BundleHeaderProto header;
      if (!key.empty())
        entry_error = DataLossError(rep->IndexError("failed to seek to header entry"));
      else if (!header.ParseFromArray(value.data(), static_cast<int>(value.size())))
        entry_error = DataLossError(rep->IndexError("unable to parse header"));
      else
        entry_error = bundle::CheckHeader(header).WithContext(index_path);
      header_seen = true;
      rep->num_shards = header.num_shards();
      return entry_error;
    }
    bundle::EntryRecord entry;
    if (const Status decoded = bundle::DecodeEntry(value, &rep->arena, &entry); !decoded.ok()) {
      return entry_error = DataLossError(index_path + ": Entry for key " + std::string(key) + " not parseable. (" +
                                         decoded.message() + ")");
    }
    // ForEachEntry checked the keys ascend: the index is sorted.
    rep->index.push_back({rep->keys.size(), key.size(), entry});
    rep->keys.append(key);
    return OkStatus();
  };
  const Status walked = table::ForEachEntry(index, visit);
  if (!walked.ok()) return entry_error.ok() ? walked.WithContext(index_path) : walked;
  if (!header_seen) return DataLossError(rep->IndexError("failed to seek to header entry"));
  rep->shards.resize(static_cast<size_t>(rep->num_shards));
  // The public entries are made once the count is known: one allocation
  // for the vector, none for moving them.
  size_t num_tensors = 0;
  for (const Rep::IndexEntry& e : rep->index) num_tensors += rep->Key(e)[0] != '\0';
  rep->entries.reserve(num_tensors);
  for (const Rep::IndexEntry& e : rep->index) {
    const std::string_view key = rep->Key(e);
    if (key[0] == '\0') continue;
    BundleEntry& info = rep->entries.emplace_back();
    info.name = key;
    info.dtype = static_cast<DataType>(e.record.dtype);
    StatusOr<TensorShape> shape = bundle::EntryShape(e.record, rep->arena);
    if (!shape.ok()) return shape.status().WithContext(index_path + ": key " + std::string(key));
    if (shape->size() > static_cast<size_t>(std::max(options.max_rank, 0))) {
      return InvalidArgumentError(index_path + ": key " + info.name + " has rank " + std::to_string(shape->size()) +
                                  ", above the reader's limit of " + std::to_string(options.max_rank) +
                                  " (Options::max_rank)");
    }
    info.shape = *std::move(shape);
    info.shard_id = e.record.shard_id;
    info.offset = e.record.offset;
    info.size = e.record.size;
    info.partitioned = e.record.num_slices > 0;
  }
  for (BundleEntry& info : rep->entries) {
    if (!info.partitioned) continue;
    const bundle::EntryRecord* full = *rep->FindEntry(info.name, info.name);
    for (uint32_t s = 0; s < full->num_slices; ++s) {
      const StatusOr<const bundle::EntryRecord*> part =
          rep->FindEntry(bundle::EncodeTensorNameSlice(info.name, full->extents(rep->arena, s)), info.name);
      if (part.ok()) info.size += (*part)->size;
    }
  }
  return std::unique_ptr<BundleReader>(new BundleReader(std::move(rep)));
}

const std::string& BundleReader::prefix() const { return rep_->prefix; }
int BundleReader::num_shards() const { return rep_->num_shards; }
const std::vector<BundleEntry>& BundleReader::entries() const { return rep_->entries; }

StatusOr<BundleEntry> BundleReader::GetEntry(std::string_view name) const {
  auto it = std::lower_bound(rep_->entries.begin(), rep_->entries.end(), name,
                             [](const BundleEntry& e, std::string_view n) { return e.name < n; });
  if (it == rep_->entries.end() || it->name != name) {
    return NotFoundError("Key " + std::string(name) + " not found in checkpoint");
  }
  return *it;
}

StatusOr<Tensor> BundleReader::Lookup(std::string_view name) {
  if (name.empty() || name[0] == '\0') return NotFoundError("Key " + std::string(name) + " not found in checkpoint");
  TFCOMPAT_ASSIGN_OR_RETURN(const bundle::EntryRecord* entry, rep_->FindEntry(name, name));
  if (entry->num_slices > 0) return rep_->ReadPartitioned(name, *entry);
  return rep_->ReadEntry(name, *entry);
}

Status BundleReader::ReadInto(std::span<const Destination> destinations) {
  std::vector<bundle::ReadTarget> targets;
  targets.reserve(destinations.size());
  size_t next_entry = 0;  // FindEntry's hint
  for (const Destination& destination : destinations) {
    const std::string_view name = destination.name;
    if (name.empty() || name[0] == '\0') return NotFoundError("Key " + std::string(name) + " not found in checkpoint");
    TFCOMPAT_ASSIGN_OR_RETURN(const bundle::EntryRecord* entry, rep_->FindEntry(name, name, &next_entry));
    const auto dtype = static_cast<DataType>(entry->dtype);
    if (dtype == DataType::kString) {
      return InvalidArgumentError("BundleReader::ReadInto: key " + std::string(name) +
                                  " is a string tensor; ReadInto takes fixed-width tensors (use Lookup)");
    }
    const auto check_size = [&](uint64_t size) {
      if (size == destination.bytes.size()) return OkStatus();
      return InvalidArgumentError("BundleReader::ReadInto: key " + std::string(name) + " has " + std::to_string(size) +
                                  " bytes, its destination " + std::to_string(destination.bytes.size()));
    };
    if (entry->num_slices > 0) {  // rare (partitioned variables): assembled, then copied
      TFCOMPAT_ASSIGN_OR_RETURN(Tensor full, rep_->ReadPartitioned(name, *entry));
      TFCOMPAT_RETURN_IF_ERROR(check_size(full.bytes().size()));
      std::memcpy(destination.bytes.data(), full.bytes().data(), full.bytes().size());
      continue;
    }
    TFCOMPAT_ASSIGN_OR_RETURN(const Rep::StoredRange range, rep_->Locate(name, *entry));
    TFCOMPAT_RETURN_IF_ERROR(check_size(range.size));
    targets.push_back({name, entry, range.file, range.offset, range.size, destination.bytes.data()});
  }
  return bundle::ReadTargets(
      std::move(targets),
      {.crc = [&](const bundle::ReadTarget& t, uint32_t crc) { return rep_->CheckCrc(t.name, *t.entry, crc); },
       .where = [&](const bundle::ReadTarget& t) { return rep_->Where(t.name, *t.entry); }});
}

Status BundleReader::VerifyAll() {
  for (int i = 0; i < rep_->num_shards; ++i) TFCOMPAT_RETURN_IF_ERROR(rep_->Shard(i).status());
  // Fixed-width tensors up to kBatchBytes are read with ReadInto, many at a
  // time, into one reused buffer; the others (strings, partitioned and
  // larger tensors) with Lookup.
  constexpr uint64_t kBatchBytes = uint64_t{64} << 20;
  const auto batched = [](const BundleEntry& e) {
    return IsFixedWidth(e.dtype) && !e.partitioned && e.size >= 0 && static_cast<uint64_t>(e.size) <= kBatchBytes;
  };
  uint64_t batched_bytes = 0;
  for (const BundleEntry& entry : rep_->entries) {
    if (batched(entry)) batched_bytes = std::min(kBatchBytes, batched_bytes + static_cast<uint64_t>(entry.size));
  }
  const std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(batched_bytes);
  std::vector<Destination> batch;
  uint64_t used = 0;
  for (const BundleEntry& entry : rep_->entries) {
    if (!batched(entry)) {
      TFCOMPAT_RETURN_IF_ERROR(Lookup(entry.name).status());
      continue;
    }
    const auto size = static_cast<uint64_t>(entry.size);
    if (used + size > batched_bytes) {
      TFCOMPAT_RETURN_IF_ERROR(ReadInto(batch));
      batch.clear();
      used = 0;
    }
    batch.push_back({entry.name, {buffer.get() + used, static_cast<size_t>(size)}});
    used += size;
  }
  return ReadInto(batch);
}

}  // namespace tfcompat
