// SPDX-License-Identifier: Apache-2.0
// Pure encode/decode functions of the tensor bundle format (internal); the
// layout is described at the top of bundle_format.cc.
#ifndef TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_
#define TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_

#include <cstdint>
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

// The index key under which the bytes of one slice of `name` are stored.
// An extent without a length is the full dimension (start 0, length -1).
std::string EncodeTensorNameSlice(std::string_view name, const tensorflow::TensorSliceProto& slice);

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

// Converts between our shape and TF's proto (all dims known).
void ShapeToProto(const TensorShape& shape, tensorflow::TensorShapeProto* proto);
// InvalidArgument for unknown rank or negative dims.
StatusOr<TensorShape> ShapeFromProto(const tensorflow::TensorShapeProto& proto);

}  // namespace tfcompat::bundle

#endif  // TFCOMPAT_SRC_CHECKPOINT_BUNDLE_FORMAT_H_
