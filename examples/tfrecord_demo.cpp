// SPDX-License-Identifier: Apache-2.0
// tfrecord_demo: writes a small TFRecord file in each of TensorFlow's
// compression types and reads each back, printing what it wrote and read.
//
//   build/bin/tfrecord_demo [DIR]      (default DIR: tfrecord_demo_out)
//
// Writes DIR/demo.tfrecord, DIR/demo.tfrecord.zlib and DIR/demo.tfrecord.gz,
// each holding the same three records; TensorFlow reads them with
//   tf.data.TFRecordDataset(path, compression_type="" | "ZLIB" | "GZIP").
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tfcompat/io/record_reader.h"
#include "tfcompat/io/record_writer.h"

namespace {

int Fail(const tfcompat::Status& s) {
  std::cerr << "tfrecord_demo: " << s << "\n";
  return 2;
}

}  // namespace

constexpr char kUsage[] =
    "usage: tfrecord_demo [DIR]\n"
    "Writes DIR/demo.tfrecord, DIR/demo.tfrecord.zlib and DIR/demo.tfrecord.gz (DIR: tfrecord_demo_out\n"
    "by default, created if missing), each holding the same three records, and reads each back.\n";

int main(int argc, char** argv) {
  // The tools' conventions, by hand (an example uses only the library):
  // --help prints the usage and exits 0; a flag or a second argument is a
  // usage error, exit 1 (a DIR starting with '-' can be written ./-dir).
  const std::string arg = argc > 1 ? argv[1] : "";
  if (argc == 2 && (arg == "--help" || arg == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc > 2 || (!arg.empty() && arg[0] == '-')) {
    std::cerr << "tfrecord_demo: INVALID_ARGUMENT: " << (argc > 2 ? "expected at most one DIR" : "unknown flag " + arg)
              << " (see 'tfrecord_demo --help')\n";
    return 1;
  }
  const std::string dir = argc > 1 ? arg : "tfrecord_demo_out";
  ::mkdir(dir.c_str(), 0755);
  const std::vector<std::string> records = {"hello, TensorFlow", std::string("a record with \0 a NUL byte", 26),
                                            std::string(64, 'x')};
  struct Variant {
    tfcompat::RecordCompression compression;
    const char* suffix;
  };
  for (const Variant& v :
       {Variant{tfcompat::RecordCompression::kNone, ""}, Variant{tfcompat::RecordCompression::kZlib, ".zlib"},
        Variant{tfcompat::RecordCompression::kGzip, ".gz"}}) {
    const std::string path = dir + "/demo.tfrecord" + v.suffix;
    auto writer = tfcompat::RecordWriter::Create(path, {.compression = v.compression});
    if (!writer.ok()) return Fail(writer.status());
    for (const std::string& r : records) {
      if (auto s = (*writer)->WriteRecord(r); !s.ok()) return Fail(s);
    }
    if (auto s = (*writer)->Close(); !s.ok()) return Fail(s);
    std::string name(tfcompat::RecordCompressionName(v.compression));
    std::printf("wrote %s (%zu records, compression %s)\n", path.c_str(), records.size(),
                name.empty() ? "NONE" : name.c_str());

    auto reader = tfcompat::RecordReader::Open(path, {.compression = v.compression});
    if (!reader.ok()) return Fail(reader.status());
    std::string record;
    tfcompat::Status s;
    for (int i = 0; (s = (*reader)->ReadRecord(&record)).ok(); ++i) {
      std::printf("  read record %d: %zu bytes%s\n", i, record.size(),
                  record == records[i] ? ", matches" : ", DIFFERS");
      if (record != records[i]) return 1;
    }
    if (s.code() != tfcompat::StatusCode::kOutOfRange) return Fail(s);
  }
  return 0;
}
