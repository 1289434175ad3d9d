// SPDX-License-Identifier: Apache-2.0
// RecordWriter: writes a TFRecord file exactly as TensorFlow's
// tf.io.TFRecordWriter does (the framing: docs/formats/event.md).
//
// Usage:
//   const std::vector<std::string> examples = {"first record", "second record"};
//   TFCOMPAT_ASSIGN_OR_RETURN(auto writer, tfcompat::RecordWriter::Create("data.tfrecord"));
//   for (const std::string& example : examples) {
//     TFCOMPAT_RETURN_IF_ERROR(writer->WriteRecord(example));
//   }
//   return writer->Close();
//
// The first error is kept: every later call returns it. Not thread-safe.
#ifndef TFCOMPAT_IO_RECORD_WRITER_H_
#define TFCOMPAT_IO_RECORD_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tfcompat/base/status.h"

namespace tfcompat {

// TensorFlow's TFRecord compression types: the whole file is one stream.
enum class RecordCompression { kNone, kZlib, kGzip };

// "" or "NONE", "ZLIB", "GZIP" (TF's compression_type strings).
StatusOr<RecordCompression> ParseRecordCompression(std::string_view name);
// "", "ZLIB" or "GZIP".
std::string_view RecordCompressionName(RecordCompression compression);

struct RecordWriterOptions {
  RecordCompression compression = RecordCompression::kNone;
  // zlib level 0-9, or -1 for zlib's default (TF's default too).
  int compression_level = -1;
};

class RecordWriter {
 public:
  // Creates (or truncates) `path`.
  static StatusOr<std::unique_ptr<RecordWriter>> Create(const std::string& path,
                                                        const RecordWriterOptions& options = {});

  // Closes the file if Close() was not called; errors are then lost.
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  // Appends one record. Uncompressed, the framed record reaches the file in
  // a single write(), so a concurrent reader never sees a torn header.
  Status WriteRecord(std::string_view record);
  // Hands everything written so far to the OS (a zlib sync flush when
  // compressing, so a reader can decode every complete record).
  Status Flush();
  // Flush() and fdatasync().
  Status Sync();
  // Finishes the compressed stream, flushes and closes. A second Close()
  // returns the first one's result.
  Status Close();

  // Bytes of records handed to WriteRecord, framing included, before
  // compression.
  uint64_t bytes_written() const;

 private:
  struct Rep;
  explicit RecordWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tfcompat

#endif  // TFCOMPAT_IO_RECORD_WRITER_H_
