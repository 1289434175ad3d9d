// SPDX-License-Identifier: Apache-2.0
// Fuzzes BundleReader on a whole checkpoint. Input layout:
//
//   index_length: fixed32 (little-endian)
//   index:        index_length bytes  -> P.index
//   data:         the rest            -> P.data-00000-of-00001
//
// (an index_length past the end gives the whole rest to the index).
//
// The index bytes are also decoded as one BundleEntryProto by our decoder
// and by protobuf's parser: where protobuf accepts, ours must accept with
// the same fields; where ours accepts, protobuf may refuse only a dim name
// that is not UTF-8 (which we skip unread).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint/bundle_format.h"
#include "fuzz_util.h"
#include "io/coding.h"
#include "tfcompat/checkpoint/bundle.h"
#include "tfcompat/tensorflow/tensor_bundle.pb.h"

namespace {

// Traps when the two decoders disagree about `bytes`.
void CompareEntryDecoders(std::string_view bytes) {
  tfcompat::bundle::EntryArena arena;
  tfcompat::bundle::EntryRecord entry;
  const bool ours = tfcompat::bundle::DecodeEntry(bytes, &arena, &entry).ok();
  tfcompat::tensorflow::BundleEntryProto proto;
  const bool theirs = proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (theirs && !ours) __builtin_trap();
  if (!theirs) {
    // Then only a dim name that is not UTF-8 makes protobuf refuse what we
    // accept: the input must hold a byte above 0x7f.
    if (ours && std::none_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) > 0x7f; })) {
      __builtin_trap();
    }
    return;
  }
  const auto dims = entry.dims(arena);
  bool same = proto.dtype() == entry.dtype && proto.shard_id() == entry.shard_id && proto.offset() == entry.offset &&
              proto.size() == entry.size && proto.crc32c() == entry.masked_crc32c &&
              proto.has_shape() == entry.has_shape && proto.shape().unknown_rank() == entry.unknown_rank &&
              static_cast<size_t>(proto.shape().dim_size()) == dims.size() &&
              static_cast<uint32_t>(proto.slices_size()) == entry.num_slices;
  for (size_t d = 0; same && d < dims.size(); ++d) same = proto.shape().dim(static_cast<int>(d)).size() == dims[d];
  for (uint32_t s = 0; same && s < entry.num_slices; ++s) {
    const auto& slice = proto.slices(static_cast<int>(s));
    const auto extents = entry.extents(arena, s);
    same = static_cast<size_t>(slice.extent_size()) == extents.size();
    for (size_t e = 0; same && e < extents.size(); ++e) {
      const auto& extent = slice.extent(static_cast<int>(e));
      const bool whole =
          extent.has_length_case() == tfcompat::tensorflow::TensorSliceProto::Extent::HAS_LENGTH_NOT_SET ||
          extent.length() == -1;
      same = whole ? extents[e].length == -1 && extents[e].start == 0
                   : extents[e].start == extent.start() && extents[e].length == extent.length();
    }
  }
  if (!same) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t index_length = tfcompat::DecodeFixed32(input.data());
  input.remove_prefix(4);
  const std::string_view index = input.substr(0, index_length);
  const std::string_view shard = index.size() < input.size() ? input.substr(index.size()) : std::string_view();
  CompareEntryDecoders(index);

  auto& scratch = tfcompat::fuzz::ScratchDir::Get();
  scratch.Write("ckpt.index", index);
  scratch.Write("ckpt.data-00000-of-00001", shard);
  auto reader = tfcompat::BundleReader::Open(scratch.file("ckpt"));
  if (!reader.ok()) return 0;
  for (const tfcompat::BundleEntry& entry : (*reader)->entries()) {
    auto tensor = (*reader)->Lookup(entry.name);
    if (tensor.ok() && tensor->shape() != entry.shape) __builtin_trap();
  }
  (*reader)->VerifyAll().IgnoreError();
  return 0;
}
