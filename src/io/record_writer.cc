// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/io/record_writer.h"

#include <zlib.h>

#include "io/file.h"
#include "io/record_format.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

// TF's ZlibCompressionOptions: 256 KiB buffers, window_bits 15 (+16 for gzip
// framing), mem_level 9, default strategy.
constexpr size_t kZlibBufferSize = 256 << 10;
constexpr int kZlibWindowBits = 15;
constexpr int kGzipWindowBitsOffset = 16;
constexpr int kZlibMemLevel = 9;

}  // namespace

StatusOr<RecordCompression> ParseRecordCompression(std::string_view name) {
  if (name.empty() || name == "NONE") return RecordCompression::kNone;
  if (name == "ZLIB") return RecordCompression::kZlib;
  if (name == "GZIP") return RecordCompression::kGzip;
  return InvalidArgumentError("unknown TFRecord compression type '" + std::string(name) +
                              "'; expected \"\", \"ZLIB\" or \"GZIP\"");
}

std::string_view RecordCompressionName(RecordCompression compression) {
  switch (compression) {
    case RecordCompression::kNone:
      return "";
    case RecordCompression::kZlib:
      return "ZLIB";
    case RecordCompression::kGzip:
      return "GZIP";
  }
  return "";
}

struct RecordWriter::Rep {
  std::unique_ptr<WritableFile> file;
  RecordCompression compression = RecordCompression::kNone;
  z_stream zstream{};
  bool zstream_open = false;
  std::string zbuffer;  // Deflate output awaiting a write.
  std::string framed;   // Reused for each record's framing.
  uint64_t bytes_written = 0;
  Status status;  // The first error; sticky.
  bool closed = false;

  ~Rep() {
    if (zstream_open) deflateEnd(&zstream);
  }

  Status ZlibError(int code, const char* what) const {
    return InternalError(file->path() + ": zlib " + what +
                         " failed: " + (zstream.msg ? zstream.msg : std::to_string(code)));
  }

  // Runs deflate over `input` with `flush`, writing full output buffers.
  Status Deflate(std::string_view input, int flush) {
    zstream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    zstream.avail_in = static_cast<uInt>(input.size());
    while (true) {
      zstream.next_out = reinterpret_cast<Bytef*>(zbuffer.data());
      zstream.avail_out = static_cast<uInt>(zbuffer.size());
      const int rc = deflate(&zstream, flush);
      if (rc == Z_STREAM_ERROR) return ZlibError(rc, "deflate");
      const size_t produced = zbuffer.size() - zstream.avail_out;
      if (produced > 0) TFCOMPAT_RETURN_IF_ERROR(file->Append(std::string_view(zbuffer.data(), produced)));
      // Done when deflate had room to spare and consumed all input.
      if (zstream.avail_out != 0 && zstream.avail_in == 0) {
        if (flush != Z_FINISH || rc == Z_STREAM_END) return OkStatus();
      }
    }
  }

  Status Write(std::string_view bytes) {
    if (compression == RecordCompression::kNone) return file->Append(bytes);
    return Deflate(bytes, Z_NO_FLUSH);
  }

  Status Flush() {
    if (compression != RecordCompression::kNone) TFCOMPAT_RETURN_IF_ERROR(Deflate({}, Z_SYNC_FLUSH));
    return file->Flush();
  }

  // Keeps the first error.
  Status Record(Status s) {
    if (status.ok() && !s.ok()) status = s;
    return status;
  }
};

RecordWriter::RecordWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

RecordWriter::~RecordWriter() {
  if (!rep_->closed) Close().IgnoreError();
}

StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Create(const std::string& path,
                                                             const RecordWriterOptions& options) {
  if (options.compression_level < -1 || options.compression_level > 9) {
    return InvalidArgumentError("compression_level must be -1 or 0-9, got " +
                                std::to_string(options.compression_level));
  }
  auto rep = std::make_unique<Rep>();
  TFCOMPAT_ASSIGN_OR_RETURN(rep->file, Env::Default()->NewWritableFile(path));
  rep->compression = options.compression;
  if (options.compression != RecordCompression::kNone) {
    const int window_bits =
        kZlibWindowBits + (options.compression == RecordCompression::kGzip ? kGzipWindowBitsOffset : 0);
    const int rc = deflateInit2(&rep->zstream, options.compression_level, Z_DEFLATED, window_bits, kZlibMemLevel,
                                Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) return rep->ZlibError(rc, "deflateInit2");
    rep->zstream_open = true;
    rep->zbuffer.resize(kZlibBufferSize);
  }
  return std::unique_ptr<RecordWriter>(new RecordWriter(std::move(rep)));
}

Status RecordWriter::WriteRecord(std::string_view record) {
  Rep& r = *rep_;
  if (!r.status.ok()) return r.status;
  if (r.closed) return FailedPreconditionError(r.file->path() + ": WriteRecord after Close");
  r.framed.clear();
  AppendRecord(record, &r.framed);
  TFCOMPAT_RETURN_IF_ERROR(r.Record(r.Write(r.framed)));
  r.bytes_written += r.framed.size();
  return OkStatus();
}

Status RecordWriter::Flush() {
  Rep& r = *rep_;
  if (!r.status.ok() || r.closed) return r.status;
  return r.Record(r.Flush());
}

Status RecordWriter::Sync() {
  Rep& r = *rep_;
  TFCOMPAT_RETURN_IF_ERROR(Flush());
  if (r.closed) return r.status;
  return r.Record(r.file->Sync());
}

Status RecordWriter::Close() {
  Rep& r = *rep_;
  if (r.closed) return r.status;
  r.closed = true;
  if (r.status.ok() && r.zstream_open) r.Record(r.Deflate({}, Z_FINISH)).IgnoreError();
  if (r.status.ok()) r.Record(r.file->Flush()).IgnoreError();
  return r.Record(r.file->Close());
}

uint64_t RecordWriter::bytes_written() const { return rep_->bytes_written; }

}  // namespace tfcompat
