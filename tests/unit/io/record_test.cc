// SPDX-License-Identifier: Apache-2.0
#include <boost/test/unit_test.hpp>

#include "io/record_format.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace tfcompat {
namespace {

using testing::Contains;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteAll;

std::vector<std::string> SampleRecords() {
  return {"", "a", std::string(1000, 'x'), std::string("\0\1\2\3", 4), std::string(300000, 'q')};
}

void WriteRecords(const std::string& path, const std::vector<std::string>& records, RecordCompression c) {
  auto writer = RecordWriter::Create(path, {.compression = c});
  BOOST_REQUIRE(writer.ok());
  for (const auto& r : records) BOOST_REQUIRE((*writer)->WriteRecord(r).ok());
  BOOST_REQUIRE((*writer)->Close().ok());
}

std::vector<std::string> ReadRecords(const std::string& path, RecordCompression c, Status* end) {
  auto reader = RecordReader::Open(path, {.compression = c});
  BOOST_REQUIRE(reader.ok());
  std::vector<std::string> out;
  std::string record;
  Status s;
  while ((s = (*reader)->ReadRecord(&record)).ok()) out.push_back(record);
  *end = s;
  return out;
}

BOOST_AUTO_TEST_SUITE(RecordTest)

// The first record of a TensorBoard event file (docs/formats/event.md).
BOOST_AUTO_TEST_CASE(FirstEventRecordKnownAnswer) {
  const std::string payload = std::string("\x09\x00\x00\x80\x38\x99\xd6\xd7\x41\x1a\x0d", 11) + "brain.Event:2";
  std::string framed;
  AppendRecord(payload, &framed);
  const std::string expected = std::string("\x18\0\0\0\0\0\0\0\xa3\x7f\x4b\x22", 12) + payload + "\x12\x4b\x36\xab";
  BOOST_TEST(framed == expected);
  auto length = DecodeRecordHeader(framed);
  BOOST_REQUIRE(length.ok());
  BOOST_TEST(*length == 24u);
  BOOST_TEST(VerifyRecordFooter(payload, std::string_view(framed).substr(12 + 24)).ok());
}

BOOST_AUTO_TEST_CASE(RoundTripEveryCompression) {
  for (RecordCompression c : {RecordCompression::kNone, RecordCompression::kZlib, RecordCompression::kGzip}) {
    TempDir dir;
    const std::string path = dir.file("r.tfrecord");
    WriteRecords(path, SampleRecords(), c);
    Status end;
    BOOST_TEST(ReadRecords(path, c, &end) == SampleRecords(), "compression " << RecordCompressionName(c));
    BOOST_TEST(static_cast<int>(end.code()) == static_cast<int>(StatusCode::kOutOfRange));
  }
}

BOOST_AUTO_TEST_CASE(ReadRecordViewSeesWhatReadRecordCopies) {
  // Small records across the read-ahead chunks' seams, and large ones read
  // past the buffer.
  std::vector<std::string> records = SampleRecords();
  for (int i = 0; i < 20000; ++i) records.push_back(std::string(1 + i % 97, static_cast<char>('a' + i % 26)));
  records.push_back(std::string(600000, 'z'));
  records.push_back("last");
  for (RecordCompression c : {RecordCompression::kNone, RecordCompression::kZlib, RecordCompression::kGzip}) {
    TempDir dir;
    const std::string path = dir.file("r.tfrecord");
    WriteRecords(path, records, c);
    auto reader = RecordReader::Open(path, {.compression = c});
    BOOST_REQUIRE(reader.ok());
    size_t i = 0;
    std::string_view view;
    Status s;
    for (; (s = (*reader)->ReadRecordView(&view)).ok(); ++i) {
      BOOST_REQUIRE(i < records.size());
      BOOST_REQUIRE(view == records[i]);
    }
    BOOST_TEST(i == records.size(), "compression " << RecordCompressionName(c));
    BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kOutOfRange));
  }
}

BOOST_AUTO_TEST_CASE(UncompressedBytesAreExactlyTheFraming) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord");
  WriteRecords(path, {"abc", "de"}, RecordCompression::kNone);
  std::string expected;
  AppendRecord("abc", &expected);
  AppendRecord("de", &expected);
  BOOST_TEST(ReadAll(path) == expected);
}

BOOST_AUTO_TEST_CASE(TruncatedTailIsNotAnErrorAndResumes) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord");
  std::string bytes;
  AppendRecord("first", &bytes);
  std::string second;
  AppendRecord("second record", &second);
  for (size_t cut = 1; cut < second.size(); ++cut) {
    WriteAll(path, bytes + second.substr(0, cut));
    auto reader = RecordReader::Open(path);
    BOOST_REQUIRE(reader.ok());
    std::string record;
    BOOST_REQUIRE((*reader)->ReadRecord(&record).ok());
    const Status s = (*reader)->ReadRecord(&record);
    BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kOutOfRange));
    BOOST_TEST((*reader)->truncated_tail());
    BOOST_TEST((*reader)->offset() == bytes.size());
    // The writer finishes the record: the same reader picks it up.
    WriteAll(path, bytes + second);
    BOOST_REQUIRE((*reader)->ReadRecord(&record).ok());
    BOOST_TEST(record == "second record");
  }
}

BOOST_AUTO_TEST_CASE(PayloadChecksumMismatchNamesFileAndOffsetAndCanBeSkipped) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord");
  std::string bytes;
  AppendRecord("good", &bytes);
  const size_t bad_offset = bytes.size();
  AppendRecord("flipped", &bytes);
  AppendRecord("after", &bytes);
  bytes[bad_offset + 12 + 2] ^= 0x01;
  WriteAll(path, bytes);
  auto reader = RecordReader::Open(path);
  BOOST_REQUIRE(reader.ok());
  std::string record;
  BOOST_REQUIRE((*reader)->ReadRecord(&record).ok());
  const Status s = (*reader)->ReadRecord(&record);
  BOOST_TEST(static_cast<int>(s.code()) == static_cast<int>(StatusCode::kDataLoss));
  BOOST_TEST(Contains(s.message(), path));
  BOOST_TEST(Contains(s.message(), "offset " + std::to_string(bad_offset)));
  BOOST_REQUIRE((*reader)->ReadRecord(&record).ok());
  BOOST_TEST(record == "after");
}

BOOST_AUTO_TEST_CASE(LengthChecksumMismatchIsDataLoss) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord");
  std::string bytes;
  AppendRecord("payload", &bytes);
  bytes[0] ^= 0x40;
  WriteAll(path, bytes);
  Status end;
  BOOST_TEST(ReadRecords(path, RecordCompression::kNone, &end).empty());
  BOOST_TEST(static_cast<int>(end.code()) == static_cast<int>(StatusCode::kDataLoss));
  BOOST_TEST(Contains(end.message(), "length CRC mismatch"));
}

BOOST_AUTO_TEST_CASE(HugeLengthIsNeverAllocated) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord");
  // A valid header claiming 2^62 bytes, followed by almost nothing.
  char header[kRecordHeaderSize];
  EncodeRecordHeader(uint64_t{1} << 62, header);
  WriteAll(path, std::string(header, sizeof(header)) + "abc");
  Status end;
  BOOST_TEST(ReadRecords(path, RecordCompression::kNone, &end).empty());
  BOOST_TEST(static_cast<int>(end.code()) == static_cast<int>(StatusCode::kDataLoss));
  BOOST_TEST(Contains(end.message(), "limit"));
  // Under the limit but beyond the end of the file: a truncated tail.
  EncodeRecordHeader(uint64_t{1} << 20, header);
  WriteAll(path, std::string(header, sizeof(header)) + "abc");
  BOOST_TEST(ReadRecords(path, RecordCompression::kNone, &end).empty());
  BOOST_TEST(static_cast<int>(end.code()) == static_cast<int>(StatusCode::kOutOfRange));
}

BOOST_AUTO_TEST_CASE(CorruptCompressedStreamIsDataLoss) {
  TempDir dir;
  const std::string path = dir.file("r.tfrecord.gz");
  WriteRecords(path, {std::string(5000, 'z'), "tail"}, RecordCompression::kGzip);
  std::string bytes = ReadAll(path);
  for (size_t i = 12; i < bytes.size() - 8; ++i) bytes[i] ^= 0x5a;
  WriteAll(path, bytes);
  Status end;
  ReadRecords(path, RecordCompression::kGzip, &end);
  BOOST_TEST(static_cast<int>(end.code()) == static_cast<int>(StatusCode::kDataLoss));
}

BOOST_AUTO_TEST_CASE(MissingFileIsNotFound) {
  auto reader = RecordReader::Open("/nonexistent/dir/file.tfrecord");
  BOOST_TEST(static_cast<int>(reader.status().code()) == static_cast<int>(StatusCode::kNotFound));
  BOOST_TEST(Contains(reader.status().message(), "/nonexistent/dir/file.tfrecord"));
}

BOOST_AUTO_TEST_CASE(UnknownCompressionNameIsInvalidArgument) {
  BOOST_TEST(ParseRecordCompression("GZIP").ok());
  BOOST_TEST(static_cast<int>(ParseRecordCompression("SNAPPY").status().code()) ==
             static_cast<int>(StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace tfcompat
