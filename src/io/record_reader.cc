// SPDX-License-Identifier: Apache-2.0
#include "tfcompat/io/record_reader.h"

#include <zlib.h>

#include <algorithm>

#include "io/file.h"
#include "io/record_format.h"
#include "tfcompat/base/status_macros.h"

namespace tfcompat {
namespace {

constexpr size_t kCompressedChunkSize = 256 << 10;

// Where the bytes of a record stream come from: the file itself, or the
// file inflated. Offsets are in stream (uncompressed) bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Views up to `n` bytes at stream `offset`, which is never before the
  // offset of an earlier Discard, until the next call of any method. Fewer
  // bytes means the stream ends there for now.
  virtual Status View(uint64_t offset, size_t n, std::string_view* out) = 0;
  // The caller will never read before `offset` again.
  virtual void Discard(uint64_t offset) = 0;
  // False when the stream certainly holds fewer than `n` bytes from `offset`
  // now, so that a length the file cannot hold is never allocated.
  virtual StatusOr<bool> MayHold(uint64_t offset, uint64_t n) = 0;

  // The bytes from `offset` on that are at hand (maybe none), valid as a
  // View's: a record found whole here costs no virtual call.
  std::string_view Buffered(uint64_t offset) const {
    if (offset < buffer_start_ || offset - buffer_start_ > buffer_.size()) return {};
    return std::string_view(buffer_).substr(offset - buffer_start_);
  }

 protected:
  std::string buffer_;  // The stream's bytes from buffer_start_ on.
  uint64_t buffer_start_ = 0;
};

// Reads the file ahead in large chunks: an event file is mostly records of a
// few dozen bytes, and a system call for each would cost more than decoding
// it. The file only grows at its end, so bytes once read stay valid.
class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<RandomAccessFile> file) : file_(std::move(file)) {}

  Status View(uint64_t offset, size_t n, std::string_view* out) override {
    if (!Buffered(offset, n)) {
      if (n >= kReadAheadSize) return ReadUnbuffered(offset, n, out);
      TFCOMPAT_RETURN_IF_ERROR(Fill(offset));
    }
    const size_t begin = offset - buffer_start_;
    *out = std::string_view(buffer_).substr(begin, n);
    return OkStatus();
  }

  void Discard(uint64_t) override {}

  StatusOr<bool> MayHold(uint64_t offset, uint64_t n) override {
    if (Buffered(offset, n)) return true;
    TFCOMPAT_ASSIGN_OR_RETURN(const uint64_t size, file_->Size());
    return size >= offset && size - offset >= n;
  }

 private:
  static constexpr size_t kReadAheadSize = 256 << 10;

  bool Buffered(uint64_t offset, uint64_t n) const {
    return offset >= buffer_start_ && offset - buffer_start_ <= buffer_.size() &&
           buffer_.size() - (offset - buffer_start_) >= n;
  }

  Status Fill(uint64_t offset) {
    buffer_.resize(kReadAheadSize);
    std::string_view result;
    Status s = file_->Read(offset, kReadAheadSize, buffer_.data(), &result);
    buffer_.resize(s.ok() ? result.size() : 0);
    buffer_start_ = offset;
    return s;
  }

  // A large record, read straight into `large_`.
  Status ReadUnbuffered(uint64_t offset, size_t n, std::string_view* out) {
    large_.resize(n);
    std::string_view result;
    Status s = file_->Read(offset, n, large_.data(), &result);
    large_.resize(s.ok() ? result.size() : 0);
    *out = large_;
    return s;
  }

  std::unique_ptr<RandomAccessFile> file_;
  std::string large_;
};

// Inflates the file sequentially, keeping the not-yet-discarded tail.
class InflateSource final : public ByteSource {
 public:
  InflateSource(std::unique_ptr<RandomAccessFile> file, int window_bits)
      : file_(std::move(file)), window_bits_(window_bits) {}
  ~InflateSource() override {
    if (open_) inflateEnd(&zstream_);
  }

  Status Init() {
    const int rc = inflateInit2(&zstream_, window_bits_);
    if (rc != Z_OK) return InternalError(file_->path() + ": zlib inflateInit2 failed");
    open_ = true;
    return OkStatus();
  }

  Status View(uint64_t offset, size_t n, std::string_view* out) override {
    while (buffer_start_ + buffer_.size() < offset + n && !stream_end_) {
      bool progress = false;
      TFCOMPAT_RETURN_IF_ERROR(InflateMore(&progress));
      if (!progress) break;  // No more input for now.
    }
    const uint64_t begin = offset - buffer_start_;
    const uint64_t end = std::min<uint64_t>(buffer_.size(), begin + n);
    *out = std::string_view(buffer_).substr(begin, begin < end ? end - begin : 0);
    return OkStatus();
  }

  // Drops the bytes before `offset` a chunk at a time, not at every record:
  // each drop moves the rest of the buffer.
  void Discard(uint64_t offset) override {
    const uint64_t drop = std::min<uint64_t>(offset - buffer_start_, buffer_.size());
    if (drop < kCompressedChunkSize) return;
    buffer_.erase(0, drop);
    buffer_start_ += drop;
  }

  // The inflated size is unknown until inflated; Read() grows the buffer
  // only by bytes actually inflated, so no bound is needed here.
  StatusOr<bool> MayHold(uint64_t, uint64_t) override { return true; }

 private:
  // Reads more compressed input if needed and inflates one chunk; sets
  // `*progress` when it consumed input or produced output.
  Status InflateMore(bool* progress) {
    if (zstream_.avail_in == 0) {
      input_.resize(kCompressedChunkSize);
      std::string_view got;
      TFCOMPAT_RETURN_IF_ERROR(file_->Read(compressed_offset_, input_.size(), input_.data(), &got));
      if (got.empty()) return OkStatus();
      compressed_offset_ += got.size();
      zstream_.next_in = reinterpret_cast<Bytef*>(input_.data());
      zstream_.avail_in = static_cast<uInt>(got.size());
    }
    const size_t before = buffer_.size();
    buffer_.resize(before + kCompressedChunkSize);
    zstream_.next_out = reinterpret_cast<Bytef*>(buffer_.data() + before);
    zstream_.avail_out = static_cast<uInt>(kCompressedChunkSize);
    const uInt avail_in_before = zstream_.avail_in;
    const int rc = inflate(&zstream_, Z_NO_FLUSH);
    buffer_.resize(before + (kCompressedChunkSize - zstream_.avail_out));
    *progress = buffer_.size() > before || zstream_.avail_in < avail_in_before;
    if (rc == Z_STREAM_END) {
      stream_end_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return DataLossError(file_->path() + ": corrupt compressed stream near compressed offset " +
                           std::to_string(compressed_offset_ - zstream_.avail_in) + ": " +
                           (zstream_.msg ? zstream_.msg : "inflate error " + std::to_string(rc)));
    }
    return OkStatus();
  }

  std::unique_ptr<RandomAccessFile> file_;
  const int window_bits_;
  z_stream zstream_{};
  bool open_ = false;
  bool stream_end_ = false;
  uint64_t compressed_offset_ = 0;  // Of the next compressed byte to read.
  std::string input_;               // Compressed bytes being inflated.
};

}  // namespace

struct RecordReader::Rep {
  std::string path;
  RecordReaderOptions options;
  std::unique_ptr<ByteSource> source;
  uint64_t offset = 0;
  bool truncated_tail = false;

  Status Corrupt(const Status& cause, uint64_t at) const {
    return DataLossError(path + ": " + cause.message() + " in record at offset " + std::to_string(at));
  }
};

RecordReader::RecordReader(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RecordReader::~RecordReader() = default;

StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(const std::string& path,
                                                           const RecordReaderOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->path = path;
  rep->options = options;
  TFCOMPAT_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, Env::Default()->NewRandomAccessFile(path));
  if (options.compression == RecordCompression::kNone) {
    rep->source = std::make_unique<PlainSource>(std::move(file));
  } else {
    const int window_bits = options.compression == RecordCompression::kGzip ? 15 + 16 : 15;
    auto source = std::make_unique<InflateSource>(std::move(file), window_bits);
    TFCOMPAT_RETURN_IF_ERROR(source->Init());
    rep->source = std::move(source);
  }
  return std::unique_ptr<RecordReader>(new RecordReader(std::move(rep)));
}

Status RecordReader::ReadRecord(std::string* record) {
  std::string_view view;
  TFCOMPAT_RETURN_IF_ERROR(ReadRecordView(&view));
  record->assign(view);
  return OkStatus();
}

Status RecordReader::ReadRecordView(std::string_view* record) {
  Rep& r = *rep_;
  r.truncated_tail = false;
  // Only now: the previous record's view was valid until this call.
  r.source->Discard(r.offset);
  std::string_view bytes = r.source->Buffered(r.offset);
  if (bytes.size() < kRecordHeaderSize) TFCOMPAT_RETURN_IF_ERROR(r.source->View(r.offset, kRecordHeaderSize, &bytes));
  if (bytes.size() < kRecordHeaderSize) {
    r.truncated_tail = !bytes.empty();
    return OutOfRangeError(r.path + (r.truncated_tail ? ": truncated record at offset " : ": end of file at offset ") +
                           std::to_string(r.offset));
  }
  StatusOr<uint64_t> length = DecodeRecordHeader(bytes.substr(0, kRecordHeaderSize));
  if (!length.ok()) return r.Corrupt(length.status(), r.offset);
  if (*length > r.options.max_record_length) {
    return DataLossError(r.path + ": record at offset " + std::to_string(r.offset) + " claims " +
                         std::to_string(*length) + " bytes, more than the limit of " +
                         std::to_string(r.options.max_record_length));
  }
  const uint64_t needed = *length + kRecordFooterSize;
  std::string_view framed = bytes.substr(kRecordHeaderSize);
  if (framed.size() < needed) {
    // Never allocate for bytes the file does not have (a writer may still be
    // appending them).
    TFCOMPAT_ASSIGN_OR_RETURN(const bool may_hold, r.source->MayHold(r.offset + kRecordHeaderSize, needed));
    if (!may_hold) {
      r.truncated_tail = true;
      return OutOfRangeError(r.path + ": truncated record at offset " + std::to_string(r.offset));
    }
    TFCOMPAT_RETURN_IF_ERROR(r.source->View(r.offset + kRecordHeaderSize, needed, &framed));
    if (framed.size() < needed) {
      r.truncated_tail = true;
      return OutOfRangeError(r.path + ": truncated record at offset " + std::to_string(r.offset));
    }
  }
  const uint64_t record_offset = r.offset;
  r.offset += kRecordHeaderSize + needed;
  const std::string_view payload = framed.substr(0, *length);
  Status footer = VerifyRecordFooter(payload, framed.substr(*length));
  if (!footer.ok()) return r.Corrupt(footer, record_offset);
  *record = payload;
  return OkStatus();
}

uint64_t RecordReader::offset() const { return rep_->offset; }
bool RecordReader::truncated_tail() const { return rep_->truncated_tail; }
const std::string& RecordReader::path() const { return rep_->path; }

}  // namespace tfcompat
