// SPDX-License-Identifier: Apache-2.0
// Test driver for interop/test_tfrecord.py: moves records between a TFRecord
// file and hex lines (one record per line) on stdin/stdout.
//
//   tfrecord_cli write FILE COMPRESSION < hex-lines
//   tfrecord_cli read FILE COMPRESSION > hex-lines
//
// COMPRESSION is NONE, ZLIB or GZIP. Exit 0 on success, 2 on error.
#include <iostream>
#include <string>

#include "driver_util.h"
#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"

namespace {

using tfcompat::interop::FromHex;
using tfcompat::interop::ToHex;

int Fail(const tfcompat::Status& s) {
  std::cerr << s << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: tfrecord_cli write|read FILE NONE|ZLIB|GZIP\n";
    return 2;
  }
  const std::string mode = argv[1], path = argv[2];
  auto compression = tfcompat::ParseRecordCompression(argv[3]);
  if (!compression.ok()) return Fail(compression.status());
  if (mode == "write") {
    auto writer = tfcompat::RecordWriter::Create(path, {.compression = *compression});
    if (!writer.ok()) return Fail(writer.status());
    std::string line, record;
    while (std::getline(std::cin, line)) {
      if (!FromHex(line, &record)) return Fail(tfcompat::InvalidArgumentError("bad hex line"));
      if (auto s = (*writer)->WriteRecord(record); !s.ok()) return Fail(s);
    }
    if (auto s = (*writer)->Close(); !s.ok()) return Fail(s);
    return 0;
  }
  if (mode == "read") {
    auto reader = tfcompat::RecordReader::Open(path, {.compression = *compression});
    if (!reader.ok()) return Fail(reader.status());
    std::string record;
    tfcompat::Status s;
    while ((s = (*reader)->ReadRecord(&record)).ok()) std::cout << ToHex(record) << "\n";
    if (s.code() != tfcompat::StatusCode::kOutOfRange || (*reader)->truncated_tail()) return Fail(s);
    return 0;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
