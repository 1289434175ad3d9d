// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/checkpoint/bundle.h"

#include <boost/test/unit_test.hpp>
#include <complex>
#include <limits>

#include "checkpoint/bundle_format.h"
#include "io/coding.h"
#include "tfcompat/io/crc32c.h"
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
