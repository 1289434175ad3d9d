// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/checkpoint/bundle.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <complex>
#include <limits>

#include "checkpoint/bundle_format.h"
#include "checkpoint/table.h"
#include "io/coding.h"
#include "tfcompat/io/crc32c.h"
#include "tfcompat/tensorflow/tensor_bundle.pb.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

const std::string kServing = std::string(TFCOMPAT_TESTDATA) + "/tf/tf-serving/servables/tensorflow/testdata/";

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// One tensor of every fixed-width dtype, plus strings.
std::vector<std::pair<std::string, Tensor>> EveryDtype() {
  std::vector<std::pair<std::string, Tensor>> out;
  out.emplace_back("bool", Tensor::FromVector<uint8_t>(DataType::kBool, {3}, {1, 0, 1}));
  out.emplace_back("f32", Tensor::FromVector<float>(DataType::kFloat, {2, 3}, {1.5f, -2, 0, 3.25f, 1e-30f, 7}));
  out.emplace_back("f64", Tensor::FromVector<double>(DataType::kDouble, {2}, {0.1, -1e300}));
  out.emplace_back("bf16", Tensor::FromVector<uint16_t>(DataType::kBFloat16, {2}, {0x3fc0, 0xc000}));
  out.emplace_back("f16", Tensor::FromVector<uint16_t>(DataType::kHalf, {2}, {0x3c00, 0xc000}));
  out.emplace_back("i8", Tensor::FromVector<int8_t>(DataType::kInt8, {2}, {-128, 127}));
  out.emplace_back("i16", Tensor::FromVector<int16_t>(DataType::kInt16, {2}, {-32768, 5}));
  out.emplace_back("i32", Tensor::FromVector<int32_t>(DataType::kInt32, {1, 2}, {-7, 1 << 30}));
  out.emplace_back("i64", Tensor::FromVector<int64_t>(DataType::kInt64, {}, {int64_t{1} << 40}));
  out.emplace_back("u8", Tensor::FromVector<uint8_t>(DataType::kUInt8, {2}, {0, 255}));
  out.emplace_back("u16", Tensor::FromVector<uint16_t>(DataType::kUInt16, {2}, {0, 65535}));
  out.emplace_back("u32", Tensor::FromVector<uint32_t>(DataType::kUInt32, {2}, {0, 4000000000u}));
  out.emplace_back("u64", Tensor::FromVector<uint64_t>(DataType::kUInt64, {1}, {~uint64_t{0}}));
  out.emplace_back("c64", Tensor::FromVector<std::complex<float>>(DataType::kComplex64, {1}, {{1.0f, -2.0f}}));
  out.emplace_back("c128", Tensor::FromVector<std::complex<double>>(DataType::kComplex128, {1}, {{3.0, 4.0}}));
  out.emplace_back("empty", Tensor::FromVector<float>(DataType::kFloat, {0, 4}, {}));
  out.emplace_back("str", *Tensor::FromStrings({2, 2}, {"", "a", std::string(300, 'x'), std::string("\0\xff", 2)}));
  return out;
}

// The decoded entry as protobuf's generated class, for comparing both ways.
tensorflow::BundleEntryProto ToProto(const bundle::EntryRecord& entry, const bundle::EntryArena& arena) {
  tensorflow::BundleEntryProto proto;
  proto.set_dtype(static_cast<tensorflow::DataType>(entry.dtype));
  if (entry.has_shape) {
    auto* shape = proto.mutable_shape();
    for (int64_t dim : entry.dims(arena)) shape->add_dim()->set_size(dim);
    shape->set_unknown_rank(entry.unknown_rank);
  }
  proto.set_shard_id(entry.shard_id);
  proto.set_offset(entry.offset);
  proto.set_size(entry.size);
  proto.set_crc32c(entry.masked_crc32c);
  for (uint32_t s = 0; s < entry.num_slices; ++s) {
    auto* slice = proto.add_slices();
    for (const bundle::SliceExtent& extent : entry.extents(arena, s)) {
      auto* e = slice->add_extent();
      if (extent.length == -1) continue;
      e->set_start(extent.start);
      e->set_length(extent.length);
    }
  }
  return proto;
}

// protobuf's view and ours of the same bytes: both fail, or both give the
// same fields. Returns our status.
Status DecodeLikeProtobuf(const std::string& bytes) {
  bundle::EntryArena arena;
  bundle::EntryRecord entry;
  const Status ours = bundle::DecodeEntry(bytes, &arena, &entry);
  tensorflow::BundleEntryProto theirs;
  const bool parsed = theirs.ParseFromString(bytes);
  BOOST_TEST(ours.ok() == parsed, ours.ToString());
  if (ours.ok() && parsed) {
    // Dim names and unknown fields are not kept: compared without them.
    if (theirs.has_shape()) {
      for (auto& dim : *theirs.mutable_shape()->mutable_dim()) dim.clear_name();
    }
    theirs.DiscardUnknownFields();
    for (auto& slice : *theirs.mutable_slices()) {
      for (auto& extent : *slice.mutable_extent()) {
        if (extent.has_length_case() == tensorflow::TensorSliceProto::Extent::HAS_LENGTH_NOT_SET) extent.clear_start();
      }
    }
    BOOST_TEST(ToProto(entry, arena).SerializeAsString() == theirs.SerializeAsString(), theirs.ShortDebugString());
  }
  return ours;
}

BOOST_AUTO_TEST_SUITE(BundleTest)

BOOST_AUTO_TEST_CASE(DataTypeNamesAndSizesAreTfs) {
  BOOST_TEST(DataTypeName(DataType::kFloat) == "float32");
  BOOST_TEST(DataTypeName(DataType::kHalf) == "float16");
  BOOST_TEST(DataTypeName(DataType::kBFloat16) == "bfloat16");
  BOOST_TEST(DataTypeName(DataType::kString) == "string");
  BOOST_TEST(DataTypeName(static_cast<DataType>(99)) == "invalid");
  BOOST_TEST(DataTypeEnumName(DataType::kFloat) == "float");
  BOOST_TEST(DataTypeSize(DataType::kComplex128) == 16u);
  BOOST_TEST(DataTypeSize(DataType::kString) == 0u);
  BOOST_TEST((*DataTypeFromName("uint64") == DataType::kUInt64));
  BOOST_TEST(!DataTypeFromName("float").ok());
}

BOOST_AUTO_TEST_CASE(NumElementsRejectsNegativeAndOverflowingShapes) {
  BOOST_TEST(*NumElements({4, 10}) == 40);
  BOOST_TEST(*NumElements({}) == 1);
  BOOST_TEST(*NumElements({0, -0}) == 0);
  BOOST_TEST(!NumElements({-1}).ok());
  BOOST_TEST(!NumElements({int64_t{1} << 32, int64_t{1} << 32}).ok());
  BOOST_TEST(!NumElements({int64_t{1} << 62}, 4).ok());
  BOOST_TEST(ShapeDebugString({4, 10}) == "[4,10]");
  BOOST_TEST(ShapeDebugString({}) == "[]");
}

BOOST_AUTO_TEST_CASE(IndexAndDataFileNamesAreTfs) {
  BOOST_TEST(IndexFileName("d/model.ckpt-5") == "d/model.ckpt-5.index");
  BOOST_TEST(DataFileName("d/model.ckpt-5", 1, 12) == "d/model.ckpt-5.data-00001-of-00012");
}

// docs/formats/checkpoint.md, slice keys: `w`, slice `0,5:-`.
BOOST_AUTO_TEST_CASE(SliceKeyKnownAnswer) {
  const std::vector<bundle::SliceExtent> slice = {{0, 5}, {}};
  BOOST_TEST(bundle::EncodeTensorNameSlice("w", slice) ==
             Bytes({0x00, 0x77, 0x00, 0x01, 0x01, 0x02, 0x80, 0x85, 0x80, 0x7f}));
}

BOOST_AUTO_TEST_CASE(EntryEncodingIsProtobufsSerialization) {
  bundle::EntryArena arena;
  std::vector<bundle::EntryRecord> entries;
  const auto add = [&](int32_t dtype, std::vector<int64_t> dims, int32_t shard_id, int64_t offset, int64_t size,
                       uint32_t crc, std::vector<std::vector<bundle::SliceExtent>> slices) {
    bundle::EntryRecord& entry = entries.emplace_back();
    entry = {.dtype = dtype, .shard_id = shard_id, .offset = offset, .size = size, .masked_crc32c = crc};
    entry.has_shape = true;
    entry.first_dim = static_cast<uint32_t>(arena.dims.size());
    entry.rank = static_cast<uint32_t>(dims.size());
    arena.dims.insert(arena.dims.end(), dims.begin(), dims.end());
    entry.first_slice = static_cast<uint32_t>(arena.slices.size());
    entry.num_slices = static_cast<uint32_t>(slices.size());
    for (const auto& extents : slices) {
      arena.slices.push_back({static_cast<uint32_t>(arena.extents.size()), static_cast<uint32_t>(extents.size())});
      arena.extents.insert(arena.extents.end(), extents.begin(), extents.end());
    }
  };
  add(1, {}, 0, 0, 4, 0xdeadbeef, {});                           // a scalar: the shape is "12 00"
  add(7, {0, 300, 1}, 3, int64_t{1} << 40, 0, 0x80000000u, {});  // a zero dim: an empty Dim
  add(19, {1 << 20}, 0, 127, 128, 0, {});                        // no crc: field 6 absent
  add(3, {4, 2}, 0, 0, 0, 0, {{{0, 2}, {}}, {{2, 2}, {}}});      // a partitioned tensor's full entry
  add(9, {5}, 1, 1, 1, 1, {{{3, 0}}});                           // a zero length is still written
  add(-1, {int64_t{1} << 62}, -2, 0, 0, 0, {});                  // negatives: ten-byte varints
  for (const bundle::EntryRecord& entry : entries) {
    std::string ours;
    bundle::EncodeEntry(entry, arena, &ours);
    BOOST_TEST(ours == ToProto(entry, arena).SerializeAsString());
    BOOST_TEST(DecodeLikeProtobuf(ours).ok());
  }
}

// A float [2, 3] at offset 0x400, 24 bytes, crc 0x01020304, as protobuf
// serializes it.
BOOST_AUTO_TEST_CASE(EntryKnownAnswer) {
  const std::string bytes = Bytes({0x08, 0x01, 0x12, 0x08, 0x12, 0x02, 0x08, 0x02, 0x12, 0x02, 0x08,
                                   0x03, 0x20, 0x80, 0x08, 0x28, 0x18, 0x35, 0x04, 0x03, 0x02, 0x01});
  bundle::EntryArena arena;
  bundle::EntryRecord entry;
  BOOST_REQUIRE(bundle::DecodeEntry(bytes, &arena, &entry).ok());
  BOOST_TEST(entry.dtype == 1);
  BOOST_TEST((std::vector<int64_t>(entry.dims(arena).begin(), entry.dims(arena).end()) == std::vector<int64_t>{2, 3}));
  BOOST_TEST(entry.offset == 0x400);
  BOOST_TEST(entry.size == 24);
  BOOST_TEST(entry.masked_crc32c == 0x01020304u);
  std::string encoded;
  bundle::EncodeEntry(entry, arena, &encoded);
  BOOST_TEST(encoded == bytes);
}

BOOST_AUTO_TEST_CASE(EntryDecoderSkipsAndMergesAsProtobufDoes) {
  const std::string offset_7 = Bytes({0x20, 0x07});
  for (const std::string& bytes : {
           Bytes({0x48, 0x96, 0x01}) + offset_7,                                       // unknown varint field 9
           Bytes({0x51, 1, 2, 3, 4, 5, 6, 7, 8}) + offset_7,                           // unknown fixed64
           Bytes({0x5a, 0x03, 0xff, 0xfe, 0xfd}) + offset_7,                           // unknown bytes
           Bytes({0x65, 1, 2, 3, 4}) + offset_7,                                       // unknown fixed32
           Bytes({0x6b, 0x73, 0x08, 0x01, 0x74, 0x6c}) + offset_7,                     // nested unknown groups
           Bytes({0x22, 0x01, 0x05}) + offset_7,                                       // offset as bytes: unknown
           Bytes({0x20, 0x09}) + offset_7,                                             // a scalar twice: the last wins
           Bytes({0x12, 0x04, 0x12, 0x02, 0x08, 0x02, 0x12, 0x02, 0x12, 0x00}),        // shapes merged: dims [2, 0]
           Bytes({0x12, 0x07, 0x12, 0x05, 0x12, 0x01, 0x6e, 0x08, 0x04}),              // a dim's name is skipped
           Bytes({0x3a, 0x06, 0x0a, 0x00, 0x0a, 0x02, 0x10, 0x00}),                    // extents: whole, [0, 0)
           Bytes({0x08, 0xff, 0xff, 0xff, 0xff, 0x7f}),                                // dtype keeps the low 32 bits
           Bytes({0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}),  // 10th byte's high bits dropped
       }) {
    BOOST_TEST(DecodeLikeProtobuf(bytes).ok());
  }
}

BOOST_AUTO_TEST_CASE(EntryDecoderRejectsWhatProtobufRejectsSayingWhere) {
  for (const auto& [bytes, error] : std::vector<std::pair<std::string, std::string>>{
           {Bytes({0x20}), "bad varint at byte 1"},
           {Bytes({0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}), "bad varint at byte 1"},
           {Bytes({0x12, 0x05, 0x12}), "length runs past the end of the entry at byte 2"},
           {Bytes({0x12, 0x02, 0x12, 0x09}), "length runs past the end of the entry at byte 4"},
           {Bytes({0x35, 0x01, 0x02}), "fixed32 runs past the end of the entry at byte 1"},
           {Bytes({0x00, 0x00}), "invalid tag at byte 1"},
           {Bytes({0x0e}), "invalid tag at byte 1"},
           {Bytes({0x0c}), "end of group outside a group at byte 1"},
           {Bytes({0x4b, 0x08, 0x01}), "group is not closed at byte 3"},
           {Bytes({0x4b, 0x54}), "group ends with another field number at byte 2"},
       }) {
    const Status status = DecodeLikeProtobuf(bytes);
    BOOST_TEST((status.code() == StatusCode::kDataLoss));
    BOOST_TEST(status.message() == error);
  }
  // Groups nested past protobuf's limit of 100.
  BOOST_TEST(!DecodeLikeProtobuf(std::string(101, '\x4b') + std::string(101, '\x4c')).ok());
  BOOST_TEST(DecodeLikeProtobuf(std::string(99, '\x4b') + std::string(99, '\x4c')).ok());
}

// The writer's index, entry by entry, is what protobuf's serializer gives
// for the same fields (and TF's own file for the counter, above).
BOOST_AUTO_TEST_CASE(WrittenIndexIsProtobufsSerialization) {
  TempDir dir;
  const std::string prefix = dir.file("ckpt");
  auto writer = BundleWriter::Create(prefix, {.max_shard_bytes = 64});
  BOOST_REQUIRE(writer.ok());
  for (const auto& [name, tensor] : EveryDtype()) BOOST_REQUIRE((*writer)->Add("z/" + name, tensor).ok());
  BOOST_REQUIRE((*writer)->Add("a", Tensor::FromVector<float>(DataType::kFloat, {300, 0}, {})).ok());
  BOOST_REQUIRE(
      (*writer)
          ->AddSlice("p", {3, 2}, {{0, 1}, {0, -1}}, Tensor::FromVector<int32_t>(DataType::kInt32, {1, 2}, {1, 2}))
          .ok());
  BOOST_REQUIRE((*writer)->AddSlice("q", {2}, {{1, 1}}, Tensor::FromVector<float>(DataType::kFloat, {1}, {1})).ok());
  BOOST_REQUIRE(
      (*writer)
          ->AddSlice("p", {3, 2}, {{1, 2}, {0, 2}}, Tensor::FromVector<int32_t>(DataType::kInt32, {2, 2}, {3, 4, 5, 6}))
          .ok());
  BOOST_REQUIRE((*writer)->Finish().ok());
  const std::string index = ReadAll(IndexFileName(prefix));
  auto entries = table::ReadTable(index);
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE_EQUAL(entries->size(), 1 + 3 + 1 + 2 + EveryDtype().size());  // "", slice keys, a, p, q, z/*
  table::TableBuilder builder;
  for (const auto& [key, value] : *entries) {
    std::string reserialized = value;
    if (!key.empty()) {
      tensorflow::BundleEntryProto proto;
      BOOST_REQUIRE(proto.ParseFromString(value));
      reserialized = proto.SerializeAsString();
      BOOST_TEST(value == reserialized, "key " << key);
    }
    BOOST_REQUIRE(builder.Add(key, reserialized).ok());
  }
  BOOST_TEST(*builder.Finish() == index);
  // The full entry of "p" lists both slices, in the order added.
  tensorflow::BundleEntryProto p;
  BOOST_REQUIRE(p.ParseFromString((*entries)[5].second));
  BOOST_TEST(p.ShortDebugString() ==
             "dtype: DT_INT32 shape { dim { size: 3 } dim { size: 2 } } slices { extent { length: 1 } extent { } } "
             "slices { extent { start: 1 length: 2 } extent { } }");
}

// The writer sorts its index in runs of 4096 entries as they are added and
// merges the runs at Finish; whatever the order of the adds (runs complete
// or not, keys in order up to some point), the index lists every key once,
// in increasing order, each with its own tensor.
BOOST_AUTO_TEST_CASE(IndexIsSortedWhateverTheOrderOfTheAdds) {
  constexpr int kCount = 2 * 4096 + 2048 + 3;
  std::vector<int> shuffled(kCount);
  for (int i = 0; i < kCount; ++i) shuffled[static_cast<size_t>(i)] = static_cast<int>((i * 7919L) % kCount);
  std::vector<int> reversed(kCount), late_disorder(kCount);
  for (int i = 0; i < kCount; ++i) {
    reversed[static_cast<size_t>(i)] = kCount - 1 - i;
    late_disorder[static_cast<size_t>(i)] = i;
  }
  // In order through the first two runs and into the third, then not.
  std::reverse(late_disorder.begin() + 2 * 4096 + 100, late_disorder.end());
  const auto name = [](int i) {
    std::string n = "layer_";
    n += std::to_string(i);
    n += "/kernel";
    return n;
  };
  for (const std::vector<int>& adds : {shuffled, reversed, late_disorder}) {
    TempDir dir;
    const std::string prefix = dir.file("ckpt");
    auto writer = BundleWriter::Create(prefix);
    BOOST_REQUIRE(writer.ok());
    for (const int i : adds) {
      BOOST_REQUIRE((*writer)->Add(name(i), Tensor::FromVector<int32_t>(DataType::kInt32, {}, {i})).ok());
    }
    BOOST_REQUIRE((*writer)->Finish().ok());
    auto entries = table::ReadTable(ReadAll(IndexFileName(prefix)));
    BOOST_REQUIRE(entries.ok());
    BOOST_REQUIRE_EQUAL(entries->size(), static_cast<size_t>(kCount) + 1);  // the header's "" first
    for (size_t e = 1; e < entries->size(); ++e) {
      BOOST_TEST(((*entries)[e - 1].first < (*entries)[e].first), "entry " << e);
    }
    auto reader = BundleReader::Open(prefix);
    BOOST_REQUIRE(reader.ok());
    for (const int i : {0, 1, 4095, 4096, 8191, 8192, kCount - 1}) {
      auto tensor = (*reader)->Lookup(name(i));
      BOOST_REQUIRE(tensor.ok());
      BOOST_TEST(tensor->flat<int32_t>()[0] == i);
    }
  }
}

BOOST_AUTO_TEST_CASE(OrderedCodeNumbersAreKnownBytesInIncreasingOrder) {
  std::string out;
  bundle::WriteNumIncreasing(&out, 0);
  bundle::WriteNumIncreasing(&out, 2);
  bundle::WriteNumIncreasing(&out, 0x1234);
  BOOST_TEST(out == Bytes({0x00, 0x01, 0x02, 0x02, 0x12, 0x34}));
  out.clear();
  bundle::WriteSignedNumIncreasing(&out, -1);
  bundle::WriteSignedNumIncreasing(&out, 63);
  bundle::WriteSignedNumIncreasing(&out, 64);   // two bytes: 110xxxxx xxxxxxxx
  bundle::WriteSignedNumIncreasing(&out, -65);  // 001xxxxx xxxxxxxx
  BOOST_TEST(out == Bytes({0x7f, 0xbf, 0xc0, 0x40, 0x3f, 0xbf}));
  // Increasing values give increasing encodings.
  std::string previous;
  for (int64_t v :
       {std::numeric_limits<int64_t>::min(), int64_t{-100000}, int64_t{-65}, int64_t{-64}, int64_t{0}, int64_t{63},
        int64_t{64}, int64_t{8191}, int64_t{8192}, int64_t{1} << 40, std::numeric_limits<int64_t>::max()}) {
    std::string encoded;
    bundle::WriteSignedNumIncreasing(&encoded, v);
    BOOST_TEST((previous < encoded), "value " << v);
    previous = encoded;
  }
}

BOOST_AUTO_TEST_CASE(StringHeaderKnownAnswer) {
  uint32_t crc;
  const std::string header = bundle::EncodeStringHeader({std::string(613, 'g')}, &crc);
  // varint 613, then Mask(crc32c(613 as 4 LE bytes)).
  const std::string length_bytes = Bytes({0x65, 0x02, 0, 0});
  std::string expected = Bytes({0xe5, 0x04});
  PutFixed32(&expected, crc32c::Mask(crc32c::Value(length_bytes.data(), 4)));
  BOOST_TEST(header == expected);
}

// A BundleWriter with the counter variable writes exactly TensorFlow's files.
BOOST_AUTO_TEST_CASE(CounterBundleIsByteIdenticalToTensorFlows) {
  TempDir dir;
  auto writer = BundleWriter::Create(dir.file("variables"));
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE((*writer)->Add("counter", Tensor::FromVector<float>(DataType::kFloat, {}, {0.0f})).ok());
  BOOST_REQUIRE((*writer)->Finish().ok());
  const std::string tf = kServing + "saved_model_counter/00000123/variables/variables";
  BOOST_TEST(ReadAll(dir.file("variables.index")) == ReadAll(tf + ".index"));
  BOOST_TEST(ReadAll(dir.file("variables.data-00000-of-00001")) == ReadAll(tf + ".data-00000-of-00001"));
  BOOST_TEST(!(*writer)->Finish().ok());
}

BOOST_AUTO_TEST_CASE(RoundTripEveryDtypeAcrossShards) {
  for (uint64_t max_shard_bytes : {uint64_t{0}, uint64_t{16}}) {
    TempDir dir;
    const std::string prefix = dir.file("sub/ckpt");
    auto writer = BundleWriter::Create(prefix, {.max_shard_bytes = max_shard_bytes});
    BOOST_REQUIRE(writer.ok());
    for (const auto& [name, tensor] : EveryDtype()) BOOST_REQUIRE((*writer)->Add(name, tensor).ok());
    BOOST_REQUIRE((*writer)->Finish().ok());

    auto reader = BundleReader::Open(prefix);
    BOOST_REQUIRE(reader.ok());
    BOOST_TEST((*reader)->entries().size() == EveryDtype().size());
    if (max_shard_bytes > 0) BOOST_TEST((*reader)->num_shards() > 1);
    for (const auto& [name, tensor] : EveryDtype()) {
      auto entry = (*reader)->GetEntry(name);
      BOOST_REQUIRE(entry.ok());
      BOOST_TEST((entry->dtype == tensor.dtype()));
      BOOST_TEST((entry->shape == tensor.shape()));
      auto read = (*reader)->Lookup(name);
      BOOST_REQUIRE_MESSAGE(read.ok(), read.status().ToString());
      BOOST_TEST((*read == tensor), name);
    }
    BOOST_TEST((*reader)->VerifyAll().ok());
    // Only the final names remain.
    std::vector<std::string> files;
    for (auto& f : boost::filesystem::directory_iterator(dir.file("sub")))
      files.push_back(f.path().filename().string());
    for (const std::string& f : files) BOOST_TEST(f.find("tempstate") == std::string::npos, f);
  }
}

BOOST_AUTO_TEST_CASE(WriterKeepsFirstError) {
  TempDir dir;
  auto writer = BundleWriter::Create(dir.file("ckpt"));
  BOOST_REQUIRE(writer.ok());
  const Tensor t = Tensor::FromVector<float>(DataType::kFloat, {1}, {1});
  BOOST_REQUIRE((*writer)->Add("a", t).ok());
  Status dup = (*writer)->Add("a", t);
  BOOST_TEST(Contains(dup, "Adding duplicate key: a"));
  BOOST_TEST(!(*writer)->Add("b", t).ok());
  BOOST_TEST(Contains((*writer)->Finish(), "duplicate"));
  BOOST_TEST(!boost::filesystem::exists(dir.file("ckpt.index")));
  BOOST_TEST(!(*writer)->AddBytes("c", DataType::kFloat, {2}, "abc").ok());
}

BOOST_AUTO_TEST_CASE(AbandonedWriterLeavesNoFiles) {
  TempDir dir;
  {
    auto writer = BundleWriter::Create(dir.file("ckpt"));
    BOOST_REQUIRE(writer.ok());
    BOOST_REQUIRE((*writer)->Add("a", Tensor::FromVector<float>(DataType::kFloat, {1}, {1})).ok());
  }
  BOOST_TEST(boost::filesystem::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(ReadsTensorFlowSavedModelVariables) {
  // Uncompressed (TF 1.0 era), Snappy (TF 1.14) and Snappy object-based (TF 2.14).
  for (const char* model :
       {"saved_model_half_plus_three", "saved_model_half_plus_two_cpu", "saved_model_half_plus_two_tf2_cpu"}) {
    auto reader = BundleReader::Open(kServing + model + "/00000123/variables/variables");
    BOOST_REQUIRE_MESSAGE(reader.ok(), model << ": " << reader.status().ToString());
    BOOST_TEST((*reader)->VerifyAll().ok(), model);
  }
  auto reader = BundleReader::Open(kServing + "saved_model_half_plus_two_cpu/00000123/variables/variables");
  auto a = (*reader)->Lookup("a");
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->flat<float>()[0] == 0.5f);
  auto b = (*reader)->Lookup("b");
  BOOST_TEST(b->flat<float>()[0] == 2.0f);

  auto tf2 = BundleReader::Open(kServing + "saved_model_half_plus_two_tf2_cpu/00000123/variables/variables");
  BOOST_REQUIRE(tf2.ok());
  auto graph = (*tf2)->Lookup("_CHECKPOINTABLE_OBJECT_GRAPH");
  BOOST_REQUIRE(graph.ok());
  BOOST_TEST((graph->dtype() == DataType::kString));
  BOOST_TEST(graph->strings().at(0).size() == 613u);
  BOOST_TEST((*tf2)->Lookup("a/.ATTRIBUTES/VARIABLE_VALUE")->flat<float>()[0] == 0.5f);
}

BOOST_AUTO_TEST_CASE(ReadsEstimatorCheckpoint) {
  auto reader = BundleReader::Open(std::string(TFCOMPAT_TESTDATA) + "/tf/estimator-basics/model/model.ckpt-1000");
  BOOST_REQUIRE(reader.ok());
  auto kernel = (*reader)->GetEntry("dense/kernel");
  BOOST_REQUIRE(kernel.ok());
  BOOST_TEST((kernel->shape == TensorShape{2, 4}));
  BOOST_TEST(kernel->offset == 56);
  BOOST_TEST(kernel->size == 32);
  auto step = (*reader)->Lookup("global_step");
  BOOST_REQUIRE(step.ok());
  BOOST_TEST(step->flat<int64_t>()[0] == 1000);
  BOOST_TEST((*reader)->VerifyAll().ok());
  auto missing = (*reader)->Lookup("dense/nope");
  BOOST_TEST((missing.status().code() == StatusCode::kNotFound));
  BOOST_TEST(missing.status().message() == "Key dense/nope not found in checkpoint");
}

BOOST_AUTO_TEST_CASE(AssemblesPartitionedTensor) {
  TempDir dir;
  const std::string prefix = dir.file("part");
  {
    auto writer = BundleWriter::Create(prefix, {.max_shard_bytes = 8});
    BOOST_REQUIRE(writer.ok());
    // w [3,2] in two row partitions, s [2] strings in two (added out of
    // order), "half" missing its second half, "whole" a slice covering all.
    BOOST_REQUIRE(
        (*writer)
            ->AddSlice("w", {3, 2}, {{0, 1}, {0, -1}}, Tensor::FromVector<int32_t>(DataType::kInt32, {1, 2}, {1, 2}))
            .ok());
    BOOST_REQUIRE((*writer)
                      ->AddSlice("w", {3, 2}, {{1, 2}, {0, 2}},
                                 Tensor::FromVector<int32_t>(DataType::kInt32, {2, 2}, {3, 4, 5, 6}))
                      .ok());
    BOOST_REQUIRE((*writer)->AddSlice("s", {2}, {{1, 1}}, *Tensor::FromStrings({1}, {"second"})).ok());
    BOOST_REQUIRE((*writer)->AddSlice("s", {2}, {{0, 1}}, *Tensor::FromStrings({1}, {"first"})).ok());
    BOOST_REQUIRE(
        (*writer)->AddSlice("half", {4}, {{0, 2}}, Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2})).ok());
    BOOST_REQUIRE(
        (*writer)->AddSlice("whole", {2}, {{0, 2}}, Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2})).ok());
    BOOST_REQUIRE((*writer)->Finish().ok());
  }
  {
    TempDir other;
    auto writer = BundleWriter::Create(other.file("bad"));
    BOOST_REQUIRE(writer.ok());
    Status outside =
        (*writer)->AddSlice("bad", {2}, {{1, 2}}, Tensor::FromVector<float>(DataType::kFloat, {2}, {1, 2}));
    BOOST_TEST(Contains(outside, "extent 1,2 is outside dimension 0 of [2]"), outside.ToString());
  }
  auto reader = BundleReader::Open(prefix);
  BOOST_REQUIRE(reader.ok());
  BOOST_REQUIRE_EQUAL((*reader)->entries().size(), 4u);  // slice keys are folded in
  BOOST_TEST((*reader)->entries()[2].name == "w");
  BOOST_TEST((*reader)->entries()[2].partitioned);
  BOOST_TEST((*reader)->entries()[2].size == 24);
  BOOST_TEST(!(*reader)->entries()[3].partitioned);  // "whole"
  BOOST_TEST((*reader)->num_shards() > 1);
  auto w = (*reader)->Lookup("w");
  BOOST_REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  BOOST_TEST((*w == Tensor::FromVector<int32_t>(DataType::kInt32, {3, 2}, {1, 2, 3, 4, 5, 6})));
  auto s = (*reader)->Lookup("s");
  BOOST_REQUIRE(s.ok());
  BOOST_TEST((s->strings() == std::vector<std::string>{"first", "second"}));
  auto half = (*reader)->Lookup("half");
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(Contains(half.status(), "Does not have sufficient slices for partitioned tensor half"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
