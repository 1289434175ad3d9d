// SPDX-License-Identifier: Apache-2.0
// RecordReader: reads TFRecord files written by TensorFlow, TensorBoard,
// PyTorch, tensorboardX or us.
//
// Usage:
//   const std::string path = "data.tfrecord";
//   TFCOMPAT_ASSIGN_OR_RETURN(auto reader, tfcompat::RecordReader::Open(path));
//   std::string record;
//   size_t total_bytes = 0;
//   tfcompat::Status s;
//   while ((s = reader->ReadRecord(&record)).ok()) total_bytes += record.size();
//   if (s.code() != tfcompat::StatusCode::kOutOfRange) return s;  // corrupt
//
// A file that a writer is still appending to ends in a partial record. That
// is not an error: ReadRecord returns OutOfRange, truncated_tail() is true,
// and a later ReadRecord resumes from the same offset once bytes arrive.
// Corruption (a CRC mismatch) is DataLoss naming the file and the offset.
#ifndef TFCOMPAT_IO_RECORD_READER_H_
#define TFCOMPAT_IO_RECORD_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tfcompat/base/status.h"
#include "tfcompat/io/record_writer.h"

namespace tfcompat {

struct RecordReaderOptions {
  RecordCompression compression = RecordCompression::kNone;
  // A length field above this is DataLoss before anything is allocated.
  uint64_t max_record_length = uint64_t{1} << 30;
};

class RecordReader {
 public:
  static StatusOr<std::unique_ptr<RecordReader>> Open(const std::string& path, const RecordReaderOptions& options = {});
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // OK: `*record` holds the next record.
  // OutOfRange: no complete record at offset(): the end of the file, or a
  //   truncated tail (truncated_tail() tells which); calling again later
  //   resumes there.
  // DataLoss: the record at offset() is corrupt. When only its payload CRC
  //   failed, offset() has moved past it and the next call reads on (the
  //   caller may skip the bad record); when its length CRC failed, the
  //   record boundary is lost and every later call returns the same error.
  Status ReadRecord(std::string* record);
  // As ReadRecord, without copying: `*record` views the reader's buffer
  // until the next call.
  Status ReadRecordView(std::string_view* record);

  // Offset of the next record, in uncompressed bytes.
  uint64_t offset() const;
  // Whether the last OutOfRange was a partial record rather than a clean end.
  bool truncated_tail() const;
  const std::string& path() const;

 private:
  struct Rep;
  explicit RecordReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_IO_RECORD_READER_H_
