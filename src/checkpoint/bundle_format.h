// SPDX-License-Identifier: Apache-2.0
// Pure encode/decode functions of the tensor bundle format (internal); the
// layout is described at the top of bundle_format.cc.
#ifndef TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_
#define TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tfcompat/base/status.h"
#include "tfcompat/checkpoint/tensor.h"
#include "tfcompat/tensorflow/tensor_bundle.pb.h"

namespace tfcompat::bundle {

// The index key of the header entry.
inline constexpr std::string_view kHeaderEntryKey = "";
// VersionDef written into the header (kTensorBundleVersion) and the
// versions this reader accepts (consumer 1, min producer 0).
inline constexpr int kVersion = 1;
inline constexpr int kMinProducer = 0;

// OrderedCode pieces used in slice keys.
void WriteNumIncreasing(std::string* dst, uint64_t value);
void WriteSignedNumIncreasing(std::string* dst, int64_t value);
void WriteOrderedString(std::string* dst, std::string_view value);

// One extent of a TensorSliceProto: `length` -1 is the whole dimension
// (an Extent without its has_length field; start is then 0).
struct SliceExtent {
  int64_t start = 0;
  int64_t length = -1;
};

// The index key under which the bytes of one slice of `name` are stored.
// A whole dimension is keyed as start 0, length -1.
std::string EncodeTensorNameSlice(std::string_view name, std::span<const SliceExtent> slice);

// BundleEntryProto without protobuf. An index holds one entry per tensor
// (100 000 for a model of many small variables), so entries are decoded
// into plain records whose shapes and slices live in one EntryArena per
// index: no allocation per entry.
//
// Wire format (proto3, fields in number order, zero scalars omitted):
//   BundleEntryProto  1 dtype varint | 2 shape TensorShapeProto | 3 shard_id
//                     varint | 4 offset varint | 5 size varint | 6 crc32c
//                     fixed32 | 7 slices TensorSliceProto (repeated)
//   TensorShapeProto  2 dim {1 size varint, 2 name bytes} (repeated) |
//                     3 unknown_rank varint
//   TensorSliceProto  1 extent {1 start varint, 2 length varint (oneof: sent
//                     even when 0; absent = whole dimension)} (repeated)
// Decoding follows protobuf's parser: unknown fields (and known ones of
// another wire type) are skipped by wire type, groups included; a scalar
// seen twice keeps the last value; a message seen twice is merged.
struct EntryArena {
  struct Slice {
    uint32_t first_extent = 0;  // into `extents`
    uint32_t num_extents = 0;
  };
  std::vector<int64_t> dims;
  std::vector<Slice> slices;
  std::vector<SliceExtent> extents;
};

struct EntryRecord {
  int32_t dtype = 0;
  int32_t shard_id = 0;
  int64_t offset = 0;
  int64_t size = 0;
  uint32_t masked_crc32c = 0;
  bool has_shape = false;
  bool unknown_rank = false;
  uint32_t first_dim = 0;  // into EntryArena::dims
  uint32_t rank = 0;
  uint32_t first_slice = 0;  // into EntryArena::slices
  uint32_t num_slices = 0;

  std::span<const int64_t> dims(const EntryArena& arena) const { return {arena.dims.data() + first_dim, rank}; }
  std::span<const SliceExtent> extents(const EntryArena& arena, uint32_t slice) const {
    const EntryArena::Slice& s = arena.slices[first_slice + slice];
    return {arena.extents.data() + s.first_extent, s.num_extents};
  }
};

// Decodes one serialized BundleEntryProto, appending its dims and slices to
// `arena` (which must not exceed 2^32 - 1 elements: an index is at most
// 2 GiB and every dim or extent takes at least two bytes). On failure the
// status says which field and byte were bad; the caller names the file and
// the key.
Status DecodeEntry(std::string_view bytes, EntryArena* arena, EntryRecord* entry);
// Appends what protobuf's SerializeAsString gives for the entry. The
// slices of `entry` must be contiguous in `arena`.
void EncodeEntry(const EntryRecord& entry, const EntryArena& arena, std::string* out);

// The part of a DT_STRING tensor that precedes the payloads: one varint64
// length per element, then the masked CRC32C of the lengths. `*crc` is
// set to the running CRC of the entry over the lengths and the stored
// checksum (extend it with the payloads to get the entry CRC).
std::string EncodeStringHeader(const std::vector<std::string>& values, uint32_t* crc);

// Decodes the `num_elements` strings stored in `data` (an entry's whole
// byte range), checking the length checksum and the entry CRC `stored_crc`
// (unmasked). Never allocates more than `data` holds.
Status DecodeStringTensor(std::string_view data, int64_t num_elements, uint32_t stored_crc,
                          std::vector<std::string>* values);

// The BundleHeaderProto of a little-endian bundle with `num_shards` shards.
tensorflow::BundleHeaderProto MakeHeader(int num_shards);
// Checks endianness and versions (TF's CheckVersions wording).
Status CheckHeader(const tensorflow::BundleHeaderProto& header);

// The shape of a decoded entry: InvalidArgument for unknown rank or
// negative dims.
StatusOr<TensorShape> EntryShape(const EntryRecord& entry, const EntryArena& arena);

}  // namespace tfcompat::bundle

#endif  // TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_
