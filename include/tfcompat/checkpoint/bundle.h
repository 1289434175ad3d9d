// SPDX-License-Identifier: Apache-2.0
// TensorFlow V2 checkpoints ("tensor bundles"): what tf.train.Saver,
// tf.train.Checkpoint and Estimator write and read. A checkpoint with
// prefix P is
//
//   P.index                       sorted table: "" -> BundleHeaderProto,
//                                 tensor name -> BundleEntryProto
//   P.data-00000-of-00002, ...    tensor bytes, concatenated (no framing)
//
// Writing: tensors stream to temp files; at Finish the index is written to
// a temp file too, then the data files are renamed and the index last, so
// P.index appears only once the checkpoint is complete. Reading: the index
// is read at Open; each Lookup preads one tensor's byte range and checks its
// CRC32C; ReadInto restores many tensors into the caller's memory in large
// sequential reads.
//
// Usage:
//   Tensor kernel = Tensor::FromVector<float>(DataType::kFloat, {4, 10}, std::vector<float>(40, 0.5f));
//   TFCOMPAT_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create("/m/model.ckpt-100"));
//   TFCOMPAT_RETURN_IF_ERROR(writer->Add("dense/kernel", kernel));
//   TFCOMPAT_RETURN_IF_ERROR(writer->Finish());
//   TFCOMPAT_ASSIGN_OR_RETURN(auto reader, BundleReader::Open("/m/model.ckpt-100"));
//   int64_t data_bytes = 0;
//   for (const BundleEntry& e : reader->entries()) data_bytes += e.size;
//   TFCOMPAT_ASSIGN_OR_RETURN(Tensor restored, reader->Lookup("dense/kernel"));
#ifndef TFCOMPAT_CHECKPOINT_BUNDLE_H_
#define TFCOMPAT_CHECKPOINT_BUNDLE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"

namespace tfcompat {

// "P.index".
std::string IndexFileName(std::string_view prefix);
// "P.data-00001-of-00004".
std::string DataFileName(std::string_view prefix, int shard_id, int num_shards);

class BundleWriter {
 public:
  struct Options {
    // A new data shard is started before a tensor that would take the
    // current shard past this many bytes; 0 = a single shard.
    uint64_t max_shard_bytes = 0;
    // fsync every file before it is renamed.
    bool sync = true;
    // fsync the directory after the renames (when `sync`). A caller that
    // syncs the same directory right afterwards (CheckpointManager, which
    // then replaces the state file) turns this off to save one fsync.
    bool sync_directory = true;
  };

  // Creates the directory of `prefix` if needed and opens the temp files.
  static StatusOr<std::unique_ptr<BundleWriter>> Create(const std::string& prefix, Options options);
  static StatusOr<std::unique_ptr<BundleWriter>> Create(const std::string& prefix) { return Create(prefix, Options()); }
  // Deletes the temp files unless Finish() succeeded.
  ~BundleWriter();
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  // Appends a tensor. Fails (and the writer keeps the error) on a duplicate
  // or empty name (or one starting with a NUL byte, which slice keys use),
  // an invalid tensor or an I/O error.
  Status Add(std::string_view name, const Tensor& tensor);
  // The same for a fixed-width tensor held by the caller (for example a
  // model's parameter block): `bytes` is written as is, without a copy.
  Status AddBytes(std::string_view name, DataType dtype, const TensorShape& shape, std::string_view bytes);
  // One extent of a slice: `length` -1 means the whole dimension.
  struct Extent {
    int64_t start = 0;
    int64_t length = -1;
  };
  // Adds one slice (partition) of the tensor `full_name` of `full_shape`, as
  // TF's AddSlice / a partitioned Saver variable does: the slice bytes go
  // under an OrderedCode slice key and the full name's entry lists the
  // slices. A slice that covers the whole tensor is a plain Add().
  Status AddSlice(std::string_view full_name, const TensorShape& full_shape, const std::vector<Extent>& slice,
                  const Tensor& slice_tensor);
  // Completes the checkpoint; returns the first error of any call. A
  // failure leaves no P.index; data files renamed before a failed rename of
  // the index may remain (no reader takes them for a checkpoint, and
  // CheckpointManager's next save removes them).
  Status Finish();

 private:
  struct Rep;
  friend class CheckpointAccess;
  explicit BundleWriter(std::unique_ptr<Rep> rep);
  Status CheckAdd(std::string_view name);
  std::unique_ptr<Rep> rep_;
};

// One tensor as the index describes it.
struct BundleEntry {
  std::string name;
  DataType dtype = DataType::kInvalid;
  TensorShape shape;
  int shard_id = 0;
  int64_t offset = 0;
  // Bytes in the data file; for a partitioned tensor the sum of its slices.
  int64_t size = 0;
  // Stored as slices (a partitioned variable).
  bool partitioned = false;
};

class BundleReader {
 public:
  // Limits on what a (possibly crafted) checkpoint can make the reader do,
  // checked before anything is allocated.
  struct Options {
    // Largest tensor Lookup returns, in bytes (for strings: the stored
    // bytes, and the elements of a partitioned tensor times the size of a
    // std::string); a larger one is refused with ResourceExhausted.
    uint64_t max_tensor_bytes = uint64_t{16} << 30;
    // Highest shape rank an index entry may have (TensorFlow's limit is
    // 254); a higher one fails Open with InvalidArgument.
    int max_rank = 254;
  };

  // Reads and checks P.index (footer, block CRCs, header, versions, ranks);
  // the data files are opened on first use.
  static StatusOr<std::unique_ptr<BundleReader>> Open(const std::string& prefix, const Options& options);
  static StatusOr<std::unique_ptr<BundleReader>> Open(const std::string& prefix) { return Open(prefix, Options()); }
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  const std::string& prefix() const;
  int num_shards() const;
  // Every tensor, sorted by name (slice entries of partitioned tensors are
  // folded into their full tensor).
  const std::vector<BundleEntry>& entries() const;
  // NotFound "Key <name> not found in checkpoint".
  StatusOr<BundleEntry> GetEntry(std::string_view name) const;
  // Reads one tensor (assembling a partitioned one from its slices) and
  // checks its size and CRC32C.
  StatusOr<Tensor> Lookup(std::string_view name);
  // Where ReadInto puts one tensor: memory the caller owns, exactly the
  // tensor's size (its elements times the size of its dtype).
  struct Destination {
    std::string_view name;
    std::span<char> bytes;
  };

  // Reads many fixed-width tensors into the caller's memory, checking each
  // one's CRC32C: the way to restore a whole model. No allocation or copy
  // per tensor: the tensors are read in file order, neighbours coalesced
  // into one preadv of up to 1 MiB and a large tensor read in 1 MiB pieces,
  // straight into the destinations, each piece's CRC computed while it is
  // in cache and the kernel's readahead fetching the next. The errors of
  // Lookup; InvalidArgument for a string tensor or a destination of another
  // size. After an error the destinations hold unspecified bytes.
  Status ReadInto(std::span<const Destination> destinations);

  // Checks every data file exists and reads every tensor; the first problem
  // names the file and the tensor.
  Status VerifyAll();

 private:
  struct Rep;
  explicit BundleReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_CHECKPOINT_BUNDLE_H_
